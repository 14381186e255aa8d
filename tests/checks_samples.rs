//! The checks as a user meets them: `samltrace decode` on the samples, with the check flags.
//! Times are always given with `--at` except where the default (now) is the point, and then
//! only on samples whose window closed long ago.

mod common;

use common::{json, run, sample, stderr, stdout};

const IN_WINDOW: &str = "2026-11-02T09:01:00Z";
const GROUP: &str = "https://gitlab.com/groups/acme";

/// The exit code and the codes of the first trace's findings (JSON output).
fn codes(args: &[&str]) -> (i32, Vec<String>) {
    let (v, out) = json(args);
    let codes = v["traces"][0]["findings"]
        .as_array()
        .expect("findings array")
        .iter()
        .map(|f| f["code"].as_str().unwrap_or_default().to_owned())
        .collect();
    (out.status.code().unwrap_or(-1), codes)
}

#[test]
fn expired_response_raises_tm001_at_the_default_time() {
    let (exit, codes) = codes(&[&sample("okta-email.b64")]);
    assert!(codes.contains(&"TM001".to_owned()), "{codes:?}");
    assert_eq!(exit, 1);
}

#[test]
fn the_same_response_inside_its_window_does_not() {
    let (exit, codes) = codes(&["--at", IN_WINDOW, &sample("okta-email.b64")]);
    assert!(!codes.contains(&"TM001".to_owned()), "{codes:?}");
    assert_eq!(exit, 0, "{codes:?}");
}

#[test]
fn failed_status_raises_st001() {
    let (exit, codes) = codes(&["--at", IN_WINDOW, &sample("failed-status.b64")]);
    assert_eq!(codes, ["ST001"]);
    assert_eq!(exit, 1);
}

#[test]
fn transient_name_id_raises_ni003() {
    let (_, codes) = codes(&["--at", IN_WINDOW, &sample("saml2-transient.xml")]);
    assert!(codes.contains(&"NI003".to_owned()), "{codes:?}");
}

#[test]
fn audience_mismatch_with_gitlab_group_raises_au001_and_au002() {
    let other = "https://gitlab.com/groups/other";
    let args = [
        "--at",
        IN_WINDOW,
        "--gitlab-group",
        other,
        &sample("okta-email.b64"),
    ];
    let (exit, codes) = codes(&args);
    assert!(codes.contains(&"AU001".to_owned()), "{codes:?}");
    assert!(codes.contains(&"AU002".to_owned()), "{codes:?}");
    assert_eq!(exit, 1);
}

#[test]
fn clean_in_window_responses_with_the_right_group_raise_no_error() {
    for name in ["entra-persistent.form", "okta-email.b64", "google.xml"] {
        let (v, out) = json(&["--at", IN_WINDOW, "--gitlab-group", GROUP, &sample(name)]);
        assert_eq!(out.status.code(), Some(0), "{name}: {}", stderr(&out));
        let findings = v["traces"][0]["findings"].as_array().expect("findings");
        assert!(
            findings.iter().all(|f| f["severity"] != "error"),
            "{name}: {findings:#?}"
        );
    }
}

#[test]
fn explicit_sp_entity_id_and_acs_url_win_over_the_group() {
    let instance_acs = "https://gitlab.example.com/users/auth/saml/callback";
    let (exit, codes) = codes(&[
        "--at",
        IN_WINDOW,
        "--gitlab-group",
        GROUP,
        "--acs-url",
        instance_acs,
        &sample("okta-email.b64"),
    ]);
    assert!(codes.contains(&"AU002".to_owned()), "{codes:?}");
    assert!(!codes.contains(&"AU001".to_owned()), "{codes:?}");
    assert_eq!(exit, 1);
}

#[test]
fn skew_widens_the_window() {
    let late = "2026-11-02T09:09:00Z";
    let (_, tight) = codes(&["--at", late, &sample("okta-email.b64")]);
    assert!(tight.contains(&"TM001".to_owned()), "{tight:?}");
    let (_, loose) = codes(&["--at", late, "--skew", "600", &sample("okta-email.b64")]);
    assert!(!loose.contains(&"TM001".to_owned()), "{loose:?}");
}

#[test]
fn json_findings_have_the_design_fields() {
    let (v, _) = json(&[&sample("failed-status.b64")]);
    let f = &v["traces"][0]["findings"][0];
    for key in ["code", "severity", "title", "detail", "fix"] {
        assert!(f[key].is_string(), "{key}: {f}");
    }
    assert_eq!(f["code"], "ST001");
    assert_eq!(f["severity"], "error");
}

#[test]
fn text_report_of_a_misconfigured_response() {
    let sample = sample("checks-misconfigured.xml");
    let out = run(&["--at", IN_WINDOW, "--gitlab-group", GROUP, &sample]);
    assert_eq!(out.status.code(), Some(1));
    let text = stdout(&out);
    let from = text.find("  Errors:").expect("a findings section");
    insta::assert_snapshot!(&text[from..]);
}

#[test]
fn text_report_says_what_was_not_checked() {
    let out = run(&["--at", IN_WINDOW, &sample("okta-email.b64")]);
    assert_eq!(out.status.code(), Some(0));
    let text = stdout(&out);
    assert!(text.contains("No errors or warnings; 1 note."), "{text}");
    assert!(
        text.trim_end().ends_with(
            "Not checked: the audience (AU001): give --gitlab-group or --sp-entity-id; the \
             destination URL (AU002): give --gitlab-group or --acs-url."
        ),
        "{text}"
    );
    let out = run(&[
        "--at",
        IN_WINDOW,
        "--gitlab-group",
        GROUP,
        &sample("okta-email.b64"),
    ]);
    assert!(!stdout(&out).contains("Not checked"), "{}", stdout(&out));
}

#[test]
fn requests_get_no_findings_section() {
    let out = run(&["--at", IN_WINDOW, &sample("authn-request-redirect.url")]);
    assert_eq!(out.status.code(), Some(0));
    let text = stdout(&out);
    assert!(text.contains("AuthnRequest"), "{text}");
    assert!(
        !text.contains("No problems found") && !text.contains("Not checked"),
        "{text}"
    );
}

#[test]
fn a_subgroup_url_is_read_as_its_top_level_group_with_a_note() {
    let group = "https://gitlab.com/acme/platform/api";
    let out = run(&[
        "--at",
        IN_WINDOW,
        "--gitlab-group",
        group,
        &sample("okta-email.b64"),
    ]);
    assert_eq!(out.status.code(), Some(0));
    let err = stderr(&out);
    assert!(
        err.contains("samltrace: note: SAML SSO is set up on the top-level group"),
        "{err}"
    );
}

#[test]
fn bad_check_flags_exit_2_naming_the_flag() {
    let cases = [
        ("--at", "yesterday"),
        ("--gitlab-group", "https://gitlab.com/users/sign_in"),
        ("--fingerprint", "12:34"),
    ];
    for (flag, value) in cases {
        let out = run(&[flag, value, &sample("okta-email.b64")]);
        assert_eq!(out.status.code(), Some(2));
        let err = stderr(&out);
        assert!(err.starts_with(&format!("samltrace: {flag}")), "{err}");
        assert!(out.stdout.is_empty());
    }
}

#[test]
fn a_good_fingerprint_is_accepted() {
    let sha1 = "ab:c4:04:a6:c2:56:b3:9b:76:f0:34:fb:cf:52:22:1c:ca:df:77:f9";
    let out = run(&[
        "--at",
        IN_WINDOW,
        "--fingerprint",
        sha1,
        &sample("okta-email.b64"),
    ]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
}

#[test]
fn decode_failures_still_exit_2_over_findings() {
    let out = run(&[&sample("failed-status.b64"), &sample("not-base64.txt")]);
    assert_eq!(out.status.code(), Some(2));
}
