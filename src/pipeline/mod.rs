//! The one path from captured bytes to judged traces.
//!
//! A [`Pipeline`] is configured once ([`Config`]: the checks' context with the evaluation time,
//! whether that time is fixed or each capture entry's own, the trust anchors and SP key, and
//! optionally an identity index) and then [`Pipeline::run`] takes named sources — bytes, a
//! reader, a path — and streams every message in them to a sink as a judged [`Trace`]: unwrapped
//! (`input`), parsed and modelled, its signatures verified and encrypted parts opened
//! ([`decode`]), checked (`checks`), and compared with the identities (`compare`). Captures
//! (HAR files, SAML-tracer exports) are streamed through the capture scanner and the flow
//! assembler ([`flow`]), so a file of any size costs a bounded amount of memory.
//!
//! Every front end reaches traces only through here: `samltrace decode` and `compare`
//! (`cmd::decode`), `samltrace har` (`cmd::flows`), the terminal UI's workers (`tui::worker`),
//! the local service provider (`listen`, through a [`Live`] session), and the fuzz targets.
//! None of them strings the stages together itself, and the capture scanner and the assembler
//! have no other callers.
//!
//! Pure apart from reading the source it is given ([`Source::Path`] opens a file; a capture read
//! from a file or a reader is scanned on a second thread while this one judges). It never reads
//! the clock: the evaluation time is the configuration's.

mod decode;
mod flow;
mod live;
mod source;
mod tally;

use std::io::{self, Read};
use std::sync::Arc;
use std::sync::mpsc;
use std::thread;

use crate::capture::{self, CaptureEvent, End, Problem};
use crate::checks::Context;
use crate::compare::{Index, Verdict};
use crate::dsig::Keys;
use crate::input;
use crate::scim::Identity;
use crate::trace::Trace;
use flow::Assembler;

pub use live::Live;
pub use source::{Source, SourceError};
pub use tally::{Outcome, Tally};

/// How many broken parts of one capture are shown as traces; the rest are only counted, so a
/// file of millions of broken entries costs no more than one of a few.
pub const SHOWN_BROKEN_PARTS: usize = 50;

/// What every message is judged with, validated once from the command line (or the TUI's
/// settings) before any source is read.
#[derive(Debug, Clone)]
pub struct Config {
    /// What GitLab expects, the skew, and the evaluation time (`--at`, or now).
    pub context: Context,
    /// `--at` was given: every message is judged at `context.at`. Otherwise a capture's
    /// messages are judged at their entries' times (and other messages at `context.at`).
    pub fixed_time: bool,
    /// The IdP certificates signatures are verified with, and the SP key for encrypted parts.
    pub keys: Arc<Keys>,
    /// `--mask-key`: identity lists are masked with it before they are indexed, so masked
    /// NameIDs (from `har sanitize --mask-key`) can be matched.
    pub mask_key: Option<String>,
}

impl Config {
    /// Judges at `context.at` (fixed when `fixed_time`), without keys or identities.
    pub fn new(context: Context) -> Config {
        Config {
            context,
            fixed_time: false,
            keys: Arc::default(),
            mask_key: None,
        }
    }

    /// Verifies and decrypts with `keys`; the checks learn whether an SP key was given.
    pub fn with_keys(mut self, keys: Arc<Keys>) -> Config {
        self.context.sp_key_given = keys.sp_key.is_some();
        self.keys = keys;
        self
    }

    /// Masks a list with the mask key (when there is one) so it can be indexed for masked
    /// captures; returns whether it did.
    pub fn mask_identities(&self, identities: &mut [Identity]) -> bool {
        let Some(key) = self.mask_key.as_deref() else {
            return false;
        };
        for identity in identities {
            identity.mask(key);
        }
        true
    }
}

/// What a run hands its sink, in source order.
#[derive(Debug)]
pub enum Event {
    Trace(Box<Trace>),
    Notice(Notice),
}

/// Something about a source worth a line on stderr (or a row in the TUI), that is not a trace.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Notice {
    pub level: Level,
    pub input: String,
    /// The capture entry it is about, when it is about one.
    pub entry: Option<usize>,
    /// Where in the file, when known.
    pub offset: Option<u64>,
    /// Lower-case, says what happened and what was expected.
    pub message: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Level {
    /// Worth knowing (a value the capture tool masked on purpose, a capture with no SAML).
    Note,
    /// Part of the source could not be read (a cut-off file, more broken entries than shown).
    Warning,
}

impl Notice {
    /// `flow.har entry 3: …`, as printed.
    pub fn line(&self) -> String {
        match self.entry {
            Some(e) => format!("{} entry {e}: {}", self.input, self.message),
            None => format!("{}: {}", self.input, self.message),
        }
    }
}

/// What a source must be.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Expect {
    /// Anything: a capture (sniffed from its first bytes) or payloads of any form.
    Any,
    /// A HAR file or a SAML-tracer export (`samltrace har`).
    Capture,
}

/// Whether the sink wants more.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Flow {
    Continue,
    /// Stop reading the source (the output was closed).
    Stop,
}

/// What one source held.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Summary {
    pub name: String,
    /// How the capture scan ended; `None` for a source of payloads.
    pub capture: Option<capture::Summary>,
    /// Traces handed to the sink (messages, and parts that could not be decoded or read).
    pub traces: usize,
    /// Traces that hold a message.
    pub messages: usize,
}

/// Bytes in, judged traces out: see the module documentation.
pub struct Pipeline<'i> {
    config: Config,
    identities: Option<Index<'i>>,
}

impl<'i> Pipeline<'i> {
    pub fn new(config: Config) -> Pipeline<'i> {
        Pipeline {
            config,
            identities: None,
        }
    }

    /// Judges at `at`, without keys or identities: for tests, benches and fuzz targets.
    pub fn judging_at(at: jiff::Timestamp) -> Pipeline<'i> {
        Pipeline::new(Config::new(Context::new(at)))
    }

    /// Gives every message that names a user its identity verdict against `index`.
    pub fn with_identities(mut self, index: Index<'i>) -> Pipeline<'i> {
        self.identities = Some(index);
        self
    }

    pub fn config(&self) -> &Config {
        &self.config
    }

    /// Reads one source and hands every message in it, judged, to `sink`, then says what the
    /// source held. Errs only when nothing could be read from it at all.
    pub fn run(
        &self,
        source: Source<'_>,
        sink: &mut dyn FnMut(Event) -> Flow,
    ) -> Result<Summary, SourceError> {
        self.run_as(Expect::Any, source, sink)
    }

    /// [`Pipeline::run`], told what the source must be: with [`Expect::Capture`], a source that
    /// is not a HAR file or SAML-tracer export is an error saying what it is instead.
    pub fn run_as(
        &self,
        expect: Expect,
        source: Source<'_>,
        sink: &mut dyn FnMut(Event) -> Flow,
    ) -> Result<Summary, SourceError> {
        let mut run = Run::new(source.name(), sink);
        match source {
            Source::Bytes { bytes, .. } if expect == Expect::Capture || capture::sniff(bytes) => {
                self.capture_inline(&mut run, bytes)?
            }
            Source::Bytes { bytes, .. } => self.payloads(&mut run, bytes),
            Source::Reader { reader, .. } => self.stream(&mut run, expect, reader)?,
            Source::Path { path, .. } => {
                let file = source::open(path).map_err(|e| run.read_error(e))?;
                self.stream(&mut run, expect, Box::new(file))?
            }
        }
        Ok(run.summary)
    }

    /// Every trace of one source in memory (and its summary): for tests, benches and small
    /// inputs. Notices are dropped.
    pub fn traces(&self, source: Source<'_>) -> (Vec<Trace>, Result<Summary, SourceError>) {
        let mut traces = Vec::new();
        let summary = self.run(source, &mut |event| {
            if let Event::Trace(t) = event {
                traces.push(*t);
            }
            Flow::Continue
        });
        (traces, summary)
    }

    /// Every trace of `bytes`, named `name`: see [`Pipeline::traces`].
    pub fn decode(&self, name: &str, bytes: &[u8]) -> Vec<Trace> {
        self.traces(Source::Bytes { name, bytes }).0
    }

    /// A live session: messages judged one at a time as they arrive (see [`Live`]).
    pub fn live(&self) -> Live<'_, 'i> {
        Live::new(self)
    }

    /// The identity verdict of a judged trace, when an index was given and the message names a
    /// user.
    pub fn identify(&self, trace: &mut Trace) {
        if let Some(index) = &self.identities {
            trace.verdict = verdict(index, trace);
        }
    }

    /// A source of payloads (not a capture): every one unwrapped, decoded and judged at the
    /// configured time.
    fn payloads(&self, run: &mut Run<'_>, bytes: &[u8]) {
        let found = input::unwrap(&run.summary.name, bytes);
        let whole_failed = matches!(found.as_slice(), [Err(_)]);
        for mut found in found {
            if whole_failed && let Err(e) = &mut found {
                identity_list_hint(e, bytes);
            }
            let mut t = decode::unwrapped(found, &self.config.keys);
            t.check(&self.config.context);
            self.identify(&mut t);
            if run.trace(t) == Flow::Stop {
                return;
            }
        }
    }

    /// A reader: a capture is scanned as it streams in; anything else is read whole (bounded)
    /// and unwrapped.
    fn stream(
        &self,
        run: &mut Run<'_>,
        expect: Expect,
        reader: Box<dyn Read + Send + '_>,
    ) -> Result<(), SourceError> {
        let (first, reader) = source::head(reader).map_err(|e| run.read_error(e))?;
        if expect == Expect::Capture || capture::sniff(&first) {
            return self.capture_threaded(run, io::Cursor::new(first).chain(reader));
        }
        let bytes = source::rest(first, reader).map_err(|e| run.read_error(e))?;
        self.payloads(run, &bytes);
        Ok(())
    }

    /// A capture already in memory, scanned on this thread.
    fn capture_inline(&self, run: &mut Run<'_>, bytes: &[u8]) -> Result<(), SourceError> {
        let mut assembler = self.assembler();
        let mut stop = false;
        let name = run.summary.name.clone();
        let scanned = capture::scan(&name, bytes, &mut |event| {
            if !stop {
                stop = self.judge(run, &mut assembler, event) == Flow::Stop;
            }
        });
        self.end_capture(run, scanned)
    }

    /// A capture read from a reader: one thread reads and unwraps while this one decodes and
    /// judges, so a single large file uses two cores. Stops reading when the sink has had
    /// enough.
    fn capture_threaded(
        &self,
        run: &mut Run<'_>,
        reader: impl Read + Send,
    ) -> Result<(), SourceError> {
        let stop = std::sync::atomic::AtomicBool::new(false);
        let name = run.summary.name.clone();
        let (tx, rx) = mpsc::sync_channel::<CaptureEvent>(256);
        let scanned = thread::scope(|scope| {
            let (stop, name) = (&stop, &name);
            let scanner = scope.spawn(move || {
                let reader = source::Stoppable::new(reader, stop);
                capture::scan(name, reader, &mut |event| {
                    let _ = tx.send(event);
                })
            });
            let mut assembler = self.assembler();
            for event in rx {
                if self.judge(run, &mut assembler, event) == Flow::Stop {
                    stop.store(true, std::sync::atomic::Ordering::Relaxed);
                    break;
                }
            }
            scanner.join()
        });
        match scanned {
            Ok(scanned) if !stop.into_inner() => self.end_capture(run, scanned),
            // The sink stopped the scan: what it had is all it wanted.
            Ok(_) => Ok(()),
            Err(_) => Err(SourceError::Scanner {
                name: run.summary.name.clone(),
            }),
        }
    }

    fn assembler(&self) -> Assembler {
        Assembler::new(self.config.context.clone(), self.config.fixed_time)
            .with_keys(Arc::clone(&self.config.keys))
    }

    /// One event of a capture scan, judged and handed on.
    fn judge(&self, run: &mut Run<'_>, assembler: &mut Assembler, event: CaptureEvent) -> Flow {
        match event {
            CaptureEvent::Found(found) => {
                let mut t = assembler.trace(*found);
                self.identify(&mut t);
                run.trace(t)
            }
            CaptureEvent::Skipped(problem) => {
                run.broken += 1;
                if run.broken > SHOWN_BROKEN_PARTS {
                    return Flow::Continue;
                }
                let t = assembler.unreadable(&run.summary.name, &problem);
                run.trace(t)
            }
            CaptureEvent::Masked(p) => run.notice(Level::Note, &p),
        }
    }

    /// What the end of a capture scan means for the source.
    fn end_capture(
        &self,
        run: &mut Run<'_>,
        scanned: Result<capture::Summary, capture::CaptureError>,
    ) -> Result<(), SourceError> {
        let name = run.summary.name.clone();
        let summary = scanned.map_err(|error| SourceError::Capture {
            name: name.clone(),
            error,
        })?;
        let what = summary.format.entries();
        for note in &summary.notes {
            run.notice(Level::Warning, note);
        }
        if let End::Truncated(p) | End::Broken(p) = &summary.end {
            let message = format!("{}; {} {what} read up to there", p.message, summary.entries);
            run.notice(
                Level::Warning,
                &Problem {
                    entry: None,
                    message,
                    ..p.clone()
                },
            );
        }
        if run.broken > SHOWN_BROKEN_PARTS {
            let message = format!(
                "{} more broken {what} were skipped and are not shown (the first {SHOWN_BROKEN_PARTS} are)",
                run.broken - SHOWN_BROKEN_PARTS
            );
            run.notice(
                Level::Warning,
                &Problem {
                    entry: None,
                    offset: 0,
                    message,
                },
            );
        }
        if summary.entries == 0 {
            return Err(SourceError::NoEntries {
                name,
                format: summary.format,
            });
        }
        if run.saml_parts == 0 {
            let (n, what) = summary.format.counted(summary.entries);
            let message = format!(
                "no SAML message in its {n} {what}: was the capture started before the sign-in, \
                 with the network panel's \"Preserve log\" on?"
            );
            run.notice(
                Level::Note,
                &Problem {
                    entry: None,
                    offset: 0,
                    message,
                },
            );
        }
        run.summary.capture = Some(summary);
        Ok(())
    }
}

/// The identity verdict of one judged trace against `index`, when its message names a user.
pub fn verdict(index: &Index<'_>, trace: &Trace) -> Option<Verdict> {
    trace
        .message
        .as_ref()
        .filter(|m| m.kind.names_a_user())
        .map(|m| index.verdict(m))
}

/// One source being read: the sink, and what has gone to it.
struct Run<'s> {
    sink: &'s mut dyn FnMut(Event) -> Flow,
    summary: Summary,
    /// Broken parts met, shown or not.
    broken: usize,
    /// Traces of a SAML parameter, decoded or not: a capture with none gets a note.
    saml_parts: usize,
}

impl<'s> Run<'s> {
    fn new(name: String, sink: &'s mut dyn FnMut(Event) -> Flow) -> Run<'s> {
        Run {
            sink,
            summary: Summary {
                name,
                capture: None,
                traces: 0,
                messages: 0,
            },
            broken: 0,
            saml_parts: 0,
        }
    }

    fn trace(&mut self, t: Trace) -> Flow {
        self.summary.traces += 1;
        self.summary.messages += usize::from(t.message.is_some());
        self.saml_parts += usize::from(t.message.is_some() || t.origin.param.is_some());
        (self.sink)(Event::Trace(Box::new(t)))
    }

    fn notice(&mut self, level: Level, p: &Problem) -> Flow {
        (self.sink)(Event::Notice(Notice {
            level,
            input: self.summary.name.clone(),
            entry: p.entry,
            offset: (p.offset > 0).then_some(p.offset),
            message: p.message.clone(),
        }))
    }

    fn read_error(&self, error: crate::bounded::BoundedError) -> SourceError {
        SourceError::Read {
            name: self.summary.name.clone(),
            error,
        }
    }
}

/// An input that is an identity list, not a message: its decode error names what it is and
/// where it belongs (`--scim`), instead of a base64 complaint about its first comma.
fn identity_list_hint(e: &mut input::UnwrapError, bytes: &[u8]) {
    let text = String::from_utf8_lossy(&bytes[..bytes.len().min(64 * 1024)]);
    if let Some(what) = crate::scim::files::looks_like_list(&text) {
        let name = &e.origin.input;
        e.stage = input::Stage::Input;
        e.message = format!(
            "this is {what}, not a SAML message: give it with --scim (samltrace compare --scim {name} MESSAGE...)"
        );
    }
}

#[cfg(test)]
mod tests;
