//! `samltrace decode INPUT...`: every payload of every input, decoded and reported.

use std::io::IsTerminal;

use crate::cli::DecodeArgs;
use samltrace::har::Assembler;
use samltrace::input::har::{self, HarEvent};
use samltrace::trace::{self, Trace};

use super::{Exit, Fatal, checks, inputs, output};

pub fn run(mut args: DecodeArgs) -> Result<Exit, Fatal> {
    let now = jiff::Timestamp::now();
    let now = jiff::Timestamp::from_second(now.as_second()).unwrap_or(now);
    let checks = checks::configure(&args.checks, now)?;
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
            Ok(input) if har::sniff(&input.bytes) => {
                let fixed_time = args.checks.at.is_some();
                let color = args.output.color;
                match capture(&input.name, &input.bytes, &checks, fixed_time, color) {
                    Ok(found) => traces.extend(found),
                    Err(message) => {
                        output::error_line(&message, args.output.color);
                        failed = true;
                    }
                }
            }
            Ok(input) => {
                let mut found = trace::decode(&input.name, &input.bytes);
                checks::judge(&mut found, &checks);
                traces.extend(found);
            }
            Err(message) => {
                output::error_line(&message, args.output.color);
                failed = true;
            }
        }
    }
    checks::print_notes(&checks, args.output.color);
    output::print(&traces, &args.output)?;
    checks::print_not_checked(&checks, &traces, &args.output)?;
    Ok(exit_code(&traces, failed))
}

/// A HAR file or SAML-tracer export given to `decode`: its messages as `har` finds and judges
/// them (the capture is already in memory here; `har` streams it).
fn capture(
    name: &str,
    bytes: &[u8],
    checks: &checks::Checks,
    fixed_time: bool,
    color: crate::cli::ColorWhen,
) -> Result<Vec<Trace>, String> {
    let mut assembler = Assembler::new(checks.context.clone(), fixed_time);
    let mut traces = Vec::new();
    let mut sink = |event| match event {
        HarEvent::Found(found) => traces.push(assembler.trace(*found)),
        HarEvent::Skipped(p) => traces.push(assembler.unreadable(name, &p)),
        HarEvent::Masked(p) => output::note_line(&format!("{name}: {}", p.message), color),
    };
    har::scan(name, bytes, &mut sink).map_err(|e| format!("{name}: {e}"))?;
    Ok(traces)
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
