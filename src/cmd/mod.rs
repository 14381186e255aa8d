//! Commands: each turns validated arguments into I/O around the pure library.

mod decode;
mod explain;
mod flows;
mod identities;
mod inputs;
mod keys;
mod output;
mod printer;
mod redact;
mod scim;
mod settings;
mod tui;

use std::fmt;
use std::io;
use std::process::ExitCode;

use crate::cli::{Cli, Command};

/// The exit status: 0 nothing wrong, 1 problems found, 2 could not do the job.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Exit {
    Clean = 0,
    Problems = 1,
    Failed = 2,
}

impl From<Exit> for ExitCode {
    fn from(e: Exit) -> ExitCode {
        ExitCode::from(e as u8)
    }
}

/// An error that stops the command; printed once by `main`.
#[derive(Debug)]
pub struct Fatal {
    message: String,
    broken_pipe: bool,
}

impl Fatal {
    pub fn new(message: impl Into<String>) -> Fatal {
        Fatal {
            message: message.into(),
            broken_pipe: false,
        }
    }

    pub fn is_broken_pipe(&self) -> bool {
        self.broken_pipe
    }
}

impl From<io::Error> for Fatal {
    fn from(e: io::Error) -> Fatal {
        Fatal {
            broken_pipe: e.kind() == io::ErrorKind::BrokenPipe,
            message: e.to_string(),
        }
    }
}

impl fmt::Display for Fatal {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

pub fn run(cli: Cli) -> Result<Exit, Fatal> {
    match cli.command {
        Some(Command::Decode(args)) => decode::run(args),
        Some(Command::Har(args)) => flows::run(args),
        Some(Command::Compare(args)) => decode::compare(args),
        Some(Command::Scim(command)) => scim::run(command),
        Some(Command::Tui(args)) => tui::run(args),
        Some(Command::Explain(args)) => explain::run(args),
        None if tui::wanted(&cli.decode.inputs) => tui::run(tui::from_decode(
            cli.decode.checks,
            cli.decode.identities,
            cli.decode.keys,
        )),
        None => decode::run(cli.decode),
    }
}
