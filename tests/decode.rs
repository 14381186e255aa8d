//! `samltrace decode` on every sample, as a user runs it.

mod common;

use common::{json, run, samltrace, sample, stderr, stdout};

/// Every decodable sample and the NameID (or kind) its text output must show.
const DECODABLE: &[(&str, &str)] = &[
    ("okta-email.b64", "alice@example.com"),
    ("okta-wrapped.b64", "alice@example.com"),
    (
        "entra-persistent.form",
        "3f2504e0-4f89-41d3-9a0c-0305e82c3301",
    ),
    (
        "entra-plus-as-space.txt",
        "3f2504e0-4f89-41d3-9a0c-0305e82c3301",
    ),
    ("google.xml", "carol@example.com"),
    ("idp-post-form.html", "carol@example.com"),
    ("saml2-transient.xml", "AAdzZWNyZXQxTHO0n6ZbiOn3AVWSK8KG"),
    ("default-namespace.xml", "dave"),
    ("failed-status.b64", "RequestDenied"),
    ("authn-request-redirect.url", "AuthnRequest"),
    ("logout-request.xml", "alice@example.com"),
    ("several.txt", "alice@example.com"),
];

/// The samples' time: they are judged when they were captured, so that findings and snapshots
/// never depend on the clock.
const AT: &str = "2026-11-02T09:01:00Z";

#[test]
fn every_sample_decodes_and_shows_its_name_id() {
    for (file, shown) in DECODABLE {
        let out = run(&["--at", AT, &sample(file)]);
        // 1 when a check found an error (unsigned, failed status): tests/checks_samples.rs.
        assert!(
            matches!(out.status.code(), Some(0 | 1)),
            "{file}: {}",
            stderr(&out)
        );
        assert!(
            stdout(&out).contains(shown),
            "{file}: {shown} not in\n{}",
            stdout(&out)
        );
        assert!(stderr(&out).is_empty(), "{file}: {}", stderr(&out));
    }
}

#[test]
fn refused_samples_exit_2_with_one_line_naming_input_stage_and_position() {
    let out = run(&[&sample("doctype.xml")]);
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(
        stderr(&out).trim(),
        "samltrace: samples/doctype.xml: XML: DOCTYPE is refused: SAML never needs a DTD, and entity \
         declarations are an attack vector at line 2, column 1"
    );
    let out = run(&[&sample("not-base64.txt")]);
    assert_eq!(out.status.code(), Some(2));
    let err = stderr(&out);
    assert_eq!(err.lines().count(), 1, "{err}");
    assert!(
        err.starts_with(
            "samltrace: samples/not-base64.txt: base64: invalid character ':' at byte 42"
        ),
        "{err}"
    );
}

#[test]
fn good_inputs_are_still_shown_when_one_is_bad() {
    let out = run(&[
        &sample("not-base64.txt"),
        &sample("okta-email.b64"),
        "missing-file.b64",
    ]);
    assert_eq!(out.status.code(), Some(2));
    assert!(stdout(&out).contains("alice@example.com"));
    let err = stderr(&out);
    assert!(err.contains("missing-file.b64: No such file"), "{err}");
    assert!(err.contains("samples/not-base64.txt: base64"), "{err}");
    assert_eq!(err.lines().count(), 2, "{err}");
}

#[test]
fn json_follows_the_schema() {
    let (v, out) = json(&["decode", &sample("okta-email.b64"), &sample("doctype.xml")]);
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(v["schema"], "samltrace/v1");
    let t = &v["traces"][0];
    assert_eq!(t["origin"]["input"], "samples/okta-email.b64");
    assert_eq!(t["origin"]["param"], "SAMLResponse");
    assert_eq!(t["origin"]["binding"], "post");
    assert_eq!(t["encoding"], serde_json::json!(["base64"]));
    let m = &t["message"];
    assert_eq!(m["kind"], "Response");
    assert_eq!(m["issuer"], "http://www.okta.com/exk1a2b3c4d5e6f7g8h9");
    assert_eq!(
        m["status"]["code"],
        "urn:oasis:names:tc:SAML:2.0:status:Success"
    );
    let a = &m["assertions"][0];
    assert_eq!(a["subject"]["name_id"]["value"], "alice@example.com");
    assert_eq!(
        a["subject"]["name_id"]["format"],
        "urn:oasis:names:tc:SAML:1.1:nameid-format:emailAddress"
    );
    assert_eq!(
        a["conditions"]["audiences"],
        serde_json::json!(["https://gitlab.com/groups/acme"])
    );
    assert_eq!(a["attributes"][3]["name"], "groups");
    assert_eq!(
        a["attributes"][3]["values"],
        serde_json::json!(["developers", "gitlab-admins"])
    );
    assert!(t["xml"].as_str().unwrap().starts_with("<saml2p:Response"));
    let s = &t["signatures"][0];
    assert_eq!(s["element"], "Assertion");
    assert_eq!(s["algorithm"], "rsa-sha256");
    assert!(s["verified"].is_null());
    assert_eq!(
        s["certificate"]["subject"],
        "CN=idp.example.com,O=samltrace examples"
    );
    assert_eq!(s["certificate"]["sha1"].as_str().unwrap().len(), 59);
    assert!(t["verdict"].is_null());
    let bad = &v["traces"][1];
    assert!(bad["message"].is_null());
    assert_eq!(bad["error"]["stage"], "xml");
    assert_eq!(bad["error"]["position"]["line"], 2);
}

#[test]
fn encodings_are_reported_step_by_step() {
    let cases: &[(&str, &[&str])] = &[
        ("entra-persistent.form", &["form", "base64"]),
        ("entra-plus-as-space.txt", &["space-as-plus", "base64"]),
        ("idp-post-form.html", &["html-form", "base64"]),
        ("authn-request-redirect.url", &["url", "base64", "deflate"]),
        ("google.xml", &[]),
    ];
    for (file, steps) in cases {
        let (v, _) = json(&[&sample(file)]);
        assert_eq!(
            v["traces"][0]["encoding"],
            serde_json::json!(steps),
            "{file}"
        );
    }
    let (v, _) = json(&[&sample("authn-request-redirect.url")]);
    let origin = &v["traces"][0]["origin"];
    assert_eq!(origin["binding"], "redirect");
    assert_eq!(origin["relay_state"], "/acme/platform");
    assert_eq!(
        origin["url"],
        "https://login.example.com/app/gitlab/sso/saml"
    );
    assert_eq!(
        v["traces"][0]["message"]["request"]["acs_url"],
        "https://gitlab.com/groups/acme/-/saml/callback"
    );
}

#[test]
fn several_payloads_in_one_file_are_several_traces() {
    let (v, out) = json(&["--at", AT, &sample("several.txt")]);
    assert_eq!(
        out.status.code(),
        Some(1),
        "the failed response is an error finding"
    );
    let kinds: Vec<&str> = v["traces"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["message"]["kind"].as_str().unwrap())
        .collect();
    assert_eq!(kinds, ["Response", "AuthnRequest", "Response"]);
    let lines: Vec<u64> = v["traces"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["origin"]["line"].as_u64().unwrap())
        .collect();
    assert_eq!(lines, [2, 3, 4]);
}

#[test]
fn ndjson_is_one_trace_per_line() {
    let out = run(&[&sample("several.txt"), "-f", "ndjson"]);
    let text = stdout(&out);
    assert_eq!(text.lines().count(), 3);
    for line in text.lines() {
        let v: serde_json::Value = serde_json::from_str(line).unwrap();
        assert!(v["message"].is_object());
    }
}

#[test]
fn stdin_and_inline_payloads() {
    let b64 = std::fs::read_to_string(sample("failed-status.b64")).unwrap();
    let out = samltrace()
        .args(["--at", AT, "-"])
        .write_stdin(b64.clone())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    assert!(stdout(&out).contains("RequestDenied"));
    let out = samltrace().write_stdin(b64.clone()).output().unwrap();
    assert!(stdout(&out).contains("── - · base64"), "{}", stdout(&out));
    let out = run(&[b64.trim()]);
    assert!(
        stdout(&out).contains("── arg:1 · base64"),
        "{}",
        stdout(&out)
    );
}

#[test]
fn xml_format_pretty_prints_and_says_it_is_not_the_signed_bytes() {
    let out = run(&[&sample("okta-email.b64"), "--format", "xml"]);
    let text = stdout(&out);
    assert!(text.starts_with(
        "<!-- samples/okta-email.b64 · base64 · SAMLResponse via HTTP-POST: pretty-printed by samltrace for reading; not the signed bytes -->\n<saml2p:Response"
    ));
    assert!(text.contains("\n      <saml2:NameID Format=\"urn:oasis:names:tc:SAML:1.1:nameid-format:emailAddress\">alice@example.com</saml2:NameID>\n"));
}

#[test]
fn colour_follows_the_flag_and_no_color() {
    let coloured = samltrace()
        .args([&sample("okta-email.b64"), "--color", "always"])
        .output()
        .unwrap();
    assert!(stdout(&coloured).contains("\u{1b}["));
    let plain = samltrace()
        .args([&sample("okta-email.b64")])
        .env("CLICOLOR_FORCE", "1")
        .env("NO_COLOR", "1")
        .output()
        .unwrap();
    assert!(!stdout(&plain).contains("\u{1b}["));
    let piped = run(&[&sample("okta-email.b64")]);
    assert!(!stdout(&piped).contains("\u{1b}["));
}

#[test]
fn text_report_of_the_okta_sample() {
    let out = run(&["--at", AT, &sample("okta-email.b64")]);
    insta::assert_snapshot!(stdout(&out));
}

#[test]
fn text_report_of_a_failed_response_and_a_request() {
    let out = run(&[
        "--at",
        AT,
        &sample("failed-status.b64"),
        &sample("authn-request-redirect.url"),
    ]);
    insta::assert_snapshot!(stdout(&out));
}

#[test]
fn usage_errors_exit_2() {
    let out = run(&["--format", "yaml", &sample("okta-email.b64")]);
    assert_eq!(out.status.code(), Some(2));
    let out = run(&["samples"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("samples: is a directory"),
        "{}",
        stderr(&out)
    );
}
