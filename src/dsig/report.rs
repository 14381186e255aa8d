//! Everything this layer says about one parsed message, in one call: signatures described and
//! verified (the received document's and those inside decrypted parts), encrypted parts opened,
//! and what the signatures cover against what is shown.
//!
//! Pure: the trust anchors and the SP key arrive as values. The checks turn this into findings.

use serde::Serialize;

use super::decrypt::{SpKey, WRAPPER};
use super::open::{DecryptionInfo, open_message};
use super::wrapping::{self, Coverage};
use super::{SignatureInfo, Trust, describe, verify_document};
use crate::saml::Message;
use crate::xml::Document;

/// What the administrator gave us to check and open messages with.
#[derive(Debug, Default)]
pub struct Keys {
    pub trust: Trust,
    pub sp_key: Option<SpKey>,
}

/// The signature and encryption facts of one message.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Report {
    /// True when trust anchors were given (so `verified` is true or false, not null).
    pub anchored: bool,
    /// The message with decrypted parts in place (the same message when nothing was opened).
    #[serde(skip)]
    pub message: Message,
    pub signatures: Vec<SignatureInfo>,
    pub decryption: Vec<DecryptionInfo>,
    pub coverage: Coverage,
}

/// Verifies, decrypts and compares for one message modelled from `doc`.
pub fn check(doc: &Document, msg: &Message, keys: &Keys) -> Report {
    let trust = &keys.trust;
    let mut signatures = verified(doc, trust, None);
    let mut decryption = Vec::new();
    let mut message = msg.clone();
    if let Some(key) = &keys.sp_key {
        let opened = open_message(doc, msg, key);
        for part in &opened.parts {
            decryption.push(part.info());
            if let Some(d) = part.document() {
                signatures.extend(verified(d, trust, Some(&part.path)));
            }
        }
        message = opened.message;
    }
    issuer_note(trust, &mut message);
    let anchored = !trust.is_empty();
    let coverage = wrapping::analyse(doc, &message, &signatures, anchored);
    Report {
        anchored,
        message,
        signatures,
        decryption,
        coverage,
    }
}

/// IdP metadata names the IdP: say so when the message's Issuer is another entity.
fn issuer_note(trust: &Trust, message: &mut Message) {
    let ids = &trust.metadata_entity_ids;
    let issuer = message
        .issuer
        .clone()
        .or_else(|| message.assertions.iter().find_map(|a| a.issuer.clone()));
    if let Some(issuer) = issuer.filter(|i| !ids.is_empty() && !ids.contains(i)) {
        message.notes.push(format!(
            "the Issuer {issuer:?} differs from the entityID of the IdP metadata given ({}): \
             the metadata may belong to another IdP or tenant",
            ids.join(", ")
        ));
    }
}

/// Describes and verifies every signature of `doc`; paths of a decrypted part's document are
/// rebased onto `base`, the path of its encrypted element.
fn verified(doc: &Document, trust: &Trust, base: Option<&str>) -> Vec<SignatureInfo> {
    let mut infos = describe(doc);
    for (info, v) in infos.iter_mut().zip(verify_document(doc, trust)) {
        info.apply(&v, trust);
        if let Some(base) = base {
            info.path = rebase(&info.path, base);
            info.covers = info.covers.as_deref().map(|c| rebase(c, base));
            info.decrypted = true;
        }
    }
    infos
}

fn rebase(path: &str, base: &str) -> String {
    let rest = path.strip_prefix(&format!("/{WRAPPER}")).unwrap_or(path);
    format!("{base}{rest}")
}
