//! `samltrace har sanitize` against secrets planted where the first sanitiser did not look: the
//! rest of the IdP page it keeps for its SAML form (other form fields, inline scripts, meta
//! tags), passwords in URLs' userinfo, Chrome's WebSocket frames; and `-o DIR`, which must write
//! into the directory and never leave a partial file behind.

mod common;

use std::path::Path;

use base64::Engine;
use common::{json, run, sample, stderr};
use serde_json::{Value, json};

const CSRF: &str = "CSRF-ADV-1";
const API_KEY: &str = "APIKEY-ADV-2";
const URL_PASSWORD: &str = "URLPW-ADV-3";
const FRAME: &str = "FRAME-ADV-4";
const META: &str = "META-ADV-5";
const NONCE: &str = "NONCE-ADV-6";
/// A JWT (HS256, `{"sub":"alice"}`); its header is what every JWT starts with.
const JWT: &str = "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiJhbGljZSJ9.SflKxwRJSMeKKF2QT4fwpMeJf36POk6yJV_adQssw5c";

const ALL: &[&str] = &[CSRF, API_KEY, URL_PASSWORD, FRAME, META, NONCE, JWT];

/// The bundled IdP auto-submit page with secrets planted around its SAML form.
fn planted_page() -> String {
    let page = std::fs::read_to_string(sample("idp-post-form.html")).expect("the sample page");
    let page = page.replacen(
        "<head>",
        &format!(r#"<head><meta name="csrf-token" content="{META}">"#),
        1,
    );
    let page = page.replacen(
        "<input type=\"hidden\" name=\"SAMLResponse\"",
        &format!(
            r#"<input type="hidden" name="authenticity_token" value="{CSRF}"><input type=hidden name=nonce value={NONCE}><input type="hidden" name="SAMLResponse""#
        ),
        1,
    );
    page.replacen(
        "</body>",
        &format!(
            r#"<script>window.gon = {{"apiKey": "{API_KEY}", idToken: null}}; var session = "{JWT}"; var t = '{JWT}';</script><a href="https://alice:{URL_PASSWORD}@idp.example.com/help">help</a></body>"#
        ),
        1,
    )
}

/// The SAMLResponse value the page's form posts.
fn saml_response(page: &str) -> &str {
    let at = page
        .find("name=\"SAMLResponse\" value=\"")
        .expect("a SAMLResponse field")
        + 27;
    let len = page[at..].find('"').expect("a closed value");
    &page[at..at + len]
}

fn entry(request: Value, response: Value) -> Value {
    json!({
        "startedDateTime": "2026-11-02T09:00:00Z", "time": 1,
        "request": request, "response": response,
        "cache": {}, "timings": {"send": 0, "wait": 1, "receive": 0}
    })
}

fn har(entries: Vec<Value>) -> String {
    let log = json!({"log": {"version": "1.2", "creator": {"name": "t", "version": "1"}, "entries": entries}});
    serde_json::to_string_pretty(&log).expect("a HAR")
}

/// A HAR with every planted secret: the page (plain and base64), URLs with userinfo in the
/// request URL, Referer, Location and redirectURL, and a WebSocket with frames.
fn planted_har() -> String {
    let page = planted_page();
    let b64 = base64::engine::general_purpose::STANDARD.encode(&page);
    let userinfo_url = format!("https://bob:{URL_PASSWORD}@idp.example.com/sso");
    let page_entry = |text: &str, encoding: Option<&str>| {
        let mut content = json!({"size": page.len(), "mimeType": "text/html", "text": text});
        if let Some(e) = encoding {
            content["encoding"] = json!(e);
        }
        entry(
            json!({"method": "GET", "url": userinfo_url, "httpVersion": "h2",
                "headers": [{"name": "Referer", "value": userinfo_url}], "queryString": [], "cookies": []}),
            json!({"status": 200, "statusText": "OK", "httpVersion": "h2", "headers": [], "cookies": [],
                "content": content, "redirectURL": ""}),
        )
    };
    let redirect = entry(
        json!({"method": "GET", "url": "https://gitlab.example.com/users/auth", "headers": [
            {"name": "Link", "value": format!("<{userinfo_url}>; rel=preload")}], "queryString": [], "cookies": []}),
        json!({"status": 302, "headers": [{"name": "Location", "value": userinfo_url}], "cookies": [],
            "content": {"size": 0, "mimeType": "text/html", "text": ""}, "redirectURL": userinfo_url}),
    );
    let mut socket = entry(
        json!({"method": "GET", "url": "wss://gitlab.example.com/-/cable", "headers": [], "queryString": [], "cookies": []}),
        json!({"status": 101, "headers": [], "cookies": [], "content": {"size": 0, "mimeType": "x-unknown"}, "redirectURL": ""}),
    );
    socket["_resourceType"] = json!("websocket");
    socket["_webSocketMessages"] = json!([
        {"type": "send", "time": 1.5, "opcode": 1, "data": format!(r#"{{"command":"subscribe","token":"{FRAME}"}}"#)},
        {"type": "receive", "time": 1.6, "opcode": 2, "data": base64::engine::general_purpose::STANDARD.encode(FRAME)},
        {"type": "receive", "time": 1.7, "opcode": 1, "data": ""}
    ]);
    har(vec![
        page_entry(&page, None),
        page_entry(&b64, Some("base64")),
        redirect,
        socket,
        posted_form(&page),
    ])
}

/// The POST the browser makes from the page's form: the same fields, in the body and its params.
fn posted_form(page: &str) -> Value {
    let response = saml_response(page);
    let pct = response
        .replace('+', "%2B")
        .replace('/', "%2F")
        .replace('=', "%3D");
    let text = format!(
        "authenticity_token={CSRF}&nonce={NONCE}&SAMLResponse={pct}&RelayState=%2Fgroups%2Facme"
    );
    entry(
        json!({"method": "POST", "url": "https://gitlab.com/groups/acme/-/saml/callback", "headers": [],
            "queryString": [], "cookies": [],
            "postData": {"mimeType": "application/x-www-form-urlencoded", "text": text, "params": [
                {"name": "authenticity_token", "value": CSRF}, {"name": "nonce", "value": NONCE},
                {"name": "SAMLResponse", "value": pct}, {"name": "RelayState", "value": "%2Fgroups%2Facme"}]}}),
        json!({"status": 302, "headers": [], "cookies": [], "content": {"size": 0, "mimeType": "text/html", "text": ""},
            "redirectURL": ""}),
    )
}

/// Sanitises `har` (written to a temporary file) into another; (input path, output text,
/// receipt on stderr).
fn sanitize(dir: &Path, har: &str, extra: &[&str]) -> (String, String, String) {
    let input = dir.join("planted.har");
    std::fs::write(&input, har).expect("the HAR is written");
    let output = dir.join("clean.har");
    let (i, o) = (input.to_str().unwrap(), output.to_str().unwrap());
    let mut args = vec!["har", "sanitize", i, "-o", o];
    args.extend(extra);
    let out = run(&args);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let clean = std::fs::read_to_string(&output).expect("the output is written");
    (i.to_owned(), clean, stderr(&out))
}

/// (entry, param, message id, xml) of every message `har` finds in a file.
fn messages(path: &str) -> Vec<(Value, Value, Value, Value)> {
    let (v, out) = json(&["har", path]);
    assert_ne!(out.status.code(), Some(2), "{}", stderr(&out));
    v["traces"]
        .as_array()
        .expect("traces")
        .iter()
        .map(|t| {
            let o = &t["origin"];
            let key = (o["har_entry"].clone(), o["param"].clone());
            (key.0, key.1, t["message"]["id"].clone(), t["xml"].clone())
        })
        .collect()
}

/// The page text of entry `i` of a sanitised HAR, decoded when it is base64.
fn page_of(clean: &str, i: usize) -> String {
    let v: Value = serde_json::from_str(clean).expect("the output is JSON");
    let content = &v["log"]["entries"][i]["response"]["content"];
    let text = content["text"].as_str().expect("the page is kept");
    if content["encoding"] == "base64" {
        let bytes = base64::engine::general_purpose::STANDARD
            .decode(text)
            .expect("base64");
        String::from_utf8(bytes).expect("UTF-8")
    } else {
        text.to_owned()
    }
}

/// Threat: a ticket attachment leaks a CSRF token, an API key, a JWT, a URL password or a
/// WebSocket frame that the sanitiser kept because the page or entry also carried SAML.
#[test]
fn no_planted_secret_survives_and_the_saml_message_still_decodes() {
    let dir = tempfile::tempdir().unwrap();
    let har = planted_har();
    let (input, clean, receipt) = sanitize(dir.path(), &har, &[]);
    for secret in ALL {
        assert!(har.contains(secret), "the HAR lacks {secret}");
        assert!(!clean.contains(secret), "{secret} survived:\n{clean}");
    }
    for (i, page) in [(0, page_of(&clean, 0)), (1, page_of(&clean, 1))] {
        assert!(!ALL.iter().any(|s| page.contains(s)), "entry {i}: {page}");
        assert_eq!(
            saml_response(&page),
            saml_response(&planted_page()),
            "entry {i}: the SAML form posts the same message"
        );
        assert!(
            page.contains("document.forms[0].submit()"),
            "the page still posts"
        );
    }
    let out = dir.path().join("clean.har");
    let before = messages(&input);
    assert_eq!(before.len(), 3, "both pages and the POST carry the message");
    assert_eq!(messages(out.to_str().unwrap()), before);
    for line in [
        "tokens and passwords in form fields",
        "tokens and keys in the scripts and meta tags of kept pages",
        "tokens and passwords in URLs",
        "2  WebSocket message data",
    ] {
        assert!(receipt.contains(line), "missing {line:?} in:\n{receipt}");
    }
}

/// Threat: `https://user:password@host` in a request URL, Referer, Location, redirectURL, a
/// Link header or a page's link hands the password to whoever reads the ticket.
#[test]
fn url_passwords_are_removed_wherever_a_url_appears() {
    let dir = tempfile::tempdir().unwrap();
    let (_, clean, _) = sanitize(dir.path(), &planted_har(), &[]);
    let v: Value = serde_json::from_str(&clean).expect("the output is JSON");
    let entries = &v["log"]["entries"];
    let expected = "https://REDACTED@idp.example.com/sso";
    assert_eq!(entries[0]["request"]["url"], expected);
    assert_eq!(entries[0]["request"]["headers"][0]["value"], expected);
    assert_eq!(entries[2]["response"]["headers"][0]["value"], expected);
    assert_eq!(entries[2]["response"]["redirectURL"], expected);
    assert_eq!(
        entries[2]["request"]["headers"][0]["value"],
        format!("<{expected}>; rel=preload")
    );
    assert!(page_of(&clean, 0).contains("https://REDACTED@idp.example.com/help"));
}

/// Threat: Chrome records every WebSocket frame of the session (ActionCable tokens, chat,
/// pushed data) in `_webSocketMessages`, outside the request and response the rules read.
#[test]
fn websocket_frames_keep_their_timing_and_lose_their_data() {
    let dir = tempfile::tempdir().unwrap();
    let (_, clean, _) = sanitize(dir.path(), &planted_har(), &[]);
    let v: Value = serde_json::from_str(&clean).expect("the output is JSON");
    let frames = v["log"]["entries"][3]["_webSocketMessages"]
        .as_array()
        .expect("the frames are kept");
    assert_eq!(frames.len(), 3);
    assert_eq!(frames[0]["type"], "send");
    assert_eq!(frames[1]["time"], 1.6);
    assert_eq!(frames[0]["data"], "REDACTED");
    assert_eq!(frames[1]["data"], "REDACTED");
    assert_eq!(frames[2]["data"], "", "an empty frame stays empty");
}

/// Threat: the POST made from the kept page carries the page's other fields (a nonce, a CSRF
/// token) in its body, where only secret-looking names were redacted.
#[test]
fn the_post_of_a_saml_form_keeps_only_the_bindings_fields() {
    let dir = tempfile::tempdir().unwrap();
    let (_, clean, _) = sanitize(dir.path(), &planted_har(), &[]);
    let v: Value = serde_json::from_str(&clean).expect("the output is JSON");
    let post = &v["log"]["entries"][4]["request"]["postData"];
    let text = post["text"].as_str().expect("the SAML body is kept");
    assert!(
        text.starts_with("authenticity_token=REDACTED&nonce=REDACTED&SAMLResponse=PHNhbWwy"),
        "{}…",
        &text[..text.len().min(120)]
    );
    assert!(text.ends_with("&RelayState=%2Fgroups%2Facme"));
    let values: Vec<&str> = post["params"]
        .as_array()
        .expect("params")
        .iter()
        .filter_map(|p| p["value"].as_str())
        .collect();
    assert_eq!(values[..2], ["REDACTED", "REDACTED"]);
    assert_eq!(values[3], "%2Fgroups%2Facme");
}

/// Threat: masking identities with a key must not bring back the page's other secrets, and
/// the masked message must still decode from the scrubbed page.
#[test]
fn a_mask_key_and_the_page_rules_work_together() {
    let dir = tempfile::tempdir().unwrap();
    let (_, clean, _) = sanitize(dir.path(), &planted_har(), &["--mask-key", "k-4711"]);
    for secret in ALL {
        assert!(!clean.contains(secret), "{secret} survived");
    }
    let out = dir.path().join("clean.har");
    let found = messages(out.to_str().unwrap());
    assert_eq!(found.len(), 3);
    let masked = samltrace::redact::mask::mask_value("k-4711", "carol@example.com");
    for (_, _, _, xml) in &found {
        let xml = xml.as_str().expect("decoded XML");
        assert!(xml.contains(&masked) && !xml.contains("carol@example.com"));
    }
}

/// Threat (robustness): `-o DIR/` failed with "Not a directory" and left `DIR.partial`, a
/// half-written copy of the capture, beside the directory.
#[test]
fn output_into_a_directory_writes_the_input_file_name() {
    let dir = tempfile::tempdir().unwrap();
    let into = dir.path().join("out");
    std::fs::create_dir(&into).unwrap();
    for target in [
        into.to_str().unwrap().to_owned(),
        format!("{}/", into.display()),
    ] {
        let out = run(&["har", "sanitize", &sample("har-chrome.har"), "-o", &target]);
        assert_eq!(out.status.code(), Some(0), "{target}: {}", stderr(&out));
        let written = into.join("har-chrome.har");
        let clean = std::fs::read_to_string(&written).expect("DIR/<input name>");
        assert!(!clean.contains("SECRET-"));
        assert!(stderr(&out).contains("har-chrome.har"), "{}", stderr(&out));
        std::fs::remove_file(written).unwrap();
    }
    assert_eq!(std::fs::read_dir(&into).unwrap().count(), 0);
    assert_eq!(
        std::fs::read_dir(dir.path()).unwrap().count(),
        1,
        "nothing beside the directory"
    );
}

/// Threat (robustness): an output directory that does not exist, or a capture that fails
/// half-way into a directory, must leave no `.partial` file and say what went wrong once.
#[test]
fn a_missing_directory_or_a_failed_read_leaves_nothing_behind() {
    let dir = tempfile::tempdir().unwrap();
    let missing = format!("{}/nope/", dir.path().display());
    for target in [missing.clone(), format!("{missing}x.har")] {
        let out = run(&["har", "sanitize", &sample("har-chrome.har"), "-o", &target]);
        assert_eq!(out.status.code(), Some(2), "{target}");
        let err = stderr(&out);
        assert_eq!(err.trim().lines().count(), 1, "{err}");
        assert!(
            err.contains("nope") && err.contains("does not exist")
                || err.contains("no such directory"),
            "{err}"
        );
    }
    let out = run(&[
        "har",
        "sanitize",
        &sample("har-truncated.har"),
        "-o",
        &format!("{}/", dir.path().display()),
    ]);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("cut off"), "{}", stderr(&out));
    assert_eq!(
        std::fs::read_dir(dir.path()).unwrap().count(),
        0,
        "no file left"
    );
}

/// Threat (robustness): `-o` naming the directory the input is in would overwrite the input.
#[test]
fn a_directory_holding_the_input_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let copy = dir.path().join("c.har");
    std::fs::copy(sample("har-chrome.har"), &copy).unwrap();
    let out = run(&[
        "har",
        "sanitize",
        copy.to_str().unwrap(),
        "-o",
        dir.path().to_str().unwrap(),
    ]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("OUT is the input itself"),
        "{}",
        stderr(&out)
    );
    assert_eq!(
        std::fs::read(&copy).unwrap(),
        std::fs::read(sample("har-chrome.har")).unwrap()
    );
    assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 1);
}
