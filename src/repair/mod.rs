//! Repairing identities (`samltrace scim fix`): the plan of `extern_uid` changes made from
//! judged messages, the guards that refuse a change, what GitLab's answers mean, and the audit
//! log (`journal`) that makes a run resumable and undoable.
//!
//! Pure: verdicts, identities, answers and log text in; plans, decisions and log lines out.
//! Nothing here sends a request, reads a clock or writes a file: the binary does, through
//! `scim::Client::send`, with the requests `compare::FixApi` builds (one definition of each URL).

pub mod apply;
pub mod journal;

use serde::{Deserialize, Serialize};

use crate::compare::{FixApi, IdentityView, State, Verdict};
use crate::scim::{Answer, Identity, IdentitySource};

/// The default of `--max`: a run that would change more identities is refused.
pub const DEFAULT_MAX: usize = 20;

/// What one message says about who the person is.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Evidence {
    /// Where the message was read (`samples/x.xml`, `capture.har entry 4`).
    pub input: String,
    /// The Response's ID.
    pub message_id: Option<String>,
    /// The NameID exactly as sent: the value the identity is changed to.
    pub name_id: String,
    /// The email the response carries (GitLab's email attribute).
    pub email: Option<String>,
    /// The response's signature was verified against a trust anchor (`--idp-cert`,
    /// `--idp-metadata`, `--fingerprint`) and covers the assertion that names the person.
    pub verified: bool,
}

/// One judged message the plan is made from.
#[derive(Debug, Clone)]
pub struct Seen {
    pub verdict: Verdict,
    pub evidence: Evidence,
}

/// What a judged message says of who the person is: `None` for a message that names no user.
pub fn evidence(t: &crate::trace::Trace) -> Option<Evidence> {
    let m = t.message.as_ref().filter(|m| m.kind.names_a_user())?;
    let name_id = m.name_id()?.value.clone();
    let email = crate::compare::hints(m)
        .into_iter()
        .find(|h| h.what.starts_with("the email attribute"))
        .map(|h| h.value);
    Some(Evidence {
        input: t.provenance().into_iter().next().unwrap_or_default(),
        message_id: m.id.clone(),
        name_id,
        email,
        verified: verified(t),
    })
}

/// A signature verified against a trust anchor covers the assertion shown, and nothing
/// suggests wrapping.
fn verified(t: &crate::trace::Trace) -> bool {
    let signed = t.signatures.iter().any(|s| s.verified == Some(true));
    let covered = t
        .coverage
        .as_ref()
        .is_some_and(|c| c.shown_signed == Some(true) && c.wrapping.is_empty());
    signed && covered
}

/// Who a change is about.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Person {
    pub user_id: Option<u64>,
    pub user_name: Option<String>,
    pub email: Option<String>,
}

impl From<&IdentityView> for Person {
    fn from(v: &IdentityView) -> Self {
        Person {
            user_id: v.user_id,
            user_name: v.user_name.clone(),
            email: v.email.clone(),
        }
    }
}

/// One planned change: the identity stored as `from` (of kind `source`) gets `to`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Change {
    pub person: Person,
    pub source: IdentitySource,
    pub from: String,
    pub to: String,
    /// The verdict that asked for it (`mismatch`, `near_match`).
    pub state: State,
    pub evidence: Evidence,
    /// Planned although the response is not verified (`--allow-unverified`).
    pub unverified: bool,
    /// The same change as a `curl` command.
    pub call: String,
}

impl Change {
    /// Who the change is about, as a person reads it: the username, else the email.
    pub fn who(&self) -> &str {
        self.person
            .user_name
            .as_deref()
            .or(self.person.email.as_deref())
            .unwrap_or("?")
    }

    /// Which identity it changes: `scim identity, user 51`.
    pub fn identity(&self) -> String {
        format!(
            "{} identity{}",
            self.source.as_str(),
            self.person
                .user_id
                .map_or_else(String::new, |u| format!(", user {u}"))
        )
    }
}

/// Why a change is not planned.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Guard {
    /// The response's signature was not verified against a trust anchor.
    Unverified,
    /// The person is not identified beyond doubt: no email, or not exactly one identity holds it.
    NotIdentified,
    /// Another identity holds the value already (case-insensitively, as GitLab validates).
    Conflict,
    /// Messages ask for different values for one identity.
    Contradicts,
    /// The identity cannot be changed through this API (a SAML identity with a SCIM token).
    Unreachable,
}

/// A change refused by a guard, and why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Refusal {
    pub guard: Guard,
    pub name_id: String,
    /// The extern_uid of the identity the change was for, when there is one.
    pub identity: Option<String>,
    pub why: String,
    pub evidence: Evidence,
}

/// What `scim fix` would do.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Plan {
    /// The group the changes go to.
    pub group: String,
    /// `rest` (`/api/v4/groups/:id/{scim,saml}/:uid`) or `scim` (`/api/scim/v2/…/Users/:id`).
    pub api: &'static str,
    pub changes: Vec<Change>,
    pub refused: Vec<Refusal>,
    /// Messages whose verdict needs no extern_uid change (match, inactive, …).
    pub untouched: usize,
    pub max: usize,
    /// More changes than `max`: nothing is applied.
    pub over_max: bool,
    /// `--allow-unverified` was given: unverified responses may change identities.
    pub allow_unverified: bool,
}

/// The flags that shape a plan.
#[derive(Debug, Clone, Copy)]
pub struct Options {
    pub allow_unverified: bool,
    pub max: usize,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            allow_unverified: false,
            max: DEFAULT_MAX,
        }
    }
}

/// The plan for these messages against the identities the verdicts were made with.
pub fn plan(seen: &[Seen], identities: &[Identity], fix: &FixApi, options: Options) -> Plan {
    let mut planned: Vec<(usize, Change)> = Vec::new();
    let mut refused = Vec::new();
    let mut untouched = 0;
    for s in seen {
        if !matches!(s.verdict.state, State::Mismatch | State::NearMatch) {
            untouched += 1;
            continue;
        }
        match candidate(s, identities, fix, options) {
            Ok(found) => planned.push(found),
            Err(r) => refused.push(*r),
        }
    }
    let changes = settle(planned, identities, &mut refused);
    Plan {
        group: fix.group(),
        api: match fix {
            FixApi::Rest { .. } => "rest",
            FixApi::Scim { .. } => "scim",
        },
        over_max: changes.len() > options.max,
        changes,
        refused,
        untouched,
        max: options.max,
        allow_unverified: options.allow_unverified,
    }
}

/// The change one message asks for, or the guard that refuses it. The index of the identity
/// record is kept to settle changes against each other.
fn candidate(
    s: &Seen,
    ids: &[Identity],
    fix: &FixApi,
    options: Options,
) -> Result<(usize, Change), Box<Refusal>> {
    let e = &s.evidence;
    let refuse = |guard, identity: Option<&str>, why: String| {
        Box::new(Refusal {
            guard,
            name_id: e.name_id.clone(),
            identity: identity.map(str::to_owned),
            why,
            evidence: e.clone(),
        })
    };
    let view = s.verdict.identity.as_ref();
    let (Some(view), Some(from)) = (view, view.and_then(|v| v.external_id.as_deref())) else {
        return Err(refuse(
            Guard::NotIdentified,
            None,
            "the verdict names no identity with an extern_uid".into(),
        ));
    };
    let Some(at) = ids.iter().position(|i| {
        i.external_id.as_deref() == Some(from)
            && i.source == view.source
            && i.user_id == view.user_id
    }) else {
        return Err(refuse(
            Guard::NotIdentified,
            Some(from),
            "the identity is not in the list".into(),
        ));
    };
    if !fix.reaches(view.source) {
        return Err(refuse(
            Guard::Unreachable,
            Some(from),
            format!(
                "a {} identity cannot be changed through this API: give the group URL (https://HOST/groups/GROUP) with an Owner's access token",
                view.source.as_str()
            ),
        ));
    }
    identified(e, ids, at).map_err(|why| refuse(Guard::NotIdentified, Some(from), why))?;
    if !e.verified && !options.allow_unverified {
        return Err(refuse(
            Guard::Unverified,
            Some(from),
            "the response's signature was not verified against a trust anchor (give --idp-cert, --idp-metadata or --fingerprint; --allow-unverified takes the response's word for it)".into(),
        ));
    }
    if let Some(holder) = holder(ids, view.source, &e.name_id, at) {
        return Err(refuse(
            Guard::Conflict,
            Some(from),
            format!(
                "another identity already holds {} (GitLab compares extern_uid case-insensitively): {}",
                crate::compare::show(&e.name_id),
                ids[holder].label()
            ),
        ));
    }
    Ok((
        at,
        Change {
            person: Person::from(view),
            source: view.source,
            from: from.to_owned(),
            to: e.name_id.clone(),
            state: s.verdict.state,
            evidence: e.clone(),
            unverified: !e.verified,
            call: fix.patch(view.source, from, &e.name_id),
        },
    ))
}

/// The person is identified beyond doubt: the response carries an email, and exactly one
/// identity of the kind changed holds it: the one the change is for.
fn identified(e: &Evidence, ids: &[Identity], at: usize) -> Result<(), String> {
    let Some(email) = e.email.as_deref().map(str::trim).filter(|m| !m.is_empty()) else {
        return Err("the response carries no email attribute to confirm whom it names".into());
    };
    let source = ids[at].source;
    let holders: Vec<usize> = ids
        .iter()
        .enumerate()
        .filter(|(_, i)| i.source == source)
        .filter(|(_, i)| i.emails.iter().any(|m| same_value(m.trim(), email)))
        .map(|(n, _)| n)
        .collect();
    match holders.as_slice() {
        [one] if *one == at => Ok(()),
        [] => Err(format!(
            "no {} identity holds the response's email {}",
            source.as_str(),
            crate::compare::show(email)
        )),
        [other] => Err(format!(
            "the response's email {} belongs to {}, not to the identity the verdict is about",
            crate::compare::show(email),
            ids[*other].label()
        )),
        many => Err(format!(
            "{} identities hold the response's email {}",
            many.len(),
            crate::compare::show(email)
        )),
    }
}

/// GitLab's uniqueness of extern_uid: `LOWER(a) = LOWER(b)`.
fn same_value(a: &str, b: &str) -> bool {
    a == b || a.to_lowercase() == b.to_lowercase()
}

/// Another identity of this kind (not record `but`) that holds `value`.
fn holder(ids: &[Identity], source: IdentitySource, value: &str, but: usize) -> Option<usize> {
    ids.iter().enumerate().position(|(n, i)| {
        n != but
            && i.source == source
            && i.external_id
                .as_deref()
                .is_some_and(|x| same_value(x, value))
    })
}

/// Changes weighed against each other: the same change asked twice is one; one identity asked
/// to take two values, or two identities asked to take one, are refused.
fn settle(
    planned: Vec<(usize, Change)>,
    ids: &[Identity],
    refused: &mut Vec<Refusal>,
) -> Vec<Change> {
    let mut kept: Vec<(usize, Change)> = Vec::new();
    for (at, c) in planned {
        if !kept.iter().any(|(k, d)| *k == at && d.to == c.to) {
            kept.push((at, c));
        }
    }
    let bad = |(at, c): &(usize, Change), all: &[(usize, Change)]| -> Option<(Guard, String)> {
        if all.iter().any(|(k, d)| k == at && d.to != c.to) {
            return Some((
                Guard::Contradicts,
                format!("messages ask for different values for {}", ids[*at].label()),
            ));
        }
        all.iter()
            .find(|(k, d)| k != at && d.source == c.source && same_value(&d.to, &c.to))
            .map(|(k, _)| {
                (
                    Guard::Conflict,
                    format!(
                        "{} would take the same value (GitLab compares extern_uid case-insensitively)",
                        ids[*k].label()
                    ),
                )
            })
    };
    let verdicts: Vec<Option<(Guard, String)>> = kept.iter().map(|k| bad(k, &kept)).collect();
    let mut changes = Vec::new();
    for ((_, c), verdict) in kept.into_iter().zip(verdicts) {
        match verdict {
            None => changes.push(c),
            Some((guard, why)) => refused.push(Refusal {
                guard,
                name_id: c.to.clone(),
                identity: Some(c.from.clone()),
                why,
                evidence: c.evidence,
            }),
        }
    }
    changes
}

/// What reading an identity again says about a planned change.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Reread {
    /// It still holds `from`: go ahead.
    Unchanged,
    /// It holds `to` already (changed by an earlier run or by someone else).
    AlreadyDone,
    /// It holds something else now, or is gone: skip, and say so.
    Changed(String),
    /// The read failed: the status and what it means.
    Failed(String),
}

/// The identity read again (by its `from` value) just before its PATCH. Both APIs answer with
/// the stored value: REST `extern_uid`, SCIM `id`.
pub fn reread(change: &Change, answer: &Answer, api: &str) -> Reread {
    if answer.status == 404 {
        return Reread::Changed(format!(
            "no identity holds {} any more: it changed since the plan",
            crate::compare::show(&change.from)
        ));
    }
    if !answer.is_success() {
        return Reread::Failed(status_line(answer, api));
    }
    let Some(now) = stored_value(&answer.body) else {
        return Reread::Failed("GitLab's answer holds no extern_uid".into());
    };
    if now == change.to {
        Reread::AlreadyDone
    } else if now == change.from {
        Reread::Unchanged
    } else {
        Reread::Changed(format!(
            "its extern_uid is {} now, not {} as planned",
            crate::compare::show(&now),
            crate::compare::show(&change.from)
        ))
    }
}

/// The identity that answers a read by the target value, when it is another one than the
/// change's (so GitLab would refuse the PATCH): `None` when no identity, or this one, holds it.
pub fn held_by_another(change: &Change, answer: &Answer) -> Option<String> {
    if !answer.is_success() {
        return None;
    }
    let now = stored_value(&answer.body)?;
    let v: serde_json::Value = serde_json::from_str(&answer.body).ok()?;
    let user = v.get("user_id").and_then(serde_json::Value::as_u64);
    let same_user = match (user, change.person.user_id) {
        (Some(a), Some(b)) => a == b,
        _ => true,
    };
    (now != change.from || !same_user).then(|| crate::compare::show(&now))
}

fn stored_value(body: &str) -> Option<String> {
    let v: serde_json::Value = serde_json::from_str(body).ok()?;
    v.get("extern_uid")
        .or_else(|| v.get("id"))
        .and_then(serde_json::Value::as_str)
        .map(str::to_owned)
}

/// GitLab's refusal of a repair call as one line that says what it means and what to do.
pub fn status_line(answer: &Answer, api: &str) -> String {
    let detail = crate::scim::paging::error_detail(&answer.body)
        .map(|d| crate::sanitize::visible(&d).into_owned())
        .filter(|d| !d.is_empty());
    let said = detail
        .as_deref()
        .map_or_else(String::new, |d| format!(" (GitLab said: {d})"));
    let taken = detail.as_deref().is_some_and(|d| {
        d.to_lowercase()
            .contains("extern uid has already been taken")
    });
    let meaning = match answer.status {
        400 | 409 | 412 if taken => {
            "Extern uid has already been taken: another identity of the group holds this value (GitLab compares case-insensitively)".to_owned()
        }
        400 => format!("GitLab refused the request as malformed{said}"),
        401 => format!("the token was refused: wrong, expired or revoked, or not {}{said}", token_kind(api)),
        403 if api == "scim" => format!("forbidden: this is not the group's SCIM token, or group SAML is disabled, or an IP allow-list blocks this machine{said}"),
        403 => format!("forbidden: the token's user is not an Owner of the group, or the token is of the wrong kind (a SCIM token works only on /api/scim/v2; REST needs a personal or group access token with the api scope){said}"),
        404 => format!("not found: no identity holds this extern_uid (it changed since the plan), or the group does not exist or has no SAML SSO{said}"),
        409 => format!("conflict: GitLab says the identity or its value is used already{said}"),
        412 => format!("GitLab could not update the identity (412: a validation failed, such as the last Owner){said}"),
        429 => format!("rate limited: still refused after waiting as GitLab asked (Retry-After); run again later to resume{said}"),
        s @ 500..=599 => format!("GitLab failed (HTTP {s}): the change may or may not be made; run again with the same --log to resume{said}"),
        s => format!("unexpected status {s}{said}"),
    };
    format!("HTTP {}: {meaning}", answer.status)
}

fn token_kind(api: &str) -> &'static str {
    if api == "scim" {
        "the group's SCIM token"
    } else {
        "a personal or group access token (api scope) of a group Owner"
    }
}

#[cfg(test)]
mod tests;
