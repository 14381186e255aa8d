//! A HAR that is safe to attach to a ticket: cookies, credential headers, tokens and passwords
//! removed (in URLs, bodies, the pages kept for their SAML form, WebSocket frames), bodies
//! without SAML dropped, every SAML message kept decodable (and, with a mask key, the
//! identities in it replaced by keyed hashes). Streams one entry at a time, so memory
//! does not grow with the file; the output is a well-formed HAR, pretty-printed.
//!
//! Pure: reads the reader and writes the writer it is given; it reports what it removed in a
//! [`Receipt`] and never prints.
//!
//! `secrets` says what counts as a secret and takes it out, `messages` masks the identities
//! inside SAML messages where they travel, `mask` is the keyed hash both this and
//! `compare --mask-key` use, `rewrite` the ordered JSON tree one entry is rewritten in,
//! `markup` takes secrets out of a kept page, `urls` takes credentials out of URLs and
//! server text before any message shows them, and `tracer` applies the same rules to a
//! SAML-tracer export.

mod markup;
pub mod mask;
mod messages;
mod rewrite;
mod secrets;
mod tracer;
pub mod urls;

use std::collections::BTreeMap;
use std::fmt;
use std::io::{self, Read, Write};

use base64::Engine;

use crate::capture::CaptureError;
use crate::capture::jsonlex::{JsonError, Kind, Lexer};
use messages::{is_message_param, mask_html, mask_pairs, mask_param, mask_query};
use rewrite::{Json, newline, separator, write_str};
use secrets::{REDACTED, SecretHeader};

/// A kind of thing the sanitiser removed or changed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
#[non_exhaustive]
pub enum Removed {
    Cookies,
    CookieHeaders,
    AuthorizationHeaders,
    SessionHeaders,
    QueryParameters,
    FormFields,
    JsonFields,
    PageSecrets,
    RequestBodies,
    ResponseBodies,
    WebSocketMessages,
    OversizedValues,
    BrokenEntries,
    MaskedValues,
}

impl Removed {
    pub fn label(self) -> &'static str {
        match self {
            Removed::Cookies => "cookies",
            Removed::CookieHeaders => "Cookie and Set-Cookie headers",
            Removed::AuthorizationHeaders => "Authorization and Proxy-Authorization headers",
            Removed::SessionHeaders => "CSRF, token and session headers",
            Removed::QueryParameters => "tokens and passwords in URLs",
            Removed::FormFields => "tokens and passwords in form fields",
            Removed::JsonFields => "tokens and passwords in JSON bodies",
            Removed::PageSecrets => "tokens and keys in the scripts and meta tags of kept pages",
            Removed::RequestBodies => "request bodies without SAML",
            Removed::ResponseBodies => "response bodies without SAML",
            Removed::WebSocketMessages => "WebSocket message data",
            Removed::OversizedValues => "values too large to read (over 8 MiB)",
            Removed::BrokenEntries => "entries that were not valid JSON",
            Removed::MaskedValues => "NameID and attribute values masked",
        }
    }
}

/// What a sanitisation did: how many entries (or SAML-tracer requests) it wrote, and counts per
/// kind of removal.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Receipt {
    pub entries: usize,
    pub capture: Capture,
    pub removed: BTreeMap<Removed, usize>,
}

/// The kind of capture sanitised: it names what was counted.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum Capture {
    #[default]
    Har,
    SamlTracer,
}

impl Receipt {
    fn add(&mut self, kind: Removed, n: usize) {
        if n > 0 {
            *self.removed.entry(kind).or_default() += n;
        }
    }

    /// How many of a kind were removed.
    pub fn count(&self, kind: Removed) -> usize {
        self.removed.get(&kind).copied().unwrap_or(0)
    }
}

impl fmt::Display for Receipt {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let unit = match (self.capture, self.entries) {
            (Capture::Har, 1) => "entry",
            (Capture::Har, _) => "entries",
            (Capture::SamlTracer, 1) => "SAML-tracer request",
            (Capture::SamlTracer, _) => "SAML-tracer requests",
        };
        writeln!(f, "{} {unit} written", self.entries)?;
        if self.removed.is_empty() {
            return writeln!(f, "  nothing needed removing");
        }
        for (kind, n) in &self.removed {
            writeln!(f, "  {n:>6}  {}", kind.label())?;
        }
        Ok(())
    }
}

/// Why a HAR could not be sanitised.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum SanitizeError {
    #[error("{0}")]
    Read(#[from] CaptureError),
    #[error("writing failed: {0}")]
    Write(#[from] io::Error),
}

impl From<JsonError> for SanitizeError {
    fn from(e: JsonError) -> SanitizeError {
        SanitizeError::Read(e.into())
    }
}

/// Sanitises the HAR or SAML-tracer export read from `input` into `out`; `mask_key` also masks
/// identities.
pub fn sanitize(
    input: impl Read,
    out: &mut dyn Write,
    mask_key: Option<&str>,
) -> Result<Receipt, SanitizeError> {
    let mut s = Sanitizer {
        lx: Lexer::new(input),
        out,
        key: mask_key,
        receipt: Receipt::default(),
    };
    s.top()?;
    Ok(s.receipt)
}

struct Sanitizer<'a, R> {
    lx: Lexer<R>,
    out: &'a mut dyn Write,
    key: Option<&'a str>,
    receipt: Receipt,
}

impl<R: Read> Sanitizer<'_, R> {
    fn top(&mut self) -> Result<(), SanitizeError> {
        match self.lx.peek()? {
            Some(b'{') => {}
            Some(_) => {
                let head = self.lx.head()?;
                return Err(CaptureError::NotJson {
                    found: format!("{:?}", String::from_utf8_lossy(&head)),
                }
                .into());
            }
            None => return Err(CaptureError::Empty.into()),
        }
        self.lx.begin_object()?;
        self.out.write_all(b"{")?;
        let mut first = true;
        let mut i = 0;
        let mut saw_capture = false;
        while let Some(key) = self.lx.next_key(&mut first)? {
            separator(self.out, i, 2)?;
            write_str(self.out, &key)?;
            self.out.write_all(b": ")?;
            if &*key == "log" && self.lx.peek_kind("log")? == Kind::Object {
                saw_capture = true;
                self.log()?;
            } else if &*key == "requests" && self.lx.peek_kind("requests")? == Kind::Array {
                saw_capture = true;
                self.receipt.capture = Capture::SamlTracer;
                self.requests()?;
            } else {
                Json::read(&mut self.lx, &key)?.write(self.out, 2)?;
            }
            i += 1;
        }
        if !saw_capture {
            return Err(CaptureError::NotCapture {
                found: "it has no \"log\" object and no \"requests\" array".into(),
            }
            .into());
        }
        newline(self.out, 0)?;
        self.out.write_all(b"}\n")?;
        Ok(())
    }

    fn log(&mut self) -> Result<(), SanitizeError> {
        self.lx.begin_object()?;
        self.out.write_all(b"{")?;
        let mut first = true;
        let mut i = 0;
        while let Some(key) = self.lx.next_key(&mut first)? {
            separator(self.out, i, 4)?;
            write_str(self.out, &key)?;
            self.out.write_all(b": ")?;
            if &*key == "entries" && self.lx.peek_kind("log.entries")? == Kind::Array {
                self.entries()?;
            } else {
                let mut value = Json::read(&mut self.lx, &key)?;
                if &*key == "pages" {
                    self.urls(&mut value);
                }
                value.write(self.out, 4)?;
            }
            i += 1;
        }
        newline(self.out, 2)?;
        self.out.write_all(b"}")?;
        Ok(())
    }

    fn entries(&mut self) -> Result<(), SanitizeError> {
        self.receipt.entries = self.items(6, Self::entry)?;
        Ok(())
    }

    /// An array (`log.entries`, a SAML-tracer export's `requests`) streamed one item at a time:
    /// each read, changed by `each` and written at `indent`; an item that is not JSON is dropped
    /// and counted. Returns how many were written.
    fn items(
        &mut self,
        indent: usize,
        each: fn(&mut Self, &mut Json),
    ) -> Result<usize, SanitizeError> {
        self.lx.begin_array()?;
        let depth = self.lx.depth();
        self.out.write_all(b"[")?;
        let mut first = true;
        let mut written = 0;
        while self.lx.next_item(&mut first)? {
            let mut item = match Json::read(&mut self.lx, "") {
                Ok(e) => e,
                Err(e) if e.is_recoverable() => {
                    self.receipt.add(Removed::BrokenEntries, 1);
                    self.lx.recover(depth)?;
                    continue;
                }
                Err(e) => return Err(e.into()),
            };
            each(self, &mut item);
            separator(self.out, written, indent)?;
            item.write(self.out, indent)?;
            written += 1;
        }
        if written > 0 {
            newline(self.out, indent - 2)?;
        }
        self.out.write_all(b"]")?;
        Ok(written)
    }

    fn entry(&mut self, e: &mut Json) {
        if let Some(req) = e.get_mut("request") {
            self.headers(req);
            self.cookies(req);
            self.query_string(req);
            self.request_body(req);
        }
        if let Some(resp) = e.get_mut("response") {
            self.headers(resp);
            self.cookies(resp);
            self.response_body(resp);
        }
        self.websocket(e);
        self.urls(e);
    }

    /// Chrome's `_webSocketMessages`: the frames' timing and direction stay, their data goes.
    fn websocket(&mut self, e: &mut Json) {
        let Some(Json::Array(frames)) = e.get_mut("_webSocketMessages") else {
            return;
        };
        let mut n = 0;
        for data in frames.iter_mut().filter_map(|f| f.get_mut("data")) {
            if !matches!(data, Json::Str(s) if s.is_empty() || s == REDACTED) {
                *data = Json::Str(REDACTED.to_owned());
                n += 1;
            }
        }
        self.receipt.add(Removed::WebSocketMessages, n);
    }

    fn headers(&mut self, side: &mut Json) {
        self.header_list(side.get_mut("headers"));
    }

    /// A list of headers, as `{name, value}` objects or `[name, value]` pairs: credentials out,
    /// a relative `Location` masked with a key.
    fn header_list(&mut self, list: Option<&mut Json>) {
        let Some(Json::Array(headers)) = list else {
            return;
        };
        let mut counts = [0usize; 3];
        headers.retain(|h| {
            let kind = header_name(h).and_then(secrets::secret_header);
            match kind {
                Some(SecretHeader::Cookie) => counts[0] += 1,
                Some(SecretHeader::Authorization) => counts[1] += 1,
                Some(SecretHeader::Session) => counts[2] += 1,
                None => {}
            }
            kind.is_none()
        });
        self.receipt.add(Removed::CookieHeaders, counts[0]);
        self.receipt.add(Removed::AuthorizationHeaders, counts[1]);
        self.receipt.add(Removed::SessionHeaders, counts[2]);
        if let Some(key) = self.key {
            for h in headers.iter_mut() {
                // An absolute URL is masked with every other URL of the entry (`urls`); masking
                // it here too would mask it twice.
                if let Some((name, v)) = name_and_value(h)
                    && name.eq_ignore_ascii_case("location")
                    && !is_url(v)
                {
                    let n = mask_query(key, v);
                    self.receipt.add(Removed::MaskedValues, n);
                }
            }
        }
    }

    fn cookies(&mut self, side: &mut Json) {
        if let Some(Json::Array(cookies)) = side.get_mut("cookies") {
            self.receipt.add(Removed::Cookies, cookies.len());
            cookies.clear();
        }
    }

    /// `{name, value}` parameters (or SAML-tracer's `[name, value]` pairs): the values of the
    /// names `secret` picks redacted, SAML values masked with a key.
    fn params(&mut self, list: Option<&mut Json>, kind: Removed, secret: fn(&str) -> bool) {
        let Some(Json::Array(items)) = list else {
            return;
        };
        for item in items {
            let Some((name, value)) = name_and_value(item) else {
                continue;
            };
            if secret(&name) && !value.is_empty() && value != REDACTED {
                *value = REDACTED.to_owned();
                self.receipt.add(kind, 1);
            } else if let Some(key) = self.key.filter(|_| is_message_param(&name))
                && let Some((masked, n)) = mask_param(key, value)
            {
                *value = masked;
                self.receipt.add(Removed::MaskedValues, n);
            }
        }
    }

    fn query_string(&mut self, req: &mut Json) {
        self.params(
            req.get_mut("queryString"),
            Removed::QueryParameters,
            secrets::is_secret_name,
        );
    }

    fn request_body(&mut self, req: &mut Json) {
        let Some(post) = req.get_mut("postData") else {
            return;
        };
        let mime = post
            .get("mimeType")
            .and_then(Json::as_str)
            .unwrap_or("")
            .to_ascii_lowercase();
        let text_saml = post
            .get("text")
            .and_then(Json::as_str)
            .is_some_and(secrets::carries_saml);
        let params_saml = matches!(post.get("params"), Some(Json::Array(p))
            if p.iter().any(|i| i.get("name").and_then(Json::as_str).is_some_and(is_message_param)));
        if !text_saml && !params_saml {
            let had_text = match post.get("text") {
                Some(Json::Str(s)) => !s.is_empty(),
                Some(Json::Dropped { .. }) => true,
                _ => false,
            };
            if let Some(t) = post.get_mut("text") {
                *t = Json::Str(String::new());
            }
            if let Some(Json::Array(p)) = post.get_mut("params") {
                p.clear();
            }
            self.receipt
                .add(Removed::RequestBodies, usize::from(had_text));
            return;
        }
        if let Some(Json::Str(text)) = post.get_mut("text") {
            self.scrub_body(text, &mime);
        }
        // The fields a SAML form posts, as the page they came from: only the binding's own stay.
        self.params(
            post.get_mut("params"),
            Removed::FormFields,
            secrets::is_secret_in_saml_form,
        );
    }

    /// A kept request body: secrets out (an urlencoded form keeps only the SAML binding's
    /// values, as the page it was posted from; JSON loses its secret members), identities
    /// masked with a key.
    fn scrub_body(&mut self, text: &mut String, mime: &str) {
        if mime.contains("json") {
            if let Some((clean, n)) = secrets::scrub_json(text) {
                *text = clean;
                self.receipt.add(Removed::JsonFields, n);
            }
        } else if !mime.starts_with("multipart/") {
            let (clean, n) = if mime.contains("urlencoded") {
                secrets::scrub_saml_form(text)
            } else {
                secrets::scrub_pairs(text)
            };
            *text = clean;
            self.receipt.add(Removed::FormFields, n);
            if let Some(key) = self.key {
                let n = mask_pairs(key, text);
                self.receipt.add(Removed::MaskedValues, n);
            }
        }
    }

    fn response_body(&mut self, resp: &mut Json) {
        let Some(content) = resp.get_mut("content") else {
            return;
        };
        let base64 = content.get("encoding").and_then(Json::as_str) == Some("base64");
        let page = match content.get("text") {
            Some(Json::Str(s)) if base64 => crate::input::decode_base64(s)
                .ok()
                .map(|b| String::from_utf8_lossy(&b).into_owned()),
            Some(Json::Str(s)) => Some(s.clone()),
            _ => None,
        };
        match page {
            Some(page) if secrets::carries_saml(&page) => self.keep_page(content, &page, base64),
            _ => {
                let kind = match content.get("text") {
                    Some(Json::Dropped { saml: true, .. }) => Removed::OversizedValues,
                    _ => Removed::ResponseBodies,
                };
                let had = match content.get("text") {
                    Some(Json::Str(s)) => !s.is_empty(),
                    Some(Json::Dropped { len, .. }) => *len > 0,
                    _ => false,
                };
                content.remove("text");
                content.remove("encoding");
                self.receipt.add(kind, usize::from(had));
            }
        }
    }

    /// A page kept for its SAML form: every other secret in it out, identities masked with a key;
    /// written back encoded as it came.
    fn keep_page(&mut self, content: &mut Json, page: &str, base64: bool) {
        let (mut clean, counts) = markup::scrub_page(page);
        self.receipt.add(Removed::FormFields, counts.fields);
        self.receipt.add(Removed::PageSecrets, counts.secrets);
        self.receipt.add(Removed::QueryParameters, counts.urls);
        let mut changed = counts != markup::PageCounts::default();
        if let Some(key) = self.key {
            let (masked, n) = mask_html(key, &clean);
            self.receipt.add(Removed::MaskedValues, n);
            if n > 0 {
                clean = masked;
                changed = true;
            }
        }
        if !changed {
            return;
        }
        let masked = clean;
        let text = if base64 {
            base64::engine::general_purpose::STANDARD.encode(masked)
        } else {
            masked
        };
        if let Some(t) = content.get_mut("text") {
            *t = Json::Str(text);
        }
    }

    /// Every URL left in a value (request URL, redirects, Referer, Chrome's initiator): userinfo
    /// and secret parameters redacted, SAML identities masked with a key; a URL inside another
    /// value (`Link: <…>`, `Refresh: 0; url=…`) loses its userinfo. Bodies are not URLs and are
    /// left to the body rules.
    fn urls(&mut self, v: &mut Json) {
        match v {
            Json::Str(s) if is_url(s) => {
                let (clean, n) = secrets::scrub_url(s);
                *s = clean;
                self.receipt.add(Removed::QueryParameters, n);
                if let Some(key) = self.key {
                    let n = mask_query(key, s);
                    self.receipt.add(Removed::MaskedValues, n);
                }
            }
            Json::Str(s) if s.contains("://") => {
                let (clean, n) = urls::userinfo(s, REDACTED);
                *s = clean;
                self.receipt.add(Removed::QueryParameters, n);
            }
            Json::Array(items) => items.iter_mut().for_each(|i| self.urls(i)),
            Json::Object(members) => {
                for (k, v) in members {
                    if k != "text" {
                        self.urls(v);
                    }
                }
            }
            _ => {}
        }
    }
}

/// A header's or parameter's name, as a `{name, value}` object or a `[name, value]` pair.
fn header_name(item: &Json) -> Option<&str> {
    match item {
        Json::Array(pair) => pair.first().and_then(Json::as_str),
        _ => item.get("name").and_then(Json::as_str),
    }
}

/// A `{name, value}` object's or a `[name, value]` pair's name (empty when it has none) and its
/// string value, to change in place.
fn name_and_value(item: &mut Json) -> Option<(String, &mut String)> {
    let name = header_name(item).unwrap_or("").to_owned();
    let value = match item {
        Json::Array(pair) => pair.get_mut(1),
        _ => item.get_mut("value"),
    };
    match value {
        Some(Json::Str(v)) => Some((name, v)),
        _ => None,
    }
}

fn is_url(s: &str) -> bool {
    let head = s.get(..8).unwrap_or(s).to_ascii_lowercase();
    head.starts_with("http://") || head.starts_with("https://")
}

#[cfg(test)]
mod tests;
