//! The IdP's auto-submit page ("view source" of the page that posts to the service provider):
//! hidden inputs named SAMLResponse/SAMLRequest/RelayState inside a form with an action.
//!
//! A tolerant tag scanner, not an HTML parser: it only needs `<form action>` and `<input name value>`.

use super::{Origin, Stage, Step, UnwrapError, Unwrapped, unwrap_blob};

/// True when the text looks like an HTML page with a SAML form field.
pub(super) fn is_html_form(text: &str) -> bool {
    find_ci(text, "<input", 0).is_some()
        && (text.contains("SAMLResponse")
            || text.contains("SAMLRequest")
            || text.contains("SAMLart"))
}

#[derive(Default)]
struct Form {
    action: Option<String>,
    fields: Vec<(String, String)>,
}

pub(super) fn unwrap_forms(text: &str) -> Vec<Unwrapped> {
    let mut out = found_forms(text, &Origin::default());
    if out.is_empty() {
        out.push(Err(UnwrapError::new(
            Stage::Input,
            "the HTML page has no input named SAMLResponse or SAMLRequest: expected the IdP's auto-submit form",
        )));
    }
    out
}

/// The SAML fields of every form in the page (none when it has none), each with `base`'s
/// origin fields completed by the form's.
pub(super) fn found_forms(text: &str, base: &Origin) -> Vec<Unwrapped> {
    let mut out = Vec::new();
    for form in scan_forms(text) {
        let relay_state = field(&form, "RelayState");
        for (name, value) in &form.fields {
            let origin = Origin {
                param: Some(name.clone()),
                binding: Some("post".into()),
                relay_state: relay_state.clone(),
                url: form.action.clone().or_else(|| base.url.clone()),
                ..base.clone()
            };
            match name.as_str() {
                "SAMLRequest" | "SAMLResponse" => {
                    out.push(unwrap_blob(value, vec![Step::HtmlForm], origin))
                }
                "SAMLart" => out.push(Err(UnwrapError {
                    origin: Box::new(origin),
                    ..UnwrapError::new(
                        Stage::Saml,
                        "SAMLart is an artifact reference, not a message: nothing to decode",
                    )
                })),
                _ => {}
            }
        }
    }
    out
}

fn field(form: &Form, name: &str) -> Option<String> {
    form.fields
        .iter()
        .find(|(n, _)| n == name)
        .map(|(_, v)| v.clone())
}

/// Walks the tags in order; each `<form>` starts a new group of inputs.
fn scan_forms(text: &str) -> Vec<Form> {
    let mut forms: Vec<Form> = vec![Form::default()];
    let mut at = 0;
    while let Some(lt) = text[at..].find('<').map(|i| at + i) {
        let (name, attrs, end) = read_tag(text, lt);
        at = end.max(lt + 1);
        while !text.is_char_boundary(at) {
            at += 1;
        }
        match name.as_str() {
            "form" => forms.push(Form {
                action: attr(&attrs, "action"),
                fields: Vec::new(),
            }),
            "input" => {
                if let (Some(n), Some(v)) = (attr(&attrs, "name"), attr(&attrs, "value"))
                    && let Some(form) = forms.last_mut()
                {
                    form.fields.push((n, v));
                }
            }
            _ => {}
        }
    }
    forms.retain(|f| !f.fields.is_empty());
    forms
}

/// Reads the tag at `lt`: its lower-case name, its attributes, and the offset after `>`.
fn read_tag(text: &str, lt: usize) -> (String, Vec<(String, String)>, usize) {
    let bytes = text.as_bytes();
    let mut i = lt + 1;
    let name_start = i;
    while i < bytes.len() && (bytes[i].is_ascii_alphanumeric() || bytes[i] == b'-') {
        i += 1;
    }
    let name = text[name_start..i].to_ascii_lowercase();
    let mut attrs = Vec::new();
    loop {
        while i < bytes.len() && (bytes[i].is_ascii_whitespace() || bytes[i] == b'/') {
            i += 1;
        }
        if i >= bytes.len() || bytes[i] == b'>' || name.is_empty() {
            return (name, attrs, (i + 1).min(bytes.len()));
        }
        let key_start = i;
        while i < bytes.len()
            && !bytes[i].is_ascii_whitespace()
            && !matches!(bytes[i], b'=' | b'>' | b'/')
        {
            i += 1;
        }
        let key = text[key_start..i].to_ascii_lowercase();
        let (value, next) = read_value(text, i);
        i = next.max(key_start + 1);
        attrs.push((key, value));
    }
}

fn read_value(text: &str, mut i: usize) -> (String, usize) {
    let bytes = text.as_bytes();
    while i < bytes.len() && bytes[i].is_ascii_whitespace() {
        i += 1;
    }
    if i >= bytes.len() || bytes[i] != b'=' {
        return (String::new(), i);
    }
    i += 1;
    while i < bytes.len() && bytes[i].is_ascii_whitespace() {
        i += 1;
    }
    let (start, end) = match bytes.get(i) {
        Some(&q @ (b'"' | b'\'')) => {
            let end = text[i + 1..]
                .find(q as char)
                .map_or(bytes.len(), |j| i + 1 + j);
            (i + 1, end)
        }
        _ => {
            let end = text[i..]
                .find(|c: char| c.is_whitespace() || c == '>')
                .map_or(bytes.len(), |j| i + j);
            (i, end)
        }
    };
    let next = if end < bytes.len() && matches!(bytes[end], b'"' | b'\'') {
        end + 1
    } else {
        end
    };
    (decode_entities(&text[start..end]), next)
}

fn attr(attrs: &[(String, String)], name: &str) -> Option<String> {
    attrs
        .iter()
        .find(|(k, _)| k == name)
        .map(|(_, v)| v.clone())
}

/// HTML character references: the named ones forms use, and numeric ones.
fn decode_entities(s: &str) -> String {
    if !s.contains('&') {
        return s.to_owned();
    }
    let mut out = String::with_capacity(s.len());
    let mut rest = s;
    while let Some(amp) = rest.find('&') {
        out.push_str(&rest[..amp]);
        rest = &rest[amp..];
        let decoded = rest.find(';').filter(|&semi| semi <= 10).and_then(|semi| {
            let c = entity(&rest[1..semi])?;
            Some((c, semi + 1))
        });
        match decoded {
            Some((c, len)) => {
                out.push(c);
                rest = &rest[len..];
            }
            None => {
                out.push('&');
                rest = &rest[1..];
            }
        }
    }
    out.push_str(rest);
    out
}

fn entity(name: &str) -> Option<char> {
    let numeric = |digits: &str, radix| {
        u32::from_str_radix(digits, radix)
            .ok()
            .and_then(char::from_u32)
    };
    match name {
        "amp" => Some('&'),
        "lt" => Some('<'),
        "gt" => Some('>'),
        "quot" => Some('"'),
        "apos" => Some('\''),
        "plus" => Some('+'),
        "equals" => Some('='),
        "sol" => Some('/'),
        _ => match name.strip_prefix('#') {
            Some(hex) if hex.starts_with(['x', 'X']) => numeric(&hex[1..], 16),
            Some(dec) => numeric(dec, 10),
            None => None,
        },
    }
}

/// ASCII case-insensitive search for a needle that starts with `<`.
fn find_ci(hay: &str, needle: &str, from: usize) -> Option<usize> {
    let n = needle.as_bytes();
    memchr::memchr_iter(b'<', hay.as_bytes().get(from..)?)
        .map(|i| from + i)
        .find(|&i| {
            hay.as_bytes()
                .get(i..i + n.len())
                .is_some_and(|w| w.eq_ignore_ascii_case(n))
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_forms_with_entities_and_odd_quoting() {
        let page = r#"<!DOCTYPE html><html><body onload="document.forms[0].submit()">
<form method="post" action="https://gitlab.example.com/groups/acme/-/saml/callback">
<INPUT type=hidden name=SAMLResponse value="PHg&#x2B;eDwv&#43;&amp;"/>
<input type='hidden' name='RelayState' value='/a?b=c&amp;d'>
</form></body></html>"#;
        let forms = scan_forms(page);
        assert_eq!(forms.len(), 1);
        assert_eq!(
            forms[0].action.as_deref(),
            Some("https://gitlab.example.com/groups/acme/-/saml/callback")
        );
        assert_eq!(
            forms[0].fields[0],
            ("SAMLResponse".into(), "PHg+eDwv+&".into())
        );
        assert_eq!(field(&forms[0], "RelayState").as_deref(), Some("/a?b=c&d"));
    }

    #[test]
    fn detection_needs_an_input_and_a_saml_name() {
        assert!(is_html_form("<html><Input name='SAMLRequest'></html>"));
        assert!(!is_html_form(
            "<samlp:Response>SAMLResponse</samlp:Response>"
        ));
    }

    #[test]
    fn a_tag_opening_on_a_multibyte_character_does_not_panic() {
        // Found by the decode fuzz target: "<" followed by a non-ASCII character.
        for page in [
            "<input name=SAMLResponse value=x><э",
            "<э<input name=SAMLRequest value=y>",
            "<\u{10348}>",
        ] {
            let _ = scan_forms(page);
        }
        assert_eq!(
            scan_forms("<э><form action=a><input name=SAMLResponse value=v></form>")[0]
                .fields
                .len(),
            1
        );
    }

    #[test]
    fn unterminated_markup_does_not_panic() {
        for page in [
            "<input name=\"SAMLResponse\" value=\"abc",
            "<input",
            "<",
            "<form action=",
            "<input name=SAMLResponse value=",
            "&#xZZ;<input value='&#99999999;' name=SAMLRequest>",
        ] {
            let _ = scan_forms(page);
            let _ = unwrap_forms(page);
        }
    }
}
