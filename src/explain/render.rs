//! Explanations as text for a person and as `samltrace/v1` JSON for scripts.
//!
//! Pure: strings out. The message a person gave is untrusted and passes through
//! `sanitize::visible` before it reaches the text; the catalogue's texts are ours.

use std::fmt::Write;

use serde::Serialize;

use super::catalogue::{self, Debian, Entry, Frame, SaidBy};
use super::{Closest, Explanation};
use crate::checks::catalogue::lookup as check_info;
use crate::report::json::SCHEMA;
use crate::report::text::wrap;
use crate::sanitize::visible;

/// Width of the text after a field's label.
const WIDTH: usize = 84;
/// How much of the given message the heading shows.
const SHOWN: usize = 200;

/// Every explanation, separated by blank lines.
pub fn text(explanations: &[Explanation]) -> String {
    let mut out = String::new();
    for (i, e) in explanations.iter().enumerate() {
        if i > 0 {
            out.push('\n');
        }
        explanation(&mut out, e);
    }
    out
}

fn explanation(out: &mut String, e: &Explanation) {
    let _ = writeln!(out, "{}", heading(e));
    if let Some(frame) = e.frame {
        frame_fields(out, frame, e.reason.as_deref());
    }
    if e.recognised() {
        for entry in &e.matches {
            out.push('\n');
            entry_fields(out, entry);
        }
    } else {
        closest(out, &e.closest);
    }
}

fn heading(e: &Explanation) -> String {
    let shown = shorten(&visible(&e.query.text), SHOWN);
    match (e.query.line, e.query.field) {
        (Some(line), Some(field)) => format!("line {line} ({field}): \"{shown}\""),
        (None, Some(field)) => format!("{field}: \"{shown}\""),
        _ => format!("\"{shown}\""),
    }
}

fn shorten(text: &str, max: usize) -> String {
    if text.chars().count() <= max {
        return text.to_owned();
    }
    let cut: String = text.chars().take(max).collect();
    format!("{cut}…")
}

fn frame_fields(out: &mut String, frame: &Frame, reason: Option<&str>) {
    field(out, "Seen on", frame.seen);
    field(out, "Means", frame.meaning);
    field(out, "Frame", &format!("{} ({})", frame.message, frame.file));
    if let Some(reason) = reason {
        field(
            out,
            "Reason",
            &format!("\"{}\"", shorten(&visible(reason), SHOWN)),
        );
    }
}

fn entry_fields(out: &mut String, entry: &Entry) {
    field(out, entry.code, entry.title);
    for (i, message) in entry.messages.iter().enumerate() {
        field(out, if i == 0 { "Message" } else { "Also" }, message);
    }
    field(out, "Said by", &entry.source());
    if let Some(note) = entry.debian_note() {
        field(out, "Debian 1.13", &note);
    }
    field(out, "Cause", entry.cause);
    detected_by(out, entry);
    field(out, "Fix", entry.fix);
    field(out, "Capture", entry.capture);
    if let Some(docs) = entry.docs {
        field(
            out,
            "GitLab docs",
            &format!("{} {}", docs.cite(), docs.url()),
        );
    }
}

fn detected_by(out: &mut String, entry: &Entry) {
    let mut lines: Vec<String> = entry
        .checks
        .iter()
        .map(|code| match check_info(code) {
            Some(info) => format!("{code} {}", info.title),
            None => (*code).to_owned(),
        })
        .collect();
    if !entry.verdicts.is_empty() {
        lines.push(format!(
            "samltrace compare: verdict {}",
            entry.verdicts.join(", ")
        ));
    }
    if lines.is_empty() {
        lines.push("no samltrace check yet: read the response by eye".to_owned());
    }
    for (i, line) in lines.iter().enumerate() {
        field(out, if i == 0 { "Detected by" } else { "" }, line);
    }
}

fn closest(out: &mut String, closest: &[Closest]) {
    if closest.is_empty() {
        field(
            out,
            "Unknown",
            "Not a message samltrace knows, and none of its messages shares a word with it. \
             docs/gitlab-messages.md lists every message samltrace knows.",
        );
        return;
    }
    field(
        out,
        "Unknown",
        "Not a message samltrace knows. The closest it knows, with how much they have in \
         common:",
    );
    for (i, c) in closest.iter().enumerate() {
        let e = c.entry;
        out.push('\n');
        let label = format!("{}. {}", i + 1, e.code);
        field(
            out,
            &label,
            &format!("{} ({:.0}%)", e.title, c.score * 100.0),
        );
        field(
            out,
            "Message",
            e.messages.first().copied().unwrap_or_default(),
        );
        field(out, "Cause", e.cause);
        detected_by(out, e);
    }
    out.push('\n');
    field(
        out,
        "",
        "Paste GitLab's exact words for the whole entry; docs/gitlab-messages.md lists every \
         message samltrace knows.",
    );
}

/// One labelled field, wrapped with the label's column kept free below it.
fn field(out: &mut String, label: &str, text: &str) {
    for (i, line) in wrap(text, WIDTH).iter().enumerate() {
        let label = if i == 0 { label } else { "" };
        let _ = writeln!(out, "  {label:<13} {line}");
    }
}

// ---- JSON ------------------------------------------------------------------------------

#[derive(Serialize)]
struct Document<'a> {
    schema: &'static str,
    explanations: Vec<JsonExplanation<'a>>,
}

#[derive(Serialize)]
struct JsonExplanation<'a> {
    input: &'a str,
    line: Option<usize>,
    field: Option<&'static str>,
    recognised: bool,
    frame: Option<JsonFrame>,
    reason: Option<&'a str>,
    matches: Vec<JsonEntry>,
    closest: Vec<JsonClosest>,
}

#[derive(Serialize)]
struct JsonFrame {
    message: &'static str,
    seen: &'static str,
    meaning: &'static str,
    file: &'static str,
}

#[derive(Serialize)]
struct JsonClosest {
    score: f64,
    entry: JsonEntry,
}

/// An entry as JSON: every field of the catalogue.
#[derive(Serialize)]
pub struct JsonEntry {
    code: &'static str,
    title: &'static str,
    messages: &'static [&'static str],
    said_by: JsonSaidBy,
    ruby_saml_check: Option<&'static str>,
    debian_1_13: Option<JsonDebian>,
    cause: &'static str,
    checks: &'static [&'static str],
    verdicts: &'static [&'static str],
    fix: &'static str,
    capture: &'static str,
    docs: Option<String>,
}

#[derive(Serialize)]
struct JsonSaidBy {
    project: &'static str,
    version: Option<&'static str>,
    file: &'static str,
    class: Option<&'static str>,
}

#[derive(Serialize)]
struct JsonDebian {
    version: &'static str,
    /// "same", "differs" or "missing".
    words: &'static str,
    message: Option<&'static str>,
}

impl From<&Entry> for JsonEntry {
    fn from(e: &Entry) -> JsonEntry {
        JsonEntry {
            code: e.code,
            title: e.title,
            messages: e.messages,
            said_by: said_by(e.said_by),
            ruby_saml_check: e.ruby_saml_check(),
            debian_1_13: debian(e.said_by),
            cause: e.cause,
            checks: e.checks,
            verdicts: e.verdicts,
            fix: e.fix,
            capture: e.capture,
            docs: e.docs.map(|d| d.url()),
        }
    }
}

fn said_by(s: SaidBy) -> JsonSaidBy {
    match s {
        SaidBy::GitLab { file } => JsonSaidBy {
            project: "gitlab",
            version: None,
            file,
            class: None,
        },
        SaidBy::OmniauthSaml { file } => JsonSaidBy {
            project: "omniauth-saml",
            version: None,
            file,
            class: None,
        },
        SaidBy::RubySaml(r) => JsonSaidBy {
            project: "ruby-saml",
            version: Some(catalogue::RUBY_SAML),
            file: r.class.file(),
            class: Some(r.class.name()),
        },
    }
}

fn debian(s: SaidBy) -> Option<JsonDebian> {
    let SaidBy::RubySaml(r) = s else {
        return None;
    };
    let (words, message) = match r.debian_1_13 {
        Debian::Same => ("same", None),
        Debian::Words(w) => ("differs", Some(w)),
        Debian::Missing => ("missing", None),
    };
    Some(JsonDebian {
        version: catalogue::DEBIAN_RUBY_SAML,
        words,
        message,
    })
}

/// Every explanation as one `samltrace/v1` JSON object, pretty-printed, with a final newline.
pub fn json(explanations: &[Explanation]) -> String {
    let doc = Document {
        schema: SCHEMA,
        explanations: explanations.iter().map(json_explanation).collect(),
    };
    let mut s =
        serde_json::to_string_pretty(&doc).unwrap_or_else(|e| format!("{{\"error\":\"{e}\"}}"));
    s.push('\n');
    s
}

fn json_explanation(e: &Explanation) -> JsonExplanation<'_> {
    JsonExplanation {
        input: &e.query.text,
        line: e.query.line,
        field: e.query.field,
        recognised: e.recognised(),
        frame: e.frame.map(|f| JsonFrame {
            message: f.message,
            seen: f.seen,
            meaning: f.meaning,
            file: f.file,
        }),
        reason: e.reason.as_deref(),
        matches: e.matches.iter().map(|m| JsonEntry::from(*m)).collect(),
        closest: e
            .closest
            .iter()
            .map(|c| JsonClosest {
                score: (c.score * 100.0).round() / 100.0,
                entry: c.entry.into(),
            })
            .collect(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::explain::explain;

    #[test]
    fn text_of_a_framed_ruby_saml_message() {
        let e = explain(
            "Could not authorize you from SAML because \"Saml response must contain 1 assertion\".",
        )
        .unwrap();
        insta::assert_snapshot!(text(&e));
    }

    #[test]
    fn text_of_the_capitalisation_pair_and_an_unknown_message() {
        let mut e = explain(
            "Acme SAML authentication failed: Extern uid has already been taken. Please contact \
             your administrator to generate a unique extern_uid / NameID, User has already been \
             taken",
        )
        .unwrap();
        e.extend(explain("the SAML reply needs exactly one assertion inside").unwrap());
        insta::assert_snapshot!(text(&e));
    }

    #[test]
    fn untrusted_input_is_shown_visibly_in_text() {
        let e = explain("Fingerprint\u{1b}[31m mismatch\u{200B}").unwrap();
        let t = text(&e);
        assert!(!t.contains('\u{1b}'), "{t}");
        assert!(t.contains("<U+001B>") && t.contains("<U+200B>"), "{t}");
    }

    #[test]
    fn json_has_the_schema_and_every_entry_field() {
        let e = explain("Fingerprint mismatch").unwrap();
        let v: serde_json::Value = serde_json::from_str(&json(&e)).unwrap();
        assert_eq!(v["schema"], SCHEMA);
        let x = &v["explanations"][0];
        assert_eq!(x["recognised"], true);
        let m = &x["matches"][0];
        assert_eq!(m["code"], "RS050");
        assert_eq!(m["ruby_saml_check"], "validate_signature");
        assert_eq!(m["said_by"]["project"], "ruby-saml");
        assert_eq!(m["said_by"]["class"], "XMLSecurity::SignedDocument");
        assert_eq!(m["debian_1_13"]["words"], "same");
        assert_eq!(m["checks"][0], "SG004");
        for key in [
            "title", "messages", "cause", "verdicts", "fix", "capture", "docs",
        ] {
            assert!(m.get(key).is_some(), "{key}");
        }
        assert_eq!(x["closest"], serde_json::json!([]));
    }
}
