//! `samltrace decode INPUT...`: every payload of every input, decoded and reported.

use std::io::IsTerminal;

use crate::cli::DecodeArgs;
use samltrace::trace::{self, Trace};

use super::{Exit, Fatal, checks, inputs, keys, output};

pub fn run(mut args: DecodeArgs) -> Result<Exit, Fatal> {
    let now = jiff::Timestamp::now();
    let now = jiff::Timestamp::from_second(now.as_second()).unwrap_or(now);
    let mut checks = checks::configure(&args.checks, now)?;
    let keys = keys::load(&args.keys, args.checks.fingerprint.as_deref())?;
    checks.context.sp_key_given = keys.sp_key.is_some();
    if args.inputs.is_empty() {
        if std::io::stdin().is_terminal() {
            return Err(Fatal::new(
                "no INPUT given: pass a file, '-' for stdin, or a payload (see samltrace --help)",
            ));
        }
        args.inputs.push("-".into());
    }
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
    checks::judge(&mut traces, &checks);
    checks::print_notes(&checks, args.output.color);
    output::print(&traces, &args.output)?;
    checks::print_not_checked(&checks, &traces, &args.output)?;
    Ok(exit_code(&traces, failed))
}

/// 2 when something could not be read or decoded, else 1 when a check found an error, else 0.
fn exit_code(traces: &[Trace], read_failed: bool) -> Exit {
    if read_failed || traces.iter().any(Trace::is_error) {
        Exit::Failed
    } else if traces.iter().any(Trace::has_error_findings) {
        Exit::Problems
    } else {
        Exit::Clean
    }
}
