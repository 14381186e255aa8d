//! What the signature and encryption facts mean for an administrator: the detail and fix of
//! findings SG003 (does not verify), SG004 (certificate differs from the trusted one), SG005
//! (signature wrapping), SG006 (certificate outside its validity) and EN002 (decryption failed).
//!
//! Pure and data-only: the checks layer wraps each [`Diagnosis`] into a finding with the
//! catalogue's severity and title. The evaluation time is a parameter; nothing reads the clock.

use jiff::Timestamp;

use super::open::DecryptionInfo;
use super::wrapping::Coverage;
use super::{CertInfo, SignatureInfo};

/// One finding's code, detail and fix.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diagnosis {
    pub code: &'static str,
    pub detail: String,
    pub fix: String,
}

fn diagnosis(code: &'static str, detail: String, fix: &str) -> Diagnosis {
    Diagnosis {
        code,
        detail,
        fix: fix.to_owned(),
    }
}

/// `the signature on /Response (ref _r1)`.
fn which(s: &SignatureInfo) -> String {
    let what = match s.decrypted {
        true => format!("the signature on the decrypted {}", s.path),
        false => format!("the signature on {}", s.path),
    };
    match &s.reference {
        Some(r) => format!("{what} (ref {r})"),
        None => what,
    }
}

/// SG003: a signature checked against the trust anchors that does not verify. When the only
/// reason is that the message's certificate is not the trusted one, that is SG004's to say.
pub fn sg003(sigs: &[SignatureInfo]) -> Vec<Diagnosis> {
    sigs.iter()
        .filter(|s| s.verified == Some(false))
        .filter(|s| {
            !(s.status.as_deref() == Some("no_key") && s.keyinfo_certificate_trusted == Some(false))
        })
        .map(|s| {
            let reason = s.reason.clone().unwrap_or_default();
            let detail = match &s.key {
                Some(k) if s.status.as_deref() == Some("wrong_key") => {
                    format!("{}: {reason}; {k}", which(s))
                }
                _ => format!("{}: {reason}", which(s)),
            };
            diagnosis("SG003", detail, sg003_fix(s.status.as_deref()))
        })
        .collect()
}

fn sg003_fix(status: Option<&str>) -> &'static str {
    match status {
        Some("content_changed") => {
            "The message was changed after the IdP signed it: capture it again straight from the \
             browser (not re-typed, re-encoded or pretty-printed). If a fresh capture still fails, \
             something between the IdP and GitLab rewrites it, or it was forged."
        }
        Some("wrong_key") | Some("no_key") => {
            "The IdP signs with another certificate than the one given: download the IdP's current \
             signing certificate (it may have been rotated) and update GitLab's SAML certificate \
             fingerprint to match it."
        }
        _ => {
            "Configure the IdP to sign with RSA-SHA256 (or ECDSA), exclusive canonicalization and \
             one enveloped Reference to the signed element's ID, as GitLab expects."
        }
    }
}

/// SG004: the certificate in KeyInfo is not the trusted one.
pub fn sg004(sigs: &[SignatureInfo]) -> Vec<Diagnosis> {
    sigs.iter()
        .filter(|s| s.keyinfo_certificate_trusted == Some(false))
        .map(|s| {
            let cert = s.certificate.as_ref().map_or_else(
                || "a certificate that does not parse".to_owned(),
                |c| format!("{} (SHA-1 {}, SHA-256 {})", c.subject, c.sha1, c.sha256),
            );
            diagnosis(
                "SG004",
                format!(
                    "{} carries {cert}, which is not the trusted certificate or fingerprint",
                    which(s)
                ),
                "Update GitLab's SAML certificate fingerprint to the SHA-1 fingerprint of the \
                 IdP's current signing certificate, or make the IdP sign with the certificate \
                 GitLab trusts.",
            )
        })
        .collect()
}

/// SG008: a signature whose first Reference is the whole document (`URI=""`).
pub fn sg008(sigs: &[SignatureInfo]) -> Vec<Diagnosis> {
    sigs.iter()
        .filter(|s| s.whole_document)
        .map(|s| {
            diagnosis(
                "SG008",
                format!(
                    "{} references the whole document (URI=\"\"); GitLab reads it as the {} it \
                     sits in",
                    which(s),
                    s.element
                ),
                "Prefer a Reference to the signed element's ID (URI=\"#ID\"): GitLab accepts \
                 both, but not every service provider reads URI=\"\" the same way.",
            )
        })
        .collect()
}

/// SG009: a signature with several References (only the first is checked).
pub fn sg009(sigs: &[SignatureInfo]) -> Vec<Diagnosis> {
    sigs.iter()
        .filter(|s| s.references > 1)
        .map(|s| {
            diagnosis(
                "SG009",
                format!(
                    "{} has {} References; only the first ({}) is checked, by GitLab as here, so \
                     the others vouch for nothing",
                    which(s),
                    s.references,
                    s.covers.as_deref().unwrap_or("unresolved")
                ),
                "Configure the identity provider to sign with one Reference, to the signed \
                 element's ID.",
            )
        })
        .collect()
}

/// SG005: what is shown is not what a valid signature covers.
pub fn sg005(coverage: Option<&Coverage>) -> Vec<Diagnosis> {
    let Some(c) = coverage.filter(|c| !c.wrapping.is_empty()) else {
        return Vec::new();
    };
    let signed = match c.signed.is_empty() {
        true => "no element".to_owned(),
        false => c.signed.join(" and "),
    };
    let shown = c.shown.as_deref().unwrap_or("no assertion");
    vec![diagnosis(
        "SG005",
        format!(
            "signed: {signed}; NameID shown from: {shown}; {}",
            c.wrapping.join("; ")
        ),
        "Do not trust this message: it carries content that no valid signature covers, the shape \
         of a signature-wrapping attack (GitLab rejects it). If it really came from your IdP, \
         have it send one assertion, signed where it sits, with unique IDs.",
    )]
}

/// SG006: the signing certificate is expired or not yet valid at `at` (one per certificate).
pub fn sg006(sigs: &[SignatureInfo], at: Timestamp) -> Vec<Diagnosis> {
    let mut seen: Vec<&str> = Vec::new();
    let mut out = Vec::new();
    for s in sigs.iter().filter(|s| s.signer == super::Signer::Idp) {
        let Some(c) = s.key_certificate.as_ref().or(s.certificate.as_ref()) else {
            continue;
        };
        if seen.contains(&c.sha256.as_str()) {
            continue;
        }
        seen.push(&c.sha256);
        if let Some(problem) = validity_problem(c, at) {
            out.push(diagnosis(
                "SG006",
                format!("{}: the certificate {} {problem}", which(s), c.subject),
                "Have the IdP sign with a current certificate and update GitLab's certificate \
                 fingerprint to it; check the clocks if the certificate is not yet valid.",
            ));
        }
    }
    out
}

fn validity_problem(c: &CertInfo, at: Timestamp) -> Option<String> {
    let not_before: Option<Timestamp> = c.not_before.parse().ok();
    let not_after: Option<Timestamp> = c.not_after.parse().ok();
    if not_after.is_some_and(|t| at > t) {
        return Some(format!("expired at {} (evaluated at {at})", c.not_after));
    }
    if not_before.is_some_and(|t| at < t) {
        return Some(format!(
            "is not valid before {} (evaluated at {at})",
            c.not_before
        ));
    }
    None
}

/// EN002: an encrypted part that the given SP key did not open.
pub fn en002(parts: &[DecryptionInfo]) -> Vec<Diagnosis> {
    parts
        .iter()
        .filter_map(|d| {
            let e = d.error.as_ref()?;
            Some(diagnosis(
                "EN002",
                format!("{} at {}: {e}", d.element, d.path),
                en002_fix(e),
            ))
        })
        .collect()
}

fn en002_fix(error: &str) -> &'static str {
    if error.starts_with("unsupported algorithm") {
        "Configure the IdP to encrypt with AES-256-GCM or AES-256-CBC and RSA-OAEP, which GitLab \
         and this tool support."
    } else {
        "Give with --sp-key the private key of the encryption certificate in GitLab's SP metadata \
         (the one the IdP was given); if the IdP has an older GitLab certificate, upload the \
         current one to the IdP."
    }
}

/// Every diagnosis of this layer, in code order.
pub fn all(
    sigs: &[SignatureInfo],
    coverage: Option<&Coverage>,
    parts: &[DecryptionInfo],
    at: Timestamp,
) -> Vec<Diagnosis> {
    let mut out = sg003(sigs);
    out.extend(sg004(sigs));
    out.extend(sg005(coverage));
    out.extend(sg006(sigs, at));
    out.extend(en002(parts));
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cert(not_before: &str, not_after: &str) -> CertInfo {
        CertInfo {
            subject: "CN=idp".into(),
            issuer: "CN=idp".into(),
            serial: "01".into(),
            not_before: not_before.into(),
            not_after: not_after.into(),
            sha1: "AA".into(),
            sha256: "BB".into(),
            key: "RSA 2048".into(),
        }
    }

    #[test]
    fn certificate_validity_is_judged_at_the_given_time() {
        let c = cert("2026-01-01T00:00:00Z", "2027-01-01T00:00:00Z");
        let inside: Timestamp = "2026-06-01T00:00:00Z".parse().unwrap();
        let after: Timestamp = "2027-06-01T00:00:00Z".parse().unwrap();
        let before: Timestamp = "2025-06-01T00:00:00Z".parse().unwrap();
        assert_eq!(validity_problem(&c, inside), None);
        assert!(validity_problem(&c, after).unwrap().starts_with("expired"));
        assert!(
            validity_problem(&c, before)
                .unwrap()
                .contains("not valid before")
        );
        assert_eq!(validity_problem(&cert("junk", "junk"), after), None);
    }

    #[test]
    fn decryption_failures_say_what_to_do() {
        let part = DecryptionInfo {
            element: "EncryptedAssertion".into(),
            path: "/Response/EncryptedAssertion".into(),
            key_transport: None,
            content: None,
            decrypted: false,
            error: Some("unsupported algorithm urn:x".into()),
        };
        let d = en002(&[part]);
        assert_eq!(d[0].code, "EN002");
        assert!(
            d[0].detail
                .contains("/Response/EncryptedAssertion: unsupported")
        );
        assert!(d[0].fix.contains("AES-256-GCM"));
    }
}
