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
    let config = configure(&args, &settings)?;
    if !std::io::stdout().is_terminal() || !std::io::stdin().is_terminal() {
        return Err(Fatal::new(
            "the TUI needs a terminal: run it in one, or use `samltrace decode` for a report",
        ));
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
    }
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
