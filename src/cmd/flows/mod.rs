//! `samltrace har FILE...`: every SAML message in HAR files and SAML-tracer exports, as the
//! sign-in flows they belong to.
//!
//! Files are run through the pipeline on worker threads (at most one per core), each streaming
//! its events through its own channel; this thread prints them in the order of the arguments,
//! so output is stable however the work was scheduled. The pipeline does the scanning, decoding
//! and judging; this module only finds the files and runs the threads.

mod files;

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::mpsc::{self, Receiver, Sender};
use std::thread;

use samltrace::pipeline::{Event, Expect, Flow, Pipeline, Source, SourceError, Summary};

use crate::cli::{HarArgs, HarCommand};

use super::printer::{Printer, Text};
use super::settings::Settings;
use super::{Exit, Fatal};
use files::Found;

/// What a worker tells the printer about one file, in order; `Done` is always last.
enum Msg {
    Event(Event),
    Done(Result<Summary, SourceError>),
}

pub fn run(args: HarArgs) -> Result<Exit, Fatal> {
    if let Some(HarCommand::Sanitize(s)) = args.command {
        return super::redact::run(s);
    }
    if let Some(first) = args.files.first()
        && let Some(name) = super::mistyped_command(first, &["sanitize".to_owned()])
    {
        return Err(Fatal::new(format!(
            "{first}: no such file, and not a command: did you mean `samltrace har {name}`?"
        )));
    }
    let settings = Settings::from_args(&args.checks, &args.keys, None)?;
    let found = files::expand(&args.files, args.recursive)?;
    settings.print_notes(args.output.color);
    let mut printer = Printer::new(&args.output, Text::Flows);
    for note in &found.notes {
        super::output::note_line(note, args.output.color);
    }
    for message in &found.unreadable {
        printer.unreadable_argument(message)?;
    }
    let pipeline = Pipeline::new(settings.config.clone());
    let next = AtomicUsize::new(0);
    thread::scope(|scope| -> Result<(), Fatal> {
        let receivers = spawn_workers(scope, &found.sources, &next, &pipeline);
        for rx in receivers {
            print_file(&mut printer, rx)?;
        }
        Ok(())
    })?;
    let footer = printer
        .saw_response()
        .then(|| settings.not_checked_line())
        .flatten();
    printer.finish(footer)
}

/// Prints everything one file's worker sends, until it is done. Returning early (the output was
/// closed) drops the receiver, which stops the worker.
fn print_file(printer: &mut Printer, rx: Receiver<Msg>) -> Result<(), Fatal> {
    printer.begin();
    for msg in rx {
        match msg {
            Msg::Event(Event::Trace(t)) => printer.trace(*t)?,
            Msg::Event(Event::Notice(n)) => printer.notice(&n),
            Msg::Done(Ok(summary)) => return printer.end(&summary),
            Msg::Done(Err(e)) => return printer.unreadable(&e),
        }
    }
    Ok(())
}

/// Starts one worker per core (at most one per file); each takes the next unread file and
/// streams its events into that file's channel.
fn spawn_workers<'s>(
    scope: &'s thread::Scope<'s, '_>,
    sources: &'s [Found],
    next: &'s AtomicUsize,
    pipeline: &'s Pipeline<'_>,
) -> Vec<Receiver<Msg>> {
    let (senders, receivers): (Vec<Sender<Msg>>, Vec<Receiver<Msg>>) =
        sources.iter().map(|_| mpsc::channel()).unzip();
    let cores = thread::available_parallelism().map_or(1, |n| n.get());
    for _ in 0..cores.min(sources.len()).max(1) {
        let senders = senders.clone();
        scope.spawn(move || {
            loop {
                let i = next.fetch_add(1, Ordering::Relaxed);
                let (Some(found), Some(tx)) = (sources.get(i), senders.get(i)) else {
                    break;
                };
                run_file(pipeline, found, tx);
            }
        });
    }
    receivers
}

/// Runs one file, sending each event as soon as it is made; stops early when the printer has
/// gone.
fn run_file(pipeline: &Pipeline<'_>, found: &Found, tx: &Sender<Msg>) {
    let source = match found {
        Found::Stdin => Source::Reader {
            name: "-",
            reader: Box::new(std::io::stdin()),
        },
        Found::Path(path) => Source::Path { path, name: None },
    };
    let sink = &mut |event| match tx.send(Msg::Event(event)) {
        Ok(()) => Flow::Continue,
        Err(_) => Flow::Stop,
    };
    let summary = pipeline.run_as(Expect::Capture, source, sink);
    let _ = tx.send(Msg::Done(summary));
}
