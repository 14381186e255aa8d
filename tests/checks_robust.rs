//! The parsers and rules of the checks never panic on input, whatever it is, and never let a
//! control character through into a finding's text.

use proptest::prelude::*;
use samltrace::checks::instant::parse_instant;
use samltrace::checks::{Context, Fingerprint, GitLabGroup, run};
use samltrace::saml::Message;
use samltrace::xml::Document;

fn response(name_id: &str, time: &str, audience: &str) -> String {
    let esc = |s: &str| {
        s.replace('&', "&amp;")
            .replace('<', "&lt;")
            .replace('"', "&quot;")
    };
    format!(
        r#"<samlp:Response xmlns:samlp="urn:oasis:names:tc:SAML:2.0:protocol" xmlns:saml="urn:oasis:names:tc:SAML:2.0:assertion" ID="_r" IssueInstant="{t}"><samlp:Status><samlp:StatusCode Value="urn:oasis:names:tc:SAML:2.0:status:Success"/></samlp:Status><saml:Assertion ID="_a"><saml:Subject><saml:NameID>{n}</saml:NameID><saml:SubjectConfirmation><saml:SubjectConfirmationData NotOnOrAfter="{t}" Recipient="{u}"/></saml:SubjectConfirmation></saml:Subject><saml:Conditions NotBefore="{t}" NotOnOrAfter="{t}"><saml:AudienceRestriction><saml:Audience>{u}</saml:Audience></saml:AudienceRestriction></saml:Conditions><saml:AttributeStatement><saml:Attribute Name="{n}"><saml:AttributeValue>{n}</saml:AttributeValue></saml:Attribute></saml:AttributeStatement></saml:Assertion></samlp:Response>"#,
        t = esc(time),
        n = esc(name_id),
        u = esc(audience)
    )
}

proptest! {
    #[test]
    fn parsers_never_panic(s in "\\PC*") {
        let _ = parse_instant(&s);
        let _ = GitLabGroup::parse(&s);
        let _ = Fingerprint::parse(&s);
    }

    #[test]
    fn rules_never_panic_and_texts_stay_printable(
        name_id in "[ -~\u{a0}\u{200b}\u{202e}\u{1b}\t\n]{0,40}",
        time in "[0-9TZ:+.\\- ]{0,30}",
        audience in "\\PC{0,30}",
    ) {
        let xml = response(&name_id, &time, &audience);
        let Ok(doc) = Document::parse(xml) else { return Ok(()) };
        let Ok(msg) = Message::from_document(&doc) else { return Ok(()) };
        let mut ctx = Context::new("2026-11-02T09:00:00Z".parse().unwrap());
        ctx.sp_entity_id = Some("https://gitlab.com/groups/acme".into());
        ctx.acs_url = Some("https://gitlab.com/groups/acme/-/saml/callback".into());
        for f in run(&msg, &ctx) {
            for text in [f.detail.as_str(), f.fix.as_str()] {
                prop_assert!(!text.chars().any(char::is_control), "{:?}", text);
            }
        }
    }
}
