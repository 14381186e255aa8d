//! The stages between one unwrapped payload and a trace: parse the XML, read the model, verify
//! the signatures and open the encrypted parts. Judging (checks, identity verdict) comes after,
//! in [`super::Pipeline`] or the flow assembler.
//!
//! Pure: bytes and keys in, a trace out. A failure is a value stored in the trace, next to the
//! steps that worked.

use crate::dsig::{self, Keys};
use crate::input::{Origin, Payload, Stage, Step, UnwrapError, Unwrapped};
use crate::saml::Message;
use std::sync::Arc;

use crate::trace::{Documents, Position, Trace, TraceError};
use crate::xml::Document;

/// One unwrapped payload (or the reason it could not be unwrapped) as a trace, its signatures
/// verified and encrypted parts opened with `keys`.
pub(crate) fn unwrapped(found: Unwrapped, keys: &Keys) -> Trace {
    match found {
        Ok(payload) => payload_trace(payload, keys),
        Err(e) => unwrap_error(e),
    }
}

fn unwrap_error(e: UnwrapError) -> Trace {
    let position = e.offset.map(|offset| Position {
        offset,
        line: None,
        column: None,
    });
    let error = TraceError {
        stage: e.stage,
        message: e.message,
        position,
    };
    Trace::failed(*e.origin, e.steps, error)
}

/// Parses, models, verifies and decrypts one payload.
fn payload_trace(payload: Payload, keys: &Keys) -> Trace {
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
    Trace {
        origin,
        encoding: steps,
        signatures,
        redirect_signature,
        decryption,
        coverage,
        message: Some(message),
        xml: Some(doc.text().to_owned()),
        documents: Some(Documents {
            received: Arc::new(doc),
            decrypted,
        }),
        gitlab_signature: gitlab,
        ..Trace::default()
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
