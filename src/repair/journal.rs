//! The audit log of `scim fix`: one JSON line per change made (or undone), so that a run can be
//! read by a person, resumed without repeating a change, and reverted with `--undo`.
//!
//! Pure: entries are built from a change and GitLab's answer, rendered as one line, and read
//! back from the log's text. [`super::apply`] appends each line and syncs it: one before the
//! PATCH (`"status": null`, the answer not known yet) and one with GitLab's answer, so a change
//! whose answer was lost is still named.
//! An entry never holds a token: it holds values GitLab stores and where they came from.

use serde::{Deserialize, Serialize};

use super::{Change, Evidence, Person};
use crate::compare::FixApi;
use crate::scim::IdentitySource;

/// What an entry records.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Action {
    /// A planned change was made.
    Apply,
    /// A change of an earlier run was reverted (`--undo`).
    Undo,
}

/// The API a change went to, enough to send its undo there.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Api {
    Rest { base: String, group: String },
    Scim { users_url: String },
}

impl From<&FixApi> for Api {
    fn from(f: &FixApi) -> Self {
        match f {
            FixApi::Rest { base, group } => Api::Rest {
                base: base.clone(),
                group: group.clone(),
            },
            FixApi::Scim { users_url } => Api::Scim {
                users_url: users_url.clone(),
            },
        }
    }
}

impl From<&Api> for FixApi {
    fn from(a: &Api) -> Self {
        match a {
            Api::Rest { base, group } => FixApi::Rest {
                base: base.clone(),
                group: group.clone(),
            },
            Api::Scim { users_url } => FixApi::Scim {
                users_url: users_url.clone(),
            },
        }
    }
}

/// One line of the log.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Entry {
    pub schema: String,
    /// When GitLab answered (RFC 3339, UTC).
    pub time: String,
    pub action: Action,
    pub group: String,
    pub api: Api,
    pub identity: Person,
    pub source: IdentitySource,
    pub from: String,
    pub to: String,
    pub evidence: Evidence,
    /// GitLab's HTTP status for the PATCH; `None` on the line written before it was sent.
    pub status: Option<u16>,
}

impl Entry {
    pub fn new(
        change: &Change,
        fix: &FixApi,
        action: Action,
        time: &str,
        status: Option<u16>,
    ) -> Entry {
        Entry {
            schema: crate::report::json::SCHEMA.to_owned(),
            time: time.to_owned(),
            action,
            group: fix.group(),
            api: Api::from(fix),
            identity: change.person.clone(),
            source: change.source,
            from: change.from.clone(),
            to: change.to.clone(),
            evidence: change.evidence.clone(),
            status,
        }
    }

    /// The entry as one line, newline included.
    pub fn line(&self) -> String {
        let mut s = serde_json::to_string(self).unwrap_or_default();
        s.push('\n');
        s
    }

    /// Whether this entry records `change` (the same identity, the same values) made by
    /// `action`, GitLab having said so (a 2xx).
    pub fn records(&self, change: &Change, action: Action) -> bool {
        self.status.is_some_and(|s| (200..300).contains(&s)) && self.is_about(change, action)
    }

    /// Whether this entry is about `change` made by `action`, whatever GitLab answered.
    fn is_about(&self, change: &Change, action: Action) -> bool {
        self.action == action
            && self.source == change.source
            && self.from == change.from
            && self.to == change.to
            && self.identity.user_id == change.person.user_id
    }
}

/// Why a log cannot be read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("line {line}: {why}")]
pub struct LogError {
    pub line: usize,
    pub why: String,
}

/// The entries of a log. A last line cut short (a run killed while it wrote) is ignored; any
/// other line that is not an entry is an error.
pub fn parse(text: &str) -> Result<Vec<Entry>, LogError> {
    let lines: Vec<&str> = text.split('\n').collect();
    let mut out = Vec::new();
    for (n, line) in lines.iter().enumerate() {
        if line.trim().is_empty() {
            continue;
        }
        match serde_json::from_str::<Entry>(line) {
            Ok(e) => out.push(e),
            Err(_) if n + 1 == lines.len() => {}
            Err(e) => {
                return Err(LogError {
                    line: n + 1,
                    why: format!("not a samltrace fix log entry: {e}"),
                });
            }
        }
    }
    Ok(out)
}

/// The changes that revert a run's log, newest first: each change from `to` back to `from`,
/// with the API it went to, for every change the log names whose last line is a success or
/// a PATCH whose answer never came (the undo's re-read then finds whether it was made).
/// Changes refused by GitLab, and those the log also records as undone, are left out.
pub fn undo_changes(entries: &[Entry]) -> Vec<(FixApi, Change)> {
    let mut out: Vec<(FixApi, Change)> = Vec::new();
    for (i, e) in entries.iter().enumerate().rev() {
        if e.action != Action::Apply || e.status.is_some_and(|s| !(200..300).contains(&s)) {
            continue;
        }
        let fix = FixApi::from(&e.api);
        let change = Change {
            person: e.identity.clone(),
            source: e.source,
            from: e.to.clone(),
            to: e.from.clone(),
            state: crate::compare::State::Mismatch,
            evidence: Evidence {
                input: "the audit log".into(),
                ..e.evidence.clone()
            },
            unverified: false,
            call: fix.patch(e.source, &e.to, &e.from),
        };
        let original = Change {
            from: e.from.clone(),
            to: e.to.clone(),
            ..change.clone()
        };
        // A later line about the same change (its answer, or the same change made again)
        // says more than this one.
        let superseded = entries[i + 1..]
            .iter()
            .any(|later| later.is_about(&original, Action::Apply));
        let undone = entries.iter().any(|u| u.records(&change, Action::Undo));
        let listed = out.iter().any(|(_, c)| *c == change);
        if !superseded && !undone && !listed {
            out.push((fix, change));
        }
    }
    out
}
