//! SAML 2.0 messages: the typed model and its extraction from a parsed document.
//!
//! Pure: takes a [`crate::xml::Document`], returns a [`Message`]. Never verifies or decrypts
//! (see `dsig`), never judges (see `checks`).

mod extract;
pub mod model;

pub use extract::{assertion, attribute, encryption, name_id};
pub use model::*;

use crate::xml::Document;

/// Why a well-formed XML document is not a SAML message we can read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum SamlError {
    #[error("root element {0} is not a SAML 2.0 protocol message or assertion")]
    UnknownRoot(String),
    #[error(
        "root element <{0}> has no namespace: expected urn:oasis:names:tc:SAML:2.0:protocol (a service provider must reject it)"
    )]
    NoNamespace(String),
    #[error("this is a SAML 1.1 {0}: only SAML 2.0 is supported")]
    Saml11(String),
    #[error("this is SAML metadata ({0}), not a message: use it with --idp-cert")]
    Metadata(String),
}

impl Message {
    /// Reads the message at the document element.
    pub fn from_document(doc: &Document) -> Result<Message, SamlError> {
        extract::message(doc.root())
    }
}
