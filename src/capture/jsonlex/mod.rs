//! A streaming JSON lexer over any reader, for captures too large to hold in memory: HAR files
//! and SAML-tracer exports of hundreds of megabytes.
//!
//! It reads through one bounded buffer and hands a walker one token at a time. Strings are
//! scanned with `memchr` and kept only when they are small or may carry SAML; larger strings are
//! measured and dropped, so memory stays bounded by [`MAX_STRING`] plus the read buffer whatever
//! the input's size. It is lenient where exporters are sloppy (raw control characters in strings,
//! unknown escapes, invalid UTF-8, lone surrogates) but says so: the first such place in a kept
//! string is recorded ([`Lexer::lenient`]) for the reader to report. It is strict about structure.
//!
//! It must not open files, spawn threads or allocate in proportion to the input.

use std::io::{ErrorKind, Read};

use memchr::memmem;

mod text;

pub(crate) use text::{Key, describe_byte};
use text::{is_number, looks_like_base64, raw_control, unescape_noting};

/// Strings up to this size are always kept; larger ones only when they may carry SAML.
pub(crate) const SMALL_STRING: usize = 64 << 10;
/// The largest string ever kept. A larger one is measured, searched for SAML, and dropped.
pub(crate) const MAX_STRING: usize = 8 << 20;
/// How much is read from the input at a time.
const READ_SIZE: usize = 128 << 10;
/// Nesting deeper than this is refused (the walkers recurse).
pub(crate) const MAX_DEPTH: usize = 256;
/// The marker every SAML parameter name and form field starts with.
const SAML: &[u8] = b"SAML";

/// Why the lexer could not go on. Offsets are bytes from the start of the input.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum JsonError {
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
}

impl JsonError {
    /// The byte offset the error is about.
    pub fn offset(&self) -> u64 {
        match self {
            JsonError::Syntax { offset, .. }
            | JsonError::Truncated { offset, .. }
            | JsonError::TooDeep { offset, .. }
            | JsonError::Io { offset, .. } => *offset,
        }
    }

    /// A broken value the walker can step over (the structure around it is still known).
    pub fn is_recoverable(&self) -> bool {
        matches!(self, JsonError::Syntax { .. } | JsonError::TooDeep { .. })
    }
}

/// What the next value is, from its first byte.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Kind {
    Object,
    Array,
    String,
    /// A number, `true`, `false` or `null`.
    Scalar,
}

impl Kind {
    /// "an object", "a string", … for messages.
    pub(crate) fn describe(self) -> &'static str {
        match self {
            Kind::Object => "an object",
            Kind::Array => "an array",
            Kind::String => "a string",
            Kind::Scalar => "a number, true, false or null",
        }
    }
}

/// How a string is to be read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Want {
    /// Keep it (up to [`MAX_STRING`]).
    Keep,
    /// Keep it when it is small, or holds `SAML`, or (with `base64`) looks like base64 that may
    /// hide an HTML page.
    IfSaml { base64: bool },
}

/// A string value as read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Text {
    Kept(String),
    /// Not kept: its length in the input (escapes included), and whether `SAML` occurs in it.
    Dropped {
        len: u64,
        saml: bool,
    },
}

/// A streaming JSON lexer; see the module documentation.
pub(crate) struct Lexer<R> {
    reader: R,
    buf: Vec<u8>,
    pos: usize,
    end: usize,
    /// Offset in the input of `buf[0]`.
    base: u64,
    eof: bool,
    depth: usize,
    saml: memmem::Finder<'static>,
    /// The first kept string that broke JSON's rules and was read leniently.
    lenient: Option<Lenient>,
}

/// A place where the input broke JSON's rules inside a string and was read anyway.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Lenient {
    /// Offset of the offending byte (the backslash of an escape).
    pub(crate) offset: u64,
    /// What was wrong, as a phrase: "a raw control character (byte 0x1b)".
    pub(crate) what: String,
}

/// A string found whole in the buffer, or too long to keep.
enum Scan {
    Whole(Scanned),
    TooLong { start: usize },
}

/// Where a scanned string lies in the buffer, and what was seen in it.
struct Scanned {
    start: usize,
    end: usize,
    escapes: bool,
}

impl<R: Read> Lexer<R> {
    pub(crate) fn new(reader: R) -> Self {
        Lexer {
            reader,
            buf: vec![0; READ_SIZE],
            pos: 0,
            end: 0,
            base: 0,
            eof: false,
            depth: 0,
            saml: memmem::Finder::new(SAML).into_owned(),
            lenient: None,
        }
    }

    /// The offset in the input of the next unread byte.
    pub(crate) fn offset(&self) -> u64 {
        self.base + self.pos as u64
    }

    /// The first place a kept string broke JSON's rules, if any.
    pub(crate) fn lenient(&self) -> Option<&Lenient> {
        self.lenient.as_ref()
    }

    /// How many objects and arrays are open.
    pub(crate) fn depth(&self) -> usize {
        self.depth
    }

    /// Reads more input, first moving `buf[keep..end]` to the front (positions shift by `keep`).
    /// Grows the buffer when it is full of kept bytes. False at the end of the input.
    fn refill(&mut self, keep: usize) -> Result<bool, JsonError> {
        if self.eof {
            return Ok(false);
        }
        if keep > 0 {
            self.buf.copy_within(keep..self.end, 0);
            self.base += keep as u64;
            self.end -= keep;
            self.pos -= keep;
        }
        if self.end == self.buf.len() {
            let grown = (self.buf.len() * 2).min(MAX_STRING + 2 * READ_SIZE);
            self.buf.resize(grown.max(self.end + READ_SIZE), 0);
        }
        let room = (self.buf.len() - self.end).min(READ_SIZE.max(self.buf.len() / 4));
        loop {
            match self.reader.read(&mut self.buf[self.end..self.end + room]) {
                Ok(0) => {
                    self.eof = true;
                    return Ok(false);
                }
                Ok(n) => {
                    self.end += n;
                    return Ok(true);
                }
                Err(e) if e.kind() == ErrorKind::Interrupted => {}
                Err(e) => {
                    return Err(JsonError::Io {
                        offset: self.base + self.end as u64,
                        message: e.to_string(),
                    });
                }
            }
        }
    }

    /// The next significant byte, not consumed; `None` at the end of the input.
    pub(crate) fn peek(&mut self) -> Result<Option<u8>, JsonError> {
        loop {
            while self.pos < self.end {
                let b = self.buf[self.pos];
                if !matches!(b, b' ' | b'\n' | b'\r' | b'\t') {
                    return Ok(Some(b));
                }
                self.pos += 1;
            }
            if !self.refill(self.pos)? {
                return Ok(None);
            }
        }
    }

    /// The kind of the next value, or an error naming what was found instead.
    pub(crate) fn peek_kind(&mut self, inside: &str) -> Result<Kind, JsonError> {
        match self.peek()? {
            Some(b'{') => Ok(Kind::Object),
            Some(b'[') => Ok(Kind::Array),
            Some(b'"') => Ok(Kind::String),
            Some(b'-' | b'0'..=b'9' | b't' | b'f' | b'n') => Ok(Kind::Scalar),
            Some(b) => Err(self.syntax(b, "a JSON value")),
            None => Err(self.truncated(inside)),
        }
    }

    pub(crate) fn syntax(&self, found: u8, expected: &str) -> JsonError {
        JsonError::Syntax {
            offset: self.offset(),
            found: describe_byte(found),
            expected: expected.to_owned(),
        }
    }

    pub(crate) fn truncated(&self, inside: &str) -> JsonError {
        JsonError::Truncated {
            offset: self.offset(),
            inside: inside.to_owned(),
        }
    }

    fn expect(&mut self, byte: u8, inside: &str) -> Result<(), JsonError> {
        match self.peek()? {
            Some(b) if b == byte => {
                self.pos += 1;
                Ok(())
            }
            Some(b) => Err(self.syntax(b, &format!("'{}'", byte as char))),
            None => Err(self.truncated(inside)),
        }
    }

    /// Consumes the `{` that opens an object.
    pub(crate) fn begin_object(&mut self) -> Result<(), JsonError> {
        self.open(b'{', "an object")
    }

    /// Consumes the `[` that opens an array.
    pub(crate) fn begin_array(&mut self) -> Result<(), JsonError> {
        self.open(b'[', "an array")
    }

    fn open(&mut self, byte: u8, what: &str) -> Result<(), JsonError> {
        if self.depth >= MAX_DEPTH {
            return Err(JsonError::TooDeep {
                offset: self.offset(),
                limit: MAX_DEPTH,
            });
        }
        self.expect(byte, what)?;
        self.depth += 1;
        Ok(())
    }

    /// The next key of an open object (its `:` consumed), or `None` after its closing `}`.
    /// `first` is true before the first member and is cleared here.
    pub(crate) fn next_key(&mut self, first: &mut bool) -> Result<Option<Key>, JsonError> {
        if !self.next_member(first, b'}', "an object")? {
            return Ok(None);
        }
        match self.peek()? {
            Some(b'"') => self.pos += 1,
            Some(b) => return Err(self.syntax(b, "a member name in double quotes")),
            None => return Err(self.truncated("an object")),
        }
        let key = match self.scan_string()? {
            Scan::Whole(s) => {
                let key = Key::new(&self.buf[s.start..s.end], s.escapes);
                self.pos = s.end + 1;
                key
            }
            Scan::TooLong { start } => {
                self.stream_string(start)?;
                Key::new(b"", false)
            }
        };
        self.expect(b':', "an object")?;
        Ok(Some(key))
    }

    /// True when an open array has another item (its `,` consumed), false after its `]`.
    pub(crate) fn next_item(&mut self, first: &mut bool) -> Result<bool, JsonError> {
        self.next_member(first, b']', "an array")
    }

    fn next_member(
        &mut self,
        first: &mut bool,
        close: u8,
        inside: &str,
    ) -> Result<bool, JsonError> {
        let b = self.peek()?.ok_or_else(|| self.truncated(inside))?;
        if b == close {
            self.pos += 1;
            self.depth = self.depth.saturating_sub(1);
            return Ok(false);
        }
        if std::mem::take(first) {
            return Ok(true);
        }
        if b != b',' {
            let expected = format!("',' or '{}'", close as char);
            return Err(self.syntax(b, &expected));
        }
        self.pos += 1;
        Ok(true)
    }

    /// A number, `true`, `false` or `null`, as written.
    pub(crate) fn scalar(&mut self) -> Result<String, JsonError> {
        self.peek()?;
        let mut out = Vec::new();
        loop {
            while self.pos < self.end {
                let b = self.buf[self.pos];
                if !(b.is_ascii_alphanumeric() || matches!(b, b'-' | b'+' | b'.')) {
                    return self.finish_scalar(out);
                }
                if out.len() >= 64 {
                    return Err(self.syntax(b, "a shorter number"));
                }
                out.push(b);
                self.pos += 1;
            }
            if !self.refill(self.pos)? {
                return self.finish_scalar(out);
            }
        }
    }

    /// Skips a number, `true`, `false` or `null` without keeping it (checked when it is short
    /// enough to sit in the buffer whole, as it nearly always does).
    fn skip_scalar(&mut self) -> Result<(), JsonError> {
        let start = self.pos;
        let len = self.buf[start..self.end]
            .iter()
            .position(|&b| !(b.is_ascii_alphanumeric() || matches!(b, b'-' | b'+' | b'.')));
        match len {
            Some(n) if n <= 64 => {
                let text = std::str::from_utf8(&self.buf[start..start + n]).unwrap_or("");
                if matches!(text, "true" | "false" | "null") || is_number(text) {
                    self.pos += n;
                    return Ok(());
                }
                Err(JsonError::Syntax {
                    offset: self.offset(),
                    found: format!("{text:?}"),
                    expected: "a JSON value".to_owned(),
                })
            }
            _ => self.scalar().map(drop),
        }
    }

    fn finish_scalar(&self, raw: Vec<u8>) -> Result<String, JsonError> {
        let text = String::from_utf8_lossy(&raw).into_owned();
        if matches!(text.as_str(), "true" | "false" | "null") || is_number(&text) {
            return Ok(text);
        }
        Err(JsonError::Syntax {
            offset: self.offset() - raw.len() as u64,
            found: format!("{text:?}"),
            expected: "a JSON value".to_owned(),
        })
    }

    /// Reads a string (the next value must be one), keeping it as `want` says.
    pub(crate) fn string(&mut self, want: Want) -> Result<Text, JsonError> {
        self.expect(b'"', "a string")?;
        match self.scan_string()? {
            Scan::Whole(s) => {
                let text = self.take(&s, want);
                self.pos = s.end + 1;
                Ok(text)
            }
            Scan::TooLong { start } => self.stream_string(start),
        }
    }

    /// Decides whether a string held whole in the buffer is kept.
    fn take(&mut self, s: &Scanned, want: Want) -> Text {
        let raw = &self.buf[s.start..s.end];
        if raw.len() > MAX_STRING {
            return Text::Dropped {
                len: raw.len() as u64,
                saml: self.saml.find(raw).is_some(),
            };
        }
        let keep = match want {
            Want::Keep => true,
            Want::IfSaml { base64 } => {
                raw.len() <= SMALL_STRING
                    || self.saml.find(raw).is_some()
                    || (base64 && looks_like_base64(raw))
            }
        };
        if !keep {
            return Text::Dropped {
                len: raw.len() as u64,
                saml: false,
            };
        }
        let control = raw_control(raw);
        let (text, odd) = if s.escapes {
            unescape_noting(raw)
        } else {
            match std::str::from_utf8(raw) {
                Ok(t) => (t.to_owned(), None),
                Err(e) => (
                    String::from_utf8_lossy(raw).into_owned(),
                    Some(e.valid_up_to()),
                ),
            }
        };
        if self.lenient.is_none() {
            let first = match (control, odd) {
                (Some(c), Some(o)) if o < c => Some((o, None)),
                (Some(c), _) => Some((c, Some(raw[c]))),
                (None, Some(o)) => Some((o, None)),
                (None, None) => None,
            };
            if let Some((at, control)) = first {
                let what = match control {
                    Some(b) => format!("a raw control character ({})", describe_byte(b)),
                    None => "an invalid escape or invalid UTF-8".to_owned(),
                };
                let offset = self.base + (s.start + at) as u64;
                self.lenient = Some(Lenient { offset, what });
            }
        }
        Text::Kept(text)
    }

    /// Finds the closing quote of the string that starts at `pos`, reading more input as needed.
    /// A string longer than [`MAX_STRING`] is handed over with `pos` where scanning stopped
    /// (never inside an escape).
    fn scan_string(&mut self) -> Result<Scan, JsonError> {
        let mut i = self.pos;
        let mut escapes = false;
        loop {
            match memchr::memchr2(b'"', b'\\', &self.buf[i..self.end]) {
                Some(j) if self.buf[i + j] == b'"' => {
                    return Ok(Scan::Whole(Scanned {
                        start: self.pos,
                        end: i + j,
                        escapes,
                    }));
                }
                Some(j) if i + j + 1 < self.end => {
                    escapes = true;
                    i += j + 2;
                    continue;
                }
                // A backslash ends the buffer: read on and look at it again.
                Some(j) => i += j,
                None => i = self.end,
            }
            if i - self.pos > MAX_STRING {
                let start = self.pos;
                self.pos = i;
                return Ok(Scan::TooLong { start });
            }
            let keep = self.pos;
            if !self.refill(keep)? {
                self.pos = self.end;
                return Err(self.truncated("a string"));
            }
            i -= keep;
        }
    }

    /// Reads the rest of an over-long string chunk by chunk, noting whether `SAML` occurs in it.
    /// Its first bytes are at `buf[start..pos]`.
    fn stream_string(&mut self, start: usize) -> Result<Text, JsonError> {
        let first = self.base + start as u64;
        let mut saml = self.saml.find(&self.buf[start..self.pos]).is_some();
        let mut tail: Vec<u8> =
            self.buf[self.pos.saturating_sub(SAML.len()).max(start)..self.pos].to_vec();
        let mut escaped = false;
        loop {
            let mut i = self.pos;
            if escaped && i < self.end {
                i += 1;
                escaped = false;
            }
            while let Some(j) = memchr::memchr2(b'"', b'\\', &self.buf[i..self.end]) {
                if self.buf[i + j] == b'"' {
                    saml |= self.saw_saml(&tail, self.pos, i + j);
                    self.pos = i + j + 1;
                    let len = self.offset() - 1 - first;
                    return Ok(Text::Dropped { len, saml });
                }
                if i + j + 1 >= self.end {
                    escaped = true;
                    break;
                }
                i += j + 2;
            }
            saml |= self.saw_saml(&tail, self.pos, self.end);
            let from = self.end.saturating_sub(SAML.len()).max(self.pos);
            tail = self.buf[from..self.end].to_vec();
            self.pos = self.end;
            if !self.refill(self.pos)? {
                return Err(self.truncated("a string"));
            }
        }
    }

    /// `SAML` in `buf[from..to]`, or across the boundary with the previous chunk's `tail`.
    fn saw_saml(&self, tail: &[u8], from: usize, to: usize) -> bool {
        let chunk = &self.buf[from..to];
        if self.saml.find(chunk).is_some() {
            return true;
        }
        let mut joint = tail.to_vec();
        joint.extend_from_slice(&chunk[..chunk.len().min(SAML.len())]);
        self.saml.find(&joint).is_some()
    }

    /// Skips the next value whatever it is, without keeping anything.
    pub(crate) fn skip_value(&mut self) -> Result<(), JsonError> {
        let start_depth = self.depth;
        loop {
            let b = self.peek()?.ok_or_else(|| self.truncated("a value"))?;
            match b {
                b'"' => {
                    self.pos += 1;
                    self.skip_string()?;
                }
                b'{' | b'[' => {
                    self.pos += 1;
                    self.depth += 1;
                }
                b'}' | b']' if self.depth > start_depth => {
                    self.pos += 1;
                    self.depth -= 1;
                }
                b',' | b':' if self.depth > start_depth => self.pos += 1,
                b'-' | b'0'..=b'9' | b't' | b'f' | b'n' => self.skip_scalar()?,
                other => return Err(self.syntax(other, "a JSON value")),
            }
            if self.depth == start_depth {
                return Ok(());
            }
        }
    }

    fn skip_string(&mut self) -> Result<(), JsonError> {
        let mut escaped = false;
        loop {
            let mut i = self.pos;
            if escaped && i < self.end {
                i += 1;
                escaped = false;
            }
            while let Some(j) = memchr::memchr2(b'"', b'\\', &self.buf[i..self.end]) {
                if self.buf[i + j] == b'"' {
                    self.pos = i + j + 1;
                    return Ok(());
                }
                if i + j + 1 >= self.end {
                    escaped = true;
                    break;
                }
                i += j + 2;
            }
            self.pos = self.end;
            if !self.refill(self.pos)? {
                return Err(self.truncated("a string"));
            }
        }
    }

    /// After a syntax error inside a value that opened at `depth`, skips ahead until that value
    /// is closed again, so that reading can go on with the next one. Strings are respected.
    pub(crate) fn recover(&mut self, depth: usize) -> Result<(), JsonError> {
        while self.depth > depth {
            let b = self.peek()?.ok_or_else(|| self.truncated("a value"))?;
            self.pos += 1;
            match b {
                b'"' => self.skip_string()?,
                b'{' | b'[' => self.depth += 1,
                b'}' | b']' => self.depth -= 1,
                _ => {}
            }
        }
        Ok(())
    }

    /// Consumes the byte `peek` returned.
    pub(crate) fn bump(&mut self) {
        if self.pos < self.end {
            self.pos += 1;
        }
    }

    /// The first significant bytes of the input (for "not JSON" messages), not consumed.
    pub(crate) fn head(&mut self) -> Result<Vec<u8>, JsonError> {
        self.peek()?;
        Ok(self.buf[self.pos..self.end.min(self.pos + 24)].to_vec())
    }
}

#[cfg(test)]
mod tests;
