//! Property: a generated response survives every encoding a capture can put on it, and decodes
//! to the same model.

use std::io::Write;

use base64::Engine;
use base64::engine::general_purpose::{STANDARD, URL_SAFE_NO_PAD};
use proptest::prelude::*;
use samltrace::pipeline::Pipeline;

fn decode(name: &str, bytes: &[u8]) -> Vec<samltrace::trace::Trace> {
    Pipeline::judging_at("2026-11-02T09:00:00Z".parse().unwrap()).decode(name, bytes)
}

#[derive(Debug, Clone)]
struct Generated {
    name_id: String,
    format: String,
    issuer: String,
    attributes: Vec<(String, Vec<String>)>,
    prefixes: (String, String),
}

fn xml_escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

impl Generated {
    fn xml(&self) -> String {
        let (pp, p) = (&self.prefixes.0, &self.prefixes.1);
        let (pd, pc) = (colon(pp), colon(p));
        let attrs: String = self
            .attributes
            .iter()
            .map(|(n, vs)| {
                let values: String = vs
                    .iter()
                    .map(|v| format!("<{pc}AttributeValue>{}</{pc}AttributeValue>", xml_escape(v)))
                    .collect();
                format!(
                    "<{pc}Attribute Name=\"{}\">{values}</{pc}Attribute>",
                    xml_escape(n)
                )
            })
            .collect();
        format!(
            "<{pd}Response {} {} ID=\"_r\" Version=\"2.0\"><{pc}Issuer>{}</{pc}Issuer>\
             <{pd}Status><{pd}StatusCode Value=\"urn:oasis:names:tc:SAML:2.0:status:Success\"/></{pd}Status>\
             <{pc}Assertion ID=\"_a\"><{pc}Subject><{pc}NameID Format=\"{}\">{}</{pc}NameID></{pc}Subject>\
             <{pc}AttributeStatement>{attrs}</{pc}AttributeStatement></{pc}Assertion></{pd}Response>",
            decl(pp, "urn:oasis:names:tc:SAML:2.0:protocol"),
            decl(p, "urn:oasis:names:tc:SAML:2.0:assertion"),
            xml_escape(&self.issuer),
            xml_escape(&self.format),
            xml_escape(&self.name_id),
        )
    }
}

fn colon(prefix: &str) -> String {
    if prefix.is_empty() {
        String::new()
    } else {
        format!("{prefix}:")
    }
}

/// Declares the namespace; with no prefix, only one of the two may be the default, so the
/// assertion namespace gets a fallback prefix in that case (handled by the strategy).
fn decl(prefix: &str, uri: &str) -> String {
    if prefix.is_empty() {
        format!("xmlns=\"{uri}\"")
    } else {
        format!("xmlns:{prefix}=\"{uri}\"")
    }
}

fn text() -> impl Strategy<Value = String> {
    // Printable text including XML-special characters, spaces and non-ASCII; no control characters.
    "[a-zA-Z0-9 @._+/=&<>\"'é漢\u{200b}-]{1,40}".prop_filter("non-blank", |s| !s.trim().is_empty())
}

fn generated() -> impl Strategy<Value = Generated> {
    let prefixes = prop_oneof![
        Just(("samlp".to_owned(), "saml".to_owned())),
        Just(("saml2p".to_owned(), "saml2".to_owned())),
        Just((String::new(), "saml".to_owned())),
        Just(("p".to_owned(), "a".to_owned())),
    ];
    (
        text(),
        text(),
        text(),
        prop::collection::vec((text(), prop::collection::vec(text(), 1..4)), 0..5),
        prefixes,
    )
        .prop_map(
            |(name_id, format, issuer, attributes, prefixes)| Generated {
                name_id,
                format,
                issuer,
                attributes,
                prefixes,
            },
        )
}

#[derive(Debug, Clone, Copy)]
enum Wrap {
    Raw,
    Base64,
    Base64UrlUnpadded,
    Wrapped76,
    Percent,
    PlusAsSpace,
    Form,
    RedirectUrl,
    DeflatedPost,
    HtmlForm,
}

fn wraps() -> impl Strategy<Value = Wrap> {
    prop_oneof![
        Just(Wrap::Raw),
        Just(Wrap::Base64),
        Just(Wrap::Base64UrlUnpadded),
        Just(Wrap::Wrapped76),
        Just(Wrap::Percent),
        Just(Wrap::PlusAsSpace),
        Just(Wrap::Form),
        Just(Wrap::RedirectUrl),
        Just(Wrap::DeflatedPost),
        Just(Wrap::HtmlForm),
    ]
}

fn deflate(data: &[u8]) -> Vec<u8> {
    let mut e = flate2::write::DeflateEncoder::new(Vec::new(), flate2::Compression::default());
    e.write_all(data).unwrap();
    e.finish().unwrap()
}

fn percent(s: &str) -> String {
    url::form_urlencoded::byte_serialize(s.as_bytes()).collect()
}

fn wrap(xml: &str, how: Wrap) -> String {
    let b64 = STANDARD.encode(xml);
    match how {
        Wrap::Raw => xml.to_owned(),
        Wrap::Base64 => b64,
        Wrap::Base64UrlUnpadded => URL_SAFE_NO_PAD.encode(xml),
        Wrap::Wrapped76 => b64
            .as_bytes()
            .chunks(76)
            .map(|c| String::from_utf8_lossy(c).into_owned())
            .collect::<Vec<_>>()
            .join("\r\n"),
        Wrap::Percent => percent(&b64),
        Wrap::PlusAsSpace => b64.replace('+', " "),
        Wrap::Form => format!("SAMLResponse={}&RelayState=%2Fhome", percent(&b64)),
        Wrap::RedirectUrl => {
            format!(
                "https://sp.example.com/acs?SAMLResponse={}&RelayState=x",
                percent(&STANDARD.encode(deflate(xml.as_bytes())))
            )
        }
        Wrap::DeflatedPost => STANDARD.encode(deflate(xml.as_bytes())),
        Wrap::HtmlForm => format!(
            "<html><body><form method=\"post\" action=\"https://sp/acs\"><input type=\"hidden\" name=\"SAMLResponse\" value=\"{}\"/></form></body></html>",
            b64.replace('+', "&#43;")
        ),
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(300))]

    #[test]
    fn every_encoding_round_trips_to_the_same_model(g in generated(), how in wraps()) {
        let mut g = g;
        if g.prefixes.0.is_empty() && g.prefixes.1.is_empty() {
            g.prefixes.1 = "saml".into();
        }
        let xml = g.xml();
        let input = wrap(&xml, how);
        let traces = decode("prop", input.as_bytes());
        prop_assert_eq!(traces.len(), 1, "{:?}", traces);
        let t = &traces[0];
        prop_assert!(t.error.is_none(), "{:?} {:?}", how, t.error);
        prop_assert_eq!(t.xml.as_deref(), Some(xml.as_str()));
        let m = t.message.as_ref().unwrap();
        prop_assert_eq!(m.issuer.as_deref(), Some(g.issuer.as_str()));
        let n = m.name_id().unwrap();
        prop_assert_eq!(&n.value, &g.name_id);
        prop_assert_eq!(n.format.as_deref(), Some(g.format.as_str()));
        let attrs: Vec<(String, Vec<String>)> = m.assertions[0]
            .attributes
            .iter()
            .map(|a| (a.name.clone(), a.values.iter().map(|v| v.clone().unwrap_or_default()).collect()))
            .collect();
        prop_assert_eq!(attrs, g.attributes);
    }

    #[test]
    fn arbitrary_bytes_never_panic(bytes in prop::collection::vec(any::<u8>(), 0..2000)) {
        let _ = decode("fuzz", &bytes);
    }

    #[test]
    fn arbitrary_text_never_panics(s in "\\PC{0,300}") {
        let _ = decode("fuzz", s.as_bytes());
    }
}
