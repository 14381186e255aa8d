//! Trust anchors: the keys a signature may be checked with, from what the administrator gives
//! (a PEM or DER certificate, a bare public key, IdP metadata, a SHA-1 or SHA-256 fingerprint).
//!
//! A certificate embedded in a message's KeyInfo is never trusted by itself: it counts only
//! when it equals an anchor certificate or matches a configured fingerprint. This module reads
//! bytes the binary loaded; it does no I/O.

use base64::Engine;
use der::{Decode, Encode};
use sha1::Sha1;
use sha2::{Digest, Sha256};

use super::algorithms::PublicKey;
use super::cert::{self, CertInfo};
use super::error::{DsigError, KeyError};
use crate::xml::{Document, Element, ns};

/// Most keys kept from one metadata file: far above any real IdP.
const MAX_METADATA_KEYS: usize = 32;

/// One key a signature may be checked with, and where it came from.
#[derive(Debug, Clone)]
pub struct TrustedKey {
    pub key: PublicKey,
    /// The anchor certificate, when the key came from one.
    pub certificate: Option<CertInfo>,
    pub cert_der: Option<Vec<u8>>,
    /// `idp.pem`, `metadata.xml (entityID https://idp)`, `KeyInfo certificate matching --fingerprint`.
    pub source: String,
}

impl TrustedKey {
    /// `RSA 2048 certificate CN=idp (SHA-1 AB:CD:…) from idp.pem`.
    pub fn describe(&self) -> String {
        match &self.certificate {
            Some(c) => format!(
                "{} certificate {} (SHA-1 {}) from {}",
                self.key.describe(),
                c.subject,
                c.sha1,
                self.source
            ),
            None => format!("{} public key from {}", self.key.describe(), self.source),
        }
    }
}

/// A certificate fingerprint given on the command line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Fingerprint {
    Sha1(Vec<u8>),
    Sha256(Vec<u8>),
}

impl Fingerprint {
    /// Reads SHA-1 or SHA-256 hex, any case, with or without colons or spaces, also as openssl
    /// prints it (`SHA1 Fingerprint=AB:…`) or with the invisible mark some certificate dialogs
    /// copy along.
    pub fn parse(text: &str) -> Result<Fingerprint, DsigError> {
        let bad = || DsigError::Fingerprint(text.chars().take(120).collect());
        let value = match text.split_once('=') {
            Some((label, v)) if label.to_ascii_lowercase().contains("fingerprint") => v,
            _ => text,
        };
        let hex: String = value
            .chars()
            .filter(|c| !matches!(c, ':' | ' ' | '-' | '\u{200e}' | '\u{200f}' | '\u{feff}'))
            .filter(|c| !c.is_whitespace())
            .collect();
        if !hex.chars().all(|c| c.is_ascii_hexdigit()) {
            return Err(bad());
        }
        let bytes: Vec<u8> = (0..hex.len() / 2)
            .filter_map(|i| u8::from_str_radix(hex.get(2 * i..2 * i + 2)?, 16).ok())
            .collect();
        match hex.len() {
            40 => Ok(Fingerprint::Sha1(bytes)),
            64 => Ok(Fingerprint::Sha256(bytes)),
            _ => Err(bad()),
        }
    }

    pub fn matches(&self, cert_der: &[u8]) -> bool {
        match self {
            Fingerprint::Sha1(f) => Sha1::digest(cert_der).as_slice() == f.as_slice(),
            Fingerprint::Sha256(f) => Sha256::digest(cert_der).as_slice() == f.as_slice(),
        }
    }
}

/// Everything the administrator said to trust.
#[derive(Debug, Clone, Default)]
pub struct Trust {
    pub keys: Vec<TrustedKey>,
    pub fingerprints: Vec<Fingerprint>,
    /// entityIDs of the metadata files given, to compare with the Issuer.
    pub metadata_entity_ids: Vec<String>,
    /// The IdP's single sign-on endpoints in the metadata files given, in file order (where
    /// `listen` sends its AuthnRequests).
    pub sso_services: Vec<SsoService>,
}

/// One `SingleSignOnService` of IdP metadata.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SsoService {
    /// The binding URI (`urn:oasis:names:tc:SAML:2.0:bindings:HTTP-Redirect`).
    pub binding: String,
    pub location: String,
}

impl SsoService {
    pub const REDIRECT: &'static str = "urn:oasis:names:tc:SAML:2.0:bindings:HTTP-Redirect";
}

impl Trust {
    pub fn new() -> Trust {
        Trust::default()
    }

    /// True when nothing was configured: signatures are then described, not verified.
    pub fn is_empty(&self) -> bool {
        self.keys.is_empty() && self.fingerprints.is_empty()
    }

    /// Adds a certificate, public key or metadata file (sniffed); returns how many keys it gave.
    pub fn add_anchor(&mut self, bytes: &[u8], what: &str) -> Result<usize, DsigError> {
        let text = std::str::from_utf8(bytes).ok();
        if let Some(t) = text.filter(|t| t.trim_start().starts_with('<')) {
            return self.add_metadata(t, what);
        }
        let keys = match text.filter(|t| t.contains("-----BEGIN ")) {
            Some(t) => keys_from_pem(t, what)?,
            None => vec![key_from_der(bytes, what)?],
        };
        let n = keys.len();
        self.keys.extend(keys);
        Ok(n)
    }

    /// Adds every signing certificate of IdP metadata; returns how many.
    pub fn add_metadata(&mut self, text: &str, what: &str) -> Result<usize, DsigError> {
        let err = |reason: String| DsigError::Metadata {
            what: what.to_owned(),
            reason,
        };
        let doc = Document::parse(text.to_owned()).map_err(|e| err(e.to_string()))?;
        let root = doc.root();
        if root.ns() != Some(ns::MD) {
            return Err(err(format!(
                "root element {} is not SAML metadata (EntityDescriptor)",
                root.qname()
            )));
        }
        let entity = std::iter::once(root)
            .chain(root.descendants())
            .find(|e| e.is(ns::MD, "EntityDescriptor") && has_idp_role(*e))
            .unwrap_or(root);
        let entity_id = entity.attr("entityID").map(str::to_owned);
        let source = match &entity_id {
            Some(id) => format!("{what} (entityID {id})"),
            None => what.to_owned(),
        };
        let mut keys = Vec::new();
        for text in signing_certificates(entity).take(MAX_METADATA_KEYS) {
            let der = cert::decode_base64_cert(&text).map_err(|e| err(e.to_string()))?;
            keys.push(key_from_certificate(&der, &source)?);
        }
        if keys.is_empty() {
            return Err(err("no signing certificate in the IdP metadata".to_owned()));
        }
        self.metadata_entity_ids.extend(entity_id);
        self.sso_services.extend(sso_services(entity));
        let n = keys.len();
        self.keys.extend(keys);
        Ok(n)
    }

    pub fn add_fingerprint(&mut self, hex: &str) -> Result<(), DsigError> {
        self.fingerprints.push(Fingerprint::parse(hex)?);
        Ok(())
    }

    /// True when a certificate from a message equals an anchor certificate, carries the key of
    /// a bare public-key anchor, or matches a configured fingerprint.
    pub fn trusts_certificate(&self, cert_der: &[u8]) -> bool {
        if self.fingerprints.iter().any(|f| f.matches(cert_der))
            || self
                .keys
                .iter()
                .any(|k| k.cert_der.as_deref() == Some(cert_der))
        {
            return true;
        }
        let bare: Vec<&TrustedKey> = self.keys.iter().filter(|k| k.cert_der.is_none()).collect();
        if bare.is_empty() {
            return false;
        }
        certificate_key(cert_der).is_ok_and(|key| bare.iter().any(|k| k.key.same_key(&key)))
    }

    /// The first HTTP-Redirect single sign-on URL of the IdP metadata given.
    pub fn redirect_sso_url(&self) -> Option<&str> {
        self.sso_services
            .iter()
            .find(|s| s.binding == SsoService::REDIRECT)
            .map(|s| s.location.as_str())
    }

    /// True when a certificate from a message matches a configured fingerprint.
    pub fn matches_fingerprint(&self, cert_der: &[u8]) -> bool {
        self.fingerprints.iter().any(|f| f.matches(cert_der))
    }
}

fn has_idp_role(e: Element<'_>) -> bool {
    e.child(ns::MD, "IDPSSODescriptor").is_some()
}

/// The SingleSignOnService endpoints of the entity's IdP role.
fn sso_services(entity: Element<'_>) -> Vec<SsoService> {
    entity
        .children_named(ns::MD, "IDPSSODescriptor")
        .flat_map(|r| r.children_named(ns::MD, "SingleSignOnService"))
        .filter_map(|s| {
            Some(SsoService {
                binding: s.attr("Binding")?.trim().to_owned(),
                location: s.attr("Location")?.trim().to_owned(),
            })
        })
        .take(MAX_METADATA_KEYS)
        .collect()
}

/// Base64 of each X509Certificate under a KeyDescriptor for signing (or with no `use`), IdP
/// role first.
fn signing_certificates<'d>(entity: Element<'d>) -> impl Iterator<Item = String> + use<'d> {
    let roles = entity
        .child_elements()
        .filter(|r| r.ns() == Some(ns::MD) && r.local_name().ends_with("Descriptor"));
    let mut roles: Vec<Element<'d>> = roles.collect();
    roles.sort_by_key(|r| !r.is(ns::MD, "IDPSSODescriptor"));
    roles
        .into_iter()
        .flat_map(|r| r.children_named(ns::MD, "KeyDescriptor"))
        .filter(|k| matches!(k.attr("use"), None | Some("signing")))
        .flat_map(|k| k.descendants())
        .filter(|c| c.is(ns::DS, "X509Certificate"))
        .map(|c| c.text().into_owned())
}

/// One PEM block: its label and decoded bytes.
pub(crate) struct PemBlock {
    pub label: String,
    pub der: Vec<u8>,
}

/// Every PEM block of a text (RFC 7468, lax: header lines with ':' are skipped).
pub(crate) fn pem_blocks(text: &str, what: &str) -> Result<Vec<PemBlock>, DsigError> {
    let mut blocks = Vec::new();
    let mut rest = text;
    while let Some(start) = rest.find("-----BEGIN ") {
        let after = &rest[start + 11..];
        let Some(label_end) = after.find("-----") else {
            break;
        };
        let label = after[..label_end].to_owned();
        let body = &after[label_end + 5..];
        let end_marker = format!("-----END {label}-----");
        let Some(end) = body.find(&end_marker) else {
            return Err(DsigError::PemBase64 {
                what: what.to_owned(),
                label,
            });
        };
        let b64: String = body[..end]
            .lines()
            .filter(|l| !l.contains(':'))
            .flat_map(|l| l.chars())
            .filter(|c| !c.is_ascii_whitespace())
            .collect();
        let der = base64::engine::general_purpose::STANDARD
            .decode(b64.as_bytes())
            .map_err(|_| DsigError::PemBase64 {
                what: what.to_owned(),
                label: label.clone(),
            })?;
        blocks.push(PemBlock { label, der });
        rest = &body[end + end_marker.len()..];
    }
    Ok(blocks)
}

fn keys_from_pem(text: &str, what: &str) -> Result<Vec<TrustedKey>, DsigError> {
    let mut keys = Vec::new();
    for block in pem_blocks(text, what)? {
        let key = match block.label.as_str() {
            "CERTIFICATE" | "X509 CERTIFICATE" | "TRUSTED CERTIFICATE" => {
                key_from_certificate(&block.der, what)?
            }
            "PUBLIC KEY" => bare_key(PublicKey::from_spki_der(&block.der), what)?,
            "RSA PUBLIC KEY" => bare_key(PublicKey::from_pkcs1_der(&block.der), what)?,
            _ => continue,
        };
        keys.push(key);
    }
    if keys.is_empty() {
        return Err(DsigError::UnknownFormat {
            what: what.to_owned(),
        });
    }
    Ok(keys)
}

fn key_from_der(bytes: &[u8], what: &str) -> Result<TrustedKey, DsigError> {
    if let Ok(k) = key_from_certificate(bytes, what) {
        return Ok(k);
    }
    if let Ok(k) = PublicKey::from_spki_der(bytes) {
        return bare_key(Ok(k), what);
    }
    match PublicKey::from_pkcs1_der(bytes) {
        Ok(k) => bare_key(Ok(k), what),
        Err(_) => Err(DsigError::UnknownFormat {
            what: what.to_owned(),
        }),
    }
}

fn bare_key(key: Result<PublicKey, KeyError>, what: &str) -> Result<TrustedKey, DsigError> {
    let key = key.map_err(|reason| DsigError::Key {
        what: what.to_owned(),
        reason: reason.to_string(),
    })?;
    Ok(TrustedKey {
        key,
        certificate: None,
        cert_der: None,
        source: what.to_owned(),
    })
}

/// The key of a DER certificate, with its details for display.
pub(crate) fn key_from_certificate(der_bytes: &[u8], what: &str) -> Result<TrustedKey, DsigError> {
    let key = certificate_key(der_bytes).map_err(|reason| DsigError::Key {
        what: what.to_owned(),
        reason: reason.to_string(),
    })?;
    Ok(TrustedKey {
        key,
        certificate: CertInfo::from_der(der_bytes).ok(),
        cert_der: Some(der_bytes.to_vec()),
        source: what.to_owned(),
    })
}

/// The public key of a DER X.509 certificate.
pub(crate) fn certificate_key(der_bytes: &[u8]) -> Result<PublicKey, KeyError> {
    let cert = x509_cert::Certificate::from_der(der_bytes)
        .map_err(|e| KeyError::NotCertificate(e.to_string()))?;
    let spki = cert
        .tbs_certificate()
        .subject_public_key_info()
        .to_der()
        .map_err(|e| KeyError::NotSpki(e.to_string()))?;
    PublicKey::from_spki_der(&spki)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn metadata_gives_its_single_sign_on_endpoints() {
        let pem = include_str!("../../samples/keys/idp.crt");
        let b64: String = pem.lines().filter(|l| !l.starts_with("-----")).collect();
        let md = format!(
            "<md:EntityDescriptor xmlns:md=\"urn:oasis:names:tc:SAML:2.0:metadata\" \
             xmlns:ds=\"http://www.w3.org/2000/09/xmldsig#\" entityID=\"https://idp.example.com\">\
             <md:IDPSSODescriptor><md:KeyDescriptor use=\"signing\"><ds:KeyInfo><ds:X509Data>\
             <ds:X509Certificate>{b64}</ds:X509Certificate></ds:X509Data></ds:KeyInfo>\
             </md:KeyDescriptor>\
             <md:SingleSignOnService Binding=\"urn:oasis:names:tc:SAML:2.0:bindings:HTTP-POST\" Location=\"https://idp.example.com/post\"/>\
             <md:SingleSignOnService Binding=\"urn:oasis:names:tc:SAML:2.0:bindings:HTTP-Redirect\" Location=\" https://idp.example.com/sso \"/>\
             </md:IDPSSODescriptor></md:EntityDescriptor>"
        );
        let mut t = Trust::new();
        assert_eq!(t.redirect_sso_url(), None);
        t.add_metadata(&md, "md.xml").unwrap();
        assert_eq!(t.sso_services.len(), 2);
        assert_eq!(t.redirect_sso_url(), Some("https://idp.example.com/sso"));
    }

    #[test]
    fn fingerprints_in_any_spelling() {
        let a = Fingerprint::parse("AB:CD:EF:01:23:45:67:89:AB:CD:EF:01:23:45:67:89:AB:CD:EF:01")
            .unwrap();
        let b = Fingerprint::parse("abcdef0123456789abcdef0123456789abcdef01").unwrap();
        assert_eq!(a, b);
        assert!(matches!(a, Fingerprint::Sha1(ref v) if v.len() == 20));
        let openssl =
            "SHA1 Fingerprint=AB:CD:EF:01:23:45:67:89:AB:CD:EF:01:23:45:67:89:AB:CD:EF:01";
        assert_eq!(Fingerprint::parse(openssl).unwrap(), a);
        let windows = "\u{200e}ab cd ef 01 23 45 67 89 ab cd ef 01 23 45 67 89 ab cd ef 01\n";
        assert_eq!(Fingerprint::parse(windows).unwrap(), a);
        assert!(matches!(
            Fingerprint::parse(&"0a".repeat(32)),
            Ok(Fingerprint::Sha256(_))
        ));
        assert!(Fingerprint::parse("abc").is_err());
        assert!(Fingerprint::parse(&"zz".repeat(20)).is_err());
        assert!(Fingerprint::parse("é".repeat(40).as_str()).is_err());
    }

    #[test]
    fn unknown_input_is_a_clear_error() {
        let mut t = Trust::new();
        let e = t.add_anchor(b"hello", "x.pem").unwrap_err();
        assert!(e.to_string().contains("x.pem"), "{e}");
        let e = t
            .add_anchor(
                b"-----BEGIN CERTIFICATE-----\n!!!\n-----END CERTIFICATE-----",
                "c.pem",
            )
            .unwrap_err();
        assert!(matches!(e, DsigError::PemBase64 { .. }));
        let e = t
            .add_anchor(
                b"-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----",
                "c.pem",
            )
            .unwrap_err();
        assert!(matches!(e, DsigError::Key { .. }), "{e}");
        let e = t.add_anchor(b"<x/>", "m.xml").unwrap_err();
        assert!(matches!(e, DsigError::Metadata { .. }), "{e}");
        assert!(t.is_empty());
    }

    #[test]
    fn metadata_without_certificates_is_refused() {
        let mut t = Trust::new();
        let md = "<md:EntityDescriptor xmlns:md=\"urn:oasis:names:tc:SAML:2.0:metadata\" \
                  entityID=\"https://idp\"><md:IDPSSODescriptor/></md:EntityDescriptor>";
        let e = t.add_metadata(md, "idp.xml").unwrap_err();
        assert!(e.to_string().contains("no signing certificate"), "{e}");
    }
}
