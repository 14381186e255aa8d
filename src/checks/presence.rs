//! Signature-presence rules: is anything signed, and with what algorithms.
//!
//! These read only the [`SignatureInfo`] records of the [`Context`], never the keys: whether a
//! signature verifies, and with which certificate, is the signature family's to judge
//! (SG003–SG006). Pure functions of the message and the context.

use crate::dsig::SignatureInfo;
use crate::saml::{Assertion, Message};

use super::quote::quote;
use super::{Context, Raised, Rule, is_sign_in, readable, which};

pub(super) const RULES: &[Rule] = &[
    Rule {
        code: "SG001",
        check: unsigned,
    },
    Rule {
        code: "SG002",
        check: sha1,
    },
];

/// The path of the message's root element: `/Response`.
fn root_path(msg: &Message) -> String {
    format!("/{}", msg.kind)
}

fn signs(sigs: &[SignatureInfo], path: &str) -> bool {
    sigs.iter().any(|s| s.path == path)
}

/// SG001: neither the Response nor the Assertion is signed.
fn unsigned(msg: &Message, ctx: &Context) -> Vec<Raised> {
    if signs(&ctx.signatures, &root_path(msg)) {
        return vec![];
    }
    readable(msg)
        .filter(|a| !signs(&ctx.signatures, &a.path))
        .map(|a| Raised::new(unsigned_detail(msg, a, &ctx.signatures), UNSIGNED_FIX))
        .collect()
}

const UNSIGNED_FIX: &str = "Turn on signing in the SAML app (Microsoft Entra: Signing Option \
    \"Sign SAML response and assertion\"; Okta: Response and Assertion Signature \"Signed\"), \
    and make sure the response carries the X.509 certificate.";

fn unsigned_detail(msg: &Message, a: &Assertion, sigs: &[SignatureInfo]) -> String {
    let what = if msg.is_response() {
        "Neither the response nor its assertion"
    } else {
        "The assertion"
    };
    let elsewhere: Vec<String> = sigs.iter().map(|s| s.path.clone()).collect();
    let elsewhere = match elsewhere.as_slice() {
        [] => String::new(),
        paths => format!(
            " The document's only signatures sit at {}, which cover neither.",
            paths.join(", ")
        ),
    };
    format!(
        "{what}{} carries a signature, so nothing proves it comes from the identity provider; \
         GitLab refuses it.{elsewhere}",
        which(msg, a)
    )
}

/// SG002: SHA-1 in a signature's SignatureMethod or DigestMethod.
fn sha1(msg: &Message, ctx: &Context) -> Vec<Raised> {
    if !is_sign_in(msg) {
        return vec![];
    }
    ctx.signatures.iter().filter_map(sha1_in).collect()
}

fn sha1_in(s: &SignatureInfo) -> Option<Raised> {
    let method = s.algorithm.as_deref().or(s.algorithm_uri.as_deref());
    let digest = s.digest.as_deref().or(s.digest_uri.as_deref());
    let (method, digest) = (method.unwrap_or(""), digest.unwrap_or(""));
    if !method.contains("sha1") && !digest.contains("sha1") {
        return None;
    }
    Some(Raised::new(
        format!(
            "The signature on {} uses the signature method {} and the digest {}; SHA-1 is broken \
             for collisions, and identity providers have moved to SHA-256.",
            s.path,
            quote(method),
            quote(digest)
        ),
        "Set the SAML app's signing algorithm to RSA-SHA256 with a SHA-256 digest (GitLab \
         accepts SHA-256, SHA-384 and SHA-512).",
    ))
}

#[cfg(test)]
mod tests {
    use super::super::testing::*;

    #[test]
    fn sg001_unsigned_response_and_assertion() {
        let r = response().with(|a| a.signed = false);
        let f = one(&check(&r), "SG001");
        assert_eq!(
            f.detail,
            "Neither the response nor its assertion carries a signature, so nothing proves it \
             comes from the identity provider; GitLab refuses it."
        );
        assert!(
            f.fix
                .contains("Additional configuration for SAML apps on your IdP")
        );
    }

    #[test]
    fn sg001_not_raised_when_either_is_signed() {
        assert!(raised(&check(&response()), "SG001").is_empty());
        let mut r = response().with(|a| a.signed = false);
        r.signed_response = true;
        assert!(raised(&check(&r), "SG001").is_empty());
    }

    #[test]
    fn sg001_not_raised_without_a_readable_assertion() {
        assert!(raised(&check(&response().failed("AuthnFailed", "")), "SG001").is_empty());
        let mut encrypted = response();
        encrypted.assertion = AssertionPart::Encrypted;
        assert!(raised(&check(&encrypted), "SG001").is_empty());
    }

    #[test]
    fn sg002_sha1_method_or_digest() {
        let mut r = response();
        r.signature_method = RSA_SHA1.into();
        let f = one(&check(&r), "SG002");
        assert_eq!(
            f.detail,
            "The signature on /Response/Assertion uses the signature method \"rsa-sha1\" and the \
             digest \"sha256\"; SHA-1 is broken for collisions, and identity providers have \
             moved to SHA-256."
        );
        let mut r = response();
        r.digest_method = SHA1.into();
        r.signed_response = true;
        assert_eq!(raised(&check(&r), "SG002").len(), 2);
    }

    #[test]
    fn sg002_not_raised_on_sha256() {
        assert!(raised(&check(&response()), "SG002").is_empty());
    }
}
