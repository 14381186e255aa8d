//! Signature and decryption rules: SG003 (does not verify), SG004 (not the trusted
//! certificate), SG005 (signature wrapping), SG006 (certificate outside its validity), SG007 (a
//! broken signature GitLab never reads), SG008 (a whole-document reference), SG009 (several
//! References) and EN002 (decryption failed).
//!
//! In a Response, GitLab verifies one signature (`dsig::gitlab`): SG003 and SG004 are about that
//! one; another signature's problems are SG007, a warning, since they cannot stop the sign-in.
//!
//! Thin on purpose: `dsig` verifies, decrypts and compares coverage, and `dsig::diagnose` words
//! each detail and fix; these rules only pick the facts from the [`Context`]. Pure functions.

use crate::dsig::SignatureInfo;
use crate::dsig::diagnose::{self, Diagnosis};
use crate::saml::Message;

use super::{Context, Raised, Rule};

pub(super) const RULES: &[Rule] = &[
    Rule {
        code: "SG003",
        check: does_not_verify,
    },
    Rule {
        code: "SG004",
        check: untrusted_certificate,
    },
    Rule {
        code: "SG005",
        check: wrapping,
    },
    Rule {
        code: "SG006",
        check: certificate_validity,
    },
    Rule {
        code: "SG007",
        check: unread_signature_broken,
    },
    Rule {
        code: "SG008",
        check: whole_document,
    },
    Rule {
        code: "SG009",
        check: several_references,
    },
    Rule {
        code: "EN002",
        check: not_decrypted,
    },
];

fn raised(found: Vec<Diagnosis>) -> Vec<Raised> {
    found
        .into_iter()
        .map(|d| Raised::new(d.detail, d.fix))
        .collect()
}

/// The signatures that decide: the one GitLab verifies when it is known, else every signature
/// of the document, and the redirect query signature.
fn deciding(ctx: &Context) -> Vec<SignatureInfo> {
    let checked = ctx.signatures.iter().any(|s| s.checked_by_gitlab);
    ctx.signatures
        .iter()
        .filter(|s| !checked || s.checked_by_gitlab)
        .chain(&ctx.redirect_signature)
        .cloned()
        .collect()
}

/// The signatures GitLab does not read, when it reads one.
fn unread(ctx: &Context) -> Vec<SignatureInfo> {
    match ctx.signatures.iter().any(|s| s.checked_by_gitlab) {
        true => ctx
            .signatures
            .iter()
            .filter(|s| !s.checked_by_gitlab)
            .cloned()
            .collect(),
        false => Vec::new(),
    }
}

/// SG003: a signature checked against the trust anchors does not verify.
fn does_not_verify(_: &Message, ctx: &Context) -> Vec<Raised> {
    raised(diagnose::sg003(&deciding(ctx)))
}

/// SG004: the message's certificate is not the trusted certificate or fingerprint.
fn untrusted_certificate(_: &Message, ctx: &Context) -> Vec<Raised> {
    let deciding: Vec<SignatureInfo> = deciding(ctx)
        .into_iter()
        .filter(|s| ctx.redirect_signature.as_ref() != Some(s))
        .collect();
    raised(diagnose::sg004(&deciding))
}

/// SG007: what SG003 and SG004 would say of a signature GitLab never reads.
fn unread_signature_broken(_: &Message, ctx: &Context) -> Vec<Raised> {
    let unread = unread(ctx);
    let found = diagnose::sg003(&unread)
        .into_iter()
        .chain(diagnose::sg004(&unread));
    found
        .map(|d| {
            Raised::new(
                format!(
                    "{} (GitLab verifies another signature, so this one does not stop the sign-in)",
                    d.detail
                ),
                d.fix,
            )
        })
        .collect()
}

/// SG008: a Reference to the whole document (`URI=""`).
fn whole_document(_: &Message, ctx: &Context) -> Vec<Raised> {
    raised(diagnose::sg008(&ctx.signatures))
}

/// SG009: more than one Reference in a signature.
fn several_references(_: &Message, ctx: &Context) -> Vec<Raised> {
    raised(diagnose::sg009(&ctx.signatures))
}

/// SG005: the NameID shown is not in an element a valid signature covers.
fn wrapping(_: &Message, ctx: &Context) -> Vec<Raised> {
    raised(diagnose::sg005(ctx.coverage.as_ref()))
}

/// SG006: the signing certificate is expired or not yet valid at the evaluation time.
fn certificate_validity(_: &Message, ctx: &Context) -> Vec<Raised> {
    raised(diagnose::sg006(&ctx.signatures, ctx.at))
}

/// EN002: an encrypted part the given SP key did not open.
fn not_decrypted(_: &Message, ctx: &Context) -> Vec<Raised> {
    raised(diagnose::en002(&ctx.decryption))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::dsig::{Keys, SpKey, Trust, check};
    use crate::xml::Document;

    fn sample(rel: &str) -> Vec<u8> {
        let path = format!("{}/samples/{rel}", env!("CARGO_MANIFEST_DIR"));
        std::fs::read(&path).unwrap_or_else(|e| panic!("{path}: {e}"))
    }

    /// The context `Trace::check` builds, for one sample and the keys given.
    fn judged(file: &str, cert: Option<&str>, sp_key: Option<&str>) -> Vec<&'static str> {
        let mut trust = Trust::new();
        if let Some(c) = cert {
            trust.add_anchor(&sample(c), c).unwrap();
        }
        let sp_key = sp_key.map(|k| SpKey::from_bytes(&sample(k), k).unwrap());
        let keys = Keys {
            trust,
            sp_key,
            ..Keys::default()
        };
        let doc = Document::parse_bytes(sample(file)).unwrap();
        let msg = Message::from_document(&doc).unwrap();
        let report = check(&doc, &msg, &keys);
        let mut ctx = Context::new("2026-11-02T09:00:00Z".parse().unwrap());
        ctx.signatures = report.signatures;
        ctx.coverage = Some(report.coverage);
        ctx.decryption = report.decryption;
        ctx.sp_key_given = keys.sp_key.is_some();
        let mut codes: Vec<&'static str> = super::super::run(&report.message, &ctx)
            .iter()
            .map(|f| f.code)
            .filter(|c| c.starts_with("SG") || c.starts_with("EN"))
            .collect();
        codes.dedup();
        codes
    }

    #[test]
    fn each_rule_fires_on_its_sample_and_only_there() {
        let idp = Some("keys/idp.crt");
        assert!(judged("dsig/both-sha256.xml", idp, None).is_empty());
        assert_eq!(
            judged("dsig/response-sha256-tampered.xml", idp, None),
            ["SG003"]
        );
        assert_eq!(
            judged("dsig/response-sha256.xml", Some("dsig/keys/sp.crt"), None),
            ["SG003", "SG004"]
        );
        assert_eq!(judged("dsig/response-sha1.xml", idp, None), ["SG002"]);
        assert_eq!(
            judged("dsig/encrypted-3des-rsa15.xml", idp, Some("keys/idp.key")),
            ["EN002"]
        );
        assert!(
            judged(
                "dsig/encrypted-3des-rsa15.xml",
                idp,
                Some("dsig/keys/sp.key")
            )
            .is_empty()
        );
    }
}
