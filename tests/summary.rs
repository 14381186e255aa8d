//! The one-line views (issue 16, item 3): `--format summary`, the table that ends `compare`,
//! a repeated message reported once with how often it was seen, and a closing line that never
//! says "No problems found." above a failing verdict.

mod common;

use common::{run, sample, stderr, stdout};

const AT: &str = "2026-11-02T09:01:00Z";

fn lines(out: &std::process::Output) -> Vec<String> {
    stdout(out).lines().map(str::to_owned).collect()
}

#[test]
fn a_har_summary_has_one_line_per_distinct_message() {
    let out = run(&[
        "har",
        &sample("har-chrome.har"),
        "-f",
        "summary",
        "--at",
        AT,
    ]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let rows = lines(&out);
    // Five occurrences of three messages: the AuthnRequest and the Response twice each.
    assert_eq!(rows.len(), 3, "{rows:#?}");
    let response = rows
        .iter()
        .find(|r| r.contains(" Response "))
        .expect("a Response row");
    for part in [
        "2026-11-02T09:00:00Z",
        "alice@example.com",
        "GitLab",
        "NI004 The NameID is an email address",
        "har-chrome.har entry 3",
        "seen 2×",
    ] {
        assert!(response.contains(part), "{part} missing: {response}");
    }
    assert!(
        rows[0].contains("AuthnRequest") && rows[0].contains("seen 2×"),
        "{}",
        rows[0]
    );
    assert!(
        rows[2].contains("LogoutRequest") && !rows[2].contains("seen"),
        "{}",
        rows[2]
    );
    insta::assert_snapshot!("har_chrome_summary", stdout(&out));
}

#[test]
fn a_summary_row_carries_both_verdicts_and_the_top_finding() {
    let out = run(&[
        "compare",
        "--scim",
        &sample("identities.scim.json"),
        &sample("compare-mismatch.xml"),
        &sample("okta-email.b64"),
        "-f",
        "summary",
    ]);
    let rows = lines(&out);
    assert_eq!(rows.len(), 2, "{rows:#?}");
    assert!(rows[0].contains("dave@example.com") && rows[0].contains("identity mismatch"));
    // The refusal's own finding is the one shown, not merely the first.
    assert!(
        rows[1].contains("GitLab refuses (TM001)")
            && rows[1].contains("TM001 The response has expired"),
        "{}",
        rows[1]
    );
}

#[test]
fn what_cannot_be_decoded_is_a_row_too() {
    let out = run(&["decode", &sample("not-base64.txt"), "-f", "summary"]);
    assert_ne!(out.status.code(), Some(0));
    let rows = lines(&out);
    assert_eq!(rows.len(), 1, "{rows:#?}");
    assert!(
        rows[0].contains("not decoded") && rows[0].contains("not-base64.txt"),
        "{}",
        rows[0]
    );
    assert!(
        !stderr(&out).is_empty(),
        "the error is on stderr as in every format"
    );
}

#[test]
fn compare_ends_with_a_table_and_reports_a_repeated_message_once() {
    let out = run(&[
        "compare",
        "--scim",
        &sample("identities.scim.json"),
        &sample("har-chrome.har"),
        &sample("compare-match.xml"),
        &sample("compare-not-found.xml"),
        "--at",
        AT,
    ]);
    let text = stdout(&out);
    // One Identity block per distinct message that names a user: the Response and the
    // LogoutRequest of the HAR, and the two files.
    assert_eq!(text.matches("\n  Identity\n").count(), 4, "{text}");
    assert_eq!(
        text.matches("The same message as ").count(),
        2,
        "the second AuthnRequest and the second Response: {text}"
    );
    assert!(text.contains("entry 3 above (seen 2× so far)"), "{text}");
    let table = text
        .split("── 5 messages at a glance ──")
        .nth(1)
        .unwrap_or_else(|| panic!("no table: {text}"));
    let rows: Vec<&str> = table.lines().filter(|l| !l.trim().is_empty()).collect();
    assert!(
        rows[0].starts_with("TIME") && rows[0].contains("IDENTITY"),
        "{table}"
    );
    assert!(
        rows[1..].iter().any(|r| r.contains("identity match")),
        "{table}"
    );
    assert!(
        rows[1..].iter().any(|r| r.contains("identity not_found")),
        "{table}"
    );
    assert!(
        rows.last().is_some_and(|l| l.starts_with("Not checked")),
        "{table}"
    );
    // One input with one message: no table.
    let one = run(&[
        "compare",
        "--scim",
        &sample("identities.scim.json"),
        &sample("compare-match.xml"),
    ]);
    assert!(!stdout(&one).contains("at a glance"), "{}", stdout(&one));
}

/// Regression: "No problems found." sat right above "Verdict mismatch".
#[test]
fn the_checks_closing_line_does_not_contradict_a_failing_verdict() {
    for (file, but) in [
        (
            "compare-mismatch.xml",
            "But the NameID does not match the stored identity",
        ),
        ("compare-not-found.xml", "But no identity has this NameID"),
        (
            "compare-ambiguous.xml",
            "But more than one identity could be this user",
        ),
    ] {
        let out = run(&[
            "compare",
            "--scim",
            &sample("identities.scim.json"),
            &sample(file),
            "--at",
            AT,
        ]);
        let text = stdout(&out);
        assert!(text.contains(but), "{file}: {text}");
        assert!(!text.contains("No problems found."), "{file}: {text}");
        assert!(!text.contains("No errors or warnings"), "{file}: {text}");
    }
    let fine = run(&[
        "compare",
        "--scim",
        &sample("identities.scim.json"),
        &sample("compare-match.xml"),
        "--at",
        AT,
    ]);
    assert!(
        stdout(&fine).contains("No problems found."),
        "{}",
        stdout(&fine)
    );
}
