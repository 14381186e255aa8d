//! `samltrace decode INPUT...` (and `compare --scim SOURCE INPUT...`): every payload of every
//! input, decoded, compared with the identity list when one is given, and reported.

use std::io::IsTerminal;

use crate::cli::{CompareArgs, DecodeArgs, IdentityArgs, OutputArgs};
use samltrace::compare::{self, Index};
use samltrace::trace::{self, Trace};

use super::identities::{self, Wanted};
use super::{Exit, Fatal, inputs, output};

pub fn run(args: DecodeArgs) -> Result<Exit, Fatal> {
    run_with(args.inputs, &args.output, &args.identities)
}

pub fn compare(args: CompareArgs) -> Result<Exit, Fatal> {
    if args.identities.scim.is_empty() {
        return Err(Fatal::new(
            "compare needs --scim SOURCE: an identity list file, a SCIM base URL or a group URL",
        ));
    }
    run_with(args.inputs, &args.output, &args.identities)
}

fn run_with(mut inputs: Vec<String>, out: &OutputArgs, ids: &IdentityArgs) -> Result<Exit, Fatal> {
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
            Ok(input) => traces.extend(trace::decode(&input.name, &input.bytes)),
            Err(message) => {
                output::error_line(&message, out.color);
                failed = true;
            }
        }
    }
    if !ids.scim.is_empty() {
        let loaded = identities::load(ids, &wanted(&traces), out.color)?;
        let index = Index::new(&loaded.identities).with_fix_api(loaded.fix);
        for t in &mut traces {
            t.verdict = t
                .message
                .as_ref()
                .filter(|m| has_subject(m))
                .map(|m| index.verdict(m));
        }
    }
    output::print(&traces, out)?;
    Ok(exit_code(&traces, failed))
}

/// Messages that speak for a user: responses, bare assertions and logout requests.
fn has_subject(m: &samltrace::saml::Message) -> bool {
    matches!(m.kind.as_str(), "Response" | "Assertion" | "LogoutRequest")
}

/// What a filtered look-up would need to find for these traces.
fn wanted(traces: &[Trace]) -> Wanted {
    let mut w = Wanted::default();
    for m in traces
        .iter()
        .filter_map(|t| t.message.as_ref())
        .filter(|m| has_subject(m))
    {
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

fn exit_code(traces: &[Trace], read_failed: bool) -> Exit {
    if read_failed || traces.iter().any(Trace::is_error) {
        Exit::Failed
    } else if traces
        .iter()
        .any(|t| t.verdict.as_ref().is_some_and(|v| v.state.is_problem()))
    {
        Exit::Problems
    } else {
        Exit::Clean
    }
}
