//! Problems of an identity list itself, whatever NameID is compared: duplicate external ids
//! (case-insensitively, as GitLab judges uniqueness) and ids with whitespace or invisible
//! characters that no IdP will ever send back the same way.
//!
//! Pure. Duplicates are judged only between different people: a SCIM and a SAML identity of
//! one user with the same value are right, not a duplicate.

use std::collections::HashMap;

use serde::Serialize;

use super::normalise::case_key;
use super::show;
use crate::sanitize::is_zero_width;
use crate::scim::Identity;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ProblemKind {
    /// Two people with the same external id.
    DuplicateExternalId,
    /// Two people whose external ids differ only in capitalisation.
    CaseDuplicate,
    /// Leading or trailing whitespace in an external id.
    Whitespace,
    /// Zero-width, bidi or other invisible characters in an external id.
    InvisibleCharacters,
}

/// One problem of the list, with where the identities concerned were read.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ListProblem {
    pub kind: ProblemKind,
    pub external_ids: Vec<String>,
    pub origins: Vec<String>,
    pub message: String,
}

/// Every problem of the list, duplicates first, in list order; each value is reported once
/// even when a user's SCIM and SAML identities both carry it.
pub fn list_problems(ids: &[Identity]) -> Vec<ListProblem> {
    let mut out = duplicates(ids);
    let mut seen = std::collections::HashSet::new();
    out.extend(
        ids.iter()
            .filter(|i| seen.insert(i.external_id.as_deref()))
            .filter_map(characters),
    );
    out
}

fn duplicates(ids: &[Identity]) -> Vec<ListProblem> {
    let mut groups: HashMap<String, Vec<&Identity>> = HashMap::new();
    let mut order = Vec::new();
    for id in ids {
        let Some(ext) = id.external_id.as_deref() else {
            continue;
        };
        let key = case_key(ext).into_owned();
        let group = groups.entry(key.clone()).or_default();
        if group.is_empty() {
            order.push(key);
        }
        group.push(id);
    }
    order
        .into_iter()
        .filter_map(|key| duplicate(&groups[&key]))
        .collect()
}

fn duplicate(group: &[&Identity]) -> Option<ListProblem> {
    let mut people: Vec<&Identity> = Vec::new();
    for id in group {
        if !people.iter().any(|p| same_person(p, id)) {
            people.push(id);
        }
    }
    if people.len() < 2 {
        return None;
    }
    let exts: Vec<String> = people
        .iter()
        .filter_map(|p| p.external_id.clone())
        .collect();
    let same = exts.iter().all(|e| *e == exts[0]);
    let (kind, what) = if same {
        (ProblemKind::DuplicateExternalId, "the same external id")
    } else {
        (
            ProblemKind::CaseDuplicate,
            "external ids that differ only in capitalisation",
        )
    };
    let origins: Vec<String> = people.iter().map(|p| p.origin.clone()).collect();
    let shown: Vec<String> = exts.iter().map(|e| show(e)).collect();
    Some(ListProblem {
        kind,
        message: format!(
            "{} people have {what} ({}), at {}: GitLab accepts only one of them per group.",
            people.len(),
            shown.join(", "),
            origins.join(", ")
        ),
        external_ids: exts,
        origins,
    })
}

fn same_person(a: &Identity, b: &Identity) -> bool {
    match (a.user_id, b.user_id) {
        (Some(x), Some(y)) => x == y,
        _ => {
            let name = |i: &Identity| i.user_name.clone().or_else(|| i.email().map(str::to_owned));
            let (na, nb) = (name(a), name(b));
            na.is_some() && na.map(|s| s.to_lowercase()) == nb.map(|s| s.to_lowercase())
        }
    }
}

fn characters(id: &Identity) -> Option<ListProblem> {
    let ext = id.external_id.as_deref()?;
    let (kind, what) = if ext.chars().any(is_zero_width) {
        (ProblemKind::InvisibleCharacters, "invisible characters")
    } else if ext.trim() != ext {
        (ProblemKind::Whitespace, "leading or trailing whitespace")
    } else {
        return None;
    };
    Some(ListProblem {
        kind,
        external_ids: vec![ext.to_owned()],
        origins: vec![id.origin.clone()],
        message: format!(
            "the external id {} at {} has {what}: an IdP is unlikely to send it back exactly.",
            show(ext),
            id.origin
        ),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scim::IdentitySource;

    fn id(ext: &str, user: Option<u64>, source: IdentitySource, line: usize) -> Identity {
        Identity {
            external_id: Some(ext.into()),
            user_id: user,
            source,
            origin: format!("line {line}"),
            ..Identity::default()
        }
    }

    #[test]
    fn duplicates_are_between_people_of_one_source() {
        let ids = [
            id("bob@example.com", Some(1), IdentitySource::Scim, 1),
            id("bob@example.com", Some(1), IdentitySource::Saml, 2),
            id("Bob@Example.com", Some(1), IdentitySource::Saml, 8),
            id("Bob@Example.com", Some(2), IdentitySource::Scim, 3),
            id("x", Some(3), IdentitySource::Scim, 4),
            id("x", Some(3), IdentitySource::Scim, 5),
            id("y", None, IdentitySource::Unknown, 6),
            id("y", None, IdentitySource::Unknown, 7),
        ];
        let problems = list_problems(&ids);
        let kinds: Vec<_> = problems
            .iter()
            .map(|p| (p.kind, p.origins.clone()))
            .collect();
        assert_eq!(
            kinds,
            [
                (
                    ProblemKind::CaseDuplicate,
                    vec!["line 1".to_owned(), "line 3".to_owned()]
                ),
                (
                    ProblemKind::DuplicateExternalId,
                    vec!["line 6".to_owned(), "line 7".to_owned()]
                ),
            ]
        );
        assert!(
            problems[0]
                .message
                .starts_with("2 people have external ids that differ only in capitalisation")
        );
    }

    #[test]
    fn stray_characters_are_listed() {
        let ids = [
            id("ok", None, IdentitySource::Scim, 1),
            id("alice ", None, IdentitySource::Scim, 2),
            id("b\u{200b}ob", None, IdentitySource::Scim, 3),
        ];
        let problems = list_problems(&ids);
        assert_eq!(problems.len(), 2);
        assert_eq!(problems[0].kind, ProblemKind::Whitespace);
        assert_eq!(problems[1].kind, ProblemKind::InvisibleCharacters);
        assert!(
            problems[1].message.contains("\"b<U+200B>ob\""),
            "{}",
            problems[1].message
        );
    }
}
