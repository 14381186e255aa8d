//! Opening EncryptedAssertion, EncryptedID and EncryptedAttribute with the SP's RSA key.
//!
//! The EncryptedKey may sit in EncryptedData's KeyInfo or beside EncryptedData (reached by a
//! RetrievalMethod or simply found there). The plaintext is parsed in the namespace context of
//! the EncryptedData it replaces, by the same safe parser as everything else, so an assertion
//! that relies on the Response's `xmlns:saml` reads and canonicalises as it would in place.
//! Decrypted parts become owned [`Document`]s; modelling them and verifying their signatures is
//! the caller's (`open`). No I/O, and nothing here trusts what it decrypts.

use super::algorithms::DigestAlg;
use super::cipher::{
    ContentCipher, DecryptFailure, KeyTransport, RSA_1_5, RSA_OAEP_11, RSA_OAEP_MGF1P, unwrap_key,
};
use super::error::DsigError;
use super::trust::pem_blocks;
use super::verify::decode_base64;
use crate::xml::{Document, Element, ns};

/// Longest base64 CipherValue accepted: a little over the largest document the parser takes.
const MAX_CIPHER_B64: usize = 24 << 20;
const MAX_KEY_B64: usize = 4096;
/// Name of the element that holds a decrypted fragment while it is parsed.
pub const WRAPPER: &str = "samltrace-decrypted";

/// The service provider's RSA private key.
pub struct SpKey {
    key: rsa::PrivateKey,
    pub source: String,
}

impl std::fmt::Debug for SpKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "SpKey({})", self.source)
    }
}

impl SpKey {
    /// Reads a PEM (PKCS#1 `RSA PRIVATE KEY` or PKCS#8 `PRIVATE KEY`) or DER RSA private key.
    pub fn from_bytes(bytes: &[u8], what: &str) -> Result<SpKey, DsigError> {
        use rsa::pkcs1::DecodeRsaPrivateKey;
        use rsa::pkcs8::DecodePrivateKey;
        let err = |reason: String| DsigError::Key {
            what: what.to_owned(),
            reason,
        };
        let text = std::str::from_utf8(bytes).ok();
        let key = match text.filter(|t| t.contains("-----BEGIN ")) {
            Some(t) => {
                let blocks = pem_blocks(t, what)?;
                let block = blocks
                    .iter()
                    .find(|b| b.label.ends_with("PRIVATE KEY"))
                    .ok_or_else(|| err("no PRIVATE KEY block in the PEM file".to_owned()))?;
                match block.label.as_str() {
                    "RSA PRIVATE KEY" => rsa::PrivateKey::from_pkcs1_der(&block.der)
                        .map_err(|e| err(format!("not an RSA private key: {e}")))?,
                    "PRIVATE KEY" => rsa::PrivateKey::from_pkcs8_der(&block.der)
                        .map_err(|e| err(format!("not an RSA private key: {e}")))?,
                    "ENCRYPTED PRIVATE KEY" => {
                        return Err(DsigError::EncryptedKey {
                            what: what.to_owned(),
                        });
                    }
                    other => return Err(err(format!("{other} is not an RSA private key"))),
                }
            }
            None => rsa::PrivateKey::from_pkcs8_der(bytes)
                .or_else(|_| rsa::PrivateKey::from_pkcs1_der(bytes))
                .map_err(|_| {
                    err("expected a PEM or DER RSA private key (PKCS#1 or PKCS#8)".to_owned())
                })?,
        };
        Ok(SpKey {
            key,
            source: what.to_owned(),
        })
    }
}

impl SpKey {
    /// The `SigAlg` of [`SpKey::sign_rsa_sha256`]: what GitLab signs its requests with.
    pub const RSA_SHA256: &'static str = "http://www.w3.org/2001/04/xmldsig-more#rsa-sha256";

    /// An RSASSA-PKCS1-v1_5 SHA-256 signature of `data` with this key: the HTTP-Redirect
    /// binding's `Signature` over `SAMLRequest=…&RelayState=…&SigAlg=…`, as the service
    /// provider (`listen`) signs its AuthnRequests.
    pub fn sign_rsa_sha256(&self, data: &[u8]) -> Result<Vec<u8>, DsigError> {
        self.key
            .pkcs1v15_sign::<sha2::Sha256>(data)
            .map_err(|e| DsigError::Key {
                what: self.source.clone(),
                reason: format!("cannot sign with the key: {e}"),
            })
    }
}

/// The algorithms found on an encrypted element, as short names.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize)]
pub struct Algorithms {
    pub key_transport: Option<String>,
    pub content: Option<String>,
}

/// Decrypts an EncryptedAssertion, EncryptedID or EncryptedAttribute and parses the plaintext
/// in place. The returned document's root is a wrapper; the decrypted element(s) are its
/// children.
pub fn open_element(e: Element<'_>, key: &SpKey) -> Result<Document, DecryptFailure> {
    let data = e
        .child(ns::XENC, "EncryptedData")
        .ok_or_else(|| DecryptFailure::Malformed(format!("{} has no EncryptedData", e.qname())))?;
    let plaintext = decrypt_data(e, data, key)?;
    parse_in_context(plaintext, data)
}

/// Decrypts one EncryptedData whose key is in its KeyInfo or beside it in `holder`.
pub fn decrypt_data(
    holder: Element<'_>,
    data: Element<'_>,
    key: &SpKey,
) -> Result<Vec<u8>, DecryptFailure> {
    let cipher_uri = method(data)?;
    let cipher = ContentCipher::from_uri(cipher_uri)
        .ok_or_else(|| DecryptFailure::Unsupported(cipher_uri.to_owned()))?;
    let encrypted_key = find_encrypted_key(holder, data)?;
    let transport = key_transport(encrypted_key)?;
    let wrapped = cipher_value(encrypted_key, MAX_KEY_B64)?;
    let content_key = unwrap_key(&key.key, &transport, &wrapped)?;
    let body = cipher_value(data, MAX_CIPHER_B64)?;
    cipher.decrypt(&content_key, &body)
}

/// The short names of an encrypted element's algorithms, for display.
pub fn algorithms(e: Element<'_>) -> Algorithms {
    let data = e.child(ns::XENC, "EncryptedData");
    let key = data.and_then(|d| find_encrypted_key(e, d).ok());
    Algorithms {
        key_transport: key.and_then(|k| method(k).ok()).map(super::short_name),
        content: data.and_then(|d| method(d).ok()).map(super::short_name),
    }
}

fn method(e: Element<'_>) -> Result<&str, DecryptFailure> {
    e.child(ns::XENC, "EncryptionMethod")
        .and_then(|m| m.attr("Algorithm"))
        .ok_or_else(|| {
            DecryptFailure::Malformed(format!("{} has no EncryptionMethod Algorithm", e.qname()))
        })
}

/// EncryptedData/KeyInfo/EncryptedKey, else an EncryptedKey beside EncryptedData (where a
/// RetrievalMethod points, or the only one there).
fn find_encrypted_key<'d>(
    holder: Element<'d>,
    data: Element<'d>,
) -> Result<Element<'d>, DecryptFailure> {
    let key_info = data.child(ns::DS, "KeyInfo");
    if let Some(k) = key_info.and_then(|k| k.child(ns::XENC, "EncryptedKey")) {
        return Ok(k);
    }
    let siblings: Vec<Element<'d>> = holder.children_named(ns::XENC, "EncryptedKey").collect();
    let wanted = key_info
        .and_then(|k| k.child(ns::DS, "RetrievalMethod"))
        .and_then(|r| r.attr("URI"))
        .and_then(|u| u.strip_prefix('#'));
    let found = match wanted {
        Some(id) => siblings.iter().find(|k| k.attr("Id") == Some(id)),
        None => siblings.first(),
    };
    found.copied().ok_or_else(|| {
        DecryptFailure::Malformed(match wanted {
            Some(id) => format!("RetrievalMethod points at #{id}, but no EncryptedKey has that Id"),
            None => "no EncryptedKey in KeyInfo or beside EncryptedData".to_owned(),
        })
    })
}

fn key_transport(k: Element<'_>) -> Result<KeyTransport, DecryptFailure> {
    let m = k.child(ns::XENC, "EncryptionMethod");
    let uri = method(k)?;
    if uri == RSA_1_5 {
        return Ok(KeyTransport::Pkcs1v15);
    }
    if uri != RSA_OAEP_MGF1P && uri != RSA_OAEP_11 {
        return Err(DecryptFailure::Unsupported(uri.to_owned()));
    }
    let digest = match m.and_then(|m| m.child(ns::DS, "DigestMethod")) {
        None => DigestAlg::Sha1,
        Some(d) => {
            let u = d.attr("Algorithm").unwrap_or_default();
            DigestAlg::from_uri(u).ok_or_else(|| DecryptFailure::Unsupported(u.to_owned()))?
        }
    };
    let mgf = match m.and_then(|m| m.child(ns::XENC11, "MGF")) {
        Some(g) if uri == RSA_OAEP_11 => mgf_digest(g.attr("Algorithm").unwrap_or_default())?,
        _ => DigestAlg::Sha1,
    };
    let label = match m.and_then(|m| m.child(ns::XENC, "OAEPparams")) {
        Some(p) => decode_base64(&p.text(), MAX_KEY_B64)
            .map_err(|why| DecryptFailure::Malformed(format!("OAEPparams {why}")))?,
        None => Vec::new(),
    };
    Ok(KeyTransport::Oaep { digest, mgf, label })
}

fn mgf_digest(uri: &str) -> Result<DigestAlg, DecryptFailure> {
    Ok(match uri {
        "http://www.w3.org/2009/xmlenc11#mgf1sha1" => DigestAlg::Sha1,
        "http://www.w3.org/2009/xmlenc11#mgf1sha256" => DigestAlg::Sha256,
        "http://www.w3.org/2009/xmlenc11#mgf1sha384" => DigestAlg::Sha384,
        "http://www.w3.org/2009/xmlenc11#mgf1sha512" => DigestAlg::Sha512,
        other => return Err(DecryptFailure::Unsupported(other.to_owned())),
    })
}

fn cipher_value(e: Element<'_>, max: usize) -> Result<Vec<u8>, DecryptFailure> {
    let value = e
        .child(ns::XENC, "CipherData")
        .and_then(|d| d.child(ns::XENC, "CipherValue"))
        .ok_or_else(|| {
            DecryptFailure::Malformed(format!(
                "{} has no CipherData/CipherValue (CipherReference is not followed)",
                e.qname()
            ))
        })?;
    decode_base64(&value.text(), max)
        .map_err(|why| DecryptFailure::Malformed(format!("{} CipherValue {why}", e.qname())))
}

/// Parses decrypted bytes as XML content in the namespace context of `position`: the
/// fragment is wrapped in an element that declares every namespace in scope there.
pub fn parse_in_context(
    plaintext: Vec<u8>,
    position: Element<'_>,
) -> Result<Document, DecryptFailure> {
    let text = String::from_utf8(plaintext).map_err(|_| {
        DecryptFailure::WrongKey(
            "the decrypted content is not UTF-8 text (wrong key or corrupted data)".to_owned(),
        )
    })?;
    let body = strip_declaration(&text);
    let mut wrapped = String::with_capacity(body.len() + 512);
    wrapped.push('<');
    wrapped.push_str(WRAPPER);
    for d in position.in_scope_namespaces() {
        match d.prefix {
            Some(p) => {
                wrapped.push_str(" xmlns:");
                wrapped.push_str(p);
            }
            None => wrapped.push_str(" xmlns"),
        }
        wrapped.push_str("=\"");
        wrapped.push_str(&escape_attr(d.uri));
        wrapped.push('"');
    }
    wrapped.push('>');
    wrapped.push_str(body);
    wrapped.push_str("</");
    wrapped.push_str(WRAPPER);
    wrapped.push('>');
    let doc = Document::parse(wrapped).map_err(|e| {
        DecryptFailure::Malformed(format!(
            "the decrypted content is not well-formed XML ({}); wrong key or corrupted data",
            e.kind
        ))
    })?;
    if doc.root().child_elements().next().is_none() {
        return Err(DecryptFailure::Malformed(
            "the decrypted content holds no element".to_owned(),
        ));
    }
    Ok(doc)
}

fn strip_declaration(text: &str) -> &str {
    let t = text.trim_start_matches('\u{feff}');
    match t.strip_prefix("<?xml") {
        Some(rest) if rest.starts_with(|c: char| c.is_ascii_whitespace()) => {
            rest.find("?>").map_or(t, |i| &rest[i + 2..])
        }
        _ => t,
    }
}

fn escape_attr(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('"', "&quot;")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_redirect_query_signed_with_the_sp_key_verifies_with_its_certificate() {
        let key =
            SpKey::from_bytes(include_bytes!("../../samples/dsig/keys/sp.key"), "sp.key").unwrap();
        let mut trust = super::super::Trust::new();
        trust
            .add_anchor(include_bytes!("../../samples/dsig/keys/sp.crt"), "sp.crt")
            .unwrap();
        let alg = url::form_urlencoded::byte_serialize(SpKey::RSA_SHA256.as_bytes());
        let query = format!("SAMLRequest=abc&SigAlg={}", alg.collect::<String>());
        let sig = key.sign_rsa_sha256(query.as_bytes()).unwrap();
        use base64::Engine;
        let sig = base64::engine::general_purpose::STANDARD.encode(sig);
        let info = super::super::verify_redirect(&query, SpKey::RSA_SHA256, &sig, &trust, "x");
        assert_eq!(info.verified, Some(true), "{info:#?}");
        let tampered = query.replace("abc", "abd");
        let info = super::super::verify_redirect(&tampered, SpKey::RSA_SHA256, &sig, &trust, "x");
        assert_eq!(info.verified, Some(false));
    }

    #[test]
    fn fragment_is_parsed_with_the_namespaces_of_its_position() {
        let outer = Document::parse(
            "<p:R xmlns:p=\"urn:p\" xmlns:saml=\"urn:oasis:names:tc:SAML:2.0:assertion\">\
             <saml:EncryptedAssertion><x:EncryptedData xmlns:x=\"urn:x\"/></saml:EncryptedAssertion></p:R>"
                .to_owned(),
        )
        .unwrap();
        let data = outer
            .elements()
            .find(|e| e.local_name() == "EncryptedData")
            .unwrap();
        let plain = b"<?xml version=\"1.0\"?><saml:Assertion ID=\"a\"/>".to_vec();
        let doc = parse_in_context(plain, data).unwrap();
        let a = doc.root().child_elements().next().unwrap();
        assert!(a.is(ns::SAML, "Assertion"));
        let exc = crate::xml::c14n::canonicalize(a, &crate::xml::c14n::Method::exclusive(), None);
        assert_eq!(
            exc,
            "<saml:Assertion xmlns:saml=\"urn:oasis:names:tc:SAML:2.0:assertion\" ID=\"a\"></saml:Assertion>"
        );
    }

    #[test]
    fn garbage_plaintext_is_reported_as_wrong_key_or_malformed() {
        let outer = Document::parse("<r/>".to_owned()).unwrap();
        assert!(matches!(
            parse_in_context(vec![0xff, 0xfe, 0x00], outer.root()),
            Err(DecryptFailure::WrongKey(_))
        ));
        assert!(matches!(
            parse_in_context(b"<a><b></a>".to_vec(), outer.root()),
            Err(DecryptFailure::Malformed(_))
        ));
        assert!(parse_in_context(b"<!DOCTYPE x><a/>".to_vec(), outer.root()).is_err());
        assert!(parse_in_context(b"just text".to_vec(), outer.root()).is_err());
    }

    #[test]
    fn key_files_are_checked() {
        assert!(SpKey::from_bytes(b"nothing", "k").is_err());
        let e = SpKey::from_bytes(
            b"-----BEGIN ENCRYPTED PRIVATE KEY-----\nAAAA\n-----END ENCRYPTED PRIVATE KEY-----\n",
            "k.pem",
        )
        .unwrap_err();
        assert!(matches!(e, DsigError::EncryptedKey { .. }));
        let e = SpKey::from_bytes(
            b"-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n",
            "k.pem",
        )
        .unwrap_err();
        assert!(e.to_string().contains("no PRIVATE KEY"), "{e}");
    }
}
