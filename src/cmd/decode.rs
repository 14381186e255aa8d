//! `samltrace decode INPUT...` (and `compare --scim SOURCE INPUT...`): every payload of every
//! input, decoded, checked, compared with the identity list when one is given, and reported.

use std::io::IsTerminal;
use std::sync::Arc;

use crate::cli::{CheckArgs, DecodeArgs, IdentityArgs, KeyArgs, OutputArgs};
use samltrace::capture::{self, CaptureEvent, End};
use samltrace::compare::{self, FixApi, Index};
use samltrace::dsig::Keys;
use samltrace::pipeline::flow::Assembler;
use samltrace::scim::Remote;
use samltrace::trace::{self, Trace};

use super::identities::{self, Wanted};
use super::{Exit, Fatal, checks, inputs, keys, output};

pub fn run(args: DecodeArgs) -> Result<Exit, Fatal> {
    run_with(
        args.inputs,
        &args.output,
        &args.checks,
        &args.keys,
        &args.identities,
    )
}

/// `compare` is `decode` with an identity list required.
pub fn compare(args: DecodeArgs) -> Result<Exit, Fatal> {
    if args.identities.scim.is_empty() {
        return Err(Fatal::new(
            "compare needs --scim SOURCE: an identity list file, a SCIM base URL or a group URL",
        ));
    }
    run(args)
}

fn run_with(
    mut inputs: Vec<String>,
    out: &OutputArgs,
    check_args: &CheckArgs,
    key_args: &KeyArgs,
    ids: &IdentityArgs,
) -> Result<Exit, Fatal> {
    let now = jiff::Timestamp::now();
    let now = jiff::Timestamp::from_second(now.as_second()).unwrap_or(now);
    let mut checks = checks::configure(check_args, now)?;
    let keys = Arc::new(keys::load(key_args, check_args)?);
    checks.context.sp_key_given = keys.sp_key.is_some();
    if inputs.is_empty() {
        if std::io::stdin().is_terminal() {
            return Err(Fatal::new(
                "no INPUT given: pass a file, '-' for stdin, or a payload (see samltrace --help)",
            ));
        }
        inputs.push("-".into());
    }
    let mut failed = false;
    let mut traces = Vec::new();
    for read in inputs::read_all(&inputs) {
        match read {
            Ok(input) if capture::sniff(&input.bytes) => {
                let fixed_time = check_args.at.is_some();
                match capture(&input, &checks, &keys, fixed_time, out.color) {
                    Ok(found) => traces.extend(found),
                    Err(message) => {
                        output::error_line(&message, out.color);
                        failed = true;
                    }
                }
            }
            Ok(input) => {
                let mut found = trace::decode_with(&input.name, &input.bytes, &keys);
                checks::judge(&mut found, &checks);
                traces.extend(found);
            }
            Err(message) => {
                output::error_line(&message, out.color);
                failed = true;
            }
        }
    }
    if !ids.scim.is_empty() {
        judge_identities(&mut traces, ids, check_args, out)?;
    }
    checks::print_notes(&checks, out.color);
    output::print(&traces, out)?;
    checks::print_not_checked(&checks, &traces, out)?;
    Ok(exit_code(&traces, failed))
}

/// A HAR file or SAML-tracer export given to `decode`: its messages as `har` finds and judges
/// them (the capture is already in memory here; `har` streams it).
fn capture(
    input: &inputs::Input,
    checks: &checks::Checks,
    keys: &Arc<Keys>,
    fixed_time: bool,
    color: crate::cli::ColorWhen,
) -> Result<Vec<Trace>, String> {
    let (name, bytes) = (input.name.as_str(), input.bytes.as_slice());
    let mut assembler =
        Assembler::new(checks.context.clone(), fixed_time).with_keys(Arc::clone(keys));
    let mut traces = Vec::new();
    let mut sink = |event| match event {
        CaptureEvent::Found(found) => traces.push(assembler.trace(*found)),
        CaptureEvent::Skipped(p) => traces.push(assembler.unreadable(name, &p)),
        CaptureEvent::Masked(p) => output::note_line(&format!("{name}: {}", p.message), color),
    };
    let summary = capture::scan(name, bytes, &mut sink).map_err(|e| format!("{name}: {e}"))?;
    if let End::Truncated(p) | End::Broken(p) = &summary.end {
        let message = format!("{name}: {}; what came before was read", p.message);
        output::warning_line(&message, color);
    }
    Ok(traces)
}

/// Loads the identity list once and gives every message that names a user its verdict.
fn judge_identities(
    traces: &mut [Trace],
    ids: &IdentityArgs,
    check_args: &CheckArgs,
    out: &OutputArgs,
) -> Result<(), Fatal> {
    let mask_key = match ids.mask_key.as_deref() {
        Some("") => return Err(Fatal::new("--mask-key: the key is empty")),
        key => key,
    };
    // Masked NameIDs cannot be looked up on the server: read the whole list, then mask it.
    let wanted = if mask_key.is_some() {
        Wanted::default()
    } else {
        wanted(traces)
    };
    let mut loaded = identities::load(ids, &wanted, out.color)?;
    if let Some(key) = mask_key {
        for identity in &mut loaded.identities {
            samltrace::redact::mask::mask_identity(key, identity);
        }
    }
    let fix = match (loaded.fix, check_args.gitlab_group.as_deref()) {
        // A file says nothing about where it came from: --gitlab-group does.
        (FixApi::Rest { base, .. }, Some(group)) if base.starts_with('$') => {
            Remote::parse(group).map_or_else(|_| FixApi::default(), |r| r.fix_api())
        }
        (fix, _) => fix,
    };
    let index = Index::new(&loaded.identities).with_fix_api(fix);
    for t in traces {
        t.verdict = t
            .message
            .as_ref()
            .filter(|m| names_a_user(m))
            .map(|m| index.verdict(m));
    }
    Ok(())
}

/// Messages that speak for a user: responses, bare assertions and logout requests.
fn names_a_user(m: &samltrace::saml::Message) -> bool {
    m.kind.names_a_user()
}

/// What a filtered look-up would need to find for these traces.
fn wanted(traces: &[Trace]) -> Wanted {
    let mut w = Wanted::default();
    let messages = traces.iter().filter_map(|t| t.message.as_ref());
    for m in messages.filter(|m| names_a_user(m)) {
        w.name_ids.extend(m.name_id().map(|n| n.value.clone()));
        w.people.extend(
            compare::hints(m)
                .into_iter()
                .filter(|h| h.value.contains('@') || h.what.contains("username"))
                .map(|h| h.value),
        );
    }
    w
}

/// 2 when something could not be read or decoded, else 1 when a check found an error or a
/// verdict is not `match`, else 0.
fn exit_code(traces: &[Trace], read_failed: bool) -> Exit {
    let bad_verdict = |t: &Trace| t.verdict.as_ref().is_some_and(|v| v.state.is_problem());
    if read_failed || traces.iter().any(Trace::is_error) {
        Exit::Failed
    } else if traces
        .iter()
        .any(|t| t.has_error_findings() || bad_verdict(t))
    {
        Exit::Problems
    } else {
        Exit::Clean
    }
}
