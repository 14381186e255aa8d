//! The SAML 2.0 schema check ruby-saml makes before it trusts a message (`validate_structure`:
//! the document against `saml-schema-protocol-2.0.xsd` with Nokogiri), in pure Rust.
//!
//! [`Validator`] walks a parsed document with the declarations of `model`: required and allowed
//! attributes and their types (`xs:ID` and `xs:NCName`, `xs:dateTime`, `xs:base64Binary`, …),
//! element order and cardinality, text where only elements may stand, abstract elements, `xsi:type`
//! on attribute values, and the uniqueness of IDs across the document. Wildcards are processed
//! laxly, as XML Schema says: an element the schemas declare is checked, another is let through.
//! Each [`Violation`] names its rule (a stable finding code), the declaration it breaks and where
//! it is (line and column). It never reads files or the network; work is bounded by the
//! document's size and by [`MAX_VIOLATIONS`].

pub mod model;
mod types;

use std::collections::HashMap;

use serde::Serialize;

use self::model::{Content, Decl, Particle, lookup, prefix};
pub use self::types::Type;
use crate::xml::{Document, Element, NodeRef, line_col, ns};

/// Most violations reported for one document: the first says why GitLab refuses it.
pub const MAX_VIOLATIONS: usize = 20;

/// What rule a violation breaks. Each maps to one finding code.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Rule {
    /// An `xs:ID` value that is not an NCName (a bare UUID starting with a digit).
    NotAnId,
    /// The same ID on two elements.
    DuplicateId,
    /// A required attribute is missing.
    MissingAttribute,
    /// An attribute the type does not declare.
    UnknownAttribute,
    /// Elements missing, out of order, repeated too often, not allowed, or text where only
    /// elements may stand.
    Content,
    /// The message's Version is not 2.0.
    Version,
    /// A value that is not of its simple type (`xs:dateTime`, `xs:NCName`, base64, …).
    Value,
}

impl Rule {
    /// The finding code of the check catalogue.
    pub fn code(self) -> &'static str {
        match self {
            Rule::NotAnId | Rule::DuplicateId => "SC001",
            Rule::MissingAttribute | Rule::UnknownAttribute => "SC002",
            Rule::Content => "SC003",
            Rule::Version => "SC004",
            Rule::Value => "SC005",
        }
    }
}

/// One place where the document breaks the schema.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Violation {
    pub rule: Rule,
    pub line: usize,
    pub column: usize,
    /// `the decrypted assertion` when the place is in a decrypted part (line and column count
    /// in its plaintext).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub part: Option<String>,
    /// What is wrong and which declaration says so, without the position.
    pub detail: String,
}

impl Violation {
    pub fn code(&self) -> &'static str {
        self.rule.code()
    }

    /// `line 3, column 5: …` (`in the decrypted assertion, line 1, column 40: …`).
    pub fn describe(&self) -> String {
        let place = format!("line {}, column {}", self.line, self.column);
        match &self.part {
            Some(p) => format!("in {p}, {place}: {}", self.detail),
            None => format!("{place}: {}", self.detail),
        }
    }
}

/// Validates one document and, with it, the decrypted parts ruby-saml validates in its place.
#[derive(Debug, Default)]
pub struct Validator {
    /// IDs seen so far (collapsed value → where), to find duplicates across the parts.
    ids: HashMap<String, (usize, usize)>,
    out: Vec<Violation>,
}

/// Where violations found now are placed.
struct Place<'d> {
    text: &'d str,
    part: Option<&'d str>,
}

impl Validator {
    pub fn new() -> Validator {
        Validator::default()
    }

    /// Validates a whole document: its root must be a message or element the schemas declare.
    pub fn document(&mut self, doc: &Document) {
        let place = Place {
            text: doc.text(),
            part: None,
        };
        let root = doc.root();
        match lookup(root.ns(), root.local_name()) {
            Some(d) => {
                self.version(&place, root, d);
                self.element(&place, root, d);
            }
            None => self.push(
                &place,
                Rule::Content,
                root,
                format!(
                    "the root element {} is not an element of the SAML protocol schema \
                     (saml-schema-protocol-2.0.xsd)",
                    root.qname()
                ),
            ),
        }
    }

    /// Validates the elements of a decrypted part (the children of its wrapper root).
    pub fn part(&mut self, doc: &Document, label: &str) {
        let place = Place {
            text: doc.text(),
            part: Some(label),
        };
        for e in doc.root().child_elements() {
            if let Some(d) = lookup(e.ns(), e.local_name()) {
                self.element(&place, e, d);
            }
        }
    }

    /// Every violation found, in document order within each part.
    pub fn finish(self) -> Vec<Violation> {
        self.out
    }

    fn full(&self) -> bool {
        self.out.len() >= MAX_VIOLATIONS
    }

    fn push(&mut self, place: &Place<'_>, rule: Rule, e: Element<'_>, detail: String) {
        self.push_at(place, rule, e.span().start, detail);
    }

    fn push_at(&mut self, place: &Place<'_>, rule: Rule, offset: usize, detail: String) {
        if self.full() {
            return;
        }
        let (line, column) = line_col(place.text, offset);
        self.out.push(Violation {
            rule,
            line,
            column,
            part: place.part.map(str::to_owned),
            detail,
        });
    }

    /// ruby-saml's `validate_version`: the message says Version="2.0".
    fn version(&mut self, place: &Place<'_>, root: Element<'_>, d: &Decl) {
        let Some(v) = root.attr("Version") else {
            return;
        };
        if root.ns() == Some(ns::SAMLP) && v != "2.0" {
            let at = attr_offset(root, "Version");
            self.push_at(
                place,
                Rule::Version,
                at,
                format!(
                    "{} Version is {v:?}: only SAML 2.0 messages (Version=\"2.0\") are accepted",
                    d.name()
                ),
            );
        }
    }

    fn element(&mut self, place: &Place<'_>, e: Element<'_>, d: &'static Decl) {
        if self.full() {
            return;
        }
        if !matches!(d.content, Content::Any) {
            self.attributes(place, e, d);
        }
        match d.content {
            Content::Empty => self.simple(place, e, d, None),
            Content::Simple(ty) => self.simple(place, e, d, Some(ty)),
            Content::Elements { particles, mixed } => {
                if !mixed {
                    self.no_text(place, e, d);
                }
                self.sequence(place, e, d, particles);
            }
            Content::Any => self.any_type(place, e, d),
            Content::Subject => self.sequence(place, e, d, subject_model(e)),
            Content::AuthnContext => self.sequence(place, e, d, authn_context_model(e)),
            Content::Abstract => {
                if e.attr_ns(ns::XSI, "type").is_none() {
                    self.push(
                        place,
                        Rule::Content,
                        e,
                        format!(
                            "{} is abstract ({}, {}): it needs an xsi:type naming a type \
                             derived from it",
                            d.name(),
                            d.xsd.file(),
                            d.type_name
                        ),
                    );
                }
            }
        }
    }

    fn attributes(&mut self, place: &Place<'_>, e: Element<'_>, d: &Decl) {
        for a in e.attributes() {
            match a.ns {
                None => match d.attrs.iter().find(|x| x.name == a.local) {
                    Some(decl) => self.value(place, e, d, decl.name, decl.ty, a.value),
                    None => {
                        let at = attr_offset(e, a.local);
                        self.push_at(
                            place,
                            Rule::UnknownAttribute,
                            at,
                            format!(
                                "{} does not allow the attribute {} ({}, {} declares no such \
                                 attribute)",
                                d.name(),
                                a.local,
                                d.xsd.file(),
                                d.type_name
                            ),
                        );
                    }
                },
                Some(ns::XSI) => {}
                Some(other) if !d.any_attribute => {
                    let at = qualified_attr_offset(e, a.local);
                    self.push_at(
                        place,
                        Rule::UnknownAttribute,
                        at,
                        format!(
                            "{} does not allow the attribute {} of namespace {other} ({}, {} \
                             has no anyAttribute)",
                            d.name(),
                            a.local,
                            d.xsd.file(),
                            d.type_name
                        ),
                    );
                }
                Some(_) => {}
            }
        }
        for missing in d.attrs.iter().filter(|x| x.required) {
            if e.attr(missing.name).is_none() {
                self.push(
                    place,
                    Rule::MissingAttribute,
                    e,
                    format!(
                        "{} has no {} attribute, which {} requires ({}, use=\"required\")",
                        d.name(),
                        missing.name,
                        d.xsd.file(),
                        d.type_name
                    ),
                );
            }
        }
    }

    /// Checks an attribute value against its type; IDs are also checked for uniqueness.
    fn value(
        &mut self,
        place: &Place<'_>,
        e: Element<'_>,
        d: &Decl,
        name: &str,
        ty: Type,
        value: &str,
    ) {
        if let Some(why) = ty.check(value) {
            let rule = match ty {
                Type::Id => Rule::NotAnId,
                _ => Rule::Value,
            };
            self.push_at(
                place,
                rule,
                attr_offset(e, name),
                format!(
                    "the {} {name} {value:?} is not an {}: {why} ({}, {})",
                    d.name(),
                    ty.name(),
                    d.xsd.file(),
                    d.type_name
                ),
            );
            return;
        }
        if ty == Type::Id {
            let at = attr_offset(e, name);
            let id = types::collapse(value).into_owned();
            if let Some((line, column)) = self.ids.get(&id).copied() {
                self.push_at(
                    place,
                    Rule::DuplicateId,
                    at,
                    format!(
                        "the {} {name} {value:?} is already the ID of the element at line \
                         {line}, column {column}: IDs must be unique in a document (xs:ID)",
                        d.name()
                    ),
                );
            } else {
                self.ids.insert(id, line_col(place.text, at));
            }
        }
    }

    /// Simple or empty content: no child elements, and text of the type (none when empty).
    fn simple(&mut self, place: &Place<'_>, e: Element<'_>, d: &Decl, ty: Option<Type>) {
        if let Some(child) = e.child_elements().next() {
            self.push(
                place,
                Rule::Content,
                child,
                format!(
                    "{} is not allowed inside {}, which holds {} ({}, {})",
                    child.qname(),
                    d.name(),
                    ty.map_or("nothing", |_| "text only"),
                    d.xsd.file(),
                    d.type_name
                ),
            );
            return;
        }
        let text = e.text();
        match ty {
            None => self.no_text(place, e, d),
            Some(ty) => {
                if let Some(why) = ty.check(&text) {
                    let rule = match ty {
                        Type::Id => Rule::NotAnId,
                        _ => Rule::Value,
                    };
                    self.push(
                        place,
                        rule,
                        e,
                        format!(
                            "the text of {} is not an {}: {why} ({}, {})",
                            d.name(),
                            ty.name(),
                            d.xsd.file(),
                            d.type_name
                        ),
                    );
                }
            }
        }
    }

    fn no_text(&mut self, place: &Place<'_>, e: Element<'_>, d: &Decl) {
        let text = e.children().find_map(|n| match n {
            NodeRef::Text(t) if !t.trim().is_empty() => Some(t),
            _ => None,
        });
        if let Some(t) = text {
            let shown: String = t.trim().chars().take(40).collect();
            self.push(
                place,
                Rule::Content,
                e,
                format!(
                    "{} holds the text {shown:?}, but its content is elements only ({}, {})",
                    d.name(),
                    d.xsd.file(),
                    d.type_name
                ),
            );
        }
    }

    /// Matches the child elements against a sequence of particles, greedily (the SAML content
    /// models are deterministic, as XML Schema requires), and validates each matched child.
    fn sequence(
        &mut self,
        place: &Place<'_>,
        e: Element<'_>,
        d: &'static Decl,
        particles: &[Particle],
    ) {
        let mut kids = e.child_elements().peekable();
        // The content models have at most six particles; counts past that are not kept.
        let mut counts = [0u32; 8];
        for (pi, p) in particles.iter().enumerate() {
            let mut n = 0;
            while n < p.max
                && let Some(k) = kids.next_if(|k| matches(d, p, *k))
            {
                self.child(place, k);
                n += 1;
            }
            if let Some(c) = counts.get_mut(pi) {
                *c = n;
            }
            if n < p.min {
                let next = kids.peek().copied();
                let at = next.map_or(e.span().start, |k| k.span().start);
                let found = next.map_or_else(|| "nothing".to_owned(), |k| k.qname().into_owned());
                let detail = format!(
                    "{} needs {} here, found {found} ({}, {})",
                    d.name(),
                    expected(p),
                    d.xsd.file(),
                    d.type_name
                );
                self.push_at(place, Rule::Content, at, detail);
                return;
            }
        }
        let Some(k) = kids.next() else {
            return;
        };
        let earlier = particles.iter().position(|p| matches(d, p, k));
        let detail = match earlier {
            Some(pos) if counts.get(pos) == Some(&particles[pos].max) => format!(
                "{} holds more than one {}, which may appear only once there ({}, {})",
                d.name(),
                k.qname(),
                d.xsd.file(),
                d.type_name
            ),
            Some(pos) => format!(
                "{} is out of order in {}: it must come before {} ({}, {})",
                k.qname(),
                d.name(),
                next_names(particles, pos),
                d.xsd.file(),
                d.type_name
            ),
            None => format!(
                "{} is not allowed in {} here ({}, {})",
                k.qname(),
                d.name(),
                d.xsd.file(),
                d.type_name
            ),
        };
        self.push(place, Rule::Content, k, detail);
    }

    /// Validates a matched child by its declaration; a child a wildcard let in without one is
    /// not looked into (lax processing).
    fn child(&mut self, place: &Place<'_>, k: Element<'_>) {
        if let Some(kd) = lookup(k.ns(), k.local_name()) {
            self.element(place, k, kd);
        }
    }

    /// `xs:anyType` (attribute values, AuthnContextDecl): anything goes, but an `xsi:type` must
    /// name a type, and declared children are checked (lax processing).
    fn any_type(&mut self, place: &Place<'_>, e: Element<'_>, d: &Decl) {
        if let Some(t) = e.attr_ns(ns::XSI, "type") {
            self.xsi_type(place, e, d, t);
        }
        for k in e.child_elements() {
            if let Some(kd) = lookup(k.ns(), k.local_name()) {
                self.element(place, k, kd);
            }
        }
    }

    fn xsi_type(&mut self, place: &Place<'_>, e: Element<'_>, d: &Decl, qname: &str) {
        let (pfx, local) = match qname.trim().split_once(':') {
            Some((p, l)) => (Some(p), l),
            None => (None, qname.trim()),
        };
        let uri = e
            .in_scope_namespaces()
            .into_iter()
            .find(|decl| decl.prefix == pfx)
            .map(|decl| decl.uri);
        let at = qualified_attr_offset(e, "type");
        let Some(uri) = uri else {
            self.push_at(
                place,
                Rule::Value,
                at,
                format!(
                    "the xsi:type {qname:?} of {} uses a prefix that no namespace declaration \
                     binds, so it names no type",
                    d.name()
                ),
            );
            return;
        };
        if uri != XSD {
            if lookup_type(uri, local) {
                return;
            }
            self.push_at(
                place,
                Rule::Value,
                at,
                format!(
                    "the xsi:type {qname:?} of {} names a type the SAML schemas do not define \
                     ({{{uri}}}{local})",
                    d.name()
                ),
            );
            return;
        }
        let ty = match local {
            "boolean" => Type::Boolean,
            "dateTime" => Type::DateTime,
            "base64Binary" => Type::Base64,
            "NCName" | "ID" => Type::NcName,
            "nonNegativeInteger" => Type::NonNegativeInteger,
            "anyType" => return,
            _ => Type::Text,
        };
        if let Some(child) = e.child_elements().next() {
            self.push(
                place,
                Rule::Content,
                child,
                format!(
                    "{} has xsi:type {qname:?}, a simple type, but holds the element {}",
                    d.name(),
                    child.qname()
                ),
            );
            return;
        }
        if let Some(why) = ty.check(&e.text()) {
            self.push(
                place,
                Rule::Value,
                e,
                format!(
                    "the text of {} is not an xs:{local} as its xsi:type says: {why}",
                    d.name()
                ),
            );
        }
    }
}

const XSD: &str = "http://www.w3.org/2001/XMLSchema";

/// Types of the SAML namespaces an `xsi:type` may name (the ones of `model`'s declarations).
fn lookup_type(uri: &str, local: &str) -> bool {
    model::DECLS
        .iter()
        .any(|d| d.ns == uri && d.type_name == local)
}

fn matches(d: &Decl, p: &Particle, k: Element<'_>) -> bool {
    p.names.iter().any(|(n, l)| k.is(n, l)) || p.wild.is_some_and(|w| d.admits(w, k.ns()))
}

/// `saml:Issuer`, `one of saml:BaseID, saml:NameID, saml:EncryptedID`.
fn expected(p: &Particle) -> String {
    let names: Vec<String> = p
        .names
        .iter()
        .map(|(n, l)| format!("{}:{l}", prefix(n)))
        .collect();
    match (names.as_slice(), p.wild) {
        ([], Some(_)) => "an element of another namespace".to_owned(),
        ([one], None) => one.clone(),
        _ => format!("one of {}", names.join(", ")),
    }
}

/// The names of the particles after `pos` that are required or present, for "out of order".
fn next_names(particles: &[Particle], pos: usize) -> String {
    let after: Vec<String> = particles
        .iter()
        .skip(pos + 1)
        .flat_map(|p| p.names.iter())
        .map(|(n, l)| format!("{}:{l}", prefix(n)))
        .collect();
    match after.first() {
        Some(_) => after.join(", "),
        None => "the elements before it".to_owned(),
    }
}

/// `saml:SubjectType`: (identifier, SubjectConfirmation*) | SubjectConfirmation+.
fn subject_model(e: Element<'_>) -> &'static [Particle] {
    const WITH_ID: &[Particle] = &[
        Particle {
            names: &[
                (ns::SAML, "BaseID"),
                (ns::SAML, "NameID"),
                (ns::SAML, "EncryptedID"),
            ],
            wild: None,
            min: 1,
            max: 1,
        },
        Particle {
            names: &[(ns::SAML, "SubjectConfirmation")],
            wild: None,
            min: 0,
            max: model::UNBOUNDED,
        },
    ];
    const CONFIRMATIONS: &[Particle] = &[Particle {
        names: &[(ns::SAML, "SubjectConfirmation")],
        wild: None,
        min: 1,
        max: model::UNBOUNDED,
    }];
    let first = e.child_elements().next();
    let identifier = first.is_some_and(|k| {
        k.ns() == Some(ns::SAML) && matches!(k.local_name(), "BaseID" | "NameID" | "EncryptedID")
    });
    match identifier {
        true => WITH_ID,
        false => CONFIRMATIONS,
    }
}

/// `saml:AuthnContextType`: (ClassRef, (Decl | DeclRef)?) | (Decl | DeclRef), then
/// AuthenticatingAuthority*.
fn authn_context_model(e: Element<'_>) -> &'static [Particle] {
    const DECLS: &[(&str, &str)] = &[
        (ns::SAML, "AuthnContextDecl"),
        (ns::SAML, "AuthnContextDeclRef"),
    ];
    const AUTHORITIES: Particle = Particle {
        names: &[(ns::SAML, "AuthenticatingAuthority")],
        wild: None,
        min: 0,
        max: model::UNBOUNDED,
    };
    const WITH_CLASS: &[Particle] = &[
        Particle {
            names: &[(ns::SAML, "AuthnContextClassRef")],
            wild: None,
            min: 1,
            max: 1,
        },
        Particle {
            names: DECLS,
            wild: None,
            min: 0,
            max: 1,
        },
        AUTHORITIES,
    ];
    const WITH_DECL: &[Particle] = &[
        Particle {
            names: DECLS,
            wild: None,
            min: 1,
            max: 1,
        },
        AUTHORITIES,
    ];
    let class = e
        .child_elements()
        .next()
        .is_some_and(|k| k.is(ns::SAML, "AuthnContextClassRef"));
    match class {
        true => WITH_CLASS,
        false => WITH_DECL,
    }
}

/// The byte offset of the unqualified attribute `name` in the element's start tag (the
/// element's start when it cannot be found).
fn attr_offset(e: Element<'_>, name: &str) -> usize {
    find_attr(e, name, false)
}

/// The byte offset of a namespaced attribute by its local name (`xsi:type`).
fn qualified_attr_offset(e: Element<'_>, local: &str) -> usize {
    find_attr(e, local, true)
}

fn find_attr(e: Element<'_>, name: &str, qualified: bool) -> usize {
    let start = e.span().start;
    let source = e.source();
    let tag_end = source.find('>').unwrap_or(source.len());
    let tag = &source[..tag_end];
    let mut from = 0;
    while let Some(i) = tag[from..].find(name) {
        let at = from + i;
        let before = tag[..at].chars().next_back();
        let after = tag[at + name.len()..].trim_start().starts_with('=');
        let boundary = before.is_some_and(|c| c.is_whitespace() || (qualified && c == ':'));
        if boundary && after {
            let qualified = tag[..at].rfind(char::is_whitespace).map_or(at, |w| w + 1);
            return start + qualified;
        }
        from = at + name.len();
    }
    start
}

#[cfg(test)]
mod tests;
