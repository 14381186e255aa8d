//! Secrets in the markup of a page kept because it carries SAML (the IdP's auto-submit page):
//! the value of every form field but the SAML binding's own, the content of secret-named
//! `<meta>` tags, string values assigned to secret-named keys in inline scripts, JWTs, and
//! credentials in the URLs of the rest of the text. The values of the SAML fields are never
//! touched, so the form still posts and its messages still decode.
//!
//! A tolerant tag scanner, not an HTML parser (as `crate::input`'s form reader is); it also gives
//! `messages` the tags and attribute ranges it masks identities in. Pure.

use std::ops::Range;

use super::secrets::{REDACTED, is_saml_binding_param, is_secret_name};

/// What scrubbing a page replaced, per kind of the receipt.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub(super) struct PageCounts {
    /// Values of form fields (`input`, `button`, `textarea`).
    pub fields: usize,
    /// Script values, `<meta>` contents and JWTs.
    pub secrets: usize,
    /// Credentials in URLs of the text.
    pub urls: usize,
}

/// One tag: its lower-case name, its attributes (lower-case name, range of the raw value in the
/// page; `None` without `=`), and the offset after its `>`.
pub(super) struct Tag {
    pub name: String,
    pub attrs: Vec<(String, Option<Range<usize>>)>,
    pub end: usize,
}

impl Tag {
    /// The range of the value of attribute `name`, when it has one.
    pub fn attr(&self, name: &str) -> Option<Range<usize>> {
        self.attrs
            .iter()
            .find(|(k, _)| k == name)
            .and_then(|(_, v)| v.clone())
    }
}

/// Reads the tag that starts at the `<` at `lt` (quotes respected, `>` may occur in values).
pub(super) fn read_tag(page: &str, lt: usize) -> Tag {
    let bytes = page.as_bytes();
    let mut i = lt + 1;
    while i < bytes.len() && (bytes[i].is_ascii_alphanumeric() || bytes[i] == b'-') {
        i += 1;
    }
    let name = page[lt + 1..i].to_ascii_lowercase();
    let mut attrs = Vec::new();
    if name.is_empty() {
        return Tag {
            name,
            attrs,
            end: lt + 1,
        };
    }
    loop {
        while i < bytes.len() && (bytes[i].is_ascii_whitespace() || bytes[i] == b'/') {
            i += 1;
        }
        if i >= bytes.len() || bytes[i] == b'>' {
            let end = (i + 1).min(bytes.len());
            return Tag { name, attrs, end };
        }
        let key_start = i;
        while i < bytes.len()
            && !bytes[i].is_ascii_whitespace()
            && !matches!(bytes[i], b'=' | b'>' | b'/')
        {
            i += 1;
        }
        let key = page[key_start..i].to_ascii_lowercase();
        let (value, next) = attr_value(page, i);
        // An `=` with no name before it is skipped as one byte (it is ASCII).
        i = next.max(key_start + 1);
        attrs.push((key, value));
    }
}

/// The range of an attribute's value after its name (ending at `i`), and where reading goes on.
fn attr_value(page: &str, mut i: usize) -> (Option<Range<usize>>, usize) {
    let bytes = page.as_bytes();
    let skip_ws = |mut i: usize| {
        while i < bytes.len() && bytes[i].is_ascii_whitespace() {
            i += 1;
        }
        i
    };
    i = skip_ws(i);
    if bytes.get(i) != Some(&b'=') {
        return (None, i);
    }
    i = skip_ws(i + 1);
    match bytes.get(i) {
        Some(&q @ (b'"' | b'\'')) => {
            let end = page[i + 1..]
                .find(q as char)
                .map_or(bytes.len(), |j| i + 1 + j);
            (Some(i + 1..end), (end + 1).min(bytes.len()))
        }
        _ => {
            let end = page[i..]
                .find(|c: char| c.is_ascii_whitespace() || c == '>')
                .map_or(bytes.len(), |j| i + j);
            (Some(i..end), end)
        }
    }
}

/// A range of the page and what it becomes: `None` keeps it as it is (a SAML field's value),
/// shielded from the text rules.
type Span = (Range<usize>, Option<String>);

/// The page with its secrets replaced by `REDACTED`, and what was replaced.
pub(super) fn scrub_page(page: &str) -> (String, PageCounts) {
    let lower = page.to_ascii_lowercase();
    let mut spans: Vec<Span> = Vec::new();
    let mut counts = PageCounts::default();
    let mut at = 0;
    while let Some(lt) = page[at..].find('<').map(|i| at + i) {
        let tag = read_tag(page, lt);
        at = tag.end;
        match tag.name.as_str() {
            "input" | "button" => field(page, &tag, &mut spans, &mut counts),
            "meta" => meta(page, &tag, &mut spans, &mut counts),
            "textarea" => {
                let close = closing(&lower, tag.end, "</textarea");
                let keep = tag
                    .attr("name")
                    .is_some_and(|n| is_saml_binding_param(&page[n]));
                if close > tag.end {
                    spans.push((tag.end..close, (!keep).then(|| REDACTED.to_owned())));
                    counts.fields += usize::from(!keep);
                }
                at = close;
            }
            "script" => {
                let close = closing(&lower, tag.end, "</script");
                counts.secrets += script(page, tag.end..close, &mut spans);
                at = close;
            }
            _ => {}
        }
    }
    let (out, free) = assemble(page, spans);
    counts.secrets += free.secrets;
    counts.urls += free.urls;
    (out, counts)
}

/// Where the element whose content starts at `from` closes (`end_tag` in lower case).
fn closing(lower: &str, from: usize, end_tag: &str) -> usize {
    lower[from..]
        .find(end_tag)
        .map_or(lower.len(), |i| from + i)
}

/// A form field's value: kept for the SAML binding's fields, else replaced. A nameless button's
/// label is not a field and is kept.
fn field(page: &str, tag: &Tag, spans: &mut Vec<Span>, counts: &mut PageCounts) {
    let Some(value) = tag.attr("value").filter(|v| !v.is_empty()) else {
        return;
    };
    let name = tag.attr("name").map(|n| &page[n]);
    if name.is_some_and(is_saml_binding_param) {
        spans.push((value, None));
        return;
    }
    let kind = tag.attr("type").map(|t| page[t].to_ascii_lowercase());
    let label = matches!(kind.as_deref(), Some("submit" | "button" | "reset"))
        || (tag.name == "button" && kind.is_none());
    if name.is_none() && label {
        return;
    }
    spans.push((value, Some(REDACTED.to_owned())));
    counts.fields += 1;
}

/// `<meta name="csrf-token" content="…">` and the like.
fn meta(page: &str, tag: &Tag, spans: &mut Vec<Span>, counts: &mut PageCounts) {
    let named = ["name", "property", "itemprop"]
        .iter()
        .filter_map(|a| tag.attr(a))
        .any(|n| is_secret_name(&page[n]));
    if let Some(content) = tag.attr("content").filter(|c| named && !c.is_empty()) {
        spans.push((content, Some(REDACTED.to_owned())));
        counts.secrets += 1;
    }
}

/// A token of an inline script, as far as finding `name = "value"` needs.
#[derive(Debug, Clone, PartialEq)]
enum Token {
    Word(Range<usize>),
    /// A string literal: the range of its content, between the quotes.
    Str(Range<usize>),
    Punct(u8),
}

/// Replaces the string values given to secret-named keys in the script at `range` (`apiKey =
/// "…"`, `"access_token": "…"`, `setItem("token", "…")`); how many.
fn script(page: &str, range: Range<usize>, spans: &mut Vec<Span>) -> usize {
    let tokens = script_tokens(page, range);
    let name = |t: &Token| match t {
        Token::Word(r) | Token::Str(r) => Some(&page[r.clone()]),
        Token::Punct(_) => None,
    };
    let mut count = 0;
    for (i, t) in tokens.iter().enumerate() {
        let Token::Str(value) = t else { continue };
        let before = &tokens[..i];
        let key = match before {
            // `key: "v"`, `key = "v"`, `key === "v"`
            [.., k @ (Token::Word(_) | Token::Str(_)), Token::Punct(b':' | b'=')]
            | [.., k @ (Token::Word(_) | Token::Str(_)), Token::Punct(b'='), Token::Punct(b'=')]
            | [
                ..,
                k @ (Token::Word(_) | Token::Str(_)),
                Token::Punct(b'='),
                Token::Punct(b'='),
                Token::Punct(b'='),
            ]
            // `setItem("key", "v")`
            | [.., Token::Punct(b'('), k @ Token::Str(_), Token::Punct(b',')] => Some(k),
            _ => None,
        };
        if !value.is_empty() && key.and_then(name).is_some_and(is_secret_name) {
            spans.push((value.clone(), Some(REDACTED.to_owned())));
            count += 1;
        }
    }
    count
}

/// The words, string literals and punctuation of a script; comments skipped.
fn script_tokens(page: &str, range: Range<usize>) -> Vec<Token> {
    let bytes = page.as_bytes();
    let end = range.end;
    let mut tokens = Vec::new();
    let mut i = range.start;
    while i < end {
        let b = bytes[i];
        let rest = &bytes[i..end];
        if b.is_ascii_whitespace() {
            i += 1;
        } else if rest.starts_with(b"//") {
            i = find_from(bytes, i, end, b"\n");
        } else if rest.starts_with(b"/*") {
            i = (find_from(bytes, i + 2, end, b"*/") + 2).min(end);
        } else if matches!(b, b'"' | b'\'' | b'`') {
            let close = string_end(bytes, i, end);
            tokens.push(Token::Str(i + 1..close));
            i = (close + 1).min(end);
        } else if b.is_ascii_alphanumeric() || matches!(b, b'_' | b'$') || b >= 0x80 {
            let start = i;
            while i < end && (bytes[i].is_ascii_alphanumeric() || matches!(bytes[i], b'_' | b'$')) {
                i += 1;
            }
            // Other characters than ASCII are skipped whole, not read as words.
            if i == start {
                i += page[i..].chars().next().map_or(1, char::len_utf8);
            } else {
                tokens.push(Token::Word(start..i));
            }
        } else {
            tokens.push(Token::Punct(b));
            i += 1;
        }
    }
    tokens
}

/// The offset of the quote that closes the string literal opened at `open` (escapes skipped).
fn string_end(bytes: &[u8], open: usize, end: usize) -> usize {
    let quote = bytes[open];
    let mut i = open + 1;
    while i < end {
        match bytes[i] {
            b'\\' => i += 2,
            b if b == quote => return i,
            b'\n' if quote != b'`' => return i,
            _ => i += 1,
        }
    }
    end
}

fn find_from(bytes: &[u8], from: usize, end: usize, needle: &[u8]) -> usize {
    bytes[from..end]
        .windows(needle.len())
        .position(|w| w == needle)
        .map_or(end, |i| from + i)
}

/// The page rebuilt from its spans (in order, not overlapping), the text between them put
/// through the text rules.
fn assemble(page: &str, spans: Vec<Span>) -> (String, PageCounts) {
    let mut out = String::with_capacity(page.len());
    let mut counts = PageCounts::default();
    let mut last = 0;
    for (range, with) in spans {
        if range.start < last {
            continue;
        }
        free_text(&page[last..range.start], &mut out, &mut counts);
        out.push_str(with.as_deref().unwrap_or(&page[range.clone()]));
        last = range.end;
    }
    free_text(&page[last..], &mut out, &mut counts);
    (out, counts)
}

/// Text outside the SAML fields: JWTs, then credentials in URLs.
fn free_text(text: &str, out: &mut String, counts: &mut PageCounts) {
    let (without_jwts, n) = jwts(text);
    counts.secrets += n;
    let (clean, n) = super::urls::scrub_text(&without_jwts, REDACTED);
    counts.urls += n;
    out.push_str(&clean);
}

fn is_b64url(b: u8) -> bool {
    b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_')
}

/// Replaces every JWT (`eyJ…` header, a dot, at least one more segment); how many.
fn jwts(text: &str) -> (String, usize) {
    let bytes = text.as_bytes();
    let mut out = String::with_capacity(text.len());
    let mut count = 0;
    let mut last = 0;
    let mut from = 0;
    while let Some(at) = text[from..].find("eyJ").map(|i| from + i) {
        from = at + 3;
        if at > 0 && is_b64url(bytes[at - 1]) {
            continue;
        }
        let len = match jwt_len(&bytes[at..]) {
            Ok(len) => len,
            // No JWT starts inside a run of base64url characters: look past it.
            Err(skip) => {
                from = at + skip;
                continue;
            }
        };
        out.push_str(&text[last..at]);
        out.push_str(REDACTED);
        count += 1;
        last = at + len;
        from = last;
    }
    out.push_str(&text[last..]);
    (out, count)
}

/// The length of the JWT at the start of `bytes`: base64url segments joined by dots, the first
/// two non-empty and the second at least a few characters. Else how far to look past.
fn jwt_len(bytes: &[u8]) -> Result<usize, usize> {
    let segment = |from: usize| {
        bytes[from..]
            .iter()
            .position(|&b| !is_b64url(b))
            .map_or(bytes.len(), |j| from + j)
    };
    let header_end = segment(0);
    if header_end < 8 || bytes.get(header_end) != Some(&b'.') {
        return Err(header_end.max(3));
    }
    let mut end = segment(header_end + 1);
    if end - header_end - 1 < 4 {
        return Err(header_end);
    }
    // Signature (JWS) and the further segments of a JWE; a dot that ends a sentence stays.
    while bytes.get(end) == Some(&b'.') && bytes.get(end + 1).copied().is_some_and(is_b64url) {
        end = segment(end + 1);
    }
    Ok(end)
}

#[cfg(test)]
mod tests {
    use super::*;

    const JWT: &str = "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJhbGljZSJ9.c2lnbmF0dXJl_-x";

    #[test]
    fn only_the_saml_fields_keep_their_values() {
        let page = r#"<form action="https://sp/acs"><input type="hidden" name="authenticity_token" value="CSRF1"><input name='SAMLResponse' value='PHNhbWw+/x=='/><input name="RelayState" value="/g"><input name=nonce value=N2 /><textarea name="note">T3</textarea><input type="submit" value="Continue"><button name="go" value="B4">Go</button></form>"#;
        let (out, counts) = scrub_page(page);
        for secret in ["CSRF1", "N2", "T3", "B4"] {
            assert!(!out.contains(secret), "{secret} survived: {out}");
        }
        assert!(out.contains("value='PHNhbWw+/x=='"), "{out}");
        assert!(out.contains(r#"value="/g""#), "{out}");
        assert!(
            out.contains(r#"value="Continue""#),
            "a button's label stays"
        );
        assert!(out.contains("name=nonce value=REDACTED />"), "{out}");
        assert_eq!(counts.fields, 4);
    }

    #[test]
    fn scripts_lose_secret_values_and_jwts() {
        let page = format!(
            r#"<meta name="csrf-token" content="M1"><script>var cfg = {{apiKey: "K1", 'access_token' : 'A2', label: "keep"}}; // don't
window.clientSecret = `S3`; if (a < b && password === "P4") {{}} localStorage.setItem("session", "X5");
var t = "{JWT}";</script><p>{JWT}.</p>"#
        );
        let (out, counts) = scrub_page(&page);
        for secret in ["M1", "K1", "A2", "S3", "P4", "X5", "eyJ"] {
            assert!(!out.contains(secret), "{secret} survived: {out}");
        }
        assert!(out.contains(r#"label: "keep""#), "{out}");
        assert!(out.contains("<p>REDACTED.</p>"), "{out}");
        assert_eq!(counts.secrets, 8);
    }

    #[test]
    fn urls_in_the_text_lose_credentials_but_saml_values_are_shielded() {
        let page = r#"<a href="https://bob:hunter2@idp/x?token=T1">x</a><input name="SAMLRequest" value="a&#43;token=b">"#;
        let (out, counts) = scrub_page(page);
        assert!(!out.contains("hunter2") && !out.contains("T1"), "{out}");
        assert!(out.contains(r#"value="a&#43;token=b""#), "{out}");
        assert_eq!(counts.urls, 2);
    }

    #[test]
    fn odd_markup_does_not_panic() {
        for page in [
            "<",
            "<input value",
            "<input value='x",
            "<script>'",
            "<script>/*",
            "é<é=é>",
            "eyJ.",
            "eyJa.eyJ",
        ] {
            let _ = scrub_page(page);
        }
        assert_eq!(jwts("xeyJabc.defgh"), ("xeyJabc.defgh".to_owned(), 0));
        assert_eq!(jwts("eyJabc.de"), ("eyJabc.de".to_owned(), 0));
    }

    #[test]
    fn pathological_pages_take_linear_time() {
        // Long runs of what the scanners look for stay linear: a run of `&` without `=` was
        // quadratic in the URL rule (each `&` looked for the next `=`). 500 KB take about half
        // a second in a debug build.
        for unit in ["&", "eyJ", "<a x='", "?token", "<script>'"] {
            let page = format!(
                "<input name=SAMLResponse value=x>{}",
                unit.repeat(500_000 / unit.len())
            );
            let started = std::time::Instant::now();
            let (out, _) = scrub_page(&page);
            assert!(out.len() >= page.len() / 2, "{unit}");
            assert!(
                started.elapsed().as_secs() < 5,
                "{unit}: {:?}",
                started.elapsed()
            );
        }
    }
}
