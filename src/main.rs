//! The binary: parse the command line, run one command, print errors once, map them to exit codes.

mod cli;
mod cmd;

use std::process::ExitCode;

fn main() -> ExitCode {
    match cmd::run(cli::parse()) {
        Ok(exit) => exit.into(),
        Err(e) if e.is_broken_pipe() => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("samltrace: {e}");
            cmd::Exit::Failed.into()
        }
    }
}
