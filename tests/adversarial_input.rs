//! Hostile inputs against the readers, by attack class: costs an attacker can make quadratic,
//! floods that make memory grow with the input, nesting that would overflow a stack, and text
//! that breaks XML's or JSON's rules (controls, UTF-16, bad escapes, trailing content). Every
//! test ends in a one-line refusal or a noted, bounded read, never a hang, an abort or silence.

mod common;

use std::io::Write;

use base64::Engine;
use common::{run, samltrace, sample, stderr, stdout};

const SAMLP: &str = "urn:oasis:names:tc:SAML:2.0:protocol";

fn file(name: &str, bytes: &[u8]) -> (tempfile::TempDir, String) {
    let dir = tempfile::tempdir().expect("a temp dir");
    let path = dir.path().join(name);
    std::fs::File::create(&path)
        .and_then(|mut f| f.write_all(bytes))
        .expect("the file is written");
    let path = path.to_string_lossy().into_owned();
    (dir, path)
}

fn attributes(n: usize) -> String {
    let attrs: String = (0..n).map(|i| format!(" a{i}=\"v\"")).collect();
    format!("<samlp:Response xmlns:samlp=\"{SAMLP}\"{attrs}/>")
}

fn har_post(bodies: &[String]) -> String {
    let entries: Vec<String> = bodies
        .iter()
        .map(|b| {
            let b64 = base64::engine::general_purpose::STANDARD.encode(b);
            let form = b64
                .replace('+', "%2B")
                .replace('/', "%2F")
                .replace('=', "%3D");
            format!(
                r#"{{"startedDateTime":"2026-11-02T09:00:00Z","request":{{"method":"POST","url":"https://gitlab.example.com/users/auth/saml/callback","headers":[],"postData":{{"mimeType":"application/x-www-form-urlencoded","text":"SAMLResponse={form}"}}}},"response":{{"status":302,"headers":[],"content":{{"text":""}}}}}}"#
            )
        })
        .collect();
    format!(r#"{{"log":{{"entries":[{}]}}}}"#, entries.join(","))
}

// ── Quadratic costs ──────────────────────────────────────────────────────────────────────────

/// Threat: 100,000 attributes on one element made two pairwise duplicate checks run for 27 s.
#[test]
fn a_hundred_thousand_attributes_are_refused_at_the_element() {
    let (_d, path) = file("attrs.xml", attributes(100_000).as_bytes());
    let out = run(&["decode", &path]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains(
            "XML: more than 512 attributes on one element: a SAML element has a handful at line 1, column 1"
        ),
        "{}",
        stderr(&out)
    );
}

/// Threat: the same attack five times in a HAR (17 s); many elements just under the bound.
#[test]
fn many_attributes_in_a_har_and_just_under_the_bound_stay_linear() {
    let under: String = (0..200)
        .map(|e| {
            let attrs: String = (0..500).map(|i| format!(" e{e}a{i}=\"v\"")).collect();
            format!("<x{attrs}/>")
        })
        .collect();
    let under = format!("<samlp:Response xmlns:samlp=\"{SAMLP}\">{under}</samlp:Response>");
    let bodies = vec![attributes(100_000); 5]
        .into_iter()
        .chain([under])
        .collect::<Vec<_>>();
    let (_d, path) = file("attrs.har", har_post(&bodies).as_bytes());
    let out = run(&["har", &path]);
    let err = stderr(&out);
    assert_eq!(
        err.matches("more than 512 attributes on one element")
            .count(),
        5,
        "{err}"
    );
    // The sixth message (100,000 attributes spread over 200 elements) is read and decoded.
    assert!(stdout(&out).contains("entry 5"), "{}", stdout(&out));
    assert_eq!(out.status.code(), Some(1), "{err}");
}

/// Threat: duplicate checks by pairs are also found on a long element; a duplicate still is.
#[test]
fn a_duplicate_among_many_attributes_is_still_refused() {
    let attrs: String = (0..300).map(|i| format!(" a{i}=\"v\"")).collect();
    let xml = format!("<samlp:Response xmlns:samlp=\"{SAMLP}\"{attrs} a17=\"again\"/>");
    let out = run(&["decode", &xml]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("duplicate attribute \"a17\""),
        "{}",
        stderr(&out)
    );
}

/// Threat: a flood of namespace declarations; the refusal named a quick-xml API.
#[test]
fn namespace_floods_are_refused_in_our_words() {
    let decls: String = (0..300)
        .map(|i| format!(" xmlns:p{i}=\"urn:x:{i}\""))
        .collect();
    let xml = format!("<samlp:Response xmlns:samlp=\"{SAMLP}\"{decls}/>");
    let out = run(&["decode", &xml]);
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        err.contains("more than 128 namespace declarations in scope"),
        "{err}"
    );
    assert!(!err.contains("NamespaceResolver"), "{err}");
    let kids: String = (0..2000)
        .map(|i| format!("<p:b xmlns:p=\"urn:x:{i}\"/>"))
        .collect();
    let xml = format!("<samlp:Response xmlns:samlp=\"{SAMLP}\">{kids}</samlp:Response>");
    let out = run(&["decode", &xml]);
    assert!(
        stderr(&out).contains("more than 1024 distinct namespace URIs"),
        "{}",
        stderr(&out)
    );
}

// ── Floods that made memory grow with the input ─────────────────────────────────────────────

/// Threat: 10M empty HAR entries grew to 24 GB; broken entries are counted, the first 50 shown.
#[test]
fn a_flood_of_broken_entries_is_counted_not_kept() {
    let entries = vec!["{}"; 200_000].join(",");
    let (_d, path) = file(
        "empty.har",
        format!(r#"{{"log":{{"entries":[{entries}]}}}}"#).as_bytes(),
    );
    for cmd in ["har", "decode"] {
        let out = run(&[cmd, &path, "--format", "json"]);
        let err = stderr(&out);
        assert!(
            err.contains(
                "199950 more broken entries were skipped and are not shown (the first 50 are)"
            ),
            "{cmd}: {err}"
        );
        let shown = stdout(&out).matches("neither request nor response").count();
        assert_eq!(shown, 50, "{cmd}: only the first 50 are shown");
    }
}

// ── Nesting ──────────────────────────────────────────────────────────────────────────────────

/// Threat: 30,000 nested arrays in a --scim file (60 KB) overflowed the stack.
#[test]
fn deep_nesting_in_identity_files_is_refused() {
    let arrays = format!("{}{}", "[".repeat(30_000), "]".repeat(30_000));
    let objects = format!("{}1{}", "{\"a\":".repeat(30_000), "}".repeat(30_000));
    for (name, text, expect) in [
        ("deep.scim.json", arrays, "arrays nested more than 8 deep"),
        (
            "deepobj.scim.json",
            objects,
            "nested deeper than 128 levels",
        ),
    ] {
        let (_d, path) = file(name, text.as_bytes());
        let out = run(&["compare", "--scim", &path, &sample("compare-match.xml")]);
        assert_eq!(out.status.code(), Some(2), "{name}");
        assert!(stderr(&out).contains(expect), "{name}: {}", stderr(&out));
        assert!(
            !stderr(&out).contains("recursion limit"),
            "{}",
            stderr(&out)
        );
    }
}

/// Threat: deep nesting in a HAR and in XML; a reader that recursed would overflow its stack.
#[test]
fn deep_nesting_in_captures_and_xml_is_refused() {
    // Skipped values are stepped over without recursion; the entry is reported, the next read.
    let deep = format!("{}1{}", "[".repeat(100_000), "]".repeat(100_000));
    let good = har_post(&[std::fs::read_to_string(sample("compare-match.xml")).expect("sample")]);
    let good_entry = &good[good.find("[{").expect("entries") + 1..good.rfind("]}").expect("end")];
    let har = format!(
        r#"{{"log":{{"entries":[{{"request":{deep}}},{{"x":{deep},"request":{{"url":"https://a/"}}}},{good_entry}]}}}}"#
    );
    let (_d, path) = file("deep.har", har.as_bytes());
    let out = run(&["har", &path]);
    // A broken entry is reported and skipped, as `har` does for any (exit 0 unless a message fails).
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("entry 0: input: request is an array: expected an object"),
        "{}",
        stderr(&out)
    );
    assert!(
        stdout(&out).contains("0b1d561c-21ff-4092-beab-8154b17f82f2"),
        "{}",
        stdout(&out)
    );
    let xml = format!(
        "<samlp:Response xmlns:samlp=\"{SAMLP}\">{}{}</samlp:Response>",
        "<a>".repeat(100_000),
        "</a>".repeat(100_000)
    );
    let (_d, path) = file("deep.xml", xml.as_bytes());
    let out = run(&["decode", &path]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("elements nested deeper than 128 levels"),
        "{}",
        stderr(&out)
    );
}

// ── Text that breaks the rules ───────────────────────────────────────────────────────────────

/// Threat: NUL, ESC and BEL inside XML text were accepted although XML forbids them.
#[test]
fn control_characters_in_xml_are_refused_where_they_are() {
    for (c, name) in [('\0', "U+0000"), ('\u{1b}', "U+001B"), ('\u{7}', "U+0007")] {
        let xml =
            format!("<samlp:Response xmlns:samlp=\"{SAMLP}\">\n  <x>ab{c}</x></samlp:Response>");
        let (_d, path) = file("ctl.xml", xml.as_bytes());
        let out = run(&["decode", &path]);
        assert_eq!(out.status.code(), Some(2));
        assert!(
            stderr(&out).contains(&format!(
                "XML: character {name} is not allowed in XML: expected text without control characters at line 2, column 8"
            )),
            "{}",
            stderr(&out)
        );
    }
}

/// Threat: UTF-16 without a byte-order mark got a confusing attribute error; Windows tools save it.
#[test]
fn utf16_files_are_read_as_text() {
    let xml = std::fs::read_to_string(sample("compare-match.xml")).expect("the sample");
    let utf8 = run(&["decode", &sample("compare-match.xml"), "--format", "json"]);
    let le: Vec<u8> = xml.encode_utf16().flat_map(u16::to_le_bytes).collect();
    let mut bom = vec![0xff, 0xfe];
    bom.extend(&le);
    let be: Vec<u8> = xml.encode_utf16().flat_map(u16::to_be_bytes).collect();
    for (name, bytes) in [("le.xml", le), ("bom.xml", bom), ("be.xml", be)] {
        let (_d, path) = file(name, &bytes);
        let out = run(&["decode", &path, "--format", "json"]);
        assert_eq!(
            out.status.code(),
            utf8.status.code(),
            "{name}: {}",
            stderr(&out)
        );
        let v: serde_json::Value = serde_json::from_slice(&out.stdout).expect("JSON");
        let w: serde_json::Value = serde_json::from_slice(&utf8.stdout).expect("JSON");
        let name_id = |v: &serde_json::Value| {
            v.pointer("/traces/0/message/assertions/0/subject/name_id/value")
                .cloned()
        };
        assert!(name_id(&w).is_some(), "the sample names a user");
        assert_eq!(name_id(&v), name_id(&w), "{name}");
        let steps = v.pointer("/traces/0/encoding").map(|s| s.to_string());
        assert_eq!(steps.as_deref(), Some(r#"["utf16"]"#), "{name}");
    }
    // Base64 saved by PowerShell's `>` (UTF-16 with a mark) decodes too.
    let b64 = base64::engine::general_purpose::STANDARD.encode(&xml);
    let mut ps: Vec<u8> = vec![0xff, 0xfe];
    ps.extend(
        format!("{b64}\r\n")
            .encode_utf16()
            .flat_map(u16::to_le_bytes),
    );
    let (_d, path) = file("paste.txt", &ps);
    let out = run(&["decode", &path]);
    assert_eq!(out.status.code(), utf8.status.code(), "{}", stderr(&out));
    assert!(
        stdout(&out).contains("0b1d561c-21ff-4092-beab-8154b17f82f2"),
        "{}",
        stdout(&out)
    );
}

/// Threat: the HAR reader took invalid escapes, raw controls and trailing garbage without a word.
#[test]
fn json_rule_breaks_in_a_capture_are_read_and_said() {
    let har = std::fs::read_to_string(sample("har-chrome.har")).expect("the sample");
    let clean = run(&["har", &sample("har-chrome.har")]);
    assert!(
        !stderr(&clean).contains("JSON does not allow"),
        "{}",
        stderr(&clean)
    );
    let odd = har.replacen("\"url\": \"https://", "\"url\": \"https://\\q", 1);
    let odd = format!("{odd}\nnot json");
    let (_d, path) = file("odd.har", odd.as_bytes());
    let out = run(&["har", &path]);
    let err = stderr(&out);
    assert!(
        err.contains("an invalid escape or invalid UTF-8 in a string, which JSON does not allow: read as it stands"),
        "{err}"
    );
    assert!(
        err.contains("'n' after the end of the capture: ignored"),
        "{err}"
    );
    // The messages are all still there.
    assert_eq!(
        stdout(&out).matches("SAMLResponse").count(),
        stdout(&clean).matches("SAMLResponse").count()
    );
}

/// Threat: a raw control character from a sloppy exporter must not reach the terminal.
#[test]
fn a_raw_control_character_in_a_capture_is_named_not_echoed() {
    let har = std::fs::read_to_string(sample("har-chrome.har")).expect("the sample");
    let odd = har.replacen("\"url\": \"https://", "\"url\": \"https://\u{1b}[2J", 1);
    let (_d, path) = file("ctl.har", odd.as_bytes());
    let out = samltrace().args(["har", &path]).output().expect("runs");
    let err = stderr(&out);
    assert!(err.contains("a raw control character (byte 0x1b)"), "{err}");
    assert!(!err.contains('\u{1b}') && !stdout(&out).contains('\u{1b}'));
}
