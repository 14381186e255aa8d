//! NameID × identity list → a verdict: is the NameID the external id GitLab stores for this
//! person, and if not, why not and what call would fix it.
//!
//! Pure: a decoded [`Message`] and identities in, a [`Verdict`] out. [`Index::new`] does all
//! the work that depends only on the list, once, so that many NameIDs compare quickly; the
//! states are those of `checks.md`. Never reads files or the network, never runs the fix.

pub mod attributes;
pub mod audit;
mod fix;
mod index;
mod normalise;
mod problems;
mod reason;

use serde::Serialize;

use crate::saml::Message;
use crate::scim::{Identity, IdentitySource, Remote, RemoteKind};

pub use fix::{FixApi, curl, encode_segment, shell_quote};
pub use index::Index;
pub use normalise::{Difference, percent_decode};
pub use problems::{ListProblem, ProblemKind, list_problems};

/// The verdict for one NameID (JSON `verdict`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Verdict {
    pub state: State,
    /// The NameID exactly as sent; `None` when the message carries none that can be read.
    pub name_id: Option<String>,
    /// The identity the verdict is about: the one matched, nearly matched, or found for the
    /// same person.
    pub identity: Option<IdentityView>,
    /// For `near_match`: the normalisations that were needed to make the values equal.
    pub difference: Vec<Difference>,
    /// Other identities worth a look: the other side of an ambiguity, or near ones.
    pub candidates: Vec<Candidate>,
    /// A sentence a person can read aloud.
    pub reason: String,
    /// The API call that would fix it (`mismatch`, `near_match`: a PATCH of the extern_uid;
    /// `inactive`: a SCIM reprovision; `ambiguous`: a DELETE of the identity the user picks),
    /// with `$SAMLTRACE_TOKEN` in place of the token and a comment naming the token it needs.
    /// `None` when no call fixes it, or the values are masked. Never run by samltrace.
    pub fix: Option<String>,
}

/// The verdict states of `checks.md`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum State {
    Match,
    NearMatch,
    Mismatch,
    Inactive,
    Ambiguous,
    NotFound,
}

impl State {
    pub fn as_str(self) -> &'static str {
        match self {
            State::Match => "match",
            State::NearMatch => "near_match",
            State::Mismatch => "mismatch",
            State::Inactive => "inactive",
            State::Ambiguous => "ambiguous",
            State::NotFound => "not_found",
        }
    }

    /// Only an exact, active, unique match lets the user sign in.
    pub fn is_problem(self) -> bool {
        self != State::Match
    }
}

/// The fields of an identity a verdict shows (JSON `verdict.identity`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct IdentityView {
    pub external_id: Option<String>,
    pub user_name: Option<String>,
    pub email: Option<String>,
    pub user_id: Option<u64>,
    pub active: Option<bool>,
    pub source: IdentitySource,
    pub origin: String,
}

impl From<&Identity> for IdentityView {
    fn from(i: &Identity) -> Self {
        IdentityView {
            external_id: i.external_id.clone(),
            user_name: i.user_name.clone(),
            email: i.email().map(str::to_owned),
            user_id: i.user_id,
            active: i.active,
            source: i.source,
            origin: i.origin.clone(),
        }
    }
}

/// Another identity worth a look, and why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Candidate {
    #[serde(flatten)]
    pub identity: IdentityView,
    pub why: String,
}

/// A value from the response that may name the person: an attribute GitLab reads as email,
/// username or name, or the NameID itself.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Hint {
    /// `the email attribute`, `the NameID`.
    pub what: String,
    pub value: String,
}

/// The verdict for the message's NameID against a list. Builds an [`Index`] each call: to
/// compare many messages with one list, build the index once and call [`Index::verdict`].
pub fn against(message: &Message, identities: &[Identity]) -> Verdict {
    Index::new(identities).verdict(message)
}

/// The values of a message that may name the person: GitLab's email, username and name
/// attributes (exact names), and the NameID.
pub fn hints(message: &Message) -> Vec<Hint> {
    let mut out: Vec<Hint> = message
        .assertions
        .iter()
        .flat_map(|a| &a.attributes)
        .filter_map(|attr| Some((attributes::role(&attr.name)?, attr)))
        .filter(|(role, _)| matches!(*role, "email" | "username" | "name"))
        .flat_map(|(role, attr)| {
            attr.values.iter().flatten().map(move |v| Hint {
                what: format!("the {role} attribute ({})", attributes::short(&attr.name)),
                value: v.clone(),
            })
        })
        .collect();
    if let Some(n) = message.name_id() {
        out.push(Hint {
            what: "the NameID".into(),
            value: n.value.clone(),
        });
    }
    out
}

impl FixApi {
    /// The API a fix for an identity read from `remote` is sent to: the group's REST API for a
    /// group URL, the SCIM `Users` endpoint for a SCIM URL.
    pub fn from_remote(remote: &Remote) -> FixApi {
        let base = remote.root.as_str().trim_end_matches('/').to_owned();
        match (&remote.kind, remote.users_url()) {
            (RemoteKind::RestGroup { group }, _) => FixApi::rest(&base, group),
            (_, Some(users)) => FixApi::Scim {
                users_url: users.to_string(),
            },
            (_, None) => FixApi::default(),
        }
    }
}

/// A value quoted for a sentence, with invisible and control characters made visible by the
/// crate's one sanitiser.
pub fn show(s: &str) -> String {
    format!("\"{}\"", crate::sanitize::visible(s))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::saml::{Assertion, Attribute, MessageKind, NameId, Subject};

    #[test]
    fn fixes_go_to_the_api_the_list_came_from() {
        let remote = |s: &str| Remote::parse(s).unwrap();
        assert_eq!(
            FixApi::from_remote(&remote("https://gitlab.com/groups/acme")),
            FixApi::Rest {
                base: "https://gitlab.com".into(),
                group: "acme".into()
            }
        );
        assert_eq!(
            FixApi::from_remote(&remote("https://gitlab.com/groups/acme/platform")),
            FixApi::Rest {
                base: "https://gitlab.com".into(),
                group: "acme".into()
            },
            "SAML and SCIM live on the top-level group, as the checks' audience does"
        );
        assert_eq!(
            FixApi::from_remote(&remote("https://gitlab.com/api/scim/v2/groups/acme")),
            FixApi::Scim {
                users_url: "https://gitlab.com/api/scim/v2/groups/acme/Users".into()
            }
        );
    }

    #[test]
    fn show_makes_invisible_characters_visible() {
        assert_eq!(show("a\u{200b}b\u{a0}\t"), "\"a<U+200B>b<U+00A0>\\t\"");
        assert_eq!(show("plain é"), "\"plain é\"");
    }

    #[test]
    fn hints_come_from_gitlab_attribute_names_and_the_name_id() {
        let attr = |name: &str, v: &str| Attribute {
            name: name.into(),
            values: vec![Some(v.into()), None],
            ..Attribute::default()
        };
        let msg = Message {
            kind: MessageKind::Response,
            assertions: vec![Assertion {
                subject: Some(Subject {
                    name_id: Some(NameId {
                        value: "n-1".into(),
                        ..NameId::default()
                    }),
                    ..Subject::default()
                }),
                attributes: vec![
                    attr(
                        "http://schemas.xmlsoap.org/ws/2005/05/identity/claims/emailaddress",
                        "a@x.com",
                    ),
                    attr("Email", "ignored@x.com"),
                    attr("username", "alice"),
                    attr("groups", "devs"),
                ],
                ..Assertion::default()
            }],
            ..Message::default()
        };
        let got: Vec<(String, String)> =
            hints(&msg).into_iter().map(|h| (h.what, h.value)).collect();
        assert_eq!(
            got,
            [
                (
                    "the email attribute (…/claims/emailaddress)".to_owned(),
                    "a@x.com".to_owned()
                ),
                (
                    "the username attribute (username)".to_owned(),
                    "alice".to_owned()
                ),
                ("the NameID".to_owned(), "n-1".to_owned()),
            ]
        );
    }
}
