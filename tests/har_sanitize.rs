//! `samltrace har sanitize` on the bundled captures: every seeded secret gone, every SAML message
//! still found, the output a HAR that parses, the receipt on stderr.

mod common;

use common::{json, run, samltrace, sample, stderr, stdout};
use serde_json::Value;

/// The messages `har` finds: (entry, location, param, kind, id, xml).
fn messages(path: &str) -> Vec<(Value, Value, Value, Value, Value, Value)> {
    let (v, out) = json(&["har", path]);
    assert_ne!(out.status.code(), Some(2), "{}", stderr(&out));
    v["traces"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| {
            let o = &t["origin"];
            (
                o["har_entry"].clone(),
                o["location"].clone(),
                o["param"].clone(),
                t["message"]["kind"].clone(),
                t["message"]["id"].clone(),
                t["xml"].clone(),
            )
        })
        .collect()
}

#[test]
fn no_seeded_secret_survives_and_the_same_messages_are_found() {
    let dir = tempfile::tempdir().unwrap();
    for name in ["har-chrome.har", "har-firefox.har"] {
        let out_path = dir.path().join(name);
        let out = run(&[
            "har",
            "sanitize",
            &sample(name),
            "-o",
            out_path.to_str().unwrap(),
        ]);
        assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
        let original = std::fs::read_to_string(sample(name)).unwrap();
        let clean = std::fs::read_to_string(&out_path).unwrap();
        assert!(original.contains("SECRET-"), "{name} is seeded");
        assert!(!clean.contains("SECRET-"), "{name}: a secret survived");
        for word in [
            "\"cookie\"",
            "\"Cookie\"",
            "\"set-cookie\"",
            "\"authorization\"",
        ] {
            assert!(!clean.contains(word), "{name}: {word} survived");
        }
        let parsed: Value = serde_json::from_str(&clean).expect("the output is JSON");
        assert_eq!(parsed["log"]["version"], "1.2");
        assert_eq!(
            parsed["log"]["entries"].as_array().map(Vec::len),
            serde_json::from_str::<Value>(&original).unwrap()["log"]["entries"]
                .as_array()
                .map(Vec::len)
        );
        assert_eq!(
            messages(out_path.to_str().unwrap()),
            messages(&sample(name)),
            "{name}: the messages differ after sanitising"
        );
        let receipt = stderr(&out);
        assert!(receipt.contains("cookies"), "{receipt}");
        assert!(
            receipt.contains("request bodies without SAML") || name.contains("firefox"),
            "{receipt}"
        );
    }
}

#[test]
fn the_receipt_counts_per_kind() {
    let out = run(&["har", "sanitize", &sample("har-chrome.har")]);
    assert_eq!(out.status.code(), Some(0));
    let receipt = stderr(&out);
    for line in [
        "7 entries written",
        "2  cookies",
        "3  Cookie and Set-Cookie headers",
        "1  Authorization and Proxy-Authorization headers",
        "1  CSRF, token and session headers",
        "1  request bodies without SAML",
    ] {
        assert!(receipt.contains(line), "missing {line:?} in:\n{receipt}");
    }
    assert!(stdout(&out).starts_with("{\n  \"log\": {"));
}

#[test]
fn a_mask_key_hides_who_the_messages_are_about() {
    let out = samltrace()
        .args([
            "har",
            "sanitize",
            &sample("har-chrome.har"),
            "--mask-key",
            "ticket-4711",
        ])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("masked.har");
    std::fs::write(&path, &out.stdout).unwrap();
    // Every message is still found where it was, once: masking changes values, not places.
    let places = |p: &str| -> Vec<_> {
        let strip = |(e, l, p, k, i, _xml)| (e, l, p, k, i);
        messages(p).into_iter().map(strip).collect()
    };
    assert_eq!(
        places(path.to_str().unwrap()),
        places(&sample("har-chrome.har"))
    );
    let (v, _) = json(&["har", path.to_str().unwrap()]);
    let text = v.to_string();
    assert!(!text.contains("alice@example.com"), "an identity survived");
    let masked = samltrace::redact::mask::mask_value("ticket-4711", "alice@example.com");
    let response = &v["traces"][2]["message"]["assertions"][0];
    assert_eq!(response["subject"]["name_id"]["value"], masked.as_str());
    assert_eq!(
        v["traces"][4]["message"]["request"]["name_id"]["value"],
        masked.as_str()
    );
    assert!(!String::from_utf8_lossy(&out.stderr).contains("ticket-4711"));
}

#[test]
fn refuses_to_overwrite_its_input_and_leaves_nothing_on_failure() {
    let dir = tempfile::tempdir().unwrap();
    let copy = dir.path().join("c.har");
    std::fs::copy(sample("har-chrome.har"), &copy).unwrap();
    let c = copy.to_str().unwrap();
    let out = run(&["har", "sanitize", c, "-o", c]);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("OUT is the input itself"));

    let target = dir.path().join("t.har");
    let out = run(&[
        "har",
        "sanitize",
        &sample("har-truncated.har"),
        "-o",
        target.to_str().unwrap(),
    ]);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("cut off"), "{}", stderr(&out));
    assert!(!target.exists());
    assert_eq!(
        std::fs::read_dir(dir.path()).unwrap().count(),
        1,
        "no partial file left"
    );
}

#[test]
fn compare_with_the_same_mask_key_matches_a_masked_capture() {
    let dir = tempfile::tempdir().unwrap();
    let masked = dir.path().join("masked.har");
    let ids = dir.path().join("ids.txt");
    std::fs::write(&ids, "alice@example.com\n").unwrap();
    let out = run(&[
        "har",
        "sanitize",
        &sample("har-chrome.har"),
        "--mask-key",
        "ticket-4711",
        "-o",
        masked.to_str().unwrap(),
    ]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let states = |capture: &str, key: Option<&str>| -> Vec<String> {
        let mut args = vec!["compare", "--scim", ids.to_str().unwrap(), capture];
        args.extend(key.map(|k| ["--mask-key", k]).into_iter().flatten());
        let (v, _) = json(&args);
        let traces = v["traces"].as_array().expect("traces").iter();
        traces
            .filter_map(|t| t["verdict"]["state"].as_str().map(str::to_owned))
            .collect()
    };
    let original = sample("har-chrome.har");
    let masked = masked.to_str().unwrap();
    assert_eq!(states(&original, None), ["match", "match", "match"]);
    assert_eq!(
        states(masked, Some("ticket-4711")),
        ["match", "match", "match"]
    );
    assert_eq!(states(masked, None), ["not_found"; 3]);
    assert_eq!(states(masked, Some("another key")), ["not_found"; 3]);
    let out = run(&[
        "compare",
        "--scim",
        ids.to_str().unwrap(),
        masked,
        "--mask-key",
        "",
    ]);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("--mask-key: the key is empty"));
}

/// Regression: `har sanitize X | head -c 300` said "Broken pipe … nothing was written" and exited
/// 2, though it had written what the reader took.
#[test]
fn a_reader_that_stops_early_is_not_an_error() {
    use std::io::Read;
    let har: Value =
        serde_json::from_str(&std::fs::read_to_string(sample("har-chrome.har")).unwrap()).unwrap();
    let entries = har["log"]["entries"].as_array().unwrap();
    let many: Vec<Value> = entries
        .iter()
        .cycle()
        .take(entries.len() * 400)
        .cloned()
        .collect();
    let big =
        serde_json::json!({"log": {"version": "1.2", "creator": {"name": "t"}, "entries": many}});
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("big.har");
    std::fs::write(&path, serde_json::to_vec(&big).unwrap()).unwrap();
    let mut child = std::process::Command::new(assert_cmd::cargo::cargo_bin!("samltrace"))
        .args(["har", "sanitize", &path.to_string_lossy()])
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let mut head = [0u8; 300];
    child.stdout.take().unwrap().read_exact(&mut head).unwrap();
    // The pipe is closed here, long before the sanitised copy (megabytes) is all written.
    let out = child.wait_with_output().unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(0), "{err}");
    assert!(
        !err.contains("Broken pipe") && !err.contains("nothing was written"),
        "{err}"
    );
    assert!(head.starts_with(b"{"), "{}", String::from_utf8_lossy(&head));
}

/// SAML-tracer exports (current and legacy shapes) are sanitised as a HAR is: the Cookie header
/// goes, the messages `decode` finds in them stay, and the output is still a SAML-tracer export.
#[test]
fn saml_tracer_exports_are_sanitised_and_still_decode() {
    let dir = tempfile::tempdir().unwrap();
    for (name, cookies) in [("saml-tracer.json", "1"), ("saml-tracer-legacy.json", "")] {
        let before = std::fs::read_to_string(sample(name)).unwrap();
        let out_path = dir.path().join(name);
        let out = run(&[
            "har",
            "sanitize",
            &sample(name),
            "-o",
            &out_path.to_string_lossy(),
        ]);
        assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
        let after = std::fs::read_to_string(&out_path).unwrap();
        let parsed: Value = serde_json::from_str(&after).expect("valid JSON");
        assert!(parsed["requests"].is_array(), "{after}");
        assert!(
            stderr(&out).contains("SAML-tracer request"),
            "{}",
            stderr(&out)
        );
        if !cookies.is_empty() {
            assert!(before.to_ascii_lowercase().contains("\"cookie\""));
            assert!(
                !after.to_ascii_lowercase().contains("\"cookie\""),
                "{after}"
            );
            assert!(stderr(&out).contains("Cookie and Set-Cookie headers"));
        }
        let ids = |path: &str| {
            let (v, _) = json(&["decode", path]);
            let list = v["traces"].as_array().cloned().unwrap_or_default();
            list.iter()
                .map(|t| (t["message"]["id"].clone(), t["xml"].clone()))
                .collect::<Vec<_>>()
        };
        let found = ids(&sample(name));
        assert!(!found.is_empty(), "{name} has messages");
        assert_eq!(ids(&out_path.to_string_lossy()), found, "{name}");
    }
}

/// A SAML-tracer export saved with the extension's mask-values filter looks safe to share, but
/// its `saml` field still holds the NameIDs in clear: reading it warns, once, and names the way
/// out; the copy `har sanitize --mask-key` writes (identities masked there too) does not warn.
#[test]
fn a_tracer_export_masked_only_in_part_is_called_out() {
    let warning = "mask-values filter";
    let out = run(&["decode", &sample("saml-tracer.json")]);
    let err = stderr(&out);
    assert_eq!(err.matches(warning).count(), 1, "{err}");
    assert!(
        err.contains("in clear text") && err.contains("har sanitize --mask-key"),
        "{err}"
    );
    let legacy = run(&["decode", &sample("saml-tracer-legacy.json")]);
    assert!(!stderr(&legacy).contains(warning), "{}", stderr(&legacy));

    let dir = tempfile::tempdir().unwrap();
    let clean = dir.path().join("clean.json");
    let clean = clean.to_string_lossy();
    let out = run(&[
        "har",
        "sanitize",
        &sample("saml-tracer.json"),
        "-o",
        &clean,
        "--mask-key",
        "k",
    ]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let out = run(&["decode", &clean]);
    assert!(!stderr(&out).contains(warning), "{}", stderr(&out));
    assert!(
        !stdout(&out).contains("alice@example.com"),
        "{}",
        stdout(&out)
    );
}

/// Regression: `compare --mask-key` printed a PATCH of the masked NameID; run, it would store a
/// hash as the user's extern_uid. The verdict stands, the call is withheld and the reason says why.
#[test]
fn compare_with_a_mask_key_prints_no_call() {
    let dir = tempfile::tempdir().unwrap();
    let masked = dir.path().join("masked.har");
    let out = run(&[
        "har",
        "sanitize",
        &sample("har-chrome.har"),
        "--mask-key",
        "k",
        "-o",
        masked.to_str().unwrap(),
    ]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let (v, _) = json(&[
        "compare",
        "--scim",
        &sample("identities.scim.json"),
        masked.to_str().unwrap(),
        "--mask-key",
        "k",
    ]);
    let verdicts: Vec<&Value> = v["traces"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| &t["verdict"])
        .filter(|v| v["state"] == "mismatch")
        .collect();
    assert!(!verdicts.is_empty(), "{v}");
    for verdict in verdicts {
        assert!(verdict["fix"].is_null(), "{verdict}");
        assert!(
            verdict["reason"]
                .as_str()
                .unwrap()
                .contains("no call is printed"),
            "{verdict}"
        );
    }
}
