//! The identity model: one record of who GitLab (or the IdP) thinks a person is.
//!
//! Plain data with serde derives, shared by every loader and by `compare`. Values are kept
//! exactly as read (no trimming, no case folding): a stray space or a changed capital in an
//! external id is what this tool exists to find. Nothing here does I/O.

use serde::{Deserialize, Serialize};

/// One identity: a SCIM or SAML identity in GitLab, a user in an IdP export, a NameID seen in a
/// log, or a person without an identity (a group member who never linked SAML).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct Identity {
    /// GitLab's `extern_uid` (SCIM `id`, IdP `externalId`): what the NameID must equal.
    /// `None` for a person known only by name or email.
    pub external_id: Option<String>,
    /// The GitLab username (SCIM `userName`), or the IdP's login (UPN) in an IdP export.
    pub user_name: Option<String>,
    pub emails: Vec<String>,
    pub display_name: Option<String>,
    /// `Some(false)` when the identity is deprovisioned (SCIM `active: false`) or the account is
    /// blocked; `None` when the source does not say.
    pub active: Option<bool>,
    /// The GitLab user id, when the source gives it.
    pub user_id: Option<u64>,
    pub source: IdentitySource,
    /// Where the record was read: `samples/identities.csv line 4`, `…/Users page 2`.
    pub origin: String,
}

/// What kind of record an identity is, which decides how it is fixed.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum IdentitySource {
    /// A SCIM identity as GitLab stores it (SCIM API, REST `scim/identities`).
    Scim,
    /// A SAML identity as GitLab stores it (REST `saml/identities`, a member's
    /// `group_saml_identity`, a user's `identities`).
    Saml,
    /// A group member or user with no SAML or SCIM identity.
    Member,
    /// A user as the IdP sees it (an Entra export, a plain list of ids).
    Idp,
    /// A NameID GitLab logged on an earlier sign-in (`auth_json.log`).
    Observed,
    /// The source does not say.
    #[default]
    Unknown,
}

impl IdentitySource {
    pub fn as_str(self) -> &'static str {
        match self {
            IdentitySource::Scim => "scim",
            IdentitySource::Saml => "saml",
            IdentitySource::Member => "member",
            IdentitySource::Idp => "idp",
            IdentitySource::Observed => "observed",
            IdentitySource::Unknown => "unknown",
        }
    }
}

impl Identity {
    /// The identity with every value a message could name it by (externalId, userName, emails,
    /// display name) masked with `key` as `har sanitize --mask-key` masks NameIDs and attribute
    /// values, so the list can be compared with a capture sanitised under the same key. Ids and
    /// origins are kept.
    pub fn mask(&mut self, key: &str) {
        let mask = |v: &mut String| *v = crate::redact::mask::mask_value(key, v);
        self.external_id.iter_mut().for_each(mask);
        self.user_name.iter_mut().for_each(mask);
        self.display_name.iter_mut().for_each(mask);
        self.emails.iter_mut().for_each(mask);
    }

    /// The first email, which the IdP and GitLab both treat as primary.
    pub fn email(&self) -> Option<&str> {
        self.emails.first().map(String::as_str)
    }

    /// True only when the source says the identity is deprovisioned or blocked.
    pub fn is_inactive(&self) -> bool {
        self.active == Some(false)
    }

    /// A short name for messages: the external id, else the username, else the email.
    pub fn label(&self) -> String {
        let name = self
            .external_id
            .as_deref()
            .or(self.user_name.as_deref())
            .or(self.email());
        name.map_or_else(|| "(no id)".to_owned(), |n| format!("{n:?}"))
    }
}

/// An identity list read from one input (a file or a URL).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct IdentityList {
    /// The file path or URL it was read from.
    pub input: String,
    /// The format it was read as (`scim`, `rest`, `csv`, …).
    pub format: String,
    pub identities: Vec<Identity>,
    /// Rows that were skipped, each with its position and why.
    pub skipped: Vec<super::RowIssue>,
    /// Notes about the whole input (a SCIM file that holds only some pages).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub notes: Vec<String>,
    /// True when this is not the whole list (a filtered look-up, a file of some pages):
    /// problems of the list itself (duplicates) cannot be judged from it.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub partial: bool,
}

/// Completes identities from person records of the same GitLab user (`user_id`): a REST
/// identity row has no username or email, a member record has. Person records whose user has
/// an identity are then dropped; those without one stay (a member who never linked SAML).
pub fn join_people(identities: &mut Vec<Identity>) {
    use std::collections::{HashMap, HashSet};
    let people: HashMap<u64, Identity> = identities
        .iter()
        .filter(|i| i.external_id.is_none())
        .filter_map(|i| Some((i.user_id?, i.clone())))
        .collect();
    let mut linked = HashSet::new();
    for id in identities.iter_mut().filter(|i| i.external_id.is_some()) {
        let Some(person) = id.user_id.and_then(|u| people.get(&u)) else {
            continue;
        };
        linked.insert(person.user_id);
        id.user_name = id.user_name.take().or_else(|| person.user_name.clone());
        id.display_name = id
            .display_name
            .take()
            .or_else(|| person.display_name.clone());
        if id.emails.is_empty() {
            id.emails = person.emails.clone();
        }
        if person.is_inactive() {
            id.active = Some(false);
        }
    }
    identities.retain(|i| i.external_id.is_some() || !linked.contains(&i.user_id));
}

/// The identities of several lists (`--scim A --scim B`) as one: a record of a later list that
/// is the same person as a record of an earlier one — the same external id, and nothing that
/// says otherwise (user id, username, email) — completes it instead of standing beside it as a
/// second person, and the origin says which list gave which field. Records of one list are
/// never merged with each other: two of them with one external id are a duplicate the list
/// problems report. A SCIM and a SAML identity of one person stay two records (GitLab stores
/// both, and a fix goes to the one it names), each completed from the other.
pub fn merge_lists(lists: Vec<IdentityList>) -> Vec<Identity> {
    use std::collections::HashMap;
    let mut merged: Vec<Identity> = Vec::new();
    // Which list each merged record came from, and the records by external id.
    let mut from: Vec<usize> = Vec::new();
    let mut by_ext: HashMap<String, Vec<usize>> = HashMap::new();
    for (n, list) in lists.into_iter().enumerate() {
        for id in list.identities {
            let earlier: Vec<usize> = id
                .external_id
                .as_ref()
                .and_then(|e| by_ext.get(e))
                .into_iter()
                .flatten()
                .copied()
                .filter(|&i| from[i] < n && same_person(&merged[i], &id))
                .collect();
            let twin = earlier
                .iter()
                .copied()
                .find(|&i| mergeable(merged[i].source, id.source));
            match twin {
                Some(i) => complete(&mut merged[i], &id),
                None => {
                    let mut id = id;
                    for &i in &earlier {
                        fill(&mut merged[i], &id);
                        fill(&mut id, &merged[i].clone());
                    }
                    if let Some(e) = &id.external_id {
                        by_ext.entry(e.clone()).or_default().push(merged.len());
                    }
                    merged.push(id);
                    from.push(n);
                }
            }
        }
    }
    merged
}

/// Nothing in two records with one external id says they are different people.
fn same_person(a: &Identity, b: &Identity) -> bool {
    let differ = |x: Option<&str>, y: Option<&str>| matches!((x, y), (Some(x), Some(y)) if !x.eq_ignore_ascii_case(y));
    let no_shared_email = !a.emails.is_empty()
        && !b.emails.is_empty()
        && !a
            .emails
            .iter()
            .any(|x| b.emails.iter().any(|y| x.eq_ignore_ascii_case(y)));
    !(matches!((a.user_id, b.user_id), (Some(x), Some(y)) if x != y)
        || differ(a.user_name.as_deref(), b.user_name.as_deref())
        || no_shared_email)
}

/// Two records of one person become one unless they are GitLab's SCIM and SAML identities.
fn mergeable(a: IdentitySource, b: IdentitySource) -> bool {
    use IdentitySource::{Saml, Scim};
    !matches!((a, b), (Scim, Saml) | (Saml, Scim))
}

/// Fills what `into` lacks from `other`, and returns the names of the fields it took.
fn fill(into: &mut Identity, other: &Identity) -> Vec<&'static str> {
    let mut took = Vec::new();
    if into.user_id.is_none() && other.user_id.is_some() {
        into.user_id = other.user_id;
        took.push("user id");
    }
    if into.user_name.is_none() && other.user_name.is_some() {
        into.user_name.clone_from(&other.user_name);
        took.push("username");
    }
    let new_emails: Vec<String> = other
        .emails
        .iter()
        .filter(|e| !into.emails.iter().any(|x| x.eq_ignore_ascii_case(e)))
        .cloned()
        .collect();
    if !new_emails.is_empty() {
        into.emails.extend(new_emails);
        took.push("email");
    }
    if into.display_name.is_none() && other.display_name.is_some() {
        into.display_name.clone_from(&other.display_name);
        took.push("name");
    }
    // Deprovisioned in either list blocks sign-in, so it wins.
    let active = match (into.active, other.active) {
        (Some(false), _) | (_, Some(false)) => Some(false),
        (a, b) => a.or(b),
    };
    if active != into.active {
        into.active = active;
        took.push("active");
    }
    if into.source == IdentitySource::Unknown && other.source != IdentitySource::Unknown {
        into.source = other.source;
    }
    took
}

/// Merges `other` (a later list's record of the same person) into `into`, noting where the
/// fields it gave came from.
fn complete(into: &mut Identity, other: &Identity) {
    let took = fill(into, other);
    let what = if took.is_empty() {
        "also".to_owned()
    } else {
        took.join(", ")
    };
    into.origin = format!("{} ({what}: {})", into.origin, other.origin);
}

/// Parses `true`/`false` the way IdPs and exports spell them. `None` when it is neither.
pub fn parse_bool(text: &str) -> Option<bool> {
    match text.trim().to_ascii_lowercase().as_str() {
        "true" | "yes" | "y" | "1" | "enabled" | "active" => Some(true),
        "false" | "no" | "n" | "0" | "disabled" | "inactive" | "blocked" => Some(false),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_masked_identity_matches_a_masked_message() {
        let mut id = Identity {
            external_id: Some("00u1abcd".into()),
            user_name: Some("alice".into()),
            emails: vec!["alice@example.com".into()],
            origin: "list line 2".into(),
            ..Default::default()
        };
        id.mask("k");
        assert_eq!(
            id.external_id,
            Some(crate::redact::mask::mask_value("k", "00u1abcd"))
        );
        assert_eq!(
            id.user_name,
            Some(crate::redact::mask::mask_value("k", "alice"))
        );
        assert_eq!(
            id.emails,
            [crate::redact::mask::mask_value("k", "alice@example.com")]
        );
        assert_eq!(id.display_name, None);
        assert_eq!(id.origin, "list line 2");
    }

    fn list(input: &str, ids: Vec<Identity>) -> IdentityList {
        IdentityList {
            input: input.into(),
            identities: ids,
            ..IdentityList::default()
        }
    }

    fn person(ext: &str, origin: &str) -> Identity {
        Identity {
            external_id: Some(ext.into()),
            origin: origin.into(),
            ..Identity::default()
        }
    }

    #[test]
    fn one_person_read_from_two_lists_is_one_record() {
        let scim = Identity {
            user_name: Some("alice".into()),
            emails: vec!["alice@example.com".into()],
            source: IdentitySource::Scim,
            ..person("0b1d", "a.json line 13")
        };
        let csv = Identity {
            user_id: Some(48),
            user_name: Some("Alice".into()),
            emails: vec!["ALICE@example.com".into(), "a@old.example".into()],
            active: Some(true),
            source: IdentitySource::Scim,
            ..person("0b1d", "b.csv line 2")
        };
        let merged = merge_lists(vec![list("a", vec![scim]), list("b", vec![csv])]);
        assert_eq!(merged.len(), 1, "{merged:#?}");
        let m = &merged[0];
        assert_eq!(m.user_id, Some(48));
        assert_eq!(
            m.user_name.as_deref(),
            Some("alice"),
            "the first list's value stays"
        );
        assert_eq!(m.emails, ["alice@example.com", "a@old.example"]);
        assert_eq!(m.active, Some(true));
        assert_eq!(
            m.origin,
            "a.json line 13 (user id, email, active: b.csv line 2)"
        );
    }

    #[test]
    fn different_people_with_one_external_id_stay_two() {
        let a = Identity {
            user_name: Some("alice".into()),
            ..person("0b1d", "a line 1")
        };
        let b = Identity {
            user_name: Some("bob".into()),
            ..person("0b1d", "b line 1")
        };
        assert_eq!(
            merge_lists(vec![list("a", vec![a]), list("b", vec![b])]).len(),
            2
        );
        let (c, d) = (person("x", "c line 1"), person("x", "c line 2"));
        assert_eq!(
            merge_lists(vec![list("c", vec![c, d])]).len(),
            2,
            "a duplicate within one list is not merged away"
        );
    }

    #[test]
    fn a_scim_and_a_saml_identity_of_one_person_complete_each_other() {
        let scim = Identity {
            source: IdentitySource::Scim,
            user_name: Some("alice".into()),
            ..person("0b1d", "scim line 1")
        };
        let saml = Identity {
            source: IdentitySource::Saml,
            user_id: Some(48),
            ..person("0b1d", "saml line 1")
        };
        let merged = merge_lists(vec![list("a", vec![scim]), list("b", vec![saml])]);
        assert_eq!(merged.len(), 2);
        assert!(merged.iter().all(|m| m.user_id == Some(48)));
        assert!(
            merged
                .iter()
                .all(|m| m.user_name.as_deref() == Some("alice"))
        );
    }

    #[test]
    fn an_inactive_record_wins() {
        let a = Identity {
            active: Some(true),
            ..person("x", "a line 1")
        };
        let b = Identity {
            active: Some(false),
            ..person("x", "b line 1")
        };
        let merged = merge_lists(vec![list("a", vec![a]), list("b", vec![b])]);
        assert_eq!(merged[0].active, Some(false));
    }

    #[test]
    fn parse_bool_accepts_export_spellings() {
        assert_eq!(parse_bool("True"), Some(true));
        assert_eq!(parse_bool(" FALSE "), Some(false));
        assert_eq!(parse_bool("Disabled"), Some(false));
        assert_eq!(parse_bool("maybe"), None);
        assert_eq!(parse_bool(""), None);
    }

    #[test]
    fn label_prefers_the_external_id() {
        let mut id = Identity {
            user_name: Some("alice".into()),
            ..Identity::default()
        };
        assert_eq!(id.label(), "\"alice\"");
        id.external_id = Some("a-1".into());
        assert_eq!(id.label(), "\"a-1\"");
        assert_eq!(Identity::default().label(), "(no id)");
    }

    #[test]
    fn people_complete_identities_of_the_same_user() {
        let row = |uid: &str, user: u64| Identity {
            external_id: Some(uid.into()),
            user_id: Some(user),
            source: IdentitySource::Scim,
            active: Some(true),
            ..Identity::default()
        };
        let person = |user: u64, name: &str, state: Option<bool>| Identity {
            user_name: Some(name.into()),
            emails: vec![format!("{name}@example.com")],
            user_id: Some(user),
            active: state,
            source: IdentitySource::Member,
            ..Identity::default()
        };
        let mut ids = vec![
            row("a", 1),
            row("b", 2),
            person(1, "alice", None),
            person(2, "bob", Some(false)),
            person(3, "carol", None),
        ];
        join_people(&mut ids);
        let got: Vec<_> = ids
            .iter()
            .map(|i| (i.external_id.as_deref(), i.user_name.as_deref(), i.active))
            .collect();
        assert_eq!(
            got,
            [
                (Some("a"), Some("alice"), Some(true)),
                (Some("b"), Some("bob"), Some(false)),
                (None, Some("carol"), None)
            ]
        );
        assert_eq!(ids[0].emails, ["alice@example.com"]);
    }

    #[test]
    fn only_an_explicit_false_is_inactive() {
        let mut id = Identity::default();
        assert!(!id.is_inactive());
        id.active = Some(true);
        assert!(!id.is_inactive());
        id.active = Some(false);
        assert!(id.is_inactive());
    }
}
