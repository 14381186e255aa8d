//! Test fixtures for the rules: a synthetic, clean GitLab.com group SAML response that each test
//! bends in one place, and helpers that decode it and run the checks.
//!
//! Test-only. Identities are synthetic (example.com); times are fixed, never the clock.

use jiff::Timestamp;

use super::{Context, Finding, GitLabGroup, run};
use crate::dsig;
use crate::saml::Message;
use crate::xml::Document;

pub const NOW: &str = "2026-11-02T09:01:00Z";
pub const ISSUED: &str = "2026-11-02T09:00:00Z";
pub const NOT_BEFORE: &str = "2026-11-02T08:55:00Z";
pub const NOT_AFTER: &str = "2026-11-02T09:05:00Z";
pub const PAST: &str = "2026-11-01T09:05:00Z";
pub const GROUP: &str = "https://gitlab.com/groups/acme";
pub const ACS: &str = "https://gitlab.com/groups/acme/-/saml/callback";
pub const NAME_ID: &str = "0b1d561c-21ff-4092-beab-8154b17f82f2";
pub const PERSISTENT: &str = "urn:oasis:names:tc:SAML:2.0:nameid-format:persistent";
pub const TRANSIENT: &str = "urn:oasis:names:tc:SAML:2.0:nameid-format:transient";
pub const EMAIL_FORMAT: &str = "urn:oasis:names:tc:SAML:1.1:nameid-format:emailAddress";
pub const UNSPECIFIED: &str = "urn:oasis:names:tc:SAML:1.1:nameid-format:unspecified";
pub const RSA_SHA1: &str = "http://www.w3.org/2000/09/xmldsig#rsa-sha1";
pub const SHA1: &str = "http://www.w3.org/2000/09/xmldsig#sha1";

pub const AUTHN_REQUEST: &str = r#"<samlp:AuthnRequest xmlns:samlp="urn:oasis:names:tc:SAML:2.0:protocol" xmlns:saml="urn:oasis:names:tc:SAML:2.0:assertion" ID="_req1" Version="2.0" IssueInstant="2026-11-02T08:59:58Z" AssertionConsumerServiceURL="https://gitlab.com/groups/acme/-/saml/callback"><saml:Issuer>https://gitlab.com/groups/acme</saml:Issuer></samlp:AuthnRequest>"#;

/// A response to bend: every field starts clean and in-window at [`NOW`].
#[derive(Debug, Clone)]
pub struct ResponseXml {
    pub status: String,
    pub second_level: Option<String>,
    pub status_message: Option<String>,
    pub destination: Option<String>,
    pub in_response_to: Option<String>,
    pub issue_instant: String,
    pub assertion: AssertionPart,
    pub signed_response: bool,
    pub signature_method: String,
    pub digest_method: String,
}

/// The assertion of a [`ResponseXml`].
#[derive(Debug, Clone)]
pub enum AssertionPart {
    None,
    Encrypted,
    Plain(Box<AssertionXml>),
}

#[derive(Debug, Clone)]
pub struct AssertionXml {
    pub name_id: Option<String>,
    pub name_id_format: Option<String>,
    pub encrypted_id: bool,
    pub recipient: Option<String>,
    pub confirmation_not_on_or_after: Option<String>,
    pub confirmation_in_response_to: Option<String>,
    pub not_before: Option<String>,
    pub not_on_or_after: Option<String>,
    pub audiences: Vec<String>,
    pub attributes: Vec<(String, Vec<String>)>,
    pub signed: bool,
}

pub fn response() -> ResponseXml {
    ResponseXml {
        status: "urn:oasis:names:tc:SAML:2.0:status:Success".into(),
        second_level: None,
        status_message: None,
        destination: Some(ACS.into()),
        in_response_to: Some("_req1".into()),
        issue_instant: ISSUED.into(),
        assertion: AssertionPart::Plain(Box::new(assertion())),
        signed_response: false,
        signature_method: "http://www.w3.org/2001/04/xmldsig-more#rsa-sha256".into(),
        digest_method: "http://www.w3.org/2001/04/xmlenc#sha256".into(),
    }
}

fn assertion() -> AssertionXml {
    AssertionXml {
        name_id: Some(NAME_ID.into()),
        name_id_format: Some(PERSISTENT.into()),
        encrypted_id: false,
        recipient: Some(ACS.into()),
        confirmation_not_on_or_after: Some(NOT_AFTER.into()),
        confirmation_in_response_to: Some("_req1".into()),
        not_before: Some(NOT_BEFORE.into()),
        not_on_or_after: Some(NOT_AFTER.into()),
        audiences: vec![GROUP.into()],
        attributes: vec![
            ("email".into(), vec!["alice@example.com".into()]),
            ("first_name".into(), vec!["Alice".into()]),
            ("last_name".into(), vec!["Example".into()]),
        ],
        signed: true,
    }
}

impl ResponseXml {
    /// Changes the assertion (which must be a plain one).
    pub fn with(mut self, change: impl FnOnce(&mut AssertionXml)) -> Self {
        if let AssertionPart::Plain(a) = &mut self.assertion {
            change(a);
        }
        self
    }

    pub fn name_id(self, value: &str) -> Self {
        self.with(|a| a.name_id = Some(value.into()))
    }

    pub fn name_id_format(self, format: &str) -> Self {
        self.with(|a| a.name_id_format = Some(format.into()))
    }

    pub fn not_on_or_after(self, t: &str) -> Self {
        self.with(|a| a.not_on_or_after = Some(t.into()))
    }

    pub fn attributes(self, attrs: &[(&str, &str)]) -> Self {
        self.with(|a| {
            a.attributes = attrs
                .iter()
                .map(|(n, v)| ((*n).into(), vec![(*v).into()]))
                .collect()
        })
    }

    pub fn failed(mut self, second_level: &str, message: &str) -> Self {
        self.status = "urn:oasis:names:tc:SAML:2.0:status:Responder".into();
        self.second_level = Some(format!("urn:oasis:names:tc:SAML:2.0:status:{second_level}"));
        self.status_message = Some(message.into());
        self.assertion = AssertionPart::None;
        self
    }

    pub fn xml(&self) -> String {
        let mut attrs = format!(
            r#" ID="_r1" Version="2.0" IssueInstant="{}""#,
            self.issue_instant
        );
        push_attr(&mut attrs, "Destination", &self.destination);
        push_attr(&mut attrs, "InResponseTo", &self.in_response_to);
        let signature = if self.signed_response {
            self.signature("_r1")
        } else {
            String::new()
        };
        format!(
            r#"<samlp:Response xmlns:samlp="urn:oasis:names:tc:SAML:2.0:protocol" xmlns:saml="urn:oasis:names:tc:SAML:2.0:assertion"{attrs}><saml:Issuer>http://www.okta.com/exk1example</saml:Issuer>{signature}{}{}</samlp:Response>"#,
            self.status_xml(),
            self.assertion_xml()
        )
    }

    fn status_xml(&self) -> String {
        let inner = match &self.second_level {
            Some(code) => format!(r#"<samlp:StatusCode Value="{code}"/>"#),
            None => String::new(),
        };
        let message = match &self.status_message {
            Some(m) => format!("<samlp:StatusMessage>{m}</samlp:StatusMessage>"),
            None => String::new(),
        };
        format!(
            r#"<samlp:Status><samlp:StatusCode Value="{}">{inner}</samlp:StatusCode>{message}</samlp:Status>"#,
            self.status
        )
    }

    fn signature(&self, reference: &str) -> String {
        format!(
            r##"<ds:Signature xmlns:ds="http://www.w3.org/2000/09/xmldsig#"><ds:SignedInfo><ds:CanonicalizationMethod Algorithm="http://www.w3.org/2001/10/xml-exc-c14n#"/><ds:SignatureMethod Algorithm="{}"/><ds:Reference URI="#{reference}"><ds:DigestMethod Algorithm="{}"/><ds:DigestValue>AAAA</ds:DigestValue></ds:Reference></ds:SignedInfo><ds:SignatureValue>AAAA</ds:SignatureValue></ds:Signature>"##,
            self.signature_method, self.digest_method
        )
    }

    fn assertion_xml(&self) -> String {
        match &self.assertion {
            AssertionPart::None => String::new(),
            AssertionPart::Encrypted => ENCRYPTED_ASSERTION.to_owned(),
            AssertionPart::Plain(a) => {
                let signature = if a.signed {
                    self.signature("_a1")
                } else {
                    String::new()
                };
                format!(
                    r#"<saml:Assertion ID="_a1" Version="2.0" IssueInstant="{}"><saml:Issuer>http://www.okta.com/exk1example</saml:Issuer>{signature}{}{}{}</saml:Assertion>"#,
                    self.issue_instant,
                    subject_xml(a),
                    conditions_xml(a),
                    attributes_xml(a)
                )
            }
        }
    }
}

fn push_attr(out: &mut String, name: &str, value: &Option<String>) {
    if let Some(v) = value {
        out.push_str(&format!(r#" {name}="{v}""#));
    }
}

fn subject_xml(a: &AssertionXml) -> String {
    let name_id = match (&a.name_id, a.encrypted_id) {
        (_, true) => ENCRYPTED_ID.to_owned(),
        (Some(v), false) => {
            let mut attrs = String::new();
            push_attr(&mut attrs, "Format", &a.name_id_format);
            format!("<saml:NameID{attrs}>{v}</saml:NameID>")
        }
        (None, false) => String::new(),
    };
    let mut data = String::new();
    push_attr(&mut data, "Recipient", &a.recipient);
    push_attr(&mut data, "NotOnOrAfter", &a.confirmation_not_on_or_after);
    push_attr(&mut data, "InResponseTo", &a.confirmation_in_response_to);
    format!(
        r#"<saml:Subject>{name_id}<saml:SubjectConfirmation Method="urn:oasis:names:tc:SAML:2.0:cm:bearer"><saml:SubjectConfirmationData{data}/></saml:SubjectConfirmation></saml:Subject>"#
    )
}

fn conditions_xml(a: &AssertionXml) -> String {
    let mut attrs = String::new();
    push_attr(&mut attrs, "NotBefore", &a.not_before);
    push_attr(&mut attrs, "NotOnOrAfter", &a.not_on_or_after);
    let audiences: String = a
        .audiences
        .iter()
        .map(|x| format!("<saml:Audience>{x}</saml:Audience>"))
        .collect();
    let restriction = if a.audiences.is_empty() {
        String::new()
    } else {
        format!("<saml:AudienceRestriction>{audiences}</saml:AudienceRestriction>")
    };
    format!("<saml:Conditions{attrs}>{restriction}</saml:Conditions>")
}

fn attributes_xml(a: &AssertionXml) -> String {
    let attrs: String = a
        .attributes
        .iter()
        .map(|(name, values)| {
            let values: String = values
                .iter()
                .map(|v| format!("<saml:AttributeValue>{v}</saml:AttributeValue>"))
                .collect();
            format!(r#"<saml:Attribute Name="{name}">{values}</saml:Attribute>"#)
        })
        .collect();
    format!("<saml:AttributeStatement>{attrs}</saml:AttributeStatement>")
}

const ENCRYPTED_ASSERTION: &str = r#"<saml:EncryptedAssertion><xenc:EncryptedData xmlns:xenc="http://www.w3.org/2001/04/xmlenc#" Type="http://www.w3.org/2001/04/xmlenc#Element"><xenc:EncryptionMethod Algorithm="http://www.w3.org/2001/04/xmlenc#aes256-cbc"/><ds:KeyInfo xmlns:ds="http://www.w3.org/2000/09/xmldsig#"><xenc:EncryptedKey><xenc:EncryptionMethod Algorithm="http://www.w3.org/2001/04/xmlenc#rsa-oaep-mgf1p"/><xenc:CipherData><xenc:CipherValue>AAAA</xenc:CipherValue></xenc:CipherData></xenc:EncryptedKey></ds:KeyInfo><xenc:CipherData><xenc:CipherValue>AAAA</xenc:CipherValue></xenc:CipherData></xenc:EncryptedData></saml:EncryptedAssertion>"#;

const ENCRYPTED_ID: &str = r#"<saml:EncryptedID><xenc:EncryptedData xmlns:xenc="http://www.w3.org/2001/04/xmlenc#"><xenc:EncryptionMethod Algorithm="http://www.w3.org/2001/04/xmlenc#aes128-cbc"/><xenc:CipherData><xenc:CipherValue>AAAA</xenc:CipherValue></xenc:CipherData></xenc:EncryptedData></saml:EncryptedID>"#;

pub fn at(s: &str) -> Timestamp {
    s.parse().expect("test timestamps are valid")
}

/// Parses and reads a message; test inputs are well formed.
pub fn message(xml: &str) -> Message {
    let doc = Document::parse(xml.to_owned()).expect("test XML parses");
    Message::from_document(&doc).expect("test XML is SAML")
}

/// A context at [`NOW`] expecting the `acme` group on GitLab.com.
pub fn gitlab_context() -> Context {
    let mut ctx = Context::new(at(NOW));
    ctx.expect_group(&GitLabGroup::parse(GROUP).expect("valid group"));
    ctx
}

/// Decodes the response, describes its signatures into `ctx`, and runs every rule.
pub fn check_with(xml: &ResponseXml, mut ctx: Context) -> Vec<Finding> {
    let text = xml.xml();
    let doc = Document::parse(text).expect("test XML parses");
    let msg = Message::from_document(&doc).expect("test XML is SAML");
    ctx.signatures = dsig::describe(&doc);
    run(&msg, &ctx)
}

/// [`check_with`] the [`gitlab_context`].
pub fn check(xml: &ResponseXml) -> Vec<Finding> {
    check_with(xml, gitlab_context())
}

/// The findings of one code.
pub fn raised(findings: &[Finding], code: &str) -> Vec<Finding> {
    findings
        .iter()
        .filter(|f| f.code == code)
        .cloned()
        .collect()
}

/// The one finding of `code`; fails the test when there is not exactly one.
pub fn one(findings: &[Finding], code: &str) -> Finding {
    let found = raised(findings, code);
    assert_eq!(found.len(), 1, "expected one {code} in {findings:#?}");
    found.into_iter().next().expect("checked above")
}

pub fn codes(findings: &[Finding]) -> Vec<&'static str> {
    findings.iter().map(|f| f.code).collect()
}

/// The clean response decoded.
pub fn clean() -> Message {
    message(&response().xml())
}

#[test]
fn the_clean_fixture_is_in_window_and_signed() {
    assert!(check(&response()).is_empty(), "{:#?}", check(&response()));
}
