use std::io::Write;

use ::base64::Engine;
use ::base64::engine::general_purpose::{STANDARD, URL_SAFE_NO_PAD};

use super::*;

const XML: &str = r#"<samlp:Response xmlns:samlp="urn:oasis:names:tc:SAML:2.0:protocol" ID="_r"/>"#;

fn deflate(data: &[u8]) -> Vec<u8> {
    let mut e = flate2::write::DeflateEncoder::new(Vec::new(), flate2::Compression::default());
    e.write_all(data).unwrap();
    e.finish().unwrap()
}

fn one(input: &str) -> Payload {
    let mut out = unwrap("t", input.as_bytes());
    assert_eq!(out.len(), 1, "{out:?}");
    out.remove(0).unwrap_or_else(|e| panic!("{input:?}: {e:?}"))
}

fn one_err(input: &[u8]) -> UnwrapError {
    let mut out = unwrap("t", input);
    assert_eq!(out.len(), 1, "{out:?}");
    out.remove(0).expect_err("should fail")
}

#[test]
fn raw_xml_with_bom_and_declaration() {
    let p = one(&format!("\u{feff}  <?xml version=\"1.0\"?>{XML}\n"));
    assert!(p.steps.is_empty());
    assert!(p.xml.starts_with(b"<?xml"));
}

#[test]
fn base64_variants() {
    let b64 = STANDARD.encode(XML);
    assert_eq!(one(&b64).xml, XML.as_bytes());
    assert_eq!(one(&b64).steps, vec![Step::Base64]);
    assert_eq!(one(b64.trim_end_matches('=')).xml, XML.as_bytes());
    let wrapped: Vec<String> = b64
        .as_bytes()
        .chunks(20)
        .map(|c| String::from_utf8_lossy(c).into_owned())
        .collect();
    assert_eq!(one(&wrapped.join("\r\n")).xml, XML.as_bytes());
    let url = URL_SAFE_NO_PAD.encode(format!("{XML}<!--??>>>-->"));
    assert_eq!(one(&url).steps, vec![Step::Base64url, Step::Base64]);
}

#[test]
fn percent_encoded_and_plus_as_space() {
    let data = format!("{XML}<!--??>>>-->");
    let b64 = STANDARD.encode(&data);
    assert!(b64.contains('+') || b64.contains('/'), "{b64}");
    let pct = b64
        .replace('+', "%2B")
        .replace('/', "%2F")
        .replace('=', "%3D");
    let p = one(&pct);
    assert_eq!(p.steps, vec![Step::Percent, Step::Base64]);
    assert_eq!(p.xml, data.as_bytes());
    let spaced = b64.replace('+', " ");
    if spaced != b64 {
        let p = one(&spaced);
        assert_eq!(p.steps, vec![Step::SpaceAsPlus, Step::Base64]);
        assert_eq!(p.xml, data.as_bytes());
    }
}

#[test]
fn a_trailing_plus_turned_space_and_trimmed_is_restored() {
    // A response whose base64 has a '+' inside and ends in '+' (base64 of "se>").
    let (xml, b64) = (0..12)
        .map(|n| format!("<samlp:Response xmlns:samlp=\"urn:oasis:names:tc:SAML:2.0:protocol\"><!--{}>>>?--></samlp:Response>", "x".repeat(n)))
        .map(|xml| {
            let b64 = STANDARD.encode(&xml);
            (xml, b64)
        })
        .find(|(_, b64)| b64.ends_with("c2U+") && b64[..b64.len() - 1].contains('+'))
        .expect("some padding length gives such a payload");
    let p = one(b64.replace('+', " ").trim_end());
    assert_eq!(p.steps, vec![Step::SpaceAsPlus, Step::Base64]);
    assert_eq!(p.xml, xml.as_bytes());
}

#[test]
fn deflated_payloads_and_redirect_urls() {
    let b64 = STANDARD.encode(deflate(XML.as_bytes()));
    assert_eq!(one(&b64).steps, vec![Step::Base64, Step::Deflate]);
    let enc = b64
        .replace('+', "%2B")
        .replace('/', "%2F")
        .replace('=', "%3D");
    let url = format!(
        "https://idp.example.com/sso?SAMLRequest={enc}&RelayState=%2Fhome&SigAlg=a%3Ab&Signature=c%2Bd"
    );
    let p = one(&url);
    assert_eq!(p.steps, vec![Step::Url, Step::Base64, Step::Deflate]);
    assert_eq!(p.origin.param.as_deref(), Some("SAMLRequest"));
    assert_eq!(p.origin.binding.as_deref(), Some("redirect"));
    assert_eq!(p.origin.relay_state.as_deref(), Some("/home"));
    assert_eq!(p.origin.sig_alg.as_deref(), Some("a:b"));
    assert_eq!(p.origin.signature.as_deref(), Some("c+d"));
    assert_eq!(p.origin.url.as_deref(), Some("https://idp.example.com/sso"));
    assert_eq!(
        p.origin.signed_query,
        Some(format!("SAMLRequest={enc}&RelayState=%2Fhome&SigAlg=a%3Ab"))
    );
}

#[test]
fn form_bodies_and_query_strings() {
    let b64 = STANDARD.encode(XML);
    let enc = b64
        .replace('+', "%2B")
        .replace('/', "%2F")
        .replace('=', "%3D");
    let p = one(&format!("SAMLResponse={enc}&RelayState=a+b"));
    assert_eq!(p.steps, vec![Step::Form, Step::Base64]);
    assert_eq!(p.origin.binding.as_deref(), Some("post"));
    assert_eq!(p.origin.relay_state.as_deref(), Some("a b"));
    let p = one(&format!("?RelayState=x&SAMLResponse={b64}"));
    assert_eq!(p.xml, XML.as_bytes());
}

#[test]
fn html_auto_submit_form() {
    let b64 = STANDARD.encode(XML).replace('+', "&#x2B;");
    let page = format!(
        "<html><body><form method=\"post\" action=\"https://sp/acs\"><input type=\"hidden\" name=\"SAMLResponse\" value=\"{b64}\"/><input name=\"RelayState\" value=\"rs\"/></form></body></html>"
    );
    let p = one(&page);
    assert_eq!(p.steps, vec![Step::HtmlForm, Step::Base64]);
    assert_eq!(p.origin.url.as_deref(), Some("https://sp/acs"));
    assert_eq!(p.origin.relay_state.as_deref(), Some("rs"));
}

#[test]
fn several_payloads_one_per_line() {
    let a = STANDARD.encode(XML);
    let b = STANDARD.encode(deflate(XML.as_bytes()));
    let out = unwrap(
        "f",
        format!("# two captures\n{a}\n\n{b}\nnot base64!\n").as_bytes(),
    );
    assert_eq!(out.len(), 3);
    assert_eq!(out[0].as_ref().unwrap().origin.line, Some(2));
    assert_eq!(out[1].as_ref().unwrap().origin.line, Some(4));
    let err = out[2].as_ref().unwrap_err();
    assert_eq!(err.origin.line, Some(5));
    assert_eq!(err.origin.input, "f");
}

#[test]
fn prose_over_many_lines_is_one_error_not_one_per_line() {
    let out = unwrap(
        "p",
        "Here is what the IdP gave me:\nit failed!\nPHNhbWw+\nthanks\n".as_bytes(),
    );
    assert_eq!(out.len(), 1);
    assert_eq!(out[0].as_ref().unwrap_err().stage, Stage::Base64);
}

#[test]
fn wrapped_blocks_separated_by_blank_lines() {
    let a = STANDARD.encode(format!(
        "{XML}<!-- padding to make it longer than one line of wrapping -->"
    ));
    let wrapped: Vec<&str> = a
        .as_bytes()
        .chunks(64)
        .map(|c| std::str::from_utf8(c).unwrap())
        .collect();
    let block = wrapped.join("\n");
    let out = unwrap("f", format!("{block}\n\n{block}\n").as_bytes());
    assert_eq!(out.len(), 2, "{out:?}");
    assert!(out.iter().all(Result::is_ok));
}

#[test]
fn double_base64_is_unwrapped() {
    let twice = STANDARD.encode(STANDARD.encode(XML));
    assert_eq!(one(&twice).steps, vec![Step::Base64, Step::Base64]);
}

#[test]
fn errors_name_the_stage_and_position() {
    let e = one_err(b"PHNhbWw*cA==");
    assert_eq!(e.stage, Stage::Base64);
    assert_eq!(e.offset, Some(7));
    assert!(e.message.contains("'*'"), "{}", e.message);
    assert_eq!(one_err(b"").stage, Stage::Input);
    assert_eq!(one_err(b"\xff\xfe\x00garbage").stage, Stage::Input);
    let e = one_err(STANDARD.encode("hello world, not xml").as_bytes());
    assert_eq!(e.stage, Stage::Base64);
    assert!(e.message.contains("not XML"), "{}", e.message);
    let e = one_err(STANDARD.encode([0x99u8, 0x12, 0xff, 0x00, 0x01]).as_bytes());
    assert_eq!(e.stage, Stage::Inflate);
    assert_eq!(e.steps, vec![Step::Base64]);
    let e = one_err(b"https://idp.example.com/sso?x=1");
    assert_eq!(e.stage, Stage::Url);
    let e = one_err(b"PHNh=bWw");
    assert!(e.message.contains("padding"), "{}", e.message);
    let e = one_err(b"PHNhbWwgd");
    assert!(e.message.contains("truncated"), "{}", e.message);
}

#[test]
fn deflate_bomb_is_refused_quickly() {
    let zeros = vec![b'<'; 9 << 20];
    let bomb = STANDARD.encode(deflate(&zeros));
    let e = one_err(bomb.as_bytes());
    assert_eq!(e.stage, Stage::Inflate);
    assert!(e.message.contains("exceeds"), "{}", e.message);
}

#[test]
fn artifacts_are_explained() {
    let e = one_err(b"SAMLart=AAQAA&RelayState=x");
    assert_eq!(e.stage, Stage::Saml);
    assert!(e.message.contains("artifact"));
}

#[test]
fn a_value_a_sanitizer_removed_is_named_as_removed() {
    for (form, shown) in [
        (
            "SAMLResponse=%5BSAMLResponse+redacted%5D",
            "[SAMLResponse redacted]",
        ),
        ("SAMLResponse=REDACTED&RelayState=x", "REDACTED"),
        ("SAMLRequest=[FILTERED]", "[FILTERED]"),
        ("SAMLResponse=********", "********"),
        ("SAMLResponse=%3Cremoved%3E", "<removed>"),
    ] {
        let e = one_err(form.as_bytes());
        assert_eq!(e.stage, Stage::Input, "{form}");
        assert!(
            e.message.contains("value was removed"),
            "{form}: {}",
            e.message
        );
        assert!(
            e.message.contains(&format!("{shown:?}")),
            "{form}: {}",
            e.message
        );
        assert!(
            e.message.contains("samltrace har sanitize"),
            "{}",
            e.message
        );
    }
}

#[test]
fn short_or_odd_values_that_are_not_placeholders_keep_their_own_error() {
    for form in [
        "SAMLResponse=not a message!",
        "SAMLResponse=xyz",
        "SAMLResponse=**a*",
    ] {
        let e = one_err(form.as_bytes());
        assert!(!e.message.contains("was removed"), "{form}: {}", e.message);
    }
    assert_eq!(removed_value(&"x".repeat(200)), None);
}
