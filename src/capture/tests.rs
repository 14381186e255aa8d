use super::*;
use crate::input::Payload;
use base64::Engine;
use std::io::Write;

const REQUEST: &str = r#"<samlp:AuthnRequest xmlns:samlp="urn:oasis:names:tc:SAML:2.0:protocol" ID="_req1" Version="2.0"/>"#;
const RESPONSE: &str = r#"<samlp:Response xmlns:samlp="urn:oasis:names:tc:SAML:2.0:protocol" ID="_resp1" InResponseTo="_req1"/>"#;

fn b64(bytes: &[u8]) -> String {
    base64::engine::general_purpose::STANDARD.encode(bytes)
}

fn deflated_request() -> String {
    let mut enc = flate2::write::DeflateEncoder::new(Vec::new(), flate2::Compression::best());
    enc.write_all(REQUEST.as_bytes()).unwrap();
    b64(&enc.finish().unwrap())
}

/// `+`, `/` and `=` percent-encoded, as in a URL or form body.
fn pct(s: &str) -> String {
    s.replace('+', "%2B")
        .replace('/', "%2F")
        .replace('=', "%3D")
}

struct Scanned {
    found: Vec<Unwrapped>,
    skipped: Vec<Problem>,
    masked: Vec<Problem>,
    result: Result<Summary, CaptureError>,
}

fn scan_bytes(bytes: &[u8]) -> Scanned {
    let mut found = Vec::new();
    let mut skipped = Vec::new();
    let mut masked = Vec::new();
    let result = scan("t.har", bytes, &mut |e| match e {
        CaptureEvent::Found(f) => found.push(*f),
        CaptureEvent::Skipped(p) => skipped.push(p),
        CaptureEvent::Masked(p) => masked.push(p),
    });
    Scanned {
        found,
        skipped,
        masked,
        result,
    }
}

fn har(entries: &[String]) -> String {
    format!(
        r#"{{"log": {{"version": "1.2", "creator": {{"name": "t"}}, "pages": [], "entries": [{}]}}}}"#,
        entries.join(",")
    )
}

fn entry(request: &str, response: &str) -> String {
    format!(
        r#"{{"startedDateTime": "2026-11-02T09:00:00.000Z", "request": {request}, "response": {response}}}"#
    )
}

fn ok(u: &Unwrapped) -> &Payload {
    u.as_ref()
        .unwrap_or_else(|e| panic!("expected a payload, got {e:?}"))
}

fn where_(u: &Unwrapped) -> (Option<usize>, String, String, String) {
    let o = match u {
        Ok(p) => &p.origin,
        Err(e) => &e.origin,
    };
    (
        o.har_entry,
        o.location.clone().unwrap_or_default(),
        o.param.clone().unwrap_or_default(),
        o.binding.clone().unwrap_or_default(),
    )
}

const EMPTY_RESPONSE: &str = r#"{"status": 200, "headers": [], "content": {"mimeType": "text/html", "text": ""}, "redirectURL": ""}"#;

#[test]
fn finds_every_location_with_its_origin() {
    let req = deflated_request();
    let resp = b64(RESPONSE.as_bytes());
    let redirect = format!(
        "https://idp.example.com/sso?SAMLRequest={}&RelayState=%2Fgroup",
        pct(&req)
    );
    let form = format!(
        r#"<html><body onload=\"document.forms[0].submit()\"><form method=\"post\" action=\"https://gl.example.com/acs\"><input type=\"hidden\" name=\"SAMLResponse\" value=\"{resp}\"/><input name=\"RelayState\" value=\"/group\"></form></body></html>"#
    );
    let entries = [
        entry(
            r#"{"method": "GET", "url": "https://gl.example.com/sso", "headers": [{"name": "Referer", "value": "https://x/?SAMLRequest=bogus"}]}"#,
            &format!(
                r#"{{"status": 302, "headers": [{{"name": "Location", "value": "{redirect}"}}], "redirectURL": "{redirect}", "content": {{}}}}"#
            ),
        ),
        entry(
            &format!(
                r#"{{"method": "GET", "url": "{redirect}", "queryString": [{{"name": "SAMLRequest", "value": "{req}"}}]}}"#
            ),
            &format!(
                r#"{{"status": 200, "content": {{"mimeType": "text/html", "text": "{form}"}}}}"#
            ),
        ),
        entry(
            &format!(
                r#"{{"method": "POST", "url": "https://gl.example.com/acs", "postData": {{"mimeType": "application/x-www-form-urlencoded", "text": "SAMLResponse={}&RelayState=%2Fgroup", "params": [{{"name": "SAMLResponse", "value": "{}"}}]}}}}"#,
                pct(&resp),
                pct(&resp)
            ),
            EMPTY_RESPONSE,
        ),
    ];
    let s = scan_bytes(har(&entries).as_bytes());
    let summary = s.result.unwrap();
    assert_eq!(summary.entries, 3);
    assert_eq!(summary.end, End::Complete);
    assert!(s.skipped.is_empty(), "{:?}", s.skipped);
    let places: Vec<_> = s.found.iter().map(where_).collect();
    let at = |e, l: &str, p: &str, b: &str| (Some(e), l.into(), p.into(), b.into());
    assert_eq!(
        places,
        [
            at(0, "response.redirectURL", "SAMLRequest", "redirect"),
            at(1, "request.url", "SAMLRequest", "redirect"),
            at(1, "response.content", "SAMLResponse", "post"),
            at(2, "request.postData", "SAMLResponse", "post"),
        ]
    );
    for f in &s.found {
        let p = ok(f);
        assert!(p.xml.starts_with(b"<samlp:"), "{:?}", p.origin);
        assert_eq!(p.origin.relay_state.as_deref(), Some("/group"));
        assert_eq!(p.origin.time.as_deref(), Some("2026-11-02T09:00:00.000Z"));
        assert_eq!(p.origin.input, "t.har");
    }
    assert_eq!(
        ok(&s.found[2]).origin.url.as_deref(),
        Some("https://gl.example.com/acs")
    );
    assert_eq!(
        ok(&s.found[0]).origin.url.as_deref(),
        Some("https://idp.example.com/sso")
    );
}

#[test]
fn relative_location_headers_and_query_string_only() {
    let req = deflated_request();
    let entries = [
        entry(
            r#"{"url": "https://sp.example.com/login"}"#,
            &format!(
                r#"{{"headers": [{{"name": "location", "value": "/sso?SAMLRequest={}"}}], "redirectURL": ""}}"#,
                pct(&req)
            ),
        ),
        entry(
            &format!(
                r#"{{"url": "https://idp.example.com/sso", "queryString": [{{"name": "SAMLRequest", "value": "{req}"}}, {{"name": "RelayState", "value": "/a%20b"}}]}}"#
            ),
            EMPTY_RESPONSE,
        ),
    ];
    let s = scan_bytes(har(&entries).as_bytes());
    assert_eq!(s.found.len(), 2);
    let p = ok(&s.found[0]);
    assert_eq!(
        p.origin.location.as_deref(),
        Some("response.headers.location")
    );
    assert_eq!(p.origin.url.as_deref(), Some("https://sp.example.com/sso"));
    let q = ok(&s.found[1]);
    assert_eq!(q.origin.location.as_deref(), Some("request.url"));
    assert_eq!(q.origin.relay_state.as_deref(), Some("/a b"));
}

#[test]
fn params_encoded_or_decoded_and_multipart_bodies() {
    let resp = b64(RESPONSE.as_bytes());
    let multipart = format!(
        "------B\\r\\nContent-Disposition: form-data; name=\\\"SAMLResponse\\\"\\r\\n\\r\\n{resp}\\r\\n------B--\\r\\n"
    );
    let entries = [
        entry(
            &format!(
                r#"{{"method": "POST", "url": "https://a/acs", "postData": {{"mimeType": "application/x-www-form-urlencoded", "params": [{{"name": "SAMLResponse", "value": "{}"}}]}}}}"#,
                pct(&resp)
            ),
            EMPTY_RESPONSE,
        ),
        entry(
            &format!(
                r#"{{"method": "POST", "url": "https://a/acs", "postData": {{"mimeType": "application/x-www-form-urlencoded", "params": [{{"name": "SAMLResponse", "value": "{}"}}]}}}}"#,
                resp.replace('+', " ")
            ),
            EMPTY_RESPONSE,
        ),
        entry(
            &format!(
                r#"{{"method": "POST", "url": "https://a/acs", "postData": {{"mimeType": "multipart/form-data; boundary=----B", "text": "{multipart}"}}}}"#
            ),
            EMPTY_RESPONSE,
        ),
    ];
    let s = scan_bytes(har(&entries).as_bytes());
    assert_eq!(s.found.len(), 3, "{:?}", s.found);
    for f in &s.found {
        assert_eq!(ok(f).xml, RESPONSE.as_bytes());
        assert_eq!(ok(f).origin.location.as_deref(), Some("request.postData"));
    }
}

#[test]
fn base64_bodies_are_decoded_and_binary_bodies_ignored() {
    let resp = b64(RESPONSE.as_bytes());
    let page = format!(
        r#"<form action="https://a/acs"><input name="SAMLResponse" value="{resp}"></form>"#
    );
    let body = b64(page.as_bytes());
    let entries = [
        entry(
            r#"{"url": "https://idp/login"}"#,
            &format!(
                r#"{{"content": {{"mimeType": "text/html", "text": "{body}", "encoding": "base64"}}}}"#
            ),
        ),
        entry(
            r#"{"url": "https://idp/app.js"}"#,
            &format!(
                r#"{{"content": {{"mimeType": "application/javascript", "text": "{}"}}}}"#,
                page.replace('"', "\\\"")
            ),
        ),
    ];
    let s = scan_bytes(har(&entries).as_bytes());
    assert_eq!(s.found.len(), 1);
    assert_eq!(ok(&s.found[0]).origin.har_entry, Some(0));
    assert_eq!(ok(&s.found[0]).origin.url.as_deref(), Some("https://a/acs"));
}

#[test]
fn artifacts_are_recorded_not_decoded() {
    let entries = [entry(
        r#"{"url": "https://sp/acs?SAMLart=AAQAAMFbLinlXaCM%2BFIxiDwGOLAy2T71gbpO7ZhNzAgEANlB&RelayState=x"}"#,
        EMPTY_RESPONSE,
    )];
    let s = scan_bytes(har(&entries).as_bytes());
    assert_eq!(s.found.len(), 1);
    let e = s.found[0].as_ref().unwrap_err();
    assert_eq!(e.origin.param.as_deref(), Some("SAMLart"));
    assert_eq!(e.origin.har_entry, Some(0));
    assert!(e.message.contains("artifact"));
}

#[test]
fn broken_and_odd_entries_are_reported_and_skipped() {
    let req = deflated_request();
    let good = entry(
        &format!(r#"{{"url": "https://idp/sso?SAMLRequest={}"}}"#, pct(&req)),
        EMPTY_RESPONSE,
    );
    let entries = [
        "42".to_owned(),
        r#"{"request": {"url": 7}, "response": null}"#.to_owned(),
        r#"{"startedDateTime": "x", "request": {"url": "a" "b"}}"#.to_owned(),
        r#"{"pageref": "p"}"#.to_owned(),
        good,
    ];
    let s = scan_bytes(har(&entries).as_bytes());
    assert_eq!(s.result.unwrap().entries, 5);
    let problems: Vec<_> = s
        .skipped
        .iter()
        .map(|p| (p.entry, p.message.clone()))
        .collect();
    assert_eq!(problems.len(), 4, "{problems:?}");
    assert_eq!(problems[0].0, Some(0));
    assert!(problems[0].1.contains("expected an object"));
    assert!(problems[1].1.contains("request.url is a number"));
    assert_eq!(problems[2].0, Some(2));
    assert!(problems[2].1.contains("broken JSON"), "{}", problems[2].1);
    assert!(problems[3].1.contains("neither request nor response"));
    assert_eq!(s.found.len(), 1);
    assert_eq!(ok(&s.found[0]).origin.har_entry, Some(4));
}

#[test]
fn a_truncated_file_yields_what_it_held() {
    let req = deflated_request();
    let first = entry(
        &format!(r#"{{"url": "https://idp/sso?SAMLRequest={}"}}"#, pct(&req)),
        EMPTY_RESPONSE,
    );
    let whole = har(&[first.clone(), first]);
    let cut = &whole[..whole.len() - 60];
    let s = scan_bytes(cut.as_bytes());
    let summary = s.result.unwrap();
    assert_eq!(summary.entries, 2);
    let End::Truncated(p) = summary.end else {
        panic!("expected a truncation, got {:?}", summary.end)
    };
    assert_eq!(p.entry, Some(1));
    assert!(p.message.contains("cut off"), "{}", p.message);
    // The second entry's URL was read before the cut.
    assert_eq!(s.found.len(), 2);
}

#[test]
fn what_is_not_a_capture_is_refused_clearly() {
    let e = |text: &str| scan_bytes(text.as_bytes()).result.unwrap_err().to_string();
    assert!(e("").contains("empty"));
    assert!(e("   \n").contains("empty"));
    assert!(e("PHNhbWxw").contains("not JSON"));
    // Regression: a JSON array was called "not JSON".
    assert_eq!(
        e("[1, 2]"),
        "JSON, but not a HAR file: it is an array: expected an object with \"log\" (HAR) or \"requests\" (SAML-tracer export)"
    );
    assert!(e(r#"{"foo": 1}"#).contains("\"foo\""));
    assert!(e(r#"{"log": 3}"#).contains("\"log\" is a number"));
    assert!(e(r#"{"lo"#).contains("cut off"));
    let cut = scan_bytes(br#"{"log": {"entries": [1"#).result.unwrap();
    assert!(matches!(cut.end, End::Truncated(_)), "{cut:?}");
    let s = scan_bytes(br#"{"log": {"entries": []}}"#);
    assert_eq!(s.result.unwrap().entries, 0);
    let s = scan_bytes(b"\xef\xbb\xbf{\"log\": {\"entries\": []}}");
    assert_eq!(s.result.unwrap().format, CaptureFormat::Har);
}

#[test]
fn sniffing_recognises_captures_only() {
    assert!(sniff(br#"  {"log": {"#));
    assert!(sniff(br#"{"requests": ["#));
    assert!(!sniff(b"PHNhbWxw"));
    assert!(!sniff(br#"{"other": 1}"#));
}

#[test]
fn saml_tracer_exports_current_and_legacy() {
    let resp = b64(RESPONSE.as_bytes());
    let current = format!(
        r#"{{"requests": [
          {{"method": "GET", "url": "https://idp/sso?SAMLRequest=x", "requestId": "r1",
            "get": [["SAMLRequest", "x"], ["RelayState", "/g"]], "saml": "{}",
            "responseHeaders": [{{"name": "Date", "value": "Mon, 02 Nov 2026 09:00:05 GMT"}}]}},
          {{"method": "POST", "url": "https://gl/acs", "requestId": "r2",
            "post": [["SAMLResponse", "{{hash:ab12}}"]], "saml": "{}"}},
          {{"method": "POST", "url": "https://gl/acs", "requestId": "r3",
            "post": [["SAMLResponse", "{{obf:alternative_0}}"]]}},
          {{"method": "POST", "url": "https://gl/acs", "requestId": "r4",
            "post": [["SAMLResponse", "{resp}"]]}}
        ], "timestamp": "2026-11-02T09:10:00.000Z"}}"#,
        REQUEST.replace('"', "\\\""),
        RESPONSE.replace('"', "\\\"")
    );
    let s = scan_bytes(current.as_bytes());
    assert_eq!(s.result.as_ref().unwrap().format, CaptureFormat::Tracer);
    assert_eq!(s.found.len(), 3);
    assert_eq!(s.masked.len(), 1);
    assert_eq!(s.masked[0].entry, Some(2));
    let first = ok(&s.found[0]);
    assert_eq!(first.xml, REQUEST.as_bytes());
    assert_eq!(first.origin.param.as_deref(), Some("SAMLRequest"));
    assert_eq!(first.origin.location.as_deref(), Some("request.url"));
    assert_eq!(first.origin.relay_state.as_deref(), Some("/g"));
    assert_eq!(first.origin.time.as_deref(), Some("2026-11-02T09:00:05Z"));
    assert_eq!(ok(&s.found[1]).xml, RESPONSE.as_bytes());
    assert_eq!(ok(&s.found[2]).xml, RESPONSE.as_bytes());
    assert_eq!(
        ok(&s.found[2]).origin.location.as_deref(),
        Some("request.postData")
    );

    let legacy = format!(
        r#"{{"requests": [{{"method": "POST", "url": "https://gl/acs", "id": 7,
            "requestHeaders": [["Host", "gl"]], "responseHeaders": [["Date", "Mon, 02 Nov 2026 09:00:05 GMT"]],
            "post": [["SAMLResponse", "{}"]]}}], "timestamp": 1793610000000}}"#,
        resp.replacen('+', " ", 1)
    );
    let s = scan_bytes(legacy.as_bytes());
    assert_eq!(s.found.len(), 1);
    assert_eq!(ok(&s.found[0]).xml, RESPONSE.as_bytes());
    assert_eq!(
        ok(&s.found[0]).origin.time.as_deref(),
        Some("2026-11-02T09:00:05Z")
    );
}

#[test]
fn one_byte_reads_find_the_same() {
    let req = deflated_request();
    let entries = [entry(
        &format!(r#"{{"url": "https://idp/sso?SAMLRequest={}"}}"#, pct(&req)),
        EMPTY_RESPONSE,
    )];
    let json = har(&entries);
    struct OneByte<'a>(&'a [u8]);
    impl Read for OneByte<'_> {
        fn read(&mut self, out: &mut [u8]) -> std::io::Result<usize> {
            let Some((&b, rest)) = self.0.split_first() else {
                return Ok(0);
            };
            if out.is_empty() {
                return Ok(0);
            }
            out[0] = b;
            self.0 = rest;
            Ok(1)
        }
    }
    let mut found = Vec::new();
    let r = scan("t", OneByte(json.as_bytes()), &mut |e| {
        if let CaptureEvent::Found(f) = e {
            found.push(*f);
        }
    });
    assert_eq!(r.unwrap().entries, 1);
    assert_eq!(found.len(), 1);
    assert_eq!(ok(&found[0]).xml, REQUEST.as_bytes());
}

#[test]
fn lenient_json_and_trailing_content_are_read_and_noted() {
    let req = deflated_request();
    let good = entry(
        &format!(r#"{{"url": "https://idp/sso?SAMLRequest={}"}}"#, pct(&req)),
        EMPTY_RESPONSE,
    );
    // A raw ESC and an unknown escape in a kept string, and bytes after the closing brace.
    let odd = entry(
        r#"{"url": "https://idp/a\qb?x=\u00e9"}"#,
        "{\"status\": 200, \"redirectURL\": \"https://sp/O\u{1b}K\"}",
    );
    let text = format!("{}\n garbage", har(&[good.clone(), odd]));
    let s = scan_bytes(text.as_bytes());
    let summary = s.result.unwrap();
    assert_eq!(s.found.len(), 1, "the message is still read");
    let notes: Vec<&str> = summary.notes.iter().map(|p| p.message.as_str()).collect();
    assert_eq!(notes.len(), 2, "{notes:?}");
    assert!(
        notes[0].contains("an invalid escape") && notes[0].contains("read as it stands"),
        "{notes:?}"
    );
    let at = text.find(r"\q").unwrap() as u64;
    assert_eq!(summary.notes[0].offset, at);
    let garbage = text.find("garbage").unwrap() as u64;
    assert_eq!(
        notes[1],
        format!("byte {garbage}: 'g' after the end of the capture: ignored")
    );
    // The first place is the one named: a raw control character before any bad escape.
    let odd = entry(
        "{\"url\": \"https://idp/\u{7}x\"}",
        r#"{"status": 200, "redirectURL": "https://sp/\x"}"#,
    );
    let s = scan_bytes(har(&[odd]).as_bytes());
    let notes = s.result.unwrap().notes;
    assert_eq!(notes.len(), 1);
    assert!(
        notes[0]
            .message
            .contains("a raw control character (byte 0x07)"),
        "{notes:?}"
    );
    // A clean file has no notes.
    let s = scan_bytes(har(&[good]).as_bytes());
    assert!(s.result.unwrap().notes.is_empty());
}
