//! Everything this layer says about one parsed message, in one call: signatures described and
//! verified (the received document's and those inside decrypted parts), encrypted parts opened,
//! what the signatures cover against what is shown, and which signature GitLab verifies.
//!
//! A message the service provider (GitLab) signed — an AuthnRequest, or a logout message whose
//! Issuer is GitLab's — is verified with the SP's certificate (`--sp-cert`) only, never judged
//! against the identity provider's.
//!
//! Pure: the trust anchors and the SP key arrive as values. The checks turn this into findings.

use std::sync::Arc;

use serde::Serialize;

use super::decrypt::{SpKey, WRAPPER};
use super::gitlab::{self, DecryptedDoc, GitLabSignature};
use super::open::{DecryptionInfo, open_message};
use super::wrapping::{self, Coverage};
use super::{SignatureInfo, Signer, Trust, describe, verify_document};
use crate::saml::{Message, MessageKind};
use crate::xml::Document;

/// What the administrator gave us to check and open messages with.
#[derive(Debug, Default)]
pub struct Keys {
    /// The identity provider's certificates and fingerprints.
    pub trust: Trust,
    /// The service provider's (GitLab's) own certificates (`--sp-cert`), for the messages it
    /// signs.
    pub sp_trust: Trust,
    pub sp_key: Option<SpKey>,
    /// GitLab's entity ID (`--sp-entity-id`, `--gitlab-group`): a logout message it issued was
    /// signed by GitLab.
    pub sp_entity_id: Option<String>,
}

impl Keys {
    /// Who signed a message of this kind and issuer.
    pub fn signer(&self, msg: &Message) -> Signer {
        match msg.kind {
            MessageKind::AuthnRequest => Signer::Sp,
            MessageKind::LogoutRequest | MessageKind::LogoutResponse
                if issued_by_gitlab(msg, self.sp_entity_id.as_deref()) =>
            {
                Signer::Sp
            }
            _ => Signer::Idp,
        }
    }

    /// The anchors a message's signatures are verified with.
    pub fn trust_for(&self, signer: Signer) -> &Trust {
        match signer {
            Signer::Idp => &self.trust,
            Signer::Sp => &self.sp_trust,
        }
    }
}

/// True when the message's Issuer is GitLab's entity ID: `sp_entity_id` when it is known, else
/// an ID shaped like a GitLab group's (`https://host/groups/path`) or instance SAML's metadata
/// URL.
pub fn issued_by_gitlab(msg: &Message, sp_entity_id: Option<&str>) -> bool {
    let Some(issuer) = msg.issuer.as_deref().map(str::trim) else {
        return false;
    };
    if let Some(sp) = sp_entity_id {
        return issuer == sp.trim();
    }
    let path = issuer
        .strip_prefix("https://")
        .or_else(|| issuer.strip_prefix("http://"))
        .and_then(|rest| rest.split_once('/'))
        .map(|(_, path)| path);
    path.is_some_and(|p| {
        let group = p
            .strip_prefix("groups/")
            .is_some_and(|g| !g.is_empty() && !g.contains("/-/") && !g.ends_with('/'));
        group || p == "users/auth/saml/metadata"
    })
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
    /// The decrypted parts' documents, for the checks that judge the decrypted message.
    #[serde(skip)]
    pub decrypted: Vec<Arc<DecryptedDoc>>,
    /// For a Response: which signature GitLab verifies and what it decides.
    #[serde(skip)]
    pub gitlab: Option<GitLabSignature>,
}

/// Verifies, decrypts and compares for one message modelled from `doc`.
pub fn check(doc: &Document, msg: &Message, keys: &Keys) -> Report {
    let signer = keys.signer(msg);
    let trust = keys.trust_for(signer);
    let mut signatures = verified(doc, trust, None);
    let mut decryption = Vec::new();
    let mut decrypted = Vec::new();
    let mut message = msg.clone();
    if let Some(key) = &keys.sp_key {
        let opened = open_message(doc, msg, key);
        for part in opened.parts {
            decryption.push(part.info());
            let first_signature = signatures.len();
            let path = part.path.clone();
            if let Some(d) = part.document() {
                signatures.extend(verified(d, trust, Some(&path)));
            }
            if let Ok(document) = part.outcome {
                decrypted.push(Arc::new(DecryptedDoc {
                    element: part.element,
                    path,
                    document,
                    first_signature,
                }));
            }
        }
        message = opened.message;
    }
    for s in &mut signatures {
        mark_signer(s, signer, trust);
    }
    issuer_note(trust, &mut message);
    let anchored = !trust.is_empty();
    let coverage = wrapping::analyse(doc, &message, &signatures, anchored);
    let gitlab = (message.kind == MessageKind::Response).then(|| {
        let parts: Vec<&DecryptedDoc> = decrypted.iter().map(Arc::as_ref).collect();
        gitlab::judge(doc, &parts, &signatures, trust)
    });
    if let Some(i) = gitlab.as_ref().and_then(|g| g.checked)
        && let Some(s) = signatures.get_mut(i)
    {
        s.checked_by_gitlab = true;
    }
    Report {
        anchored,
        message,
        signatures,
        decryption,
        coverage,
        decrypted,
        gitlab,
    }
}

/// Records who signed; a signature of GitLab's own checked without `--sp-cert` says so.
pub fn mark_signer(s: &mut SignatureInfo, signer: Signer, trust: &Trust) {
    s.signer = signer;
    if signer == Signer::Sp && trust.is_empty() {
        let digest = match s.digest_valid {
            Some(true) => "digests match; ",
            _ => "",
        };
        s.reason = Some(format!(
            "{digest}GitLab (the service provider) signed this message: give --sp-cert with              GitLab's SP certificate to check it (it is never checked against the IdP's)"
        ));
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
