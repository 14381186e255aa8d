//! Properties of the capture scanner and the sanitiser on hostile input: they never panic,
//! a file cut anywhere yields a prefix of what the whole file holds, and what the sanitiser
//! accepts it writes as JSON.

use proptest::prelude::*;
use samltrace::capture::{CaptureEvent, End, scan};
use samltrace::redact::sanitize;

const CHROME: &[u8] = include_bytes!("../samples/har-chrome.har");
const TRACER: &[u8] = include_bytes!("../samples/saml-tracer.json");

/// The decoded documents a scan finds, in order, and whether the scan said the file was whole.
fn scanned(bytes: &[u8]) -> (Vec<Vec<u8>>, Option<End>) {
    let mut xml = Vec::new();
    let result = scan("p", bytes, &mut |e| {
        if let CaptureEvent::Found(f) = e
            && let Ok(p) = *f
        {
            xml.push(p.xml);
        }
    });
    (xml, result.ok().map(|s| s.end))
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
