use super::*;

const NS: &str = r#"xmlns:samlp="urn:oasis:names:tc:SAML:2.0:protocol" xmlns:saml="urn:oasis:names:tc:SAML:2.0:assertion""#;

fn response(id: &str, body: &str) -> String {
    format!(
        r#"<samlp:Response {NS} ID="{id}" Version="2.0" IssueInstant="2026-11-02T09:00:00Z"><saml:Issuer>https://idp</saml:Issuer><samlp:Status><samlp:StatusCode Value="urn:oasis:names:tc:SAML:2.0:status:Success"/></samlp:Status>{body}</samlp:Response>"#
    )
}

const ASSERTION: &str = r#"<saml:Assertion ID="_a1" Version="2.0" IssueInstant="2026-11-02T09:00:00Z"><saml:Issuer>https://idp</saml:Issuer><saml:Subject><saml:NameID>alice</saml:NameID><saml:SubjectConfirmation Method="urn:oasis:names:tc:SAML:2.0:cm:bearer"><saml:SubjectConfirmationData NotOnOrAfter="2026-11-02T09:05:00Z" Recipient="https://sp/acs"/></saml:SubjectConfirmation></saml:Subject><saml:Conditions NotBefore="2026-11-02T08:55:00Z" NotOnOrAfter="2026-11-02T09:05:00Z"><saml:AudienceRestriction><saml:Audience>https://sp</saml:Audience></saml:AudienceRestriction></saml:Conditions><saml:AuthnStatement AuthnInstant="2026-11-02T09:00:00Z" SessionIndex="_s"><saml:AuthnContext><saml:AuthnContextClassRef>urn:x</saml:AuthnContextClassRef></saml:AuthnContext></saml:AuthnStatement><saml:AttributeStatement><saml:Attribute Name="email"><saml:AttributeValue xmlns:xs="http://www.w3.org/2001/XMLSchema" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xsi:type="xs:string">alice@example.com</saml:AttributeValue></saml:Attribute></saml:AttributeStatement></saml:Assertion>"#;

fn violations(xml: &str) -> Vec<Violation> {
    let doc = Document::parse(xml.to_owned()).unwrap();
    let mut v = Validator::new();
    v.document(&doc);
    v.finish()
}

fn rules(xml: &str) -> Vec<Rule> {
    violations(xml).iter().map(|v| v.rule).collect()
}

#[test]
fn a_well_formed_response_is_valid() {
    assert_eq!(violations(&response("_r1", ASSERTION)), vec![]);
}

#[test]
fn an_id_starting_with_a_digit_is_refused_with_its_position() {
    let xml = response("4f1d2a3b-0c9e-4d7a-8b6f-5e4d3c2b1a09", ASSERTION);
    let v = violations(&xml);
    assert_eq!(v.len(), 1, "{v:#?}");
    assert_eq!(v[0].rule, Rule::NotAnId);
    assert_eq!(v[0].code(), "SC001");
    let column = xml.find(" ID=").unwrap() + 2;
    assert_eq!((v[0].line, v[0].column), (1, column));
    assert!(
        v[0].describe().starts_with(&format!(
            "line 1, column {column}: the samlp:Response ID \"4f1d2a3b-0c9e-4d7a-8b6f-5e4d3c2b1a09\" \
             is not an xs:ID: it starts with the digit '4'"
        )),
        "{}",
        v[0].describe()
    );
    assert!(
        v[0].detail
            .contains("saml-schema-protocol-2.0.xsd, ResponseType")
    );
}

#[test]
fn duplicate_ids_are_refused() {
    let xml = response("_a1", ASSERTION);
    let v = violations(&xml);
    assert_eq!(
        v.iter().map(|v| v.rule).collect::<Vec<_>>(),
        [Rule::DuplicateId]
    );
    assert!(
        v[0].detail
            .contains("already the ID of the element at line 1")
    );
}

#[test]
fn order_cardinality_and_unknown_elements() {
    let late_issuer = ASSERTION.replace(
        "<saml:Issuer>https://idp</saml:Issuer><saml:Subject>",
        "<saml:Subject>",
    );
    let late_issuer = late_issuer.replace(
        "</saml:Subject>",
        "</saml:Subject><saml:Issuer>https://idp</saml:Issuer>",
    );
    let v = violations(&response("_r", &late_issuer));
    assert_eq!(v[0].rule, Rule::Content);
    assert!(
        v[0].detail
            .starts_with("saml:Assertion needs saml:Issuer here, found saml:Subject"),
        "{}",
        v[0].detail
    );

    let two_status = response("_r", "").replace(
        "</samlp:Status>",
        "</samlp:Status><samlp:Status><samlp:StatusCode Value=\"x\"/></samlp:Status>",
    );
    let v = violations(&two_status);
    assert!(
        v[0].detail
            .contains("samlp:Response holds more than one samlp:Status"),
        "{}",
        v[0].detail
    );

    let signature_late = response("_r", "").replace(
        "</samlp:Status>",
        "</samlp:Status><ds:Signature xmlns:ds=\"http://www.w3.org/2000/09/xmldsig#\"/>",
    );
    let v = violations(&signature_late);
    assert!(
        v[0].detail
            .contains("ds:Signature is out of order in samlp:Response"),
        "{}",
        v[0].detail
    );

    let foreign = response("_r", "<x:Extra xmlns:x=\"urn:x\"/>");
    assert_eq!(rules(&foreign), [Rule::Content]);
}

#[test]
fn required_and_unknown_attributes() {
    let no_instant = response("_r", "").replace(" IssueInstant=\"2026-11-02T09:00:00Z\"", "");
    let v = violations(&no_instant);
    assert_eq!(v[0].rule, Rule::MissingAttribute);
    assert!(v[0].detail.contains("has no IssueInstant attribute"));
    let extra = response("_r", "").replace("Version=", "Foo=\"1\" Version=");
    assert_eq!(rules(&extra), [Rule::UnknownAttribute]);
    let no_method =
        response("_r", ASSERTION).replace(" Method=\"urn:oasis:names:tc:SAML:2.0:cm:bearer\"", "");
    assert_eq!(rules(&no_method), [Rule::MissingAttribute]);
    let foreign_ok = ASSERTION.replace(
        "<saml:Attribute Name=",
        "<saml:Attribute xmlns:x=\"urn:x\" x:extra=\"1\" Name=",
    );
    assert_eq!(violations(&response("_r", &foreign_ok)), vec![]);
}

#[test]
fn version_and_values() {
    let v1 = response("_r", "").replacen("Version=\"2.0\"", "Version=\"1.1\"", 1);
    assert_eq!(rules(&v1), [Rule::Version]);
    let bad_time = response("_r", "").replace("2026-11-02T09:00:00Z", "2026-11-02 09:00");
    assert_eq!(rules(&bad_time), [Rule::Value]);
    let irt = response("_r", "").replace("Version=", "InResponseTo=\"1abc\" Version=");
    let v = violations(&irt);
    assert_eq!(v[0].rule, Rule::Value);
    assert!(
        v[0].detail
            .contains("InResponseTo \"1abc\" is not an xs:NCName")
    );
    let bad_type = ASSERTION.replace("xsi:type=\"xs:string\"", "xsi:type=\"xs:boolean\"");
    assert_eq!(rules(&response("_r", &bad_type)), [Rule::Value]);
    let unbound = ASSERTION.replace("xsi:type=\"xs:string\"", "xsi:type=\"foo:string\"");
    assert_eq!(rules(&response("_r", &unbound)), [Rule::Value]);
}

#[test]
fn subject_and_authn_context_choices() {
    let only_confirmation = ASSERTION.replace("<saml:NameID>alice</saml:NameID>", "");
    assert_eq!(violations(&response("_r", &only_confirmation)), vec![]);
    let empty_subject = ASSERTION.replace(
        &ASSERTION
            [ASSERTION.find("<saml:Subject>").unwrap()..ASSERTION.find("</saml:Subject>").unwrap()],
        "<saml:Subject>",
    );
    assert_eq!(rules(&response("_r", &empty_subject)), [Rule::Content]);
    let no_class = ASSERTION.replace(
        "<saml:AuthnContextClassRef>urn:x</saml:AuthnContextClassRef>",
        "",
    );
    assert_eq!(rules(&response("_r", &no_class)), [Rule::Content]);
}

#[test]
fn text_in_element_only_content_and_base64() {
    let text = response("_r", "").replace("<samlp:Status>", "<samlp:Status>oops");
    assert_eq!(rules(&text), [Rule::Content]);
    let sig = r##"<ds:Signature xmlns:ds="http://www.w3.org/2000/09/xmldsig#"><ds:SignedInfo><ds:CanonicalizationMethod Algorithm="a"/><ds:SignatureMethod Algorithm="b"/><ds:Reference URI="#_r"><ds:DigestMethod Algorithm="c"/><ds:DigestValue>QUJD</ds:DigestValue></ds:Reference></ds:SignedInfo><ds:SignatureValue>not base64!</ds:SignatureValue></ds:Signature>"##;
    let signed = response("_r", "").replace("</saml:Issuer>", &format!("</saml:Issuer>{sig}"));
    let v = violations(&signed);
    assert_eq!(v.iter().map(|v| v.rule).collect::<Vec<_>>(), [Rule::Value]);
    assert!(
        v[0].detail
            .contains("ds:SignatureValue is not an xs:base64Binary")
    );
}

#[test]
fn violations_are_bounded() {
    let many: String = (0..100)
        .map(|i| format!("<saml:Assertion ID=\"{i}\" Version=\"2.0\" IssueInstant=\"x\"/>"))
        .collect();
    assert_eq!(violations(&response("_r", &many)).len(), MAX_VIOLATIONS);
}

#[test]
fn a_decrypted_part_shares_the_ids_and_names_itself() {
    let doc = Document::parse(response("_a1", "")).unwrap();
    let part = Document::parse(format!("<w {NS}>{ASSERTION}</w>")).unwrap();
    let mut v = Validator::new();
    v.document(&doc);
    v.part(&part, "the decrypted assertion");
    let found = v.finish();
    assert_eq!(found.len(), 1);
    assert_eq!(found[0].rule, Rule::DuplicateId);
    assert!(
        found[0]
            .describe()
            .starts_with("in the decrypted assertion, line 1")
    );
}

#[test]
fn attribute_offsets_skip_longer_names() {
    let doc =
        Document::parse(r#"<a xmlns:p="urn:p" p:ID="x" xID="y" ID="z"/>"#.to_owned()).unwrap();
    let at = attr_offset(doc.root(), "ID");
    assert_eq!(&doc.text()[at..at + 3], "ID=");
    let at = qualified_attr_offset(doc.root(), "ID");
    assert_eq!(&doc.text()[at..at + 4], "p:ID");
}

/// Hostile nesting (Assertion in Advice in Assertion, down to the parser's depth limit) is
/// walked without running out of stack, and the duplicate IDs are reported within the bound.
#[test]
fn deep_nesting_is_bounded_by_the_parser_s_depth() {
    let open = "<saml:Assertion ID=\"_n\" Version=\"2.0\" IssueInstant=\"2026-11-02T09:00:00Z\"><saml:Issuer>x</saml:Issuer><saml:Advice>";
    let close = "</saml:Advice></saml:Assertion>";
    let depth = 60;
    let body = format!("{}{}", open.repeat(depth), close.repeat(depth));
    let v = violations(&response("_r", &body));
    assert_eq!(v.len(), MAX_VIOLATIONS.min(depth - 1));
    assert!(v.iter().all(|v| v.rule == Rule::DuplicateId));
}
