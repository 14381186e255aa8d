//! X.509 certificate details and fingerprints, for display and for matching a trust anchor.
//!
//! Pure: bytes in, facts out. Trust decisions are made by the caller.

use std::cell::RefCell;
use std::collections::HashMap;
use std::fmt::Write;

use der::Decode;
use der::asn1::{
    Ia5StringRef, ObjectIdentifier as Oid, PrintableStringRef, TeletexStringRef, Utf8StringRef,
};
use der::{Tag, Tagged};
use serde::Serialize;
use sha1::Sha1;
use sha2::{Digest, Sha256};
use x509_cert::Certificate;
use x509_cert::attr::AttributeTypeAndValue;
use x509_cert::name::Name;

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
            subject: distinguished_name(tbs.subject()),
            issuer: distinguished_name(tbs.issuer()),
            serial: hex_colon(tbs.serial_number().as_bytes()),
            not_before: tbs.validity().not_before.to_date_time().to_string(),
            not_after: tbs.validity().not_after.to_date_time().to_string(),
            sha1: hex_colon(&Sha1::digest(der_bytes)),
            sha256: hex_colon(&Sha256::digest(der_bytes)),
            key: key_description(tbs.subject_public_key_info()),
        })
    }

    /// Reads the base64 text of an `X509Certificate` element (whitespace ignored). An IdP puts
    /// the same certificate in every message, so recent answers are remembered per thread.
    pub fn from_base64(text: &str) -> Result<CertInfo, CertError> {
        const REMEMBERED: usize = 64;
        thread_local! {
            static SEEN: RefCell<HashMap<String, Result<CertInfo, CertError>>> = RefCell::new(HashMap::new());
        }
        if let Some(hit) = SEEN.with(|m| m.borrow().get(text).cloned()) {
            return hit;
        }
        let info = decode_base64_cert(text).and_then(|der| CertInfo::from_der(&der));
        SEEN.with(|m| {
            let mut m = m.borrow_mut();
            if m.len() >= REMEMBERED {
                m.clear();
            }
            m.insert(text.to_owned(), info.clone());
        });
        info
    }
}

/// RFC 4514 form (last RDN first), with short names for the usual attribute types.
fn distinguished_name(name: &Name) -> String {
    let mut out = String::new();
    for (i, rdn) in name
        .iter_rdn()
        .collect::<Vec<_>>()
        .into_iter()
        .rev()
        .enumerate()
    {
        if i > 0 {
            out.push(',');
        }
        for (j, atv) in rdn.iter().enumerate() {
            if j > 0 {
                out.push('+');
            }
            attribute_type_and_value(&mut out, atv);
        }
    }
    out
}

fn attribute_type_and_value(out: &mut String, atv: &AttributeTypeAndValue) {
    const NAMES: [(Oid, &str); 15] = [
        (Oid::new_unwrap("2.5.4.3"), "CN"),
        (Oid::new_unwrap("2.5.4.6"), "C"),
        (Oid::new_unwrap("2.5.4.7"), "L"),
        (Oid::new_unwrap("2.5.4.8"), "ST"),
        (Oid::new_unwrap("2.5.4.9"), "STREET"),
        (Oid::new_unwrap("2.5.4.10"), "O"),
        (Oid::new_unwrap("2.5.4.11"), "OU"),
        (Oid::new_unwrap("2.5.4.5"), "SERIALNUMBER"),
        (Oid::new_unwrap("2.5.4.12"), "TITLE"),
        (Oid::new_unwrap("2.5.4.4"), "SN"),
        (Oid::new_unwrap("2.5.4.42"), "GIVENNAME"),
        (Oid::new_unwrap("2.5.4.46"), "DNQUALIFIER"),
        (Oid::new_unwrap("1.2.840.113549.1.9.1"), "EMAIL"),
        (Oid::new_unwrap("0.9.2342.19200300.100.1.25"), "DC"),
        (Oid::new_unwrap("0.9.2342.19200300.100.1.1"), "UID"),
    ];
    let value = match atv.value.tag() {
        Tag::PrintableString => PrintableStringRef::try_from(&atv.value)
            .ok()
            .map(|s| s.as_str().to_owned()),
        Tag::Utf8String => Utf8StringRef::try_from(&atv.value)
            .ok()
            .map(|s| s.as_str().to_owned()),
        Tag::Ia5String => Ia5StringRef::try_from(&atv.value)
            .ok()
            .map(|s| s.as_str().to_owned()),
        Tag::TeletexString => TeletexStringRef::try_from(&atv.value)
            .ok()
            .map(|s| s.as_str().to_owned()),
        _ => None,
    };
    match value {
        Some(v) => {
            match NAMES.iter().find(|(oid, _)| *oid == atv.oid) {
                Some((_, short)) => out.push_str(short),
                None => out.push_str(&atv.oid.to_string()),
            }
            out.push('=');
            escape_dn_value(out, &v);
        }
        None => {
            let _ = write!(out, "{}=#{}", atv.oid, hex(atv.value.value()));
        }
    }
}

/// RFC 4514 section 2.4 escaping.
fn escape_dn_value(out: &mut String, v: &str) {
    let last = v.chars().count().saturating_sub(1);
    for (i, c) in v.chars().enumerate() {
        match c {
            '#' if i == 0 => out.push_str("\\#"),
            ' ' if i == 0 || i == last => out.push_str("\\ "),
            '"' | '+' | ',' | ';' | '<' | '>' | '\\' => {
                out.push('\\');
                out.push(c);
            }
            '\x00'..='\x1f' | '\x7f' => {
                let _ = write!(out, "\\{:02x}", c as u32);
            }
            _ => out.push(c),
        }
    }
}

fn hex(bytes: &[u8]) -> String {
    let mut s = String::with_capacity(bytes.len() * 2);
    for b in bytes {
        let _ = write!(s, "{b:02x}");
    }
    s
}

/// Decodes base64 certificate text, ignoring whitespace anywhere; padding is optional.
pub fn decode_base64_cert(text: &str) -> Result<Vec<u8>, CertError> {
    crate::input::decode_base64(text).map_err(|e| match e {
        base64::DecodeError::InvalidByte(at, _) => CertError::Base64(at),
        _ => CertError::Base64(text.len()),
    })
}

/// Upper-case hex pairs joined by colons.
pub fn hex_colon(bytes: &[u8]) -> String {
    const DIGITS: &[u8; 16] = b"0123456789ABCDEF";
    let mut s = String::with_capacity(bytes.len() * 3);
    for (i, b) in bytes.iter().enumerate() {
        if i > 0 {
            s.push(':');
        }
        s.push(DIGITS[usize::from(b >> 4)] as char);
        s.push(DIGITS[usize::from(b & 15)] as char);
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
    fn distinguished_names_in_rfc4514_order_with_escapes() {
        let name: Name = "CN=idp.example.com,O=Acme\\, Inc.,C=US".parse().unwrap();
        assert_eq!(
            distinguished_name(&name),
            "CN=idp.example.com,O=Acme\\, Inc.,C=US"
        );
        let mut out = String::new();
        escape_dn_value(&mut out, "#a b ");
        assert_eq!(out, "\\#a b\\ ");
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
