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

/// Most encrypted parts opened in one message: each costs an RSA private-key operation.
pub const MAX_PARTS: usize = 16;

/// Decrypts every encrypted part of `msg` (modelled from `doc`) with `key`.
pub fn open_message(doc: &Document, msg: &Message, key: &SpKey) -> Opened {
    let mut message = msg.clone();
    let mut parts = Parts::default();
    for (a, el) in message.assertions.iter_mut().zip(assertion_elements(doc)) {
        if a.encrypted {
            open_assertion(el, a, key, &mut parts);
        } else {
            open_inner(el, &|e| e.path(), key, a, &mut parts);
        }
    }
    if let Some(Request::Logout(l)) = &mut message.request
        && let Some(eid) = doc.root().child(ns::SAML, "EncryptedID")
        && let Some(part) = parts.open(eid, eid.path(), key)
    {
        if let Some(n) = part
            .document()
            .and_then(|d| d.root().child(ns::SAML, "NameID"))
        {
            l.name_id = Some(saml::name_id(n));
            l.encrypted_id = None;
        }
        parts.push(part);
    }
    Opened {
        message,
        parts: parts.done,
    }
}

/// The elements the model's assertions were read from, in the same order (the model reads a
/// bare Assertion, or the Assertion and EncryptedAssertion children of the root).
fn assertion_elements(doc: &Document) -> Vec<Element<'_>> {
    let root = doc.root();
    if root.is(ns::SAML, "Assertion") {
        return vec![root];
    }
    root.child_elements()
        .filter(|e| e.is(ns::SAML, "Assertion") || e.is(ns::SAML, "EncryptedAssertion"))
        .collect()
}

/// The parts opened so far, and the budget of [`MAX_PARTS`].
#[derive(Default)]
struct Parts {
    done: Vec<DecryptedPart>,
    refused: bool,
}

impl Parts {
    /// Opens `e`, or records once that the budget is spent and returns `None`.
    fn open(&mut self, e: Element<'_>, path: String, key: &SpKey) -> Option<DecryptedPart> {
        if self.done.len() < MAX_PARTS {
            return Some(DecryptedPart {
                element: e.local_name().to_owned(),
                path,
                algorithms: decrypt::algorithms(e),
                outcome: decrypt::open_element(e, key),
            });
        }
        if !self.refused {
            self.refused = true;
            self.done.push(DecryptedPart {
                element: e.local_name().to_owned(),
                path,
                algorithms: Algorithms::default(),
                outcome: Err(DecryptFailure::Malformed(format!(
                    "more than {MAX_PARTS} encrypted parts in one message: the rest are not opened"
                ))),
            });
        }
        None
    }

    fn push(&mut self, part: DecryptedPart) {
        self.done.push(part);
    }
}

fn open_assertion(el: Element<'_>, a: &mut Assertion, key: &SpKey, parts: &mut Parts) {
    let Some(part) = parts.open(el, a.path.clone(), key) else {
        return;
    };
    let mut nested = Parts::default();
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
    for n in nested.done {
        parts.push(n);
    }
}

/// Opens the EncryptedID and EncryptedAttributes of one (plain or decrypted) assertion.
fn open_inner(
    assertion: Element<'_>,
    path_of: &dyn Fn(Element<'_>) -> String,
    key: &SpKey,
    model: &mut Assertion,
    parts: &mut Parts,
) {
    let eid = assertion
        .child(ns::SAML, "Subject")
        .and_then(|s| s.child(ns::SAML, "EncryptedID"));
    if let Some(eid) = eid
        && let Some(part) = parts.open(eid, path_of(eid), key)
    {
        let name = part
            .document()
            .and_then(|d| d.root().child(ns::SAML, "NameID"));
        if let (Some(n), Some(s)) = (name, model.subject.as_mut()) {
            s.name_id = Some(saml::name_id(n));
            s.encrypted_id = None;
        }
        parts.push(part);
    }
    let mut opened = Vec::new();
    let encrypted_attributes = assertion
        .children_named(ns::SAML, "AttributeStatement")
        .flat_map(|s| s.children_named(ns::SAML, "EncryptedAttribute"));
    for (i, ea) in encrypted_attributes.enumerate() {
        let Some(part) = parts.open(ea, path_of(ea), key) else {
            break;
        };
        if let Some(d) = part.document() {
            model.attributes.extend(
                d.root()
                    .children_named(ns::SAML, "Attribute")
                    .map(saml::attribute),
            );
            opened.push(i);
        }
        parts.push(part);
    }
    let mut i = 0;
    model.encrypted_attributes.retain(|_| {
        i += 1;
        !opened.contains(&(i - 1))
    });
}
