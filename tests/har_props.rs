//! Properties of the pipeline's capture scanning and of the sanitiser on hostile input: they
//! never panic, a file cut anywhere yields a prefix of what the whole file holds, and what the
//! sanitiser accepts it writes as JSON.

use proptest::prelude::*;
use samltrace::capture::End;
use samltrace::pipeline::{Event, Expect, Flow, Pipeline, Source};
use samltrace::redact::sanitize;

const CHROME: &[u8] = include_bytes!("../samples/har-chrome.har");
const TRACER: &[u8] = include_bytes!("../samples/saml-tracer.json");

/// One message a run found: its decoded document, or why it could not be decoded.
type Found = (Option<String>, Option<String>);

/// The messages a run finds, in order, and whether the scan said the file was whole.
fn scanned(bytes: &[u8]) -> (Vec<Found>, Option<End>) {
    let pipeline = Pipeline::judging_at("2026-11-02T09:00:00Z".parse().unwrap());
    let mut found = Vec::new();
    let source = Source::Bytes { name: "p", bytes };
    let result = pipeline.run_as(Expect::Capture, source, &mut |e| {
        if let Event::Trace(t) = e
            && t.origin.param.is_some()
        {
            found.push((t.xml.clone(), t.error.as_ref().map(|e| e.message.clone())));
        }
        Flow::Continue
    });
    (found, result.ok().and_then(|s| s.capture).map(|c| c.end))
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 200, .. ProptestConfig::default() })]

    #[test]
    fn arbitrary_bytes_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..4096)) {
        let _ = scanned(&bytes);
        let _ = sanitize(bytes.as_slice(), &mut Vec::new(), None);
    }

    #[test]
    fn json_shaped_noise_never_panics(body in r#"[\[\]{}",:0-9a-zA-Z\\ .-]{0,600}"#) {
        for wrapped in [
            format!(r#"{{"log": {{"entries": [{body}"#),
            format!(r#"{{"log": {{"entries": [{{"request": {{"url": "https://i/?SAMLRequest={body}"}}}}, {body}]}}}}"#),
            format!(r#"{{"requests": [{body}]}}"#),
        ] {
            let _ = scanned(wrapped.as_bytes());
            let mut out = Vec::new();
            if sanitize(wrapped.as_bytes(), &mut out, Some("k")).is_ok() {
                prop_assert!(serde_json::from_slice::<serde_json::Value>(&out).is_ok());
            }
        }
    }

    #[test]
    fn a_capture_cut_anywhere_yields_a_prefix(cut in 0usize..CHROME.len()) {
        let (all, end) = scanned(CHROME);
        prop_assert_eq!(end, Some(End::Complete));
        let (part, end) = scanned(&CHROME[..cut]);
        prop_assert!(all.starts_with(&part), "cut at {}: not a prefix", cut);
        prop_assert!(!matches!(end, Some(End::Complete)), "cut at {} read as whole", cut);
    }

    #[test]
    fn flipped_bytes_never_panic(at in 0usize..CHROME.len(), byte in any::<u8>(), tracer in any::<bool>()) {
        let mut bytes = if tracer { TRACER.to_vec() } else { CHROME.to_vec() };
        let at = at % bytes.len();
        bytes[at] = byte;
        let _ = scanned(&bytes);
        let mut out = Vec::new();
        if sanitize(bytes.as_slice(), &mut out, Some("k")).is_ok() {
            prop_assert!(serde_json::from_slice::<serde_json::Value>(&out).is_ok());
        }
    }
}
