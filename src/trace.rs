//! A trace: one SAML message as captured, decoded, and judged. The pipeline (`crate::pipeline`)
//! makes them; the reports and the TUI show them.
//!
//! A decode failure is a value stored in the trace, next to the steps that worked.

use std::sync::Arc;

use jiff::Timestamp;
use serde::Serialize;

use crate::checks::{self, Context, Finding, Severity};
use crate::dsig::SignatureInfo;
use crate::dsig::gitlab::{DecryptedDoc, GitLabSignature};
use crate::dsig::open::DecryptionInfo;
use crate::dsig::wrapping::Coverage;
use crate::input::{Origin, Stage, Step};
use crate::saml::Message;
use crate::verdict::{self, Verdict};
use crate::xml::Document;

#[derive(Debug, Clone, Default, Serialize, PartialEq)]
pub struct Trace {
    pub origin: Origin,
    /// Transport steps undone, in order (`["url", "base64", "deflate"]`); empty for raw XML.
    pub encoding: Vec<Step>,
    pub message: Option<Message>,
    /// The decoded document exactly as received (not re-serialised).
    pub xml: Option<String>,
    pub signatures: Vec<SignatureInfo>,
    /// The HTTP-Redirect binding's query signature (`SigAlg` + `Signature`), when present: it
    /// signs the query, not an element, so it is kept apart from the document's signatures.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub redirect_signature: Option<SignatureInfo>,
    /// Encrypted parts and what became of them (only with `--sp-key`).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub decryption: Vec<DecryptionInfo>,
    /// Which assertion is shown and what the signatures cover (present when signed).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub coverage: Option<Coverage>,
    /// What the checks found, errors first; empty until [`Trace::check`] runs.
    pub findings: Vec<Finding>,
    /// The identity verdict for the NameID; null without `--scim`.
    pub verdict: Option<crate::compare::Verdict>,
    /// GitLab's verdict on the message (ruby-saml's); set by [`Trace::check`].
    pub gitlab_verdict: Option<Verdict>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error: Option<TraceError>,
    /// The instant the checks judged the message at (`--at`, its entry's time, or now); `None`
    /// until [`Trace::check`] runs.
    #[serde(skip)]
    pub judged_at: Option<Timestamp>,
    /// The parsed documents, for the verdict.
    #[serde(skip)]
    pub documents: Option<Documents>,
    /// Which signature GitLab verifies and what it decides (Responses).
    #[serde(skip)]
    pub gitlab_signature: Option<GitLabSignature>,
}

/// The received document and its decrypted parts, shared between copies of a trace and compared
/// by their text.
#[derive(Debug, Clone)]
pub struct Documents {
    pub received: Arc<Document>,
    pub decrypted: Vec<Arc<DecryptedDoc>>,
}

impl PartialEq for Documents {
    fn eq(&self, other: &Self) -> bool {
        self.received.text() == other.received.text() && self.decrypted == other.decrypted
    }
}

/// Why a payload could not be decoded.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct TraceError {
    pub stage: Stage,
    pub message: String,
    pub position: Option<Position>,
}

/// Where in the failing stage's input the problem is. `line` and `column` are 1-based and given
/// for XML.
#[derive(Debug, Clone, Copy, Serialize, PartialEq, Eq)]
pub struct Position {
    pub offset: usize,
    pub line: Option<usize>,
    pub column: Option<usize>,
}

impl Trace {
    /// A payload that could not be decoded: what worked (`encoding`) and where it failed.
    pub fn failed(origin: Origin, encoding: Vec<Step>, error: TraceError) -> Trace {
        Trace {
            origin,
            encoding,
            error: Some(error),
            ..Trace::default()
        }
    }

    /// A part of an input that could not be read at all (a broken HAR entry): `message: null`
    /// and an `input`-stage error at `offset`.
    pub fn unreadable(origin: Origin, message: String, offset: Option<usize>) -> Trace {
        let position = offset.map(|offset| Position {
            offset,
            line: None,
            column: None,
        });
        let error = TraceError {
            stage: Stage::Input,
            message,
            position,
        };
        Trace::failed(origin, Vec::new(), error)
    }

    pub fn is_error(&self) -> bool {
        self.error.is_some()
    }

    /// Whether `other` is another occurrence of the same message: the same decoded document,
    /// byte for byte (a HAR often holds one Response twice: the IdP's page and the POST it made).
    /// Traces that could not be decoded are never the same message.
    pub fn same_message(&self, other: &Trace) -> bool {
        match (&self.xml, &other.xml) {
            (Some(a), Some(b)) => self.error.is_none() && other.error.is_none() && a == b,
            _ => false,
        }
    }

    /// Runs the checks over the decoded message, with this trace's signatures in the context,
    /// and gives GitLab's verdict.
    pub fn check(&mut self, ctx: &Context) {
        let Some(message) = &self.message else { return };
        self.judged_at = Some(ctx.at);
        let mut ctx = ctx.clone();
        ctx.signatures = self.signatures.clone();
        ctx.redirect_signature = self.redirect_signature.clone();
        ctx.coverage = self.coverage.clone();
        ctx.decryption = self.decryption.clone();
        self.findings = checks::run(message, &ctx);
        let Some(docs) = &self.documents else { return };
        let input = verdict::Input {
            document: &docs.received,
            decrypted: &docs.decrypted,
            message,
            signatures: &self.signatures,
            signature: self.gitlab_signature.as_ref(),
            decryption: &self.decryption,
        };
        let judged = verdict::judge(&input, &ctx, &self.findings);
        self.findings.extend(judged.findings);
        self.findings.sort_by_key(|f| f.severity);
        self.gitlab_verdict = Some(judged.verdict);
    }

    /// True when a check found an error (something that stops the sign-in).
    pub fn has_error_findings(&self) -> bool {
        self.findings.iter().any(|f| f.severity == Severity::Error)
    }

    /// Where the message came from and how it was unwrapped, in parts for a heading:
    /// `samples/x.txt:3`, the place in a capture, the decoding steps (`base64 → deflate`, or
    /// `raw XML`), the parameter and binding (`SAMLResponse via HTTP-POST`). Values are as
    /// received: the caller makes them visible.
    pub fn provenance(&self) -> Vec<String> {
        let o = &self.origin;
        let mut input = o.input.clone();
        if let Some(line) = o.line {
            input.push_str(&format!(":{line}"));
        }
        if let Some(entry) = o.har_entry {
            input.push_str(&format!(" entry {entry}"));
        }
        let mut parts = vec![input];
        parts.extend(o.location.clone());
        let steps: Vec<&str> = self.encoding.iter().map(|s| s.label()).collect();
        parts.push(if steps.is_empty() {
            "raw XML".to_owned()
        } else {
            steps.join(" → ")
        });
        if let Some(param) = &o.param {
            let via = match o.binding.as_deref() {
                Some("redirect") => " via HTTP-Redirect",
                Some("post") => " via HTTP-POST",
                _ => "",
            };
            parts.push(format!("{param}{via}"));
        }
        parts
    }

    /// A one-line description of the failure: the input, where in it, the stage and what worked.
    pub fn error_line(&self) -> Option<String> {
        let e = self.error.as_ref()?;
        let mut at = self.origin.input.clone();
        if let Some(line) = self.origin.line {
            at.push_str(&format!(" line {line}"));
        }
        if let Some(entry) = self.origin.har_entry {
            at.push_str(&format!(" entry {entry}"));
        }
        let after = if self.encoding.is_empty() {
            String::new()
        } else {
            let steps: Vec<&str> = self.encoding.iter().map(|s| s.label()).collect();
            format!(" (after {} ok)", steps.join(", "))
        };
        let position = match e.position {
            Some(Position {
                line: Some(l),
                column: Some(c),
                ..
            }) => format!(" at line {l}, column {c}"),
            _ => String::new(),
        };
        Some(format!(
            "{at}: {}{after}: {}{position}",
            e.stage.label(),
            e.message
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn decoded(xml: &str) -> Trace {
        Trace {
            xml: Some(xml.to_owned()),
            ..Trace::default()
        }
    }

    #[test]
    fn occurrences_of_one_document_are_the_same_message() {
        assert!(decoded("<a/>").same_message(&decoded("<a/>")));
        assert!(!decoded("<a/>").same_message(&decoded("<a />")));
    }

    #[test]
    fn failures_are_never_merged() {
        let failed = Trace::unreadable(Origin::default(), "broken".into(), None);
        assert!(!failed.same_message(&failed.clone()));
        let mut half = decoded("<a/>");
        half.error = failed.error.clone();
        assert!(!half.same_message(&decoded("<a/>")));
    }
}
