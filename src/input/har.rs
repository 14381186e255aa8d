//! The streaming capture scanner: every SAML message in a HAR file (or a SAML-tracer export),
//! found in one pass over a reader, in entry order.
//!
//! [`scan`] reads the JSON with the streaming lexer (`jsonlex`), never holding more than one entry's
//! SAML-relevant fields, and hands each SAML parameter it finds to a sink as soon as its entry
//! has been read: decoded to XML ([`super::Payload`]) or with the reason it could not be. An
//! entry that cannot be read is reported and skipped; a file cut off mid-way yields what it held
//! and says where it ended.
//!
//! Pure: it reads from the reader it is given and nothing else — no files, threads or clock.

pub(crate) mod entry;

use std::io::Read;

use super::jsonlex::{Kind, Lexer};
use super::{Origin, Unwrapped};

/// Why a capture could not be read (or could be read only up to a point). Offsets are bytes
/// from the start of the file.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum HarError {
    #[error("byte {offset}: {found}: expected {expected}")]
    Syntax {
        offset: u64,
        found: String,
        expected: String,
    },
    #[error("byte {offset}: the file ends inside {inside}: it looks cut off")]
    Truncated { offset: u64, inside: String },
    #[error("byte {offset}: JSON nested deeper than {limit} levels")]
    TooDeep { offset: u64, limit: usize },
    #[error("byte {offset}: read failed: {message}")]
    Io { offset: u64, message: String },
    #[error(
        "not JSON (it starts {found}): expected a HAR file or a SAML-tracer export (JSON starting with '{{')"
    )]
    NotJson { found: String },
    #[error(
        "JSON, but not a HAR file: {found}: expected an object with \"log\" (HAR) or \"requests\" (SAML-tracer export)"
    )]
    NotCapture { found: String },
    #[error("the file is empty: expected a HAR file or a SAML-tracer export")]
    Empty,
}

impl HarError {
    /// The byte offset the error is about, when there is one.
    pub fn offset(&self) -> Option<u64> {
        match self {
            HarError::Syntax { offset, .. }
            | HarError::Truncated { offset, .. }
            | HarError::TooDeep { offset, .. }
            | HarError::Io { offset, .. } => Some(*offset),
            _ => None,
        }
    }
}

/// What kind of capture a file was.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CaptureFormat {
    /// HTTP Archive (browsers' "Save all as HAR", Playwright, proxies).
    Har,
    /// The SAML-tracer browser extension's export.
    Tracer,
}

/// A part of a capture that was skipped, and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    /// The 0-based index of the entry (of `log.entries`, or of a SAML-tracer's `requests`).
    pub entry: Option<usize>,
    /// Where in the file it was found.
    pub offset: u64,
    /// Lower-case, says what was expected.
    pub message: String,
}

/// What the scanner hands its sink, in file order.
#[derive(Debug, Clone, PartialEq)]
pub enum HarEvent {
    /// A SAML parameter, decoded to XML or with the reason it could not be.
    Found(Box<Unwrapped>),
    /// An entry that could not be read (or a field of it that was not what a HAR holds): skipped.
    Skipped(Problem),
    /// A value the capture tool masked on purpose (SAML-tracer's `{hash:…}`): skipped.
    Masked(Problem),
}

/// How a scan ended.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum End {
    Complete,
    /// The file ends mid-way (an export cut off): what came before was read.
    Truncated(Problem),
    /// The file's structure broke where it could not be skipped: what came before was read.
    Broken(Problem),
}

/// What a scan read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Summary {
    pub format: CaptureFormat,
    /// How many entries (or SAML-tracer requests) were met.
    pub entries: usize,
    pub end: End,
}

/// True when the start of a file looks like a HAR file or a SAML-tracer export: a JSON object
/// whose first bytes name `"log"` or `"requests"`.
pub fn sniff(head: &[u8]) -> bool {
    let head = &head[..head.len().min(4096)];
    let text = head.strip_prefix(b"\xef\xbb\xbf").unwrap_or(head);
    let first = text.iter().find(|b| !b.is_ascii_whitespace());
    first == Some(&b'{')
        && (memchr::memmem::find(text, b"\"log\"").is_some()
            || memchr::memmem::find(text, b"\"requests\"").is_some())
}

/// Scans a capture read from `reader` (named `name` in origins), handing every SAML message to
/// `sink` as its entry is read. Errors only when nothing could be read at all.
pub fn scan<R: Read>(
    name: &str,
    reader: R,
    sink: &mut dyn FnMut(HarEvent),
) -> Result<Summary, HarError> {
    let mut walker = Walker {
        lx: Lexer::new(reader),
        name,
        sink,
        entries: 0,
        format: None,
        keys: Vec::new(),
    };
    let outcome = walker.top();
    walker.finish(outcome)
}

/// The walk over one file.
pub(crate) struct Walker<'a, R> {
    pub(crate) lx: Lexer<R>,
    pub(crate) name: &'a str,
    pub(crate) sink: &'a mut dyn FnMut(HarEvent),
    /// Entries (or requests) met so far.
    pub(crate) entries: usize,
    pub(crate) format: Option<CaptureFormat>,
    /// The top-level keys seen, for "not a HAR" messages.
    keys: Vec<String>,
}

impl<R: Read> Walker<'_, R> {
    fn top(&mut self) -> Result<(), HarError> {
        self.lx.peek()?;
        let head = self.lx.head()?;
        let head = head.strip_prefix(b"\xef\xbb\xbf").unwrap_or(&head);
        match head.first() {
            None => return Err(HarError::Empty),
            Some(b'{') => {}
            Some(_) => {
                return Err(HarError::NotJson {
                    found: format!("{:?}", String::from_utf8_lossy(head)),
                });
            }
        }
        if self.lx.peek()? == Some(0xef) {
            self.skip_bom()?;
        }
        self.lx.begin_object()?;
        let mut first = true;
        while let Some(key) = self.lx.next_key(&mut first)? {
            match &*key {
                "log" if self.format.is_none() => self.log()?,
                "requests" if self.format.is_none() => {
                    self.format = Some(CaptureFormat::Tracer);
                    super::tracer::requests(self)?;
                }
                _ => {
                    if self.keys.len() < 8 {
                        self.keys.push(key.to_string());
                    }
                    self.lx.skip_value()?;
                }
            }
        }
        Ok(())
    }

    fn skip_bom(&mut self) -> Result<(), HarError> {
        for _ in 0..3 {
            self.lx.peek()?;
            self.lx.bump();
        }
        Ok(())
    }

    fn log(&mut self) -> Result<(), HarError> {
        let kind = self.lx.peek_kind("log")?;
        if kind != Kind::Object {
            return Err(HarError::NotCapture {
                found: format!("\"log\" is {}", kind.describe()),
            });
        }
        self.format = Some(CaptureFormat::Har);
        self.lx.begin_object()?;
        let mut first = true;
        while let Some(key) = self.lx.next_key(&mut first)? {
            if &*key == "entries" {
                self.entries_array()?;
            } else {
                self.lx.skip_value()?;
            }
        }
        Ok(())
    }

    fn entries_array(&mut self) -> Result<(), HarError> {
        let kind = self.lx.peek_kind("log.entries")?;
        if kind != Kind::Array {
            self.skipped(
                None,
                format!("log.entries is {}: expected an array", kind.describe()),
            );
            return self.lx.skip_value();
        }
        self.lx.begin_array()?;
        let depth = self.lx.depth();
        let mut first = true;
        while self.lx.next_item(&mut first)? {
            let index = self.entries;
            self.entries += 1;
            self.entry(index, depth)?;
        }
        Ok(())
    }

    /// Reads one entry and hands over its SAML messages; a broken one is reported and skipped.
    fn entry(&mut self, index: usize, depth: usize) -> Result<(), HarError> {
        let start = self.lx.offset();
        let mut raw = entry::RawEntry::default();
        match entry::read(&mut self.lx, &mut raw) {
            Ok(()) => {
                self.emit(index, start, raw);
                Ok(())
            }
            Err(e @ HarError::Truncated { .. }) => {
                self.emit(index, start, raw);
                Err(e)
            }
            Err(e @ (HarError::Syntax { .. } | HarError::TooDeep { .. })) => {
                self.skipped(Some(index), format!("broken JSON: {e}; entry skipped"));
                self.lx.recover(depth)
            }
            Err(e) => Err(e),
        }
    }

    fn emit(&mut self, index: usize, start: u64, raw: entry::RawEntry) {
        for problem in &raw.problems {
            self.skipped_at(Some(index), start, problem.clone());
        }
        let base = Origin {
            input: self.name.to_owned(),
            har_entry: Some(index),
            time: raw.started.clone(),
            ..Origin::default()
        };
        for found in entry::payloads(&raw, &base) {
            (self.sink)(HarEvent::Found(Box::new(found)));
        }
    }

    pub(crate) fn skipped(&mut self, entry: Option<usize>, message: String) {
        let offset = self.lx.offset();
        self.skipped_at(entry, offset, message);
    }

    pub(crate) fn skipped_at(&mut self, entry: Option<usize>, offset: u64, message: String) {
        (self.sink)(HarEvent::Skipped(Problem {
            entry,
            offset,
            message,
        }));
    }

    /// Turns the walk's outcome into a summary, or an error when nothing could be read.
    fn finish(self, outcome: Result<(), HarError>) -> Result<Summary, HarError> {
        let Some(format) = self.format else {
            return Err(match outcome {
                Err(e) => e,
                Ok(()) => HarError::NotCapture {
                    found: self.top_keys(),
                },
            });
        };
        let problem = |e: &HarError| Problem {
            entry: self.entries.checked_sub(1),
            offset: e.offset().unwrap_or(0),
            message: e.to_string(),
        };
        let end = match &outcome {
            Ok(()) => End::Complete,
            Err(e @ HarError::Truncated { .. }) => End::Truncated(problem(e)),
            Err(e) if self.entries == 0 => return Err(e.clone()),
            Err(e) => End::Broken(problem(e)),
        };
        Ok(Summary {
            format,
            entries: self.entries,
            end,
        })
    }

    fn top_keys(&self) -> String {
        if self.keys.is_empty() {
            "an empty object".to_owned()
        } else {
            let keys: Vec<String> = self.keys.iter().map(|k| format!("{k:?}")).collect();
            format!("its members are {}", keys.join(", "))
        }
    }
}

#[cfg(test)]
mod tests;
