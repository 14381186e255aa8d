//! The streaming capture scanner: every SAML message in a HAR file (or a SAML-tracer export),
//! found in one pass over a reader, in entry order.
//!
//! [`scan`] reads the JSON with the streaming lexer (`jsonlex`), never holding more than one entry's
//! SAML-relevant fields, and hands each SAML parameter it finds to a sink as soon as its entry
//! has been read: decoded to XML ([`crate::input::Payload`]) or with the reason it could not be. An
//! entry that cannot be read is reported and skipped; a file cut off mid-way yields what it held
//! and says where it ended.
//!
//! `jsonlex` is the lexer (with its own error type), `fields` the lenient field readers both
//! walkers share, `har` the walk over `log.entries`, `tracer` the walk over a SAML-tracer export's
//! `requests`. Nothing here decodes or judges a message: that is the pipeline's.
//!
//! Pure: it reads from the reader it is given and nothing else — no files, threads or clock.

mod fields;
mod har;
pub mod jsonlex;
pub mod tracer;

use std::io::Read;

use crate::input::Unwrapped;
use jsonlex::{JsonError, Lexer, describe_byte};

pub(crate) use har::entry::may_hold_form;

/// Why a capture could not be read (or could be read only up to a point). Offsets are bytes
/// from the start of the file.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum CaptureError {
    #[error(transparent)]
    Json(#[from] JsonError),
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

impl CaptureError {
    /// The byte offset the error is about, when there is one.
    pub fn offset(&self) -> Option<u64> {
        match self {
            CaptureError::Json(e) => Some(e.offset()),
            _ => None,
        }
    }

    /// A file that could not be opened or read from its start.
    pub fn unreadable(e: &std::io::Error) -> CaptureError {
        CaptureError::Json(JsonError::Io {
            offset: 0,
            message: e.to_string(),
        })
    }

    /// The file ends mid-way: what came before was read.
    pub fn is_truncated(&self) -> bool {
        matches!(self, CaptureError::Json(JsonError::Truncated { .. }))
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

impl CaptureFormat {
    /// What the format calls its items: `entries` (HAR) or `requests` (SAML-tracer).
    pub fn entries(self) -> &'static str {
        match self {
            CaptureFormat::Har => "entries",
            CaptureFormat::Tracer => "requests",
        }
    }

    /// `1 entry`, `3 entries`, `1 request`.
    pub fn counted(self, n: usize) -> (usize, &'static str) {
        let word = match (self, n) {
            (CaptureFormat::Har, 1) => "entry",
            (CaptureFormat::Tracer, 1) => "request",
            (format, _) => format.entries(),
        };
        (n, word)
    }
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
pub enum CaptureEvent {
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
    /// What was read although the file broke JSON's rules (content after the end, an invalid
    /// escape or a raw control character in a string): worth a word, not a refusal.
    pub notes: Vec<Problem>,
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
pub(crate) fn scan<R: Read>(
    name: &str,
    reader: R,
    sink: &mut dyn FnMut(CaptureEvent),
) -> Result<Summary, CaptureError> {
    let mut walker = Walker {
        lx: Lexer::new(reader),
        name,
        sink,
        entries: 0,
        format: None,
        keys: Vec::new(),
        trailing: None,
        notes: Vec::new(),
    };
    let outcome = walker.top().and_then(|()| walker.after_end());
    walker.finish(outcome)
}

/// The walk over one file.
pub(crate) struct Walker<'a, R> {
    pub(crate) lx: Lexer<R>,
    pub(crate) name: &'a str,
    pub(crate) sink: &'a mut dyn FnMut(CaptureEvent),
    /// Entries (or requests) met so far.
    pub(crate) entries: usize,
    pub(crate) format: Option<CaptureFormat>,
    /// The top-level keys seen, for "not a HAR" messages.
    keys: Vec<String>,
    /// Content after the capture's end.
    trailing: Option<Problem>,
    /// Warnings about the whole capture, said once (a SAML-tracer export masked only in part).
    pub(crate) notes: Vec<Problem>,
}

impl<R: Read> Walker<'_, R> {
    fn top(&mut self) -> Result<(), CaptureError> {
        self.lx.peek()?;
        let head = self.lx.head()?;
        let head = head.strip_prefix(b"\xef\xbb\xbf").unwrap_or(&head);
        match head.first() {
            None => return Err(CaptureError::Empty),
            Some(b'{') => {}
            Some(b'[') => {
                return Err(CaptureError::NotCapture {
                    found: "it is an array".to_owned(),
                });
            }
            Some(_) => {
                return Err(CaptureError::NotJson {
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
                    tracer::requests(self)?;
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

    /// Content after the capture's closing brace: noted (it is not read), not an error.
    fn after_end(&mut self) -> Result<(), CaptureError> {
        if let Some(b) = self.lx.peek()? {
            let offset = self.lx.offset();
            self.trailing = Some(Problem {
                entry: None,
                offset,
                message: format!(
                    "byte {offset}: {} after the end of the capture: ignored",
                    describe_byte(b)
                ),
            });
        }
        Ok(())
    }

    fn skip_bom(&mut self) -> Result<(), CaptureError> {
        for _ in 0..3 {
            self.lx.peek()?;
            self.lx.bump();
        }
        Ok(())
    }

    pub(crate) fn skipped(&mut self, entry: Option<usize>, message: String) {
        let offset = self.lx.offset();
        self.skipped_at(entry, offset, message);
    }

    pub(crate) fn skipped_at(&mut self, entry: Option<usize>, offset: u64, message: String) {
        (self.sink)(CaptureEvent::Skipped(Problem {
            entry,
            offset,
            message,
        }));
    }

    /// Turns the walk's outcome into a summary, or an error when nothing could be read.
    fn finish(self, outcome: Result<(), CaptureError>) -> Result<Summary, CaptureError> {
        let Some(format) = self.format else {
            return Err(match outcome {
                Err(e) => e,
                Ok(()) => CaptureError::NotCapture {
                    found: self.top_keys(),
                },
            });
        };
        let problem = |e: &CaptureError| Problem {
            entry: self.entries.checked_sub(1),
            offset: e.offset().unwrap_or(0),
            message: e.to_string(),
        };
        let end = match &outcome {
            Ok(()) => End::Complete,
            Err(e) if e.is_truncated() => End::Truncated(problem(e)),
            Err(e) if self.entries == 0 => return Err(e.clone()),
            Err(e) => End::Broken(problem(e)),
        };
        let lenient = self.lx.lenient().map(|l| Problem {
            entry: None,
            offset: l.offset,
            message: format!(
                "byte {}: {} in a string, which JSON does not allow: read as it stands",
                l.offset, l.what
            ),
        });
        Ok(Summary {
            format,
            entries: self.entries,
            end,
            notes: lenient
                .into_iter()
                .chain(self.notes)
                .chain(self.trailing)
                .collect(),
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
