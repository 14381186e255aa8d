//! The Fix tab's lines: the plan of `extern_uid` changes (as `scim fix` prints it), each
//! change with its evidence and, once applied, what became of it, then the refusals and the
//! run's audit log. Made from [`FixShown`], borrowed from the state; wrapped like every tab.

use ratatui::style::Style;
use ratatui::text::{Line, Span};

use crate::repair::Plan;
use crate::repair::apply::Fate;

use super::super::fixes::{Run, Scope};
use super::styled::{BAD, DIM, GOOD, HEADING, STRONG, WARN, untrusted, untrusted_quoted};

/// What the Fix tab is made of.
#[derive(Debug, Clone, Copy)]
pub struct FixShown<'a> {
    pub scope: Scope,
    /// Messages in scope (1 or 0 for the selected one).
    pub messages: usize,
    /// With the selected message in scope: its verdict's word, once judged.
    pub verdict: Option<&'static str>,
    /// `None` while there is no identity list to plan against.
    pub plan: Option<&'a Plan>,
    pub run: Option<&'a Run>,
}

/// A line and the indent of its continuation rows.
type Wrapped = (Line<'static>, usize);

pub fn lines(f: &FixShown) -> Vec<Wrapped> {
    let mut out: Vec<Wrapped> = Vec::new();
    let scope = match f.scope {
        Scope::Selected => "the selected message · F: all messages".to_owned(),
        Scope::All => format!(
            "all {} message{} · F: the selected one",
            f.messages,
            if f.messages == 1 { "" } else { "s" }
        ),
    };
    out.push((
        Line::from(vec![
            Span::styled("Fix plan", HEADING),
            Span::styled(format!("  for {scope}"), DIM),
        ]),
        0,
    ));
    let Some(plan) = f.plan else {
        out.push(plain(
            "No identity list: give one (i) to see which extern_uid to change.",
            WARN,
        ));
        return out;
    };
    let mut head = vec![Span::raw("Group ")];
    head.extend(untrusted(&plan.group, STRONG));
    head.push(Span::raw(format!(
        " · {} API · {} change{} · {} refused · at most {}",
        plan.api.to_uppercase(),
        plan.changes.len(),
        if plan.changes.len() == 1 { "" } else { "s" },
        plan.refused.len(),
        plan.max
    )));
    out.push((Line::from(head), 2));
    if plan.changes.is_empty() && plan.refused.is_empty() {
        let why = match (f.messages, f.scope, f.verdict) {
            (0, _, _) => "No message to plan from: select one, or press F for all.".to_owned(),
            (_, Scope::Selected, Some(word)) => format!(
                "Nothing to change: this message's verdict is {word}; only a mismatch or a near match is fixed by changing the extern_uid (see Identity, 4)."
            ),
            _ => "Nothing to change: no verdict in scope asks for a new extern_uid.".to_owned(),
        };
        out.push(plain(&why, GOOD));
    }
    for c in &plan.changes {
        out.push(plain("", Style::new()));
        let mut who = vec![Span::styled("change  ", STRONG)];
        who.extend(untrusted(c.who(), STRONG));
        who.push(Span::styled(format!(" ({})", c.identity()), DIM));
        out.push((Line::from(who), 8));
        let mut values = vec![Span::raw("  ")];
        values.extend(untrusted_quoted(&c.from, Style::new()));
        values.push(Span::raw(" → "));
        values.extend(untrusted_quoted(&c.to, GOOD));
        out.push((Line::from(values), 4));
        let mut evidence = vec![Span::styled(format!("  {} from ", c.state.as_str()), DIM)];
        evidence.extend(untrusted(&c.evidence.input, DIM));
        evidence.push(Span::styled(
            if c.unverified {
                ", signature NOT verified"
            } else {
                ", verified signature"
            },
            if c.unverified { BAD } else { DIM },
        ));
        out.push((Line::from(evidence), 4));
    }
    for r in &plan.refused {
        out.push(plain("", Style::new()));
        let mut line = vec![Span::styled("refused ", WARN)];
        line.extend(untrusted_quoted(&r.name_id, Style::new()));
        line.push(Span::raw(": "));
        line.extend(untrusted(&r.why, Style::new()));
        out.push((Line::from(line), 8));
    }
    out.push(plain("", Style::new()));
    if plan.over_max {
        out.push(plain(
            &format!(
                "More than {} changes: not applied from here (scim fix --max N).",
                plan.max
            ),
            WARN,
        ));
    } else if !plan.changes.is_empty() && f.run.is_none_or(|r| r.finished) {
        out.push(plain(
            "A: make these changes through GitLab's API (asks first; each is logged).",
            DIM,
        ));
    }
    if let Some(run) = f.run {
        run_lines(&mut out, run);
    }
    out
}

/// The last run: each change's outcome as it came, what is still awaited, and the audit log
/// with the command that reverts it. Shown apart from the plan, which is made again from the
/// list read after the run (where the changes made no longer appear).
fn run_lines(out: &mut Vec<Wrapped>, run: &Run) {
    let state = if run.finished { "done" } else { "running" };
    out.push(plain(
        &format!(
            "Last run: {} of {} change{} answered, {state}",
            run.results.len(),
            run.total,
            if run.total == 1 { "" } else { "s" }
        ),
        STRONG,
    ));
    for o in &run.results {
        let style = match o.fate {
            Fate::Applied | Fate::Reverted => GOOD,
            Fate::Skipped => WARN,
            Fate::Failed => BAD,
        };
        let mut said = vec![Span::styled(format!("  {}", o.fate.as_str()), style)];
        if let Some(s) = o.status {
            said.push(Span::styled(format!(" (HTTP {s})"), style));
        }
        said.push(Span::raw("  "));
        said.extend(untrusted_quoted(&o.from, Style::new()));
        said.push(Span::raw(" → "));
        said.extend(untrusted_quoted(&o.to, Style::new()));
        if let Some(why) = &o.why {
            said.push(Span::raw(": "));
            said.extend(untrusted(why, Style::new()));
        }
        out.push((Line::from(said), 4));
    }
    let awaited = run.total.saturating_sub(run.results.len());
    if !run.finished && awaited > 0 {
        out.push(plain(&format!("  waiting for {awaited} more…"), DIM));
    }
    if let Some(why) = &run.stopped {
        let mut line = vec![Span::styled("  stopped: ", BAD)];
        line.extend(untrusted(why, Style::new()));
        out.push((Line::from(line), 4));
    }
    if let Some(log) = &run.log {
        let log = log.display().to_string();
        let mut line = vec![Span::styled("  audit log ", DIM)];
        line.extend(untrusted(&log, Style::new()));
        out.push((Line::from(line), 4));
        let mut undo = vec![Span::styled("  undo: samltrace scim fix --undo ", DIM)];
        undo.extend(untrusted(&log, DIM));
        undo.push(Span::styled(" --apply", DIM));
        out.push((Line::from(undo), 4));
    }
}

fn plain(text: &str, style: Style) -> Wrapped {
    (Line::styled(text.to_owned(), style), 0)
}
