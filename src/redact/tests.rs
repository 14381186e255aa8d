use super::*;
use crate::capture::{CaptureEvent, scan};

const RESPONSE: &str = r#"<samlp:Response xmlns:samlp="urn:oasis:names:tc:SAML:2.0:protocol" xmlns:saml="urn:oasis:names:tc:SAML:2.0:assertion" ID="_r1" InResponseTo="_q1"><saml:Assertion ID="_a1"><saml:Subject><saml:NameID>alice@example.com</saml:NameID></saml:Subject><saml:AttributeStatement><saml:Attribute Name="email"><saml:AttributeValue>alice@example.com</saml:AttributeValue></saml:Attribute></saml:AttributeStatement></saml:Assertion></samlp:Response>"#;

/// Every secret the seeded HAR holds.
const SECRETS: &[&str] = &[
    "SESSIONSECRET1",
    "BEARERSECRET2",
    "CSRFSECRET3",
    "SETCOOKIESECRET4",
    "ACCESSTOKEN5",
    "PASSWORD6",
    "CLIENTSECRET7",
    "IDTOKEN8",
    "AUTHCODE9",
    "PROXYAUTH10",
    "COOKIEJAR11",
    "FRAGMENTTOKEN12",
];

fn b64(s: &str) -> String {
    base64::engine::general_purpose::STANDARD.encode(s)
}

fn pct(s: &str) -> String {
    s.replace('+', "%2B")
        .replace('/', "%2F")
        .replace('=', "%3D")
}

fn seeded() -> String {
    let resp = b64(RESPONSE);
    let form = format!(
        r#"<html><form method=\"post\" action=\"https://gl/acs\"><input type=\"hidden\" name=\"SAMLResponse\" value=\"{resp}\"/></form></html>"#
    );
    format!(
        r#"{{"log": {{"version": "1.2", "creator": {{"name": "t", "version": "1"}}, "pages": [{{"id": "p", "title": "https://gl/?private_token=FRAGMENTTOKEN12"}}], "entries": [
  {{"startedDateTime": "2026-11-02T09:00:00Z", "time": 1,
    "request": {{"method": "GET", "url": "https://gl/api?access_token=ACCESSTOKEN5&x=1#id_token=IDTOKEN8", "httpVersion": "h2",
      "headers": [{{"name": "Cookie", "value": "_gitlab_session=SESSIONSECRET1"}}, {{"name": "Authorization", "value": "Bearer BEARERSECRET2"}},
                  {{"name": "X-CSRF-Token", "value": "CSRFSECRET3"}}, {{"name": "Proxy-Authorization", "value": "Basic PROXYAUTH10"}}, {{"name": "Accept", "value": "*/*"}}],
      "queryString": [{{"name": "access_token", "value": "ACCESSTOKEN5"}}, {{"name": "x", "value": "1"}}],
      "cookies": [{{"name": "_gitlab_session", "value": "COOKIEJAR11"}}], "headersSize": -1, "bodySize": 0}},
    "response": {{"status": 200, "statusText": "OK", "httpVersion": "h2",
      "headers": [{{"name": "Set-Cookie", "value": "a=SETCOOKIESECRET4"}}, {{"name": "Content-Type", "value": "application/json"}}],
      "cookies": [{{"name": "a", "value": "SETCOOKIESECRET4"}}],
      "content": {{"size": 30, "mimeType": "application/json", "text": "{{\"token\": \"ACCESSTOKEN5\"}}"}}, "redirectURL": "", "headersSize": -1, "bodySize": 30}},
    "cache": {{}}, "timings": {{"send": 0, "wait": 1, "receive": 0}}}},
  {{"startedDateTime": "2026-11-02T09:00:01Z", "time": 1,
    "request": {{"method": "POST", "url": "https://idp/login", "headers": [], "queryString": [], "cookies": [],
      "postData": {{"mimeType": "application/x-www-form-urlencoded", "text": "user=alice&password=PASSWORD6", "params": [{{"name": "password", "value": "PASSWORD6"}}]}}}},
    "response": {{"status": 200, "headers": [], "cookies": [], "content": {{"size": 10, "mimeType": "text/html", "text": "{form}"}}, "redirectURL": ""}}}},
  {{"startedDateTime": "2026-11-02T09:00:02Z", "time": 1,
    "request": {{"method": "POST", "url": "https://gl/acs?code=AUTHCODE9", "headers": [], "queryString": [{{"name": "code", "value": "AUTHCODE9"}}], "cookies": [],
      "postData": {{"mimeType": "application/x-www-form-urlencoded", "text": "SAMLResponse={p}&RelayState=%2Fg&client_secret=CLIENTSECRET7", "params": [{{"name": "SAMLResponse", "value": "{p}"}}, {{"name": "client_secret", "value": "CLIENTSECRET7"}}]}}}},
    "response": {{"status": 302, "headers": [], "cookies": [], "content": {{"size": 0, "mimeType": "x-unknown", "text": "", "encoding": "base64"}}, "redirectURL": "https://gl/g"}}}},
  {{"broken": tru}},
  {{"startedDateTime": "2026-11-02T09:00:03Z", "request": {{"method": "GET", "url": "https://gl/img.png", "headers": []}},
    "response": {{"status": 200, "content": {{"mimeType": "image/png", "text": "iVBORw0KGgo=", "encoding": "base64"}}}}}}
]}}}}"#,
        p = pct(&resp)
    )
}

fn run(input: &str, key: Option<&str>) -> (String, Receipt) {
    let mut out = Vec::new();
    let receipt = sanitize(input.as_bytes(), &mut out, key).unwrap();
    (String::from_utf8(out).unwrap(), receipt)
}

/// The decoded XML of every SAML message a scan finds, with where it was.
fn messages(har: &str) -> Vec<(Option<usize>, Option<String>, String)> {
    let mut out = Vec::new();
    scan("t", har.as_bytes(), &mut |e| {
        if let CaptureEvent::Found(f) = e
            && let Ok(p) = *f
        {
            out.push((
                p.origin.har_entry,
                p.origin.location.clone(),
                String::from_utf8_lossy(&p.xml).into_owned(),
            ));
        }
    })
    .unwrap();
    out
}

#[test]
fn removes_every_seeded_secret_and_keeps_saml() {
    let input = seeded();
    let (out, receipt) = run(&input, None);
    for secret in SECRETS {
        assert!(input.contains(secret), "the seed lacks {secret}");
        assert!(!out.contains(secret), "{secret} survived:\n{out}");
    }
    let parsed: serde_json::Value = serde_json::from_str(&out).expect("valid JSON");
    assert_eq!(parsed["log"]["version"], "1.2");
    assert_eq!(parsed["log"]["entries"].as_array().map(Vec::len), Some(4));
    assert_eq!(receipt.entries, 4);
    assert_eq!(receipt.count(Removed::BrokenEntries), 1);
    assert_eq!(receipt.count(Removed::CookieHeaders), 2);
    assert_eq!(receipt.count(Removed::AuthorizationHeaders), 2);
    assert_eq!(receipt.count(Removed::SessionHeaders), 1);
    assert_eq!(receipt.count(Removed::Cookies), 2);
    assert_eq!(receipt.count(Removed::RequestBodies), 1);
    assert_eq!(receipt.count(Removed::ResponseBodies), 2);
    assert!(receipt.count(Removed::FormFields) >= 2);
    assert!(receipt.count(Removed::QueryParameters) >= 4);
    assert!(out.contains("\"Accept\""), "harmless headers stay");
    // Entry indexes shift past the dropped broken entry; the messages are the same.
    let before: Vec<_> = messages(&input).into_iter().map(|m| m.2).collect();
    let after: Vec<_> = messages(&out).into_iter().map(|m| m.2).collect();
    assert_eq!(before.len(), 2);
    assert_eq!(after, before);
    assert!(
        receipt
            .to_string()
            .contains("Cookie and Set-Cookie headers")
    );
}

#[test]
fn a_mask_key_replaces_identities_and_messages_still_decode() {
    let (out, receipt) = run(&seeded(), Some("s3cret"));
    let found = messages(&out);
    assert_eq!(found.len(), 2);
    let masked = crate::redact::mask::mask_value("s3cret", "alice@example.com");
    for (_, _, xml) in &found {
        assert!(!xml.contains("alice@example.com"), "{xml}");
        assert!(xml.contains(&masked), "{xml}");
    }
    assert_eq!(receipt.count(Removed::MaskedValues), 6);
    assert!(!out.contains("s3cret"));
}

#[test]
fn what_is_not_a_har_is_refused() {
    let err = |s: &str| {
        sanitize(s.as_bytes(), &mut Vec::new(), None)
            .unwrap_err()
            .to_string()
    };
    assert!(err("").contains("empty"));
    assert!(err("nope").contains("not JSON"));
    assert!(err(r#"{"other": []}"#).contains("no \"log\""));
    assert!(err(r#"{"log": {"entries": [{"a": 1}"#).contains("cut off"));
}

/// A SAML-tracer export with a secret in every place the extension records one, both header
/// shapes, and a SAML POST whose form also carried a CSRF token.
fn seeded_tracer() -> String {
    let resp = b64(RESPONSE);
    format!(
        r#"{{"requests": [
  {{"method": "POST", "url": "https://idp/login?access_token=ACCESSTOKEN5", "requestId": "r1",
    "requestHeaders": [{{"name": "Cookie", "value": "s=SESSIONSECRET1"}}, {{"name": "Accept", "value": "*/*"}}],
    "get": [["access_token", "ACCESSTOKEN5"]],
    "post": [["user", "alice"], ["password", "PASSWORD6"]],
    "responseStatus": "200",
    "responseHeaders": [["Set-Cookie", "a=SETCOOKIESECRET4"], ["Date", "Mon, 02 Nov 2026 09:00:00 GMT"]]}},
  {{"broken": tru}},
  {{"method": "POST", "url": "https://gl/acs", "requestId": "r2",
    "requestHeaders": [["Authorization", "Bearer BEARERSECRET2"]],
    "post": [["SAMLResponse", "{resp}"], ["RelayState", "/g"], ["authenticity_token", "CSRFSECRET3"]],
    "protocol": "SAML-P", "saml": {saml:?},
    "responseStatus": "302", "responseHeaders": []}}
], "timestamp": 1793610005000}}"#,
        saml = RESPONSE
    )
}

#[test]
fn a_saml_tracer_export_loses_its_secrets_and_keeps_its_messages() {
    let input = seeded_tracer();
    let (out, receipt) = run(&input, None);
    for secret in [
        "SESSIONSECRET1",
        "ACCESSTOKEN5",
        "PASSWORD6",
        "SETCOOKIESECRET4",
        "BEARERSECRET2",
        "CSRFSECRET3",
    ] {
        assert!(input.contains(secret), "the seed lacks {secret}");
        assert!(!out.contains(secret), "{secret} survived:\n{out}");
    }
    let parsed: serde_json::Value = serde_json::from_str(&out).expect("valid JSON");
    assert_eq!(parsed["requests"].as_array().map(Vec::len), Some(2));
    assert_eq!(parsed["timestamp"], 1793610005000u64);
    assert_eq!(receipt.capture, Capture::SamlTracer);
    assert_eq!(receipt.entries, 2);
    assert_eq!(receipt.count(Removed::BrokenEntries), 1);
    assert_eq!(receipt.count(Removed::CookieHeaders), 2);
    assert_eq!(receipt.count(Removed::AuthorizationHeaders), 1);
    assert_eq!(receipt.count(Removed::RequestBodies), 1);
    assert!(
        receipt
            .to_string()
            .starts_with("2 SAML-tracer requests written")
    );
    assert!(
        out.contains("\"Accept\"") && out.contains("\"Date\""),
        "{out}"
    );
    assert_eq!(
        parsed["requests"][1]["post"][1][1], "/g",
        "RelayState stays"
    );
    let before: Vec<_> = messages(&input).into_iter().map(|m| m.2).collect();
    let after: Vec<_> = messages(&out).into_iter().map(|m| m.2).collect();
    assert!(!before.is_empty());
    assert_eq!(after, before);
}

#[test]
fn a_mask_key_masks_a_saml_tracer_exports_decoded_copy_too() {
    let (out, receipt) = run(&seeded_tracer(), Some("s3cret"));
    assert!(!out.contains("alice@example.com"), "{out}");
    let masked = crate::redact::mask::mask_value("s3cret", "alice@example.com");
    let parsed: serde_json::Value = serde_json::from_str(&out).expect("valid JSON");
    let saml = parsed["requests"][1]["saml"].as_str().unwrap_or_default();
    assert!(saml.contains(&masked), "{saml}");
    // Two values in the posted SAMLResponse, two in the decoded copy.
    assert_eq!(receipt.count(Removed::MaskedValues), 4);
    for (_, _, xml) in messages(&out) {
        assert!(xml.contains(&masked), "{xml}");
    }
}
