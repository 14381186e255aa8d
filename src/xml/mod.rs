//! Safe XML for untrusted SAML documents.
//!
//! [`Document::parse`] turns text into a small arena tree with namespaces resolved and byte spans
//! into the text kept exactly as received. It refuses DOCTYPE and entity declarations, bounds
//! depth, size and node count, and never fetches anything. Nothing here does I/O.

pub mod c14n;
mod error;
mod tree;

pub use error::{XmlError, line_col};
pub use tree::{Attr, Document, Element, Limits, NodeId, NodeRef, NsDecl};

/// Namespace URIs the rest of the crate matches elements by (never by prefix).
pub mod ns {
    pub const SAMLP: &str = "urn:oasis:names:tc:SAML:2.0:protocol";
    pub const SAML: &str = "urn:oasis:names:tc:SAML:2.0:assertion";
    pub const DS: &str = "http://www.w3.org/2000/09/xmldsig#";
    pub const XENC: &str = "http://www.w3.org/2001/04/xmlenc#";
    pub const XENC11: &str = "http://www.w3.org/2009/xmlenc11#";
    pub const XSI: &str = "http://www.w3.org/2001/XMLSchema-instance";
    pub const SAML1P: &str = "urn:oasis:names:tc:SAML:1.0:protocol";
    pub const SAML1: &str = "urn:oasis:names:tc:SAML:1.0:assertion";
    pub const MD: &str = "urn:oasis:names:tc:SAML:2.0:metadata";
    pub const XML: &str = "http://www.w3.org/XML/1998/namespace";
}
