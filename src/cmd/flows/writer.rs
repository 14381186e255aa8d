//! Printing `har` results as they arrive, file after file: JSON and NDJSON stream one trace at a
//! time (so memory does not grow with the capture), text waits for a file's last message to
//! show its flow. Problems go to stderr, one line each; the exit status is worked out here.

use std::io::{self, BufWriter, Stdout, Write};
use std::sync::mpsc::Receiver;

use samltrace::capture::{CaptureError, CaptureFormat, End, Summary};
use samltrace::input::Origin;
use samltrace::report;
use samltrace::trace::Trace;

use super::Msg;
use crate::cli::{ColorWhen, Format, OutputArgs};
use crate::cmd::checks::{self, Checks};
use crate::cmd::{Exit, Fatal, output};

pub(in crate::cmd) struct Writer<'a> {
    format: Format,
    color: ColorWhen,
    checks: &'a Checks,
    out: BufWriter<Stdout>,
    /// Traces printed so far, all files together: the index the next one gets.
    total: usize,
    saw_response: bool,
    /// The JSON document's opening was written.
    json_open: bool,
    /// A FILE could not be read at all.
    failed: bool,
    /// A check found an error, or a message could not be decoded.
    problems: bool,
}

impl<'a> Writer<'a> {
    pub fn new(args: &OutputArgs, checks: &'a Checks) -> Writer<'a> {
        Writer {
            format: args.format,
            color: args.color,
            checks,
            out: BufWriter::with_capacity(1 << 16, io::stdout()),
            total: 0,
            saw_response: false,
            json_open: false,
            failed: false,
            problems: false,
        }
    }

    /// A FILE argument that names nothing readable.
    pub fn unreadable_path(&mut self, message: &str) {
        self.failed = true;
        output::error_line(message, self.color);
        let name = message.split(':').next().unwrap_or(message);
        let origin = Origin {
            input: name.to_owned(),
            ..Origin::default()
        };
        let trace = Trace::unreadable(origin, message.to_owned(), None);
        self.total += 1;
        let _ = self.emit(trace, 0);
    }

    /// Prints everything one file's worker sends, until it is done.
    pub fn file(&mut self, name: &str, rx: Receiver<Msg>) -> Result<(), Fatal> {
        let base = self.total;
        let mut kept = Vec::new();
        let mut messages = 0;
        for msg in rx {
            match msg {
                Msg::Trace(t) => {
                    let t = *t;
                    self.account(&t);
                    messages += usize::from(t.message.is_some());
                    if self.format == Format::Text {
                        kept.push(t);
                    } else {
                        self.emit(t, base)?;
                    }
                }
                Msg::Note(n) => output::note_line(&n, self.color),
                Msg::Done(result) => return self.done(name, result, &kept, messages),
            }
        }
        Ok(())
    }

    /// Notes what a trace means for the exit status and reports its failure on stderr.
    fn account(&mut self, t: &Trace) {
        self.total += 1;
        if let Some(line) = t.error_line() {
            output::error_line(&line, self.color);
        }
        let decode_failed =
            t.is_error() && t.origin.param.as_deref().is_some_and(|p| p != "SAMLart");
        self.problems |= decode_failed || t.has_error_findings();
        self.saw_response |= t.message.as_ref().is_some_and(|m| m.is_response());
    }

    /// Writes one trace in a streamed format; `base` turns the file's indexes into global ones.
    fn emit(&mut self, mut t: Trace, base: usize) -> Result<(), Fatal> {
        if let Some(first) = &mut t.origin.duplicate_of {
            *first += base;
        }
        match self.format {
            Format::Ndjson => {
                serde_json::to_writer(&mut self.out, &t).map_err(io::Error::from)?;
                self.out.write_all(b"\n")?;
            }
            Format::Json => self.json_item(&t)?,
            Format::Xml => {
                if let Some(doc) = t.xml.and_then(|x| samltrace::xml::Document::parse(x).ok()) {
                    writeln!(self.out, "{}", report::xml::pretty(&doc))?;
                }
            }
            Format::Text => {}
        }
        Ok(())
    }

    /// One element of the `traces` array, pretty-printed as `report::json::render` would.
    fn json_item(&mut self, t: &Trace) -> Result<(), Fatal> {
        if !std::mem::replace(&mut self.json_open, true) {
            self.out.write_all(b"{\n  \"schema\": \"")?;
            self.out.write_all(report::json::SCHEMA.as_bytes())?;
            self.out.write_all(b"\",\n  \"traces\": [")?;
        } else {
            self.out.write_all(b",")?;
        }
        let body = serde_json::to_string_pretty(t).map_err(io::Error::from)?;
        for line in body.lines() {
            self.out.write_all(b"\n    ")?;
            self.out.write_all(line.as_bytes())?;
        }
        Ok(())
    }

    /// The end of one file: its text report, and what its scan said about the file.
    fn done(
        &mut self,
        name: &str,
        result: Result<Summary, CaptureError>,
        kept: &[Trace],
        messages: usize,
    ) -> Result<(), Fatal> {
        let summary = match result {
            Ok(s) => s,
            Err(e) => {
                self.failed = true;
                let message = format!("{name}: {e}");
                self.unreadable_file(name, &message, e.offset())?;
                return Ok(());
            }
        };
        if self.format == Format::Text && messages > 0 {
            let text = report::flow::render(kept);
            let mut out = output::stdout(self.color);
            out.write_all(text.as_bytes())?;
            out.flush()?;
        }
        self.summarise(name, &summary, messages)
    }

    fn unreadable_file(
        &mut self,
        name: &str,
        message: &str,
        offset: Option<u64>,
    ) -> Result<(), Fatal> {
        output::error_line(message, self.color);
        let origin = Origin {
            input: name.to_owned(),
            ..Origin::default()
        };
        let offset = offset.and_then(|o| usize::try_from(o).ok());
        let trace = Trace::unreadable(origin, message.to_owned(), offset);
        self.total += 1;
        let base = self.total - 1;
        self.emit(trace, base)
    }

    /// Warnings for a file that was cut off or broken, or held nothing.
    fn summarise(&mut self, name: &str, summary: &Summary, messages: usize) -> Result<(), Fatal> {
        let what = match summary.format {
            CaptureFormat::Har => "entries",
            CaptureFormat::Tracer => "requests",
        };
        match &summary.end {
            End::Complete => {}
            End::Truncated(p) | End::Broken(p) => output::warning_line(
                &format!(
                    "{name}: {}; {} {what} read up to there",
                    p.message, summary.entries
                ),
                self.color,
            ),
        }
        if summary.entries == 0 {
            self.failed = true;
            let message = format!("{name}: the capture holds no {what}: nothing to trace");
            return self.unreadable_file(name, &message, None);
        }
        if messages == 0 {
            let (n, what) = counted(summary.entries, what);
            output::note_line(
                &format!(
                    "{name}: no SAML message in its {n} {what}: was the capture started before \
                     the sign-in, with the network panel's \"Preserve log\" on?"
                ),
                self.color,
            );
        }
        Ok(())
    }

    /// Closes the output and says how the run went.
    pub fn finish(mut self) -> Result<Exit, Fatal> {
        if self.format == Format::Json {
            if !self.json_open {
                self.out.write_all(b"{\n  \"schema\": \"")?;
                self.out.write_all(report::json::SCHEMA.as_bytes())?;
                self.out.write_all(b"\",\n  \"traces\": []\n}\n")?;
            } else {
                self.out.write_all(b"\n  ]\n}\n")?;
            }
        }
        self.out.flush()?;
        if self.format == Format::Text
            && self.saw_response
            && let Some(line) = checks::not_checked_line(self.checks)
        {
            output::footer(&line, self.color)?;
        }
        Ok(if self.failed {
            Exit::Failed
        } else if self.problems {
            Exit::Problems
        } else {
            Exit::Clean
        })
    }
}

/// `1 entry`, `3 entries`.
fn counted(n: usize, plural: &'static str) -> (usize, &'static str) {
    let singular = match plural {
        "entries" => "entry",
        "requests" => "request",
        other => other,
    };
    (n, if n == 1 { singular } else { plural })
}
