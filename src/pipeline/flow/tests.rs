use super::*;
use crate::input::{Origin, Payload, Step};

const REQ: &str = r#"<samlp:AuthnRequest xmlns:samlp="urn:oasis:names:tc:SAML:2.0:protocol" xmlns:saml="urn:oasis:names:tc:SAML:2.0:assertion" ID="ID" Version="2.0" IssueInstant="2026-11-02T09:00:00Z"><saml:Issuer>https://gitlab.com/groups/acme</saml:Issuer></samlp:AuthnRequest>"#;
const RESP: &str = r#"<samlp:Response xmlns:samlp="urn:oasis:names:tc:SAML:2.0:protocol" ID="_r" InResponseTo="ANSWERS" IssueInstant="2026-11-02T09:00:05Z"><samlp:Status><samlp:StatusCode Value="urn:oasis:names:tc:SAML:2.0:status:Success"/></samlp:Status></samlp:Response>"#;

fn found(xml: &str, entry: usize, time: Option<&str>) -> Unwrapped {
    Ok(Payload {
        xml: xml.as_bytes().to_vec(),
        steps: vec![Step::Base64],
        origin: Origin {
            input: "t.har".into(),
            har_entry: Some(entry),
            time: time.map(str::to_owned),
            ..Origin::default()
        },
    })
}

fn assembler() -> Assembler {
    Assembler::new(Context::new("2030-01-01T00:00:00Z".parse().unwrap()), false)
}

fn au003(t: &Trace) -> Option<String> {
    t.findings
        .iter()
        .find(|f| f.code == "AU003")
        .map(|f| f.detail.clone())
}

#[test]
fn repeated_documents_point_at_the_first() {
    let mut a = assembler();
    let first = a.trace(found(&REQ.replace("ID\"", "_q1\""), 0, None));
    let other = a.trace(found(RESP, 1, None));
    let again = a.trace(found(&REQ.replace("ID\"", "_q1\""), 2, None));
    assert_eq!(first.origin.duplicate_of, None);
    assert_eq!(other.origin.duplicate_of, None);
    assert_eq!(again.origin.duplicate_of, Some(0));
    assert_eq!(a.len(), 3);
}

#[test]
fn au003_sees_the_requests_of_the_capture_only() {
    let mut a = assembler();
    let alone = a.trace(found(RESP, 0, None));
    assert_eq!(
        au003(&alone),
        None,
        "no request seen: IdP-initiated is fine"
    );
    a.trace(found(&REQ.replace("ID\"", "_q1\""), 1, None));
    a.trace(found(&REQ.replace("ID\"", "_q2\""), 2, None));
    let old = a.trace(found(&RESP.replace("ANSWERS", "_q1"), 3, None));
    let detail = au003(&old).expect("answers an older request");
    assert!(detail.contains("an earlier request"), "{detail}");
    assert!(detail.contains("_q2"), "{detail}");
    let unknown = a.trace(found(&RESP.replace("ANSWERS", "_zz"), 4, None));
    assert!(au003(&unknown).is_some_and(|d| d.contains("does not hold")));
    let latest = a.trace(found(&RESP.replace("ANSWERS", "_q2"), 5, None));
    assert_eq!(au003(&latest), None);
}

#[test]
fn messages_are_judged_at_their_entry_time_unless_fixed() {
    let at = "2026-11-02T09:00:05Z";
    assert_eq!(
        evaluation_time(&super::super::decode::unwrapped(
            found(RESP, 0, Some(at)),
            &Keys::default()
        )),
        Some(at.parse().unwrap())
    );
    let untimed = super::super::decode::unwrapped(found(RESP, 0, None), &Keys::default());
    assert_eq!(
        evaluation_time(&untimed),
        Some("2026-11-02T09:00:05Z".parse().unwrap()),
        "no entry time: the message's own IssueInstant"
    );
    let mut fixed = Assembler::new(Context::new("2030-01-01T00:00:00Z".parse().unwrap()), true);
    let mut free = assembler();
    let expired = RESP.replace(
        "</samlp:Response>",
        r#"<saml:Assertion xmlns:saml="urn:oasis:names:tc:SAML:2.0:assertion" ID="_a"><saml:Conditions NotBefore="2026-11-02T08:55:00Z" NotOnOrAfter="2026-11-02T09:05:00Z"/></saml:Assertion></samlp:Response>"#,
    );
    let time_codes = |t: &Trace| {
        t.findings
            .iter()
            .filter(|f| f.code.starts_with("TM"))
            .count()
    };
    assert!(time_codes(&fixed.trace(found(&expired, 0, Some(at)))) > 0);
    assert_eq!(time_codes(&free.trace(found(&expired, 0, Some(at)))), 0);
}

#[test]
fn unreadable_parts_are_traces_with_their_entry() {
    let mut a = assembler();
    let t = a.unreadable(
        "t.har",
        &Problem {
            entry: Some(7),
            offset: 1234,
            message: "broken JSON".into(),
        },
    );
    assert_eq!(t.origin.har_entry, Some(7));
    assert!(t.message.is_none());
    assert_eq!(
        t.error.as_ref().and_then(|e| e.position).map(|p| p.offset),
        Some(1234)
    );
    assert_eq!(a.len(), 1);
}

#[test]
fn a_repeat_reuses_the_decoding_but_keeps_its_own_origin_and_time() {
    let mut a = assembler();
    let first = a.trace(found(RESP, 3, Some("2026-11-02T09:00:05Z")));
    let mut again = found(RESP, 4, Some("2026-11-02T09:00:06Z"));
    if let Ok(p) = &mut again {
        p.steps = vec![Step::Form, Step::Base64];
    }
    let repeat = a.trace(again);
    assert_eq!(repeat.origin.har_entry, Some(4));
    assert_eq!(repeat.origin.duplicate_of, Some(0));
    assert_eq!(repeat.origin.time.as_deref(), Some("2026-11-02T09:00:06Z"));
    assert_eq!(repeat.encoding, vec![Step::Form, Step::Base64]);
    assert_eq!(repeat.message, first.message);
    assert_eq!(repeat.xml, first.xml);
    assert_eq!(first.origin.duplicate_of, None);
}
