//! `samltrace listen`: the flags validated once (the same `Settings` and identity list as
//! `decode`), the library's listener bound, and everything it hears printed as it arrives by
//! the same `Printer`. The clock and randomness are read here; `--save DIR` writes the wire text
//! of each message; SIGINT, SIGTERM and SIGHUP stop it cleanly (a JSON document is closed) with
//! 128 + the signal's number.

use std::io::Write;
use std::net::{SocketAddr, ToSocketAddrs};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicI32, Ordering};

use jiff::Timestamp;
use samltrace::compare::Index;
use samltrace::listen::{self, Environment, Heard, Limits, Listener, ServiceProvider, Stopper};
use samltrace::pipeline::{Flow, Pipeline};

use crate::cli::{ColorWhen, ListenArgs};

use super::identities::{self, Wanted};
use super::printer::{Printer, Text};
use super::settings::Settings;
use super::{Exit, Fatal, output};

pub fn run(args: ListenArgs) -> Result<Exit, Fatal> {
    let ids = &args.identities;
    let color = args.output.color;
    let settings = Settings::from_args(&args.checks, &args.keys, ids.mask_key.as_deref())?;
    let options = options(&args)?;
    let save = args.save.as_deref().map(save_dir).transpose()?;
    settings.print_notes(color);
    let loaded = match ids.scim.is_empty() {
        true => None,
        false => {
            let mut loaded = identities::load(ids, &Wanted::default(), color)?;
            settings.config.mask_identities(&mut loaded.identities);
            Some(loaded)
        }
    };
    let listener = Listener::bind(&options).map_err(|e| Fatal::new(format!("--addr: {e}")))?;
    let base_url = format!("http://{}", listener.local_addr());
    let keys = Arc::clone(&settings.config.keys);
    let sp = ServiceProvider::new(settings.context(), keys, &base_url);
    announce(&sp, &base_url, &settings, color);
    let signal = watch_signals(listener.stopper());
    let mut pipeline = Pipeline::new(settings.config.clone());
    if let Some(loaded) = &loaded {
        let group = args.checks.gitlab_group.as_deref();
        let fix = identities::fix_api(loaded.fix.clone(), group);
        pipeline = pipeline.with_identities(Index::new(&loaded.identities).with_fix_api(fix));
    }
    let mut printer = Printer::new(&args.output, Text::Messages);
    printer.begin();
    let mut out = Out {
        printer: &mut printer,
        save: save.as_deref(),
        color,
        count: args.count,
        received: 0,
        failed: None,
    };
    listener.serve(&sp, &pipeline, &mut System, &mut |heard| out.heard(heard));
    if let Some(e) = out.failed {
        return Err(e);
    }
    let footer = printer
        .saw_response()
        .then(|| settings.not_checked_line())
        .flatten();
    let exit = printer.finish(footer)?;
    Ok(match signal.load(Ordering::SeqCst) {
        0 => exit,
        1 => Exit::HungUp,
        2 => Exit::Interrupted,
        _ => Exit::Terminated,
    })
}

/// Where the printed and saved output goes.
struct Out<'a> {
    printer: &'a mut Printer,
    save: Option<&'a Path>,
    color: ColorWhen,
    count: Option<usize>,
    received: usize,
    failed: Option<Fatal>,
}

impl Out<'_> {
    fn heard(&mut self, heard: Heard) -> Flow {
        if let (Some(dir), Some(name), Some(wire)) = (self.save, heard.file_name(), heard.wire())
            && let Err(e) = save_wire(dir, &name, &wire.text)
        {
            output::warning_line(&format!("--save: {e}"), self.color);
        }
        let printed = match heard {
            Heard::Received { traces, .. } => {
                self.received += 1;
                traces.into_iter().try_for_each(|t| self.printer.trace(t))
            }
            Heard::Sent { trace, .. } => self.printer.trace(*trace),
            Heard::Refused(line) => {
                output::warning_line(&line, self.color);
                Ok(())
            }
        };
        match printed.and_then(|()| self.printer.flush_live()) {
            Err(e) => {
                self.failed = Some(e);
                Flow::Stop
            }
            Ok(()) if self.count.is_some_and(|n| self.received >= n) => Flow::Stop,
            Ok(()) => Flow::Continue,
        }
    }
}

/// The clock (to the millisecond) and the system's randomness.
/// The real clock and randomness (also `tui --listen`'s).
pub(super) struct System;

impl Environment for System {
    fn now(&mut self) -> Timestamp {
        let now = Timestamp::now();
        Timestamp::from_millisecond(now.as_millisecond()).unwrap_or(now)
    }

    fn random(&mut self) -> [u8; 16] {
        let mut bytes = [0u8; 16];
        if getrandom::fill(&mut bytes).is_err() {
            // No system randomness: the ID must still be fresh, if not unpredictable.
            use sha2::Digest;
            let seed = format!("{:?}{}", Timestamp::now(), std::process::id());
            bytes.copy_from_slice(&sha2::Sha256::digest(seed.as_bytes())[..16]);
        }
        bytes
    }
}

fn options(args: &ListenArgs) -> Result<listen::Options, Fatal> {
    let secs = args.read_timeout;
    if !(secs.is_finite() && secs > 0.0 && secs <= 3600.0) {
        return Err(Fatal::new(format!(
            "--read-timeout {secs}: expected seconds between 0 and 3600"
        )));
    }
    let limits = Limits {
        rate: args.max_rate,
        body_bytes: args.max_body.saturating_mul(1024),
        request_time: std::time::Duration::from_secs_f64(secs),
        ..Limits::default()
    };
    Ok(listen::Options {
        addr: address(&args.addr)?,
        allow_remote: args.allow_remote,
        limits,
    })
}

/// `--addr`: `HOST:PORT` (`127.0.0.1:8088`, `[::1]:0`, `localhost:8088`); a name that gives
/// several addresses is read as its loopback one.
pub(super) fn address(text: &str) -> Result<SocketAddr, Fatal> {
    let bad = |why: String| {
        Fatal::new(format!(
            "--addr {text:?}: {why}: expected HOST:PORT, such as 127.0.0.1:8088"
        ))
    };
    let all: Vec<SocketAddr> = text
        .trim()
        .to_socket_addrs()
        .map_err(|e| bad(e.to_string()))?
        .collect();
    all.iter()
        .find(|a| a.ip().is_loopback())
        .or(all.first())
        .copied()
        .ok_or_else(|| bad("it names no address".to_owned()))
}

/// `--save DIR`: made when missing; must be a directory.
fn save_dir(dir: &Path) -> Result<PathBuf, Fatal> {
    std::fs::create_dir_all(dir)
        .map_err(|e| Fatal::new(format!("--save {}: {e}", dir.display())))?;
    if !dir.is_dir() {
        return Err(Fatal::new(format!(
            "--save {}: not a directory",
            dir.display()
        )));
    }
    Ok(dir.to_owned())
}

/// Writes one message's wire text as `dir/name`, readable by its owner only, never over a file
/// that is there.
fn save_wire(dir: &Path, name: &str, text: &str) -> std::io::Result<()> {
    let path = dir.join(name);
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    let mut file = options
        .open(&path)
        .map_err(|e| std::io::Error::new(e.kind(), format!("{}: {e}", path.display())))?;
    file.write_all(text.as_bytes())?;
    file.write_all(b"\n")
}

/// What the listener serves, on stderr before the first message.
fn announce(sp: &ServiceProvider, base_url: &str, settings: &Settings, color: ColorWhen) {
    let mut lines = vec![
        format!(
            "listening on {base_url}: post the IdP's form (or send its redirect) to any path, \
             such as {base_url}/acs; Ctrl-C stops"
        ),
        format!(
            "service provider: entity ID {}, ACS URL {}; metadata at {base_url}/metadata",
            sp.entity_id, sp.acs_url
        ),
    ];
    if !sp.acs_url.starts_with(base_url) {
        lines.push(format!(
            "the IdP posts to the ACS URL {}, not here: register {base_url}/acs in the test app \
             (or give --acs-url {base_url}/acs)",
            sp.acs_url
        ));
    }
    if let Some(sso) = &sp.sso_url {
        let signed = if sp.signing_key().is_some() {
            "a signed"
        } else {
            "an unsigned (no --sp-key and --sp-cert)"
        };
        lines.push(format!(
            "{base_url}/login sends the browser to {sso} with {signed} AuthnRequest"
        ));
    }
    if !sp.certificates.is_empty() && settings.config.keys.sp_key.is_none() {
        lines.push(
            "the metadata offers --sp-cert for encryption: give --sp-key to open encrypted \
             assertions"
                .to_owned(),
        );
    }
    for line in lines {
        output::note_line(&line, color);
    }
}

/// SIGHUP, SIGINT and SIGTERM stop the listener; the number kept is 1, 2 or 15. A second
/// signal while it stops ends the process at once.
fn watch_signals(stopper: Stopper) -> Arc<AtomicI32> {
    let seen = Arc::new(AtomicI32::new(0));
    #[cfg(unix)]
    {
        use signal_hook::consts::{SIGHUP, SIGINT, SIGTERM};
        if let Ok(mut signals) = signal_hook::iterator::Signals::new([SIGINT, SIGTERM, SIGHUP]) {
            let seen = Arc::clone(&seen);
            std::thread::spawn(move || {
                for sig in signals.forever() {
                    if seen.swap(sig, Ordering::SeqCst) != 0 {
                        std::process::exit(128 + sig);
                    }
                    stopper.stop();
                }
            });
        }
    }
    #[cfg(not(unix))]
    let _ = stopper;
    seen
}
