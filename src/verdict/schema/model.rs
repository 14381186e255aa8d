//! The element declarations of the SAML 2.0 schemas ruby-saml validates against: protocol
//! (`saml-schema-protocol-2.0.xsd`), assertion (`saml-schema-assertion-2.0.xsd`), and the parts
//! of XML Signature (`xmldsig-core-schema.xsd`) and XML Encryption (`xenc-schema.xsd`) they use.
//!
//! Transcribed by hand from the copies ruby-saml ships in `lib/schemas/` (1.13.0 as packaged by
//! Debian; ruby-saml 1.18, which GitLab runs, ships the same files): attributes with their types
//! and use, content models as sequences of particles, `anyAttribute`, mixed content. Only data:
//! the validator in `schema/mod.rs` interprets it.

use std::sync::OnceLock;

use super::types::Type;
use crate::xml::ns::{DS, SAML, SAMLP, XENC};

/// Where a declaration comes from, to name the rule a refusal breaks.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Xsd {
    Protocol,
    Assertion,
    Dsig,
    Xenc,
}

impl Xsd {
    pub fn file(self) -> &'static str {
        match self {
            Xsd::Protocol => "saml-schema-protocol-2.0.xsd",
            Xsd::Assertion => "saml-schema-assertion-2.0.xsd",
            Xsd::Dsig => "xmldsig-core-schema.xsd",
            Xsd::Xenc => "xenc-schema.xsd",
        }
    }

    const fn namespace(self) -> &'static str {
        match self {
            Xsd::Protocol => SAMLP,
            Xsd::Assertion => SAML,
            Xsd::Dsig => DS,
            Xsd::Xenc => XENC,
        }
    }
}

/// One attribute of a complex type.
#[derive(Debug, Clone, Copy)]
pub struct Attr {
    pub name: &'static str,
    pub ty: Type,
    pub required: bool,
}

/// How many times a particle may occur.
pub const UNBOUNDED: u32 = u32::MAX;

/// A wildcard (`xs:any`): which namespaces it admits.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Wild {
    /// `##other`: a namespace other than the declaring schema's (and not none).
    Other,
    /// `##any`.
    Any,
}

/// One particle of a sequence: a choice of elements (and a wildcard), with its occurrences.
#[derive(Debug, Clone, Copy)]
pub struct Particle {
    pub names: &'static [(&'static str, &'static str)],
    pub wild: Option<Wild>,
    pub min: u32,
    pub max: u32,
}

/// What an element may hold.
#[derive(Debug, Clone, Copy)]
pub enum Content {
    /// No text, no elements.
    Empty,
    /// Text of a simple type, no elements.
    Simple(Type),
    /// Elements in this sequence of particles (text only when mixed).
    Elements {
        particles: &'static [Particle],
        mixed: bool,
    },
    /// `xs:anyType`: anything, attributes included.
    Any,
    /// `saml:SubjectType`: an identifier then confirmations, or confirmations alone.
    Subject,
    /// `saml:AuthnContextType`: a class reference and/or a declaration, then authorities.
    AuthnContext,
    /// An abstract element (`saml:Statement`, `saml:Condition`, `saml:BaseID`): only usable with
    /// an `xsi:type` naming a derived type.
    Abstract,
}

/// A global element declaration.
#[derive(Debug, Clone, Copy)]
pub struct Decl {
    pub ns: &'static str,
    pub local: &'static str,
    pub xsd: Xsd,
    /// The complex or simple type's name in the schema (`AssertionType`).
    pub type_name: &'static str,
    pub attrs: &'static [Attr],
    /// `anyAttribute namespace="##other"`.
    pub any_attribute: bool,
    pub content: Content,
}

impl Decl {
    /// `saml:Assertion` written with the conventional prefix of its namespace.
    pub fn name(&self) -> String {
        format!("{}:{}", prefix(self.ns), self.local)
    }

    /// True when a wildcard of this declaration admits an element of namespace `ns`.
    pub fn admits(&self, wild: Wild, ns: Option<&str>) -> bool {
        match wild {
            Wild::Any => true,
            Wild::Other => ns.is_some_and(|n| n != self.xsd.namespace()),
        }
    }
}

/// The conventional prefix of a namespace, for messages.
pub fn prefix(ns: &str) -> &'static str {
    match ns {
        SAMLP => "samlp",
        SAML => "saml",
        DS => "ds",
        XENC => "xenc",
        _ => "?",
    }
}

/// The declaration of `{ns}local`, when the schemas declare it globally.
pub fn lookup(ns: Option<&str>, local: &str) -> Option<&'static Decl> {
    static BY_LOCAL: OnceLock<Vec<&'static Decl>> = OnceLock::new();
    let sorted = BY_LOCAL.get_or_init(|| {
        let mut v: Vec<&'static Decl> = DECLS.iter().collect();
        v.sort_by_key(|d| d.local);
        v
    });
    let ns = ns?;
    let first = sorted.partition_point(|d| d.local < local);
    sorted[first..]
        .iter()
        .take_while(|d| d.local == local)
        .find(|d| d.ns == ns)
        .copied()
}

const fn req(name: &'static str, ty: Type) -> Attr {
    Attr {
        name,
        ty,
        required: true,
    }
}

const fn opt(name: &'static str, ty: Type) -> Attr {
    Attr {
        name,
        ty,
        required: false,
    }
}

const fn one(names: &'static [(&'static str, &'static str)]) -> Particle {
    Particle {
        names,
        wild: None,
        min: 1,
        max: 1,
    }
}

const fn maybe(names: &'static [(&'static str, &'static str)]) -> Particle {
    Particle {
        names,
        wild: None,
        min: 0,
        max: 1,
    }
}

const fn many(names: &'static [(&'static str, &'static str)], min: u32) -> Particle {
    Particle {
        names,
        wild: None,
        min,
        max: UNBOUNDED,
    }
}

const fn wild(names: &'static [(&'static str, &'static str)], w: Wild, min: u32) -> Particle {
    Particle {
        names,
        wild: Some(w),
        min,
        max: UNBOUNDED,
    }
}

const fn elements(particles: &'static [Particle]) -> Content {
    Content::Elements {
        particles,
        mixed: false,
    }
}

const fn mixed(particles: &'static [Particle]) -> Content {
    Content::Elements {
        particles,
        mixed: true,
    }
}

const fn decl(
    xsd: Xsd,
    local: &'static str,
    type_name: &'static str,
    attrs: &'static [Attr],
    content: Content,
) -> Decl {
    Decl {
        ns: xsd.namespace(),
        local,
        xsd,
        type_name,
        attrs,
        any_attribute: false,
        content,
    }
}

const fn open(mut d: Decl) -> Decl {
    d.any_attribute = true;
    d
}

use Type::{Base64, DateTime, Enumeration, Id, NcName, NonNegativeInteger, Text};
use Xsd::{Assertion, Dsig, Protocol, Xenc};

const ISSUER: (&str, &str) = (SAML, "Issuer");
const SIGNATURE: (&str, &str) = (DS, "Signature");
const EXTENSIONS: (&str, &str) = (SAMLP, "Extensions");
const IDENTIFIERS: &[(&str, &str)] = &[(SAML, "BaseID"), (SAML, "NameID"), (SAML, "EncryptedID")];
const ASSERTIONS: &[(&str, &str)] = &[(SAML, "Assertion"), (SAML, "EncryptedAssertion")];
const STATEMENTS: &[(&str, &str)] = &[
    (SAML, "Statement"),
    (SAML, "AuthnStatement"),
    (SAML, "AuthzDecisionStatement"),
    (SAML, "AttributeStatement"),
];
const CONDITIONS: &[(&str, &str)] = &[
    (SAML, "Condition"),
    (SAML, "AudienceRestriction"),
    (SAML, "OneTimeUse"),
    (SAML, "ProxyRestriction"),
];
const KEY_INFO_CHILDREN: &[(&str, &str)] = &[
    (DS, "KeyName"),
    (DS, "KeyValue"),
    (DS, "RetrievalMethod"),
    (DS, "X509Data"),
    (DS, "PGPData"),
    (DS, "SPKIData"),
    (DS, "MgmtData"),
];
const X509_CHILDREN: &[(&str, &str)] = &[
    (DS, "X509IssuerSerial"),
    (DS, "X509SKI"),
    (DS, "X509SubjectName"),
    (DS, "X509Certificate"),
    (DS, "X509CRL"),
];

/// `StatusResponseType` attributes (Response, LogoutResponse).
const STATUS_RESPONSE: &[Attr] = &[
    req("ID", Id),
    opt("InResponseTo", NcName),
    req("Version", Text),
    req("IssueInstant", DateTime),
    opt("Destination", Text),
    opt("Consent", Text),
];
const STATUS_RESPONSE_HEAD: [Particle; 4] = [
    maybe(&[ISSUER]),
    maybe(&[SIGNATURE]),
    maybe(&[EXTENSIONS]),
    one(&[(SAMLP, "Status")]),
];
const LOGOUT_REQUEST: &[Attr] = &[
    req("ID", Id),
    req("Version", Text),
    req("IssueInstant", DateTime),
    opt("Destination", Text),
    opt("Consent", Text),
    opt("NotOnOrAfter", DateTime),
    opt("Reason", Text),
];
const NAME_ID: &[Attr] = &[
    opt("NameQualifier", Text),
    opt("SPNameQualifier", Text),
    opt("Format", Text),
    opt("SPProvidedID", Text),
];
const ENCRYPTED_ELEMENT: Content = elements(&[
    one(&[(XENC, "EncryptedData")]),
    many(&[(XENC, "EncryptedKey")], 0),
]);
const ENCRYPTED_TYPE: &[Attr] = &[
    opt("Id", Id),
    opt("Type", Text),
    opt("MimeType", Text),
    opt("Encoding", Text),
];
const ENCRYPTED_KEY: &[Attr] = &[
    opt("Id", Id),
    opt("Type", Text),
    opt("MimeType", Text),
    opt("Encoding", Text),
    opt("Recipient", Text),
];
const ALGORITHM: &[Attr] = &[req("Algorithm", Text)];
const ONLY_ID: &[Attr] = &[opt("Id", Id)];

/// Every global element the validator knows, by schema.
pub static DECLS: &[Decl] = &[
    // saml-schema-protocol-2.0.xsd
    decl(
        Protocol,
        "Response",
        "ResponseType",
        STATUS_RESPONSE,
        elements(&[
            STATUS_RESPONSE_HEAD[0],
            STATUS_RESPONSE_HEAD[1],
            STATUS_RESPONSE_HEAD[2],
            STATUS_RESPONSE_HEAD[3],
            many(ASSERTIONS, 0),
        ]),
    ),
    decl(
        Protocol,
        "LogoutResponse",
        "StatusResponseType",
        STATUS_RESPONSE,
        elements(&STATUS_RESPONSE_HEAD),
    ),
    decl(
        Protocol,
        "LogoutRequest",
        "LogoutRequestType",
        LOGOUT_REQUEST,
        elements(&[
            maybe(&[ISSUER]),
            maybe(&[SIGNATURE]),
            maybe(&[EXTENSIONS]),
            one(IDENTIFIERS),
            many(&[(SAMLP, "SessionIndex")], 0),
        ]),
    ),
    decl(
        Protocol,
        "Extensions",
        "ExtensionsType",
        &[],
        elements(&[wild(&[], Wild::Other, 1)]),
    ),
    decl(
        Protocol,
        "Status",
        "StatusType",
        &[],
        elements(&[
            one(&[(SAMLP, "StatusCode")]),
            maybe(&[(SAMLP, "StatusMessage")]),
            maybe(&[(SAMLP, "StatusDetail")]),
        ]),
    ),
    decl(
        Protocol,
        "StatusCode",
        "StatusCodeType",
        &[req("Value", Text)],
        elements(&[maybe(&[(SAMLP, "StatusCode")])]),
    ),
    decl(
        Protocol,
        "StatusMessage",
        "string",
        &[],
        Content::Simple(Text),
    ),
    decl(
        Protocol,
        "StatusDetail",
        "StatusDetailType",
        &[],
        elements(&[wild(&[], Wild::Any, 0)]),
    ),
    decl(
        Protocol,
        "SessionIndex",
        "string",
        &[],
        Content::Simple(Text),
    ),
    // saml-schema-assertion-2.0.xsd
    decl(
        Assertion,
        "Assertion",
        "AssertionType",
        &[
            req("Version", Text),
            req("ID", Id),
            req("IssueInstant", DateTime),
        ],
        elements(&[
            one(&[ISSUER]),
            maybe(&[SIGNATURE]),
            maybe(&[(SAML, "Subject")]),
            maybe(&[(SAML, "Conditions")]),
            maybe(&[(SAML, "Advice")]),
            many(STATEMENTS, 0),
        ]),
    ),
    decl(
        Assertion,
        "Issuer",
        "NameIDType",
        NAME_ID,
        Content::Simple(Text),
    ),
    decl(
        Assertion,
        "NameID",
        "NameIDType",
        NAME_ID,
        Content::Simple(Text),
    ),
    decl(
        Assertion,
        "BaseID",
        "BaseIDAbstractType",
        &[opt("NameQualifier", Text), opt("SPNameQualifier", Text)],
        Content::Abstract,
    ),
    decl(
        Assertion,
        "EncryptedID",
        "EncryptedElementType",
        &[],
        ENCRYPTED_ELEMENT,
    ),
    decl(
        Assertion,
        "EncryptedAssertion",
        "EncryptedElementType",
        &[],
        ENCRYPTED_ELEMENT,
    ),
    decl(
        Assertion,
        "EncryptedAttribute",
        "EncryptedElementType",
        &[],
        ENCRYPTED_ELEMENT,
    ),
    decl(
        Assertion,
        "AssertionIDRef",
        "NCName",
        &[],
        Content::Simple(NcName),
    ),
    decl(
        Assertion,
        "AssertionURIRef",
        "anyURI",
        &[],
        Content::Simple(Text),
    ),
    decl(Assertion, "Subject", "SubjectType", &[], Content::Subject),
    decl(
        Assertion,
        "SubjectConfirmation",
        "SubjectConfirmationType",
        &[req("Method", Text)],
        elements(&[
            maybe(IDENTIFIERS),
            maybe(&[(SAML, "SubjectConfirmationData")]),
        ]),
    ),
    open(decl(
        Assertion,
        "SubjectConfirmationData",
        "SubjectConfirmationDataType",
        &[
            opt("NotBefore", DateTime),
            opt("NotOnOrAfter", DateTime),
            opt("Recipient", Text),
            opt("InResponseTo", NcName),
            opt("Address", Text),
        ],
        mixed(&[wild(&[], Wild::Any, 0)]),
    )),
    decl(
        Assertion,
        "Conditions",
        "ConditionsType",
        &[opt("NotBefore", DateTime), opt("NotOnOrAfter", DateTime)],
        elements(&[many(CONDITIONS, 0)]),
    ),
    decl(
        Assertion,
        "Condition",
        "ConditionAbstractType",
        &[],
        Content::Abstract,
    ),
    decl(
        Assertion,
        "AudienceRestriction",
        "AudienceRestrictionType",
        &[],
        elements(&[many(&[(SAML, "Audience")], 1)]),
    ),
    decl(Assertion, "Audience", "anyURI", &[], Content::Simple(Text)),
    decl(
        Assertion,
        "OneTimeUse",
        "OneTimeUseType",
        &[],
        Content::Empty,
    ),
    decl(
        Assertion,
        "ProxyRestriction",
        "ProxyRestrictionType",
        &[opt("Count", NonNegativeInteger)],
        elements(&[many(&[(SAML, "Audience")], 0)]),
    ),
    decl(
        Assertion,
        "Advice",
        "AdviceType",
        &[],
        elements(&[wild(
            &[
                (SAML, "AssertionIDRef"),
                (SAML, "AssertionURIRef"),
                (SAML, "Assertion"),
                (SAML, "EncryptedAssertion"),
            ],
            Wild::Other,
            0,
        )]),
    ),
    decl(
        Assertion,
        "Statement",
        "StatementAbstractType",
        &[],
        Content::Abstract,
    ),
    decl(
        Assertion,
        "AuthnStatement",
        "AuthnStatementType",
        &[
            req("AuthnInstant", DateTime),
            opt("SessionIndex", Text),
            opt("SessionNotOnOrAfter", DateTime),
        ],
        elements(&[
            maybe(&[(SAML, "SubjectLocality")]),
            one(&[(SAML, "AuthnContext")]),
        ]),
    ),
    decl(
        Assertion,
        "SubjectLocality",
        "SubjectLocalityType",
        &[opt("Address", Text), opt("DNSName", Text)],
        Content::Empty,
    ),
    decl(
        Assertion,
        "AuthnContext",
        "AuthnContextType",
        &[],
        Content::AuthnContext,
    ),
    decl(
        Assertion,
        "AuthnContextClassRef",
        "anyURI",
        &[],
        Content::Simple(Text),
    ),
    decl(
        Assertion,
        "AuthnContextDeclRef",
        "anyURI",
        &[],
        Content::Simple(Text),
    ),
    decl(Assertion, "AuthnContextDecl", "anyType", &[], Content::Any),
    decl(
        Assertion,
        "AuthenticatingAuthority",
        "anyURI",
        &[],
        Content::Simple(Text),
    ),
    decl(
        Assertion,
        "AuthzDecisionStatement",
        "AuthzDecisionStatementType",
        &[
            req("Resource", Text),
            req(
                "Decision",
                Enumeration(&["Permit", "Deny", "Indeterminate"]),
            ),
        ],
        elements(&[many(&[(SAML, "Action")], 1), maybe(&[(SAML, "Evidence")])]),
    ),
    decl(
        Assertion,
        "Action",
        "ActionType",
        &[req("Namespace", Text)],
        Content::Simple(Text),
    ),
    decl(
        Assertion,
        "Evidence",
        "EvidenceType",
        &[],
        elements(&[many(
            &[
                (SAML, "AssertionIDRef"),
                (SAML, "AssertionURIRef"),
                (SAML, "Assertion"),
                (SAML, "EncryptedAssertion"),
            ],
            1,
        )]),
    ),
    decl(
        Assertion,
        "AttributeStatement",
        "AttributeStatementType",
        &[],
        elements(&[many(
            &[(SAML, "Attribute"), (SAML, "EncryptedAttribute")],
            1,
        )]),
    ),
    open(decl(
        Assertion,
        "Attribute",
        "AttributeType",
        &[
            req("Name", Text),
            opt("NameFormat", Text),
            opt("FriendlyName", Text),
        ],
        elements(&[many(&[(SAML, "AttributeValue")], 0)]),
    )),
    decl(Assertion, "AttributeValue", "anyType", &[], Content::Any),
    // xmldsig-core-schema.xsd
    decl(
        Dsig,
        "Signature",
        "SignatureType",
        ONLY_ID,
        elements(&[
            one(&[(DS, "SignedInfo")]),
            one(&[(DS, "SignatureValue")]),
            maybe(&[(DS, "KeyInfo")]),
            many(&[(DS, "Object")], 0),
        ]),
    ),
    decl(
        Dsig,
        "SignedInfo",
        "SignedInfoType",
        ONLY_ID,
        elements(&[
            one(&[(DS, "CanonicalizationMethod")]),
            one(&[(DS, "SignatureMethod")]),
            many(&[(DS, "Reference")], 1),
        ]),
    ),
    decl(
        Dsig,
        "CanonicalizationMethod",
        "CanonicalizationMethodType",
        ALGORITHM,
        mixed(&[wild(&[], Wild::Any, 0)]),
    ),
    decl(
        Dsig,
        "SignatureMethod",
        "SignatureMethodType",
        ALGORITHM,
        mixed(&[
            maybe(&[(DS, "HMACOutputLength")]),
            wild(&[], Wild::Other, 0),
        ]),
    ),
    decl(
        Dsig,
        "HMACOutputLength",
        "HMACOutputLengthType",
        &[],
        Content::Simple(Text),
    ),
    decl(
        Dsig,
        "Reference",
        "ReferenceType",
        &[opt("Id", Id), opt("URI", Text), opt("Type", Text)],
        elements(&[
            maybe(&[(DS, "Transforms")]),
            one(&[(DS, "DigestMethod")]),
            one(&[(DS, "DigestValue")]),
        ]),
    ),
    decl(
        Dsig,
        "Transforms",
        "TransformsType",
        &[],
        elements(&[many(&[(DS, "Transform")], 1)]),
    ),
    decl(
        Dsig,
        "Transform",
        "TransformType",
        ALGORITHM,
        mixed(&[wild(&[(DS, "XPath")], Wild::Other, 0)]),
    ),
    decl(Dsig, "XPath", "string", &[], Content::Simple(Text)),
    decl(
        Dsig,
        "DigestMethod",
        "DigestMethodType",
        ALGORITHM,
        mixed(&[wild(&[], Wild::Other, 0)]),
    ),
    decl(
        Dsig,
        "DigestValue",
        "DigestValueType",
        &[],
        Content::Simple(Base64),
    ),
    decl(
        Dsig,
        "SignatureValue",
        "SignatureValueType",
        ONLY_ID,
        Content::Simple(Base64),
    ),
    decl(
        Dsig,
        "KeyInfo",
        "KeyInfoType",
        ONLY_ID,
        mixed(&[wild(KEY_INFO_CHILDREN, Wild::Other, 1)]),
    ),
    decl(Dsig, "KeyName", "string", &[], Content::Simple(Text)),
    decl(
        Dsig,
        "KeyValue",
        "KeyValueType",
        &[],
        mixed(&[Particle {
            names: &[(DS, "DSAKeyValue"), (DS, "RSAKeyValue")],
            wild: Some(Wild::Other),
            min: 1,
            max: 1,
        }]),
    ),
    decl(
        Dsig,
        "RSAKeyValue",
        "RSAKeyValueType",
        &[],
        elements(&[one(&[(DS, "Modulus")]), one(&[(DS, "Exponent")])]),
    ),
    decl(
        Dsig,
        "Modulus",
        "CryptoBinary",
        &[],
        Content::Simple(Base64),
    ),
    decl(
        Dsig,
        "Exponent",
        "CryptoBinary",
        &[],
        Content::Simple(Base64),
    ),
    decl(
        Dsig,
        "RetrievalMethod",
        "RetrievalMethodType",
        &[opt("URI", Text), opt("Type", Text)],
        elements(&[maybe(&[(DS, "Transforms")])]),
    ),
    decl(
        Dsig,
        "X509Data",
        "X509DataType",
        &[],
        elements(&[wild(X509_CHILDREN, Wild::Other, 1)]),
    ),
    decl(
        Dsig,
        "X509IssuerSerial",
        "X509IssuerSerialType",
        &[],
        elements(&[
            one(&[(DS, "X509IssuerName")]),
            one(&[(DS, "X509SerialNumber")]),
        ]),
    ),
    decl(Dsig, "X509IssuerName", "string", &[], Content::Simple(Text)),
    decl(
        Dsig,
        "X509SerialNumber",
        "integer",
        &[],
        Content::Simple(Text),
    ),
    decl(
        Dsig,
        "X509SKI",
        "base64Binary",
        &[],
        Content::Simple(Base64),
    ),
    decl(
        Dsig,
        "X509SubjectName",
        "string",
        &[],
        Content::Simple(Text),
    ),
    decl(
        Dsig,
        "X509Certificate",
        "base64Binary",
        &[],
        Content::Simple(Base64),
    ),
    decl(
        Dsig,
        "X509CRL",
        "base64Binary",
        &[],
        Content::Simple(Base64),
    ),
    decl(Dsig, "MgmtData", "string", &[], Content::Simple(Text)),
    decl(Dsig, "PGPData", "PGPDataType", &[], Content::Any),
    decl(Dsig, "SPKIData", "SPKIDataType", &[], Content::Any),
    decl(Dsig, "DSAKeyValue", "DSAKeyValueType", &[], Content::Any),
    decl(
        Dsig,
        "Object",
        "ObjectType",
        &[opt("Id", Id), opt("MimeType", Text), opt("Encoding", Text)],
        mixed(&[wild(&[], Wild::Any, 0)]),
    ),
    // xenc-schema.xsd
    decl(
        Xenc,
        "EncryptedData",
        "EncryptedDataType",
        ENCRYPTED_TYPE,
        elements(&[
            maybe(&[(XENC, "EncryptionMethod")]),
            maybe(&[(DS, "KeyInfo")]),
            one(&[(XENC, "CipherData")]),
            maybe(&[(XENC, "EncryptionProperties")]),
        ]),
    ),
    decl(
        Xenc,
        "EncryptedKey",
        "EncryptedKeyType",
        ENCRYPTED_KEY,
        elements(&[
            maybe(&[(XENC, "EncryptionMethod")]),
            maybe(&[(DS, "KeyInfo")]),
            one(&[(XENC, "CipherData")]),
            maybe(&[(XENC, "EncryptionProperties")]),
            maybe(&[(XENC, "ReferenceList")]),
            maybe(&[(XENC, "CarriedKeyName")]),
        ]),
    ),
    decl(
        Xenc,
        "EncryptionMethod",
        "EncryptionMethodType",
        ALGORITHM,
        mixed(&[
            maybe(&[(XENC, "KeySize")]),
            maybe(&[(XENC, "OAEPparams")]),
            wild(&[], Wild::Other, 0),
        ]),
    ),
    decl(Xenc, "KeySize", "KeySizeType", &[], Content::Simple(Text)),
    decl(
        Xenc,
        "OAEPparams",
        "base64Binary",
        &[],
        Content::Simple(Base64),
    ),
    decl(
        Xenc,
        "CipherData",
        "CipherDataType",
        &[],
        elements(&[one(&[(XENC, "CipherValue"), (XENC, "CipherReference")])]),
    ),
    decl(
        Xenc,
        "CipherValue",
        "base64Binary",
        &[],
        Content::Simple(Base64),
    ),
    decl(
        Xenc,
        "CipherReference",
        "CipherReferenceType",
        &[req("URI", Text)],
        Content::Any,
    ),
    decl(
        Xenc,
        "EncryptionProperties",
        "EncryptionPropertiesType",
        ONLY_ID,
        Content::Any,
    ),
    decl(Xenc, "ReferenceList", "ReferenceList", &[], Content::Any),
    decl(Xenc, "CarriedKeyName", "string", &[], Content::Simple(Text)),
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_element_a_particle_names_is_declared_once() {
        for d in DECLS {
            let same = DECLS
                .iter()
                .filter(|o| o.ns == d.ns && o.local == d.local)
                .count();
            assert_eq!(same, 1, "{} declared {same} times", d.name());
            if let Content::Elements { particles, .. } = d.content {
                for p in particles {
                    for (ns, local) in p.names {
                        assert!(lookup(Some(ns), local).is_some(), "{local} in {}", d.name());
                    }
                }
            }
        }
    }
}
