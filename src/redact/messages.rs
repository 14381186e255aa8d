//! Masking the identities inside the SAML messages of a HAR entry: the messages are found where
//! they travel (URL queries, form bodies, the IdP's auto-submit page), decoded, masked with
//! [`crate::redact::mask::mask_xml`], and re-encoded the way they came, so they still decode. Pure.

use std::io::Write as _;

use base64::Engine;

use super::markup::read_tag;
use super::secrets::percent_decode;
use crate::input::decode_base64;

pub(super) fn is_message_param(name: &str) -> bool {
    matches!(name, "SAMLRequest" | "SAMLResponse")
}

/// A SAML parameter's value (as found: percent-encoded or not, base64, perhaps deflated) with
/// the identities in its message masked, re-encoded the way it came. `None` when it does not
/// decode to a SAML document; the value is then kept as it is.
pub(crate) fn mask_param(key: &str, raw: &str) -> Option<(String, usize)> {
    let encoded = raw
        .as_bytes()
        .windows(3)
        .any(|w| w[0] == b'%' && w[1].is_ascii_hexdigit() && w[2].is_ascii_hexdigit());
    let text = if encoded {
        percent_decode(&raw.replace('+', "%2B"))
    } else {
        raw.to_owned()
    };
    let bytes = decode_base64(&text.replace(' ', "+")).ok()?;
    let (xml, deflated) = match std::str::from_utf8(&bytes) {
        Ok(s) if s.trim_start().starts_with('<') => (s.to_owned(), false),
        _ => (inflate(&bytes)?, true),
    };
    let (masked, count) = crate::redact::mask::mask_xml(key, &xml)?;
    let payload = if deflated {
        deflate(masked.as_bytes())?
    } else {
        masked.into_bytes()
    };
    let b64 = base64::engine::general_purpose::STANDARD.encode(payload);
    let out = if encoded { percent_encode(&b64) } else { b64 };
    Some((out, count))
}

fn inflate(bytes: &[u8]) -> Option<String> {
    let out = String::from_utf8(crate::input::inflate_deflate(bytes)?).ok()?;
    out.trim_start().starts_with('<').then_some(out)
}

fn deflate(bytes: &[u8]) -> Option<Vec<u8>> {
    let mut enc = flate2::write::DeflateEncoder::new(Vec::new(), flate2::Compression::default());
    enc.write_all(bytes).ok()?;
    enc.finish().ok()
}

fn percent_encode(b64: &str) -> String {
    b64.replace('+', "%2B")
        .replace('/', "%2F")
        .replace('=', "%3D")
}

/// Masks the SAML messages among `name=value&…` pairs in place; how many values were masked.
pub(super) fn mask_pairs(key: &str, text: &mut String) -> usize {
    let mut count = 0;
    let pairs: Vec<String> = text
        .split('&')
        .map(|pair| match pair.split_once('=') {
            Some((k, v)) if is_message_param(k) => match mask_param(key, v) {
                Some((masked, n)) => {
                    count += n;
                    format!("{k}={masked}")
                }
                None => pair.to_owned(),
            },
            _ => pair.to_owned(),
        })
        .collect();
    *text = pairs.join("&");
    count
}

/// Masks the SAML messages in a URL's query in place.
pub(super) fn mask_query(key: &str, url: &mut String) -> usize {
    let Some((base, query)) = url.split_once('?') else {
        return 0;
    };
    let (query, fragment) = match query.split_once('#') {
        Some((q, f)) => (q.to_owned(), Some(f.to_owned())),
        None => (query.to_owned(), None),
    };
    let mut query = query;
    let n = mask_pairs(key, &mut query);
    if n > 0 {
        let mut rebuilt = format!("{base}?{query}");
        if let Some(f) = fragment {
            rebuilt.push('#');
            rebuilt.push_str(&f);
        }
        *url = rebuilt;
    }
    n
}

/// Masks the SAML fields of the forms in an HTML page; the page and how many values were masked.
pub(super) fn mask_html(key: &str, page: &str) -> (String, usize) {
    let mut edits = Vec::new();
    let mut count = 0;
    let mut at = 0;
    while let Some(lt) = page[at..].find('<').map(|i| at + i) {
        let tag = read_tag(page, lt);
        at = tag.end;
        if tag.name != "input" {
            continue;
        }
        if let (Some(name), Some(value)) = (tag.attr("name"), tag.attr("value"))
            && is_message_param(&page[name])
            && let Some((masked, n)) = mask_param(key, &html_unescape(&page[value.clone()]))
        {
            edits.push((value, masked));
            count += n;
        }
    }
    let mut out = page.to_owned();
    for (range, with) in edits.into_iter().rev() {
        out.replace_range(range, &with);
    }
    (out, count)
}

/// The character references base64 values meet in IdP pages.
fn html_unescape(s: &str) -> String {
    if !s.contains('&') {
        return s.to_owned();
    }
    [
        ("&#43;", "+"),
        ("&#x2B;", "+"),
        ("&#x2b;", "+"),
        ("&#61;", "="),
        ("&#x3D;", "="),
        ("&#x3d;", "="),
        ("&#47;", "/"),
        ("&#x2F;", "/"),
        ("&#x2f;", "/"),
        ("&#10;", ""),
        ("&#13;", ""),
        ("&#xA;", ""),
        ("&#xD;", ""),
        ("&amp;", "&"),
    ]
    .iter()
    .fold(s.to_owned(), |acc, (from, to)| acc.replace(from, to))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn masked_params_keep_their_encoding() {
        let xml = r#"<samlp:LogoutRequest xmlns:samlp="urn:oasis:names:tc:SAML:2.0:protocol" xmlns:saml="urn:oasis:names:tc:SAML:2.0:assertion" ID="_l"><saml:NameID>bob@example.com</saml:NameID></samlp:LogoutRequest>"#;
        let deflated = deflate(xml.as_bytes()).unwrap();
        let raw = percent_encode(&base64::engine::general_purpose::STANDARD.encode(deflated));
        let (masked, n) = mask_param("k", &raw).unwrap();
        assert_eq!(n, 1);
        assert!(masked.contains('%') || !masked.contains('+'));
        let back =
            inflate(&decode_base64(&percent_decode(&masked.replace('+', "%2B"))).unwrap()).unwrap();
        assert!(back.contains(&crate::redact::mask::mask_value("k", "bob@example.com")));
        assert!(!back.contains("bob@"));
        assert_eq!(mask_param("k", "not-saml"), None);
    }
}
