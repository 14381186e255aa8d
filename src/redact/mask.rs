//! Keyed masking of the values that say who a message is about: NameIDs and attribute values are
//! replaced by a truncated HMAC-SHA256 of their exact text, so a sanitised capture can be shared
//! and still matched against an identity list masked with the same key (`compare --mask-key`).
//!
//! [`mask_value`] is the one definition both sides use. Pure; it must never log or return a key.

use std::ops::Range;

use sha2::{Digest, Sha256};

use crate::xml::Document;

/// What every masked value starts with, so a reader knows it is not a real identifier.
pub const PREFIX: &str = "masked-";
/// Hex digits of the HMAC kept (64 bits: collisions are not a concern at identity-list sizes).
const HEX_DIGITS: usize = 16;

const SAML_ASSERTION: &str = "urn:oasis:names:tc:SAML:2.0:assertion";

/// The masked form of `value` under `key`: `masked-` and the first 16 hex digits of
/// HMAC-SHA256(key, value). The value is taken exactly as it is (spaces and case included), as
/// GitLab compares it.
pub fn mask_value(key: &str, value: &str) -> String {
    let mac = hmac_sha256(key.as_bytes(), value.as_bytes());
    let hex: String = mac.iter().map(|b| format!("{b:02x}")).collect();
    format!("{PREFIX}{}", &hex[..HEX_DIGITS])
}

/// HMAC-SHA256 (RFC 2104) over SHA-256's 64-byte block.
fn hmac_sha256(key: &[u8], message: &[u8]) -> [u8; 32] {
    let mut block = [0u8; 64];
    if key.len() > block.len() {
        block[..32].copy_from_slice(&Sha256::digest(key));
    } else {
        block[..key.len()].copy_from_slice(key);
    }
    let pad = |byte: u8| block.map(|b| b ^ byte);
    let inner = Sha256::new()
        .chain_update(pad(0x36))
        .chain_update(message)
        .finalize();
    Sha256::new()
        .chain_update(pad(0x5c))
        .chain_update(inner)
        .finalize()
        .into()
}

/// The document with the text of every `NameID` and of every `AttributeValue` that holds only
/// text replaced by its masked form, and how many values were masked. `None` when the text is
/// not a document the XML layer accepts (it is then left alone by the caller).
pub fn mask_xml(key: &str, xml: &str) -> Option<(String, usize)> {
    let doc = Document::parse(xml.to_owned()).ok()?;
    let mut edits: Vec<(Range<usize>, String)> = doc
        .elements()
        .filter(|e| e.ns() == Some(SAML_ASSERTION))
        .filter(|e| matches!(e.local_name(), "NameID" | "AttributeValue"))
        .filter(|e| !e.has_element_children())
        .filter_map(|e| {
            let inner = inner_range(e.source())?;
            let start = e.span().start;
            let value = e.text();
            Some((
                start + inner.start..start + inner.end,
                mask_value(key, &value),
            ))
        })
        .collect();
    let count = edits.len();
    edits.sort_by_key(|(r, _)| std::cmp::Reverse(r.start));
    let mut out = doc.into_text();
    for (range, with) in edits {
        out.replace_range(range, &with);
    }
    Some((out, count))
}

/// The content between an element's start tag and its end tag, in `source` (the element's
/// markup); `None` for an empty element. Quotes are respected: `>` may appear in attributes.
fn inner_range(source: &str) -> Option<Range<usize>> {
    let bytes = source.as_bytes();
    let mut quote = None;
    let mut open_end = None;
    for (i, &b) in bytes.iter().enumerate() {
        match (quote, b) {
            (Some(q), _) if b == q => quote = None,
            (Some(_), _) => {}
            (None, b'"' | b'\'') => quote = Some(b),
            (None, b'>') => {
                open_end = Some(i + 1);
                break;
            }
            _ => {}
        }
    }
    let start = open_end?;
    if bytes.get(start.saturating_sub(2)) == Some(&b'/') {
        return None;
    }
    let end = source.rfind("</")?;
    (end >= start).then_some(start..end)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hmac_matches_rfc_4231() {
        // RFC 4231 test case 2.
        let mac = hmac_sha256(b"Jefe", b"what do ya want for nothing?");
        let hex: String = mac.iter().map(|b| format!("{b:02x}")).collect();
        assert_eq!(
            hex,
            "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"
        );
        // Test case 6: a key longer than the block.
        let mac = hmac_sha256(
            &[0xaa; 131],
            b"Test Using Larger Than Block-Size Key - Hash Key First",
        );
        assert_eq!(mac[..4], [0x60, 0xe4, 0x31, 0x59]);
    }

    #[test]
    fn masked_values_are_stable_keyed_and_recognisable() {
        let a = mask_value("k1", "alice@example.com");
        assert_eq!(a, mask_value("k1", "alice@example.com"));
        assert_ne!(a, mask_value("k2", "alice@example.com"));
        assert_ne!(a, mask_value("k1", "alice@example.com "));
        assert!(a.starts_with(PREFIX));
        assert_eq!(a.len(), PREFIX.len() + HEX_DIGITS);
    }

    #[test]
    fn name_ids_and_text_attribute_values_are_masked() {
        let xml = r#"<samlp:Response xmlns:samlp="urn:oasis:names:tc:SAML:2.0:protocol" xmlns:saml="urn:oasis:names:tc:SAML:2.0:assertion" ID="_r"><saml:Assertion ID="_a"><saml:Subject><saml:NameID Format="a>b">alice@example.com</saml:NameID></saml:Subject><saml:AttributeStatement><saml:Attribute Name="email"><saml:AttributeValue>alice@example.com</saml:AttributeValue><saml:AttributeValue/></saml:Attribute></saml:AttributeStatement></saml:Assertion></samlp:Response>"#;
        let (masked, count) = mask_xml("k", xml).unwrap();
        assert_eq!(count, 2);
        let m = mask_value("k", "alice@example.com");
        assert!(!masked.contains("alice"), "{masked}");
        assert!(masked.contains(&format!(r#"<saml:NameID Format="a>b">{m}</saml:NameID>"#)));
        assert!(masked.contains(&format!("<saml:AttributeValue>{m}</saml:AttributeValue>")));
        assert!(masked.contains("<saml:AttributeValue/>"));
        assert!(Document::parse(masked).is_ok());
        assert_eq!(mask_xml("k", "not xml"), None);
    }
}
