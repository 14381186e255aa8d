//! Detection and unwrapping of every form a captured SAML message arrives in.
//!
//! A [`Capture`] is text (or bytes) as a person pasted or saved it; [`unwrap`] finds the SAML
//! payloads in it — raw XML, base64 in all its variants, percent-encoding, form bodies, query
//! strings, URLs, HTML auto-submit forms, DEFLATE — and returns, for each, the XML bytes and the
//! steps taken. Pure: no files, no network. Every size is bounded.

mod base64;
mod html;
mod params;
mod utf16;

use serde::Serialize;

pub use self::base64::{decode_base64, percent_decode_bytes};
pub use self::params::parse_query;

/// The most XML one payload may inflate or decode to.
pub const MAX_XML_BYTES: usize = 8 << 20;

/// One transport step undone on the way to the XML, in order. Serialised in kebab-case.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Step {
    /// A parameter taken from a URL's query string.
    Url,
    /// A parameter taken from a form body or a bare query string.
    Form,
    /// A hidden input taken from an HTML auto-submit form.
    HtmlForm,
    /// Percent-encoding removed from a bare payload.
    Percent,
    /// Spaces turned back into `+` (a copy or a form decoder had turned them into spaces).
    SpaceAsPlus,
    Base64,
    /// URL-safe base64 alphabet (`-` and `_`).
    Base64url,
    /// Raw DEFLATE (the HTTP-Redirect binding).
    Deflate,
    Zlib,
    Gzip,
    /// UTF-16 text (as Windows tools save it) read as UTF-8.
    Utf16,
}

impl Step {
    pub fn label(self) -> &'static str {
        match self {
            Step::Url => "url",
            Step::Form => "form",
            Step::HtmlForm => "html-form",
            Step::Percent => "percent",
            Step::SpaceAsPlus => "space-as-plus",
            Step::Base64 => "base64",
            Step::Base64url => "base64url",
            Step::Deflate => "deflate",
            Step::Zlib => "zlib",
            Step::Gzip => "gzip",
            Step::Utf16 => "utf16",
        }
    }
}

/// Where a payload came from. Field names are part of the `samltrace/v1` schema.
#[derive(Debug, Clone, Default, Serialize, PartialEq)]
pub struct Origin {
    /// The input as named on the command line (a path, `-`, or `arg:N` for a payload given inline).
    pub input: String,
    pub har_entry: Option<usize>,
    pub location: Option<String>,
    /// `SAMLRequest` or `SAMLResponse`.
    pub param: Option<String>,
    /// `post` or `redirect`.
    pub binding: Option<String>,
    pub relay_state: Option<String>,
    pub time: Option<String>,
    /// 1-based line of the input where the payload started, when an input held several.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub line: Option<usize>,
    /// The URL the message was sent to (the form action, or the URL without its query).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub url: Option<String>,
    /// HTTP-Redirect binding signature algorithm (`SigAlg`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub sig_alg: Option<String>,
    /// HTTP-Redirect binding signature (`Signature`, base64).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub signature: Option<String>,
    /// The signed part of a redirect query exactly as received
    /// (`SAMLRequest=…&RelayState=…&SigAlg=…`), for verifying `signature`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub signed_query: Option<String>,
    /// Index of the first trace that carried the same payload (HAR).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub duplicate_of: Option<usize>,
}

/// The stage of decoding that failed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Stage {
    Input,
    Url,
    Base64,
    Inflate,
    Xml,
    Saml,
}

impl Stage {
    pub fn label(self) -> &'static str {
        match self {
            Stage::Input => "input",
            Stage::Url => "URL",
            Stage::Base64 => "base64",
            Stage::Inflate => "inflate",
            Stage::Xml => "XML",
            Stage::Saml => "SAML",
        }
    }
}

/// A payload ready for the XML parser.
#[derive(Debug, Clone, PartialEq)]
pub struct Payload {
    pub xml: Vec<u8>,
    pub steps: Vec<Step>,
    pub origin: Origin,
}

/// Why a payload could not be unwrapped, with the steps that worked before it.
#[derive(Debug, Clone, PartialEq)]
pub struct UnwrapError {
    pub stage: Stage,
    pub message: String,
    /// Byte offset in the input of the failing stage, where it makes sense.
    pub offset: Option<usize>,
    pub steps: Vec<Step>,
    /// Boxed: an error travels through many `Result`s and should stay small.
    pub origin: Box<Origin>,
}

impl UnwrapError {
    fn new(stage: Stage, message: impl Into<String>) -> Self {
        UnwrapError {
            stage,
            message: message.into(),
            offset: None,
            steps: Vec::new(),
            origin: Box::default(),
        }
    }

    fn at(mut self, offset: usize) -> Self {
        self.offset = Some(offset);
        self
    }
}

impl std::fmt::Display for UnwrapError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}: {}", self.stage.label(), self.message)?;
        match self.offset {
            Some(offset) => write!(f, " (at byte {offset})"),
            None => Ok(()),
        }
    }
}

impl std::error::Error for UnwrapError {}

pub type Unwrapped = Result<Payload, UnwrapError>;

/// Finds every SAML payload in `input` (named `name` in origins and errors).
///
/// An input holds one payload, or several when it is a file with one payload per line (or per
/// blank-line-separated block), or an HTML page with several forms.
pub fn unwrap(name: &str, input: &[u8]) -> Vec<Unwrapped> {
    let base = Origin {
        input: name.to_owned(),
        ..Origin::default()
    };
    // UTF-16 first: ASCII saved as UTF-16 without a byte-order mark is valid UTF-8 (with NULs).
    let mut out = match utf16::to_utf8(input) {
        Some(Ok(text)) => {
            let mut out = unwrap_text(&text);
            for item in &mut out {
                match item {
                    Ok(p) => p.steps.insert(0, Step::Utf16),
                    Err(e) => e.steps.insert(0, Step::Utf16),
                }
            }
            out
        }
        Some(Err(offset)) => vec![Err(UnwrapError::new(
            Stage::Input,
            "UTF-16 text with an unpaired surrogate: expected UTF-8 or UTF-16 text",
        )
        .at(offset))],
        None => match std::str::from_utf8(input) {
            Ok(text) => unwrap_text(text),
            Err(e) => unwrap_binary(input, e.valid_up_to()),
        },
    };
    for item in &mut out {
        let origin = match item {
            Ok(p) => &mut p.origin,
            Err(e) => &mut *e.origin,
        };
        origin.input.clone_from(&base.input);
    }
    out
}

/// The SAML parameters of a URL found in a capture (`https://idp/sso?SAMLRequest=…`, or a
/// relative `Location`). `origin` holds what the caller knows (input, HAR entry, location, time);
/// the URL without its query becomes `origin.url` unless one is set, and the binding is
/// HTTP-Redirect. Returns nothing when the URL carries no SAML parameter.
pub fn unwrap_url_at(url: &str, mut origin: Origin) -> Vec<Unwrapped> {
    let url = url.split_once('#').map_or(url, |(u, _)| u);
    let Some((base, query)) = url.split_once('?') else {
        return Vec::new();
    };
    if origin.url.is_none() {
        origin.url = Some(base.to_owned());
    }
    origin.binding = Some("redirect".into());
    params::unwrap_params(query, Step::Url, origin)
}

/// The SAML parameters of a form-encoded body found in a capture (`SAMLResponse=…&RelayState=…`).
/// The binding is HTTP-POST unless the message was deflated. Nothing when the body has none.
pub fn unwrap_form_at(body: &str, origin: Origin) -> Vec<Unwrapped> {
    params::unwrap_params(body.trim(), Step::Form, origin)
}

/// The SAML parameters among name/value pairs found in a capture (a HAR's `queryString` or
/// `postData.params`, a multipart body). Values may be percent-encoded or already decoded.
pub fn unwrap_pairs_at(pairs: &[(String, String)], step: Step, origin: Origin) -> Vec<Unwrapped> {
    params::unwrap_param_list(&params::pairs_to_params(pairs), step, origin)
}

/// True when `name` is `SAMLRequest`, `SAMLResponse` or `SAMLart`.
pub fn is_saml_param(name: &str) -> bool {
    params::is_saml_param(name)
}

/// The SAML fields of the auto-submit forms in an HTML page found in a capture; nothing (not an
/// error) when the page has none.
pub fn unwrap_html_at(page: &str, origin: Origin) -> Vec<Unwrapped> {
    html::found_forms(page, &origin)
}

/// One SAML parameter's value, already taken out of its query or form (a SAML-tracer export's
/// GET or POST parameter): `origin.param` names it; `step` says where it was taken from.
pub fn unwrap_value_at(value: &str, step: Step, origin: Origin) -> Unwrapped {
    if origin.param.as_deref() == Some("SAMLart") {
        return Err(UnwrapError {
            origin: Box::new(origin),
            ..UnwrapError::new(
                Stage::Saml,
                "SAMLart is an artifact reference, not a message: nothing to decode",
            )
        });
    }
    let mut result = unwrap_blob(value, vec![step], origin);
    if let Ok(p) = &mut result
        && p.origin.binding.is_none()
    {
        let deflated = p.steps.contains(&Step::Deflate);
        p.origin.binding = Some(if deflated { "redirect" } else { "post" }.into());
    }
    result
}

/// Keeps in `origin` the HTTP-Redirect signature (`SigAlg`, `Signature`, the signed query) that
/// `url`'s query carries for the parameter `param`, for a message taken from elsewhere than the
/// URL (a capture tool's decoded copy or its parameter list). An error, with `origin`, when the
/// URL's query carries two SAML messages or repeats a signature parameter: nothing is kept then.
pub fn keep_redirect_signature(
    url: &str,
    param: &str,
    origin: &mut Origin,
) -> Result<(), UnwrapError> {
    params::keep_redirect_signature(url, param, origin).map_err(|message| UnwrapError {
        origin: Box::new(origin.clone()),
        ..UnwrapError::new(Stage::Saml, message)
    })
}

/// A message a capture tool already decoded to XML (SAML-tracer's `saml` field).
pub fn unwrap_xml_at(xml: &str, origin: Origin) -> Unwrapped {
    if starts_like_xml(xml.as_bytes()) {
        let xml = xml.trim_start_matches('\u{feff}').trim();
        return Ok(Payload {
            xml: xml.as_bytes().to_vec(),
            steps: Vec::new(),
            origin,
        });
    }
    Err(UnwrapError {
        origin: Box::new(origin),
        ..UnwrapError::new(
            Stage::Input,
            "the decoded message is not XML: expected a SAML document",
        )
    })
}

/// Bytes that are not UTF-8: a saved DEFLATE stream is the one form we can still read.
fn unwrap_binary(input: &[u8], valid_up_to: usize) -> Vec<Unwrapped> {
    let not_text = || {
        UnwrapError::new(
            Stage::Input,
            "not UTF-8 text: expected XML, base64, a URL, a form body or an HTML page",
        )
        .at(valid_up_to)
    };
    vec![match inflate_any(input) {
        Inflate::Xml(xml, step) => Ok(Payload {
            xml,
            steps: vec![step],
            origin: Origin::default(),
        }),
        Inflate::Refused(e) => Err(e),
        Inflate::Failed(_) | Inflate::NotCompressed => Err(not_text()),
    }]
}

fn unwrap_text(text: &str) -> Vec<Unwrapped> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let trimmed = text.trim();
    if trimmed.is_empty() {
        return vec![Err(UnwrapError::new(
            Stage::Input,
            "empty input: expected a SAML message",
        ))];
    }
    if trimmed.starts_with('<') {
        if html::is_html_form(trimmed) {
            return html::unwrap_forms(trimmed);
        }
        return vec![Ok(Payload {
            xml: trimmed.as_bytes().to_vec(),
            steps: vec![],
            origin: Origin::default(),
        })];
    }
    let blocks = split_blocks(trimmed);
    if blocks.len() == 1 {
        return unwrap_one(blocks[0].1).into_iter().collect();
    }
    blocks
        .into_iter()
        .flat_map(|(line, block)| {
            unwrap_one(block).into_iter().map(move |mut r| {
                match &mut r {
                    Ok(p) => p.origin.line = Some(line),
                    Err(e) => e.origin.line = Some(line),
                }
                r
            })
        })
        .collect()
}

/// One payload in one of the text forms (never raw XML spread over several blocks).
fn unwrap_one(text: &str) -> Vec<Unwrapped> {
    if text.starts_with('<') {
        if html::is_html_form(text) {
            return html::unwrap_forms(text);
        }
        return vec![Ok(Payload {
            xml: text.as_bytes().to_vec(),
            steps: vec![],
            origin: Origin::default(),
        })];
    }
    if let Some(url) = params::looks_like_url(text) {
        return params::unwrap_url(url);
    }
    if params::looks_like_form(text) {
        return params::unwrap_form(text);
    }
    vec![unwrap_blob(text, Vec::new(), Origin::default())]
}

/// A base64 blob (perhaps percent-encoded) to XML.
fn unwrap_blob(text: &str, mut steps: Vec<Step>, origin: Origin) -> Unwrapped {
    let fail = |e: UnwrapError, steps: &[Step]| UnwrapError {
        steps: steps.to_vec(),
        origin: Box::new(origin.clone()),
        ..e
    };
    if let Some(param) = &origin.param
        && let Some(placeholder) = removed_value(text)
    {
        let message = format!(
            "the {param} value was removed before this capture was shared ({placeholder:?} \
             stands in its place), so there is no message to decode: capture it again without \
             that sanitizer (Chrome: DevTools > Network > Export HAR with sensitive data), and \
             share it through `samltrace har sanitize`, which removes passwords, cookies and \
             tokens but keeps SAML messages"
        );
        return Err(fail(UnwrapError::new(Stage::Input, message), &steps));
    }
    let decoded = match base64::decode_payload(text, &mut steps) {
        Ok(bytes) => bytes,
        Err(e) => return Err(fail(e, &steps)),
    };
    match to_xml(decoded, &mut steps) {
        Ok(xml) => Ok(Payload { xml, steps, origin }),
        Err(e) => Err(fail(e, &steps)),
    }
}

/// The placeholder a sanitizer left where a SAML parameter's value was (`[SAMLResponse redacted]`,
/// `REDACTED`, `[FILTERED]`, `********`), or `None` for anything that may be a message. A real
/// message is hundreds of characters long, so only short values are considered.
fn removed_value(raw: &str) -> Option<String> {
    const MARKS: [&str; 12] = [
        "redact", "removed", "filtered", "hidden", "masked", "sanitiz", "sanitis", "omitted",
        "scrubbed", "censored", "elided", "stripped",
    ];
    if raw.len() > 96 {
        return None;
    }
    let decoded = base64::percent_decode_bytes(raw.replace('+', " ").as_bytes());
    let value = String::from_utf8_lossy(&decoded).trim().to_owned();
    let lower = value.to_lowercase();
    let marked = MARKS.iter().any(|m| lower.contains(m));
    let mut chars = value.chars();
    let repeated = match chars.next() {
        Some(first) => {
            value.chars().count() >= 3
                && "*x#•".contains(first.to_ascii_lowercase())
                && chars.all(|c| c.eq_ignore_ascii_case(&first))
        }
        None => false,
    };
    (marked || repeated).then_some(value)
}

/// Decoded base64 bytes to XML: as they are, inflated, or (for a doubly encoded paste) decoded again.
fn to_xml(bytes: Vec<u8>, steps: &mut Vec<Step>) -> Result<Vec<u8>, UnwrapError> {
    if starts_like_xml(&bytes) {
        return Ok(bytes);
    }
    if let Some(Ok(text)) = utf16::to_utf8(&bytes)
        && starts_like_xml(text.as_bytes())
    {
        steps.push(Step::Utf16);
        return Ok(text.into_bytes());
    }
    if let Ok(text) = std::str::from_utf8(&bytes)
        && steps.iter().filter(|s| **s == Step::Base64).count() < 2
        && base64::looks_like_base64(text)
    {
        let mut inner_steps = steps.clone();
        if let Ok(inner) = base64::decode_payload(text.trim(), &mut inner_steps)
            && let Ok(xml) = to_xml(inner, &mut inner_steps)
        {
            *steps = inner_steps;
            return Ok(xml);
        }
    }
    match inflate_any(&bytes) {
        Inflate::Xml(xml, step) => {
            steps.push(step);
            Ok(xml)
        }
        Inflate::Refused(e) => Err(e),
        Inflate::Failed(_) if std::str::from_utf8(&bytes).is_ok() => Err(not_xml(&bytes)),
        Inflate::Failed(e) => Err(e),
        Inflate::NotCompressed => Err(not_xml(&bytes)),
    }
}

fn not_xml(bytes: &[u8]) -> UnwrapError {
    let head: String = String::from_utf8_lossy(&bytes[..bytes.len().min(24)])
        .chars()
        .map(|c| if c.is_control() { '.' } else { c })
        .collect();
    match std::str::from_utf8(bytes) {
        Ok(_) => UnwrapError::new(
            Stage::Base64,
            format!(
                "decoded base64 is text but not XML (starts {head:?}): expected a SAML message"
            ),
        ),
        Err(_) => UnwrapError::new(
            Stage::Inflate,
            format!("decoded base64 is neither XML nor DEFLATE data (starts {head:?})"),
        ),
    }
}

fn starts_like_xml(bytes: &[u8]) -> bool {
    let b = bytes.strip_prefix(b"\xef\xbb\xbf").unwrap_or(bytes);
    b.iter().find(|c| !c.is_ascii_whitespace()) == Some(&b'<')
}

/// The outcome of trying to inflate bytes.
enum Inflate {
    Xml(Vec<u8>, Step),
    /// Inflated past the size bound: a bomb, refused.
    Refused(UnwrapError),
    /// Looked compressed but did not inflate to XML.
    Failed(UnwrapError),
    NotCompressed,
}

/// Raw DEFLATE (the HTTP-Redirect binding's encoding) inflated, bounded to [`MAX_XML_BYTES`] of
/// output; `None` when it does not inflate or inflates past the bound. With [`inflate_any`] the
/// one inflate of the crate.
pub fn inflate_deflate(bytes: &[u8]) -> Option<Vec<u8>> {
    match bounded_read(flate2::read::DeflateDecoder::new(bytes)) {
        Inflated::Ok(out) => Some(out),
        Inflated::TooLarge | Inflated::Err(_) => None,
    }
}

/// Tries gzip, zlib and raw DEFLATE, each bounded to [`MAX_XML_BYTES`] of output.
fn inflate_any(bytes: &[u8]) -> Inflate {
    use flate2::read::{DeflateDecoder, GzDecoder, ZlibDecoder};
    let mut failure = None;
    for step in [Step::Gzip, Step::Zlib, Step::Deflate] {
        if !plausible(step, bytes) {
            continue;
        }
        let inflated = match step {
            Step::Gzip => bounded_read(GzDecoder::new(bytes)),
            Step::Zlib => bounded_read(ZlibDecoder::new(bytes)),
            _ => bounded_read(DeflateDecoder::new(bytes)),
        };
        match inflated {
            Inflated::Ok(out) if starts_like_xml(&out) => return Inflate::Xml(out, step),
            Inflated::Ok(out) => {
                failure.get_or_insert_with(|| {
                    UnwrapError::new(
                        Stage::Inflate,
                        format!(
                            "{} data inflated to something that is not XML",
                            step.label()
                        ),
                    )
                    .at(out.len())
                });
            }
            Inflated::TooLarge => {
                return Inflate::Refused(UnwrapError::new(
                    Stage::Inflate,
                    format!(
                        "inflated data exceeds {} MiB: refused (a decompression bomb, or not a SAML message)",
                        MAX_XML_BYTES >> 20
                    ),
                ));
            }
            Inflated::Err(msg) => {
                failure.get_or_insert_with(|| UnwrapError::new(Stage::Inflate, msg));
            }
        }
    }
    failure.map_or(Inflate::NotCompressed, Inflate::Failed)
}

fn plausible(step: Step, bytes: &[u8]) -> bool {
    match step {
        Step::Gzip => bytes.starts_with(&[0x1f, 0x8b]),
        Step::Zlib => {
            bytes.len() >= 2
                && bytes[0] & 0x0f == 8
                && (u16::from(bytes[0]) << 8 | u16::from(bytes[1])) % 31 == 0
        }
        _ => !bytes.is_empty(),
    }
}

enum Inflated {
    Ok(Vec<u8>),
    TooLarge,
    Err(String),
}

fn bounded_read<R: std::io::Read>(reader: R) -> Inflated {
    use std::io::Read;
    let mut out = Vec::new();
    let mut limited = reader.take(MAX_XML_BYTES as u64 + 1);
    match limited.read_to_end(&mut out) {
        Ok(_) if out.len() > MAX_XML_BYTES => Inflated::TooLarge,
        Ok(_) => Inflated::Ok(out),
        Err(e) => Inflated::Err(format!(
            "inflate failed after {} bytes of output: {e}",
            out.len()
        )),
    }
}

/// Splits text into payload blocks with their 1-based starting line: one block when the text is
/// a single payload (perhaps wrapped over lines), else one per line or per blank-line-separated
/// block. Lines starting with `#` are comments. Text whose lines mostly do not look like payloads
/// (prose, garbage) stays one block, so it gets one error rather than one per line.
fn split_blocks(text: &str) -> Vec<(usize, &str)> {
    let mut candidates = text
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with('#'));
    let sample: Vec<&str> = candidates.by_ref().take(64).collect();
    // One line is one block whatever it holds: it is not read twice (an 11 KB payload is).
    let single = sample.len() <= 1 || {
        let payload_like = sample.iter().filter(|l| looks_like_payload_line(l)).count();
        payload_like * 2 < sample.len()
    };
    if single || is_wrapped_blob(sample.iter().copied().chain(candidates)) {
        let first = text
            .lines()
            .position(|l| !l.trim().is_empty())
            .map_or(1, |i| i + 1);
        return vec![(first, text)];
    }
    let lines: Vec<(usize, &str)> = text
        .lines()
        .enumerate()
        .map(|(i, l)| (i + 1, l.trim()))
        .filter(|(_, l)| !l.starts_with('#'))
        .collect();
    paragraphs(text, &lines)
        .into_iter()
        .flat_map(|(n, block)| {
            if block.lines().count() == 1 || is_wrapped_blob(block.lines().map(str::trim)) {
                vec![(n, block)]
            } else {
                block
                    .lines()
                    .enumerate()
                    .map(|(i, l)| (n + i, l.trim()))
                    .filter(|(_, l)| !l.is_empty())
                    .collect()
            }
        })
        .collect()
}

/// Blank-line-separated blocks of `lines` (slices of `text`), with their first line number.
fn paragraphs<'t>(text: &'t str, lines: &[(usize, &'t str)]) -> Vec<(usize, &'t str)> {
    let mut blocks = Vec::new();
    let mut current: Option<(usize, usize, usize)> = None; // (line, start byte, end byte)
    for (n, line) in lines {
        let start = line.as_ptr() as usize - text.as_ptr() as usize;
        match (&mut current, line.is_empty()) {
            (Some(c), false) => c.2 = start + line.len(),
            (None, false) => current = Some((*n, start, start + line.len())),
            (Some(c), true) => {
                blocks.push((c.0, &text[c.1..c.2]));
                current = None;
            }
            (None, true) => {}
        }
    }
    if let Some(c) = current {
        blocks.push((c.0, &text[c.1..c.2]));
    }
    blocks
}

/// A line that could be a payload on its own: a URL, a form body, or base64 of some length.
fn looks_like_payload_line(line: &str) -> bool {
    params::looks_like_url(line).is_some()
        || params::looks_like_form(line)
        || (line.len() >= 16
            && line.bytes().all(|c| {
                c.is_ascii_alphanumeric() || matches!(c, b'+' | b'/' | b'=' | b'-' | b'_' | b'%')
            }))
}

/// Lines of one wrapped base64 payload: all but the last of one length (at most 200), padding
/// only at the very end, nothing but base64 characters.
fn is_wrapped_blob<'a>(lines: impl Iterator<Item = &'a str>) -> bool {
    let b64 = |l: &str| {
        l.bytes()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, b'+' | b'/' | b'-' | b'_' | b'%'))
    };
    let mut lines = lines.filter(|l| !l.is_empty()).peekable();
    let Some(first) = lines.next() else {
        return false;
    };
    let width = first.len();
    if width > 200 || lines.peek().is_none() || !b64(first) {
        return false;
    }
    while let Some(line) = lines.next() {
        if lines.peek().is_none() {
            return line.len() <= width && b64(line.trim_end_matches('='));
        }
        if line.len() != width || !b64(line) {
            return false;
        }
    }
    false
}

#[cfg(test)]
mod tests;
