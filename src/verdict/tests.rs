use super::*;
use crate::dsig::{Keys, Trust};
use crate::trace::Trace;

fn sample(rel: &str) -> Vec<u8> {
    let path = format!("{}/samples/{rel}", env!("CARGO_MANIFEST_DIR"));
    std::fs::read(&path).unwrap_or_else(|e| panic!("{path}: {e}"))
}

fn idp_keys() -> Keys {
    let mut trust = Trust::new();
    trust
        .add_anchor(&sample("keys/idp.crt"), "idp.crt")
        .unwrap();
    Keys {
        trust,
        ..Keys::default()
    }
}

fn gitlab(at: &str) -> Context {
    let mut ctx = Context::new(at.parse().unwrap());
    ctx.expect_group(&crate::checks::GitLabGroup::parse("https://gitlab.com/groups/acme").unwrap());
    ctx
}

/// A message through the pipeline, verified with `keys` and judged in `ctx`.
fn judged_in(bytes: &[u8], keys: Keys, ctx: Context) -> Trace {
    let config = crate::pipeline::Config::new(ctx).with_keys(std::sync::Arc::new(keys));
    crate::pipeline::Pipeline::new(config)
        .decode("x", bytes)
        .remove(0)
}

fn judged(bytes: &[u8], keys: Keys, at: &str) -> Trace {
    judged_in(bytes, keys, gitlab(at))
}

fn verdict_of(t: &Trace) -> &Verdict {
    t.gitlab_verdict.as_ref().expect("a verdict")
}

#[test]
fn a_good_signed_response_is_accepted() {
    let t = judged(
        &sample("okta-email.b64"),
        idp_keys(),
        "2026-11-02T09:01:00Z",
    );
    let v = verdict_of(&t);
    assert_eq!(v.outcome, Outcome::Accepts, "{v:#?}");
    assert_eq!(v.summary, "GitLab accepts");
    assert_eq!(v.code, None);
}

#[test]
fn without_a_trust_anchor_the_signature_is_what_is_missing() {
    let t = judged(
        &sample("okta-email.b64"),
        Keys::default(),
        "2026-11-02T09:01:00Z",
    );
    let v = verdict_of(&t);
    assert_eq!(v.outcome, Outcome::Undecided);
    assert_eq!(v.needs.len(), 1);
    assert!(v.needs[0].contains("--idp-cert or --fingerprint"), "{v:#?}");
}

#[test]
fn a_refusal_for_time_says_by_how_much_it_missed() {
    // The samples are valid 08:55–09:05; four seconds after, GitLab refuses.
    let t = judged(
        &sample("okta-email.b64"),
        idp_keys(),
        "2026-11-02T09:05:04Z",
    );
    let v = verdict_of(&t);
    assert_eq!(v.outcome, Outcome::Refuses);
    assert_eq!(v.check, Some("validate_conditions"));
    assert_eq!(v.code, Some("TM001"));
    assert_eq!(
        v.message.as_deref(),
        Some(
            "Current time is on or after NotOnOrAfter condition (2026-11-02 09:05:04 UTC >= \
             2026-11-02 09:05:00 UTC + 1s)"
        )
    );
    assert!(
        v.reason.as_deref().unwrap().contains("4 seconds too late"),
        "{v:#?}"
    );
}

#[test]
fn the_skew_widens_the_window() {
    let mut ctx = gitlab("2026-11-02T09:05:04Z");
    ctx.skew = jiff::SignedDuration::from_secs(5);
    let t = judged_in(&sample("okta-email.b64"), idp_keys(), ctx);
    assert_eq!(verdict_of(&t).outcome, Outcome::Accepts);
}

#[test]
fn a_failed_status_is_refused_with_ruby_saml_s_message() {
    let t = judged(
        &sample("failed-status.b64"),
        idp_keys(),
        "2026-11-02T09:01:00Z",
    );
    let v = verdict_of(&t);
    assert_eq!(v.check, Some("validate_success_status"));
    assert_eq!(
        v.message.as_deref(),
        Some(
            "The status code of the Response was not Success, was Responder => RequestDenied \
             -> User is not assigned to this application."
        )
    );
}

#[test]
fn requests_are_not_validated_and_say_why() {
    let t = judged(
        &sample("authn-request-redirect.url"),
        idp_keys(),
        "2026-11-02T09:01:00Z",
    );
    let v = verdict_of(&t);
    assert_eq!(v.outcome, Outcome::NotValidated);
    assert_eq!(
        v.summary,
        "GitLab does not validate this AuthnRequest: GitLab sent it to the identity provider, \
         which validates it"
    );
    let t = judged(
        &sample("logout-request.xml"),
        idp_keys(),
        "2026-11-02T17:31:00Z",
    );
    assert!(
        verdict_of(&t)
            .summary
            .contains("LogoutRequest: GitLab sent it")
    );
    let idp_logout = String::from_utf8(sample("logout-request.xml"))
        .unwrap()
        .replace(
            ">https://gitlab.com/groups/acme<",
            ">https://idp.example.com/<",
        );
    let t = judged(idp_logout.as_bytes(), idp_keys(), "2026-11-02T17:31:00Z");
    assert!(
        verdict_of(&t).summary.contains("it is not a sign-in"),
        "{:?}",
        verdict_of(&t)
    );
}

/// Regression: an ID that is not an xs:ID (a bare UUID starting with a digit, which real IdPs
/// send) was accepted; GitLab's schema check refuses it.
#[test]
fn an_id_starting_with_a_digit_is_refused_by_the_schema() {
    let t = judged(
        &sample("verdict/digit-id.xml"),
        idp_keys(),
        "2026-11-02T09:01:00Z",
    );
    let v = verdict_of(&t);
    assert_eq!(v.outcome, Outcome::Refuses);
    assert_eq!(v.check, Some("validate_structure"));
    assert_eq!(
        v.message.as_deref(),
        Some("Invalid SAML Response. Not match the saml-schema-protocol-2.0.xsd")
    );
    assert_eq!(v.code, Some("SC001"));
    let reason = v.reason.as_deref().unwrap();
    assert!(
        reason.starts_with("line 1, column 119: the samlp:Response ID"),
        "{reason}"
    );
    let f = t.findings.iter().find(|f| f.code == "SC001").unwrap();
    assert!(
        f.detail.contains("starts with the digit '4'"),
        "{}",
        f.detail
    );
}

/// The issue's cases where samltrace refused what GitLab accepts: a whole-document reference, a
/// broken signature GitLab never reads, a second Reference. Each stays a warning.
#[test]
fn policies_that_gitlab_accepts_are_warnings() {
    for (file, code) in [
        ("verdict/whole-document.xml", "SG008"),
        ("verdict/broken-inner-signature.xml", "SG007"),
        ("verdict/two-references.xml", "SG009"),
    ] {
        let t = judged(&sample(file), idp_keys(), "2026-11-02T09:01:00Z");
        assert_eq!(verdict_of(&t).outcome, Outcome::Accepts, "{file}");
        let f = t.findings.iter().find(|f| f.code == code).unwrap();
        assert_eq!(f.severity, crate::checks::Severity::Warning, "{file}");
        assert!(!t.has_error_findings(), "{file}: {:#?}", t.findings);
        assert!(
            t.signatures[0].verified == Some(true),
            "verified is the cryptography"
        );
    }
}

/// An unrelated certificate in KeyInfo: ruby-saml compares the message's first certificate
/// with the configured one (or fingerprint) and refuses, even though the trusted key signed.
#[test]
fn an_unrelated_keyinfo_certificate_is_refused_as_gitlab_does() {
    let t = judged(
        &sample("verdict/unrelated-keyinfo.xml"),
        idp_keys(),
        "2026-11-02T09:01:00Z",
    );
    let v = verdict_of(&t);
    assert_eq!(v.message.as_deref(), Some("Fingerprint mismatch"));
    assert_eq!(v.code, Some("SG004"));
    let mut fingerprint = Keys::default();
    fingerprint
        .trust
        .add_fingerprint("AB:C4:04:A6:C2:56:B3:9B:76:F0:34:FB:CF:52:22:1C:CA:DF:77:F9")
        .unwrap();
    let t = judged(
        &sample("verdict/unrelated-keyinfo.xml"),
        fingerprint,
        "2026-11-02T09:01:00Z",
    );
    assert_eq!(
        verdict_of(&t).message.as_deref(),
        Some("Fingerprint mismatch")
    );
}

#[test]
fn a_bare_assertion_is_not_a_response() {
    let xml = br#"<saml:Assertion xmlns:saml="urn:oasis:names:tc:SAML:2.0:assertion" ID="_a" Version="2.0" IssueInstant="2026-11-02T09:00:00Z"><saml:Issuer>x</saml:Issuer></saml:Assertion>"#;
    let t = judged(xml, idp_keys(), "2026-11-02T09:01:00Z");
    let v = verdict_of(&t);
    assert_eq!(v.message.as_deref(), Some("Unsupported SAML version"));
    assert_eq!(v.code, Some("SC004"));
}

#[test]
fn every_code_the_verdict_raises_is_in_the_catalogue() {
    for code in catalogue::RAISED_BY_VERDICT {
        assert!(catalogue::lookup(code).is_some(), "{code}");
    }
}
