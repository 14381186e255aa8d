//! From the XML tree to the typed model.
//!
//! Elements are matched by namespace URI and local name, never by prefix. Values are copied as
//! sent (no trimming): an invisible character in a NameID is exactly what we exist to find.
//! Only assertions where SAML puts them (children of the Response) are modelled; others are
//! noted, because a signature-wrapping attack hides them elsewhere.

use crate::xml::{Element, ns};

use super::SamlError;
use super::model::*;

/// Reads the message at the document element.
pub fn message(root: Element<'_>) -> Result<Message, SamlError> {
    let kind = message_kind(root)?;
    let mut msg = Message {
        kind,
        id: attr(root, "ID"),
        version: attr(root, "Version"),
        issue_instant: attr(root, "IssueInstant"),
        destination: attr(root, "Destination"),
        in_response_to: attr(root, "InResponseTo"),
        issuer: root
            .child(ns::SAML, "Issuer")
            .map(|i| i.text().into_owned()),
        ..Message::default()
    };
    match kind {
        MessageKind::Assertion => msg.assertions.push(assertion(root)),
        MessageKind::AuthnRequest => msg.request = Some(Request::Authn(authn_request(root))),
        MessageKind::LogoutRequest => msg.request = Some(Request::Logout(logout_request(root))),
        _ => {}
    }
    if let Some(status) = root.child(ns::SAMLP, "Status") {
        msg.status = Some(self::status(status));
    }
    if kind == MessageKind::Response {
        msg.assertions = response_assertions(root);
    }
    msg.notes = notes(root, &msg);
    Ok(msg)
}

fn message_kind(root: Element<'_>) -> Result<MessageKind, SamlError> {
    let local = root.local_name();
    match root.ns() {
        Some(ns::SAMLP) => MessageKind::protocol(local)
            .ok_or_else(|| SamlError::UnknownRoot(format!("samlp:{local}"))),
        Some(ns::SAML) if local == "Assertion" => Ok(MessageKind::Assertion),
        Some(ns::SAML1P) | Some(ns::SAML1) => Err(SamlError::Saml11(local.to_owned())),
        Some(ns::MD) => Err(SamlError::Metadata(local.to_owned())),
        Some(other) => Err(SamlError::UnknownRoot(format!("{{{other}}}{local}"))),
        None if MessageKind::protocol(local).is_some() || local == "Assertion" => {
            Err(SamlError::NoNamespace(local.to_owned()))
        }
        None => Err(SamlError::UnknownRoot(local.to_owned())),
    }
}

fn attr(e: Element<'_>, name: &str) -> Option<String> {
    e.attr(name).map(str::to_owned)
}

fn bool_attr(e: Element<'_>, name: &str) -> Option<bool> {
    e.attr(name).map(|v| matches!(v.trim(), "true" | "1"))
}

fn child_text(e: Element<'_>, ns: &str, local: &str) -> Option<String> {
    e.child(ns, local).map(|c| c.text().into_owned())
}

fn status(e: Element<'_>) -> Status {
    let code = e.child(ns::SAMLP, "StatusCode");
    Status {
        code: code.and_then(|c| attr(c, "Value")),
        second_level: code
            .and_then(|c| c.child(ns::SAMLP, "StatusCode"))
            .and_then(|c| attr(c, "Value")),
        message: child_text(e, ns::SAMLP, "StatusMessage"),
        detail: e
            .child(ns::SAMLP, "StatusDetail")
            .map(|d| inner_xml(d).trim().to_owned()),
    }
}

/// The Response's assertions. Paths are numbered here in one pass: asking each element for its
/// path would scan its siblings every time, quadratic in a document of many assertions.
fn response_assertions(root: Element<'_>) -> Vec<Assertion> {
    let is_plain = |e: &Element<'_>| e.is(ns::SAML, "Assertion");
    let is_encrypted = |e: &Element<'_>| e.is(ns::SAML, "EncryptedAssertion");
    let plain_count = root.child_elements().filter(is_plain).count();
    let encrypted_count = root.child_elements().filter(is_encrypted).count();
    let root_path = root.path();
    let (mut plain, mut encrypted) = (0, 0);
    let mut out = Vec::with_capacity(plain_count + encrypted_count);
    for e in root.child_elements() {
        let (seen, count) = if is_plain(&e) {
            (&mut plain, plain_count)
        } else if is_encrypted(&e) {
            (&mut encrypted, encrypted_count)
        } else {
            continue;
        };
        *seen += 1;
        let index = if count > 1 {
            format!("[{seen}]")
        } else {
            String::new()
        };
        let path = format!("{root_path}/{}{index}", e.local_name());
        out.push(if is_plain(&e) {
            assertion_at(e, path)
        } else {
            encrypted_assertion(e, path)
        });
    }
    out
}

/// Reads one assertion element.
pub fn assertion(e: Element<'_>) -> Assertion {
    assertion_at(e, e.path())
}

fn assertion_at(e: Element<'_>, path: String) -> Assertion {
    Assertion {
        id: attr(e, "ID"),
        issue_instant: attr(e, "IssueInstant"),
        issuer: child_text(e, ns::SAML, "Issuer"),
        encrypted: false,
        encryption: None,
        path,
        subject: e.child(ns::SAML, "Subject").map(subject),
        conditions: e.child(ns::SAML, "Conditions").map(conditions),
        authn: e.child(ns::SAML, "AuthnStatement").map(authn),
        attributes: e
            .children_named(ns::SAML, "AttributeStatement")
            .flat_map(|s| s.children_named(ns::SAML, "Attribute"))
            .map(attribute)
            .collect(),
        encrypted_attributes: e
            .children_named(ns::SAML, "AttributeStatement")
            .flat_map(|s| s.children_named(ns::SAML, "EncryptedAttribute"))
            .map(encryption)
            .collect(),
    }
}

fn encrypted_assertion(e: Element<'_>, path: String) -> Assertion {
    Assertion {
        encrypted: true,
        encryption: Some(encryption(e)),
        path,
        ..Assertion::default()
    }
}

fn subject(e: Element<'_>) -> Subject {
    Subject {
        name_id: e.child(ns::SAML, "NameID").map(name_id),
        encrypted_id: e.child(ns::SAML, "EncryptedID").map(encryption),
        confirmations: e
            .children_named(ns::SAML, "SubjectConfirmation")
            .map(confirmation)
            .collect(),
    }
}

/// Reads a NameID element (also used for NameIDs inside attribute values and LogoutRequests).
pub fn name_id(e: Element<'_>) -> NameId {
    NameId {
        value: e.text().into_owned(),
        format: attr(e, "Format"),
        name_qualifier: attr(e, "NameQualifier"),
        sp_name_qualifier: attr(e, "SPNameQualifier"),
        sp_provided_id: attr(e, "SPProvidedID"),
    }
}

fn confirmation(e: Element<'_>) -> Confirmation {
    let data = e.child(ns::SAML, "SubjectConfirmationData");
    let get = |name: &str| data.and_then(|d| attr(d, name));
    Confirmation {
        method: attr(e, "Method"),
        recipient: get("Recipient"),
        not_before: get("NotBefore"),
        not_on_or_after: get("NotOnOrAfter"),
        in_response_to: get("InResponseTo"),
        address: get("Address"),
    }
}

fn conditions(e: Element<'_>) -> Conditions {
    Conditions {
        not_before: attr(e, "NotBefore"),
        not_on_or_after: attr(e, "NotOnOrAfter"),
        audiences: e
            .children_named(ns::SAML, "AudienceRestriction")
            .flat_map(|r| r.children_named(ns::SAML, "Audience"))
            .map(|a| a.text().into_owned())
            .collect(),
        one_time_use: e.child(ns::SAML, "OneTimeUse").is_some(),
    }
}

fn authn(e: Element<'_>) -> Authn {
    Authn {
        instant: attr(e, "AuthnInstant"),
        session_index: attr(e, "SessionIndex"),
        session_not_on_or_after: attr(e, "SessionNotOnOrAfter"),
        context_class: e
            .child(ns::SAML, "AuthnContext")
            .and_then(|c| child_text(c, ns::SAML, "AuthnContextClassRef")),
    }
}

/// Reads one `Attribute` element (also used for decrypted EncryptedAttributes).
pub fn attribute(e: Element<'_>) -> Attribute {
    Attribute {
        name: attr(e, "Name").unwrap_or_default(),
        friendly_name: attr(e, "FriendlyName"),
        name_format: attr(e, "NameFormat"),
        values: e
            .children_named(ns::SAML, "AttributeValue")
            .map(attribute_value)
            .collect(),
    }
}

fn attribute_value(e: Element<'_>) -> Option<String> {
    if matches!(e.attr_ns(ns::XSI, "nil").map(str::trim), Some("true" | "1")) {
        return None;
    }
    if e.has_element_children() {
        return Some(inner_xml(e).trim().to_owned());
    }
    Some(e.text().into_owned())
}

/// The markup between an element's start and end tags, as received.
fn inner_xml(e: Element<'_>) -> String {
    let mut out = String::new();
    for child in e.child_elements() {
        out.push_str(child.source());
    }
    if out.is_empty() {
        e.text().into_owned()
    } else {
        out
    }
}

/// Reads the algorithms of an encrypted element (EncryptedAssertion, EncryptedID,
/// EncryptedAttribute) without decrypting it.
pub fn encryption(e: Element<'_>) -> Encryption {
    fn method(x: Element<'_>) -> Option<Element<'_>> {
        x.child(ns::XENC, "EncryptionMethod")
    }
    let data = e.child(ns::XENC, "EncryptedData");
    let (key, location) = encrypted_key(e, data);
    let key_method = key.and_then(method);
    Encryption {
        element: e.local_name().to_owned(),
        data_algorithm: data.and_then(method).and_then(|m| attr(m, "Algorithm")),
        key_algorithm: key_method.and_then(|m| attr(m, "Algorithm")),
        key_digest: key_method
            .and_then(|m| m.child(ns::DS, "DigestMethod"))
            .and_then(|d| attr(d, "Algorithm")),
        key_location: location.map(str::to_owned),
    }
}

fn encrypted_key<'d>(
    e: Element<'d>,
    data: Option<Element<'d>>,
) -> (Option<Element<'d>>, Option<&'static str>) {
    let key_info = data.and_then(|d| d.child(ns::DS, "KeyInfo"));
    if let Some(k) = key_info.and_then(|k| k.child(ns::XENC, "EncryptedKey")) {
        return (Some(k), Some("KeyInfo"));
    }
    if let Some(k) = e.child(ns::XENC, "EncryptedKey") {
        let via_retrieval = key_info.is_some_and(|k| k.child(ns::DS, "RetrievalMethod").is_some());
        return (
            Some(k),
            Some(if via_retrieval {
                "RetrievalMethod"
            } else {
                "sibling"
            }),
        );
    }
    (None, None)
}

fn authn_request(e: Element<'_>) -> AuthnRequest {
    let policy = e.child(ns::SAMLP, "NameIDPolicy");
    AuthnRequest {
        acs_url: attr(e, "AssertionConsumerServiceURL"),
        acs_index: attr(e, "AssertionConsumerServiceIndex"),
        protocol_binding: attr(e, "ProtocolBinding"),
        name_id_policy_format: policy.and_then(|p| attr(p, "Format")),
        name_id_policy_allow_create: policy.and_then(|p| bool_attr(p, "AllowCreate")),
        force_authn: bool_attr(e, "ForceAuthn"),
        is_passive: bool_attr(e, "IsPassive"),
        requested_authn_context: e
            .child(ns::SAMLP, "RequestedAuthnContext")
            .map(|r| {
                r.child_elements()
                    .filter(|c| c.ns() == Some(ns::SAML))
                    .map(|c| c.text().into_owned())
                    .collect()
            })
            .unwrap_or_default(),
        provider_name: attr(e, "ProviderName"),
    }
}

fn logout_request(e: Element<'_>) -> LogoutRequest {
    LogoutRequest {
        name_id: e.child(ns::SAML, "NameID").map(name_id),
        encrypted_id: e.child(ns::SAML, "EncryptedID").map(encryption),
        session_indexes: e
            .children_named(ns::SAMLP, "SessionIndex")
            .map(|s| s.text().into_owned())
            .collect(),
        not_on_or_after: attr(e, "NotOnOrAfter"),
        reason: attr(e, "Reason"),
    }
}

/// Observations about the document's shape that a reader should see.
fn notes(root: Element<'_>, msg: &Message) -> Vec<String> {
    let mut notes = Vec::new();
    // Modelled assertions are exactly the Response's own children.
    let modelled = |e: &Element<'_>| {
        msg.kind == MessageKind::Response && e.parent().is_some_and(|p| p == root)
    };
    for e in root.descendants() {
        let misplaced = (e.is(ns::SAML, "Assertion") || e.is(ns::SAML, "EncryptedAssertion"))
            && !modelled(&e)
            && !is_advice(e);
        if misplaced {
            notes.push(format!(
                "an {} sits at {}, outside where SAML puts assertions; it is not shown and no \
                 service provider should read it",
                e.local_name(),
                e.path()
            ));
        }
        if e.is(ns::SAML, "NameID") && e.has_comment_child() {
            notes.push(format!(
                "the NameID at {} contains an XML comment; its value is read as the \
                 concatenation of all its text",
                e.path()
            ));
        }
    }
    if msg.kind == MessageKind::Response && msg.assertions.len() > 1 {
        notes.push(format!(
            "the response carries {} assertions; GitLab reads only one",
            msg.assertions.len()
        ));
    }
    notes
}

fn is_advice(e: Element<'_>) -> bool {
    e.ancestors().any(|a| a.is(ns::SAML, "Advice"))
}
