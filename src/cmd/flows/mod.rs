//! `samltrace har FILE...`: every SAML message in HAR files and SAML-tracer exports, as the
//! sign-in flows they belong to.
//!
//! Files are opened here and scanned on worker threads (at most one per core), each streaming
//! its traces through its own channel; this thread prints them in the order of the arguments, so
//! output is stable however the work was scheduled. The library does the scanning, decoding and
//! judging; this module only does I/O and threads.

mod writer;

use std::fs::{self, File};
use std::io::{self, IsTerminal, Read};
use std::path::Path;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::mpsc::{self, Receiver, Sender};
use std::thread;

use samltrace::capture::{self, CaptureError, CaptureEvent, Summary};
use samltrace::checks::Context;
use samltrace::dsig::Keys;
use samltrace::pipeline::flow::Assembler;
use samltrace::trace::Trace;

use crate::cli::{HarArgs, HarCommand};

use super::{Exit, Fatal, checks, keys};

/// One FILE to scan: its name as shown, and where to read it.
#[derive(Debug, Clone)]
pub(super) struct Source {
    pub name: String,
    pub stdin: bool,
}

/// What a worker tells the printer about one file, in order; `Done` is always last.
pub(super) enum Msg {
    Trace(Box<Trace>),
    Note(String),
    Done(Result<Summary, CaptureError>),
}

pub fn run(args: HarArgs) -> Result<Exit, Fatal> {
    if let Some(HarCommand::Sanitize(s)) = args.command {
        return super::redact::run(s);
    }
    let now = jiff::Timestamp::now();
    let now = jiff::Timestamp::from_second(now.as_second()).unwrap_or(now);
    let mut checks = checks::configure(&args.checks, now)?;
    let keys = keys::load(&args.keys, &args.checks)?;
    checks.context.sp_key_given = keys.sp_key.is_some();
    let (sources, unreadable) = expand(&args.files)?;
    checks::print_notes(&checks, args.output.color);
    let mut writer = writer::Writer::new(&args.output, &checks);
    for message in &unreadable {
        writer.unreadable_path(message);
    }
    let judging = Judging {
        context: checks.context.clone(),
        fixed_time: args.checks.at.is_some(),
        keys: Arc::new(keys),
    };
    let next = AtomicUsize::new(0);
    thread::scope(|scope| -> Result<(), Fatal> {
        let receivers = spawn_workers(scope, &sources, &next, &judging);
        for (source, rx) in sources.iter().zip(receivers) {
            writer.file(&source.name, rx)?;
        }
        Ok(())
    })?;
    writer.finish()
}

/// The sources named by FILE arguments (directories expanded to their `*.har` and `*.json`
/// files, sorted), and a message for each argument that names nothing readable.
fn expand(args: &[String]) -> Result<(Vec<Source>, Vec<String>), Fatal> {
    let mut args = args.to_vec();
    if args.is_empty() {
        if io::stdin().is_terminal() {
            return Err(Fatal::new(
                "no FILE given: pass a HAR file, a SAML-tracer export, a directory of them, or '-' for stdin",
            ));
        }
        args.push("-".into());
    }
    let mut sources = Vec::new();
    let mut bad = Vec::new();
    for arg in args {
        if arg == "-" {
            sources.push(Source {
                name: arg,
                stdin: true,
            });
            continue;
        }
        match fs::metadata(&arg) {
            Ok(m) if m.is_dir() => match captures_in(Path::new(&arg)) {
                Ok(found) if found.is_empty() => bad.push(format!(
                    "{arg}: the directory holds no *.har or *.json file"
                )),
                Ok(found) => sources.extend(found),
                Err(e) => bad.push(format!("{arg}: {e}")),
            },
            Ok(_) => sources.push(Source {
                name: arg,
                stdin: false,
            }),
            Err(e) => bad.push(format!(
                "{arg}: {e}: expected a HAR file, a directory, or '-' for stdin"
            )),
        }
    }
    Ok((sources, bad))
}

fn captures_in(dir: &Path) -> io::Result<Vec<Source>> {
    let mut names: Vec<String> = fs::read_dir(dir)?
        .filter_map(Result::ok)
        .filter(|e| e.file_type().is_ok_and(|t| t.is_file()))
        .map(|e| e.path())
        .filter(|p| {
            p.extension()
                .and_then(|x| x.to_str())
                .is_some_and(|x| x.eq_ignore_ascii_case("har") || x.eq_ignore_ascii_case("json"))
        })
        .map(|p| p.to_string_lossy().into_owned())
        .collect();
    names.sort();
    Ok(names
        .into_iter()
        .map(|name| Source { name, stdin: false })
        .collect())
}

/// Starts one worker per core (at most one per file); each takes the next unscanned file and
/// streams its messages into that file's channel.
fn spawn_workers<'s>(
    scope: &'s thread::Scope<'s, '_>,
    sources: &'s [Source],
    next: &'s AtomicUsize,
    judging: &'s Judging,
) -> Vec<Receiver<Msg>> {
    let (senders, receivers): (Vec<Sender<Msg>>, Vec<Receiver<Msg>>) =
        sources.iter().map(|_| mpsc::channel()).unzip();
    let cores = thread::available_parallelism().map_or(1, |n| n.get());
    for _ in 0..cores.min(sources.len()).max(1) {
        let senders = senders.clone();
        scope.spawn(move || {
            loop {
                let i = next.fetch_add(1, Ordering::Relaxed);
                let (Some(source), Some(tx)) = (sources.get(i), senders.get(i)) else {
                    break;
                };
                scan_file(source, judging, tx);
            }
        });
    }
    receivers
}

/// Scans one file, sending each trace as soon as it is made: a scanning thread reads and
/// unwraps while this one decodes and judges, so a single large file uses two cores. Stops early
/// when the printer has gone (the output was closed).
fn scan_file(source: &Source, judging: &Judging, tx: &Sender<Msg>) {
    let reader: Box<dyn Read + Send> = if source.stdin {
        Box::new(io::stdin())
    } else {
        match File::open(&source.name) {
            Ok(f) => Box::new(f),
            Err(e) => {
                let _ = tx.send(Msg::Done(Err(CaptureError::unreadable(&e))));
                return;
            }
        }
    };
    let stop = Arc::new(AtomicBool::new(false));
    let reader = Stoppable {
        inner: reader,
        stop: Arc::clone(&stop),
    };
    let name = source.name.as_str();
    let (found_tx, found_rx) = mpsc::sync_channel::<Scanned>(256);
    thread::scope(|scope| {
        scope.spawn(move || {
            let mut sink = |event| {
                let _ = found_tx.send(Scanned::Event(event));
            };
            let result = capture::scan(name, reader, &mut sink);
            let _ = found_tx.send(Scanned::End(result));
        });
        let mut assembler = judging.assembler();
        for scanned in found_rx {
            let msg = match scanned {
                Scanned::Event(event) => judge(&mut assembler, name, event),
                Scanned::End(result) => Msg::Done(result),
            };
            if tx.send(msg).is_err() {
                stop.store(true, Ordering::Relaxed);
                break;
            }
        }
    });
}

/// How every file's messages are judged: GitLab's expectations, whether `--at` fixed the time,
/// and the keys signatures are verified with.
struct Judging {
    context: Context,
    fixed_time: bool,
    keys: Arc<Keys>,
}

impl Judging {
    fn assembler(&self) -> Assembler {
        Assembler::new(self.context.clone(), self.fixed_time).with_keys(Arc::clone(&self.keys))
    }
}

/// What the scanning thread hands the judging one.
enum Scanned {
    Event(CaptureEvent),
    End(Result<Summary, CaptureError>),
}

fn judge(assembler: &mut Assembler, name: &str, event: CaptureEvent) -> Msg {
    match event {
        CaptureEvent::Found(found) => Msg::Trace(Box::new(assembler.trace(*found))),
        CaptureEvent::Skipped(problem) => {
            Msg::Trace(Box::new(assembler.unreadable(name, &problem)))
        }
        CaptureEvent::Masked(p) => {
            let entry = p.entry.map_or(String::new(), |e| format!(" entry {e}"));
            Msg::Note(format!("{name}{entry}: {}", p.message))
        }
    }
}

/// A reader that fails once `stop` is set, so a scan whose output has gone ends early.
struct Stoppable {
    inner: Box<dyn Read + Send>,
    stop: Arc<AtomicBool>,
}

impl Read for Stoppable {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        if self.stop.load(Ordering::Relaxed) {
            return Err(io::Error::other("stopped: the output was closed"));
        }
        self.inner.read(buf)
    }
}
