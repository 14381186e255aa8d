//! GitLab REST identity lists and GitLab's `auth_json.log`.
//!
//! REST shapes: `scim/identities` and `saml/identities` arrays (`extern_uid`, `user_id`,
//! `active`), the Members API (`group_saml_identity`), the Users API (`identities`,
//! `scim_identities`) and `groups/:id/saml_users` (the same user shape, narrowed to one group),
//! as one object, an array or NDJSON. Each record is read by its own keys, so a mixed file
//! works. The log gives NameIDs that GitLab saw on earlier sign-ins.
//! Pure: text in, identities out; never guesses an id that is not there.

use serde_json::{Map, Value};

use super::ScimError;
use super::json::{
    Lines, Parsed, array_items, bool_of, broken_ndjson_lines, documents, issue, text_of, u64_of,
};
use super::model::{Identity, IdentitySource};
use crate::checks::gitlab::attributes;

/// Reads REST identity, member or user records. `hint` is the source for rows whose shape
/// does not say (a SAML identity row has no `active`, but neither has a trimmed SCIM one).
pub(super) fn parse_rest(
    input: &str,
    text: &str,
    hint: Option<IdentitySource>,
) -> Result<Parsed, ScimError> {
    let lines = Lines::new(text);
    let docs = documents(input, text, &lines)?;
    let mut out = Parsed::default();
    if docs.len() > 1 {
        out.skipped.extend(broken_ndjson_lines(text));
    }
    for (line, raw) in docs {
        let items = array_items(raw, &lines).unwrap_or_else(|| vec![(line, raw)]);
        for (line, item) in items {
            let record = serde_json::from_str::<Value>(item.get())
                .map_err(|e| e.to_string())
                .and_then(|v| rest_record(&v, hint));
            match record {
                Ok(found) => out.identities.extend(found.into_iter().map(|i| Identity {
                    origin: format!("line {line}"),
                    ..i
                })),
                Err(problem) => out.skipped.push(issue(line, &problem)),
            }
        }
    }
    Ok(out)
}

/// One REST record: an identity row, or a member or user with its identities.
pub(super) fn rest_record(
    v: &Value,
    hint: Option<IdentitySource>,
) -> Result<Vec<Identity>, String> {
    let Value::Object(o) = v else {
        return Err("expected an object".into());
    };
    if o.contains_key("extern_uid") {
        return identity_row(o, hint).map(|i| vec![i]);
    }
    if o.contains_key("username") || o.contains_key("group_saml_identity") {
        return person(o);
    }
    Err("expected extern_uid (an identity) or username (a member or user)".into())
}

/// `{extern_uid, user_id, active?}` from `scim/identities` or `saml/identities`.
fn identity_row(o: &Map<String, Value>, hint: Option<IdentitySource>) -> Result<Identity, String> {
    let external_id = text_of(o.get("extern_uid"))
        .filter(|s| !s.is_empty())
        .ok_or("extern_uid is empty or not a string")?;
    let active = bool_of(o.get("active"), "active")?;
    // Only SCIM identities have an `active` column.
    let source = hint.unwrap_or(if o.contains_key("active") {
        IdentitySource::Scim
    } else {
        IdentitySource::Saml
    });
    Ok(Identity {
        external_id: Some(external_id),
        active,
        user_id: u64_of(o.get("user_id")),
        source,
        ..Identity::default()
    })
}

/// The person of a member or user record, without identities.
fn person_of(o: &Map<String, Value>) -> Identity {
    Identity {
        user_name: text_of(o.get("username")).filter(|s| !s.is_empty()),
        emails: ["email", "public_email"]
            .iter()
            .filter_map(|k| text_of(o.get(*k)).filter(|s| !s.is_empty()))
            .take(1)
            .collect(),
        display_name: text_of(o.get("name")).filter(|s| !s.is_empty()),
        active: blocked(o.get("state")).then_some(false),
        user_id: u64_of(o.get("id")),
        source: IdentitySource::Member,
        ..Identity::default()
    }
}

/// A member (`group_saml_identity`) or an admin-view user (`identities`, `scim_identities`):
/// one identity per linked identity, or the person alone when nothing is linked.
fn person(o: &Map<String, Value>) -> Result<Vec<Identity>, String> {
    let base = person_of(o);
    let mut out = Vec::new();
    if let Some(Value::Object(g)) = o.get("group_saml_identity") {
        out.push(linked(&base, g, IdentitySource::Saml)?);
    }
    for i in array(o.get("identities")) {
        let provider = text_of(i.get("provider")).unwrap_or_default();
        if provider.contains("saml") {
            out.push(linked(&base, i, IdentitySource::Saml)?);
        }
    }
    for i in array(o.get("scim_identities")) {
        out.push(scim_linked(&base, i)?);
    }
    if out.is_empty() {
        out.push(base);
    }
    Ok(out)
}

/// A SCIM identity of a person: deprovisioned when either the identity or the account says so.
fn scim_linked(base: &Identity, i: &Map<String, Value>) -> Result<Identity, String> {
    let mut id = linked(base, i, IdentitySource::Scim)?;
    id.active = match bool_of(i.get("active"), "scim_identities[].active")? {
        Some(false) => Some(false),
        other => base.active.or(other),
    };
    Ok(id)
}

fn linked(
    base: &Identity,
    o: &Map<String, Value>,
    source: IdentitySource,
) -> Result<Identity, String> {
    let external_id = text_of(o.get("extern_uid"))
        .filter(|s| !s.is_empty())
        .ok_or("a linked identity without extern_uid")?;
    Ok(Identity {
        external_id: Some(external_id),
        source,
        ..base.clone()
    })
}

fn array(v: Option<&Value>) -> impl Iterator<Item = &Map<String, Value>> {
    v.and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter_map(Value::as_object)
}

/// GitLab user states in which sign-in is refused.
fn blocked(state: Option<&Value>) -> bool {
    matches!(state.and_then(Value::as_str), Some(s) if s.starts_with("blocked") || s == "banned")
}

// ---- groups/:id/saml_users --------------------------------------------------------------

/// One user of `GET /groups/:id/saml_users` (GitLab 18.1): GitLab's `UserPublic` entity
/// (`lib/api/entities/user_public.rb` with `ee/lib/ee/api/entities/user_public.rb`), whose
/// `identities` are every identity of the user (other providers and other groups too) and whose
/// `scim_identities` are every SCIM identity (`{extern_uid, group_id, active}`, instance ones with
/// no group). [`saml_users_identities`] narrows them to one group.
#[derive(Debug, Clone)]
pub(super) struct SamlUser {
    person: Identity,
    /// `group_saml` identities: the SAML provider's id and the `extern_uid`.
    saml: Vec<(Option<u64>, Identity)>,
    /// SCIM identities: the group's id and the identity.
    scim: Vec<(Option<u64>, Identity)>,
}

impl SamlUser {
    /// Sets where the user and each of their identities were read.
    pub(super) fn set_origin(&mut self, origin: &str) {
        self.person.origin = origin.to_owned();
        for (_, id) in self.saml.iter_mut().chain(self.scim.iter_mut()) {
            id.origin = origin.to_owned();
        }
    }
}

/// Reads one `saml_users` record.
pub(super) fn saml_user(v: &Value) -> Result<SamlUser, String> {
    let Value::Object(o) = v else {
        return Err("expected a user object".into());
    };
    if !o.contains_key("username") {
        return Err("expected a user with a username".into());
    }
    let person = person_of(o);
    let mut saml = Vec::new();
    for i in array(o.get("identities")) {
        if text_of(i.get("provider")).as_deref() == Some("group_saml") {
            let id = linked(&person, i, IdentitySource::Saml)?;
            saml.push((u64_of(i.get("saml_provider_id")), id));
        }
    }
    let mut scim = Vec::new();
    for i in array(o.get("scim_identities")) {
        scim.push((u64_of(i.get("group_id")), scim_linked(&person, i)?));
    }
    Ok(SamlUser { person, saml, scim })
}

/// The identities of a group's SAML users: the SCIM identities of `group_id`, with
/// `with_saml` also the SAML identities of the group's provider, and the person alone for a
/// user with neither. Every listed user has an identity of the group's SAML provider, so that
/// provider is the one all users share; when that leaves more than one (every user is in
/// another SAML group too), the SAML identities of all shared providers are kept and a note
/// says so.
pub(super) fn saml_users_identities(
    users: Vec<SamlUser>,
    group_id: u64,
    with_saml: bool,
) -> (Vec<Identity>, Vec<String>) {
    let shared = shared_providers(&users);
    let mut notes = Vec::new();
    if with_saml && shared.len() > 1 {
        notes.push(format!(
            "the SAML users share {} SAML providers, so the group's cannot be told apart: the SAML identities of all of them are listed",
            shared.len()
        ));
    }
    let mut out = Vec::new();
    for user in users {
        let before = out.len();
        out.extend(
            user.scim
                .into_iter()
                .filter(|(g, _)| *g == Some(group_id))
                .map(|(_, i)| i),
        );
        if with_saml {
            out.extend(
                user.saml
                    .into_iter()
                    .filter(|(p, _)| shared.is_empty() || shared.contains(p))
                    .map(|(_, i)| i),
            );
        }
        if out.len() == before {
            out.push(user.person);
        }
    }
    (out, notes)
}

/// The SAML provider ids every user has a `group_saml` identity of.
fn shared_providers(users: &[SamlUser]) -> Vec<Option<u64>> {
    let mut users = users.iter().map(|u| {
        let mut ids: Vec<Option<u64>> = u.saml.iter().map(|(p, _)| *p).collect();
        ids.sort_unstable();
        ids.dedup();
        ids
    });
    let Some(mut shared) = users.next() else {
        return Vec::new();
    };
    for ids in users {
        shared.retain(|p| ids.contains(p));
    }
    shared
}

// ---- auth_json.log ----------------------------------------------------------------------

/// Reads GitLab's `auth_json.log`: each line with a `saml_response` gives the NameID GitLab
/// saw, with the email and username the IdP sent. Other log lines are passed over.
pub(super) fn parse_auth_log(input: &str, text: &str) -> Result<Parsed, ScimError> {
    let mut out = Parsed::default();
    let mut seen = std::collections::HashSet::new();
    for (i, line) in text.split('\n').enumerate() {
        let line = line.trim();
        if line.is_empty() {
            continue;
        }
        let entry = match serde_json::from_str::<Value>(line) {
            Ok(Value::Object(o)) => o,
            Ok(_) => {
                out.skipped.push(issue(i + 1, "expected a JSON object"));
                continue;
            }
            Err(e) => {
                out.skipped.push(issue(i + 1, &format!("not JSON: {e}")));
                continue;
            }
        };
        let Some(response) = entry.get("saml_response") else {
            continue;
        };
        match observed(response) {
            Ok(id) if seen.insert((id.external_id.clone(), id.emails.clone())) => {
                out.identities.push(Identity {
                    origin: format!("line {}", i + 1),
                    ..id
                });
            }
            Ok(_) => {}
            Err(problem) => out.skipped.push(issue(i + 1, &problem)),
        }
    }
    if out.identities.is_empty() && out.skipped.is_empty() {
        return Err(ScimError::Empty {
            input: input.to_owned(),
            why: "no line has a saml_response (expected GitLab's auth_json.log)".into(),
        });
    }
    Ok(out)
}

fn observed(response: &Value) -> Result<Identity, String> {
    let name_id = text_of(response.get("name_id"))
        .filter(|s| !s.is_empty())
        .ok_or("saml_response without name_id")?;
    let attrs = response.get("attributes").and_then(Value::as_object);
    let values = |names: &[&str]| -> Vec<String> {
        names
            .iter()
            .filter_map(|n| attrs?.get(*n))
            .flat_map(|v| -> Vec<String> {
                match v {
                    Value::Array(a) => a.iter().filter_map(|x| text_of(Some(x))).collect(),
                    other => text_of(Some(other)).into_iter().collect(),
                }
            })
            .collect()
    };
    Ok(Identity {
        external_id: Some(name_id),
        user_name: values(attributes::USERNAME).into_iter().next(),
        emails: values(attributes::EMAIL),
        display_name: values(attributes::NAME).into_iter().next(),
        active: None,
        user_id: None,
        source: IdentitySource::Observed,
        origin: String::new(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rest(text: &str) -> Parsed {
        parse_rest("t", text, None).unwrap()
    }

    #[test]
    fn identity_rows_take_their_source_from_active() {
        let p = rest(
            r#"[{"extern_uid":"be20","user_id":48,"active":true},{"extern_uid":"saml-test@gmail.com","user_id":"49"}]"#,
        );
        let a = &p.identities[0];
        assert_eq!(
            (a.source, a.active, a.user_id),
            (IdentitySource::Scim, Some(true), Some(48))
        );
        let b = &p.identities[1];
        assert_eq!(
            (b.source, b.active, b.user_id),
            (IdentitySource::Saml, None, Some(49))
        );
    }

    #[test]
    fn a_hint_overrides_the_shape() {
        let p = parse_rest(
            "t",
            r#"[{"extern_uid":"x","user_id":1}]"#,
            Some(IdentitySource::Scim),
        )
        .unwrap();
        assert_eq!(p.identities[0].source, IdentitySource::Scim);
    }

    #[test]
    fn members_give_their_saml_identity_or_themselves() {
        let p = rest(
            r#"[{"id":48,"username":"alice","name":"Alice Example","state":"active","email":"alice@example.com",
                 "group_saml_identity":{"extern_uid":"yrnZ","provider":"group_saml","saml_provider_id":10}},
                {"id":50,"username":"carol","name":"Carol","state":"blocked","group_saml_identity":null}]"#,
        );
        let a = &p.identities[0];
        assert_eq!(a.external_id.as_deref(), Some("yrnZ"));
        assert_eq!(a.source, IdentitySource::Saml);
        assert_eq!(a.emails, ["alice@example.com"]);
        assert_eq!(a.active, None);
        let c = &p.identities[1];
        assert_eq!(
            (c.external_id.as_deref(), c.source),
            (None, IdentitySource::Member)
        );
        assert_eq!(c.active, Some(false), "a blocked user cannot sign in");
    }

    #[test]
    fn admin_users_give_saml_and_scim_identities() {
        let p = rest(
            r#"{"id":16,"username":"bbtest","email":"bbtest@example.com","state":"active",
                "identities":[{"provider":"saml","extern_uid":"ab26"},{"provider":"ldapmain","extern_uid":"cn=x"}],
                "scim_identities":[{"extern_uid":"2435","group_id":"3","active":false}]}"#,
        );
        let got: Vec<_> = p
            .identities
            .iter()
            .map(|i| (i.external_id.as_deref().unwrap(), i.source, i.active))
            .collect();
        assert_eq!(
            got,
            [
                ("ab26", IdentitySource::Saml, None),
                ("2435", IdentitySource::Scim, Some(false))
            ]
        );
    }

    /// A user of two SAML groups and two SCIM groups gives only this group's identities.
    #[test]
    fn saml_users_are_narrowed_to_the_group() {
        let users: Vec<SamlUser> = [
            r#"{"id":66,"username":"user22","name":"Sidney Jones22","state":"active","email":"user22@example.org",
                "identities":[{"provider":"group_saml","extern_uid":"2435223452345","saml_provider_id":1},
                              {"provider":"group_saml","extern_uid":"other-group","saml_provider_id":7},
                              {"provider":"google_oauth2","extern_uid":"g-1","saml_provider_id":null}],
                "scim_identities":[{"extern_uid":"2435223452345","group_id":1,"active":true},
                                   {"extern_uid":"elsewhere","group_id":9,"active":true}]}"#,
            r#"{"id":67,"username":"user23","state":"blocked",
                "identities":[{"provider":"group_saml","extern_uid":"u23","saml_provider_id":1}],
                "scim_identities":[]}"#,
        ]
        .iter()
        .map(|t| saml_user(&serde_json::from_str(t).unwrap()).unwrap())
        .collect();
        let (ids, notes) = saml_users_identities(users.clone(), 1, true);
        let got: Vec<_> = ids
            .iter()
            .map(|i| (i.external_id.as_deref(), i.source, i.active))
            .collect();
        assert_eq!(
            got,
            [
                (Some("2435223452345"), IdentitySource::Scim, Some(true)),
                (Some("2435223452345"), IdentitySource::Saml, None),
                (Some("u23"), IdentitySource::Saml, Some(false)),
            ]
        );
        assert!(notes.is_empty());
        assert_eq!(ids[0].emails, ["user22@example.org"]);
        let (ids, _) = saml_users_identities(users, 1, false);
        let got: Vec<_> = ids
            .iter()
            .map(|i| (i.external_id.as_deref(), i.user_name.as_deref()))
            .collect();
        assert_eq!(
            got,
            [
                (Some("2435223452345"), Some("user22")),
                (None, Some("user23"))
            ],
            "without SAML identities, a user with no SCIM identity is a person"
        );
    }

    #[test]
    fn records_of_no_known_shape_are_skipped_with_their_line() {
        let p = rest("[\n{\"extern_uid\":\"a\"},\n{\"foo\":1},\n{\"extern_uid\":\"\"}\n]");
        assert_eq!(p.identities.len(), 1);
        let lines: Vec<_> = p.skipped.iter().map(|s| s.position.as_str()).collect();
        assert_eq!(lines, ["line 3", "line 4"]);
    }

    #[test]
    fn the_auth_log_gives_observed_name_ids_once() {
        let line = r#"{"severity":"INFO","payload_type":"saml_response","saml_response":{"name_id":"ab26","attributes":{"email":["bb@x.com"],"name":["bb@x.onmicrosoft.com"]},"success":true}}"#;
        let text = format!("{line}\n{{\"severity\":\"INFO\"}}\n{line}\nnot json\n");
        let p = parse_auth_log("t", &text).unwrap();
        assert_eq!(p.identities.len(), 1);
        let o = &p.identities[0];
        assert_eq!(o.external_id.as_deref(), Some("ab26"));
        assert_eq!(o.emails, ["bb@x.com"]);
        assert_eq!(o.source, IdentitySource::Observed);
        assert_eq!(p.skipped[0].position, "line 4");
    }

    #[test]
    fn a_log_without_saml_lines_is_an_error() {
        let err = parse_auth_log("auth.log", "{\"severity\":\"INFO\"}\n").unwrap_err();
        assert!(
            err.to_string().starts_with("auth.log: no usable identity"),
            "{err}"
        );
    }
}
