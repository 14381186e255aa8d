//! XML signatures and encryption: what each `ds:Signature` covers, whether it verifies, and
//! what the encrypted parts hold.
//!
//! `describe` records signatures; `verify` checks them against `trust` anchors (`algorithms` is
//! the allow-list, `redirect` handles HTTP-Redirect query signatures); `decrypt`, `cipher` and
//! `open` open encrypted parts with the SP key; `wrapping` decides whether what is shown is what
//! was signed; [`check`] runs all of it for one message and `diagnose` words the findings.
//! Nothing here does I/O or reads the clock (keys arrive as bytes from the binary, the time as a
//! parameter), and nothing trusts a certificate because the message carries it.

pub mod algorithms;
pub mod cert;
pub mod cipher;
pub mod decrypt;
pub mod diagnose;
mod error;
pub mod gitlab;
pub mod open;
pub mod redirect;
mod report;
pub mod trust;
pub mod verify;
pub mod wrapping;

pub use decrypt::SpKey;
pub use error::{DsigError, KeyError};
pub use redirect::verify_redirect;
pub use report::{Keys, Report, check, issued_by_gitlab, mark_signer};
pub use trust::{Fingerprint, SsoService, Trust, TrustedKey};
pub use verify::{Status, Verification, verify_document};

use serde::Serialize;

use crate::xml::{Document, Element, ns};
pub use cert::CertInfo;

/// Who made a signature: the identity provider, or the service provider (GitLab) for the
/// requests it sends.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Signer {
    #[default]
    Idp,
    Sp,
}

impl Signer {
    pub fn is_idp(&self) -> bool {
        *self == Signer::Idp
    }
}

/// One `ds:Signature` of a document.
#[derive(Debug, Clone, Default, Serialize, PartialEq)]
pub struct SignatureInfo {
    /// Local name of the element the Signature sits in (`Response`, `Assertion`, …).
    pub element: String,
    /// Path of that element in the document.
    pub path: String,
    /// The first Reference URI without its `#`.
    pub reference: Option<String>,
    /// Short name of SignatureMethod (`rsa-sha256`), or the URI when unknown.
    pub algorithm: Option<String>,
    /// Short name of the first Reference's DigestMethod (`sha256`).
    pub digest: Option<String>,
    pub algorithm_uri: Option<String>,
    pub digest_uri: Option<String>,
    pub canonicalization: Option<String>,
    pub transforms: Vec<String>,
    /// What KeyInfo carries: `X509Certificate`, `RSAKeyValue`, … or `None` when absent.
    pub key_info: Option<String>,
    /// The first embedded certificate, when it parses.
    pub certificate: Option<CertInfo>,
    /// Why the embedded certificate could not be read.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub certificate_error: Option<String>,
    /// `None` without a trust anchor; `Some(true|false)` once verified against one.
    pub verified: Option<bool>,
    /// Outcome of the check: `verified`, `digest_ok`, `content_changed`, `wrong_key`, `no_key`,
    /// `not_checked`, `unsupported`, `refused` or `malformed`; absent when no check ran.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub status: Option<String>,
    /// Why the signature is not verified, in words.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
    /// Whether the referenced content still hashes to the signed digest.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub digest_valid: Option<bool>,
    /// Path of the element the Reference resolves to (what the signature really covers).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub covers: Option<String>,
    /// The trusted key that verified, or the keys tried, in words.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub key: Option<String>,
    /// The anchor certificate whose key verified.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub key_certificate: Option<CertInfo>,
    /// Whether the KeyInfo certificate is one the trust anchors name (`false` is SG004).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub keyinfo_certificate_trusted: Option<bool>,
    /// SHA-1 uses (`sha1 digest`, `rsa-sha1 signature`).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub weak: Vec<String>,
    /// True for a signature found inside a decrypted part.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub decrypted: bool,
    /// How many References SignedInfo holds, when more than one (only the first is checked,
    /// by samltrace as by GitLab).
    #[serde(skip_serializing_if = "is_one_or_less")]
    pub references: usize,
    /// True when the first Reference is `URI=""`: the whole document.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub whole_document: bool,
    /// True for the signature GitLab verifies (ruby-saml checks one signature per response; a
    /// broken signature it never reads does not stop the sign-in).
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub checked_by_gitlab: bool,
    /// `sp` for a signature GitLab made (checked with `--sp-cert` only).
    #[serde(skip_serializing_if = "Signer::is_idp")]
    pub signer: Signer,
}

fn is_one_or_less(n: &usize) -> bool {
    *n <= 1
}

impl SignatureInfo {
    /// Records what verification found (paths are already those of the received document).
    pub fn apply(&mut self, v: &Verification, trust: &Trust) {
        self.verified = v.verified(trust);
        self.status = Some(status_name(&v.status).to_owned());
        self.reason = v.status.reason();
        self.digest_valid = v.digest_valid;
        self.covers = v.covers.clone();
        self.key = v.key.clone();
        self.key_certificate = v.key_certificate.clone();
        self.keyinfo_certificate_trusted = v.keyinfo_certificate_trusted;
        self.weak = v.weak.clone();
        self.references = v.references;
        self.whole_document = v.whole_document;
    }

    /// True when this signature may vouch for what it covers: verified with a trusted key (or,
    /// with no anchors, intact), and sitting in the element it references.
    pub fn vouches(&self, anchored: bool) -> bool {
        let ok = match anchored {
            true => self.status.as_deref() == Some("verified"),
            false => self.status.as_deref() == Some("digest_ok"),
        };
        ok && self.covers.as_deref() == Some(self.path.as_str())
    }
}

fn status_name(s: &Status) -> &'static str {
    match s {
        Status::Verified => "verified",
        Status::DigestOk => "digest_ok",
        Status::ContentChanged { .. } => "content_changed",
        Status::WrongKey { .. } => "wrong_key",
        Status::NoKey(_) => "no_key",
        Status::NotChecked(_) => "not_checked",
        Status::Unsupported(_) => "unsupported",
        Status::Refused(_) => "refused",
        _ => "malformed",
    }
}

/// Every signature in the document, in document order.
pub fn describe(doc: &Document) -> Vec<SignatureInfo> {
    doc.elements()
        .filter(|e| e.is(ns::DS, "Signature"))
        .map(signature)
        .collect()
}

fn signature(sig: Element<'_>) -> SignatureInfo {
    let parent = sig.parent();
    let signed_info = sig.child(ns::DS, "SignedInfo");
    let reference = signed_info.and_then(|s| s.child(ns::DS, "Reference"));
    let algorithm_uri = algorithm_of(signed_info, "SignatureMethod");
    let digest_uri = algorithm_of(reference, "DigestMethod");
    let key_info = sig.child(ns::DS, "KeyInfo");
    let cert_text = key_info
        .and_then(|k| k.child(ns::DS, "X509Data"))
        .and_then(|d| d.child(ns::DS, "X509Certificate"))
        .map(|c| c.text().into_owned());
    let cert = cert_text.as_deref().map(CertInfo::from_base64);
    SignatureInfo {
        element: parent
            .map(|p| p.local_name().to_owned())
            .unwrap_or_default(),
        path: parent.map(|p| p.path()).unwrap_or_default(),
        reference: reference
            .and_then(|r| r.attr("URI"))
            .map(|u| u.strip_prefix('#').unwrap_or(u).to_owned()),
        algorithm: algorithm_uri.as_deref().map(short_name),
        digest: digest_uri.as_deref().map(short_name),
        canonicalization: algorithm_of(signed_info, "CanonicalizationMethod"),
        transforms: reference
            .and_then(|r| r.child(ns::DS, "Transforms"))
            .map(|t| {
                t.children_named(ns::DS, "Transform")
                    .filter_map(|x| x.attr("Algorithm").map(str::to_owned))
                    .collect()
            })
            .unwrap_or_default(),
        algorithm_uri,
        digest_uri,
        key_info: key_info.map(key_info_kind),
        certificate_error: match &cert {
            Some(Err(e)) => Some(e.to_string()),
            _ => None,
        },
        certificate: cert.and_then(Result::ok),
        // What verification finds is filled in by `SignatureInfo::apply`.
        ..SignatureInfo::default()
    }
}

fn algorithm_of(e: Option<Element<'_>>, child: &str) -> Option<String> {
    e.and_then(|e| e.child(ns::DS, child))
        .and_then(|m| m.attr("Algorithm"))
        .map(str::to_owned)
}

fn key_info_kind(k: Element<'_>) -> String {
    let kinds: Vec<&str> = k
        .descendants()
        .filter(|e| e.ns() == Some(ns::DS))
        .map(|e| e.local_name())
        .filter(|n| {
            matches!(
                *n,
                "X509Certificate" | "RSAKeyValue" | "ECKeyValue" | "KeyName" | "RetrievalMethod"
            )
        })
        .collect();
    match kinds.first() {
        Some(k) => (*k).to_owned(),
        None => "empty".to_owned(),
    }
}

/// `http://www.w3.org/2001/04/xmldsig-more#rsa-sha256` → `rsa-sha256`; `…#sha256-rsa-MGF1` →
/// `rsa-pss-sha256`. Unknown URIs are returned whole.
pub fn short_name(uri: &str) -> String {
    let known = uri.starts_with("http://www.w3.org/2000/09/xmldsig#")
        || uri.starts_with("http://www.w3.org/2001/04/xmldsig-more#")
        || uri.starts_with("http://www.w3.org/2001/04/xmlenc#")
        || uri.starts_with("http://www.w3.org/2007/05/xmldsig-more#")
        || uri.starts_with("http://www.w3.org/2009/xmldsig11#")
        || uri.starts_with("http://www.w3.org/2009/xmlenc11#");
    let Some((_, frag)) = uri.rsplit_once('#').filter(|_| known) else {
        return uri.to_owned();
    };
    match frag.strip_suffix("-rsa-MGF1") {
        Some(d) => format!("rsa-pss-{d}"),
        None => frag.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn short_names() {
        assert_eq!(
            short_name("http://www.w3.org/2001/04/xmldsig-more#rsa-sha256"),
            "rsa-sha256"
        );
        assert_eq!(short_name("http://www.w3.org/2000/09/xmldsig#sha1"), "sha1");
        assert_eq!(
            short_name("http://www.w3.org/2007/05/xmldsig-more#sha256-rsa-MGF1"),
            "rsa-pss-sha256"
        );
        assert_eq!(short_name("urn:x:y"), "urn:x:y");
    }
}
