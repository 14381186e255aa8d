//! HTTP-Redirect binding signatures: `Signature` over the query string exactly as sent
//! (`SAMLRequest=…&RelayState=…&SigAlg=…`, still percent-encoded), with the algorithm `SigAlg`.
//!
//! The result is a [`SignatureInfo`] like an XML signature's, so reports and checks treat both
//! alike. Keys come from the trust anchors only: a redirect signature carries no KeyInfo, so a
//! fingerprint alone cannot check it. No I/O; no panics on hostile input.

use super::algorithms::{Mismatch, Refusal, SignatureAlg};
use super::verify::{Status, Verification, decode_base64};
use super::{SignatureInfo, Trust, short_name};

const MAX_SIGNATURE_B64: usize = 4096;

/// Checks a redirect signature. `signed_query` is the raw signed part of the query,
/// `sig_alg` and `signature` the decoded `SigAlg` and `Signature` values; `element` is the
/// message's root element (`AuthnRequest`, `LogoutRequest`, …).
pub fn verify_redirect(
    signed_query: &str,
    sig_alg: &str,
    signature: &str,
    trust: &Trust,
    element: &str,
) -> SignatureInfo {
    let status = check(signed_query, sig_alg, signature, trust);
    let weak = SignatureAlg::from_uri(sig_alg).is_ok_and(|a| a.is_weak());
    let (status, key) = status;
    let mut info = SignatureInfo {
        element: element.to_owned(),
        path: format!("/{element}"),
        algorithm: Some(short_name(sig_alg)),
        algorithm_uri: Some(sig_alg.to_owned()),
        key_info: Some("HTTP-Redirect query signature".to_owned()),
        ..SignatureInfo::default()
    };
    let v = Verification {
        covers: Some(info.path.clone()),
        covers_parent: true,
        key: key.as_ref().map(|k| k.describe()),
        key_certificate: key.and_then(|k| k.certificate.clone()),
        weak: match weak {
            true => vec![format!("{} signature", short_name(sig_alg))],
            false => Vec::new(),
        },
        status,
        ..Verification::placeholder()
    };
    info.apply(&v, trust);
    info
}

fn check<'t>(
    signed_query: &str,
    sig_alg: &str,
    signature: &str,
    trust: &'t Trust,
) -> (Status, Option<&'t super::TrustedKey>) {
    let alg = match SignatureAlg::from_uri(sig_alg) {
        Ok(a) => a,
        Err(Refusal::Refused(s)) => return (Status::Refused(s), None),
        Err(Refusal::Unsupported(u)) => return (Status::Unsupported(u), None),
    };
    // A form decoder turns an unencoded '+' into a space; base64 has no spaces.
    let value = decode_base64(&signature.replace(' ', "+"), MAX_SIGNATURE_B64);
    let value = match value {
        Ok(v) => v,
        Err(why) => {
            return (
                Status::Malformed(format!("Signature parameter {why}")),
                None,
            );
        }
    };
    if trust.is_empty() {
        return (
            Status::NotChecked(
                "no trust anchor given: a redirect signature can only be checked with \
                 --idp-cert or --idp-metadata"
                    .to_owned(),
            ),
            None,
        );
    }
    if trust.keys.is_empty() {
        return (
            Status::NoKey(
                "a redirect signature carries no certificate, so a fingerprint cannot check it: \
                 give --idp-cert or --idp-metadata"
                    .to_owned(),
            ),
            None,
        );
    }
    let mut detail = None;
    for k in &trust.keys {
        match k.key.verify(alg, signed_query.as_bytes(), &value) {
            Ok(()) => return (Status::Verified, Some(k)),
            Err(Mismatch::Value) => {}
            Err(Mismatch::KeyType(d) | Mismatch::Shape(d)) => detail = Some(d),
        }
    }
    (Status::WrongKey { detail }, None)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn refusals_and_garbage_are_reported_not_panics() {
        let t = Trust::new();
        let i = verify_redirect("SAMLRequest=x", "urn:bogus", "AAAA", &t, "AuthnRequest");
        assert_eq!(i.status.as_deref(), Some("unsupported"));
        assert_eq!(i.verified, None);
        let i = verify_redirect(
            "SAMLRequest=x",
            "http://www.w3.org/2000/09/xmldsig#hmac-sha1",
            "AAAA",
            &t,
            "AuthnRequest",
        );
        assert_eq!(i.status.as_deref(), Some("refused"));
        let i = verify_redirect(
            "SAMLRequest=x",
            "http://www.w3.org/2000/09/xmldsig#rsa-sha1",
            &"A".repeat(100_000),
            &t,
            "AuthnRequest",
        );
        assert_eq!(i.status.as_deref(), Some("malformed"));
        assert!(i.weak.iter().any(|w| w.contains("sha1")));
    }
}
