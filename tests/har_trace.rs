//! `samltrace har` on the bundled captures, as a support engineer runs it: every occurrence of
//! every message, where it was, and what the checks say.

mod common;

use common::{json, run, samltrace, sample, stderr, stdout};
use serde_json::Value;

/// (entry, location, param, binding, relay_state, duplicate_of) of each trace.
type Place = (
    u64,
    &'static str,
    &'static str,
    &'static str,
    &'static str,
    Option<u64>,
);

fn places(v: &Value) -> Vec<(u64, String, String, String, String, Option<u64>)> {
    v["traces"]
        .as_array()
        .expect("traces")
        .iter()
        .filter(|t| !t["message"].is_null())
        .map(|t| {
            let o = &t["origin"];
            let s = |k: &str| o[k].as_str().unwrap_or("").to_owned();
            (
                o["har_entry"].as_u64().expect("har_entry"),
                s("location"),
                s("param"),
                s("binding"),
                s("relay_state"),
                o["duplicate_of"].as_u64(),
            )
        })
        .collect()
}

fn owned(expected: &[Place]) -> Vec<(u64, String, String, String, String, Option<u64>)> {
    expected
        .iter()
        .map(|&(e, l, p, b, r, d)| (e, l.into(), p.into(), b.into(), r.into(), d))
        .collect()
}

fn codes(t: &Value) -> Vec<String> {
    t["findings"]
        .as_array()
        .map(|f| {
            f.iter()
                .map(|x| x["code"].as_str().unwrap_or("").to_owned())
                .collect()
        })
        .unwrap_or_default()
}

#[test]
fn chrome_capture_every_occurrence() {
    let (v, out) = json(&["har", &sample("har-chrome.har")]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(
        places(&v),
        owned(&[
            (
                0,
                "response.redirectURL",
                "SAMLRequest",
                "redirect",
                "/acme/platform",
                None
            ),
            (
                1,
                "request.url",
                "SAMLRequest",
                "redirect",
                "/acme/platform",
                Some(0)
            ),
            (
                3,
                "response.content",
                "SAMLResponse",
                "post",
                "/acme/platform",
                None
            ),
            (
                4,
                "request.postData",
                "SAMLResponse",
                "post",
                "/acme/platform",
                Some(2)
            ),
            (
                6,
                "response.redirectURL",
                "SAMLRequest",
                "redirect",
                "/",
                None
            ),
        ])
    );
    let t = &v["traces"];
    assert_eq!(t[0]["message"]["kind"], "AuthnRequest");
    assert_eq!(t[0]["message"]["id"], "_a8b2f4e0c1d94e6f9b3a7c5d2e1f0a9b");
    assert_eq!(t[0]["origin"]["time"], "2026-11-02T08:59:58.100Z");
    assert_eq!(
        t[0]["encoding"],
        serde_json::json!(["url", "base64", "deflate"])
    );
    assert_eq!(
        t[2]["origin"]["url"],
        "https://gitlab.com/groups/acme/-/saml/callback"
    );
    assert_eq!(t[2]["encoding"], serde_json::json!(["html-form", "base64"]));
    let name_id = &t[2]["message"]["assertions"][0]["subject"]["name_id"]["value"];
    assert_eq!(name_id, "alice@example.com");
    assert_eq!(t[3]["xml"], t[2]["xml"]);
    assert_eq!(t[4]["message"]["kind"], "LogoutRequest");
    // Judged at their entries' times: the response is inside its validity window.
    assert!(
        !codes(&t[2]).iter().any(|c| c.starts_with("TM")),
        "{:?}",
        codes(&t[2])
    );
    assert!(!codes(&t[2]).contains(&"AU003".to_owned()));
}

#[test]
fn firefox_capture_and_a_response_to_an_older_request() {
    let (v, out) = json(&["har", &sample("har-firefox.har")]);
    assert_eq!(
        places(&v),
        owned(&[
            (
                0,
                "response.redirectURL",
                "SAMLRequest",
                "redirect",
                "/acme/platform",
                None
            ),
            (
                1,
                "request.url",
                "SAMLRequest",
                "redirect",
                "/acme/platform",
                Some(0)
            ),
            (
                2,
                "response.headers.location",
                "SAMLRequest",
                "redirect",
                "/acme/platform",
                None
            ),
            (
                3,
                "response.content",
                "SAMLResponse",
                "post",
                "/acme/platform",
                None
            ),
            (
                4,
                "request.postData",
                "SAMLResponse",
                "post",
                "/acme/platform",
                Some(3)
            ),
        ])
    );
    let t = &v["traces"];
    assert_eq!(
        t[2]["origin"]["url"],
        "https://login.example.com/app/gitlab/sso/saml"
    );
    assert_eq!(t[2]["message"]["id"], "_b71c0e5d9a2f4c3e8d6b1a0f9e8d7c6b");
    for i in [3, 4] {
        assert!(
            codes(&t[i]).contains(&"AU003".to_owned()),
            "{:?}",
            codes(&t[i])
        );
        let detail = t[i]["findings"]
            .as_array()
            .and_then(|f| f.iter().find(|x| x["code"] == "AU003"))
            .map(|x| x["detail"].as_str().unwrap_or("").to_owned())
            .unwrap_or_default();
        assert!(
            detail.contains("_b71c0e5d9a2f4c3e8d6b1a0f9e8d7c6b"),
            "{detail}"
        );
    }
    assert!(!codes(&t[0]).contains(&"AU003".to_owned()));
    assert_eq!(out.status.code(), Some(1), "AU003 is an error");
}

#[test]
fn text_report_shows_the_flow_with_duplicates_folded() {
    let out = run(&["har", &sample("har-chrome.har"), "--color", "never"]);
    let text = stdout(&out);
    assert!(text.contains("3 SAML messages, seen 5 times"), "{text}");
    assert!(text.contains("answers [1]"), "{text}");
    assert!(
        text.contains("at entry 3 response.content, entry 4 request.postData"),
        "{text}"
    );
    assert!(text.contains("Also seen at entry 1 request.url"), "{text}");
    insta::assert_snapshot!("har_chrome_text", text);
}

#[test]
fn text_report_names_the_request_an_old_response_answers() {
    let out = run(&["har", &sample("har-firefox.har"), "--color", "never"]);
    let text = stdout(&out);
    assert!(text.contains("answers [1]"), "{text}");
    assert!(text.contains("1 error (AU003)"), "{text}");
    insta::assert_snapshot!("har_firefox_text", text);
}

#[test]
fn saml_tracer_exports_current_and_legacy() {
    let (v, out) = json(&["har", &sample("saml-tracer.json")]);
    assert_eq!(
        places(&v),
        owned(&[
            (
                0,
                "request.url",
                "SAMLRequest",
                "redirect",
                "/acme/platform",
                None
            ),
            (1, "request.postData", "SAMLResponse", "post", "", None),
        ])
    );
    assert_eq!(v["traces"][1]["origin"]["time"], "2026-11-02T09:00:01Z");
    let err = stderr(&out);
    assert!(
        err.contains("entry 2: SAMLResponse was masked by the exporter"),
        "{err}"
    );
    assert_eq!(out.status.code(), Some(0), "masked values are notes: {err}");

    let (v, _) = json(&["har", &sample("saml-tracer-legacy.json")]);
    assert_eq!(
        places(&v),
        owned(&[(
            0,
            "request.postData",
            "SAMLResponse",
            "post",
            "/acme/platform",
            None
        )])
    );
    assert!(
        v["traces"][0]["encoding"]
            .as_array()
            .is_some_and(|e| e.iter().any(|s| s == "space-as-plus"))
    );
}

#[test]
fn decode_reads_captures_too() {
    let (v, out) = json(&["decode", &sample("saml-tracer.json")]);
    assert_eq!(places(&v).len(), 2, "{}", stderr(&out));
    let (v, _) = json(&[&sample("har-chrome.har")]);
    assert_eq!(places(&v).len(), 5);
}

#[test]
fn a_truncated_capture_yields_what_it_held() {
    let (v, out) = json(&["har", &sample("har-truncated.har")]);
    assert_eq!(places(&v).len(), 4);
    let err = stderr(&out);
    assert!(
        err.contains("warning: samples/har-truncated.har: byte "),
        "{err}"
    );
    assert!(err.contains("cut off"), "{err}");
    assert_eq!(out.status.code(), Some(0));
    // decode reads it the same way, and says so too.
    let (v, out) = json(&["decode", &sample("har-truncated.har")]);
    assert_eq!(places(&v).len(), 4);
    assert!(stderr(&out).contains("cut off"), "{}", stderr(&out));
}

#[test]
fn a_broken_entry_is_reported_and_skipped() {
    let (v, out) = json(&["har", &sample("har-broken-entry.har")]);
    assert_eq!(places(&v).len(), 5);
    let broken = v["traces"]
        .as_array()
        .and_then(|t| t.iter().find(|t| t["message"].is_null()))
        .expect("an error trace for the broken entry");
    assert_eq!(broken["origin"]["har_entry"], 2);
    assert_eq!(broken["error"]["stage"], "input");
    assert!(broken["error"]["position"]["offset"].as_u64().is_some());
    let err = stderr(&out);
    assert!(
        err.contains("samples/har-broken-entry.har entry 2: input: broken JSON: byte "),
        "{err}"
    );
    assert_eq!(out.status.code(), Some(0), "the rest was read");
}

#[test]
fn several_files_keep_argument_order_and_global_indexes() {
    let args = [
        "har",
        "-f",
        "ndjson",
        "samples/har-firefox.har",
        "samples/har-chrome.har",
    ];
    let first = run(&args);
    let lines: Vec<Value> = stdout(&first)
        .lines()
        .map(|l| serde_json::from_str(l).expect("one JSON trace per line"))
        .collect();
    assert_eq!(lines.len(), 10);
    assert!(
        lines[..5]
            .iter()
            .all(|t| t["origin"]["input"] == "samples/har-firefox.har")
    );
    assert!(
        lines[5..]
            .iter()
            .all(|t| t["origin"]["input"] == "samples/har-chrome.har")
    );
    assert_eq!(lines[6]["origin"]["duplicate_of"], 5);
    assert_eq!(lines[8]["origin"]["duplicate_of"], 7);
    for _ in 0..3 {
        assert_eq!(stdout(&run(&args)), stdout(&first));
    }
}

#[test]
fn directories_and_stdin() {
    let dir = tempfile::tempdir().unwrap();
    for f in ["har-chrome.har", "saml-tracer.json"] {
        std::fs::copy(sample(f), dir.path().join(f)).unwrap();
    }
    std::fs::write(dir.path().join("notes.txt"), "ignored").unwrap();
    let (v, _) = json(&["har", dir.path().to_str().unwrap()]);
    assert_eq!(places(&v).len(), 7);
    let out = samltrace()
        .args(["har", "-", "-f", "ndjson"])
        .write_stdin(std::fs::read(sample("har-chrome.har")).unwrap())
        .output()
        .unwrap();
    assert_eq!(stdout(&out).lines().count(), 5);
    assert!(stdout(&out).contains("\"input\":\"-\""));
}

#[test]
fn at_fixes_the_evaluation_time() {
    let (v, out) = json(&[
        "har",
        &sample("har-chrome.har"),
        "--at",
        "2027-01-01T00:00:00Z",
    ]);
    let t = &v["traces"][2];
    assert!(
        codes(t).iter().any(|c| c.starts_with("TM")),
        "{:?}",
        codes(t)
    );
    assert_eq!(out.status.code(), Some(1));
}

/// The shared generator's HAR, checked against the list of messages it says it wrote.
#[test]
fn generated_capture_matches_its_expected_list() {
    let Some(corpus) = common::corpus_dir() else {
        eprintln!("../shared is absent: skipping the generated-HAR test");
        return;
    };
    let generator = corpus.join("../bench/gen_har.py");
    let dir = tempfile::tempdir().unwrap();
    let har = dir.path().join("g.har");
    let expected = dir.path().join("g.json");
    let made = std::process::Command::new("python3")
        .arg(&generator)
        .args(["--flows", "12", "--size-mb", "3", "--seed", "5", "-o"])
        .arg(&har)
        .arg("--expected")
        .arg(&expected)
        .status();
    if !made.is_ok_and(|s| s.success()) {
        eprintln!("python3 or the generator is unavailable: skipping");
        return;
    }
    let list: Vec<Value> = serde_json::from_slice(&std::fs::read(&expected).unwrap()).unwrap();
    let (v, out) = json(&["har", har.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let traces = v["traces"].as_array().unwrap();
    assert_eq!(traces.len(), list.len());
    for (t, want) in traces.iter().zip(&list) {
        let o = &t["origin"];
        assert_eq!(o["har_entry"], want["entry_index"]);
        assert_eq!(o["param"], want["param"]);
        let location = want["where"]
            .as_str()
            .unwrap()
            .replace("response.content.text", "response.content");
        assert_eq!(o["location"], location.as_str());
        if let Some(name_id) = want.get("name_id") {
            let got = &t["message"]["assertions"][0]["subject"]["name_id"];
            assert_eq!(&got["value"], name_id);
            assert_eq!(&got["format"], &want["name_id_format"]);
            assert_eq!(t["message"]["in_response_to"], want["in_response_to"]);
        } else {
            assert_eq!(t["message"]["id"], want["id"]);
        }
    }
}

/// (entry, verified) of every signature of every message, as `--idp-cert` leaves them.
fn verified(args: &[&str]) -> Vec<(u64, Value)> {
    let (v, _) = json(args);
    let traces = v["traces"].as_array().expect("traces").iter();
    traces
        .filter(|t| !t["message"].is_null())
        .flat_map(|t| {
            let entry = t["origin"]["har_entry"].as_u64().expect("har_entry");
            let sigs = t["signatures"].as_array().cloned().unwrap_or_default();
            sigs.into_iter()
                .map(move |s| (entry, s["verified"].clone()))
        })
        .collect()
}

#[test]
fn idp_cert_verifies_the_signatures_in_a_capture() {
    let har = sample("har-chrome.har");
    let cert = sample("keys/idp.crt");
    let checked = verified(&["har", &har, "--idp-cert", &cert]);
    assert_eq!(checked, [(3, Value::Bool(true)), (4, Value::Bool(true))]);
    let unchecked = verified(&["har", &har]);
    assert_eq!(unchecked, [(3, Value::Null), (4, Value::Null)]);
    // decode reads the same capture with the same keys.
    let via_decode = verified(&["decode", &har, "--idp-cert", &cert]);
    assert_eq!(via_decode, checked);
}

/// Regression (issue 11): `har-broken-entry.har` exited 0 under `har` and 2 under `decode`. One
/// rule now: a broken entry is reported and skipped, and does not fail the run, in every command.
#[test]
fn the_same_capture_gets_the_same_exit_code_from_every_command() {
    let file = sample("har-broken-entry.har");
    let ids = sample("identities.scim.json");
    let runs = [run(&["har", &file]), run(&["decode", &file]), run(&[&file])];
    let codes: Vec<Option<i32>> = runs.iter().map(|o| o.status.code()).collect();
    assert_eq!(codes, [Some(0); 3], "the rest of the capture was read");
    // compare judges identities too (mismatches here): problems, never "could not run".
    let compared = run(&["compare", "--scim", &ids, &file]);
    assert_eq!(compared.status.code(), Some(1), "{}", stderr(&compared));
    for out in runs.iter().chain([&compared]) {
        assert!(
            stderr(out).contains("entry 2: input: broken JSON"),
            "{}",
            stderr(out)
        );
    }
}

/// Regression (issue 11): `har DIR` turned every other JSON file of the folder (a manifest, an
/// `.expected.json`) into an error trace and exited 2, and skipped subfolders without a word.
#[test]
fn a_directory_skips_other_json_with_a_note_and_recursive_reads_subfolders() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::copy(sample("har-chrome.har"), dir.path().join("a.har")).unwrap();
    std::fs::write(dir.path().join("manifest.json"), r#"{"files": ["a.har"]}"#).unwrap();
    std::fs::write(dir.path().join("a.expected.json"), "[1, 2]").unwrap();
    std::fs::create_dir(dir.path().join("more")).unwrap();
    std::fs::copy(sample("saml-tracer.json"), dir.path().join("more/t.json")).unwrap();
    let path = dir.path().to_str().unwrap();
    let (v, out) = json(&["har", path]);
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(0), "{err}");
    assert_eq!(places(&v).len(), 5, "only the HAR");
    assert!(
        v["traces"]
            .as_array()
            .unwrap()
            .iter()
            .all(|t| !t["message"].is_null())
    );
    assert!(
        err.contains("skipped 2 JSON files that are neither a HAR file nor a SAML-tracer export"),
        "{err}"
    );
    assert_eq!(
        err.matches("more: a subdirectory, skipped").count(),
        1,
        "{err}"
    );
    let (v, out) = json(&["har", "-r", path]);
    assert_eq!(places(&v).len(), 7, "{}", stderr(&out));
    assert!(!stderr(&out).contains("subdirectory"));
}

/// `decode` and `compare` stream a capture through the same pipeline as `har`: the same traces,
/// with `duplicate_of` counted across inputs.
#[test]
fn decode_and_har_give_the_same_traces_for_a_capture() {
    let file = sample("har-firefox.har");
    let (har, _) = json(&["har", &file, &file]);
    let (decode, _) = json(&["decode", &file, &file]);
    assert_eq!(har, decode);
}
