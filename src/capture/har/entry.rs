//! One HAR entry: the fields where SAML travels, read leniently from the lexer, and the SAML
//! parameters found in them.
//!
//! Only the fields that can carry a SAML message (and the few that say how to read them) are
//! kept; everything else is skipped unread. A field of the wrong type is noted and ignored, never
//! fatal. Request headers are never looked at: `Referer` repeats earlier URLs and is noise.

use std::io::Read;

use crate::capture::fields::{members, object, pairs, text};
use crate::capture::jsonlex::{JsonError, Kind, Lexer, Want};
use crate::input::{self, Origin, Step, Unwrapped};

/// The SAML-relevant fields of an entry, as far as they were read.
#[derive(Debug, Default)]
pub(crate) struct RawEntry {
    pub started: Option<String>,
    pub request: RawRequest,
    pub response: RawResponse,
    /// Fields that were not what a HAR holds, as "request.url is a number: expected a string".
    pub problems: Vec<String>,
}

#[derive(Debug, Default)]
pub(crate) struct RawRequest {
    pub url: Option<String>,
    pub query: Vec<(String, String)>,
    pub post_mime: Option<String>,
    pub post_text: Option<String>,
    pub post_params: Vec<(String, String)>,
}

#[derive(Debug, Default)]
pub(crate) struct RawResponse {
    pub redirect_url: Option<String>,
    pub locations: Vec<String>,
    pub mime: Option<String>,
    pub text: Option<String>,
    pub encoding: Option<String>,
}

/// Reads the entry at the lexer into `raw`. On an error `raw` holds what came before it.
pub(crate) fn read<R: Read>(lx: &mut Lexer<R>, raw: &mut RawEntry) -> Result<(), JsonError> {
    let kind = lx.peek_kind("an entry")?;
    if kind != Kind::Object {
        raw.problems.push(format!(
            "the entry is {}: expected an object",
            kind.describe()
        ));
        return lx.skip_value();
    }
    let RawEntry {
        started,
        request,
        response,
        problems,
    } = raw;
    let mut sides = 0;
    members(lx, |lx, key| match key {
        "startedDateTime" => {
            *started = text(lx, "startedDateTime", Want::Keep, problems)?;
            Ok(())
        }
        "request" => {
            sides += 1;
            read_request(lx, request, problems)
        }
        "response" => {
            sides += 1;
            read_response(lx, response, problems)
        }
        _ => lx.skip_value(),
    })?;
    if sides == 0 {
        problems.push(
            "the entry has neither request nor response: expected the fields of a HAR entry".into(),
        );
    }
    Ok(())
}

fn read_request<R: Read>(
    lx: &mut Lexer<R>,
    req: &mut RawRequest,
    problems: &mut Vec<String>,
) -> Result<(), JsonError> {
    const LOOK: Want = Want::IfSaml { base64: false };
    object(lx, "request", problems, |lx, key, problems| {
        match key {
            "url" => req.url = text(lx, "request.url", LOOK, problems)?,
            "queryString" => req.query = pairs(lx, "request.queryString", problems)?,
            "postData" => read_post(lx, req, problems)?,
            _ => lx.skip_value()?,
        }
        Ok(())
    })
}

fn read_post<R: Read>(
    lx: &mut Lexer<R>,
    req: &mut RawRequest,
    problems: &mut Vec<String>,
) -> Result<(), JsonError> {
    const LOOK: Want = Want::IfSaml { base64: false };
    object(lx, "request.postData", problems, |lx, key, problems| {
        match key {
            "mimeType" => req.post_mime = text(lx, "postData.mimeType", Want::Keep, problems)?,
            "text" => req.post_text = text(lx, "request.postData.text", LOOK, problems)?,
            "params" => req.post_params = pairs(lx, "request.postData.params", problems)?,
            _ => lx.skip_value()?,
        }
        Ok(())
    })
}

fn read_response<R: Read>(
    lx: &mut Lexer<R>,
    resp: &mut RawResponse,
    problems: &mut Vec<String>,
) -> Result<(), JsonError> {
    const LOOK: Want = Want::IfSaml { base64: false };
    object(lx, "response", problems, |lx, key, problems| {
        match key {
            "redirectURL" => resp.redirect_url = text(lx, "response.redirectURL", LOOK, problems)?,
            "headers" => {
                resp.locations = pairs(lx, "response.headers", problems)?
                    .into_iter()
                    .filter(|(k, _)| k.eq_ignore_ascii_case("location"))
                    .map(|(_, v)| v)
                    .collect();
            }
            "content" => read_content(lx, resp, problems)?,
            _ => lx.skip_value()?,
        }
        Ok(())
    })
}

fn read_content<R: Read>(
    lx: &mut Lexer<R>,
    resp: &mut RawResponse,
    problems: &mut Vec<String>,
) -> Result<(), JsonError> {
    object(lx, "response.content", problems, |lx, key, problems| {
        match key {
            "mimeType" => resp.mime = text(lx, "content.mimeType", Want::Keep, problems)?,
            "encoding" => resp.encoding = text(lx, "content.encoding", Want::Keep, problems)?,
            // Browsers write the MIME type before the body: a script, style sheet or image
            // never holds the IdP's form, so its body is skipped unread.
            "text" if resp.mime.is_some() && !may_hold_form(resp.mime.as_deref()) => {
                lx.skip_value()?;
            }
            "text" => {
                let want = Want::IfSaml {
                    base64: !is_binary(resp.mime.as_deref()),
                };
                resp.text = text(lx, "response.content.text", want, problems)?;
            }
            _ => lx.skip_value()?,
        }
        Ok(())
    })
}

/// Types whose bodies never hold an HTML form, so a base64 body of theirs is not kept.
fn is_binary(mime: Option<&str>) -> bool {
    let Some(m) = mime else { return false };
    let m = m.trim().to_ascii_lowercase();
    [
        "image/",
        "font/",
        "audio/",
        "video/",
        "application/font",
        "application/wasm",
    ]
    .iter()
    .any(|p| m.starts_with(p))
        || [
            "application/pdf",
            "application/zip",
            "application/octet-stream",
        ]
        .iter()
        .any(|p| m.starts_with(p))
}

/// Types whose bodies may be the IdP's auto-submit page.
pub(crate) fn may_hold_form(mime: Option<&str>) -> bool {
    let m = mime.unwrap_or("").trim().to_ascii_lowercase();
    m.is_empty() || m.contains("html") || m.starts_with("text/plain")
}

/// Every SAML parameter of an entry, in the order of its parts: request URL, request body,
/// redirect, response body.
pub(crate) fn payloads(raw: &RawEntry, base: &Origin) -> Vec<Unwrapped> {
    let at = |location: &str| Origin {
        location: Some(location.to_owned()),
        ..base.clone()
    };
    let page = raw.request.url.as_deref().map(without_query);
    let mut out = url_payloads(&raw.request, at("request.url"));
    let post = Origin {
        url: page.clone(),
        ..at("request.postData")
    };
    out.extend(post_payloads(&raw.request, post));
    out.extend(redirect_payloads(raw, &at));
    out.extend(content_payloads(&raw.response, at("response.content")));
    out
}

fn without_query(url: &str) -> String {
    let end = url.find(['?', '#']).unwrap_or(url.len());
    url[..end].to_owned()
}

fn url_payloads(req: &RawRequest, origin: Origin) -> Vec<Unwrapped> {
    let from_url = match &req.url {
        Some(u) if u.contains("SAML") => input::unwrap_url_at(u, origin.clone()),
        _ => Vec::new(),
    };
    if !from_url.is_empty() || !req.query.iter().any(|(k, _)| input::is_saml_param(k)) {
        return from_url;
    }
    let origin = Origin {
        url: req.url.as_deref().map(without_query),
        binding: Some("redirect".into()),
        ..origin
    };
    input::unwrap_pairs_at(&req.query, Step::Url, origin)
}

fn post_payloads(req: &RawRequest, origin: Origin) -> Vec<Unwrapped> {
    if let Some(body) = req.post_text.as_deref().filter(|t| t.contains("SAML")) {
        let mime = req.post_mime.as_deref().unwrap_or("");
        let found = if mime.to_ascii_lowercase().starts_with("multipart/") || body.starts_with("--")
        {
            input::unwrap_pairs_at(&multipart(body, mime), Step::Form, origin.clone())
        } else {
            input::unwrap_form_at(body, origin.clone())
        };
        if !found.is_empty() {
            return found;
        }
    }
    if req.post_params.iter().any(|(k, _)| input::is_saml_param(k)) {
        return input::unwrap_pairs_at(&req.post_params, Step::Form, origin);
    }
    Vec::new()
}

fn redirect_payloads(raw: &RawEntry, at: &dyn Fn(&str) -> Origin) -> Vec<Unwrapped> {
    let from = raw.request.url.as_deref();
    let redirect = raw
        .response
        .redirect_url
        .as_deref()
        .filter(|u| u.contains("SAML"))
        .map(|u| resolve(from, u));
    let mut out = match &redirect {
        Some(u) => input::unwrap_url_at(u, at("response.redirectURL")),
        None => Vec::new(),
    };
    for location in raw.response.locations.iter().filter(|l| l.contains("SAML")) {
        let location = resolve(from, location);
        if redirect.as_deref() != Some(location.as_str()) {
            out.extend(input::unwrap_url_at(
                &location,
                at("response.headers.location"),
            ));
        }
    }
    out
}

/// A redirect target made absolute against the request's URL (a `Location` may be relative).
fn resolve(from: Option<&str>, target: &str) -> String {
    let lower = target.get(..8).unwrap_or(target).to_ascii_lowercase();
    if lower.starts_with("http://") || lower.starts_with("https://") {
        return target.to_owned();
    }
    from.and_then(|f| url::Url::parse(f).ok())
        .and_then(|base| base.join(target).ok())
        .map_or_else(|| target.to_owned(), |u| u.to_string())
}

fn content_payloads(resp: &RawResponse, origin: Origin) -> Vec<Unwrapped> {
    let Some(text) = resp.text.as_deref() else {
        return Vec::new();
    };
    if !may_hold_form(resp.mime.as_deref()) {
        return Vec::new();
    }
    let decoded;
    let page = if resp.encoding.as_deref() == Some("base64") {
        match input::decode_base64(text) {
            Ok(bytes) => {
                decoded = String::from_utf8_lossy(&bytes).into_owned();
                decoded.as_str()
            }
            Err(_) => return Vec::new(),
        }
    } else {
        text
    };
    if !page.contains("SAML") {
        return Vec::new();
    }
    input::unwrap_html_at(page, origin)
}

/// The fields of a `multipart/form-data` body, by name. The boundary comes from the MIME type,
/// or from the body's first line.
fn multipart(body: &str, mime: &str) -> Vec<(String, String)> {
    let from_mime = mime
        .split(';')
        .find_map(|p| p.trim().strip_prefix("boundary="))
        .map(|b| b.trim_matches('"').to_owned());
    let from_body = || {
        body.lines()
            .next()
            .and_then(|l| l.strip_prefix("--"))
            .map(|b| b.trim_end().to_owned())
    };
    let Some(boundary) = from_mime.or_else(from_body).filter(|b| !b.is_empty()) else {
        return Vec::new();
    };
    let delimiter = format!("--{boundary}");
    body.split(delimiter.as_str())
        .skip(1)
        .filter(|part| !part.starts_with("--"))
        .filter_map(multipart_field)
        .collect()
}

fn multipart_field(part: &str) -> Option<(String, String)> {
    let part = part.trim_start_matches(['\r', '\n']);
    let (head, value) = part
        .split_once("\r\n\r\n")
        .or_else(|| part.split_once("\n\n"))?;
    let name = head.lines().find_map(|line| {
        let (header, rest) = line.split_once(':')?;
        if !header.trim().eq_ignore_ascii_case("content-disposition") {
            return None;
        }
        rest.split(';')
            .find_map(|p| p.trim().strip_prefix("name="))
            .map(|n| n.trim_matches('"').to_owned())
    })?;
    let value = value
        .strip_suffix("\r\n")
        .or_else(|| value.strip_suffix('\n'));
    Some((name, value.unwrap_or_default().to_owned()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn multipart_fields_by_name() {
        let body = "------X\r\nContent-Disposition: form-data; name=\"SAMLResponse\"\r\n\r\nPHg+\r\n\
                    ------X\r\nContent-Disposition: form-data; name=\"RelayState\"\r\n\r\n/a b\r\n------X--\r\n";
        let fields = multipart(body, "multipart/form-data; boundary=----X");
        assert_eq!(
            fields,
            vec![
                ("SAMLResponse".to_owned(), "PHg+".to_owned()),
                ("RelayState".to_owned(), "/a b".to_owned())
            ]
        );
        assert_eq!(multipart(body, ""), fields);
        assert!(multipart("no boundary", "multipart/form-data").is_empty());
    }

    #[test]
    fn relative_locations_resolve_against_the_request() {
        assert_eq!(
            resolve(
                Some("https://idp.example.com/a/b?x=1"),
                "/sso?SAMLRequest=x"
            ),
            "https://idp.example.com/sso?SAMLRequest=x"
        );
        assert_eq!(resolve(None, "/sso?x"), "/sso?x");
        assert_eq!(resolve(Some("x"), "HTTPS://a/b"), "HTTPS://a/b");
    }

    #[test]
    fn binary_types_are_not_searched_as_pages() {
        assert!(is_binary(Some("image/png")));
        assert!(!is_binary(Some("text/html; charset=utf-8")));
        assert!(!is_binary(None));
        assert!(may_hold_form(Some("text/html")));
        assert!(may_hold_form(None));
        assert!(!may_hold_form(Some("application/javascript")));
    }
}
