//! What each key command does to the state: moving, scrolling, tabs, focus, and the commands
//! that end in an effect (copy, export, refresh, open a prompt).
//!
//! Pure: effects are returned for the shell to run.

use std::path::PathBuf;
use std::sync::Arc;

use super::super::keys::Command;
use super::super::layout::{help, tabs, xml_rows};
use super::prompt::{self, PromptKind};
use super::{
    Confirm, Effect, ExportError, Focus, Level, Mode, Overwrite, Phase, Pick, Search, State, Tab,
    Topic, people,
};

/// A movement asked for by a key.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Motion {
    By(isize),
    Pages(isize),
    Top,
    Bottom,
}

pub(super) fn command(state: &mut State, c: Command) -> Option<Effect> {
    match c {
        Command::Quit => state.phase = Phase::Done,
        Command::Back => back(state),
        Command::Help => state.mode = Mode::Help { scroll: 0 },
        Command::Up => motion(state, Motion::By(-1)),
        Command::Down => motion(state, Motion::By(1)),
        Command::PageUp => motion(state, Motion::Pages(-1)),
        Command::PageDown => motion(state, Motion::Pages(1)),
        Command::Top => motion(state, Motion::Top),
        Command::Bottom => motion(state, Motion::Bottom),
        Command::Details => focus(state, Focus::Details),
        Command::List => focus(state, Focus::List),
        Command::NextTab => go_tab(state, state.tab.next()),
        Command::PrevTab => go_tab(state, state.tab.prev()),
        Command::GoTab(t) => go_tab(state, t),
        Command::Filter => filter(state),
        Command::NextMatch => jump(state, Direction::Forward),
        Command::PrevMatch => jump(state, Direction::Backward),
        Command::Open => prompt::open(state, PromptKind::Open, String::new()),
        Command::PastePrompt => prompt::open(state, PromptKind::Paste, String::new()),
        Command::Identities => {
            let current = match state.identities.sources.as_slice() {
                [crate::scim::Source::File(p)] => p.display().to_string(),
                [crate::scim::Source::Remote(r)] => r.display(),
                _ => String::new(),
            };
            prompt::open(state, PromptKind::Identities, current);
        }
        Command::Export => {
            let path = state.config.export_path.clone();
            prompt::open(state, PromptKind::Export, path);
        }
        Command::Copy => return copy(state),
        Command::Refresh => return refresh(state),
        Command::Delete => delete(state),
        Command::Fix => super::fix::show(state),
        Command::ApplyFix => super::fix::ask(state),
    }
    None
}

/// Esc: leave the details, else clear the filter, else quit.
fn back(state: &mut State) {
    if state.focus == Focus::Details {
        state.focus = Focus::List;
    } else if !state.traces.filter.is_empty() {
        state.traces.filter.clear();
        state.traces.refilter();
        relayout(state);
        selection_changed(state);
    } else {
        state.phase = Phase::Done;
    }
}

fn focus(state: &mut State, to: Focus) {
    state.focus = to;
    people::follow(state);
}

pub(super) fn go_tab(state: &mut State, tab: Tab) {
    if state.tab != tab {
        if state.tab == Tab::Xml {
            // `match 2 of 5` is about the XML shown.
            state.unsay(Topic::Search);
        }
        state.tab = tab;
        state.scroll = 0;
        relayout(state);
        people::follow(state);
    }
}

fn motion(state: &mut State, m: Motion) {
    let areas = state.areas();
    match (state.focus, state.tab) {
        (Focus::List, _) => {
            let t = &mut state.traces;
            let before = t.selected_id();
            let to = target(t.cursor, t.visible.len(), areas.list_rows(), m);
            t.move_to(to);
            t.pick = Pick::User;
            t.keep_visible(areas.list_rows());
            if t.selected_id() != before {
                selection_changed(state);
            }
        }
        (Focus::Details, Tab::Identities) => {
            let rows = state.identity_rows();
            let ids = &mut state.identities;
            let to = target(ids.cursor, ids.visible.len(), rows, m);
            ids.move_to(to);
            ids.keep_visible(rows);
        }
        (Focus::Details, _) => {
            let rows = tabs::line_count(&state.shown(), areas.detail.width);
            let page = areas.detail_rows();
            let most = rows.saturating_sub(page);
            state.scroll = target(state.scroll, most + 1, page, m);
        }
    }
}

/// Where a cursor at `at` in `len` items goes, with pages of `page` items.
fn target(at: usize, len: usize, page: usize, m: Motion) -> usize {
    let last = len.saturating_sub(1);
    let step = |n: isize| at.saturating_add_signed(n).min(last);
    match m {
        Motion::By(n) => step(n),
        Motion::Pages(n) => step(n.saturating_mul(page.max(1) as isize)),
        Motion::Top => 0,
        Motion::Bottom => last,
    }
}

/// After the selected message changed: details from the top, search in the new XML, and the
/// Identities tab following.
pub(super) fn selection_changed(state: &mut State) {
    state.scroll = 0;
    if let Some(search) = state.search.take() {
        state.search = Some(find(state, search.query));
        state.unsay(Topic::Search);
    }
    people::follow(state);
}

/// Keeps the selections in view and the scroll within the content, for the current size.
pub(super) fn relayout(state: &mut State) {
    let areas = state.areas();
    state.traces.keep_visible(areas.list_rows());
    let rows = state.identity_rows();
    state.identities.keep_visible(rows);
    if state.tab != Tab::Identities {
        let rows = tabs::line_count(&state.shown(), areas.detail.width);
        state.scroll = state.scroll.min(rows.saturating_sub(areas.detail_rows()));
    }
    if let Mode::Help { scroll } = &mut state.mode {
        *scroll = (*scroll).min(help::line_count().saturating_sub(1));
    }
}

/// `/` acts on the tab shown, whichever pane has the focus: it searches the XML tab's XML,
/// filters the Identities tab's identities, and filters the messages from the other tabs.
fn filter(state: &mut State) {
    let (kind, current) = match state.tab {
        Tab::Xml => (
            PromptKind::SearchXml,
            state.search.as_ref().map(|s| s.query.clone()),
        ),
        Tab::Identities => (
            PromptKind::FilterIdentities,
            Some(state.identities.filter.clone()),
        ),
        _ => (PromptKind::FilterTraces, Some(state.traces.filter.clone())),
    };
    prompt::open_empty(state, kind, current.unwrap_or_default());
}

/// The XML lines of the selected message that hold the query, case-insensitively.
pub(super) fn find(state: &State, query: String) -> Search {
    let needle = query.to_lowercase();
    let lines = match state.selected() {
        Some(row) if !needle.is_empty() => row
            .facts
            .xml
            .iter()
            .enumerate()
            .filter(|(_, l)| l.to_lowercase().contains(&needle))
            .map(|(i, _)| i)
            .collect(),
        _ => Vec::new(),
    };
    Search {
        query,
        lines,
        current: None,
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Direction {
    Forward,
    Backward,
}

/// Scrolls the XML to the next (or previous) line that holds the search, from the top line.
pub(super) fn jump(state: &mut State, dir: Direction) {
    let width = state.areas().detail.width;
    let Some(search) = &state.search else {
        let how = if state.tab == Tab::Xml {
            "no search yet: press / to search this message's XML"
        } else {
            "no search: press / on the XML tab (5) to search the XML"
        };
        state.say_about(Topic::Search, Level::Info, how);
        return;
    };
    let Some(row) = state.selected() else { return };
    let lines = &row.facts.xml;
    let top_line = match state.scroll {
        0 => 0,
        s => xml_rows::line_at_row(lines, width, s + 2),
    };
    let next = match (dir, search.current) {
        (Direction::Forward, Some(c)) => search.lines.iter().position(|l| *l > search.lines[c]),
        (Direction::Forward, None) => search.lines.iter().position(|l| *l >= top_line),
        (Direction::Backward, Some(c)) => search.lines.iter().rposition(|l| *l < search.lines[c]),
        (Direction::Backward, None) => search.lines.iter().rposition(|l| *l < top_line),
    };
    let wrapped = next.or(match dir {
        Direction::Forward => (!search.lines.is_empty()).then_some(0),
        Direction::Backward => search.lines.len().checked_sub(1),
    });
    let Some(i) = wrapped else {
        let q = search.query.clone();
        state.say_about(
            Topic::Search,
            Level::Warn,
            format!("\"{q}\" is not in this message's XML"),
        );
        return;
    };
    let line = search.lines[i];
    let count = search.lines.len();
    // Two rows above the hit, for its context.
    state.scroll = xml_rows::row_of_line(lines, width, line).saturating_sub(2);
    if let Some(s) = &mut state.search {
        s.current = Some(i);
    }
    state.tab = Tab::Xml;
    relayout(state);
    state.say_about(
        Topic::Search,
        Level::Info,
        format!("match {} of {count}", i + 1),
    );
}

/// `y`: the value that matters where the user is, on the terminal's clipboard.
fn copy(state: &mut State) -> Option<Effect> {
    let (what, text) = match copy_target(state) {
        Some(t) => t,
        None => {
            state.say(Level::Info, "nothing to copy here");
            return None;
        }
    };
    let n = text.chars().count();
    state.say(
        Level::Info,
        format!("copied {what} ({n} characters) to the clipboard (OSC 52)"),
    );
    Some(Effect::Copy(text))
}

fn copy_target(state: &State) -> Option<(&'static str, String)> {
    if state.focus == Focus::Details && state.tab == Tab::Identities {
        let i = state.identities.selected_identity()?;
        let value = i.external_id.as_ref().or(i.user_name.as_ref())?;
        return Some(("the identity's external id", value.clone()));
    }
    let row = state.selected()?;
    if let Some(error) = &row.facts.error {
        return Some(("the error", error.clone()));
    }
    match state.tab {
        Tab::Identity => {
            if let Some(fix) = row.judgement.verdict().and_then(|v| v.fix.clone()) {
                return Some(("the fix command", fix));
            }
        }
        Tab::Xml => return Some(("the XML as received", row.trace.xml.clone()?)),
        _ => {}
    }
    Some(("the NameID", row.facts.name_id.clone()?))
}

/// `r`: read the identity list again.
fn refresh(state: &mut State) -> Option<Effect> {
    if matches!(state.identities.load, super::IdentityLoad::Loading { .. })
        && state.identities.people.is_none()
    {
        state.say(Level::Info, "the identity list is still being read");
        return None;
    }
    let effect = people::reload(state);
    if effect.is_none() {
        state.say(
            Level::Info,
            "no identity list: press i to use a file or a GitLab URL, or start with --scim",
        );
    }
    effect
}

/// `d`: removes the selected message from the list.
fn delete(state: &mut State) {
    let Some(row) = state.selected() else { return };
    let (id, input) = (row.id, row.input);
    let label = state.input(input).map(|i| i.label()).unwrap_or_default();
    state.traces.remove(id);
    let left = state.traces.rows.iter().any(|r| r.input == input);
    if !left {
        state.inputs.retain(|i| i.id != input);
    }
    state.say(Level::Info, format!("removed a message of {label}"));
    relayout(state);
    selection_changed(state);
}

/// The traces `e` writes: those the filter shows, with their verdicts.
pub(super) fn export(state: &mut State, path: PathBuf, overwrite: Overwrite) -> Option<Effect> {
    let traces: Vec<_> = state
        .traces
        .visible
        .iter()
        .filter_map(|i| state.traces.rows.get(*i))
        .map(|r| (Arc::clone(&r.trace), r.judgement.verdict().cloned()))
        .collect();
    if traces.is_empty() {
        state.say(Level::Info, "no messages to export");
        return None;
    }
    Some(Effect::Export {
        path,
        traces,
        overwrite,
    })
}

pub(super) fn exported(
    state: &mut State,
    path: PathBuf,
    result: Result<usize, ExportError>,
) -> Option<Effect> {
    let shown = path.display().to_string();
    match result {
        Ok(n) => state.say(
            Level::Info,
            format!("wrote {n} messages to {shown} (samltrace/v1 JSON)"),
        ),
        Err(ExportError::Exists) => state.mode = Mode::Confirm(Confirm::Overwrite(path)),
        Err(ExportError::Failed(e)) => state.say(Level::Error, format!("{shown}: {e}")),
    }
    None
}

/// A key while the help shows: movement scrolls it, anything else closes it.
pub(super) fn help_key(state: &mut State, c: Option<Command>) {
    let Mode::Help { scroll } = &mut state.mode else {
        return;
    };
    let last = help::line_count().saturating_sub(1);
    let page = help::page(state.size);
    let m = match c {
        Some(Command::Up) => Motion::By(-1),
        Some(Command::Down) => Motion::By(1),
        Some(Command::PageUp) => Motion::Pages(-1),
        Some(Command::PageDown) => Motion::Pages(1),
        Some(Command::Top) => Motion::Top,
        Some(Command::Bottom) => Motion::Bottom,
        _ => {
            state.mode = Mode::Normal;
            return;
        }
    };
    *scroll = target(*scroll, last + 1, page, m);
}
