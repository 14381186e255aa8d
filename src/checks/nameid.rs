//! NameID rules: is there one, is it exactly the value GitLab stores, will it stay the same.
//!
//! GitLab identifies a user by the NameID (stored as `extern_uid`), compared exactly. These
//! rules judge the value and its format only; comparing it with stored identities is
//! `compare`'s job.

use crate::saml::{Assertion, Message, NameId};

use super::quote::{describe, quote};
use super::{Context, Raised, Rule, readable, succeeded, which};
use crate::sanitize::is_invisible;

pub(super) const RULES: &[Rule] = &[
    Rule {
        code: "NI001",
        check: missing,
    },
    Rule {
        code: "NI002",
        check: hidden_characters,
    },
    Rule {
        code: "NI003",
        check: transient,
    },
    Rule {
        code: "NI004",
        check: email,
    },
    Rule {
        code: "NI005",
        check: unstated_format,
    },
];

const TRANSIENT: &str = "urn:oasis:names:tc:SAML:2.0:nameid-format:transient";
const EMAIL_FORMAT: &str = "urn:oasis:names:tc:SAML:1.1:nameid-format:emailAddress";
const UNSPECIFIED: &str = "urn:oasis:names:tc:SAML:1.1:nameid-format:unspecified";

/// The readable NameIDs of a sign-in message, each with its assertion.
fn name_ids(msg: &Message) -> impl Iterator<Item = (&Assertion, &NameId)> {
    readable(msg).filter_map(|a| Some((a, a.subject.as_ref()?.name_id.as_ref()?)))
}

/// True when nothing visible is left once spaces and invisible characters are removed.
fn is_blank(value: &str) -> bool {
    value.chars().all(|c| c.is_whitespace() || is_invisible(c))
}

/// NI001: a successful response whose assertion has no NameID, or an empty one.
fn missing(msg: &Message, _: &Context) -> Vec<Raised> {
    if !succeeded(msg) {
        return vec![];
    }
    readable(msg)
        .filter_map(|a| {
            missing_in(a).map(|d| Raised::new(format!("{d}{}.", which(msg, a)), MISSING_FIX))
        })
        .collect()
}

const MISSING_FIX: &str = "Configure the SAML app to send a NameID for every user: GitLab \
    recommends a persistent value that never changes, such as user.objectid in Microsoft Entra \
    or user.getInternalProperty(\"id\") in Okta.";

fn missing_in(a: &Assertion) -> Option<String> {
    let Some(subject) = &a.subject else {
        return Some("The assertion has no Subject, so it names no user".to_owned());
    };
    if subject.encrypted_id.is_some() {
        return None;
    }
    match &subject.name_id {
        None => Some("The assertion's Subject has no NameID".to_owned()),
        Some(n) if n.value.is_empty() => Some("The NameID is empty".to_owned()),
        Some(n) if is_blank(&n.value) => Some(format!(
            "The NameID {} holds only spaces or invisible characters",
            quote(&n.value)
        )),
        Some(_) => None,
    }
}

/// NI002: surrounding whitespace or invisible characters in a NameID.
fn hidden_characters(msg: &Message, _: &Context) -> Vec<Raised> {
    name_ids(msg)
        .filter(|(_, n)| !is_blank(&n.value))
        .filter_map(|(a, n)| {
            let problems = problems(&n.value);
            (!problems.is_empty()).then(|| {
                Raised::new(
                    format!(
                        "The NameID{} is {} ({} characters): {}. GitLab compares NameIDs \
                         exactly, so it will not match an identity stored without them.",
                        which(msg, a),
                        quote(&n.value),
                        n.value.chars().count(),
                        problems.join("; ")
                    ),
                    HIDDEN_FIX,
                )
            })
        })
        .collect()
}

const HIDDEN_FIX: &str = "Remove the characters where the identity provider takes the NameID \
    from (usually a directory field that was pasted from a document or edited by hand, or a \
    claim transformation). If GitLab already stored the value with them, update the stored \
    extern_uid with the SAML or SCIM API once the source is clean.";

/// "it starts with a space (U+0020)", "it has a zero-width space (U+200B) at character 6".
fn problems(value: &str) -> Vec<String> {
    let chars: Vec<char> = value.chars().collect();
    let odd = |c: &char| c.is_whitespace() || is_invisible(*c);
    let lead = chars.iter().take_while(|c| odd(c)).count();
    let trail = chars[lead..].iter().rev().take_while(|c| odd(c)).count();
    let mut out = Vec::new();
    if lead > 0 {
        out.push(format!("it starts with {}", names(&chars[..lead])));
    }
    if trail > 0 {
        out.push(format!(
            "it ends with {}",
            names(&chars[chars.len() - trail..])
        ));
    }
    let inner = &chars[lead..chars.len() - trail];
    for (i, c) in inner.iter().enumerate().filter(|(_, c)| is_invisible(**c)) {
        out.push(format!(
            "it has a {} at character {}",
            describe(*c),
            lead + i + 1
        ));
    }
    out
}

fn names(run: &[char]) -> String {
    let mut parts: Vec<(char, usize)> = Vec::new();
    for &c in run {
        match parts.last_mut() {
            Some((last, n)) if *last == c => *n += 1,
            _ => parts.push((c, 1)),
        }
    }
    parts
        .iter()
        .map(|(c, n)| match n {
            1 => format!("a {}", describe(*c)),
            n => format!("{n} × {}", describe(*c)),
        })
        .collect::<Vec<_>>()
        .join(" and ")
}

/// NI003: the transient format, which changes at every sign-in.
fn transient(msg: &Message, _: &Context) -> Vec<Raised> {
    name_ids(msg)
        .filter(|(_, n)| n.format.as_deref().map(str::trim) == Some(TRANSIENT))
        .map(|(a, n)| {
            Raised::new(
                format!(
                    "The NameID{} {} has the transient format, so the identity provider sends a \
                     different value at every sign-in. GitLab stores the first one and does not \
                     recognise the user the next time (\"User has already been taken\").",
                    which(msg, a),
                    quote(&n.value)
                ),
                "Set the SAML app's NameID format to persistent, with a value that never \
                 changes (such as the user's object ID).",
            )
        })
        .collect()
}

/// NI004: an email address (or UPN) as NameID.
fn email(msg: &Message, _: &Context) -> Vec<Raised> {
    name_ids(msg)
        .filter(|(_, n)| looks_like_email(&n.value) || n.format.as_deref() == Some(EMAIL_FORMAT))
        .map(|(a, n)| {
            let format = if n.format.as_deref() == Some(EMAIL_FORMAT) {
                " (format emailAddress)"
            } else {
                ""
            };
            Raised::new(
                format!(
                    "The NameID{} {} is an email address{format}. Addresses change (a new name, \
                     a new domain) and GitLab matches the stored value case-sensitively, so a \
                     changed address locks the user out.",
                    which(msg, a),
                    quote(&n.value)
                ),
                "Prefer an ID that never changes (Entra: user.objectid; Okta: \
                 user.getInternalProperty(\"id\")). Google Workspace can only send the primary \
                 email, which GitLab's Google Workspace setup accepts. Changing the NameID of \
                 existing users also needs their stored identity updated.",
            )
        })
        .collect()
}

/// `local@domain.tld` without spaces: an email address or a user principal name.
fn looks_like_email(value: &str) -> bool {
    let v = value.trim();
    let Some((local, domain)) = v.split_once('@') else {
        return false;
    };
    !local.is_empty()
        && !domain.contains('@')
        && domain.contains('.')
        && !domain.starts_with('.')
        && !domain.ends_with('.')
        && !v.chars().any(char::is_whitespace)
}

/// NI005: no Format, or the unspecified one.
fn unstated_format(msg: &Message, _: &Context) -> Vec<Raised> {
    name_ids(msg)
        .filter_map(|(a, n)| {
            let stated = match n.format.as_deref().map(str::trim) {
                None | Some("") => "has no Format",
                Some(UNSPECIFIED) => "has the unspecified format",
                Some(_) => return None,
            };
            Some(Raised::new(
                format!(
                    "The NameID{} {} {stated}. GitLab accepts it, but the identity provider \
                     promises nothing about the value staying the same.",
                    which(msg, a),
                    quote(&n.value)
                ),
                "Set the SAML app's NameID format to persistent.",
            ))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::super::testing::*;
    use super::looks_like_email;

    #[test]
    fn ni001_no_name_id() {
        let f = one(&check(&response().with(|a| a.name_id = None)), "NI001");
        assert_eq!(f.detail, "The assertion's Subject has no NameID.");
        assert!(f.fix.contains("SAML NameID is missing"), "{}", f.fix);
    }

    #[test]
    fn ni001_empty_and_blank_name_id() {
        let f = one(&check(&response().name_id("")), "NI001");
        assert_eq!(f.detail, "The NameID is empty.");
        let f = one(&check(&response().name_id(" \u{200B} ")), "NI001");
        assert_eq!(
            f.detail,
            "The NameID \" <U+200B> \" holds only spaces or invisible characters."
        );
        assert!(raised(&check(&response().name_id(" ")), "NI002").is_empty());
    }

    #[test]
    fn ni001_not_raised_on_clean_failed_or_encrypted_id() {
        assert!(raised(&check(&response()), "NI001").is_empty());
        assert!(raised(&check(&response().failed("AuthnFailed", "")), "NI001").is_empty());
        let encrypted_id = response().with(|a| a.encrypted_id = true);
        assert!(raised(&check(&encrypted_id), "NI001").is_empty());
    }

    #[test]
    fn ni002_trailing_space_and_zero_width() {
        let f = one(
            &check(&response().name_id("alice\u{200B}@example.com ")),
            "NI002",
        );
        assert_eq!(
            f.detail,
            "The NameID is \"alice<U+200B>@example.com \" (19 characters): it ends with a space \
             (U+0020); it has a zero-width space (U+200B) at character 6. GitLab compares \
             NameIDs exactly, so it will not match an identity stored without them."
        );
        assert!(f.fix.contains("Mismatched SCIM extern_uid and SAML NameId"));
    }

    #[test]
    fn ni002_leading_runs_are_counted() {
        let f = one(&check(&response().name_id("\u{A0}\u{A0}\nbob")), "NI002");
        assert!(
            f.detail
                .contains("it starts with 2 × no-break space (U+00A0) and a line feed (U+000A)"),
            "{}",
            f.detail
        );
    }

    #[test]
    fn ni002_bidi_mark_inside() {
        let f = one(&check(&response().name_id("abc\u{202E}def")), "NI002");
        assert!(
            f.detail
                .contains("bidirectional formatting character (U+202E) at character 4")
        );
    }

    #[test]
    fn ni002_not_raised_on_clean_or_inner_ascii_space() {
        assert!(raised(&check(&response()), "NI002").is_empty());
        assert!(raised(&check(&response().name_id("Alice Example")), "NI002").is_empty());
    }

    #[test]
    fn ni003_transient() {
        let r = response()
            .name_id("_8e8dc5f69a98cc4c")
            .name_id_format(TRANSIENT);
        let f = one(&check(&r), "NI003");
        assert!(
            f.detail
                .contains("\"_8e8dc5f69a98cc4c\" has the transient format")
        );
        assert!(f.fix.contains("User has already been taken"), "{}", f.fix);
    }

    #[test]
    fn ni003_not_raised_on_persistent() {
        assert!(raised(&check(&response()), "NI003").is_empty());
    }

    #[test]
    fn ni004_email_value_or_format() {
        let f = one(&check(&response().name_id("alice@example.com")), "NI004");
        assert!(
            f.detail
                .starts_with("The NameID \"alice@example.com\" is an email address. ")
        );
        let r = response()
            .name_id("alice@example.com")
            .name_id_format(EMAIL_FORMAT);
        let f = one(&check(&r), "NI004");
        assert!(f.detail.contains("(format emailAddress)"));
        assert_eq!(f.severity, crate::checks::Severity::Info);
    }

    #[test]
    fn ni004_not_raised_on_ids() {
        assert!(raised(&check(&response()), "NI004").is_empty());
        for v in [
            "alice",
            "a@b",
            "@example.com",
            "a b@example.com",
            "x@example.",
        ] {
            assert!(!looks_like_email(v), "{v}");
        }
    }

    #[test]
    fn ni005_missing_or_unspecified_format() {
        let r = response().with(|a| a.name_id_format = None);
        assert!(one(&check(&r), "NI005").detail.contains("has no Format"));
        let r = response().name_id_format(UNSPECIFIED);
        assert!(
            one(&check(&r), "NI005")
                .detail
                .contains("unspecified format")
        );
    }

    #[test]
    fn ni005_not_raised_on_persistent_or_email_format() {
        assert!(raised(&check(&response()), "NI005").is_empty());
        let r = response()
            .name_id("a@example.com")
            .name_id_format(EMAIL_FORMAT);
        assert!(raised(&check(&r), "NI005").is_empty());
    }

    #[test]
    fn several_assertions_are_told_apart() {
        let mut xml = response().name_id("").xml();
        let a = xml.find("<saml:Assertion").unwrap();
        let end = xml.find("</saml:Assertion>").unwrap() + "</saml:Assertion>".len();
        let copy = xml[a..end].replace("_a1", "_a2");
        xml.insert_str(end, &copy);
        let findings = super::missing(&message(&xml), &gitlab_context());
        assert_eq!(findings.len(), 2);
        assert!(
            findings[1].detail.contains("/Response/Assertion[2]"),
            "{findings:?}"
        );
    }
}
