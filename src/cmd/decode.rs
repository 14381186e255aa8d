//! `samltrace decode INPUT...`: every payload of every input, decoded and reported.

use std::io::IsTerminal;

use crate::cli::DecodeArgs;
use samltrace::trace::{self, Trace};

use super::{Exit, Fatal, inputs, keys, output};

pub fn run(mut args: DecodeArgs) -> Result<Exit, Fatal> {
    if args.inputs.is_empty() {
        if std::io::stdin().is_terminal() {
            return Err(Fatal::new(
                "no INPUT given: pass a file, '-' for stdin, or a payload (see samltrace --help)",
            ));
        }
        args.inputs.push("-".into());
    }
    let keys = keys::load(&args.keys)?;
    let mut failed = false;
    let mut traces = Vec::new();
    for read in inputs::read_all(&args.inputs) {
        match read {
            Ok(input) => traces.extend(trace::decode_with(&input.name, &input.bytes, &keys)),
            Err(message) => {
                output::error_line(&message, args.output.color);
                failed = true;
            }
        }
    }
    output::print(&traces, &args.output)?;
    Ok(exit_code(&traces, failed))
}

fn exit_code(traces: &[Trace], read_failed: bool) -> Exit {
    if read_failed || traces.iter().any(Trace::is_error) {
        Exit::Failed
    } else {
        Exit::Clean
    }
}
