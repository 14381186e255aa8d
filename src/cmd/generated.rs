//! Files generated from the command-line definition: shell completions and the manual page.

use std::io::Write;

use clap::CommandFactory;

use super::{Exit, Fatal};
use crate::cli::{Cli, CompletionsArgs};

/// `samltrace completions SHELL`: the completion script on stdout.
pub fn completions(args: CompletionsArgs) -> Result<Exit, Fatal> {
    let mut out = Vec::new();
    clap_complete::generate(args.shell, &mut Cli::command(), "samltrace", &mut out);
    write_out(&out)
}

/// `samltrace man`: the manual page, in roff, on stdout.
pub fn man() -> Result<Exit, Fatal> {
    let mut out = Vec::new();
    clap_mangen::Man::new(Cli::command()).render(&mut out)?;
    write_out(&out)
}

fn write_out(bytes: &[u8]) -> Result<Exit, Fatal> {
    let mut stdout = std::io::stdout().lock();
    stdout.write_all(bytes)?;
    stdout.flush()?;
    Ok(Exit::Clean)
}
