//! The Fix tab (`F`): the plan of `extern_uid` changes that `scim fix` would make from the
//! selected message, or from every message listed (`F` again), with the same guards; `A` asks,
//! then has a worker make the changes through `repair::apply` (the code `scim fix --apply`
//! runs), and each result is shown as it arrives. When the run ends the identity list is read
//! again, so the verdicts show what GitLab holds now.
//!
//! Pure: the plan is made here from the state (`repair::plan`), on the update side, and kept
//! for the view to draw.

use crate::repair::apply::Fate;
use crate::repair::{self, Options, Plan, Seen};

pub use super::super::fixes::{FixEvent, Run, Scope};
use super::{Confirm, Effect, Judgement, Level, Mode, State, Tab, people};

/// What the Fix tab shows.
#[derive(Debug, Clone)]
pub struct Fix {
    pub scope: Scope,
    pub plan: Option<Plan>,
    /// What the plan was made from, so it is made again only when that changes.
    made_from: Option<Basis>,
    /// The last run of the plan (`A`), while it goes and after.
    pub run: Option<Run>,
}

impl Default for Fix {
    fn default() -> Self {
        Fix {
            scope: Scope::Selected,
            plan: None,
            made_from: None,
            run: None,
        }
    }
}

impl Fix {
    /// Makes the plan again at the next update (the verdicts changed).
    pub(super) fn forget(&mut self) {
        self.made_from = None;
    }
}

/// The inputs of a plan: the messages in scope, their verdicts and the identity list read.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Basis {
    scope: Scope,
    traces: Vec<(u64, bool)>,
    generation: u64,
}

/// `F`: the Fix tab for the selected message; pressed on the Fix tab, it switches between
/// the selected message and all of them.
pub(super) fn show(state: &mut State) {
    if state.tab == Tab::Fix {
        state.fix.scope = match state.fix.scope {
            Scope::Selected => Scope::All,
            Scope::All => Scope::Selected,
        };
    } else {
        state.fix.scope = Scope::Selected;
        super::commands::go_tab(state, Tab::Fix);
    }
    replan(state);
}

/// Makes the plan again when what it is made from changed (only while the Fix tab shows).
pub(super) fn replan(state: &mut State) {
    if state.tab != Tab::Fix {
        return;
    }
    let rows: Vec<&super::Row> = match state.fix.scope {
        Scope::Selected => state.selected().into_iter().collect(),
        Scope::All => state.traces.rows.iter().collect(),
    };
    let basis = Basis {
        scope: state.fix.scope,
        traces: rows
            .iter()
            .map(|r| (r.id.0, matches!(r.judgement, Judgement::Done { .. })))
            .collect(),
        generation: state.identities.generation,
    };
    if state.fix.made_from.as_ref() == Some(&basis) {
        return;
    }
    let Some(people) = state.identities.people.as_ref() else {
        state.fix.plan = None;
        state.fix.made_from = Some(basis);
        return;
    };
    let seen: Vec<Seen> = rows
        .iter()
        .filter_map(|r| {
            let Judgement::Done { verdict, .. } = &r.judgement else {
                return None;
            };
            Some(Seen {
                verdict: (**verdict).clone(),
                evidence: repair::evidence(&r.trace)?,
            })
        })
        .collect();
    let plan = repair::plan(&seen, &people.identities, &people.fix, Options::default());
    state.fix.plan = Some(plan);
    state.fix.made_from = Some(basis);
}

/// `A`: asks before applying the plan shown.
pub(super) fn ask(state: &mut State) {
    if state.tab != Tab::Fix {
        state.say(
            Level::Info,
            "A applies the fix plan: press F to see it first",
        );
        return;
    }
    if state.fix.run.as_ref().is_some_and(|r| !r.finished) {
        state.say(
            Level::Warn,
            "the changes are being made: wait for the run to end",
        );
        return;
    }
    let Some(plan) = &state.fix.plan else {
        state.say(
            Level::Warn,
            "no identity list: give one (i) to plan changes against",
        );
        return;
    };
    if plan.changes.is_empty() {
        state.say(Level::Info, "nothing to change");
        return;
    }
    if plan.over_max {
        state.say(
            Level::Warn,
            format!(
                "the plan makes {} changes, more than {}: nothing is applied from here (use scim fix --max)",
                plan.changes.len(),
                plan.max
            ),
        );
        return;
    }
    if plan.changes.iter().any(|c| {
        state
            .identities
            .people
            .as_ref()
            .is_none_or(|p| p.fix.read_request(c.source, &c.from).is_template())
    }) {
        state.say(
            Level::Warn,
            "no GitLab API to send the changes to: use a GitLab URL as the identity list (i), or give --gitlab-group",
        );
        return;
    }
    state.mode = Mode::Confirm(Confirm::ApplyFix {
        changes: plan.changes.len(),
        group: plan.group.clone(),
        api: plan.api,
    });
}

/// The answer to `A`'s question: `y` starts the run.
pub(super) fn confirmed(state: &mut State, yes: bool) -> Option<Effect> {
    if !yes {
        state.say(Level::Info, "nothing changed");
        return None;
    }
    let people = state.identities.people.clone()?;
    let plan = state.fix.plan.as_ref()?;
    let work: Vec<_> = plan
        .changes
        .iter()
        .map(|c| (people.fix.clone(), c.clone()))
        .collect();
    state.fix.run = Some(Run {
        total: work.len(),
        results: Vec::new(),
        log: None,
        finished: false,
        stopped: None,
    });
    state.say(
        Level::Info,
        format!("making {} change(s) through GitLab's API", work.len()),
    );
    Some(Effect::ApplyFix { work })
}

/// A worker's report of the run.
pub(super) fn event(state: &mut State, event: FixEvent) -> Option<Effect> {
    let run = state.fix.run.as_mut()?;
    match event {
        FixEvent::Log(path) => run.log = Some(path),
        FixEvent::Outcome(o) => run.results.push(o),
        FixEvent::Ended(why) => {
            run.finished = true;
            run.stopped = why;
            let made = run
                .results
                .iter()
                .filter(|o| o.fate == Fate::Applied)
                .count();
            let failed = run.results.iter().any(|o| o.fate == Fate::Failed);
            let (level, text) = match &run.stopped {
                Some(why) => (Level::Error, format!("fix stopped: {why}")),
                None if failed => (Level::Warn, format!("{made} change(s) made, some failed")),
                None => (Level::Info, format!("{made} change(s) made")),
            };
            state.say(level, text);
            // What GitLab holds now decides the verdicts.
            return people::reload(state);
        }
    }
    None
}
