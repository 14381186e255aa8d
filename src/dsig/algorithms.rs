//! The allow-list of XML-DSig algorithms, and public-key signature checks with RustCrypto.
//!
//! Every URI that is not listed here is refused by name: no HMAC (a shared secret an IdP never
//! uses, and the classic algorithm-confusion hole), no XPath, XSLT or XPointer transforms.
//! This module holds no trust decision: it checks a signature with the key it is given.

use super::error::KeyError;
use sha1::Sha1;
use sha2::{Digest, Sha256, Sha384, Sha512};

/// A digest algorithm of the allow-list.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DigestAlg {
    Sha1,
    Sha256,
    Sha384,
    Sha512,
}

impl DigestAlg {
    /// The digest named by a DigestMethod URI (XML-DSig and XML-Enc spellings).
    pub fn from_uri(uri: &str) -> Option<DigestAlg> {
        Some(match uri {
            "http://www.w3.org/2000/09/xmldsig#sha1" => DigestAlg::Sha1,
            "http://www.w3.org/2001/04/xmlenc#sha256" => DigestAlg::Sha256,
            "http://www.w3.org/2001/04/xmldsig-more#sha384" => DigestAlg::Sha384,
            "http://www.w3.org/2001/04/xmlenc#sha512" => DigestAlg::Sha512,
            _ => return None,
        })
    }

    pub fn name(self) -> &'static str {
        match self {
            DigestAlg::Sha1 => "sha1",
            DigestAlg::Sha256 => "sha256",
            DigestAlg::Sha384 => "sha384",
            DigestAlg::Sha512 => "sha512",
        }
    }

    /// SHA-1 is accepted but weak (SG002).
    pub fn is_weak(self) -> bool {
        self == DigestAlg::Sha1
    }

    pub fn digest(self, data: &[u8]) -> Vec<u8> {
        match self {
            DigestAlg::Sha1 => Sha1::digest(data).to_vec(),
            DigestAlg::Sha256 => Sha256::digest(data).to_vec(),
            DigestAlg::Sha384 => Sha384::digest(data).to_vec(),
            DigestAlg::Sha512 => Sha512::digest(data).to_vec(),
        }
    }
}

/// The public-key scheme of a signature algorithm.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scheme {
    RsaPkcs1v15,
    RsaPss,
    Ecdsa,
}

impl Scheme {
    fn article_name(self) -> &'static str {
        match self {
            Scheme::RsaPkcs1v15 => "an RSA PKCS#1 v1.5",
            Scheme::RsaPss => "an RSA-PSS",
            Scheme::Ecdsa => "an ECDSA",
        }
    }
}

/// A signature algorithm of the allow-list: a scheme and its digest.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SignatureAlg {
    pub scheme: Scheme,
    pub digest: DigestAlg,
}

/// Why an algorithm URI is not used.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Refusal {
    /// Refused on purpose (HMAC, XPath, XSLT): the words say why.
    Refused(String),
    /// Not on the allow-list.
    Unsupported(String),
}

impl SignatureAlg {
    /// The algorithm named by a SignatureMethod URI (or a `SigAlg` query parameter).
    pub fn from_uri(uri: &str) -> Result<SignatureAlg, Refusal> {
        use DigestAlg::*;
        use Scheme::*;
        let (scheme, digest) = match uri {
            "http://www.w3.org/2000/09/xmldsig#rsa-sha1" => (RsaPkcs1v15, Sha1),
            "http://www.w3.org/2001/04/xmldsig-more#rsa-sha256" => (RsaPkcs1v15, Sha256),
            "http://www.w3.org/2001/04/xmldsig-more#rsa-sha384" => (RsaPkcs1v15, Sha384),
            "http://www.w3.org/2001/04/xmldsig-more#rsa-sha512" => (RsaPkcs1v15, Sha512),
            "http://www.w3.org/2001/04/xmldsig-more#ecdsa-sha1" => (Ecdsa, Sha1),
            "http://www.w3.org/2001/04/xmldsig-more#ecdsa-sha256" => (Ecdsa, Sha256),
            "http://www.w3.org/2001/04/xmldsig-more#ecdsa-sha384" => (Ecdsa, Sha384),
            "http://www.w3.org/2001/04/xmldsig-more#ecdsa-sha512" => (Ecdsa, Sha512),
            "http://www.w3.org/2007/05/xmldsig-more#sha1-rsa-MGF1" => (RsaPss, Sha1),
            "http://www.w3.org/2007/05/xmldsig-more#sha256-rsa-MGF1" => (RsaPss, Sha256),
            "http://www.w3.org/2007/05/xmldsig-more#sha384-rsa-MGF1" => (RsaPss, Sha384),
            "http://www.w3.org/2007/05/xmldsig-more#sha512-rsa-MGF1" => (RsaPss, Sha512),
            u if u.contains("hmac") => {
                return Err(Refusal::Refused(format!(
                    "HMAC signature {u} is refused: it proves nothing about the IdP's key"
                )));
            }
            u => return Err(Refusal::Unsupported(u.to_owned())),
        };
        Ok(SignatureAlg { scheme, digest })
    }

    /// SHA-1 in the signature is accepted but weak (SG002).
    pub fn is_weak(self) -> bool {
        self.digest.is_weak()
    }
}

/// A Reference transform of the allow-list.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Transform {
    Enveloped,
    Canonicalize(crate::xml::c14n::Method),
}

pub const ENVELOPED: &str = "http://www.w3.org/2000/09/xmldsig#enveloped-signature";

impl Transform {
    /// The transform named by a Transform URI; the PrefixList of an exclusive canonicalisation
    /// is filled in by the caller.
    pub fn from_uri(uri: &str) -> Result<Transform, Refusal> {
        if uri == ENVELOPED {
            return Ok(Transform::Enveloped);
        }
        if let Some(m) = crate::xml::c14n::Method::from_uri(uri) {
            return Ok(Transform::Canonicalize(m));
        }
        let why = match uri {
            "http://www.w3.org/TR/1999/REC-xpath-19991116" => "XPath",
            "http://www.w3.org/2002/06/xmldsig-filter2" => "XPath Filter 2.0",
            "http://www.w3.org/TR/1999/REC-xslt-19991116" => "XSLT",
            "http://www.w3.org/2000/09/xmldsig#base64" => "base64",
            _ => return Err(Refusal::Unsupported(uri.to_owned())),
        };
        Err(Refusal::Refused(format!(
            "{why} transform {uri} is refused: it can make a signature cover something other \
             than the element shown"
        )))
    }
}

/// A verifying key.
#[derive(Debug, Clone)]
pub enum PublicKey {
    Rsa(rsa::PublicKey),
    P256(p256::ecdsa::VerifyingKey),
    P384(p384::ecdsa::VerifyingKey),
}

/// Why a signature value did not verify.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Mismatch {
    /// The value is not the signature of this data under this key.
    Value,
    /// The key cannot check this kind of signature at all.
    KeyType(String),
    /// The value is not shaped like a signature of this algorithm.
    Shape(String),
}

impl PublicKey {
    /// Reads a DER SubjectPublicKeyInfo: RSA, EC P-256 or EC P-384.
    pub fn from_spki_der(der_bytes: &[u8]) -> Result<PublicKey, KeyError> {
        use der::Decode;
        use rsa::pkcs8::DecodePublicKey;
        let spki = x509_cert::spki::SubjectPublicKeyInfoRef::from_der(der_bytes)
            .map_err(|e| KeyError::NotSpki(e.to_string()))?;
        match spki.algorithm.oid.to_string().as_str() {
            "1.2.840.113549.1.1.1" => rsa::PublicKey::try_from(spki)
                .map(PublicKey::Rsa)
                .map_err(|e| KeyError::Rsa(e.to_string())),
            "1.2.840.10045.2.1" => {
                if let Ok(k) = p256::ecdsa::VerifyingKey::from_public_key_der(der_bytes) {
                    return Ok(PublicKey::P256(k));
                }
                p384::ecdsa::VerifyingKey::from_public_key_der(der_bytes)
                    .map(PublicKey::P384)
                    .map_err(|_| KeyError::Curve)
            }
            other => Err(KeyError::Algorithm(other.to_owned())),
        }
    }

    /// Reads a DER PKCS#1 RSAPublicKey.
    pub fn from_pkcs1_der(der_bytes: &[u8]) -> Result<PublicKey, KeyError> {
        use rsa::pkcs1::DecodeRsaPublicKey;
        rsa::PublicKey::from_pkcs1_der(der_bytes)
            .map(PublicKey::Rsa)
            .map_err(|e| KeyError::Rsa(e.to_string()))
    }

    /// True when both are the same public key.
    pub fn same_key(&self, other: &PublicKey) -> bool {
        match (self, other) {
            (PublicKey::Rsa(a), PublicKey::Rsa(b)) => a == b,
            (PublicKey::P256(a), PublicKey::P256(b)) => a == b,
            (PublicKey::P384(a), PublicKey::P384(b)) => a == b,
            _ => false,
        }
    }

    /// `RSA 2048`, `EC P-256`.
    pub fn describe(&self) -> String {
        use rsa::traits::PublicKeyParts;
        match self {
            PublicKey::Rsa(k) => format!("RSA {}", k.size() * 8),
            PublicKey::P256(_) => "EC P-256".to_owned(),
            PublicKey::P384(_) => "EC P-384".to_owned(),
        }
    }

    /// Checks `signature` over `message`.
    pub fn verify(
        &self,
        alg: SignatureAlg,
        message: &[u8],
        signature: &[u8],
    ) -> Result<(), Mismatch> {
        let hash = alg.digest.digest(message);
        match (self, alg.scheme) {
            (PublicKey::Rsa(k), Scheme::RsaPkcs1v15) => rsa_pkcs1(k, alg.digest, &hash, signature),
            (PublicKey::Rsa(k), Scheme::RsaPss) => rsa_pss(k, alg.digest, &hash, signature),
            (PublicKey::P256(k), Scheme::Ecdsa) => {
                use p256::ecdsa::signature::hazmat::PrehashVerifier;
                let sig = p256::ecdsa::Signature::from_slice(signature)
                    .map_err(|_| ecdsa_shape(64, signature.len()))?;
                k.verify_prehash(&hash, &sig).map_err(|_| Mismatch::Value)
            }
            (PublicKey::P384(k), Scheme::Ecdsa) => {
                use p384::ecdsa::signature::hazmat::PrehashVerifier;
                let sig = p384::ecdsa::Signature::from_slice(signature)
                    .map_err(|_| ecdsa_shape(96, signature.len()))?;
                k.verify_prehash(&hash, &sig).map_err(|_| Mismatch::Value)
            }
            (key, scheme) => Err(Mismatch::KeyType(format!(
                "{} signature cannot be checked with an {} key",
                scheme.article_name(),
                key.describe()
            ))),
        }
    }
}

fn ecdsa_shape(want: usize, got: usize) -> Mismatch {
    Mismatch::Shape(format!(
        "an ECDSA SignatureValue is r||s of {want} bytes for this curve, not {got} bytes"
    ))
}

fn rsa_pkcs1(k: &rsa::PublicKey, d: DigestAlg, hash: &[u8], sig: &[u8]) -> Result<(), Mismatch> {
    let r = match d {
        DigestAlg::Sha1 => k.pkcs1v15_verify_prehash::<Sha1>(hash, sig),
        DigestAlg::Sha256 => k.pkcs1v15_verify_prehash::<Sha256>(hash, sig),
        DigestAlg::Sha384 => k.pkcs1v15_verify_prehash::<Sha384>(hash, sig),
        DigestAlg::Sha512 => k.pkcs1v15_verify_prehash::<Sha512>(hash, sig),
    };
    r.map_err(|_| Mismatch::Value)
}

fn rsa_pss(k: &rsa::PublicKey, d: DigestAlg, hash: &[u8], sig: &[u8]) -> Result<(), Mismatch> {
    let r = match d {
        DigestAlg::Sha1 => k.pss_verify_prehash::<Sha1>(hash, sig),
        DigestAlg::Sha256 => k.pss_verify_prehash::<Sha256>(hash, sig),
        DigestAlg::Sha384 => k.pss_verify_prehash::<Sha384>(hash, sig),
        DigestAlg::Sha512 => k.pss_verify_prehash::<Sha512>(hash, sig),
    };
    r.map_err(|_| Mismatch::Value)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn allow_list_names_and_refusals() {
        let a =
            SignatureAlg::from_uri("http://www.w3.org/2001/04/xmldsig-more#rsa-sha256").unwrap();
        assert_eq!(
            (a.scheme, a.digest),
            (Scheme::RsaPkcs1v15, DigestAlg::Sha256)
        );
        assert!(matches!(
            SignatureAlg::from_uri("http://www.w3.org/2000/09/xmldsig#hmac-sha1"),
            Err(Refusal::Refused(_))
        ));
        assert!(matches!(
            SignatureAlg::from_uri("urn:x"),
            Err(Refusal::Unsupported(_))
        ));
        assert!(matches!(
            Transform::from_uri("http://www.w3.org/TR/1999/REC-xslt-19991116"),
            Err(Refusal::Refused(_))
        ));
        assert_eq!(Transform::from_uri(ENVELOPED), Ok(Transform::Enveloped));
        assert!(
            DigestAlg::from_uri("http://www.w3.org/2000/09/xmldsig#sha1")
                .unwrap()
                .is_weak()
        );
    }

    #[test]
    fn known_digest_values() {
        // FIPS 180 "abc" test vectors (first bytes).
        assert_eq!(
            DigestAlg::Sha1.digest(b"abc")[..4],
            [0xa9, 0x99, 0x3e, 0x36]
        );
        assert_eq!(
            DigestAlg::Sha256.digest(b"abc")[..4],
            [0xba, 0x78, 0x16, 0xbf]
        );
        assert_eq!(DigestAlg::Sha384.digest(b"abc").len(), 48);
        assert_eq!(DigestAlg::Sha512.digest(b"abc").len(), 64);
    }

    #[test]
    fn garbage_keys_are_errors() {
        assert!(PublicKey::from_spki_der(b"").is_err());
        assert!(PublicKey::from_spki_der(&[0x30, 0x03, 0x02, 0x01, 0x01]).is_err());
        assert!(PublicKey::from_pkcs1_der(&[0xff; 40]).is_err());
    }
}
