//! Certificate fingerprints as people paste them: SHA-1 (GitLab's settings page) or SHA-256, any
//! case, with or without colons, even with the `SHA256 Fingerprint=` prefix openssl prints or the
//! invisible mark the Windows certificate dialog copies along.
//!
//! Pure parsing and comparison; trusting a certificate is the caller's decision.

use std::fmt;

use crate::dsig::CertInfo;
use crate::dsig::cert::hex_colon;

use crate::sanitize;

/// Which hash a fingerprint is, told by its length.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum FingerprintAlgorithm {
    Sha1,
    Sha256,
}

impl fmt::Display for FingerprintAlgorithm {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            FingerprintAlgorithm::Sha1 => "SHA-1",
            FingerprintAlgorithm::Sha256 => "SHA-256",
        })
    }
}

/// An expected certificate fingerprint.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Fingerprint {
    algorithm: FingerprintAlgorithm,
    bytes: Vec<u8>,
}

/// Why a `--fingerprint` value is not a fingerprint.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum FingerprintError {
    #[error("the fingerprint is empty")]
    Empty,
    #[error(
        "the fingerprint has {found} at position {position}; only hex digits and colons belong in one"
    )]
    NotHex { found: String, position: usize },
    #[error(
        "the fingerprint has 32 hex digits, which is an MD5 fingerprint; GitLab needs SHA-1 (40 \
         digits) or SHA-256 (64 digits): openssl x509 -in cert.pem -noout -fingerprint -sha256"
    )]
    Md5,
    #[error("the fingerprint has {0} hex digits; a SHA-1 fingerprint has 40 and a SHA-256 one 64")]
    Length(usize),
}

impl Fingerprint {
    /// Reads `AB:CD:…`, `abcd…`, `SHA1 Fingerprint=AB:CD:…` (openssl) or a Windows thumbprint.
    pub fn parse(input: &str) -> Result<Fingerprint, FingerprintError> {
        let value = strip_label(input.trim());
        let mut hex = String::with_capacity(value.len());
        for (position, c) in value.chars().enumerate() {
            match c {
                ':' | ' ' => {}
                c if c.is_ascii_hexdigit() => hex.push(c),
                c if sanitize::is_invisible(c) => {}
                c => {
                    return Err(FingerprintError::NotHex {
                        found: format!("{:?}", sanitize::visible(&c.to_string())),
                        position: position + 1,
                    });
                }
            }
        }
        Ok(Fingerprint {
            algorithm: algorithm_for(hex.len())?,
            bytes: decode_hex(&hex),
        })
    }

    pub fn algorithm(&self) -> FingerprintAlgorithm {
        self.algorithm
    }

    /// True when the certificate's fingerprint of the same algorithm is this one.
    pub fn matches(&self, cert: &CertInfo) -> bool {
        let theirs = match self.algorithm {
            FingerprintAlgorithm::Sha1 => &cert.sha1,
            FingerprintAlgorithm::Sha256 => &cert.sha256,
        };
        theirs.eq_ignore_ascii_case(&self.to_string())
    }
}

/// Upper-case hex pairs joined by colons, the form GitLab's settings show.
impl fmt::Display for Fingerprint {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&hex_colon(&self.bytes))
    }
}

/// `SHA256 Fingerprint=AB:…` → `AB:…`.
fn strip_label(s: &str) -> &str {
    match s.split_once('=') {
        Some((label, rest)) if label.to_ascii_lowercase().contains("fingerprint") => rest.trim(),
        _ => s,
    }
}

fn algorithm_for(digits: usize) -> Result<FingerprintAlgorithm, FingerprintError> {
    match digits {
        0 => Err(FingerprintError::Empty),
        32 => Err(FingerprintError::Md5),
        40 => Ok(FingerprintAlgorithm::Sha1),
        64 => Ok(FingerprintAlgorithm::Sha256),
        n => Err(FingerprintError::Length(n)),
    }
}

/// Pairs of hex digits to bytes; the caller has checked the digits and the even length.
fn decode_hex(hex: &str) -> Vec<u8> {
    hex.as_bytes()
        .chunks(2)
        .map(|pair| (nibble(pair[0]) << 4) | nibble(pair.get(1).copied().unwrap_or(b'0')))
        .collect()
}

fn nibble(b: u8) -> u8 {
    match b {
        b'0'..=b'9' => b - b'0',
        b'a'..=b'f' => b - b'a' + 10,
        b'A'..=b'F' => b - b'A' + 10,
        _ => 0,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const SHA1: &str = "A1:B2:C3:D4:E5:F6:07:18:29:3A:4B:5C:6D:7E:8F:90:01:12:23:34";

    fn cert(sha1: &str, sha256: &str) -> CertInfo {
        CertInfo {
            subject: "CN=idp.example.com".into(),
            issuer: "CN=idp.example.com".into(),
            serial: "01".into(),
            not_before: "2026-01-01T00:00:00Z".into(),
            not_after: "2027-01-01T00:00:00Z".into(),
            sha1: sha1.into(),
            sha256: sha256.into(),
            key: "RSA 2048".into(),
        }
    }

    #[test]
    fn sha1_with_colons_in_any_case() {
        let upper = Fingerprint::parse(SHA1).unwrap();
        let lower = Fingerprint::parse(&SHA1.to_lowercase()).unwrap();
        assert_eq!(upper, lower);
        assert_eq!(upper.algorithm(), FingerprintAlgorithm::Sha1);
        assert_eq!(upper.to_string(), SHA1);
    }

    #[test]
    fn without_colons_and_with_spaces() {
        let bare: String = SHA1.chars().filter(|c| *c != ':').collect();
        assert_eq!(Fingerprint::parse(&bare).unwrap().to_string(), SHA1);
        let spaced = SHA1.replace(':', " ");
        assert_eq!(Fingerprint::parse(&spaced).unwrap().to_string(), SHA1);
    }

    #[test]
    fn sha256_is_told_by_length() {
        let hex = "ab".repeat(32);
        let f = Fingerprint::parse(&hex).unwrap();
        assert_eq!(f.algorithm(), FingerprintAlgorithm::Sha256);
        assert_eq!(f.to_string(), vec!["AB"; 32].join(":"));
    }

    #[test]
    fn openssl_output_and_windows_thumbprint_paste() {
        let openssl = format!("SHA1 Fingerprint={SHA1}\n");
        assert_eq!(Fingerprint::parse(&openssl).unwrap().to_string(), SHA1);
        let windows = format!("\u{200E}{}", SHA1.replace(':', " ").to_lowercase());
        assert_eq!(Fingerprint::parse(&windows).unwrap().to_string(), SHA1);
    }

    #[test]
    fn wrong_lengths_and_characters_are_explained() {
        assert_eq!(Fingerprint::parse(""), Err(FingerprintError::Empty));
        assert_eq!(
            Fingerprint::parse(&"a".repeat(32)),
            Err(FingerprintError::Md5)
        );
        assert_eq!(Fingerprint::parse("abcd"), Err(FingerprintError::Length(4)));
        assert_eq!(
            Fingerprint::parse(&"a".repeat(41)),
            Err(FingerprintError::Length(41))
        );
        let err = Fingerprint::parse("AB:CD:XY").unwrap_err();
        assert_eq!(
            err,
            FingerprintError::NotHex {
                found: "\"X\"".into(),
                position: 7
            }
        );
    }

    #[test]
    fn matches_the_certificate_fingerprint_of_its_kind() {
        let sha256 = vec!["0F"; 32].join(":");
        let c = cert(SHA1, &sha256);
        assert!(
            Fingerprint::parse(&SHA1.to_lowercase())
                .unwrap()
                .matches(&c)
        );
        assert!(Fingerprint::parse(&"0f".repeat(32)).unwrap().matches(&c));
        assert!(!Fingerprint::parse(&"0e".repeat(32)).unwrap().matches(&c));
        assert!(!Fingerprint::parse(&"00".repeat(20)).unwrap().matches(&c));
    }
}
