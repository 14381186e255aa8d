//! Making one planned change: the edge of `repair`, shared by `scim fix --apply` and the TUI's
//! `F`. The identity is read again (skipped if it changed since the plan), the target value is
//! checked free, a line saying the PATCH is about to go is appended to the audit log, the PATCH
//! is sent, and a line with GitLab's answer follows. The decisions are the pure functions of
//! [`super`]; this module only sends requests through [`Client`] and appends to the [`Log`].
//!
//! The line written before the PATCH is what makes a lost answer safe: when the connection
//! drops after GitLab made the change, the log still names it, so `--undo` reverts it (its
//! re-read finds the new value) and a resumed run does not count it as done unless GitLab
//! answered.

use std::fs::{File, OpenOptions};
use std::io::Write;
use std::path::{Path, PathBuf};

use serde::Serialize;

use super::journal::{Action, Entry};
use super::{Change, Reread};
use crate::compare::FixApi;
use crate::scim::Client;

/// What became of one change.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Fate {
    Applied,
    Reverted,
    Skipped,
    Failed,
}

impl Fate {
    pub fn as_str(self) -> &'static str {
        match self {
            Fate::Applied => "applied",
            Fate::Reverted => "reverted",
            Fate::Skipped => "skipped",
            Fate::Failed => "failed",
        }
    }
}

/// One change's outcome, as printed and as `-f json` gives it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Outcome {
    pub from: String,
    pub to: String,
    pub user_id: Option<u64>,
    /// `applied`, `reverted`, `skipped` or `failed`.
    #[serde(rename = "result")]
    pub fate: Fate,
    pub status: Option<u16>,
    pub why: Option<String>,
}

/// The audit log, appended to and synced one line at a time.
#[derive(Debug)]
pub struct Log {
    file: File,
    pub path: PathBuf,
}

/// The audit log could not be opened or written: the run stops, since a change it cannot
/// record must not be made.
#[derive(Debug, thiserror::Error)]
#[error("{path}: cannot write the audit log: {source}")]
pub struct LogError {
    pub path: String,
    pub source: std::io::Error,
}

impl Log {
    /// `path` (appended to, created if missing), else a new `samltrace-fix-<stamp>.jsonl` in
    /// `folder` (`""` for the current one; `stamp` is the caller's clock, such as
    /// `20261206T101500Z`).
    pub fn open(path: Option<&Path>, folder: &Path, stamp: &str) -> Result<Log, LogError> {
        let cannot = |p: &Path, source| LogError {
            path: p.display().to_string(),
            source,
        };
        if let Some(p) = path {
            let file = OpenOptions::new()
                .create(true)
                .append(true)
                .open(p)
                .map_err(|e| cannot(p, e))?;
            return Ok(Log {
                file,
                path: p.to_owned(),
            });
        }
        for n in 1..100 {
            let name = if n == 1 {
                format!("samltrace-fix-{stamp}.jsonl")
            } else {
                format!("samltrace-fix-{stamp}-{n}.jsonl")
            };
            let p = folder.join(name);
            match OpenOptions::new().create_new(true).append(true).open(&p) {
                Ok(file) => return Ok(Log { file, path: p }),
                Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => continue,
                Err(e) => return Err(cannot(&p, e)),
            }
        }
        Err(cannot(
            folder,
            std::io::Error::other("no free name for the audit log: give --log FILE"),
        ))
    }

    /// Appends one entry and syncs it to disk before returning.
    pub fn append(&mut self, entry: &Entry) -> Result<(), LogError> {
        let fail = |source| LogError {
            path: self.path.display().to_string(),
            source,
        };
        self.file.write_all(entry.line().as_bytes()).map_err(fail)?;
        self.file.flush().map_err(fail)?;
        self.file.sync_data().map_err(fail)
    }
}

/// Makes one change (see the module doc). `now` gives the time written in the log. A failure
/// of GitLab's is an outcome; only a log that cannot be written is an error.
pub fn apply_one(
    client: &Client,
    fix: &FixApi,
    change: &Change,
    action: Action,
    log: &mut Log,
    now: &dyn Fn() -> String,
) -> Result<Outcome, LogError> {
    let api = match fix {
        FixApi::Rest { .. } => "rest",
        FixApi::Scim { .. } => "scim",
    };
    let outcome = |fate, status, why: Option<String>| Outcome {
        from: change.from.clone(),
        to: change.to.clone(),
        user_id: change.person.user_id,
        fate,
        status,
        why: why.map(|w| client.redact(&w)),
    };
    let send = |request| client.send(&request, &|_| {});
    let current = match send(fix.read_request(change.source, &change.from)) {
        Ok(a) => a,
        Err(e) => return Ok(outcome(Fate::Failed, None, Some(e.to_string()))),
    };
    match super::reread(change, &current, api) {
        Reread::Unchanged => {}
        Reread::AlreadyDone => {
            return Ok(outcome(
                Fate::Skipped,
                None,
                Some("it holds the value already".into()),
            ));
        }
        Reread::Changed(why) => return Ok(outcome(Fate::Skipped, None, Some(why))),
        Reread::Failed(why) => {
            return Ok(outcome(Fate::Failed, Some(current.status), Some(why)));
        }
    }
    match send(fix.read_request(change.source, &change.to)) {
        Ok(a) => {
            if let Some(holder) = super::held_by_another(change, &a) {
                return Ok(outcome(
                    Fate::Skipped,
                    None,
                    Some(format!(
                        "another identity holds the value now ({holder}; GitLab compares case-insensitively)"
                    )),
                ));
            }
        }
        Err(e) => return Ok(outcome(Fate::Failed, None, Some(e.to_string()))),
    }
    log.append(&Entry::new(change, fix, action, &now(), None))?;
    let answer = match send(fix.patch_request(change.source, &change.from, &change.to)) {
        Ok(a) => a,
        Err(e) => {
            return Ok(outcome(
                Fate::Failed,
                None,
                Some(format!(
                    "{e}: GitLab may have made the change; the audit log names it, so --undo reverts it if it was made, and a run with the same --log tries it again if not"
                )),
            ));
        }
    };
    log.append(&Entry::new(
        change,
        fix,
        action,
        &now(),
        Some(answer.status),
    ))?;
    if !answer.is_success() {
        let why = super::status_line(&answer, api);
        return Ok(outcome(Fate::Failed, Some(answer.status), Some(why)));
    }
    let fate = match action {
        Action::Undo => Fate::Reverted,
        Action::Apply => Fate::Applied,
    };
    Ok(outcome(fate, Some(answer.status), None))
}
