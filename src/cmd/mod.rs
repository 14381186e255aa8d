//! Commands: each turns validated arguments into I/O around the pure library.

mod audit;
mod decode;
mod explain;
mod fix;
mod flows;
mod generated;
mod identities;
mod inputs;
mod keys;
mod listen;
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
    /// Ended by SIGHUP, SIGINT or SIGTERM: 128 + the signal's number, as a shell reports it.
    HungUp = 129,
    Interrupted = 130,
    Terminated = 143,
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
        Some(Command::Listen(args)) => listen::run(args),
        Some(Command::Completions(args)) => generated::completions(args),
        Some(Command::Man) => generated::man(),
        None if tui::wanted(&cli.decode.inputs) => tui::run(tui::from_decode(
            cli.decode.checks,
            cli.decode.identities,
            cli.decode.keys,
        )),
        None => {
            if let Some(first) = cli.decode.inputs.first()
                && let Some(name) = mistyped_command(first, &crate::cli::subcommand_names())
            {
                return Err(Fatal::new(format!(
                    "{first}: no such file, and not a command: did you mean `samltrace {name}`? \
                     (see `samltrace --help`)"
                )));
            }
            decode::run(cli.decode)
        }
    }
}

/// The subcommand `word` is a typo of, when `word` is not a file: a short lower-case word within
/// two edits of a name (`decod`, `comapre`, `hra`). A path, a payload or an unrelated word is left
/// to decode, which names it.
pub(crate) fn mistyped_command(word: &str, names: &[String]) -> Option<String> {
    if word.len() > 16
        || !word.bytes().all(|b| b.is_ascii_lowercase())
        || std::path::Path::new(word).exists()
    {
        return None;
    }
    names
        .iter()
        .map(|n| (edit_distance(word, n), n))
        .filter(|&(d, n)| d <= 2 && d < n.len().min(word.len()))
        .min_by_key(|&(d, _)| d)
        .map(|(_, n)| n.clone())
}

/// Optimal string alignment distance: insertions, deletions, substitutions and swaps of two
/// neighbours (the typo `comapre`) each cost one.
fn edit_distance(a: &str, b: &str) -> usize {
    let (a, b): (Vec<char>, Vec<char>) = (a.chars().collect(), b.chars().collect());
    let mut d = vec![vec![0usize; b.len() + 1]; a.len() + 1];
    for (i, row) in d.iter_mut().enumerate() {
        row[0] = i;
    }
    for (j, cell) in d[0].iter_mut().enumerate() {
        *cell = j;
    }
    for i in 1..=a.len() {
        for j in 1..=b.len() {
            let cost = usize::from(a[i - 1] != b[j - 1]);
            let mut best = (d[i - 1][j] + 1)
                .min(d[i][j - 1] + 1)
                .min(d[i - 1][j - 1] + cost);
            if i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] {
                best = best.min(d[i - 2][j - 2] + 1);
            }
            d[i][j] = best;
        }
    }
    d[a.len()][b.len()]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn typos_of_commands_are_named() {
        let names = crate::cli::subcommand_names();
        for (typo, meant) in [
            ("decod", "decode"),
            ("comapre", "compare"),
            ("compre", "compare"),
            ("hra", "har"),
            ("explian", "explain"),
            ("completion", "completions"),
            ("tiu", "tui"),
        ] {
            assert_eq!(
                mistyped_command(typo, &names).as_deref(),
                Some(meant),
                "{typo}"
            );
        }
        // Files, payloads and unrelated words are not commands.
        for word in [
            "samples",
            "Cargo.toml",
            "PHNhbWw+",
            "response",
            "x",
            "zz",
            "alice",
        ] {
            assert_eq!(mistyped_command(word, &names), None, "{word}");
        }
    }

    #[test]
    fn edit_distance_counts_swaps_as_one() {
        assert_eq!(edit_distance("comapre", "compare"), 1);
        assert_eq!(edit_distance("decod", "decode"), 1);
        assert_eq!(edit_distance("", "abc"), 3);
        assert_eq!(edit_distance("kitten", "sitting"), 3);
    }
}
