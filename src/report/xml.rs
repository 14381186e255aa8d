//! Pretty-printed XML for reading. Not the signed bytes: whitespace is re-laid, so a signature
//! cannot be checked over this output (the JSON `xml` field holds the document as received).

use std::fmt::Write;

use crate::sanitize;
use crate::xml::{Document, Element, NodeRef};

/// The notice printed before the pretty form.
pub const NOTICE: &str = "<!-- pretty-printed by samltrace for reading; not the signed bytes -->";

/// The document re-indented by two spaces per level, with the notice on the first line. Every
/// string is passed through the terminal sanitiser.
pub fn pretty(doc: &Document) -> String {
    titled(doc, None)
}

/// [`pretty`], with the notice naming where the document came from (`samples/okta.b64 · base64 ·
/// SAMLResponse`), so that several documents in one output can be told apart.
pub fn titled(doc: &Document, source: Option<&str>) -> String {
    let mut out = String::with_capacity(doc.text().len() * 2);
    match source {
        // A comment may not hold "--": a file name could.
        Some(source) => {
            let _ = write!(
                out,
                "<!-- {}: {} -->",
                source.replace("--", "- -"),
                &NOTICE[5..NOTICE.len() - 4]
            );
        }
        None => out.push_str(NOTICE),
    }
    out.push('\n');
    element(&mut out, doc.root(), 0);
    sanitize::multiline(&out).into_owned()
}

fn element(out: &mut String, e: Element<'_>, depth: usize) {
    let indent = "  ".repeat(depth);
    let _ = write!(out, "{indent}<{}", e.qname());
    for d in e.ns_decls() {
        match d.prefix {
            Some(p) => {
                let _ = write!(out, " xmlns:{p}=\"{}\"", escape(d.uri, true));
            }
            None => {
                let _ = write!(out, " xmlns=\"{}\"", escape(d.uri, true));
            }
        }
    }
    for a in e.attributes() {
        let name = a
            .prefix
            .map_or_else(|| a.local.to_owned(), |p| format!("{p}:{}", a.local));
        let _ = write!(out, " {name}=\"{}\"", escape(a.value, true));
    }
    let children: Vec<NodeRef<'_>> = e
        .children()
        .filter(|n| !matches!(n, NodeRef::Text(t) if t.trim().is_empty()))
        .collect();
    match children.as_slice() {
        [] => out.push_str("/>\n"),
        [NodeRef::Text(t)] => {
            let _ = writeln!(out, ">{}</{}>", escape(t, false), e.qname());
        }
        _ => {
            out.push_str(">\n");
            for child in children {
                node(out, child, depth + 1);
            }
            let _ = writeln!(out, "{indent}</{}>", e.qname());
        }
    }
}

fn node(out: &mut String, n: NodeRef<'_>, depth: usize) {
    let indent = "  ".repeat(depth);
    match n {
        NodeRef::Element(e) => element(out, e, depth),
        NodeRef::Text(t) => {
            let _ = writeln!(out, "{indent}{}", escape(t.trim(), false));
        }
        NodeRef::Comment(c) => {
            let _ = writeln!(out, "{indent}<!--{c}-->");
        }
        NodeRef::Pi { target, data } => {
            let _ = writeln!(out, "{indent}<?{target} {data}?>");
        }
    }
}

fn escape(s: &str, attr: bool) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' if !attr => out.push_str("&gt;"),
            '"' if attr => out.push_str("&quot;"),
            '\n' if attr => out.push_str("&#10;"),
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn indents_and_keeps_names_and_declarations() {
        let doc = Document::parse(
            "<p:a xmlns:p=\"urn:p\" x=\"1&amp;2\"><p:b>t &lt; u</p:b><!--c--><p:c/>\n</p:a>".into(),
        )
        .unwrap();
        let out = pretty(&doc);
        let expected = format!(
            "{NOTICE}\n<p:a xmlns:p=\"urn:p\" x=\"1&amp;2\">\n  <p:b>t &lt; u</p:b>\n  <!--c-->\n  <p:c/>\n</p:a>\n"
        );
        assert_eq!(out, expected);
    }

    #[test]
    fn the_notice_names_the_source() {
        let doc = Document::parse("<a/>".into()).unwrap();
        assert_eq!(
            titled(&doc, Some("in--put.b64 · base64 · SAMLResponse")),
            "<!-- in- -put.b64 · base64 · SAMLResponse: pretty-printed by samltrace for reading; not the signed bytes -->\n<a/>\n"
        );
    }

    #[test]
    fn escape_sequences_never_reach_the_terminal() {
        // ESC itself is refused by the parser (XML forbids C0 controls); the C1 CSI is XML text.
        let doc = Document::parse("<a>\u{9b}2J</a>".into()).unwrap();
        assert!(!pretty(&doc).contains('\u{9b}'));
    }
}
