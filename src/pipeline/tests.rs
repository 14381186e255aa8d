use super::*;
use crate::input::Stage;

fn at() -> jiff::Timestamp {
    "2026-11-02T09:00:00Z".parse().unwrap()
}

fn decode(name: &str, bytes: &[u8]) -> Vec<Trace> {
    Pipeline::new(Config::new(Context::new(at()))).decode(name, bytes)
}

#[test]
fn bare_base64_response_gets_param_and_binding() {
    use base64::Engine;
    let xml = r#"<samlp:Response xmlns:samlp="urn:oasis:names:tc:SAML:2.0:protocol" ID="_1"/>"#;
    let b64 = base64::engine::general_purpose::STANDARD.encode(xml);
    let traces = decode("x.b64", b64.as_bytes());
    assert_eq!(traces.len(), 1);
    let t = &traces[0];
    assert_eq!(t.origin.param.as_deref(), Some("SAMLResponse"));
    assert_eq!(t.origin.binding.as_deref(), Some("post"));
    assert_eq!(t.xml.as_deref(), Some(xml));
    assert_eq!(
        t.message.as_ref().map(|m| m.kind),
        Some(crate::saml::MessageKind::Response)
    );
}

#[test]
fn xml_errors_carry_line_and_column() {
    let traces = decode(
        "d.xml",
        b"<?xml version='1.0'?>\n<!DOCTYPE x [<!ENTITY a 'b'>]>\n<x/>",
    );
    let e = traces[0].error.as_ref().unwrap();
    assert_eq!(e.stage, Stage::Xml);
    assert_eq!(e.position.and_then(|p| p.line), Some(2));
    let line = traces[0].error_line().unwrap();
    assert!(line.starts_with("d.xml: XML: DOCTYPE is refused"), "{line}");
    assert!(line.ends_with("at line 2, column 1"), "{line}");
}

#[test]
fn error_line_names_the_steps_that_worked() {
    use base64::Engine;
    let b64 = base64::engine::general_purpose::STANDARD.encode("<a><b></a>");
    let traces = decode("arg:1", b64.as_bytes());
    let line = traces[0].error_line().unwrap();
    assert!(line.starts_with("arg:1: XML (after base64 ok): "), "{line}");
}

#[test]
fn every_message_is_judged_at_the_configured_time() {
    let xml = br#"<samlp:Response xmlns:samlp="urn:oasis:names:tc:SAML:2.0:protocol" ID="_1" Version="2.0" IssueInstant="2026-11-02T09:00:00Z"><samlp:Status><samlp:StatusCode Value="urn:oasis:names:tc:SAML:2.0:status:Requester"/></samlp:Status></samlp:Response>"#;
    let traces = decode("x.xml", xml);
    assert_eq!(traces[0].findings.len(), 1, "{:#?}", traces[0].findings);
    assert_eq!(traces[0].findings[0].code, "ST001");
    assert!(traces[0].has_error_findings());
    let verdict = traces[0].gitlab_verdict.as_ref().map(|v| v.check);
    assert_eq!(verdict, Some(Some("validate_success_status")));
    assert_eq!(traces[0].judged_at, Some(at()));
}

const HAR_HEAD: &str = r#"{"log": {"version": "1.2", "entries": ["#;

/// A HAR whose entries post `response` (base64) at `time`, one entry each.
fn har(posts: &[(&str, &str)]) -> String {
    use base64::Engine;
    let entries: Vec<String> = posts
        .iter()
        .map(|(time, xml)| {
            let b64 = base64::engine::general_purpose::STANDARD.encode(xml);
            format!(
                r#"{{"startedDateTime": "{time}", "request": {{"method": "POST", "url": "https://gitlab.com/groups/acme/-/saml/callback", "postData": {{"mimeType": "application/x-www-form-urlencoded", "params": [{{"name": "SAMLResponse", "value": "{b64}"}}]}}}}, "response": {{"status": 302}}}}"#
            )
        })
        .collect();
    format!("{HAR_HEAD}{}]}}}}", entries.join(","))
}

const SUCCESS: &str = r#"<samlp:Response xmlns:samlp="urn:oasis:names:tc:SAML:2.0:protocol" ID="_ok" IssueInstant="2026-11-02T09:00:00Z"><samlp:Status><samlp:StatusCode Value="urn:oasis:names:tc:SAML:2.0:status:Success"/></samlp:Status></samlp:Response>"#;

fn run_all(
    pipeline: &Pipeline<'_>,
    source: Source<'_>,
) -> (Vec<Event>, Result<Summary, SourceError>) {
    let mut events = Vec::new();
    let summary = pipeline.run(source, &mut |e| {
        events.push(e);
        Flow::Continue
    });
    (events, summary)
}

fn traces_of(events: &[Event]) -> Vec<&Trace> {
    events
        .iter()
        .filter_map(|e| match e {
            Event::Trace(t) => Some(&**t),
            Event::Notice(_) => None,
        })
        .collect()
}

#[test]
fn bytes_a_reader_and_a_path_give_the_same_traces() {
    let text = har(&[
        ("2026-11-02T09:00:01Z", SUCCESS),
        ("2026-11-02T09:00:02Z", SUCCESS),
    ]);
    let pipeline = Pipeline::new(Config::new(Context::new(at())));
    let (from_bytes, _) = pipeline.traces(Source::Bytes {
        name: "f.har",
        bytes: text.as_bytes(),
    });
    let (from_reader, summary) = pipeline.traces(Source::Reader {
        name: "f.har",
        reader: Box::new(text.as_bytes()),
    });
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("f.har");
    std::fs::write(&path, &text).unwrap();
    let (from_path, _) = pipeline.traces(Source::Path {
        path: &path,
        name: Some("f.har"),
    });
    assert_eq!(from_bytes.len(), 2);
    assert_eq!(from_bytes, from_reader);
    assert_eq!(from_bytes, from_path);
    assert_eq!(from_bytes[1].origin.duplicate_of, Some(0));
    let summary = summary.unwrap();
    assert_eq!((summary.traces, summary.messages), (2, 2));
    assert_eq!(summary.capture.map(|c| c.entries), Some(2));
}

#[test]
fn a_capture_is_judged_at_each_entry_time_unless_the_time_is_fixed() {
    let text = har(&[("2026-11-02T10:00:00Z", SUCCESS)]);
    let entry_time: jiff::Timestamp = "2026-11-02T10:00:00Z".parse().unwrap();
    let free = Pipeline::new(Config::new(Context::new(at())));
    assert_eq!(
        free.decode("f.har", text.as_bytes())[0].judged_at,
        Some(entry_time)
    );
    let mut fixed = Config::new(Context::new(at()));
    fixed.fixed_time = true;
    let fixed = Pipeline::new(fixed);
    assert_eq!(
        fixed.decode("f.har", text.as_bytes())[0].judged_at,
        Some(at())
    );
}

/// A capture of a million broken entries must not keep a million error traces (issue 12: a
/// 30 MB HAR of `{}` entries grew to 24 GB).
#[test]
fn broken_entries_beyond_the_first_few_are_counted_not_kept() {
    let n = 10_000;
    let text = format!("{HAR_HEAD}{}]}}}}", vec!["{}"; n].join(","));
    let pipeline = Pipeline::new(Config::new(Context::new(at())));
    let (events, summary) = run_all(
        &pipeline,
        Source::Reader {
            name: "broken.har",
            reader: Box::new(text.as_bytes()),
        },
    );
    let traces = traces_of(&events);
    assert_eq!(traces.len(), SHOWN_BROKEN_PARTS);
    let warning = events.iter().find_map(|e| match e {
        Event::Notice(n) if n.level == Level::Warning => Some(n.line()),
        _ => None,
    });
    let warning = warning.expect("a warning counting the rest");
    assert!(
        warning.contains(&format!("{} more broken entries", n - SHOWN_BROKEN_PARTS)),
        "{warning}"
    );
    assert_eq!(summary.unwrap().capture.map(|c| c.entries), Some(n));
}

#[test]
fn a_stopping_sink_stops_the_scan() {
    let posts: Vec<(&str, &str)> = (0..500)
        .map(|_| ("2026-11-02T09:00:01Z", SUCCESS))
        .collect();
    let text = har(&posts);
    let pipeline = Pipeline::new(Config::new(Context::new(at())));
    let mut seen = 0;
    let summary = pipeline.run(
        Source::Reader {
            name: "f.har",
            reader: Box::new(text.as_bytes()),
        },
        &mut |_| {
            seen += 1;
            if seen == 3 {
                Flow::Stop
            } else {
                Flow::Continue
            }
        },
    );
    assert_eq!(seen, 3);
    assert!(summary.is_ok());
}

#[test]
fn an_unreadable_path_is_an_error_naming_it() {
    let pipeline = Pipeline::new(Config::new(Context::new(at())));
    let path = std::path::Path::new("/nonexistent/samltrace.har");
    let e = pipeline
        .run(Source::Path { path, name: None }, &mut |_| Flow::Continue)
        .unwrap_err();
    assert!(
        e.to_string().starts_with("/nonexistent/samltrace.har: "),
        "{e}"
    );
    assert_eq!(e.trace().error.map(|e| e.stage), Some(Stage::Input));
}

#[test]
fn a_capture_without_entries_fails_and_one_without_saml_says_so() {
    let pipeline = Pipeline::new(Config::new(Context::new(at())));
    let empty = br#"{"log": {"entries": []}}"#;
    let e = pipeline
        .run(
            Source::Bytes {
                name: "e.har",
                bytes: empty,
            },
            &mut |_| Flow::Continue,
        )
        .unwrap_err();
    assert_eq!(
        e.to_string(),
        "e.har: the capture holds no entries: nothing to trace"
    );
    let plain = br#"{"log": {"entries": [{"request": {"url": "https://example.com/"}}]}}"#;
    let (events, summary) = run_all(
        &pipeline,
        Source::Bytes {
            name: "p.har",
            bytes: plain,
        },
    );
    assert!(summary.is_ok());
    assert!(events.iter().any(|e| matches!(e, Event::Notice(n)
        if n.level == Level::Note && n.message.starts_with("no SAML message in its 1 entry:"))));
}

#[test]
fn non_saml_xml_is_a_saml_stage_error() {
    let traces = decode("x", b"<html><body/></html>");
    assert_eq!(traces[0].error.as_ref().map(|e| e.stage), Some(Stage::Saml));
}
