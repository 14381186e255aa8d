//! X.509 certificate details and fingerprints, for display and for matching a trust anchor.
//!
//! Pure: bytes in, facts out. Trust decisions are made by the caller.

use base64::Engine;
use der::Decode;
use serde::Serialize;
use sha1::Sha1;
use sha2::{Digest, Sha256};
use x509_cert::Certificate;

/// What a person needs to know about a certificate.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct CertInfo {
    pub subject: String,
    pub issuer: String,
    pub serial: String,
    pub not_before: String,
    pub not_after: String,
    /// SHA-1 fingerprint of the DER bytes, upper-case hex with colons (GitLab's settings show this form).
    pub sha1: String,
    pub sha256: String,
    /// Key type and size, such as `RSA 2048` or `EC P-256`.
    pub key: String,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum CertError {
    #[error("certificate is not valid base64 (byte {0})")]
    Base64(usize),
    #[error("certificate is not a DER X.509 certificate: {0}")]
    Der(String),
}

impl CertInfo {
    /// Reads a DER certificate.
    pub fn from_der(der_bytes: &[u8]) -> Result<CertInfo, CertError> {
        let cert = Certificate::from_der(der_bytes).map_err(|e| CertError::Der(e.to_string()))?;
        let tbs = cert.tbs_certificate();
        Ok(CertInfo {
            subject: tbs.subject().to_string(),
            issuer: tbs.issuer().to_string(),
            serial: hex_colon(tbs.serial_number().as_bytes()),
            not_before: tbs.validity().not_before.to_date_time().to_string(),
            not_after: tbs.validity().not_after.to_date_time().to_string(),
            sha1: hex_colon(&Sha1::digest(der_bytes)),
            sha256: hex_colon(&Sha256::digest(der_bytes)),
            key: key_description(tbs.subject_public_key_info()),
        })
    }

    /// Reads the base64 text of an `X509Certificate` element (whitespace ignored).
    pub fn from_base64(text: &str) -> Result<CertInfo, CertError> {
        CertInfo::from_der(&decode_base64_cert(text)?)
    }
}

/// Decodes base64 certificate text, ignoring whitespace anywhere.
pub fn decode_base64_cert(text: &str) -> Result<Vec<u8>, CertError> {
    let clean: String = text.chars().filter(|c| !c.is_ascii_whitespace()).collect();
    base64::engine::general_purpose::STANDARD
        .decode(clean.as_bytes())
        .or_else(|_| {
            base64::engine::general_purpose::STANDARD_NO_PAD.decode(clean.trim_end_matches('='))
        })
        .map_err(|e| match e {
            base64::DecodeError::InvalidByte(at, _) => CertError::Base64(at),
            _ => CertError::Base64(clean.len()),
        })
}

/// Upper-case hex pairs joined by colons.
pub fn hex_colon(bytes: &[u8]) -> String {
    let mut s = String::with_capacity(bytes.len() * 3);
    for (i, b) in bytes.iter().enumerate() {
        if i > 0 {
            s.push(':');
        }
        s.push_str(&format!("{b:02X}"));
    }
    s
}

fn key_description(spki: &x509_cert::spki::SubjectPublicKeyInfoOwned) -> String {
    const RSA: &str = "1.2.840.113549.1.1.1";
    const EC: &str = "1.2.840.10045.2.1";
    const P256: &str = "1.2.840.10045.3.1.7";
    const P384: &str = "1.3.132.0.34";
    const P521: &str = "1.3.132.0.35";
    let oid = spki.algorithm.oid.to_string();
    match oid.as_str() {
        RSA => match rsa_modulus_bits(spki.subject_public_key.raw_bytes()) {
            Some(bits) => format!("RSA {bits}"),
            None => "RSA".to_owned(),
        },
        EC => {
            let curve = spki
                .algorithm
                .parameters
                .as_ref()
                .and_then(|p| p.decode_as::<der::asn1::ObjectIdentifier>().ok())
                .map(|o| o.to_string());
            match curve.as_deref() {
                Some(P256) => "EC P-256".to_owned(),
                Some(P384) => "EC P-384".to_owned(),
                Some(P521) => "EC P-521".to_owned(),
                Some(other) => format!("EC {other}"),
                None => "EC".to_owned(),
            }
        }
        other => other.to_owned(),
    }
}

/// A DER RSAPublicKey (RFC 8017 A.1.1).
#[derive(der::Sequence)]
struct RsaPublicKey<'a> {
    modulus: der::asn1::UintRef<'a>,
    exponent: der::asn1::UintRef<'a>,
}

/// The bit length of the modulus of a DER RSAPublicKey.
fn rsa_modulus_bits(der_bytes: &[u8]) -> Option<usize> {
    let key = RsaPublicKey::from_der(der_bytes).ok()?;
    let _ = key.exponent;
    let m = key.modulus.as_bytes();
    let lead = m.first().copied().unwrap_or(0);
    Some(m.len() * 8 - lead.leading_zeros() as usize)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hex_colon_formats_pairs() {
        assert_eq!(hex_colon(&[0xab, 0x01, 0xff]), "AB:01:FF");
        assert_eq!(hex_colon(&[]), "");
    }

    #[test]
    fn bad_base64_is_an_error_not_a_panic() {
        assert!(matches!(
            CertInfo::from_base64("!!!"),
            Err(CertError::Base64(_))
        ));
        assert!(matches!(
            CertInfo::from_base64("AAAA"),
            Err(CertError::Der(_))
        ));
    }
}
