//! Attacks on what a signature is shown to cover, run as a user runs the binary. The promise:
//! nothing is shown as signed that a valid signature does not cover.

mod common;

use common::{json, run, stderr};
use serde_json::Value;

const SIGNED_QUERY: &str = "samples/dsig/redirect-signed.query";
const SP_CERT: &str = "samples/keys/idp.crt";
const AT: &str = "--at=2026-11-02T09:00:00Z";

fn signed_query() -> String {
    std::fs::read_to_string(SIGNED_QUERY)
        .expect("sample")
        .trim()
        .to_owned()
}

/// Another AuthnRequest (deflated and base64, from the redirect sample), standing in for a forgery.
fn forged_request() -> String {
    let url = std::fs::read_to_string("samples/authn-request-redirect.url").expect("sample");
    let (_, query) = url.trim().split_once('?').expect("a query");
    let value = query
        .split('&')
        .find_map(|p| p.strip_prefix("SAMLRequest="))
        .expect("SAMLRequest");
    value.to_owned()
}

/// The signed query with `extra` inserted right after its SAMLRequest parameter.
fn with_after_request(extra: &str) -> String {
    let q = signed_query();
    let (request, rest) = q.split_once('&').expect("more than one parameter");
    format!("{request}&{extra}&{rest}")
}

fn write(dir: &tempfile::TempDir, name: &str, text: &str) -> String {
    let path = dir.path().join(name);
    std::fs::write(&path, text).expect("write");
    path.to_string_lossy().into_owned()
}

/// No trace of a JSON report shows a verified redirect signature.
fn nothing_verified(v: &Value) -> bool {
    let traces = v["traces"].as_array().cloned().unwrap_or_default();
    traces
        .iter()
        .all(|t| t["redirect_signature"]["verified"] != true)
}

/// Threat: a second, forged SAMLRequest rides on a query whose Signature covers only the first.
#[test]
fn a_forged_second_message_in_a_signed_query_is_refused() {
    let dir = tempfile::tempdir().expect("tempdir");
    let query = with_after_request(&format!("SAMLRequest={}", forged_request()));
    let file = write(&dir, "two.query", &query);
    let (v, out) = json(&[&file, "--sp-cert", SP_CERT, AT]);
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert!(nothing_verified(&v), "{v}");
    let text = v.to_string();
    assert!(text.contains("2 SAML messages"), "{text}");
    let out = run(&[&file, "--sp-cert", SP_CERT, AT]);
    assert!(
        stderr(&out).contains("a binding carries exactly one"),
        "{}",
        stderr(&out)
    );
}

/// Threat: the forged message comes first, the signed one second, to win a "first one" rule.
#[test]
fn a_forged_first_message_is_refused_too() {
    let dir = tempfile::tempdir().expect("tempdir");
    let query = format!("SAMLRequest={}&{}", forged_request(), signed_query());
    let file = write(&dir, "first.query", &query);
    let (v, out) = json(&[&file, "--sp-cert", SP_CERT, AT]);
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert!(nothing_verified(&v), "{v}");
}

/// Threat: a SAMLResponse beside the signed SAMLRequest borrows its signature.
#[test]
fn a_response_beside_a_signed_request_is_refused() {
    let dir = tempfile::tempdir().expect("tempdir");
    let query = with_after_request(&format!("SAMLResponse={}", forged_request()));
    let file = write(&dir, "mixed.query", &query);
    let (v, out) = json(&[&file, "--sp-cert", SP_CERT, AT]);
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert!(nothing_verified(&v), "{v}");
}

/// Threat: a second RelayState or SigAlg makes the signed bytes ambiguous.
#[test]
fn a_repeated_signature_parameter_is_refused() {
    let dir = tempfile::tempdir().expect("tempdir");
    for extra in [
        "RelayState=%2Fother",
        "SigAlg=http%3A%2F%2Fwww.w3.org%2F2000%2F09%2Fxmldsig%23rsa-sha1",
        "Signature=AAAA",
    ] {
        let file = write(&dir, "repeated.query", &with_after_request(extra));
        let (v, out) = json(&[&file, "--sp-cert", SP_CERT, AT]);
        assert_eq!(out.status.code(), Some(2), "{extra}: {}", stderr(&out));
        assert!(nothing_verified(&v), "{extra}: {v}");
        assert!(v.to_string().contains("repeats"), "{extra}: {v}");
    }
}

/// Threat: the forged message alone, carrying the signature made over another message.
#[test]
fn a_signature_over_another_message_does_not_verify() {
    let dir = tempfile::tempdir().expect("tempdir");
    let q = signed_query();
    let (_, rest) = q.split_once('&').expect("parameters");
    let file = write(
        &dir,
        "swapped.query",
        &format!("SAMLRequest={}&{rest}", forged_request()),
    );
    let (v, _) = json(&[&file, "--sp-cert", SP_CERT, AT]);
    assert_eq!(
        v["traces"][0]["redirect_signature"]["verified"], false,
        "{v}"
    );
}

/// Threat: the same two-message query inside a HAR capture, through `har` and `compare`.
#[test]
fn a_two_message_query_in_a_capture_is_not_shown_signed() {
    let dir = tempfile::tempdir().expect("tempdir");
    let query = with_after_request(&format!("SAMLRequest={}", forged_request()));
    let har = serde_json::json!({"log": {"version": "1.2", "entries": [{
        "startedDateTime": "2026-11-02T09:00:00.000Z",
        "request": {"method": "GET", "url": format!("https://idp.example.com/sso?{query}"),
                     "headers": [], "queryString": []},
        "response": {"status": 302, "headers": [], "content": {"size": 0, "text": ""}}
    }]}});
    let file = write(&dir, "two.har", &har.to_string());
    let (v, out) = json(&["har", &file, "--sp-cert", SP_CERT]);
    assert_ne!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(nothing_verified(&v), "{v}");
    assert!(v.to_string().contains("2 SAML messages"), "{v}");
    let (v, out) = json(&[
        "compare",
        &file,
        "--scim",
        "samples/identities.scim.json",
        "--sp-cert",
        SP_CERT,
    ]);
    assert_ne!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(nothing_verified(&v), "{v}");
}
