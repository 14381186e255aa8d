//! Signatures as GitLab sees them: which signature of a Response GitLab's SAML library verifies,
//! and whether it accepts the certificate and the cryptography, in ruby-saml's words.
//!
//! Followed: ruby-saml 1.13.0 as Debian packages it (`lib/onelogin/ruby-saml/response.rb`,
//! `Response#validate_signature`, `#xpath_from_signed_assertion`, `#generate_decrypted_document`;
//! `lib/xml_security.rb`, `SignedDocument#validate_document`, `#validate_document_with_cert`,
//! `#extract_signed_element_id`) and the 1.18 `xml_security.rb` GitLab runs, whose steps and
//! messages are the same: one signature is verified, the first `ds:Signature` of the document
//! (of the decrypted document when the Response itself is not signed), with the certificate of
//! the first `ds:X509Certificate` in the document, which must match the configured fingerprint
//! (`idp_cert_fingerprint`, SHA-1 by default: GitLab.com group SAML and most Self-Managed
//! instances) or equal the configured certificate (`idp_cert`; several in `idp_cert_multi`).
//! A signature it does not read cannot stop a sign-in.
//!
//! [`RubyDocument`] is the document as ruby-saml walks it (the decrypted assertion appended to the
//! Response in place of its EncryptedAssertion). Pure: it reads the verification results of
//! `verify` and the trust anchors; it does no cryptography of its own.

use serde::Serialize;

use super::cert::{self, CertInfo};
use super::{SignatureInfo, Trust, TrustedKey};
use crate::xml::{Document, Element, ns};

/// A decrypted part's document, kept for the checks that judge the decrypted message.
#[derive(Debug)]
pub struct DecryptedDoc {
    /// `EncryptedAssertion`, `EncryptedID` or `EncryptedAttribute`.
    pub element: String,
    /// Path of the encrypted element in the received document.
    pub path: String,
    /// A wrapper root whose children are the decrypted elements.
    pub document: Document,
    /// Index in the report's signatures of this part's first signature.
    pub first_signature: usize,
}

impl PartialEq for DecryptedDoc {
    fn eq(&self, other: &Self) -> bool {
        self.path == other.path && self.document.text() == other.document.text()
    }
}

/// The document ruby-saml validates: the received one, or its "decrypted document" (the
/// Response without its first EncryptedAssertion and with the decrypted Assertion appended).
#[derive(Debug, Clone, Copy)]
pub struct RubyDocument<'d> {
    root: Element<'d>,
    removed: Option<Element<'d>>,
    appended: Option<Element<'d>>,
}

/// The signed element's ID as ruby-saml's `extract_signed_element_id` finds it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SignedId {
    /// No `ds:Signature/ds:SignedInfo/ds:Reference` in the document.
    None,
    Id(String),
    /// The first Reference has no URI: ruby-saml raises NoMethodError.
    Crash,
}

impl SignedId {
    pub fn as_deref(&self) -> Option<&str> {
        match self {
            SignedId::Id(id) => Some(id),
            _ => None,
        }
    }
}

impl<'d> RubyDocument<'d> {
    pub fn received(doc: &'d Document) -> RubyDocument<'d> {
        RubyDocument {
            root: doc.root(),
            removed: None,
            appended: None,
        }
    }

    /// The decrypted document, when the root's first EncryptedAssertion was decrypted.
    pub fn decrypted(doc: &'d Document, parts: &[&'d DecryptedDoc]) -> Option<RubyDocument<'d>> {
        let root = doc.root();
        let encrypted = root.child(ns::SAML, "EncryptedAssertion")?;
        let path = encrypted.path();
        let part = parts.iter().find(|p| p.path == path)?;
        let assertion = part.document.root().child_elements().next()?;
        Some(RubyDocument {
            root,
            removed: Some(encrypted),
            appended: Some(assertion),
        })
    }

    pub fn root(&self) -> Element<'d> {
        self.root
    }

    pub fn is_decrypted(&self) -> bool {
        self.appended.is_some()
    }

    /// The root's child elements, as ruby-saml sees them.
    pub fn children(&self) -> Vec<Element<'d>> {
        let removed = self.removed;
        self.root
            .child_elements()
            .filter(|c| Some(*c) != removed)
            .chain(self.appended)
            .collect()
    }

    /// Every element in document order.
    pub fn elements(&self) -> impl Iterator<Item = Element<'d>> + use<'d> {
        let removed = self.removed;
        let inside_removed = move |e: &Element<'d>| {
            removed.is_some_and(|r| *e == r || e.ancestors().any(|a| a == r))
        };
        let appended = self
            .appended
            .into_iter()
            .flat_map(|a| std::iter::once(a).chain(a.descendants()));
        std::iter::once(self.root)
            .chain(self.root.descendants())
            .filter(move |e| !inside_removed(e))
            .chain(appended)
    }

    /// ruby-saml's `signed_element_id`: the first `//ds:Signature/ds:SignedInfo/ds:Reference`'s
    /// URI without its first character, or, for `URI=""`, the ID of the Signature's parent.
    pub fn signed_element_id(&self) -> SignedId {
        let reference = self.elements().find(|e| {
            e.is(ns::DS, "Reference")
                && e.parent().is_some_and(|p| {
                    p.is(ns::DS, "SignedInfo")
                        && p.parent().is_some_and(|s| s.is(ns::DS, "Signature"))
                })
        });
        let Some(reference) = reference else {
            return SignedId::None;
        };
        match reference.attr("URI") {
            None => SignedId::Crash,
            Some("") => {
                let owner = reference.ancestors().nth(2);
                match owner.and_then(|o| o.attr("ID")) {
                    Some(id) => SignedId::Id(id.to_owned()),
                    None => SignedId::Crash,
                }
            }
            Some(uri) => SignedId::Id(uri.chars().skip(1).collect()),
        }
    }

    /// `xpath_from_signed_assertion("")`: the root's Assertion children whose ID is the signed
    /// element's, then, when the Response itself is the signed element, all its Assertions.
    pub fn signed_assertions(&self) -> Vec<Element<'d>> {
        let SignedId::Id(id) = self.signed_element_id() else {
            return Vec::new();
        };
        let assertions: Vec<Element<'d>> = self
            .children()
            .into_iter()
            .filter(|c| c.is(ns::SAML, "Assertion"))
            .collect();
        let mut out: Vec<Element<'d>> = assertions
            .iter()
            .copied()
            .filter(|a| a.attr("ID") == Some(id.as_str()))
            .collect();
        if self.root.attr("ID") == Some(id.as_str()) {
            out.extend(assertions);
        }
        out
    }

    /// The text of the first `ds:X509Certificate` (what ruby-saml verifies the signature with).
    pub fn first_certificate(&self) -> Option<String> {
        self.elements()
            .find(|e| e.is(ns::DS, "X509Certificate"))
            .map(|c| c.text().into_owned())
    }
}

/// Which signature GitLab verifies, and what it decides.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct GitLabSignature {
    /// Index in the report's signatures of the one ruby-saml verifies.
    pub checked: Option<usize>,
    pub outcome: SignatureOutcome,
}

/// What `validate_signature` decides.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "outcome", rename_all = "snake_case")]
pub enum SignatureOutcome {
    Accepted,
    /// No trust anchor was given, so the verdict cannot be made.
    Unchecked,
    Refused {
        /// ruby-saml's message, verbatim; `None` when ruby-saml raises another exception.
        message: Option<String>,
        /// Why, with the values.
        reason: String,
    },
}

fn refused(message: &str, reason: impl Into<String>) -> SignatureOutcome {
    SignatureOutcome::Refused {
        message: Some(message.to_owned()),
        reason: reason.into(),
    }
}

/// `Response#validate_signature` for a Response modelled from `doc`, its decrypted parts and the
/// verification results `sigs` (received document first, then each part's, as `report` orders
/// them).
pub fn judge(
    doc: &Document,
    parts: &[&DecryptedDoc],
    sigs: &[SignatureInfo],
    trust: &Trust,
) -> GitLabSignature {
    let original = RubyDocument::received(doc);
    let decrypted = RubyDocument::decrypted(doc, parts);
    let root = doc.root();
    let sei0 = original.signed_element_id();
    let root_sigs: Vec<Element<'_>> = match &sei0 {
        SignedId::Id(id) if root.attr("ID") == Some(id.as_str()) => {
            root.children_named(ns::DS, "Signature").collect()
        }
        _ => Vec::new(),
    };
    let view = match decrypted {
        Some(d) if root_sigs.len() != 1 => d,
        _ => original,
    };
    let sei = view.signed_element_id();
    if sei == SignedId::Crash {
        return GitLabSignature {
            checked: None,
            outcome: SignatureOutcome::Refused {
                message: None,
                reason: "the first Reference has no URI: ruby-saml cannot tell what is signed \
                         and fails with an exception (NoMethodError)"
                    .to_owned(),
            },
        };
    }
    let found = match root_sigs.is_empty() {
        false => root_sigs.len(),
        true => view
            .children()
            .into_iter()
            .filter(|c| c.is(ns::SAML, "Assertion") && c.attr("ID") == sei.as_deref())
            .flat_map(|a| a.children_named(ns::DS, "Signature"))
            .count(),
    };
    let id = sei.as_deref().unwrap_or("");
    if found != 1 {
        let (message, what) = match found {
            0 => (
                format!("Signed element id #{id} is not found"),
                "no signature sits in the Response or in an Assertion with that ID",
            ),
            _ => (
                format!("Signed element id #{id} is found more than once"),
                "more than one signature sits in the signed element",
            ),
        };
        return GitLabSignature {
            checked: None,
            outcome: refused(&message, format!("the first Reference names #{id}; {what}")),
        };
    }
    let first = view.elements().find(|e| e.is(ns::DS, "Signature"));
    let checked = first.and_then(|s| index_of(s, doc, parts));
    let outcome = match checked.and_then(|i| sigs.get(i)) {
        Some(sig) => trust_outcome(&view, sig, trust),
        None => refused(
            "Invalid Signature on SAML Response",
            "no signature to verify",
        ),
    };
    GitLabSignature { checked, outcome }
}

/// The index in the report's signatures of a Signature element of `doc` or of a part.
fn index_of(sig: Element<'_>, doc: &Document, parts: &[&DecryptedDoc]) -> Option<usize> {
    let position = |d: &Document| {
        d.elements()
            .filter(|e| e.is(ns::DS, "Signature"))
            .position(|e| e == sig)
    };
    if std::ptr::eq(sig.document(), doc) {
        return position(doc);
    }
    parts
        .iter()
        .find(|p| std::ptr::eq(sig.document(), &p.document))
        .and_then(|p| position(&p.document).map(|i| p.first_signature + i))
}

/// `validate_document` (one certificate or a fingerprint) and `validate_document_with_cert` (for
/// each of several certificates), decided from what verification found.
fn trust_outcome(view: &RubyDocument<'_>, sig: &SignatureInfo, trust: &Trust) -> SignatureOutcome {
    if trust.is_empty() {
        return SignatureOutcome::Unchecked;
    }
    let first = view
        .first_certificate()
        .map(|t| cert::decode_base64_cert(&t));
    let first = match first {
        None => None,
        Some(Ok(der)) if CertInfo::from_der(&der).is_ok() => Some(der),
        Some(_) => {
            return refused(
                "Document Certificate Error",
                "the first ds:X509Certificate of the message is not a readable X.509 certificate",
            );
        }
    };
    let single = !trust.fingerprints.is_empty() || trust.keys.len() == 1;
    match (single, first) {
        (true, None) if trust.keys.is_empty() => refused(
            "Certificate element missing in response (ds:X509Certificate) and not cert provided \
             at settings",
            "the message carries no certificate, and a fingerprint alone cannot verify a \
             signature: the IdP must include its certificate in KeyInfo",
        ),
        (true, None) => crypto(sig, trust.keys.first()),
        (true, Some(der)) => {
            let matches = match trust.fingerprints.is_empty() {
                false => trust.matches_fingerprint(&der),
                true => trust
                    .keys
                    .first()
                    .is_some_and(|k| same_certificate(k, &der)),
            };
            if !matches {
                return refused("Fingerprint mismatch", mismatch_reason(&der, trust));
            }
            crypto_with_certificate(sig, &der)
        }
        (false, first) => {
            let candidates: Vec<&TrustedKey> = trust
                .keys
                .iter()
                .filter(|k| first.as_deref().is_none_or(|der| same_certificate(k, der)))
                .collect();
            let outcome = candidates
                .iter()
                .map(|k| crypto(sig, Some(k)))
                .find(|o| *o == SignatureOutcome::Accepted);
            match (outcome, candidates.is_empty()) {
                (Some(ok), _) => ok,
                (None, true) => refused(
                    "Invalid Signature on SAML Response",
                    "the certificate in the message is none of the certificates given \
                     (ruby-saml: \"Certificate of the Signature element does not match provided \
                     certificate\")",
                ),
                (None, false) => match crypto(sig, candidates.first().copied()) {
                    SignatureOutcome::Refused { reason, .. } => SignatureOutcome::Refused {
                        message: Some("Invalid Signature on SAML Response".to_owned()),
                        reason,
                    },
                    other => other,
                },
            }
        }
    }
}

/// True when the message's certificate is the anchor (or carries a bare anchor's key).
fn same_certificate(k: &TrustedKey, der: &[u8]) -> bool {
    match &k.cert_der {
        Some(c) => c == der,
        None => super::trust::certificate_key(der).is_ok_and(|key| key.same_key(&k.key)),
    }
}

fn mismatch_reason(der: &[u8], trust: &Trust) -> String {
    let sha1 = CertInfo::from_der(der).map(|c| c.sha1).unwrap_or_default();
    let configured: Vec<String> = trust
        .keys
        .iter()
        .filter_map(|k| k.certificate.as_ref().map(|c| c.sha1.clone()))
        .collect();
    let configured = match (configured.is_empty(), trust.fingerprints.is_empty()) {
        (_, false) => "the configured fingerprint".to_owned(),
        (false, true) => format!(
            "the configured certificate's (SHA-1 {})",
            configured.join(", ")
        ),
        (true, true) => "the configured key".to_owned(),
    };
    format!(
        "the certificate in the message (SHA-1 {sha1}) does not match {configured}: ruby-saml \
         compares the first certificate of the message, and refuses it even when the configured \
         key would verify the signature"
    )
}

/// The cryptography, with the key GitLab would use: the message's certificate.
fn crypto_with_certificate(sig: &SignatureInfo, der: &[u8]) -> SignatureOutcome {
    let sha256 = CertInfo::from_der(der).map(|c| c.sha256).ok();
    match crypto(sig, None) {
        SignatureOutcome::Accepted => {
            let by = sig.key_certificate.as_ref().map(|c| &c.sha256);
            if by.is_some() && by != sha256.as_ref() {
                return refused(
                    "Key validation error",
                    "the signature verifies with the configured certificate, but ruby-saml \
                     checks it with the message's certificate, whose key did not sign it",
                );
            }
            SignatureOutcome::Accepted
        }
        other => other,
    }
}

/// What verification found, in ruby-saml's words (`validate_signature` of `xml_security.rb`).
/// `key` is the anchor ruby-saml would use; `None` when it uses the message's certificate.
fn crypto(sig: &SignatureInfo, key: Option<&TrustedKey>) -> SignatureOutcome {
    let status = sig.status.as_deref().unwrap_or("");
    let reason = sig.reason.clone().unwrap_or_default();
    match status {
        "verified" => {
            if let (Some(k), Some(by)) = (
                key.and_then(|k| k.certificate.as_ref()),
                &sig.key_certificate,
            ) && k.sha256 != by.sha256
            {
                return refused(
                    "Key validation error",
                    "the signature verifies with another of the given certificates than the one \
                     ruby-saml uses",
                );
            }
            match unsupported_by_ruby_saml(sig) {
                Some(why) => refused("Key validation error", why),
                None => SignatureOutcome::Accepted,
            }
        }
        "digest_ok" => SignatureOutcome::Unchecked,
        "content_changed" => refused("Digest mismatch", reason),
        "wrong_key" | "no_key" => refused("Key validation error", reason),
        _ => refused("Invalid Signature on SAML Response", reason),
    }
}

/// Signature algorithms the XML signature standard allows but ruby-saml cannot verify:
/// `validate_signature` hands the SignatureValue to OpenSSL as it is, which for ECDSA wants a
/// DER sequence (XML signatures carry r‖s) and for RSA-PSS gets PKCS#1 v1.5 padding.
fn unsupported_by_ruby_saml(sig: &SignatureInfo) -> Option<String> {
    let uri = sig.algorithm_uri.as_deref().unwrap_or("");
    let name = sig.algorithm.as_deref().unwrap_or(uri);
    if uri.contains("ecdsa") {
        return Some(format!(
            "the signature is {name}: ruby-saml passes XML signature values to OpenSSL as they \
             are, and an ECDSA value (r‖s) is not the DER OpenSSL expects, so it never verifies"
        ));
    }
    if uri.contains("rsa-MGF1") || name.starts_with("rsa-pss") {
        return Some(format!(
            "the signature is {name}: ruby-saml verifies RSA signatures with PKCS#1 v1.5 \
             padding only"
        ));
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    fn doc(xml: &str) -> Document {
        Document::parse(xml.to_owned()).unwrap()
    }

    const NS: &str = r#"xmlns:samlp="urn:oasis:names:tc:SAML:2.0:protocol" xmlns:saml="urn:oasis:names:tc:SAML:2.0:assertion" xmlns:ds="http://www.w3.org/2000/09/xmldsig#""#;

    #[test]
    fn the_signed_element_id_is_the_first_reference_or_the_owner_for_an_empty_uri() {
        let d = doc(&format!(
            r##"<samlp:Response {NS} ID="_r"><ds:Signature><ds:SignedInfo><ds:Reference URI="#_r"/></ds:SignedInfo></ds:Signature><saml:Assertion ID="_a"><ds:Signature><ds:SignedInfo><ds:Reference URI="#_a"/></ds:SignedInfo></ds:Signature></saml:Assertion></samlp:Response>"##
        ));
        let v = RubyDocument::received(&d);
        assert_eq!(v.signed_element_id(), SignedId::Id("_r".into()));
        assert_eq!(
            v.signed_assertions().len(),
            1,
            "the Response is signed: all its assertions"
        );
        let whole = doc(&format!(
            r#"<samlp:Response {NS} ID="_r"><ds:Signature><ds:SignedInfo><ds:Reference URI=""/></ds:SignedInfo></ds:Signature></samlp:Response>"#
        ));
        assert_eq!(
            RubyDocument::received(&whole).signed_element_id(),
            SignedId::Id("_r".into())
        );
        let no_uri = doc(&format!(
            r#"<samlp:Response {NS} ID="_r"><ds:Signature><ds:SignedInfo><ds:Reference/></ds:SignedInfo></ds:Signature></samlp:Response>"#
        ));
        assert_eq!(
            RubyDocument::received(&no_uri).signed_element_id(),
            SignedId::Crash
        );
        let unsigned = doc(&format!(r#"<samlp:Response {NS} ID="_r"/>"#));
        assert_eq!(
            RubyDocument::received(&unsigned).signed_element_id(),
            SignedId::None
        );
        assert!(
            RubyDocument::received(&unsigned)
                .signed_assertions()
                .is_empty()
        );
    }

    #[test]
    fn an_unsigned_response_has_no_signed_element() {
        let d = doc(&format!(
            r#"<samlp:Response {NS} ID="_r"><saml:Assertion ID="_a"/></samlp:Response>"#
        ));
        let j = judge(&d, &[], &[], &Trust::new());
        assert_eq!(j.checked, None);
        assert_eq!(
            j.outcome,
            refused(
                "Signed element id # is not found",
                "the first Reference names #; no signature sits in the Response or in an \
                 Assertion with that ID"
            )
        );
    }
}
