//! Attribute rules: can GitLab find the user's email address and name, under the names it reads.
//!
//! GitLab matches attribute names exactly, case included, against the lists in
//! [`super::gitlab::attributes`], and reads the first value. Pure functions of the message.

use crate::saml::{Assertion, Attribute, Message};

use super::gitlab::attributes as names;
use super::quote::quote;
use super::{Context, Raised, Rule, readable, which};
use crate::sanitize::is_invisible;

pub(super) const RULES: &[Rule] = &[
    Rule {
        code: "AT001",
        check: no_email,
    },
    Rule {
        code: "AT002",
        check: no_name,
    },
    Rule {
        code: "AT003",
        check: misspelled,
    },
    Rule {
        code: "AT004",
        check: odd_email,
    },
];

/// A user field GitLab fills from attributes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Field {
    Email,
    FirstName,
    LastName,
    Name,
    Username,
    Groups,
}

impl Field {
    fn accepted(self) -> &'static [&'static str] {
        match self {
            Field::Email => names::EMAIL,
            Field::FirstName => names::FIRST_NAME,
            Field::LastName => names::LAST_NAME,
            Field::Name => names::NAME,
            Field::Username => names::USERNAME,
            Field::Groups => names::GROUPS,
        }
    }

    /// "email address": what the field holds.
    fn noun(self) -> &'static str {
        match self {
            Field::Email => "email address",
            Field::FirstName => "first name",
            Field::LastName => "last name",
            Field::Name => "full name",
            Field::Username => "username",
            Field::Groups => "groups (Group Sync)",
        }
    }

    /// The short names GitLab reads for this field, for fixes.
    fn short_names(self) -> &'static str {
        match self {
            Field::Email => "email or mail",
            Field::FirstName => "first_name, firstname or firstName",
            Field::LastName => "last_name, lastname or lastName",
            Field::Name => "name",
            Field::Username => "username or nickname",
            Field::Groups => "groups or Groups",
        }
    }
}

/// The field an attribute name looks meant for, read loosely: its last URI segment, without
/// case or punctuation.
fn looks_meant_for(name: &str) -> Option<Field> {
    if name == "urn:oid:1.2.840.113549.1.9.1" {
        return Some(Field::Email);
    }
    let last = name.rsplit(['/', '#', ':']).next().unwrap_or(name);
    // The longest name below has 12 letters: a longer key is none of them.
    let mut buf = [0u8; 16];
    let mut len = 0;
    for b in last.bytes().filter(u8::is_ascii_alphanumeric) {
        *buf.get_mut(len)? = b.to_ascii_lowercase();
        len += 1;
    }
    match std::str::from_utf8(&buf[..len]).unwrap_or("") {
        "email" | "mail" | "emailaddress" | "useremail" | "primaryemail" => Some(Field::Email),
        "firstname" | "givenname" | "given" | "fname" => Some(Field::FirstName),
        "lastname" | "surname" | "familyname" | "sn" | "lname" => Some(Field::LastName),
        "name" | "fullname" | "displayname" | "cn" | "commonname" => Some(Field::Name),
        "username" | "nickname" | "uid" | "login" => Some(Field::Username),
        "groups" | "group" | "memberof" => Some(Field::Groups),
        _ => None,
    }
}

/// The first attribute GitLab would read for the field, in the order of its list.
fn gitlab_reads(a: &Assertion, field: Field) -> Option<&Attribute> {
    field
        .accepted()
        .iter()
        .find_map(|name| a.attributes.iter().find(|attr| attr.name == *name))
}

/// The first value of the attribute GitLab reads for the field, when it has visible content.
fn value_of(a: &Assertion, field: Field) -> Option<&str> {
    let first = gitlab_reads(a, field)?.values.first()?.as_deref()?;
    (!is_blank(first)).then_some(first)
}

fn is_blank(v: &str) -> bool {
    v.chars().all(|c| c.is_whitespace() || is_invisible(c))
}

/// Assertions whose attributes can all be read (encrypted ones are EN001's to report).
fn judged(msg: &Message) -> impl Iterator<Item = &Assertion> {
    readable(msg).filter(|a| a.encrypted_attributes.is_empty())
}

/// The attributes whose names look meant for the field but are not names GitLab reads.
fn near_names(a: &Assertion, field: Field) -> Vec<&str> {
    a.attributes
        .iter()
        .map(|attr| attr.name.as_str())
        .filter(|n| !field.accepted().contains(n) && looks_meant_for(n) == Some(field))
        .collect()
}

/// AT001: no attribute GitLab reads as the email address, or only an empty one.
fn no_email(msg: &Message, _: &Context) -> Vec<Raised> {
    judged(msg)
        .filter(|a| value_of(a, Field::Email).is_none())
        .map(|a| {
            let found = match gitlab_reads(a, Field::Email) {
                Some(attr) => format!(
                    "The attribute {} GitLab reads as the email address is empty",
                    quote(&attr.name)
                ),
                None => missing_field(a, Field::Email),
            };
            Raised::new(
                format!("{found}{}.{}", which(msg, a), near_hint(a)),
                "Add an attribute named email holding the user's address (Okta: Attribute \
                 Statements; Microsoft Entra: Attributes & Claims; Google Workspace: map \
                 Primary email to email), or rename the existing one to email.",
            )
        })
        .collect()
}

/// " \"Email\" looks meant as the email address, …" when a loosely spelled one is present.
fn near_hint(a: &Assertion) -> String {
    let near: Vec<String> = near_names(a, Field::Email)
        .iter()
        .map(|n| quote(n))
        .collect();
    if near.is_empty() {
        return String::new();
    }
    format!(
        " {} looks meant as the email address, but GitLab matches names exactly.",
        near.join(", ")
    )
}

/// "None of the assertion's 2 attributes (a, b) is one GitLab reads as the email address".
fn missing_field(a: &Assertion, field: Field) -> String {
    if a.attributes.is_empty() {
        return format!(
            "The assertion has no attributes at all, so GitLab gets no {}",
            field.noun()
        );
    }
    let listed: Vec<String> = a.attributes.iter().map(|x| quote(&x.name)).collect();
    format!(
        "None of the assertion's {} attributes ({}) is one GitLab reads as the {}",
        a.attributes.len(),
        listed.join(", "),
        field.noun()
    )
}

/// AT002: neither a full name nor both first and last names.
fn no_name(msg: &Message, _: &Context) -> Vec<Raised> {
    judged(msg)
        .filter_map(|a| {
            let first = value_of(a, Field::FirstName).is_some();
            let last = value_of(a, Field::LastName).is_some();
            if value_of(a, Field::Name).is_some() || (first && last) {
                return None;
            }
            let has = match (first, last) {
                (true, false) => "only a first name, no last name",
                (false, true) => "only a last name, no first name",
                _ => "neither a first nor a last name",
            };
            Some(Raised::new(
                format!(
                    "The assertion{} has no full name attribute GitLab reads, and {has}.",
                    which(msg, a)
                ),
                "Add first_name and last_name attributes (or name) to the SAML app; without \
                 them GitLab can fail to create the account with \"Name can't be blank\".",
            ))
        })
        .collect()
}

/// AT003: an attribute spelled almost like one GitLab reads, for a field nothing else fills.
fn misspelled(msg: &Message, _: &Context) -> Vec<Raised> {
    let mut out = Vec::new();
    for a in readable(msg) {
        for attr in &a.attributes {
            let Some(field) = looks_meant_for(&attr.name) else {
                continue;
            };
            if field.accepted().contains(&attr.name.as_str()) || gitlab_reads(a, field).is_some() {
                continue;
            }
            out.push(Raised::new(
                format!(
                    "The attribute {}{} looks meant as the {}, but GitLab does not read that \
                     name: names match exactly, case included.",
                    quote(&attr.name),
                    which(msg, a),
                    field.noun()
                ),
                format!(
                    "Rename the attribute in the SAML app to {} (on GitLab Self-Managed, \
                     attribute_statements can map it instead).",
                    field.short_names()
                ),
            ));
        }
    }
    out
}

/// AT004: the email address GitLab would read has odd characters or no @.
fn odd_email(msg: &Message, _: &Context) -> Vec<Raised> {
    judged(msg)
        .filter_map(|a| {
            let attr = gitlab_reads(a, Field::Email)?;
            let value = value_of(a, Field::Email)?;
            let problem = email_problem(value)?;
            Some(Raised::new(
                format!(
                    "GitLab would read the email address {} from the attribute {}{}: {problem}.",
                    quote(value),
                    quote(&attr.name),
                    which(msg, a)
                ),
                "Fix the directory value or the claim that fills the email attribute; GitLab \
                 matches accounts by this address.",
            ))
        })
        .collect()
}

fn email_problem(value: &str) -> Option<&'static str> {
    if value.trim() != value {
        Some("it has spaces around it")
    } else if value.chars().any(is_invisible) {
        Some("it has invisible characters in it")
    } else if !value.contains('@') {
        Some("it is not an email address (no @)")
    } else {
        None
    }
}

#[cfg(test)]
mod tests {
    use super::super::testing::*;
    use super::*;

    const NAMES: [(&str, &str); 2] = [("first_name", "Alice"), ("last_name", "Example")];

    fn attrs(extra: &[(&str, &str)]) -> ResponseXml {
        let all: Vec<(&str, &str)> = NAMES.iter().chain(extra).copied().collect();
        response().attributes(&all)
    }

    #[test]
    fn at001_no_email_attribute_lists_what_came() {
        let f = one(&check(&attrs(&[])), "AT001");
        assert_eq!(
            f.detail,
            "None of the assertion's 2 attributes (\"first_name\", \"last_name\") is one GitLab \
             reads as the email address."
        );
        assert!(f.fix.contains("Missing claims"), "{}", f.fix);
    }

    #[test]
    fn at001_names_the_misspelled_candidate() {
        let f = one(&check(&attrs(&[("Email", "alice@example.com")])), "AT001");
        assert!(
            f.detail.ends_with(
                "\"Email\" looks meant as the email address, but GitLab matches names exactly."
            ),
            "{}",
            f.detail
        );
    }

    #[test]
    fn at001_empty_value_and_no_attributes() {
        let f = one(&check(&attrs(&[("email", " ")])), "AT001");
        assert_eq!(
            f.detail,
            "The attribute \"email\" GitLab reads as the email address is empty."
        );
        let f = one(&check(&response().attributes(&[])), "AT001");
        assert!(
            f.detail
                .starts_with("The assertion has no attributes at all"),
            "{}",
            f.detail
        );
    }

    #[test]
    fn at001_not_raised_for_any_accepted_name() {
        for name in names::EMAIL {
            let findings = check(&attrs(&[(name, "alice@example.com")]));
            assert!(raised(&findings, "AT001").is_empty(), "{name}");
        }
    }

    #[test]
    fn at002_missing_last_name() {
        let r = response().attributes(&[("email", "a@example.com"), ("firstName", "Alice")]);
        let f = one(&check(&r), "AT002");
        assert_eq!(
            f.detail,
            "The assertion has no full name attribute GitLab reads, and only a first name, no \
             last name."
        );
        assert!(f.fix.contains("can't be blank"));
    }

    #[test]
    fn at002_not_raised_with_full_name_or_both_names() {
        assert!(raised(&check(&response()), "AT002").is_empty());
        let r = response().attributes(&[
            ("email", "a@example.com"),
            (
                "http://schemas.microsoft.com/ws/2008/06/identity/claims/name",
                "Alice Example",
            ),
        ]);
        assert!(raised(&check(&r), "AT002").is_empty());
    }

    #[test]
    fn at003_loose_spellings() {
        let cases = [
            ("emailAddress", "the email address"),
            ("given_name", "the first name"),
            ("http://schemas.xmlsoap.org/claims/Group", "the groups"),
            ("urn:oid:1.2.840.113549.1.9.1", "the email address"),
            ("displayName", "the full name"),
        ];
        for (name, field) in cases {
            let findings = check(&response().attributes(&[(name, "x@example.com")]));
            let found = raised(&findings, "AT003");
            assert_eq!(found.len(), 1, "{name}: {findings:#?}");
            assert!(
                found[0].detail.contains(field),
                "{name}: {}",
                found[0].detail
            );
        }
    }

    #[test]
    fn at003_not_raised_when_the_field_is_provided() {
        assert!(raised(&check(&response()), "AT003").is_empty());
        let r = attrs(&[
            ("email", "a@example.com"),
            ("Email", "a@example.com"),
            ("sn", "E"),
        ]);
        assert!(raised(&check(&r), "AT003").is_empty());
        let r = attrs(&[("email", "a@example.com"), ("department", "R&amp;D")]);
        assert!(raised(&check(&r), "AT003").is_empty());
    }

    #[test]
    fn at004_odd_email_values() {
        let f = one(&check(&attrs(&[("email", "alice@example.com ")])), "AT004");
        assert_eq!(
            f.detail,
            "GitLab would read the email address \"alice@example.com \" from the attribute \
             \"email\": it has spaces around it."
        );
        let f = one(
            &check(&attrs(&[("mail", "alice\u{200B}@example.com")])),
            "AT004",
        );
        assert!(f.detail.contains("invisible characters"));
        let f = one(&check(&attrs(&[("email", "alice")])), "AT004");
        assert!(f.detail.contains("no @"));
    }

    #[test]
    fn at004_not_raised_on_a_plain_address() {
        assert!(raised(&check(&response()), "AT004").is_empty());
    }

    #[test]
    fn encrypted_attributes_are_not_judged_missing() {
        let xml = response().attributes(&NAMES).xml().replace(
            "</saml:AttributeStatement>",
            "<saml:EncryptedAttribute><xenc:EncryptedData xmlns:xenc=\"http://www.w3.org/2001/04/xmlenc#\"/></saml:EncryptedAttribute></saml:AttributeStatement>",
        );
        let msg = message(&xml);
        assert!(no_email(&msg, &gitlab_context()).is_empty());
    }
}
