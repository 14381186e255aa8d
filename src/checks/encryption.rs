//! Encryption rules: what cannot be read without the service provider's private key.
//!
//! Decrypting and its failures belong to the signature and decryption family (EN002); this file
//! only notices encrypted parts that were left unread because no key was given.

use crate::dsig::short_name;
use crate::saml::{Encryption, Message};

use super::{Context, Raised, Rule, is_sign_in};

pub(super) const RULES: &[Rule] = &[Rule {
    code: "EN001",
    check: unread,
}];

/// "an EncryptedAssertion (aes256-cbc, key by rsa-oaep-mgf1p)".
fn describe(e: &Encryption) -> String {
    let algorithms: Vec<String> = [e.data_algorithm.as_deref(), e.key_algorithm.as_deref()]
        .into_iter()
        .flatten()
        .map(short_name)
        .collect();
    match algorithms.as_slice() {
        [] => format!("an {}", e.element),
        [data] => format!("an {} ({data})", e.element),
        [data, key, ..] => format!("an {} ({data}, key by {key})", e.element),
    }
}

/// Every encrypted part of a sign-in message left unread.
fn encrypted_parts(msg: &Message) -> Vec<&Encryption> {
    let mut parts = Vec::new();
    for a in &msg.assertions {
        parts.extend(a.encryption.as_ref().filter(|_| a.encrypted));
        parts.extend(a.subject.iter().filter_map(|s| s.encrypted_id.as_ref()));
        parts.extend(a.encrypted_attributes.iter());
    }
    parts
}

/// EN001: encrypted parts and no SP private key to read them.
fn unread(msg: &Message, ctx: &Context) -> Vec<Raised> {
    if ctx.sp_key_given || !is_sign_in(msg) {
        return vec![];
    }
    let parts = encrypted_parts(msg);
    if parts.is_empty() {
        return vec![];
    }
    let listed: Vec<String> = parts.iter().map(|e| describe(e)).collect();
    vec![Raised::new(
        format!(
            "The {} carries {}. Without the service provider's private key samltrace cannot \
             read what is inside, so the checks of the NameID, times, audience and attributes \
             inside it were not made.",
            if msg.is_response() {
                "response"
            } else {
                "assertion"
            },
            listed.join(" and ")
        ),
        "Pass the service provider's private key with --sp-key (on GitLab Self-Managed, the \
         private_key of the SAML provider's settings), or turn encryption off in the SAML app \
         while troubleshooting.",
    )]
}

#[cfg(test)]
mod tests {
    use super::super::testing::*;
    use crate::checks::Severity;

    #[test]
    fn en001_encrypted_assertion_names_its_algorithms() {
        let mut r = response();
        r.assertion = AssertionPart::Encrypted;
        let f = one(&check(&r), "EN001");
        assert_eq!(f.severity, Severity::Info);
        assert!(
            f.detail.starts_with(
                "The response carries an EncryptedAssertion (aes256-cbc, key by \
                 rsa-oaep-mgf1p). Without"
            ),
            "{}",
            f.detail
        );
    }

    #[test]
    fn en001_encrypted_id() {
        let r = response().with(|a| a.encrypted_id = true);
        let f = one(&check(&r), "EN001");
        assert!(
            f.detail.contains("an EncryptedID (aes128-cbc)"),
            "{}",
            f.detail
        );
    }

    #[test]
    fn en001_not_raised_with_a_key_or_nothing_encrypted() {
        assert!(raised(&check(&response()), "EN001").is_empty());
        let mut r = response();
        r.assertion = AssertionPart::Encrypted;
        let mut ctx = gitlab_context();
        ctx.sp_key_given = true;
        assert!(raised(&check_with(&r, ctx), "EN001").is_empty());
    }
}
