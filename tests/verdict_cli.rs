//! GitLab's verdict as a user sees it: the first line of the text report, `gitlab_verdict` in
//! JSON, the exit code, and the captures whose requests GitLab signed.

mod common;

use common::{json, run, stderr, stdout};
use serde_json::Value;

const IDP: &str = "samples/keys/idp.crt";
const SP: &str = "samples/dsig/keys/sp.crt";
const GROUP: &str = "--gitlab-group=https://gitlab.com/groups/acme";
const AT: &str = "--at=2026-11-02T09:01:00Z";

fn first_line(args: &[&str]) -> String {
    stdout(&run(args)).lines().next().unwrap_or("").to_owned()
}

/// The text report, the JSON and the first line agree on the verdict.
#[test]
fn the_first_line_is_the_verdict_of_the_json() {
    for file in [
        "samples/verdict/accepted.xml",
        "samples/verdict/digit-id.xml",
        "samples/failed-status.b64",
        "samples/authn-request-redirect.url",
    ] {
        let args = [file, "--idp-cert", IDP, GROUP, AT];
        let (v, _) = json(&args);
        let summary = v["traces"][0]["gitlab_verdict"]["summary"]
            .as_str()
            .unwrap()
            .to_owned();
        assert_eq!(first_line(&args), summary, "{file}");
    }
}

/// Regression: a Response whose ID is a bare UUID (starts with a digit) was accepted; GitLab's
/// schema check refuses it, and the report says where and which rule.
#[test]
fn a_response_id_starting_with_a_digit_is_refused_with_the_schema_reason() {
    let args = ["samples/verdict/digit-id.xml", "--idp-cert", IDP, GROUP, AT];
    let out = run(&args);
    assert_eq!(out.status.code(), Some(1));
    let text = stdout(&out);
    assert!(text.starts_with(
        "GitLab refuses: Invalid SAML Response. Not match the saml-schema-protocol-2.0.xsd\n"
    ));
    assert!(text.contains("line 1, column 119"), "{text}");
    let (v, _) = json(&args);
    let g = &v["traces"][0]["gitlab_verdict"];
    assert_eq!(g["outcome"], "refuses");
    assert_eq!(g["check"], "validate_structure");
    assert_eq!(g["code"], "SC001");
    assert_eq!(
        g["message"],
        "Invalid SAML Response. Not match the saml-schema-protocol-2.0.xsd"
    );
    let codes: Vec<&str> = v["traces"][0]["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|f| f["code"].as_str())
        .collect();
    assert!(codes.contains(&"SC001"), "{codes:?}");
}

#[test]
fn the_json_shape_of_the_verdict() {
    let (v, _) = json(&["samples/verdict/accepted.xml", "--idp-cert", IDP, GROUP, AT]);
    let g = &v["traces"][0]["gitlab_verdict"];
    let keys: Vec<&str> = g.as_object().unwrap().keys().map(String::as_str).collect();
    assert_eq!(
        keys,
        [
            "authority",
            "check",
            "code",
            "message",
            "outcome",
            "reason",
            "summary"
        ]
    );
    assert_eq!(g["outcome"], "accepts");
    assert_eq!(g["summary"], "GitLab accepts");
    assert_eq!(g["code"], Value::Null);
    assert!(
        g["authority"]
            .as_str()
            .unwrap()
            .starts_with("ruby-saml 1.18")
    );
    let sig = &v["traces"][0]["signatures"][0];
    assert_eq!(sig["checked_by_gitlab"], true);
}

/// The default skew is GitLab's (none): four seconds past NotOnOrAfter is refused, and says so;
/// `--skew` widens it.
#[test]
fn time_is_judged_with_gitlab_s_drift_and_says_by_how_much() {
    let late = [
        "samples/okta-email.b64",
        "--idp-cert",
        IDP,
        GROUP,
        "--at=2026-11-02T09:05:04Z",
    ];
    let (v, out) = json(&late);
    assert_eq!(out.status.code(), Some(1));
    let g = &v["traces"][0]["gitlab_verdict"];
    assert_eq!(g["code"], "TM001");
    assert!(
        g["reason"].as_str().unwrap().contains("4 seconds too late"),
        "{g}"
    );
    let mut widened = late.to_vec();
    widened.push("--skew=5");
    let (v, out) = json(&widened);
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(v["traces"][0]["gitlab_verdict"]["outcome"], "accepts");
    let early = [
        "samples/okta-email.b64",
        "--idp-cert",
        IDP,
        GROUP,
        "--at=2026-11-02T08:54:56Z",
    ];
    let (v, _) = json(&early);
    let reason = v["traces"][0]["gitlab_verdict"]["reason"].to_string();
    assert!(reason.contains("clock is 4 seconds ahead"), "{reason}");
}

/// Regression: the AuthnRequests GitLab signs were judged against the IdP's certificate, so
/// browser captures got SG003/SG004 errors and exit 1.
#[test]
fn sp_signed_messages_in_captures_raise_no_idp_signature_errors() {
    let capture = "samples/verdict/har-sp-signed.har";
    let (v, out) = json(&["har", capture, "--idp-cert", IDP, GROUP]);
    assert!(out.status.success(), "{}", stdout(&out));
    let traces = v["traces"].as_array().unwrap();
    assert_eq!(traces.len(), 4);
    for t in traces {
        let findings = t["findings"].to_string();
        assert!(!findings.contains("SG00"), "{findings}");
    }
    let request = &traces[2];
    assert_eq!(request["signatures"][0]["signer"], "sp");
    assert_eq!(request["signatures"][0]["verified"], Value::Null);
    assert_eq!(traces[0]["redirect_signature"]["signer"], "sp");
    let (v, out) = json(&["har", capture, "--idp-cert", IDP, "--sp-cert", SP, GROUP]);
    assert!(out.status.success());
    assert_eq!(v["traces"][0]["redirect_signature"]["verified"], true);
    assert_eq!(v["traces"][2]["signatures"][0]["verified"], true);
    assert_eq!(v["traces"][3]["gitlab_verdict"]["outcome"], "accepts");
    let (v, out) = json(&["har", capture, "--idp-cert", IDP, "--sp-cert", IDP, GROUP]);
    assert_eq!(
        out.status.code(),
        Some(1),
        "the wrong SP certificate is an error"
    );
    assert_eq!(v["traces"][2]["signatures"][0]["verified"], false);
}

/// Regression: SAML-tracer exports lost the HTTP-Redirect binding's SigAlg and Signature that the
/// HAR of the same flow keeps.
#[test]
fn saml_tracer_exports_keep_the_redirect_signature() {
    let (v, out) = json(&[
        "har",
        "samples/verdict/saml-tracer-signed.json",
        "--sp-cert",
        SP,
    ]);
    assert!(out.status.success(), "{}", stderr(&out));
    let r = &v["traces"][0]["redirect_signature"];
    assert_eq!(r["algorithm"], "rsa-sha256");
    assert_eq!(r["verified"], true, "{r}");
}
