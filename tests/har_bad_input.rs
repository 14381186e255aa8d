//! `samltrace har` on what is not a usable capture: one clear line naming the file, the position
//! and what was expected; exit 2 only when nothing could be read; never a panic.

mod common;

use common::{run, sample, stderr, stdout};

fn write(dir: &tempfile::TempDir, name: &str, content: &[u8]) -> String {
    let path = dir.path().join(name);
    std::fs::write(&path, content).unwrap();
    path.to_str().unwrap().to_owned()
}

#[test]
fn nothing_readable_is_exit_2_with_one_clear_line() {
    let dir = tempfile::tempdir().unwrap();
    let cases: &[(&str, &[u8], &str)] = &[
        ("empty.har", b"", "the file is empty"),
        ("text.har", b"PHNhbWxwOlJlc3BvbnNl", "not JSON"),
        (
            "array.har",
            b"[1, 2]",
            "JSON, but not a HAR file: it is an array",
        ),
        (
            "other.json",
            br#"{"name": "x", "items": []}"#,
            "\"name\", \"items\"",
        ),
        ("nolog.har", br#"{"log": "x"}"#, "\"log\" is a string"),
        (
            "empty-log.har",
            br#"{"log": {"version": "1.2", "entries": []}}"#,
            "holds no entries",
        ),
        (
            "no-entries.har",
            br#"{"log": {"version": "1.2"}}"#,
            "holds no entries",
        ),
        ("cut.har", br#"{"log": {"version": "1.2", "ent"#, "cut off"),
        ("binary.har", b"\x00\x01\x02\xff", "not JSON"),
    ];
    for (name, content, expected) in cases {
        let path = write(&dir, name, content);
        let out = run(&["har", &path]);
        let err = stderr(&out);
        assert_eq!(out.status.code(), Some(2), "{name}: {err}");
        assert!(
            err.contains(&path),
            "{name}: the line names the file: {err}"
        );
        assert!(
            err.contains(expected),
            "{name}: expected {expected:?} in {err}"
        );
        assert!(!err.contains("panicked"), "{name}: {err}");
    }
    let out = run(&["har", "/nonexistent/x.har"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("/nonexistent/x.har"));
}

#[test]
fn a_bad_file_does_not_stop_the_good_ones() {
    let dir = tempfile::tempdir().unwrap();
    let bad = write(&dir, "bad.har", b"nope");
    let out = run(&["har", "-f", "ndjson", &bad, &sample("har-chrome.har")]);
    assert_eq!(out.status.code(), Some(2));
    let text = stdout(&out);
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines.len(), 6, "one error trace and the five good ones");
    assert!(lines[0].contains("\"message\":null"));
    assert!(lines[1].contains("har-chrome.har"));
}

#[test]
fn entries_missing_fields_are_noted_not_fatal() {
    let dir = tempfile::tempdir().unwrap();
    let har = br#"{"log": {"entries": [
        {"startedDateTime": "2026-11-02T09:00:00Z"},
        {"request": {"url": ["not", "a", "string"]}, "response": {"status": 200}},
        {"request": {"method": "GET"}, "response": {"content": {"text": 5}}}
    ]}}"#;
    let path = write(&dir, "odd.har", har);
    let out = run(&["har", &path]);
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(0), "{err}");
    assert!(
        err.contains("entry 0: input: the entry has neither request nor response"),
        "{err}"
    );
    assert!(
        err.contains("entry 1: input: request.url is an array: expected a string"),
        "{err}"
    );
    assert!(
        err.contains("entry 2: input: response.content.text is a number"),
        "{err}"
    );
    assert!(err.contains("no SAML message in its 3 entries"), "{err}");
}

#[test]
fn a_huge_body_is_measured_not_kept() {
    // A 13 MiB response body mentioning SAML: over the 8 MiB read from one value.
    let body = "SAMLResponse ".repeat(1 << 20);
    let har = format!(
        r#"{{"log": {{"entries": [{{"request": {{"url": "https://idp/x"}}, "response": {{"content": {{"mimeType": "text/html", "text": "{body}"}}}}}}]}}}}"#
    );
    let dir = tempfile::tempdir().unwrap();
    let path = write(&dir, "huge.har", har.as_bytes());
    let out = run(&["har", &path]);
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(0), "{err}");
    assert!(
        err.contains("response.content.text holds SAML but is 13 MiB"),
        "{err}"
    );
}

/// A HAR whose SAML values a sanitizer replaced (Cloudflare's and others' HAR sanitizers, Rails'
/// `[FILTERED]`): each entry says the value was removed and how to capture one that keeps it.
#[test]
fn a_har_whose_saml_values_were_removed_says_so_and_how_to_export_again() {
    let dir = tempfile::tempdir().unwrap();
    let har = r#"{"log": {"version": "1.2", "entries": [
      {"startedDateTime": "2026-11-02T09:00:00Z",
       "request": {"method": "POST", "url": "https://gitlab.com/groups/acme/-/saml/callback",
         "headers": [], "queryString": [],
         "postData": {"mimeType": "application/x-www-form-urlencoded",
                      "text": "SAMLResponse=%5BSAMLResponse+redacted%5D&RelayState=%2F"}},
       "response": {"status": 302, "headers": [], "content": {"size": 0, "text": ""}}},
      {"startedDateTime": "2026-11-02T09:00:01Z",
       "request": {"method": "GET",
         "url": "https://idp.example.com/sso?SAMLRequest=REDACTED", "headers": [],
         "queryString": [{"name": "SAMLRequest", "value": "REDACTED"}]},
       "response": {"status": 200, "headers": [], "content": {"size": 0, "text": ""}}}
    ]}}"#;
    let path = write(&dir, "sanitized.har", har.as_bytes());
    let out = run(&["har", &path]);
    let err = stderr(&out);
    assert_ne!(out.status.code(), Some(0), "{err}");
    for (entry, param, shown) in [
        ("entry 0", "SAMLResponse", "\"[SAMLResponse redacted]\""),
        ("entry 1", "SAMLRequest", "\"REDACTED\""),
    ] {
        let line = err
            .lines()
            .find(|l| l.contains(&format!("{path} {entry}")))
            .unwrap_or_else(|| panic!("no line for {entry}: {err}"));
        assert!(
            line.contains(&format!("the {param} value was removed")),
            "{line}"
        );
        assert!(line.contains(shown), "{line}");
        assert!(line.contains("Export HAR with sensitive data"), "{line}");
    }
    assert!(!err.contains("base64"), "not blamed on base64: {err}");
}
