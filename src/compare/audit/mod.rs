//! `scim audit`: one row per person, joining the links of the identity chain GitLab's
//! "Troubleshooting SCIM" page is about — the externalId the IdP sent over SCIM (from
//! `api_json.log`), GitLab's SCIM and SAML `extern_uid` (identity lists), and the NameID the
//! captures carried — with where the chain breaks and the diagnoses of that page: a 409 "User has
//! already been taken", a 412 "can't be blank", an externalId a PATCH changed, a person removed and
//! added back, duplicates, and Entra ID matching a user on another attribute than externalId
//! (`matching`). Problems of the whole setup (a `.` in the SCIM tenant URL's group path,
//! group provisioning requests) are findings of the audit, not of a person.
//!
//! People are found by joining every record that shares an exact external id, a username or an
//! email (case-insensitively), a GitLab user id, or an externalId a PATCH replaced. Pure.

use std::collections::HashMap;

use serde::Serialize;

use super::FixApi;
use crate::scim::log::ScimRequest;
use crate::scim::{Identity, IdentitySource};

/// A NameID a capture carried, with the email the message gave for the same person.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SeenNameId {
    pub name_id: String,
    pub email: Option<String>,
    pub origin: String,
}

/// The NameID a judged message carries (one that names a user), with its email and where it
/// was read.
pub fn seen_in(t: &crate::trace::Trace) -> Option<SeenNameId> {
    let m = t.message.as_ref().filter(|m| m.kind.names_a_user())?;
    let n = m.name_id()?;
    Some(SeenNameId {
        name_id: n.value.clone(),
        email: super::hints(m)
            .into_iter()
            .map(|h| h.value)
            .find(|v| v.contains('@')),
        origin: t.provenance().into_iter().next().unwrap_or_default(),
    })
}

/// The audit of a set of people.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Audit {
    pub people: Vec<Person>,
    /// Findings about the setup rather than a person.
    pub findings: Vec<Diagnosis>,
}

/// One person's chain, and what is wrong with it.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Person {
    /// A username, else an email, else an external id: how the row is named.
    pub person: String,
    /// The externalId the IdP last sent and GitLab accepted (else last tried).
    pub idp_external_id: Option<String>,
    /// GitLab's SCIM identities' `extern_uid`.
    pub gitlab_scim: Vec<String>,
    /// GitLab's SAML identities' `extern_uid`.
    pub gitlab_saml: Vec<String>,
    /// The NameIDs the captures carried.
    pub name_ids: Vec<String>,
    /// Where the chain breaks: `null` when every link present is equal.
    pub breaks: Option<String>,
    pub diagnoses: Vec<Diagnosis>,
    /// Where each record of this person was read.
    pub origins: Vec<String>,
}

/// One diagnosis: a stable code, what was seen, and what to do.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Diagnosis {
    /// `conflict`, `missing_fields`, `external_id_changed`, `matching_precedence`,
    /// `removed_and_added`, `duplicate`, `chain_broken`, `dot_in_group_path`,
    /// `group_provisioning`.
    pub code: &'static str,
    pub detail: String,
    pub fix: String,
    /// The API call that fixes it, when there is one (never run).
    pub call: Option<String>,
}

/// The audit of `requests` (in log order), the GitLab identities and the NameIDs seen; calls
/// address `fix`.
pub fn audit(
    requests: &[ScimRequest],
    identities: &[Identity],
    seen: &[SeenNameId],
    fix: &FixApi,
) -> Audit {
    let users: Vec<&ScimRequest> = requests.iter().filter(|r| r.resource == "Users").collect();
    let mut join = Join::default();
    let records: Vec<Record<'_>> = users
        .iter()
        .map(|r| Record::Request(r))
        .chain(identities.iter().map(Record::Identity))
        .chain(seen.iter().map(Record::Seen))
        .collect();
    let nodes: Vec<usize> = records.iter().map(|r| join.add(&r.keys())).collect();
    let mut people: Vec<(usize, Vec<&Record<'_>>)> = Vec::new();
    let mut slot: HashMap<usize, usize> = HashMap::new();
    for (record, node) in records.iter().zip(nodes) {
        let root = join.find(node);
        let at = *slot.entry(root).or_insert_with(|| {
            people.push((root, Vec::new()));
            people.len() - 1
        });
        people[at].1.push(record);
    }
    Audit {
        people: people
            .into_iter()
            .map(|(_, records)| person(&records, fix))
            .collect(),
        findings: setup_findings(requests),
    }
}

/// A record of one of the three sources.
#[derive(Debug)]
enum Record<'a> {
    Request(&'a ScimRequest),
    Identity(&'a Identity),
    Seen(&'a SeenNameId),
}

impl Record<'_> {
    /// The keys that join it to other records of the same person.
    fn keys(&self) -> Vec<String> {
        let mut keys = Vec::new();
        let mut person = |prefix: &str, v: &str| {
            if !v.trim().is_empty() {
                keys.push(format!("{prefix}{}", v.trim().to_lowercase()));
            }
        };
        match self {
            Record::Request(r) => {
                r.user_name.iter().for_each(|v| person("u:", v));
                r.emails.iter().for_each(|v| person("e:", v));
            }
            Record::Identity(i) => {
                i.user_name.iter().for_each(|v| person("u:", v));
                i.emails.iter().for_each(|v| person("e:", v));
            }
            Record::Seen(s) => s.email.iter().for_each(|v| person("e:", v)),
        }
        let ids: Vec<&String> = match self {
            Record::Request(r) => r
                .external_id
                .iter()
                .chain(&r.target)
                .chain(&r.new_external_id)
                .collect(),
            Record::Identity(i) => i.external_id.iter().collect(),
            Record::Seen(s) => vec![&s.name_id],
        };
        keys.extend(ids.into_iter().map(|x| format!("x:{x}")));
        if let Record::Identity(Identity {
            user_id: Some(u), ..
        }) = self
        {
            keys.push(format!("id:{u}"));
        }
        keys
    }
}

/// Union-find over the keys records share.
#[derive(Default)]
struct Join {
    parent: Vec<usize>,
    by_key: HashMap<String, usize>,
}

impl Join {
    /// A node for a record with `keys`, joined to every node that shares one.
    fn add(&mut self, keys: &[String]) -> usize {
        let node = self.parent.len();
        self.parent.push(node);
        for k in keys {
            match self.by_key.get(k) {
                Some(&other) => self.union(node, other),
                None => {
                    self.by_key.insert(k.clone(), node);
                }
            }
        }
        node
    }

    fn find(&mut self, mut n: usize) -> usize {
        while self.parent[n] != n {
            self.parent[n] = self.parent[self.parent[n]];
            n = self.parent[n];
        }
        n
    }

    fn union(&mut self, a: usize, b: usize) {
        let (ra, rb) = (self.find(a), self.find(b));
        if ra != rb {
            self.parent[ra.max(rb)] = ra.min(rb);
        }
    }
}

fn person(records: &[&Record<'_>], fix: &FixApi) -> Person {
    let mut p = Person::default();
    let requests: Vec<&ScimRequest> = records
        .iter()
        .filter_map(|r| match r {
            Record::Request(q) => Some(*q),
            _ => None,
        })
        .collect();
    for r in records {
        match r {
            Record::Request(q) => p.origins.push(q.origin.clone()),
            Record::Identity(i) => {
                p.origins.push(i.origin.clone());
                let list = match i.source {
                    IdentitySource::Scim => &mut p.gitlab_scim,
                    IdentitySource::Saml => &mut p.gitlab_saml,
                    _ => continue,
                };
                if let Some(x) = &i.external_id
                    && !list.contains(x)
                {
                    list.push(x.clone());
                }
            }
            Record::Seen(s) => {
                p.origins.push(s.origin.clone());
                if !p.name_ids.contains(&s.name_id) {
                    p.name_ids.push(s.name_id.clone());
                }
            }
        }
    }
    p.person = name_of(records);
    p.idp_external_id = idp_external_id(&requests);
    conflicts(&mut p, &requests, fix);
    missing_fields(&mut p, &requests);
    changes(&mut p, &requests);
    matching::matching_precedence(&mut p, &requests, fix);
    removed_and_added(&mut p, &requests);
    if p.gitlab_scim.len() > 1 {
        p.diagnoses.push(Diagnosis {
            code: "duplicate",
            detail: format!(
                "This person has {} SCIM identities ({}): GitLab links one per group.",
                p.gitlab_scim.len(),
                quoted(&p.gitlab_scim)
            ),
            fix: "Remove the identity that no longer matches the IdP (the call below, once you have picked it).".into(),
            call: Some(fix.remove_one(
                IdentitySource::Scim,
                &p.gitlab_scim.iter().map(String::as_str).collect::<Vec<_>>(),
            )),
        });
    }
    chain(&mut p, fix);
    p
}

fn name_of(records: &[&Record<'_>]) -> String {
    let mut names = records.iter().filter_map(|r| match r {
        Record::Request(q) => q.user_name.clone().or_else(|| q.emails.first().cloned()),
        Record::Identity(i) => i.user_name.clone().or_else(|| i.email().map(str::to_owned)),
        Record::Seen(s) => s.email.clone(),
    });
    let fallback = records.iter().find_map(|r| match r {
        Record::Request(q) => q.external_id.clone().or_else(|| q.target.clone()),
        Record::Identity(i) => i.external_id.clone(),
        Record::Seen(s) => Some(s.name_id.clone()),
    });
    names
        .next()
        .or(fallback)
        .unwrap_or_else(|| "(unknown)".into())
}

/// The externalId the IdP last set with GitLab's consent (a 2xx POST or PATCH), else the last
/// it tried.
fn idp_external_id(requests: &[&ScimRequest]) -> Option<String> {
    let sent = |r: &&&ScimRequest| -> Option<String> {
        match r.method.as_str() {
            "POST" => r.external_id.clone(),
            "PATCH" | "PUT" => r.new_external_id.clone().or_else(|| r.external_id.clone()),
            _ => None,
        }
    };
    let accepted = requests
        .iter()
        .rev()
        .filter(|r| r.is_success())
        .find_map(|r| sent(&r));
    accepted.or_else(|| requests.iter().rev().find_map(|r| sent(&r)))
}

/// 409 "User has already been taken": the IdP POSTed a new externalId for a user GitLab
/// already holds a SCIM identity for.
fn conflicts(p: &mut Person, requests: &[&ScimRequest], fix: &FixApi) {
    for r in requests
        .iter()
        .filter(|r| r.method == "POST" && r.status == Some(409))
    {
        let new = r.external_id.clone().unwrap_or_default();
        let old = p
            .gitlab_scim
            .iter()
            .find(|x| **x != new)
            .cloned()
            .or_else(|| {
                requests
                    .iter()
                    .filter(|q| q.is_success() && q.method == "POST")
                    .filter_map(|q| q.external_id.clone())
                    .find(|x| *x != new)
            });
        let (detail, call) = match &old {
            Some(old) => (
                format!(
                    "At {} the IdP created this user with externalId \"{new}\" and GitLab answered 409 \"User has already been taken\" ({}): the user already has a SCIM identity with \"{old}\". The SCIM app, or its externalId mapping, changed.",
                    r.time.as_deref().unwrap_or("an unknown time"),
                    r.origin
                ),
                Some(fix.patch(IdentitySource::Scim, old, &new)),
            ),
            None => (
                format!(
                    "At {} the IdP created this user with externalId \"{new}\" and GitLab answered 409 \"User has already been taken\" ({}): another SCIM identity holds the user or the value (GitLab compares extern_uid case-insensitively).",
                    r.time.as_deref().unwrap_or("an unknown time"),
                    r.origin
                ),
                None,
            ),
        };
        p.diagnoses.push(Diagnosis {
            code: "conflict",
            detail,
            fix: "Point the existing identity at the new value (the call below), or remove it and let the IdP provision the user again; then check that the NameID sends the same value.".into(),
            call,
        });
    }
}

/// 412 "(Field) can't be blank": which of the fields GitLab needs the POST lacked.
fn missing_fields(p: &mut Person, requests: &[&ScimRequest]) {
    for r in requests
        .iter()
        .filter(|r| r.method == "POST" && r.status == Some(412))
    {
        let mut missing = Vec::new();
        if r.external_id.is_none() {
            missing.push("externalId");
        }
        if r.user_name.is_none() {
            missing.push("userName");
        }
        if r.emails.is_empty() {
            missing.push("emails");
        }
        let n = r.name;
        let no_name = !(n.formatted || (n.given_name && n.family_name));
        if no_name {
            missing.push("name.formatted (or name.givenName and name.familyName)");
        }
        if missing.is_empty() {
            continue;
        }
        let entra = if no_name {
            " In Entra ID, add the mapping displayName → name.formatted (Provisioning > Mappings), as GitLab's page advises."
        } else {
            ""
        };
        p.diagnoses.push(Diagnosis {
            code: "missing_fields",
            detail: format!(
                "The IdP's request to create this user ({}) lacked {}: GitLab answered 412 \"can't be blank\".",
                r.origin,
                missing.join(", ")
            ),
            fix: format!("Map every attribute GitLab requires in the IdP's SCIM app.{entra}"),
            call: None,
        });
    }
}

/// An externalId a PATCH replaced: when, and from which value.
fn changes(p: &mut Person, requests: &[&ScimRequest]) {
    for r in requests.iter().filter(|r| r.is_success()) {
        let (Some(old), Some(new)) = (&r.target, &r.new_external_id) else {
            continue;
        };
        if old == new {
            continue;
        }
        p.diagnoses.push(Diagnosis {
            code: "external_id_changed",
            detail: format!(
                "At {} the IdP changed this user's externalId from \"{old}\" to \"{new}\" ({}).",
                r.time.as_deref().unwrap_or("an unknown time"),
                r.origin
            ),
            fix: "If the IdP's app or mapping changed on purpose, the NameID must change with it; otherwise restore the mapping, or GitLab and the IdP stop agreeing on who this is.".into(),
            call: None,
        });
    }
}

/// Removed (DELETE, or `active: false`) and later created again: GitLab kept the old link.
fn removed_and_added(p: &mut Person, requests: &[&ScimRequest]) {
    let removed = requests
        .iter()
        .position(|r| r.is_success() && (r.method == "DELETE" || r.active == Some(false)));
    let Some(at) = removed else { return };
    let Some(back) = requests[at + 1..]
        .iter()
        .find(|r| r.method == "POST" || r.active == Some(true))
    else {
        return;
    };
    p.diagnoses.push(Diagnosis {
        code: "removed_and_added",
        detail: format!(
            "This user was removed ({}) and added back ({}), answered {}.",
            requests[at].origin,
            back.origin,
            back.status.map_or("with no status".into(), |s| s.to_string())
        ),
        fix: "A user removed from the group keeps a SAML identity GitLab will not re-create: they sign in once through the group's SSO URL and link the account manually (GitLab's \"user cannot be added back after removal\").".into(),
        call: None,
    });
}

/// The links present, compared exactly: the first pair that differs is where the chain breaks;
/// a stored value that differs from the NameID gets the call that changes it.
fn chain(p: &mut Person, fix: &FixApi) {
    let links: Vec<(&str, &str)> = [
        ("the IdP's externalId", p.idp_external_id.as_deref()),
        (
            "GitLab's SCIM extern_uid",
            p.gitlab_scim.first().map(String::as_str),
        ),
        (
            "GitLab's SAML extern_uid",
            p.gitlab_saml.first().map(String::as_str),
        ),
        ("the NameID", p.name_ids.first().map(String::as_str)),
    ]
    .into_iter()
    .filter_map(|(what, v)| Some((what, v?)))
    .collect();
    let Some(&(first, value)) = links.first() else {
        return;
    };
    let Some(&(other, differs)) = links.iter().find(|(_, v)| *v != value) else {
        return;
    };
    p.breaks = Some(format!(
        "between {first} \"{value}\" and {other} \"{differs}\""
    ));
    let name_id = p.name_ids.first().cloned();
    let stored = [
        (IdentitySource::Scim, p.gitlab_scim.first()),
        (IdentitySource::Saml, p.gitlab_saml.first()),
    ];
    let call = name_id.as_ref().and_then(|n| {
        stored
            .iter()
            .find_map(|(kind, v)| v.filter(|v| *v != n).map(|v| fix.patch(*kind, v, n)))
    });
    let advice = match (&name_id, &p.idp_external_id) {
        (Some(n), Some(x)) if n != x => format!(
            "The IdP sends \"{x}\" over SCIM but \"{n}\" as the NameID: map both to one persistent value in the IdP's app, then align GitLab's stored value."
        ),
        (Some(_), _) => "Change the stored value to the NameID with the call below.".into(),
        _ => "Give a capture of this user's sign-in to see which value the NameID carries.".into(),
    };
    p.diagnoses.push(Diagnosis {
        code: "chain_broken",
        detail: format!("The chain breaks {}.", p.breaks.as_deref().unwrap_or("")),
        fix: advice,
        call,
    });
}

/// Findings about the setup: a `.` in the SCIM tenant URL's group path, and group provisioning.
fn setup_findings(requests: &[ScimRequest]) -> Vec<Diagnosis> {
    let mut out = Vec::new();
    let mut dotted: Vec<&str> = requests
        .iter()
        .filter_map(|r| r.group.as_deref())
        .filter(|g| g.contains('.'))
        .collect();
    dotted.dedup();
    if let Some(group) = dotted.first() {
        out.push(Diagnosis {
            code: "dot_in_group_path",
            detail: format!(
                "The SCIM tenant URL's group path \"{group}\" contains a \".\": Entra ID's Test Connection then reports invalid credentials, and Okta's test fails with invalid JSON."
            ),
            fix: "Percent-encoding the dot (%2E) does not help: rename the group's path so that it has no \".\", then update the tenant URL.".into(),
            call: None,
        });
    }
    let groups: Vec<&ScimRequest> = requests.iter().filter(|r| r.resource == "Groups").collect();
    if let Some(first) = groups.first() {
        out.push(Diagnosis {
            code: "group_provisioning",
            detail: format!(
                "The IdP sent {} group provisioning request{} (…/Groups, first at {}): GitLab's SCIM API provisions users only, so their errors are harmless.",
                groups.len(),
                if groups.len() == 1 { "" } else { "s" },
                first.origin
            ),
            fix: "Turn group provisioning off in the IdP's app (Entra ID: Provisioning > Mappings > Provision Microsoft Entra ID Groups: No) to quiet the errors.".into(),
            call: None,
        });
    }
    out
}

fn quoted(values: &[String]) -> String {
    values
        .iter()
        .map(|v| format!("\"{v}\""))
        .collect::<Vec<_>>()
        .join(", ")
}

mod matching;

#[cfg(test)]
mod tests;
