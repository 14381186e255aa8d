//! Recognising messages: every entry from its own words with values filled in, as GitLab shows
//! them (humanized, framed, prefixed), and near misses to their closest entry.

use super::catalogue::{self, Entry};
use super::*;

/// A concrete value for a `%{name}`, as GitLab would fill it in.
fn concrete(name: &str) -> &'static str {
    match name {
        n if n.contains("status") => ", was Requester => RequestDenied",
        n if n.contains("message") => " -> User is not assigned to this application",
        n if n.contains("drift") => " + 1s",
        "s" => "s",
        "now" => "2026-11-02 09:05:00 UTC",
        n if n.contains("url") || n.contains("destination") || n.contains("entity") => {
            "https://gitlab.com/groups/acme/-/saml/callback"
        }
        "label" => "SAML",
        _ => "_3f2504e0-4f89-11d3-9a0c-0305e82c3301",
    }
}

/// The message with each `%{name}` replaced by a concrete value.
fn filled(message: &str) -> String {
    let mut out = String::new();
    let mut rest = message;
    while let Some(at) = rest.find("%{") {
        out.push_str(&rest[..at]);
        let after = &rest[at + 2..];
        let end = after.find('}').unwrap();
        out.push_str(concrete(&after[..end]));
        rest = &after[end + 1..];
    }
    out.push_str(rest);
    out
}

/// What ActiveSupport's `humanize` makes of a reason: first letter up, the rest down,
/// underscores as spaces.
fn humanized(message: &str) -> String {
    let lower = message.to_lowercase().replace('_', " ");
    let mut chars = lower.chars();
    chars
        .next()
        .map(|c| c.to_uppercase().chain(chars).collect())
        .unwrap_or_default()
}

fn first_match(text: &str) -> Option<&'static str> {
    let e = explain(text).unwrap();
    e[0].matches.first().map(|m| m.code)
}

fn closest_first(text: &str) -> &'static str {
    let e = explain(text).unwrap();
    assert!(!e[0].recognised(), "{text:?} matched {:?}", e[0].matches);
    e[0].closest.first().map(|c| c.entry.code).unwrap_or("none")
}

fn all() -> impl Iterator<Item = &'static Entry> {
    catalogue::entries()
}

#[test]
fn every_entry_is_found_from_each_of_its_wordings_with_values_filled_in() {
    for e in all() {
        for w in e.wordings() {
            let text = filled(w);
            assert_eq!(first_match(&text), Some(e.code), "{text:?}");
        }
    }
}

#[test]
fn every_entry_is_found_as_gitlab_shows_it_humanized_and_framed() {
    for e in all() {
        let reason = humanized(&filled(e.messages[0]));
        for text in [
            format!("Could not authorize you from SAML because \"{reason}\"."),
            format!("Unable to sign in to group with SAML: &quot;{reason}&quot;"),
            format!("Acme Corp SAML authentication failed: {reason}"),
        ] {
            let x = &explain(&text).unwrap()[0];
            assert_eq!(x.matches.first().map(|m| m.code), Some(e.code), "{text:?}");
            assert!(x.frame.is_some(), "{text:?}");
            assert_eq!(x.reason.as_deref(), Some(reason.as_str()), "{text:?}");
        }
    }
}

#[test]
fn the_extern_uid_and_user_pair_means_a_change_of_capitalisation() {
    let text = "Acme SAML authentication failed: Extern uid has already been taken. Please contact \
                your administrator to generate a unique extern_uid / NameID, User has already \
                been taken";
    let x = &explain(text).unwrap()[0];
    let codes: Vec<&str> = x.matches.iter().map(|m| m.code).collect();
    assert_eq!(codes, ["GL002"]);
    assert_eq!(
        first_match("Extern UID has already been taken and User has already been taken"),
        Some("GL002")
    );
    assert_eq!(
        first_match("SAML authentication failed: Extern uid has already been taken"),
        Some("GL001")
    );
    assert_eq!(
        first_match("SAML authentication failed: User has already been taken"),
        Some("GL003")
    );
}

#[test]
fn the_messages_the_issue_names_are_recognised() {
    for (text, code) in [
        (
            "SAML authentication failed: Extern uid has already been taken",
            "GL001",
        ),
        (
            "SAML authentication failed: Email has already been taken",
            "GL004",
        ),
        ("Request to link SAML account must be authorized", "GL006"),
        (
            "Certificate element missing in response (ds:x509certificate) and not cert provided at settings",
            "RS051",
        ),
        (
            "SAML Name ID and email address do not match your user account. Contact an administrator.",
            "GL007",
        ),
        ("SAML Response must contain 1 assertion", "RS007"),
        (
            "Found an unexpected number of Signature Element. SAML Response rejected",
            "RS014",
        ),
        (
            "The attributes have expired, based on the SessionNotOnOrAfter of the AuthnStatement of this Response",
            "RS029",
        ),
        (
            "Invalid SAML Response. Not match the saml-schema-protocol-2.0.xsd",
            "RS016",
        ),
    ] {
        assert_eq!(first_match(text), Some(code), "{text}");
    }
}

#[test]
fn a_schema_error_with_the_document_after_it_is_recognised() {
    let text = "1:0: ERROR: Element '{urn:oasis:names:tc:SAML:2.0:protocol}Response', attribute \
                'ID': '3f2504e0-4f89-11d3-9a0c-0305e82c3301' is not a valid value of the atomic \
                type 'xs:ID'.\n\n<?xml version=\"1.0\"?>\n<samlp:Response ID=\"3f25\"/>";
    assert_eq!(first_match(text), Some("RS041"));
    let humanized = humanized(text);
    assert_eq!(first_match(&humanized), Some("RS041"));
    assert_eq!(
        first_match(
            "Element '{urn:oasis:names:tc:SAML:2.0:assertion}Assertion': This element is not expected. Expected is ( {urn:oasis:names:tc:SAML:2.0:assertion}Issuer )."
        ),
        Some("RS042")
    );
}

#[test]
fn debian_1_13_words_are_recognised_too() {
    assert_eq!(
        first_match("The SPNameQualifier value mistmatch the SP entityID value."),
        Some("RS033")
    );
}

#[test]
fn near_misses_get_the_right_closest_entry() {
    for (text, code) in [
        ("SAML response must have exactly one assertion", "RS007"),
        ("Extern UID already taken", "GL001"),
        ("the attributes expired (SessionNotOnOrAfter)", "RS029"),
        ("Found unexpected number of Signature Elements", "RS014"),
        ("Certificate element missing in response", "RS051"),
        ("Fingerprint mis-match", "RS050"),
        ("SAML Name ID and email do not match", "GL007"),
        ("email already taken", "GL004"),
        ("Asertion must include one Conditions", "RS018"),
        ("SPNameQualifier does not match", "RS033"),
        ("Request to link account must be authorised", "GL006"),
        ("digest mismatched", "RS054"),
    ] {
        assert_eq!(closest_first(text), code, "{text}");
    }
}

#[test]
fn unknown_text_gets_closest_entries_never_nothing() {
    let x = &explain("The assertion was rejected by the service provider").unwrap()[0];
    assert!(!x.recognised());
    assert!(!x.closest.is_empty() && x.closest.len() <= CLOSEST);
    assert!(x.closest.windows(2).all(|w| w[0].score >= w[1].score));
    assert!(x.closest.iter().all(|c| c.score > 0.0 && c.score <= 1.0));
}

#[test]
fn an_unknown_reason_in_a_frame_keeps_the_frame_and_ranks_the_reason() {
    let x = &explain("Could not authorize you from SAML because \"Assertion count must be 1\".")
        .unwrap()[0];
    assert!(!x.recognised());
    assert_eq!(x.reason.as_deref(), Some("Assertion count must be 1"));
    assert_eq!(
        x.frame.map(|f| f.file),
        Some("config/locales/devise.en.yml")
    );
    assert_eq!(x.closest.first().map(|c| c.entry.code), Some("RS007"));
}

#[test]
fn log_lines_are_explained_one_by_one() {
    let log = concat!(
        r#"{"severity":"ERROR","payload_type":"saml_response","error":"Fingerprint mismatch"}"#,
        "\n",
        r#"{"severity":"INFO","payload_type":"saml_response","saml_response":{"name_id":"x"}}"#,
        "\n",
        r#"{"exception.message":"The response was received at https://a/cb instead of https://b/cb"}"#,
    );
    let xs = explain(log).unwrap();
    let got: Vec<(Option<usize>, Option<&str>)> = xs
        .iter()
        .map(|x| (x.query.line, x.matches.first().map(|m| m.code)))
        .collect();
    assert_eq!(got, [(Some(1), Some("RS050")), (Some(3), Some("RS025"))]);
}

#[test]
fn for_verdict_joins_on_the_ruby_saml_method_and_message() {
    assert_eq!(
        for_verdict(
            "validate_num_assertion",
            "SAML Response must contain 1 assertion"
        )
        .map(|e| e.code),
        Some("RS007")
    );
    assert_eq!(
        for_verdict("validate_signature", "Fingerprint mismatch").map(|e| e.code),
        Some("RS050")
    );
    assert_eq!(
        for_verdict("validate_signature", "something new").map(|e| e.code),
        Some("RS034")
    );
    assert_eq!(
        for_verdict("validate_signature", "Invalid Signature on Logout Response").map(|e| e.code),
        Some("RS034"),
        "logout's entries never explain a sign-in verdict"
    );
    assert_eq!(
        for_verdict(
            "validate_conditions",
            "Current time is on or after NotOnOrAfter condition (2026-11-02 09:05:00 UTC >= 2026-11-02 09:04:00 UTC)"
        )
        .map(|e| e.code),
        Some("RS020")
    );
    assert_eq!(for_verdict("validate_everything", "x"), None);
}

#[test]
fn empty_input_is_an_error() {
    assert_eq!(explain("   "), Err(InputError::Empty));
}
