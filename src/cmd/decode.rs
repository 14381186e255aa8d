//! `samltrace decode INPUT...` (and `compare --scim SOURCE INPUT...`): every message of every
//! input, through the pipeline, compared with the identity list when one is given, and printed
//! as it arrives.

use samltrace::compare::{self, Index};
use samltrace::pipeline::{Event, Flow, Pipeline};

use crate::cli::{DecodeArgs, IdentityArgs};

use super::identities::{self, Wanted};
use super::inputs::{self, Input};
use super::printer::{Printer, Text};
use super::settings::Settings;
use super::{Exit, Fatal};

pub fn run(args: DecodeArgs) -> Result<Exit, Fatal> {
    let ids = &args.identities;
    let settings = Settings::from_args(&args.checks, &args.keys, ids.mask_key.as_deref())?;
    identities::check_stdin(ids, &args.inputs)?;
    let inputs = inputs::classify(&args.inputs)?;
    settings.print_notes(args.output.color);
    let mut printer = Printer::new(&args.output, Text::Messages);
    if !ids.scim.is_empty() {
        printer = printer.with_table();
    }
    if ids.scim.is_empty() {
        let pipeline = Pipeline::new(settings.config.clone());
        stream(&pipeline, &inputs, &mut printer)?;
    } else if identities::looks_up(ids) && settings.config.mask_key.is_none() {
        let group = args.checks.gitlab_group.as_deref();
        lookup(
            &settings,
            ids,
            group,
            &inputs,
            &mut printer,
            args.output.color,
        )?;
    } else {
        let mut loaded = identities::load(ids, &Wanted::default(), args.output.color)?;
        settings.config.mask_identities(&mut loaded.identities);
        let fix = identities::fix_api(loaded.fix, args.checks.gitlab_group.as_deref());
        let index = Index::new(&loaded.identities)
            .with_fix_api(fix)
            .masked(settings.config.mask_key.is_some());
        let pipeline = Pipeline::new(settings.config.clone()).with_identities(index);
        stream(&pipeline, &inputs, &mut printer)?;
    }
    let footer = printer
        .saw_response()
        .then(|| settings.not_checked_line())
        .flatten();
    printer.finish(footer)
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

/// Every input through the pipeline, each trace printed as it is judged.
fn stream(pipeline: &Pipeline<'_>, inputs: &[Input], printer: &mut Printer) -> Result<(), Fatal> {
    for input in inputs {
        let mut failed = None;
        let source = match input {
            Input::Source(s) => s.source(),
            Input::Bad(message) => {
                printer.unreadable_argument(message)?;
                continue;
            }
        };
        printer.begin();
        let summary = pipeline.run(source, &mut |event| {
            let printed = match event {
                Event::Trace(t) => printer.trace(*t),
                Event::Notice(n) => {
                    printer.notice(&n);
                    Ok(())
                }
            };
            match printed {
                Ok(()) => Flow::Continue,
                Err(e) => {
                    failed = Some(e);
                    Flow::Stop
                }
            }
        });
        if let Some(e) = failed {
            return Err(e);
        }
        match summary {
            Ok(summary) => printer.end(&summary)?,
            Err(e) => printer.unreadable(&e)?,
        }
    }
    Ok(())
}

/// With a SCIM URL, a handful of NameIDs are looked up with server-side filters rather than
/// reading the whole list: the messages are judged first, then the list is read for them.
fn lookup(
    settings: &Settings,
    ids: &IdentityArgs,
    gitlab_group: Option<&str>,
    inputs: &[Input],
    printer: &mut Printer,
    color: crate::cli::ColorWhen,
) -> Result<(), Fatal> {
    let pipeline = Pipeline::new(settings.config.clone());
    let mut judged: Vec<Judged> = Vec::new();
    for input in inputs {
        let source = match input {
            Input::Source(s) => s.source(),
            Input::Bad(message) => {
                judged.push(Judged::Bad(message.clone()));
                continue;
            }
        };
        let mut events = Vec::new();
        let summary = pipeline.run(source, &mut |event| {
            events.push(event);
            Flow::Continue
        });
        judged.push(Judged::Source(events, summary));
    }
    let loaded = identities::load(ids, &wanted(&judged), color)?;
    let fix = identities::fix_api(loaded.fix, gitlab_group);
    let index = Index::new(&loaded.identities).with_fix_api(fix);
    let pipeline = pipeline.with_identities(index);
    for j in judged {
        match j {
            Judged::Bad(message) => printer.unreadable_argument(&message)?,
            Judged::Source(events, summary) => {
                printer.begin();
                for event in events {
                    match event {
                        Event::Trace(mut t) => {
                            pipeline.identify(&mut t);
                            printer.trace(*t)?;
                        }
                        Event::Notice(n) => printer.notice(&n),
                    }
                }
                match summary {
                    Ok(summary) => printer.end(&summary)?,
                    Err(e) => printer.unreadable(&e)?,
                }
            }
        }
    }
    Ok(())
}

/// One input's events, held until the identities are known.
enum Judged {
    Bad(String),
    Source(
        Vec<Event>,
        Result<samltrace::pipeline::Summary, samltrace::pipeline::SourceError>,
    ),
}

/// What a filtered look-up would need to find for these traces.
fn wanted(judged: &[Judged]) -> Wanted {
    let traces = judged.iter().flat_map(|j| match j {
        Judged::Source(events, _) => events.as_slice(),
        Judged::Bad(_) => &[],
    });
    let mut w = Wanted::default();
    let messages = traces.filter_map(|e| match e {
        Event::Trace(t) => t.message.as_ref(),
        Event::Notice(_) => None,
    });
    for m in messages.filter(|m| m.kind.names_a_user()) {
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
