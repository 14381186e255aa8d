//! Opening a message with the SP key: every encrypted part is decrypted, modelled into a copy of
//! the message, and kept as its own document so that its signatures can be verified.
//!
//! Handles EncryptedAssertion, EncryptedID (in an assertion's Subject, also inside a decrypted
//! assertion, and in a LogoutRequest) and EncryptedAttribute. It never changes the received
//! document and never decides what is trusted.

use serde::Serialize;

use super::cipher::DecryptFailure;
use super::decrypt::{self, Algorithms, SpKey, WRAPPER};
use crate::saml::{self, Assertion, Message, Request};
use crate::xml::{Document, Element, ns};

/// A message after decryption, and the parts that were opened.
#[derive(Debug)]
pub struct Opened {
    /// The message with decrypted assertions, NameIDs and attributes in place.
    pub message: Message,
    pub parts: Vec<DecryptedPart>,
}

/// One encrypted element and what became of it.
#[derive(Debug)]
pub struct DecryptedPart {
    /// `EncryptedAssertion`, `EncryptedID` or `EncryptedAttribute`.
    pub element: String,
    /// Where the encrypted element sits, as a path of the received document (a part found in a
    /// decrypted assertion continues that assertion's path).
    pub path: String,
    pub algorithms: Algorithms,
    /// The plaintext parsed in place: a wrapper root whose children are the decrypted elements.
    pub outcome: Result<Document, DecryptFailure>,
}

/// What the JSON output says about one encrypted part.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct DecryptionInfo {
    pub element: String,
    pub path: String,
    pub key_transport: Option<String>,
    pub content: Option<String>,
    pub decrypted: bool,
    /// Why decryption failed (EN002), in words.
    pub error: Option<String>,
}

impl DecryptedPart {
    pub fn document(&self) -> Option<&Document> {
        self.outcome.as_ref().ok()
    }

    /// The path of an element of this part's document, as seen from the received document.
    pub fn display_path(&self, e: Element<'_>) -> String {
        let p = e.path();
        let rest = p.strip_prefix(&format!("/{WRAPPER}")).unwrap_or(&p);
        format!("{}{rest}", self.path)
    }

    pub fn info(&self) -> DecryptionInfo {
        DecryptionInfo {
            element: self.element.clone(),
            path: self.path.clone(),
            key_transport: self.algorithms.key_transport.clone(),
            content: self.algorithms.content.clone(),
            decrypted: self.outcome.is_ok(),
            error: self.outcome.as_ref().err().map(DecryptFailure::reason),
        }
    }
}

/// Decrypts every encrypted part of `msg` (modelled from `doc`) with `key`.
pub fn open_message(doc: &Document, msg: &Message, key: &SpKey) -> Opened {
    let mut message = msg.clone();
    let mut parts = Vec::new();
    for a in &mut message.assertions {
        if a.encrypted {
            open_assertion(doc, a, key, &mut parts);
        } else if let Some(el) = find(doc, "Assertion", &a.path) {
            open_inner(el, &|e| e.path(), key, a, &mut parts);
        }
    }
    if let Some(Request::Logout(l)) = &mut message.request
        && let Some(eid) = doc.root().child(ns::SAML, "EncryptedID")
    {
        let part = open_part(eid, eid.path(), key);
        if let Some(n) = part
            .document()
            .and_then(|d| d.root().child(ns::SAML, "NameID"))
        {
            l.name_id = Some(saml::name_id(n));
            l.encrypted_id = None;
        }
        parts.push(part);
    }
    Opened { message, parts }
}

fn find<'d>(doc: &'d Document, local: &str, path: &str) -> Option<Element<'d>> {
    doc.elements()
        .filter(|e| e.is(ns::SAML, local))
        .find(|e| e.path() == path)
}

fn open_part(e: Element<'_>, path: String, key: &SpKey) -> DecryptedPart {
    DecryptedPart {
        element: e.local_name().to_owned(),
        path,
        algorithms: decrypt::algorithms(e),
        outcome: decrypt::open_element(e, key),
    }
}

fn open_assertion(doc: &Document, a: &mut Assertion, key: &SpKey, parts: &mut Vec<DecryptedPart>) {
    let Some(el) = find(doc, "EncryptedAssertion", &a.path) else {
        return;
    };
    let part = open_part(el, a.path.clone(), key);
    let mut nested = Vec::new();
    let inner = part
        .document()
        .and_then(|d| d.root().child(ns::SAML, "Assertion"));
    if let Some(inner) = inner {
        let mut model = saml::assertion(inner);
        model.path = part.display_path(inner);
        model.encryption = a.encryption.take();
        open_inner(
            inner,
            &|e| part.display_path(e),
            key,
            &mut model,
            &mut nested,
        );
        *a = model;
    }
    parts.push(part);
    parts.extend(nested);
}

/// Opens the EncryptedID and EncryptedAttributes of one (plain or decrypted) assertion.
fn open_inner(
    assertion: Element<'_>,
    path_of: &dyn Fn(Element<'_>) -> String,
    key: &SpKey,
    model: &mut Assertion,
    parts: &mut Vec<DecryptedPart>,
) {
    let eid = assertion
        .child(ns::SAML, "Subject")
        .and_then(|s| s.child(ns::SAML, "EncryptedID"));
    if let Some(eid) = eid {
        let part = open_part(eid, path_of(eid), key);
        let name = part
            .document()
            .and_then(|d| d.root().child(ns::SAML, "NameID"));
        if let (Some(n), Some(s)) = (name, model.subject.as_mut()) {
            s.name_id = Some(saml::name_id(n));
            s.encrypted_id = None;
        }
        parts.push(part);
    }
    let mut failed = Vec::new();
    let encrypted_attributes = assertion
        .children_named(ns::SAML, "AttributeStatement")
        .flat_map(|s| s.children_named(ns::SAML, "EncryptedAttribute"));
    for (i, ea) in encrypted_attributes.enumerate() {
        let part = open_part(ea, path_of(ea), key);
        match part.document() {
            Some(d) => model.attributes.extend(
                d.root()
                    .children_named(ns::SAML, "Attribute")
                    .map(saml::attribute),
            ),
            None => failed.push(i),
        }
        parts.push(part);
    }
    let mut i = 0;
    model.encrypted_attributes.retain(|_| {
        i += 1;
        failed.contains(&(i - 1))
    });
}
