//! A live source: messages that arrive one at a time (the local service provider, `listen`)
//! rather than from a file. They are judged in arrival order against what came before, exactly
//! as a capture's entries are: each at its origin's time (the moment it arrived) unless a time
//! was fixed, a repeat pointing at its first occurrence, and a response checked against the
//! latest AuthnRequest this service provider sent (AU003).
//!
//! Pure, like the rest of the pipeline: the caller reads the clock and the sockets and puts the
//! arrival time in each payload's origin.

use crate::input::Unwrapped;
use crate::trace::Trace;

use super::Pipeline;
use super::flow::{Assembler, Sender};

/// One live session: see the module documentation. Made by [`Pipeline::live`].
pub struct Live<'p, 'i> {
    pipeline: &'p Pipeline<'i>,
    assembler: Assembler,
}

impl<'p, 'i> Live<'p, 'i> {
    pub(super) fn new(pipeline: &'p Pipeline<'i>) -> Live<'p, 'i> {
        Live {
            assembler: pipeline.assembler(),
            pipeline,
        }
    }

    /// A message that arrived, decoded and judged (with its identity verdict when the pipeline
    /// has identities). An AuthnRequest that arrives is not one this service provider sent:
    /// later responses are not checked against it.
    pub fn received(&mut self, found: Unwrapped) -> Trace {
        self.next(found, Sender::Other)
    }

    /// An AuthnRequest (or other message) this service provider sent, judged like any other;
    /// responses that arrive later must answer the latest request sent (AU003).
    pub fn sent(&mut self, found: Unwrapped) -> Trace {
        self.next(found, Sender::ServiceProvider)
    }

    fn next(&mut self, found: Unwrapped, sender: Sender) -> Trace {
        let mut t = self.assembler.trace_from(found, sender);
        self.pipeline.identify(&mut t);
        t
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::checks::Context;
    use crate::input::{Origin, Payload, Step};
    use crate::pipeline::Config;

    const REQ: &str = r#"<samlp:AuthnRequest xmlns:samlp="urn:oasis:names:tc:SAML:2.0:protocol" xmlns:saml="urn:oasis:names:tc:SAML:2.0:assertion" ID="_sent" Version="2.0" IssueInstant="2026-11-02T09:00:00Z"><saml:Issuer>https://gitlab.com/groups/acme</saml:Issuer></samlp:AuthnRequest>"#;
    const RESP: &str = r#"<samlp:Response xmlns:samlp="urn:oasis:names:tc:SAML:2.0:protocol" ID="_r" Version="2.0" InResponseTo="ANSWERS" IssueInstant="2026-11-02T09:00:05Z"><samlp:Status><samlp:StatusCode Value="urn:oasis:names:tc:SAML:2.0:status:Success"/></samlp:Status></samlp:Response>"#;

    fn arrived(xml: &str, time: &str) -> Unwrapped {
        Ok(Payload {
            xml: xml.as_bytes().to_vec(),
            steps: vec![Step::Form, Step::Base64],
            origin: Origin {
                input: "listen".into(),
                time: Some(time.to_owned()),
                ..Origin::default()
            },
        })
    }

    fn pipeline() -> Pipeline<'static> {
        let at = "2030-01-01T00:00:00Z".parse().unwrap();
        Pipeline::new(Config::new(Context::new(at)))
    }

    fn au003(t: &Trace) -> bool {
        t.findings.iter().any(|f| f.code == "AU003")
    }

    #[test]
    fn a_response_is_checked_against_the_request_sent() {
        let p = pipeline();
        let mut live = p.live();
        let response = |id: &str| RESP.replace("ANSWERS", id);
        assert!(!au003(
            &live.received(arrived(&response("_x"), "2026-11-02T09:00:05Z"))
        ));
        live.sent(arrived(REQ, "2026-11-02T09:00:00Z"));
        let answer = live.received(arrived(&response("_sent"), "2026-11-02T09:00:05Z"));
        assert!(!au003(&answer), "{:#?}", answer.findings);
        let stray = live.received(arrived(&response("_old"), "2026-11-02T09:00:06Z"));
        assert!(au003(&stray), "{:#?}", stray.findings);
    }

    #[test]
    fn a_request_that_arrives_is_not_one_sent() {
        let p = pipeline();
        let mut live = p.live();
        live.received(arrived(REQ, "2026-11-02T09:00:00Z"));
        let answer = live.received(arrived(
            &RESP.replace("ANSWERS", "_y"),
            "2026-11-02T09:00:05Z",
        ));
        assert!(!au003(&answer), "{:#?}", answer.findings);
    }

    #[test]
    fn each_message_is_judged_when_it_arrived_and_repeats_are_named() {
        let p = pipeline();
        let mut live = p.live();
        let first = live.received(arrived(RESP, "2026-11-02T09:00:05Z"));
        assert_eq!(
            first.judged_at,
            Some("2026-11-02T09:00:05Z".parse().unwrap())
        );
        let again = live.received(arrived(RESP, "2026-11-02T09:01:00Z"));
        assert_eq!(again.origin.duplicate_of, Some(0));
        assert_eq!(
            again.judged_at,
            Some("2026-11-02T09:01:00Z".parse().unwrap())
        );
    }
}
