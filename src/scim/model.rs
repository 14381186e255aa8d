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
