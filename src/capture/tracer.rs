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
                *date = pairs(lx, key, problems)?
                    .into_iter()
                    .find(|(k, _)| k.eq_ignore_ascii_case("date"))
                    .map(|(_, v)| v);
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

/// A value SAML-tracer replaced on export: `{hash:…}`, `{obf:…}` or `{overwritten}`.
fn is_masked(value: &str) -> bool {
    let v = value.trim();
    v.starts_with("{hash:") || v.starts_with("{obf:") || v == "{overwritten}"
}

#[cfg(test)]
mod tests {
    use super::*;

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
