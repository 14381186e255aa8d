//! A trace: one SAML message as captured, decoded, and judged.
//!
//! [`decode`] runs the pure pipeline — unwrap, parse, model, describe signatures — over one
//! input's bytes and returns one trace per payload found. A decode failure is a value stored in
//! the trace, next to the steps that worked.

use std::sync::Arc;

use serde::Serialize;

use crate::checks::{self, Context, Finding, Severity};
use crate::dsig::gitlab::{DecryptedDoc, GitLabSignature};
use crate::dsig::open::DecryptionInfo;
use crate::dsig::wrapping::Coverage;
use crate::dsig::{self, Keys, SignatureInfo};
use crate::input::{self, Origin, Payload, Stage, Step, UnwrapError};
use crate::saml::Message;
use crate::verdict::{self, Verdict};
use crate::xml::Document;

#[derive(Debug, Clone, Serialize, PartialEq)]
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
    fn failed(origin: Origin, encoding: Vec<Step>, error: TraceError) -> Trace {
        Trace {
            origin,
            encoding,
            message: None,
            xml: None,
            signatures: Vec::new(),
            redirect_signature: None,
            decryption: Vec::new(),
            coverage: None,
            findings: Vec::new(),
            verdict: None,
            gitlab_verdict: None,
            error: Some(error),
            documents: None,
            gitlab_signature: None,
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

    /// Runs the checks over the decoded message, with this trace's signatures in the context,
    /// and gives GitLab's verdict.
    pub fn check(&mut self, ctx: &Context) {
        let Some(message) = &self.message else { return };
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

/// Decodes every payload of one input.
pub fn decode(name: &str, bytes: &[u8]) -> Vec<Trace> {
    decode_with(name, bytes, &Keys::default())
}

/// Decodes every payload of one input, verifying signatures against `keys.trust` and opening
/// encrypted parts with `keys.sp_key`.
pub fn decode_with(name: &str, bytes: &[u8], keys: &Keys) -> Vec<Trace> {
    input::unwrap(name, bytes)
        .into_iter()
        .map(|u| from_unwrapped_with(u, keys))
        .collect()
}

/// One unwrapped payload (or the reason it could not be unwrapped) as a trace.
pub fn from_unwrapped(unwrapped: input::Unwrapped) -> Trace {
    from_unwrapped_with(unwrapped, &Keys::default())
}

/// One unwrapped payload as a trace, its signatures verified and encrypted parts opened with
/// `keys`.
pub fn from_unwrapped_with(unwrapped: input::Unwrapped, keys: &Keys) -> Trace {
    match unwrapped {
        Ok(payload) => from_payload_with(payload, keys),
        Err(e) => from_unwrap_error(e),
    }
}

fn from_unwrap_error(e: UnwrapError) -> Trace {
    let position = e.offset.map(|offset| Position {
        offset,
        line: None,
        column: None,
    });
    Trace::failed(
        *e.origin,
        e.steps,
        TraceError {
            stage: e.stage,
            message: e.message,
            position,
        },
    )
}

/// Parses and models one payload.
pub fn from_payload(payload: Payload) -> Trace {
    from_payload_with(payload, &Keys::default())
}

/// Parses, models, verifies and decrypts one payload.
pub fn from_payload_with(payload: Payload, keys: &Keys) -> Trace {
    let Payload {
        xml,
        steps,
        mut origin,
    } = payload;
    let doc = match Document::parse_bytes(xml) {
        Ok(doc) => doc,
        Err(e) => {
            let position = Some(Position {
                offset: e.offset,
                line: Some(e.line),
                column: Some(e.column),
            });
            let error = TraceError {
                stage: Stage::Xml,
                message: e.kind.to_string(),
                position,
            };
            return Trace::failed(origin, steps, error);
        }
    };
    let message = match Message::from_document(&doc) {
        Ok(m) => m,
        Err(e) => {
            let error = TraceError {
                stage: Stage::Saml,
                message: e.to_string(),
                position: None,
            };
            return Trace::failed(origin, steps, error);
        }
    };
    infer_origin(&mut origin, &message, &steps);
    let dsig::Report {
        message,
        signatures,
        decryption,
        coverage,
        decrypted,
        gitlab,
        ..
    } = dsig::check(&doc, &message, keys);
    let signer = keys.signer(&message);
    let redirect_signature = match (&origin.signed_query, &origin.sig_alg, &origin.signature) {
        (Some(q), Some(alg), Some(sig)) => {
            let trust = keys.trust_for(signer);
            let mut info = dsig::verify_redirect(q, alg, sig, trust, message.kind.name());
            dsig::mark_signer(&mut info, signer, trust);
            Some(info)
        }
        _ => None,
    };
    let coverage = (!signatures.is_empty()).then_some(coverage);
    let xml = Some(doc.text().to_owned());
    Trace {
        origin,
        encoding: steps,
        signatures,
        redirect_signature,
        decryption,
        coverage,
        message: Some(message),
        xml,
        findings: Vec::new(),
        verdict: None,
        gitlab_verdict: None,
        error: None,
        documents: Some(Documents {
            received: Arc::new(doc),
            decrypted,
        }),
        gitlab_signature: gitlab,
    }
}

/// A bare payload says nothing of how it travelled; the message and its encoding do.
fn infer_origin(origin: &mut Origin, message: &Message, steps: &[Step]) {
    if origin.param.is_none() {
        origin.param = message.kind.param().map(str::to_owned);
    }
    if origin.binding.is_none() && !steps.is_empty() {
        let deflated = steps.contains(&Step::Deflate);
        origin.binding = Some(if deflated { "redirect" } else { "post" }.to_owned());
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bare_base64_response_gets_param_and_binding() {
        use base64::Engine;
        let xml = r#"<samlp:Response xmlns:samlp="urn:oasis:names:tc:SAML:2.0:protocol" ID="_1"/>"#;
        let b64 = base64::engine::general_purpose::STANDARD.encode(xml);
        let traces = decode("x.b64", b64.as_bytes());
        assert_eq!(traces.len(), 1);
        let t = &traces[0];
        assert_eq!(t.origin.param.as_deref(), Some("SAMLResponse"));
        assert_eq!(t.origin.binding.as_deref(), Some("post"));
        assert_eq!(t.xml.as_deref(), Some(xml));
        assert_eq!(
            t.message.as_ref().map(|m| m.kind),
            Some(crate::saml::MessageKind::Response)
        );
    }

    #[test]
    fn xml_errors_carry_line_and_column() {
        let traces = decode(
            "d.xml",
            b"<?xml version='1.0'?>\n<!DOCTYPE x [<!ENTITY a 'b'>]>\n<x/>",
        );
        let e = traces[0].error.as_ref().unwrap();
        assert_eq!(e.stage, Stage::Xml);
        assert_eq!(e.position.and_then(|p| p.line), Some(2));
        let line = traces[0].error_line().unwrap();
        assert!(line.starts_with("d.xml: XML: DOCTYPE is refused"), "{line}");
        assert!(line.ends_with("at line 2, column 1"), "{line}");
    }

    #[test]
    fn error_line_names_the_steps_that_worked() {
        use base64::Engine;
        let b64 = base64::engine::general_purpose::STANDARD.encode("<a><b></a>");
        let traces = decode("arg:1", b64.as_bytes());
        let line = traces[0].error_line().unwrap();
        assert!(line.starts_with("arg:1: XML (after base64 ok): "), "{line}");
    }

    #[test]
    fn check_fills_findings_with_the_trace_signatures() {
        let xml = br#"<samlp:Response xmlns:samlp="urn:oasis:names:tc:SAML:2.0:protocol" ID="_1" Version="2.0" IssueInstant="2026-11-02T09:00:00Z"><samlp:Status><samlp:StatusCode Value="urn:oasis:names:tc:SAML:2.0:status:Requester"/></samlp:Status></samlp:Response>"#;
        let mut traces = decode("x.xml", xml);
        assert!(traces[0].findings.is_empty());
        let at = "2026-11-02T09:00:00Z".parse().unwrap();
        traces[0].check(&Context::new(at));
        assert_eq!(traces[0].findings.len(), 1, "{:#?}", traces[0].findings);
        assert_eq!(traces[0].findings[0].code, "ST001");
        assert!(traces[0].has_error_findings());
        let v = traces[0].gitlab_verdict.as_ref().unwrap();
        assert_eq!(v.check, Some("validate_success_status"));
        assert_eq!(
            v.summary,
            "GitLab refuses: The status code of the Response was not Success, was Requester"
        );
    }

    #[test]
    fn non_saml_xml_is_a_saml_stage_error() {
        let traces = decode("x", b"<html><body/></html>");
        assert_eq!(traces[0].error.as_ref().map(|e| e.stage), Some(Stage::Saml));
    }
}
