//! `samltrace explain`, run as a user runs it: a message from GitLab's page, a log line on
//! stdin, text nobody knows, nothing at all.

mod common;

use common::{json, run, samltrace, stderr, stdout};

#[test]
fn a_message_from_gitlabs_page_is_explained_with_checks_fix_and_capture() {
    let out = run(&[
        "explain",
        "Could not authorize you from SAML because \"Saml response must contain 1 assertion\".",
    ]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let text = stdout(&out);
    for part in [
        "RS007",
        "Response#validate_num_assertion",
        "Detected by   ST002",
        "Fix",
        "Capture",
        "config/locales/devise.en.yml",
    ] {
        assert!(text.contains(part), "{part} not in\n{text}");
    }
    assert!(stderr(&out).is_empty());
}

#[test]
fn unquoted_words_are_one_message() {
    let out = run(&[
        "explain",
        "Request",
        "to",
        "link",
        "SAML",
        "account",
        "must",
        "be",
        "authorized",
    ]);
    assert_eq!(out.status.code(), Some(0));
    assert!(stdout(&out).contains("GL006"));
}

#[test]
fn json_gives_every_field_for_scripts() {
    let (v, out) = json(&[
        "explain",
        "SAML authentication failed: Extern uid has already been taken",
    ]);
    assert_eq!(out.status.code(), Some(0));
    assert_eq!(v["schema"], "samltrace/v1");
    let x = &v["explanations"][0];
    assert_eq!(x["recognised"], true);
    assert_eq!(x["reason"], "Extern uid has already been taken");
    assert_eq!(x["matches"][0]["code"], "GL001");
    assert_eq!(x["matches"][0]["ruby_saml_check"], serde_json::Value::Null);
    assert!(
        x["matches"][0]["docs"]
            .as_str()
            .unwrap()
            .contains("extern-uid-has-already-been-taken")
    );
}

#[test]
fn auth_json_log_lines_on_stdin_are_explained_one_by_one() {
    let log = concat!(
        r#"{"severity":"ERROR","time":"2026-11-02T09:00:01.000Z","payload_type":"saml_response","error":"Fingerprint mismatch"}"#,
        "\n",
        r#"{"severity":"INFO","payload_type":"saml_response","saml_response":{"name_id":"alice"}}"#,
        "\n",
        r#"{"severity":"ERROR","payload_type":"saml_response","error":"Current time is on or after NotOnOrAfter condition (2026-11-02 09:05:00 UTC >= 2026-11-02 09:04:00 UTC)"}"#,
        "\n",
    );
    let out = samltrace()
        .args(["explain", "-", "-f", "json"])
        .write_stdin(log)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let got: Vec<(u64, &str)> = v["explanations"]
        .as_array()
        .unwrap()
        .iter()
        .map(|x| {
            (
                x["line"].as_u64().unwrap(),
                x["matches"][0]["code"].as_str().unwrap(),
            )
        })
        .collect();
    assert_eq!(got, [(1, "RS050"), (3, "RS020")]);
}

#[test]
fn unknown_text_gets_the_closest_entries_and_exit_1() {
    let out = run(&["explain", "SAML response must have exactly one assertion"]);
    assert_eq!(out.status.code(), Some(1));
    let text = stdout(&out);
    assert!(text.contains("Not a message samltrace knows"), "{text}");
    assert!(text.contains("1. RS007"), "{text}");
    let (v, _) = json(&["explain", "SAML response must have exactly one assertion"]);
    let x = &v["explanations"][0];
    assert_eq!(x["recognised"], false);
    assert_eq!(x["closest"][0]["entry"]["code"], "RS007");
    assert!(x["closest"][0]["score"].as_f64().unwrap() > 0.5);
}

#[test]
fn text_sharing_no_word_still_gets_an_answer() {
    let out = run(&["explain", "zzz qqq"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(stdout(&out).contains("docs/gitlab-messages.md"));
}

/// Bug guarded: an empty message must not print an empty report and exit 0.
#[test]
fn empty_input_is_one_line_and_exit_2() {
    for args in [&["explain", ""][..], &["explain", "   ", "\t"][..]] {
        let out = run(args);
        assert_eq!(out.status.code(), Some(2));
        let err = stderr(&out);
        assert_eq!(err.lines().count(), 1, "{err}");
        assert!(
            err.starts_with("samltrace: explain: the message is empty"),
            "{err}"
        );
        assert!(stdout(&out).is_empty());
    }
    let out = samltrace()
        .args(["explain", "-"])
        .write_stdin("\n\n")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("the message is empty"));
}

#[test]
fn a_log_without_messages_and_binary_stdin_are_refused_with_exit_2() {
    let out = samltrace()
        .args(["explain", "-"])
        .write_stdin(r#"{"payload_type":"saml_response","saml_response":{"name_id":"a"}}"#)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("no line of the JSON log has a message field"));
    let out = samltrace()
        .args(["explain", "-"])
        .write_stdin(vec![b'S', 0xff, 0xfe])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(
        stderr(&out).trim(),
        "samltrace: explain: -: not UTF-8 text at byte 1: expected GitLab's message or log lines"
    );
}

/// Threat guarded: a pasted message carrying terminal escapes must not reach the terminal raw.
#[test]
fn escape_sequences_in_the_message_are_shown_not_obeyed() {
    let out = run(&["explain", "Fingerprint mismatch\u{1b}]0;owned\u{7}"]);
    let text = stdout(&out);
    assert!(
        !text.contains('\u{1b}') && !text.contains('\u{7}'),
        "{text:?}"
    );
    assert!(text.contains("RS050"));
}
