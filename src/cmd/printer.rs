//! Printing traces as they arrive, source after source, for `decode`, `compare` and `har`: JSON
//! and NDJSON stream one trace at a time (so memory does not grow with the capture), a text
//! report is written per message (`decode`) or per source once its flow is known (`har`).
//! Failures and notices go to stderr, one line each; the exit status comes from the pipeline's
//! one rule ([`Tally`]).

use std::io::{self, BufWriter, Stdout, Write};

use samltrace::pipeline::{Level, Notice, Outcome, SourceError, Summary, Tally};
use samltrace::report;
use samltrace::report::summary::Row;
use samltrace::trace::Trace;

use crate::cli::{ColorWhen, Format, OutputArgs};
use crate::cmd::{Exit, Fatal, output};

/// How a text report is laid out.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Text {
    /// One report per message, as it arrives (`decode`).
    Messages,
    /// A source's messages as the sign-in flow they make, once the source is read (`har`).
    Flows,
}

pub struct Printer {
    format: Format,
    color: ColorWhen,
    text: Text,
    out: BufWriter<Stdout>,
    /// Traces printed so far, all sources together: the index the next one gets.
    total: usize,
    /// Where the current source's traces start (its `duplicate_of` indexes are its own).
    base: usize,
    /// The current source's traces, kept for a flow report.
    kept: Vec<Trace>,
    /// A text report was written (the next is set apart by a blank line).
    wrote_text: bool,
    /// The JSON document's opening was written.
    json_open: bool,
    /// The current source's distinct messages at a glance, with the index of the trace that
    /// carried each first (`--format summary`, repeats in the text report, the table).
    rows: Vec<(usize, Row)>,
    /// Every source's rows, for the table that ends a text report (`compare`); `None` when
    /// there is no table.
    table: Option<Vec<Row>>,
    /// Rows the table had no room for.
    table_left_out: usize,
    tally: Tally,
}

/// Rows kept per source (a summary prints them when full) and in the closing table: a
/// capture with more distinct messages still streams, its repeats then reported in full.
const ROWS_KEPT: usize = 10_000;

impl Printer {
    pub fn new(args: &OutputArgs, text: Text) -> Printer {
        Printer {
            format: args.format,
            color: args.color,
            text,
            out: BufWriter::with_capacity(1 << 16, io::stdout()),
            total: 0,
            base: 0,
            kept: Vec::new(),
            wrote_text: false,
            json_open: false,
            rows: Vec::new(),
            table: None,
            table_left_out: 0,
            tally: Tally::default(),
        }
    }

    /// A text report ends with a table of every message, one row each (`compare`).
    pub fn with_table(mut self) -> Printer {
        self.table = Some(Vec::new());
        self
    }

    /// A source starts: its traces' indexes are counted from here.
    pub fn begin(&mut self) {
        self.base = self.total;
    }

    /// One judged trace of the current source.
    pub fn trace(&mut self, mut t: Trace) -> Result<(), Fatal> {
        self.tally.trace(&t);
        if let Some(line) = t.error_line() {
            output::error_line(&line, self.color);
        }
        if let Some(first) = &mut t.origin.duplicate_of {
            *first += self.base;
        }
        let index = self.total;
        self.total += 1;
        let first = match self.format {
            Format::Text | Format::Summary => self.record(index, &t)?,
            _ => None,
        };
        match (self.format, self.text) {
            (Format::Text, Text::Flows) => {
                self.kept.push(t);
                Ok(())
            }
            (Format::Text, Text::Messages) => match first {
                Some((place, seen)) => self.repeat_report(&t, &place, seen),
                None => self.text_report(&t),
            },
            (Format::Summary, _) => Ok(()),
            _ => self.emit(&t),
        }
    }

    /// Notes a trace among the source's rows: a repeat counts on its first occurrence's row,
    /// whose place and count it returns. A summary whose rows are full prints them.
    fn record(&mut self, index: usize, t: &Trace) -> Result<Option<(String, usize)>, Fatal> {
        if let Some(first) = t.origin.duplicate_of
            && let Some((_, row)) = self.rows.iter_mut().find(|(i, _)| *i == first)
        {
            row.seen += 1;
            return Ok(Some((row.place.clone(), row.seen)));
        }
        if t.message.is_none() && t.error.is_none() {
            return Ok(None);
        }
        if self.rows.len() >= ROWS_KEPT {
            self.flush_rows()?;
        }
        if self.rows.len() < ROWS_KEPT {
            self.rows.push((index, Row::of(t)));
        }
        Ok(None)
    }

    /// The source's rows: printed in a summary, kept for the table.
    fn flush_rows(&mut self) -> Result<(), Fatal> {
        let rows = std::mem::take(&mut self.rows);
        if self.format == Format::Summary {
            let mut out = output::stdout(self.color);
            for (_, row) in &rows {
                writeln!(out, "{}", row.line())?;
            }
            out.flush()?;
        }
        if let Some(table) = &mut self.table {
            for (_, row) in rows {
                if table.len() < ROWS_KEPT {
                    table.push(row);
                } else {
                    self.table_left_out += 1;
                }
            }
        }
        Ok(())
    }

    /// A notice about the current source, on stderr.
    pub fn notice(&mut self, n: &Notice) {
        match n.level {
            Level::Note => output::note_line(&n.line(), self.color),
            Level::Warning => output::warning_line(&n.line(), self.color),
        }
    }

    /// Writes out what a live source (`listen`) has so far: a summary's rows, and the streamed
    /// formats' buffer, so a reader of the output sees each message as it arrives.
    pub fn flush_live(&mut self) -> Result<(), Fatal> {
        self.flush_rows()?;
        self.out.flush()?;
        Ok(())
    }

    /// The current source was read: its flow report, when text reports are flows.
    pub fn end(&mut self, summary: &Summary) -> Result<(), Fatal> {
        self.flush_rows()?;
        let kept = std::mem::take(&mut self.kept);
        if self.format == Format::Text && summary.messages > 0 {
            let text = report::flow::render(&kept);
            let mut out = output::stdout(self.color);
            out.write_all(text.as_bytes())?;
            out.flush()?;
        }
        Ok(())
    }

    /// A source (or an argument) from which nothing could be read: one line on stderr, and an
    /// error trace in the streamed formats.
    pub fn unreadable(&mut self, e: &SourceError) -> Result<(), Fatal> {
        self.unreadable_line(&e.to_string(), e.trace())
    }

    /// An argument that names nothing readable, said in `message`.
    pub fn unreadable_argument(&mut self, message: &str) -> Result<(), Fatal> {
        let name = message.split(':').next().unwrap_or(message);
        let origin = samltrace::input::Origin {
            input: name.to_owned(),
            ..Default::default()
        };
        let trace = Trace::unreadable(origin, message.to_owned(), None);
        self.unreadable_line(message, trace)
    }

    fn unreadable_line(&mut self, message: &str, trace: Trace) -> Result<(), Fatal> {
        self.tally.unreadable();
        self.kept.clear();
        self.rows.clear();
        output::error_line(message, self.color);
        self.total += 1;
        match self.format {
            Format::Text | Format::Summary => {
                self.rows.push((self.total - 1, Row::of(&trace)));
                self.flush_rows()
            }
            _ => self.emit(&trace),
        }
    }

    /// A Response was judged: the text report then ends with what was not compared.
    pub fn saw_response(&self) -> bool {
        self.tally.saw_response()
    }

    fn text_report(&mut self, t: &Trace) -> Result<(), Fatal> {
        if t.message.is_none() {
            return Ok(());
        }
        let body = report::text::render(std::slice::from_ref(t));
        let mut out = output::stdout(self.color);
        if std::mem::replace(&mut self.wrote_text, true) {
            out.write_all(b"\n")?;
        }
        out.write_all(body.as_bytes())?;
        out.flush()?;
        Ok(())
    }

    /// Another occurrence of a message already reported: one line that points at the report.
    fn repeat_report(&mut self, t: &Trace, first: &str, seen: usize) -> Result<(), Fatal> {
        let body = report::text::repeat(t, first, seen);
        let mut out = output::stdout(self.color);
        out.write_all(b"\n")?;
        out.write_all(body.as_bytes())?;
        out.flush()?;
        Ok(())
    }

    /// Writes one trace in a streamed format.
    fn emit(&mut self, t: &Trace) -> Result<(), Fatal> {
        match self.format {
            Format::Ndjson => {
                serde_json::to_writer(&mut self.out, t).map_err(io::Error::from)?;
                self.out.write_all(b"\n")?;
            }
            Format::Json => self.json_item(t)?,
            Format::Xml => {
                let doc = t.xml.clone().map(samltrace::xml::Document::parse);
                if let Some(Ok(doc)) = doc {
                    let source = t.provenance().join(" · ");
                    writeln!(self.out, "{}", report::xml::titled(&doc, Some(&source)))?;
                }
            }
            Format::Text | Format::Summary => {}
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

    /// Closes the output, prints `footer` after a text report, and says how the run went.
    pub fn finish(mut self, footer: Option<String>) -> Result<Exit, Fatal> {
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
            && let Some(rows) = self
                .table
                .take()
                .filter(|r| r.len() + self.table_left_out > 1)
        {
            let mut out = output::stdout(self.color);
            let n = rows.len() + self.table_left_out;
            writeln!(out, "\n{}", report::summary::heading(n))?;
            out.write_all(report::summary::table(&rows).as_bytes())?;
            if self.table_left_out > 0 {
                writeln!(out, "… and {} more, not shown here", self.table_left_out)?;
            }
            out.flush()?;
        }
        if self.format == Format::Text
            && let Some(line) = footer
        {
            output::footer(&line, self.color)?;
        }
        Ok(match self.tally.outcome() {
            Outcome::Clean => Exit::Clean,
            Outcome::Problems => Exit::Problems,
            Outcome::Failed => Exit::Failed,
        })
    }
}
