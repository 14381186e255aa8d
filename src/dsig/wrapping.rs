//! Signature wrapping (SG005): is the assertion whose NameID we show the one a valid signature
//! covers, directly or through the signed Response that contains it?
//!
//! Works from what verification found (`SignatureInfo.covers`, `.path`, `.status`) and the
//! shape of the received document; it never re-resolves references by itself and never looks an
//! element up by "first Assertion in document order".

use serde::Serialize;

use super::SignatureInfo;
use super::verify::IdIndex;
use crate::saml::Message;
use crate::xml::{Document, Element, ns};

/// Most extra assertions named one by one.
const MAX_LISTED: usize = 8;

/// What the signatures cover, against what is shown.
#[derive(Debug, Clone, Default, Serialize, PartialEq, Eq)]
pub struct Coverage {
    /// Path of the assertion whose NameID and attributes are shown.
    pub shown: Option<String>,
    /// Paths of the elements that signatures vouch for.
    pub signed: Vec<String>,
    /// Whether a vouching signature covers the shown assertion; `None` when nothing is shown.
    pub shown_signed: Option<bool>,
    /// Why this is signature wrapping (SG005), one sentence each; empty when it is not.
    pub wrapping: Vec<String>,
}

/// Compares what the signatures cover with what the message shows. `anchored` says whether
/// signatures were checked against trust anchors (else intact digests count as vouching).
pub fn analyse(doc: &Document, msg: &Message, sigs: &[SignatureInfo], anchored: bool) -> Coverage {
    let root = doc.root().path();
    let shown = shown_assertion(msg);
    let signed: Vec<String> = sigs
        .iter()
        .filter(|s| s.vouches(anchored))
        .filter_map(|s| s.covers.clone())
        .collect();
    let shown_signed = shown
        .as_deref()
        .map(|p| signed.iter().any(|c| covers(c, p, &root)));
    let mut c = Coverage {
        shown: shown.clone(),
        signed,
        shown_signed,
        wrapping: Vec::new(),
    };
    if sigs.is_empty() {
        return c;
    }
    duplicate_ids(doc, &mut c.wrapping);
    misplaced_references(msg, sigs, &root, &mut c.wrapping);
    if let (Some(p), Some(false)) = (&shown, shown_signed)
        && !c.signed.is_empty()
    {
        c.wrapping.push(format!(
            "the NameID shown comes from the assertion at {p}, but the valid signature covers \
             only {}",
            c.signed.join(" and ")
        ));
    }
    extra_assertions(doc, shown.as_deref(), &mut c.wrapping);
    c.wrapping.dedup();
    c
}

/// The assertion a service provider would read: the first with a NameID, else the first.
fn shown_assertion(msg: &Message) -> Option<String> {
    let with_name = msg
        .assertions
        .iter()
        .find(|a| a.subject.as_ref().is_some_and(|s| s.name_id.is_some()));
    with_name
        .or_else(|| msg.assertions.first())
        .map(|a| a.path.clone())
}

/// A signature over `covered` vouches for `shown` when it is that element, or the root
/// Response that contains it (outside any Signature, which the enveloped transform removed).
fn covers(covered: &str, shown: &str, root: &str) -> bool {
    if covered == shown {
        return true;
    }
    covered == root
        && shown
            .strip_prefix(root)
            .is_some_and(|rest| rest.starts_with('/') && !rest.contains("/Signature"))
}

fn duplicate_ids(doc: &Document, out: &mut Vec<String>) {
    let ids = IdIndex::new(doc);
    let mut dups: Vec<(&str, usize)> = ids.duplicates().collect();
    dups.sort();
    for (id, n) in dups {
        out.push(format!(
            "ID {id:?} is carried by {n} elements: which one a reference means is ambiguous"
        ));
    }
}

fn misplaced_references(msg: &Message, sigs: &[SignatureInfo], root: &str, out: &mut Vec<String>) {
    let readable: Vec<&str> = std::iter::once(root)
        .chain(msg.assertions.iter().map(|a| a.path.as_str()))
        .collect();
    for s in sigs {
        let Some(c) = &s.covers else { continue };
        if c != &s.path {
            out.push(format!(
                "the signature in {} covers {c}, not the element it sits in",
                s.path
            ));
        }
        let intact = matches!(
            s.status.as_deref(),
            Some("verified" | "digest_ok" | "wrong_key" | "no_key")
        );
        if intact && !readable.contains(&c.as_str()) {
            out.push(format!(
                "the signature covers {c}, where a service provider reads no signed element"
            ));
        }
    }
}

/// Every assertion of the received document other than the shown one (Advice excepted).
fn extra_assertions(doc: &Document, shown: Option<&str>, out: &mut Vec<String>) {
    let shown_outer = shown.map(|p| match p.rsplit_once('/') {
        Some((parent, "Assertion")) if parent.ends_with("EncryptedAssertion") => parent,
        _ => p,
    });
    // Paths are computed for the few listed only: a hostile document may hold many thousands.
    let all: Vec<Element<'_>> = doc
        .elements()
        .filter(|e| is_assertion(*e) && !in_advice(*e))
        .collect();
    let mut listed = 0;
    for e in &all {
        if listed == MAX_LISTED {
            break;
        }
        let path = e.path();
        if Some(path.as_str()) == shown_outer {
            continue;
        }
        out.push(format!(
            "another {} sits at {path}: a response carries exactly one assertion, and which one \
             a service provider reads is what wrapping attacks exploit",
            e.local_name()
        ));
        listed += 1;
    }
    let more = all
        .len()
        .saturating_sub(listed + usize::from(shown_outer.is_some()));
    if more > 0 {
        out.push(format!("and {more} more assertions"));
    }
}

fn is_assertion(e: Element<'_>) -> bool {
    e.is(ns::SAML, "Assertion") || e.is(ns::SAML, "EncryptedAssertion")
}

fn in_advice(e: Element<'_>) -> bool {
    e.ancestors().any(|a| a.is(ns::SAML, "Advice"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_signed_response_covers_its_assertions_but_not_its_signature() {
        assert!(covers("/Response", "/Response/Assertion", "/Response"));
        assert!(covers(
            "/Response",
            "/Response/EncryptedAssertion/Assertion",
            "/Response"
        ));
        assert!(!covers(
            "/Response",
            "/Response/Signature/Object/Assertion",
            "/Response"
        ));
        assert!(!covers(
            "/Response/Assertion[1]",
            "/Response/Assertion[2]",
            "/Response"
        ));
        assert!(!covers("/Response", "/ResponseX/Assertion", "/Response"));
    }
}
