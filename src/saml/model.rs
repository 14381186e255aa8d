//! The typed SAML model: what a message says, in the field names of the `samltrace/v1` schema.
//!
//! Plain data with serde derives. Field names are public interface: add freely, never rename.

use serde::Serialize;

/// A decoded SAML protocol message (or a bare assertion someone pasted).
#[derive(Debug, Clone, Default, Serialize, PartialEq)]
pub struct Message {
    /// Which message this is (`Response`, `AuthnRequest`, … in JSON).
    pub kind: MessageKind,
    pub id: Option<String>,
    pub version: Option<String>,
    pub issue_instant: Option<String>,
    pub destination: Option<String>,
    pub in_response_to: Option<String>,
    pub issuer: Option<String>,
    pub status: Option<Status>,
    pub assertions: Vec<Assertion>,
    pub request: Option<Request>,
    /// Notes about the document's shape worth showing (assertions outside the usual place,
    /// comments inside values, SAML 1.1, …). Not findings: those come from the checks.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub notes: Vec<String>,
}

/// The SAML 2.0 protocol messages samltrace reads, and a bare `saml:Assertion`; serialised as the
/// root element's local name.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize)]
pub enum MessageKind {
    #[default]
    Response,
    Assertion,
    AuthnRequest,
    LogoutRequest,
    LogoutResponse,
    ArtifactResolve,
    ArtifactResponse,
    AttributeQuery,
    AuthnQuery,
    AuthzDecisionQuery,
    AssertionIDRequest,
    ManageNameIDRequest,
    ManageNameIDResponse,
    NameIDMappingRequest,
    NameIDMappingResponse,
}

impl MessageKind {
    /// Every protocol message (root elements in the `samlp` namespace).
    pub const PROTOCOL: [MessageKind; 14] = [
        MessageKind::Response,
        MessageKind::AuthnRequest,
        MessageKind::LogoutRequest,
        MessageKind::LogoutResponse,
        MessageKind::ArtifactResolve,
        MessageKind::ArtifactResponse,
        MessageKind::AttributeQuery,
        MessageKind::AuthnQuery,
        MessageKind::AuthzDecisionQuery,
        MessageKind::AssertionIDRequest,
        MessageKind::ManageNameIDRequest,
        MessageKind::ManageNameIDResponse,
        MessageKind::NameIDMappingRequest,
        MessageKind::NameIDMappingResponse,
    ];

    /// The root element's local name.
    pub fn name(self) -> &'static str {
        match self {
            MessageKind::Response => "Response",
            MessageKind::Assertion => "Assertion",
            MessageKind::AuthnRequest => "AuthnRequest",
            MessageKind::LogoutRequest => "LogoutRequest",
            MessageKind::LogoutResponse => "LogoutResponse",
            MessageKind::ArtifactResolve => "ArtifactResolve",
            MessageKind::ArtifactResponse => "ArtifactResponse",
            MessageKind::AttributeQuery => "AttributeQuery",
            MessageKind::AuthnQuery => "AuthnQuery",
            MessageKind::AuthzDecisionQuery => "AuthzDecisionQuery",
            MessageKind::AssertionIDRequest => "AssertionIDRequest",
            MessageKind::ManageNameIDRequest => "ManageNameIDRequest",
            MessageKind::ManageNameIDResponse => "ManageNameIDResponse",
            MessageKind::NameIDMappingRequest => "NameIDMappingRequest",
            MessageKind::NameIDMappingResponse => "NameIDMappingResponse",
        }
    }

    /// A protocol message's kind from its root element's local name.
    pub fn protocol(local_name: &str) -> Option<MessageKind> {
        MessageKind::PROTOCOL
            .into_iter()
            .find(|k| k.name() == local_name)
    }

    /// A status response (it carries a `Status`): Response, LogoutResponse, ArtifactResponse, …
    pub fn is_status_response(self) -> bool {
        self.name().ends_with("Response")
    }

    /// A Response or a bare Assertion: the messages that sign someone in, which the checks judge.
    pub fn signs_in(self) -> bool {
        matches!(self, MessageKind::Response | MessageKind::Assertion)
    }

    /// Messages that speak for a user: responses, bare assertions and logout requests.
    pub fn names_a_user(self) -> bool {
        matches!(
            self,
            MessageKind::Response | MessageKind::Assertion | MessageKind::LogoutRequest
        )
    }

    /// The form or query parameter a message of this kind travels in; none for a bare assertion.
    pub fn param(self) -> Option<&'static str> {
        match self {
            MessageKind::Assertion => None,
            k if k.is_status_response() => Some("SAMLResponse"),
            _ => Some("SAMLRequest"),
        }
    }
}

impl std::fmt::Display for MessageKind {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name())
    }
}

#[derive(Debug, Clone, Default, Serialize, PartialEq)]
pub struct Status {
    pub code: Option<String>,
    pub second_level: Option<String>,
    pub message: Option<String>,
    /// StatusDetail as its XML text, when present.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub detail: Option<String>,
}

impl Status {
    pub const SUCCESS: &'static str = "urn:oasis:names:tc:SAML:2.0:status:Success";

    pub fn is_success(&self) -> bool {
        self.code.as_deref() == Some(Self::SUCCESS)
    }
}

#[derive(Debug, Clone, Default, Serialize, PartialEq)]
pub struct Assertion {
    pub id: Option<String>,
    pub issue_instant: Option<String>,
    pub issuer: Option<String>,
    /// True for an `EncryptedAssertion` that has not been decrypted.
    pub encrypted: bool,
    /// The algorithms of the encrypted form, when the assertion arrived encrypted.
    pub encryption: Option<Encryption>,
    /// Where the assertion sits in the document (`/Response/Assertion`).
    pub path: String,
    pub subject: Option<Subject>,
    pub conditions: Option<Conditions>,
    pub authn: Option<Authn>,
    pub attributes: Vec<Attribute>,
    /// `EncryptedAttribute` elements that could not be read.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub encrypted_attributes: Vec<Encryption>,
}

#[derive(Debug, Clone, Default, Serialize, PartialEq)]
pub struct Subject {
    pub name_id: Option<NameId>,
    /// Present when the NameID arrived as an `EncryptedID` that has not been decrypted.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub encrypted_id: Option<Encryption>,
    pub confirmations: Vec<Confirmation>,
}

#[derive(Debug, Clone, Default, Serialize, PartialEq, Eq)]
pub struct NameId {
    /// The text exactly as sent: surrounding whitespace and invisible characters are kept,
    /// because they are a cause of mismatches.
    pub value: String,
    pub format: Option<String>,
    pub name_qualifier: Option<String>,
    pub sp_name_qualifier: Option<String>,
    pub sp_provided_id: Option<String>,
}

#[derive(Debug, Clone, Default, Serialize, PartialEq)]
pub struct Confirmation {
    pub method: Option<String>,
    pub recipient: Option<String>,
    pub not_before: Option<String>,
    pub not_on_or_after: Option<String>,
    pub in_response_to: Option<String>,
    pub address: Option<String>,
}

#[derive(Debug, Clone, Default, Serialize, PartialEq)]
pub struct Conditions {
    pub not_before: Option<String>,
    pub not_on_or_after: Option<String>,
    /// Every Audience of every AudienceRestriction, in document order.
    pub audiences: Vec<String>,
    pub one_time_use: bool,
}

#[derive(Debug, Clone, Default, Serialize, PartialEq)]
pub struct Authn {
    pub instant: Option<String>,
    pub session_index: Option<String>,
    pub session_not_on_or_after: Option<String>,
    pub context_class: Option<String>,
}

#[derive(Debug, Clone, Default, Serialize, PartialEq)]
pub struct Attribute {
    pub name: String,
    pub friendly_name: Option<String>,
    pub name_format: Option<String>,
    /// Strings, or `None` for `xsi:nil`. A value that holds elements is given as its XML.
    pub values: Vec<Option<String>>,
}

/// Algorithms of an encrypted part, as written in its EncryptedData.
#[derive(Debug, Clone, Default, Serialize, PartialEq, Eq)]
pub struct Encryption {
    /// `EncryptedAssertion`, `EncryptedID` or `EncryptedAttribute`.
    pub element: String,
    /// EncryptedData/EncryptionMethod Algorithm (the content cipher).
    pub data_algorithm: Option<String>,
    /// EncryptedKey/EncryptionMethod Algorithm (the key transport), when an EncryptedKey is found.
    pub key_algorithm: Option<String>,
    /// Digest of RSA-OAEP, when given.
    pub key_digest: Option<String>,
    /// Where the EncryptedKey sits: `KeyInfo`, `sibling` or `RetrievalMethod`.
    pub key_location: Option<String>,
}

/// Fields of a request message.
#[derive(Debug, Clone, Serialize, PartialEq)]
#[serde(untagged)]
pub enum Request {
    Authn(AuthnRequest),
    Logout(LogoutRequest),
}

#[derive(Debug, Clone, Default, Serialize, PartialEq)]
pub struct AuthnRequest {
    pub acs_url: Option<String>,
    pub acs_index: Option<String>,
    pub protocol_binding: Option<String>,
    pub name_id_policy_format: Option<String>,
    pub name_id_policy_allow_create: Option<bool>,
    pub force_authn: Option<bool>,
    pub is_passive: Option<bool>,
    pub requested_authn_context: Vec<String>,
    pub provider_name: Option<String>,
}

#[derive(Debug, Clone, Default, Serialize, PartialEq)]
pub struct LogoutRequest {
    pub name_id: Option<NameId>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub encrypted_id: Option<Encryption>,
    pub session_indexes: Vec<String>,
    pub not_on_or_after: Option<String>,
    pub reason: Option<String>,
}

impl Message {
    /// The assertions whose subject carries a readable NameID.
    pub fn name_ids(&self) -> impl Iterator<Item = &NameId> {
        let from_assertions = self
            .assertions
            .iter()
            .filter_map(|a| a.subject.as_ref()?.name_id.as_ref());
        let from_request = match &self.request {
            Some(Request::Logout(l)) => l.name_id.as_ref(),
            _ => None,
        };
        from_assertions.chain(from_request)
    }

    /// The NameID a service provider would use: the first assertion's (or a LogoutRequest's).
    pub fn name_id(&self) -> Option<&NameId> {
        self.name_ids().next()
    }

    pub fn is_response(&self) -> bool {
        self.kind == MessageKind::Response
    }
}

/// A short label for a NameID Format URI (`emailAddress`, `persistent`, …); other URIs whole.
pub fn format_label(uri: &str) -> &str {
    const PREFIXES: [&str; 3] = [
        "urn:oasis:names:tc:SAML:1.1:nameid-format:",
        "urn:oasis:names:tc:SAML:2.0:nameid-format:",
        "urn:oasis:names:tc:SAML:2.0:status:",
    ];
    PREFIXES
        .iter()
        .find_map(|p| uri.strip_prefix(p))
        .unwrap_or(uri)
}
