//! The sentences of verdicts: what happened, in words an administrator can read aloud to a
//! colleague, with the values shown so that invisible characters are visible.
//!
//! Pure string building; no decisions are taken here (those are in `index.rs`).

use super::normalise::Difference;
use super::{Hint, IdentityView, show};
use crate::saml::Message;
use crate::scim::{Identity, IdentitySource};

fn kind(id: &Identity) -> &'static str {
    match id.source {
        IdentitySource::Scim => "SCIM identity",
        IdentitySource::Saml => "SAML identity",
        IdentitySource::Idp => "IdP user",
        IdentitySource::Observed => "NameID GitLab logged",
        IdentitySource::Member | IdentitySource::Unknown => "identity",
    }
}

/// `the SCIM identity of alice (samples/identities.csv line 4)`.
fn whose(id: &Identity) -> String {
    let person = id
        .user_name
        .as_deref()
        .or(id.email())
        .or(id.display_name.as_deref());
    match person {
        Some(p) => format!("the {} of {p} ({})", kind(id), id.origin),
        None => format!("the {} at {}", kind(id), id.origin),
    }
}

fn ext(id: &Identity) -> String {
    id.external_id
        .as_deref()
        .map_or_else(|| "(none)".into(), show)
}

/// Appended to the reason of a verdict whose call is not printed because the values are masked.
pub const MASKED_FIX: &str = " The values are masked (--mask-key), so no call is printed: one \
     built from them would store a hash in GitLab. Compare the unmasked capture and list to get it.";

pub fn matched(n: &str, id: &Identity) -> String {
    let active = match id.active {
        Some(true) => ", and it is active",
        _ => "",
    };
    format!(
        "The NameID {} is exactly the external id of {}{active}.",
        show(n),
        whose(id)
    )
}

pub fn inactive(n: &str, id: &Identity) -> String {
    format!(
        "The NameID {} is the external id of {}, but that identity is deactivated (active: false): \
         GitLab signs the user in and then shows a 404 until the IdP reactivates the identity through SCIM \
         (assign the user to the app again), or the call below does.",
        show(n),
        whose(id)
    )
}

pub fn ambiguous_exact(n: &str, count: usize) -> String {
    format!(
        "The NameID {} is the external id of {count} different people: GitLab cannot tell who this is; \
         remove the duplicate identity (the call below, once you have picked it).",
        show(n)
    )
}

pub fn ambiguous_case(n: &str, id: &Identity, twin: &Identity) -> String {
    format!(
        "The NameID {} is the external id of {}, but {} has {}, which differs only in capitalisation: \
         GitLab treats extern_uid case-insensitively for uniqueness, so one of the two must go (the call below, once you have picked it).",
        show(n),
        whose(id),
        whose(twin),
        ext(twin)
    )
}

pub fn ambiguous_near(n: &str, count: usize) -> String {
    format!(
        "No identity has the NameID {} exactly, and {count} different people's external ids nearly equal it: \
         remove the duplicates, then align the IdP's NameID with the one that remains.",
        show(n)
    )
}

pub fn ambiguous_person(n: Option<&str>, count: usize) -> String {
    format!(
        "No identity has the NameID {}, and the response's email or username matches {count} different people: \
         it cannot be told which identity is this person's.",
        n.map_or_else(|| "(none)".into(), show)
    )
}

fn list(diff: &[Difference]) -> String {
    let words: Vec<&str> = diff.iter().map(|d| d.describe()).collect();
    match words.as_slice() {
        [] => "nothing".into(),
        [one] => (*one).into(),
        [init @ .., last] => format!("{} and {last}", init.join(", ")),
    }
}

pub fn near(n: &str, id: &Identity, diff: &[Difference]) -> String {
    let stored = ext(id);
    let advice = if diff
        .iter()
        .any(|d| matches!(d, Difference::Whitespace | Difference::InvisibleCharacters))
    {
        format!(
            "Fix the IdP's NameID mapping so that it sends {stored}; storing the stray characters in GitLab would hide the problem."
        )
    } else {
        format!("Make the IdP send {stored}, or change the stored value with the call below.")
    };
    let hint = if diff.contains(&Difference::Case) {
        " (after a change of capitals GitLab says \"Extern UID has already been taken\")"
    } else {
        ""
    };
    format!(
        "The NameID {} differs from the external id {stored} of {} only in {}: GitLab compares exactly, so sign-in fails{hint}. {advice}",
        show(n),
        whose(id),
        list(diff)
    )
}

pub fn mismatch(n: Option<&str>, id: &Identity, hint: &Hint) -> String {
    let n_shown = n.map_or_else(|| "(none)".into(), show);
    let Some(stored) = id.external_id.as_deref() else {
        return format!(
            "No identity has the NameID {n_shown}, but {} {} is {} (user {}), who has no SAML or SCIM identity: \
             the user must sign in once through the group's SSO URL to link the account, or be provisioned by SCIM.",
            hint.what,
            show(&hint.value),
            id.user_name.as_deref().or(id.email()).unwrap_or("a member"),
            id.user_id
                .map_or_else(|| "id unknown".into(), |u| u.to_string()),
        );
    };
    let pattern = n.map(|n| pattern(n, stored)).unwrap_or_default();
    format!(
        "No identity has the NameID {n_shown}, but {} {} belongs to {}, whose external id is {}: \
         the IdP and GitLab identify this person by different values.{pattern} \
         Align the NameID and the SCIM externalId on one persistent value (GitLab recommends the IdP's object id), \
         or change the stored value with the call below.",
        hint.what,
        show(&hint.value),
        whose(id),
        show(stored)
    )
}

/// The known misconfigurations a mismatch looks like (gitlab-api.md §6.2, M12 and M13).
fn pattern(n: &str, stored: &str) -> String {
    let local = n.split('@').next().unwrap_or(n);
    if n.contains('@') && is_guid(stored) {
        " The NameID is an email or UPN while the stored id is a GUID: the IdP sends the UPN (Entra's default) \
         but SCIM provisioned the object id."
            .into()
    } else if !stored.contains('@') && stored.eq_ignore_ascii_case(local) && n.contains('@') {
        " The stored id is the NameID's local part: SCIM looks left at Entra's default mailNickname → externalId mapping."
            .into()
    } else if is_guid(n) && !is_guid(stored) {
        " The NameID is a GUID while the stored id is not: SCIM provisioned another attribute (Entra's default is mailNickname)."
            .into()
    } else {
        String::new()
    }
}

fn is_guid(s: &str) -> bool {
    let parts: Vec<&str> = s.split('-').collect();
    parts.iter().map(|p| p.len()).eq([8, 4, 4, 4, 12])
        && parts
            .iter()
            .all(|p| p.chars().all(|c| c.is_ascii_hexdigit()))
}

pub fn not_found(n: Option<&str>, hints: &[Hint], loose: bool) -> String {
    let tried: Vec<String> = hints
        .iter()
        .filter(|h| h.what != "the NameID")
        .map(|h| show(&h.value))
        .collect();
    let person = if tried.is_empty() {
        "the response has no email or username attribute to find the person by".to_owned()
    } else {
        format!("nobody has the email or username {}", tried.join(", "))
    };
    let loose = if loose {
        " An identity with the same name before the @ is listed as a candidate."
    } else {
        ""
    };
    format!(
        "No identity has the NameID {}, and {person}: the user is not provisioned. Provision them through SCIM, \
         or have them link their account through the group's SSO URL.{loose}",
        n.map_or_else(|| "(none)".into(), show)
    )
}

pub fn no_name_id(message: &Message, person: Option<&IdentityView>) -> String {
    let encrypted = message
        .assertions
        .iter()
        .any(|a| a.encrypted || a.subject.as_ref().is_some_and(|s| s.encrypted_id.is_some()));
    let why = if encrypted {
        "the assertion or its NameID is encrypted (give --sp-key to read it)"
    } else if message.assertions.is_empty() {
        "the message carries no assertion"
    } else {
        "the assertion's Subject has no NameID"
    };
    let found = person.map_or_else(String::new, |p| {
        let name = p
            .user_name
            .as_deref()
            .or(p.email.as_deref())
            .unwrap_or("someone");
        format!(" The response's attributes point to {name}.")
    });
    format!("There is no NameID to compare: {why}.{found}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn differences_read_as_a_list() {
        assert_eq!(list(&[Difference::Case]), "capitalisation");
        assert_eq!(
            list(&[
                Difference::Whitespace,
                Difference::Case,
                Difference::GuidForm
            ]),
            "surrounding whitespace, capitalisation and the way the GUID is written"
        );
    }

    #[test]
    fn patterns_name_the_entra_defaults() {
        assert!(
            pattern("dave@example.com", "7c9e6679-7425-40de-944b-e07fc1f90ae7").contains("UPN")
        );
        assert!(pattern("carol@example.com", "carol").contains("mailNickname"));
        assert!(pattern("5d0f1111-2222-3333-4444-555566667777", "carol").contains("GUID"));
        assert_eq!(pattern("x", "y"), "");
    }
}
