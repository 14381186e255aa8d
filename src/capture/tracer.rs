//! SAML-tracer exports: the JSON the SAML-tracer browser extension saves (`{"requests": […],
//! "timestamp": …}`), in its current form and the legacy one (headers as `[name, value]` pairs,
//! `id` instead of `requestId`).
//!
//! Each request's `saml` field holds the message SAML-tracer already decoded; when it is missing,
//! the request's `get` and `post` parameters are decoded instead. Values the exporter masked on
//! purpose (`{hash:…}`, `{obf:…}`, `{overwritten}`) are skipped with a note, not reported as
//! errors. Streamed like HAR files; pure: reads only the lexer it is given.

use std::io::Read;

use super::fields::{members, text};
use super::jsonlex::{JsonError, Kind, Lexer, Want};
use super::{CaptureError, CaptureEvent, Problem, Walker};
use crate::input::{self, Origin, Step, Unwrapped};

/// One exported request, as far as SAML is concerned.
#[derive(Debug, Default)]
struct Request {
    method: Option<String>,
    url: Option<String>,
    saml: Option<String>,
    samlart: Option<String>,
    get: Vec<(String, String)>,
    post: Vec<(String, String)>,
    /// The response's `Date` header.
    date: Option<String>,
    protocol: Option<String>,
    /// A header value the exporter masked (its parameters are in `get` and `post`).
    masked_header: bool,
    problems: Vec<String>,
}

/// Reads the `requests` array of an export, handing each message to the walker's sink.
pub(crate) fn requests<R: Read>(w: &mut Walker<'_, R>) -> Result<(), CaptureError> {
    let kind = w.lx.peek_kind("requests")?;
    if kind != Kind::Array {
        return Err(CaptureError::NotCapture {
            found: format!("\"requests\" is {}", kind.describe()),
        });
    }
    w.lx.begin_array()?;
    let depth = w.lx.depth();
    let mut first = true;
    while w.lx.next_item(&mut first)? {
        let index = w.entries;
        w.entries += 1;
        let start = w.lx.offset();
        let mut req = Request::default();
        match read(&mut w.lx, &mut req) {
            Ok(()) => emit(w, index, start, req),
            Err(e @ JsonError::Truncated { .. }) => {
                emit(w, index, start, req);
                return Err(e.into());
            }
            Err(e) if e.is_recoverable() => {
                w.skipped(Some(index), format!("broken JSON: {e}; request skipped"));
                w.lx.recover(depth)?;
            }
            Err(e) => return Err(e.into()),
        }
    }
    Ok(())
}

fn read<R: Read>(lx: &mut Lexer<R>, req: &mut Request) -> Result<(), JsonError> {
    let kind = lx.peek_kind("a request")?;
    if kind != Kind::Object {
        req.problems.push(format!(
            "the request is {}: expected an object",
            kind.describe()
        ));
        return lx.skip_value();
    }
    let look = Want::IfSaml { base64: false };
    let Request {
        method,
        url,
        saml,
        samlart,
        get,
        post,
        date,
        protocol,
        masked_header,
        problems,
    } = req;
    members(lx, |lx, key| {
        match key {
            "method" => *method = text(lx, key, Want::Keep, problems)?,
            "url" => *url = text(lx, key, look, problems)?,
            "saml" => *saml = text(lx, key, Want::Keep, problems)?,
            "samlart" => *samlart = text(lx, key, Want::Keep, problems)?,
            "protocol" => *protocol = text(lx, key, Want::Keep, problems)?,
            "get" => *get = pairs(lx, key, problems)?,
            "post" => *post = pairs(lx, key, problems)?,
            "responseHeaders" => {
                let headers = pairs(lx, key, problems)?;
                *masked_header |= headers.iter().any(|(_, v)| is_masked(v));
                *date = headers
                    .into_iter()
                    .find(|(k, _)| k.eq_ignore_ascii_case("date"))
                    .map(|(_, v)| v);
            }
            "requestHeaders" => {
                *masked_header |= pairs(lx, key, problems)?.iter().any(|(_, v)| is_masked(v));
            }
            _ => lx.skip_value()?,
        }
        Ok(())
    })
}

/// Name/value pairs as `[name, value]` arrays (parameters, legacy headers) or `{name, value}`
/// objects (current headers).
fn pairs<R: Read>(
    lx: &mut Lexer<R>,
    path: &str,
    problems: &mut Vec<String>,
) -> Result<Vec<(String, String)>, JsonError> {
    if lx.peek_kind(path)? != Kind::Array {
        problems.push(format!("{path} is not an array: ignored"));
        lx.skip_value()?;
        return Ok(Vec::new());
    }
    let mut out = Vec::new();
    lx.begin_array()?;
    let mut first = true;
    while lx.next_item(&mut first)? {
        if let Some(pair) = pair(lx, path, problems)? {
            out.push(pair);
        }
    }
    Ok(out)
}

fn pair<R: Read>(
    lx: &mut Lexer<R>,
    path: &str,
    problems: &mut Vec<String>,
) -> Result<Option<(String, String)>, JsonError> {
    let look = Want::IfSaml { base64: false };
    let (mut name, mut value) = (None, None);
    match lx.peek_kind(path)? {
        Kind::Object => members(lx, |lx, key| {
            match key {
                "name" => name = text(lx, path, Want::Keep, problems)?,
                "value" => value = text(lx, path, look, problems)?,
                _ => lx.skip_value()?,
            }
            Ok(())
        })?,
        Kind::Array => {
            lx.begin_array()?;
            let mut first = true;
            let mut i = 0;
            while lx.next_item(&mut first)? {
                match (i, lx.peek_kind(path)?) {
                    (0, Kind::String) => name = text(lx, path, Want::Keep, problems)?,
                    (1, Kind::String) => value = text(lx, path, look, problems)?,
                    _ => lx.skip_value()?,
                }
                i += 1;
            }
        }
        _ => lx.skip_value()?,
    }
    Ok(name.map(|n| (n, value.unwrap_or_default())))
}

fn emit<R: Read>(w: &mut Walker<'_, R>, index: usize, start: u64, req: Request) {
    for p in &req.problems {
        w.skipped_at(Some(index), start, p.clone());
    }
    if req.protocol.as_deref() == Some("WS-Fed") {
        return;
    }
    if w.notes.is_empty()
        && let Some(what) = masked_in_part(&req)
    {
        w.notes.push(Problem {
            entry: Some(index),
            offset: start,
            message: format!(
                "this SAML-tracer export was saved with its mask-values filter ({what}), but its \"saml\" fields still hold each decoded message: the NameIDs \
                 and attributes are in clear text. To share it, use `samltrace har sanitize \
                 --mask-key KEY` instead"
            ),
        });
    }
    let base = base_origin(w.name, index, &req);
    let (found, masked) = messages(&req, base);
    for m in masked {
        (w.sink)(CaptureEvent::Masked(Problem {
            entry: Some(index),
            offset: start,
            message: m,
        }));
    }
    for f in found {
        (w.sink)(CaptureEvent::Found(Box::new(f)));
    }
}

fn base_origin(name: &str, index: usize, req: &Request) -> Origin {
    let is_post = req.method.as_deref() == Some("POST") || !req.post.is_empty();
    Origin {
        input: name.to_owned(),
        har_entry: Some(index),
        location: Some(
            if is_post {
                "request.postData"
            } else {
                "request.url"
            }
            .to_owned(),
        ),
        binding: Some(if is_post { "post" } else { "redirect" }.to_owned()),
        time: req.date.as_deref().and_then(http_date),
        url: req.url.as_deref().map(|u| {
            let end = u.find(['?', '#']).unwrap_or(u.len());
            u[..end].to_owned()
        }),
        ..Origin::default()
    }
}

/// An HTTP `Date` header as RFC 3339.
fn http_date(value: &str) -> Option<String> {
    static PARSER: jiff::fmt::rfc2822::DateTimeParser = jiff::fmt::rfc2822::DateTimeParser::new();
    PARSER
        .parse_timestamp(value.trim())
        .ok()
        .map(|t| t.to_string())
}

/// The request's messages (from `saml`, else from its parameters), and notes on masked values.
fn messages(req: &Request, base: Origin) -> (Vec<Unwrapped>, Vec<String>) {
    let params = if req.post.is_empty() {
        &req.get
    } else {
        &req.post
    };
    let step = if req.post.is_empty() {
        Step::Url
    } else {
        Step::Form
    };
    let relay_state = params
        .iter()
        .find(|(k, _)| k == "RelayState")
        .map(|(_, v)| v.clone())
        .filter(|v| !is_masked(v));
    let base = Origin {
        relay_state,
        ..base
    };
    let saml_params: Vec<&(String, String)> = params
        .iter()
        .filter(|(k, _)| input::is_saml_param(k))
        .collect();
    if let Some(xml) = req.saml.as_deref().filter(|s| !s.trim().is_empty()) {
        let param = saml_params
            .iter()
            .find(|(k, _)| k != "SAMLart")
            .map(|(k, _)| k.clone());
        let mut origin = Origin { param, ..base };
        let found = match redirect_signature(req, &mut origin) {
            Ok(()) => input::unwrap_xml_at(xml, origin),
            Err(e) => Err(e),
        };
        return (vec![found], Vec::new());
    }
    let mut found = Vec::new();
    let mut masked = Vec::new();
    for (name, value) in saml_params {
        let mut origin = Origin {
            param: Some(name.clone()),
            ..base.clone()
        };
        if let Err(e) = redirect_signature(req, &mut origin) {
            found.push(Err(e));
            continue;
        }
        if is_masked(value) {
            masked.push(format!(
                "{name} was masked by the exporter ({}) and the export holds no decoded copy: skipped",
                value.chars().take(24).collect::<String>()
            ));
            continue;
        }
        found.push(input::unwrap_value_at(value, step, origin));
    }
    (found, masked)
}

/// The HTTP-Redirect binding's `SigAlg` and `Signature`, read from the request's URL as sent
/// (the export's parameter list holds decoded values, which the signature was not made over).
fn redirect_signature(req: &Request, origin: &mut Origin) -> Result<(), input::UnwrapError> {
    if !req.post.is_empty() {
        return Ok(());
    }
    let (Some(url), Some(param)) = (req.url.as_deref(), origin.param.clone()) else {
        return Ok(());
    };
    input::keep_redirect_signature(url, &param, origin)
}

/// The first value the exporter masked, when the request's decoded copy (`saml`) still holds
/// identities in clear: the export looks masked and is not.
fn masked_in_part(req: &Request) -> Option<String> {
    if !req.saml.as_deref().is_some_and(holds_clear_identity) {
        return None;
    }
    let masked = req
        .get
        .iter()
        .chain(&req.post)
        .find(|(_, v)| is_masked(v))
        .map(|(k, v)| format!("{k}={}", v.chars().take(24).collect::<String>()));
    masked.or_else(|| req.masked_header.then(|| "masked headers".to_owned()))
}

/// Whether a decoded message holds a NameID or an attribute value in clear: one with text that
/// is not the `masked-…` form `har sanitize --mask-key` writes (`redact::mask::PREFIX`; capture
/// sits below redaction, so the prefix is matched here as text, and redaction's tests check the
/// two agree). A scan of the text, not a parse: it only decides whether to warn.
fn holds_clear_identity(xml: &str) -> bool {
    ["NameID", "AttributeValue"].iter().any(|tag| {
        xml.match_indices(tag).any(|(at, _)| {
            let before = xml[..at].chars().next_back();
            let rest = &xml[at + tag.len()..];
            let opens = matches!(before, Some('<' | ':'))
                && !xml[..at]
                    .rfind('<')
                    .is_some_and(|i| xml[i + 1..].starts_with('/'))
                && rest.starts_with(|c: char| c == '>' || c.is_ascii_whitespace());
            let text = rest
                .split_once('>')
                .filter(|(attrs, _)| !attrs.ends_with('/'))
                .map(|(_, after)| after.split('<').next().unwrap_or("").trim());
            opens && text.is_some_and(|t| !t.is_empty() && !t.starts_with("masked-"))
        })
    })
}

/// A value SAML-tracer replaced on export: `{hash:…}`, `{obf:…}` or `{overwritten}`.
fn is_masked(value: &str) -> bool {
    let v = value.trim();
    v.starts_with("{hash:") || v.starts_with("{obf:") || v == "{overwritten}"
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn clear_identities_are_told_from_masked_ones() {
        let clear = r#"<saml:Subject><saml:NameID Format="x">alice@example.com</saml:NameID>"#;
        assert!(holds_clear_identity(clear));
        assert!(holds_clear_identity("<AttributeValue>dev</AttributeValue>"));
        assert!(!holds_clear_identity(
            "<saml:NameID>masked-0123456789abcdef</saml:NameID>"
        ));
        assert!(!holds_clear_identity(
            "<saml:NameID/><saml:AttributeValue />"
        ));
        assert!(!holds_clear_identity(
            "<NameIDPolicy AllowCreate=\"true\"/>"
        ));
        assert!(!holds_clear_identity("no markup NameID here"));
        assert!(!holds_clear_identity("<a><NameID></NameID>text</a>"));
    }

    #[test]
    fn masked_values_are_recognised() {
        assert!(is_masked("{hash:3f2a}"));
        assert!(is_masked(" {obf:alternative_0}"));
        assert!(is_masked("{overwritten}"));
        assert!(!is_masked("PHNhbWxw"));
    }

    #[test]
    fn http_dates_become_rfc3339() {
        assert_eq!(
            http_date("Mon, 02 Nov 2026 09:00:05 GMT").as_deref(),
            Some("2026-11-02T09:00:05Z")
        );
        assert_eq!(http_date("yesterday"), None);
    }
}
