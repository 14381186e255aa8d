//! The Fix tab's plain data: which messages its plan is made from, and a run of the plan as
//! the worker reports it. At the bottom of the TUI's layers, beside `tab`: `app` keeps it,
//! `layout` makes the tab's lines from it and `worker` reports into it.

use std::path::PathBuf;

use crate::repair::apply::Outcome;

/// Which messages the plan is made from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scope {
    Selected,
    All,
}

/// A run of the plan.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Run {
    /// Changes sent to the worker.
    pub total: usize,
    pub results: Vec<Outcome>,
    /// The audit log the worker writes (`scim fix --undo LOG` reverts it).
    pub log: Option<PathBuf>,
    pub finished: bool,
    /// Why the run stopped before its end (no token, a log that cannot be written, a failure).
    pub stopped: Option<String>,
}

/// What a worker making the changes reports.
#[derive(Debug, Clone)]
pub enum FixEvent {
    /// The audit log was opened.
    Log(PathBuf),
    /// One change was made, skipped or failed.
    Outcome(Outcome),
    /// The run ended; with why, when it stopped early.
    Ended(Option<String>),
}
