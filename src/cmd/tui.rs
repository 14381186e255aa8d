//! `samltrace tui [INPUT...] [--scim SOURCE] [check flags]`, and bare `samltrace` on a
//! terminal: the flags validated into the TUI's configuration before the screen is taken over,
//! so that a mistake is one line on a normal terminal, not a flash of a screen.

use std::io::IsTerminal;
use std::sync::Arc;

use crate::cli::{CheckArgs, IdentityArgs, KeyArgs, TuiArgs};
use samltrace::scim::{self, Remote, Source};
use samltrace::tui::app::{Config, Evaluation, Phase, State};
use samltrace::tui::{event, worker};

use super::settings::Settings;
use super::{Exit, Fatal, identities};

pub fn run(args: TuiArgs) -> Result<Exit, Fatal> {
    // The flags first: a mistake in them is said the same way in a terminal or not.
    let settings = Settings::from_args(&args.checks, &args.keys, None)?;
    let mut config = configure(&args, &settings)?;
    if !std::io::stdout().is_terminal() || !std::io::stdin().is_terminal() {
        return Err(Fatal::new(
            "the TUI needs a terminal: run it in one, or use `samltrace decode` for a report",
        ));
    }
    let mut feeds = Vec::new();
    if let Some(addr) = &args.listen {
        let (feed, url) = listening(addr, args.allow_remote, &settings)?;
        config.listen = Some(url);
        feeds.push(feed);
    }
    let remote = worker::Remote {
        token_file: args.identities.token_file.clone(),
        saml_identities: args.identities.saml_identities,
        timeout: Some(identities::timeout(args.identities.timeout)?),
    };
    let state = event::run(
        State::new(config),
        remote,
        Arc::clone(&settings.config.keys),
        feeds,
    )?;
    Ok(match state.phase {
        Phase::Signalled("SIGINT") => Exit::Interrupted,
        Phase::Signalled("SIGHUP") => Exit::HungUp,
        Phase::Signalled(_) => Exit::Terminated,
        Phase::Running | Phase::Done => Exit::Clean,
    })
}

/// True when bare `samltrace` (no INPUT) should open the TUI rather than read stdin.
pub fn wanted(inputs: &[String]) -> bool {
    inputs.is_empty() && std::io::stdin().is_terminal() && std::io::stdout().is_terminal()
}

/// The arguments of bare `samltrace` as the TUI's.
pub fn from_decode(checks: CheckArgs, identities: IdentityArgs, keys: KeyArgs) -> TuiArgs {
    TuiArgs {
        inputs: Vec::new(),
        checks,
        identities,
        keys,
        refresh: None,
        listen: None,
        allow_remote: false,
        scim_logs: Vec::new(),
    }
}

/// `--listen ADDR`: the listener bound now (a busy port is one line before the screen is
/// taken), served on its own thread once the loop runs; each request's messages are judged by
/// the pipeline and described there, off the loop, and arrive as `Action::Heard`. The TUI
/// judges their identities itself, as for every other message.
fn listening(
    addr: &str,
    allow_remote: bool,
    settings: &Settings,
) -> Result<(event::Feed, String), Fatal> {
    let options = samltrace::listen::Options {
        addr: super::listen::address(addr)?,
        allow_remote,
        limits: samltrace::listen::Limits::default(),
    };
    let listener = samltrace::listen::Listener::bind(&options)
        .map_err(|e| Fatal::new(format!("--listen: {e}")))?;
    let url = format!("http://{}", listener.local_addr());
    let sp = samltrace::listen::ServiceProvider::new(
        settings.context(),
        Arc::clone(&settings.config.keys),
        &url,
    );
    let config = settings.config.clone();
    let feed: event::Feed = Box::new(move |tx| {
        std::thread::spawn(move || {
            let pipeline = samltrace::pipeline::Pipeline::new(config);
            let ctx = pipeline.config().context.clone();
            let mut env = super::listen::System;
            listener.serve(&sp, &pipeline, &mut env, &mut |heard| {
                use samltrace::listen::Heard;
                let sent = match heard {
                    Heard::Received { number, traces, .. } => {
                        let source = format!("listen:{number}");
                        let rows = samltrace::tui::facts::rows(traces, &source, &ctx);
                        tx.send(samltrace::tui::app::Action::Heard { number, rows })
                    }
                    Heard::Sent { number, trace, .. } => {
                        let source = format!("listen:{number} (sent)");
                        let rows = samltrace::tui::facts::rows(vec![*trace], &source, &ctx);
                        tx.send(samltrace::tui::app::Action::Heard { number, rows })
                    }
                    Heard::Refused(line) => tx.send(samltrace::tui::app::Action::Notice(
                        samltrace::tui::app::Level::Warn,
                        line,
                    )),
                };
                match sent {
                    Ok(()) => samltrace::pipeline::Flow::Continue,
                    Err(_) => samltrace::pipeline::Flow::Stop,
                }
            });
        });
    });
    Ok((feed, url))
}

fn configure(args: &TuiArgs, settings: &Settings) -> Result<Config, Fatal> {
    let mut config = Config::new(settings.context().clone());
    if !settings.config.fixed_time {
        config.evaluation = Evaluation::WhenLoaded;
    }
    for path in &args.inputs {
        if !path.is_file() {
            return Err(Fatal::new(format!(
                "{}: not a file: expected a file holding SAML messages",
                path.display()
            )));
        }
    }
    config.inputs = args.inputs.clone();
    if !args.scim_logs.is_empty() {
        config.scim_requests = Arc::new(super::audit::requests(
            &args.scim_logs,
            crate::cli::ColorWhen::Auto,
        )?);
        config.scim_logs = args.scim_logs.clone();
    }
    config.refresh = match args.refresh {
        None => None,
        Some(secs @ 10..=86_400) if !args.identities.scim.is_empty() => {
            Some(std::time::Duration::from_secs(secs))
        }
        Some(_) if args.identities.scim.is_empty() => {
            return Err(Fatal::new(
                "--refresh: there is no identity list to read again: give --scim FILE or URL",
            ));
        }
        Some(secs) => {
            return Err(Fatal::new(format!(
                "--refresh {secs}: expected a number of seconds from 10 to 86400 (GitLab rate-limits its API)"
            )));
        }
    };
    config.identity_format = args
        .identities
        .scim_format
        .parse()
        .map_err(|e: scim::ScimError| Fatal::new(e.to_string()))?;
    for value in &args.identities.scim {
        if value == "-" {
            return Err(Fatal::new(
                "--scim -: the terminal UI reloads its lists (i) and cannot read one from standard input: give the list as a file or a URL",
            ));
        }
        let source = Source::parse(value).map_err(|e| Fatal::new(e.to_string()))?;
        if let Source::Remote(_) = &source {
            identities::read_token(args.identities.token_file.as_deref())?;
        }
        config.identity_sources.push(source);
    }
    // A file says nothing of where fixes go: --gitlab-group does.
    config.fix = args
        .checks
        .gitlab_group
        .as_deref()
        .and_then(|g| Remote::parse(g).ok())
        .map(|r| samltrace::compare::FixApi::from_remote(&r));
    Ok(config)
}
