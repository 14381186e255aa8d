//! The list of messages: rows in input order, the filtered view of them, the selection, and
//! what happens when a worker has decoded an input.
//!
//! Pure: changes only the state it is given; decoding happened on a worker.

use std::collections::HashMap;
use std::sync::Arc;

use crate::saml::Message;
use crate::trace::Trace;

use super::super::facts::{Facts, Judgement};
use super::super::layout::columns;
use super::people;
use super::{Decoded, Effect, InputId, InputKind, Level, Load, State, Topic};

/// A message's id: stable while it is in the list, new when its file is read again.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct TraceId(pub u64);

/// One message of the list.
#[derive(Debug, Clone)]
pub struct Row {
    pub id: TraceId,
    pub input: InputId,
    pub trace: Arc<Trace>,
    pub facts: Arc<Facts>,
    pub judgement: Judgement,
}

impl Row {
    fn new(id: TraceId, input: InputId, d: Decoded, judgement: Judgement) -> Row {
        Row {
            id,
            input,
            trace: Arc::new(d.trace),
            facts: Arc::new(d.facts),
            judgement,
        }
    }

    /// True when every term (lower-case) is in the NameID, an email, the kind, the source or
    /// the verdict.
    fn matches(&self, terms: &[String]) -> bool {
        let verdict = self.judgement.word();
        terms
            .iter()
            .all(|t| self.facts.search.contains(t.as_str()) || verdict.contains(t.as_str()))
    }

    /// True when the message speaks for a user and so gets a verdict.
    pub fn names_a_user(&self) -> bool {
        self.trace.message.as_ref().is_some_and(names_a_user)
    }
}

/// Responses, bare assertions and logout requests carry the NameID of a user.
fn names_a_user(m: &Message) -> bool {
    m.kind.names_a_user()
}

/// The filter's terms: lower-case words, all of which must match.
pub fn terms(filter: &str) -> Vec<String> {
    filter.split_whitespace().map(str::to_lowercase).collect()
}

/// Who chose the selected message.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum Pick {
    /// Nobody yet: the first message is selected as inputs come in.
    #[default]
    Auto,
    /// The user (moving, or pasting): the selection stays where they put it.
    User,
}

/// The messages, the filtered view and the selection.
#[derive(Debug, Clone, Default)]
pub struct Traces {
    /// Every message, grouped by input in the order the inputs were added.
    pub rows: Vec<Row>,
    pub filter: String,
    /// Indexes into `rows` of the messages the filter lets through.
    pub visible: Vec<usize>,
    /// The selection: an index into `visible`.
    pub cursor: usize,
    /// The first position of `visible` on screen.
    pub offset: usize,
    /// The columns the widest NameID of `visible` takes, for the list's layout.
    pub name_width: usize,
    pub pick: Pick,
    next_id: u64,
}

impl Traces {
    pub fn selected(&self) -> Option<&Row> {
        self.visible
            .get(self.cursor)
            .and_then(|i| self.rows.get(*i))
    }

    pub fn selected_id(&self) -> Option<TraceId> {
        self.selected().map(|r| r.id)
    }

    /// Recomputes the filtered view, keeping the selected message when it passes.
    pub fn refilter(&mut self) {
        let keep = self.selected_id();
        let terms = terms(&self.filter);
        self.visible = if terms.is_empty() {
            (0..self.rows.len()).collect()
        } else {
            (0..self.rows.len())
                .filter(|i| self.rows[*i].matches(&terms))
                .collect()
        };
        self.name_width = self
            .visible
            .iter()
            .map(|i| columns::name_width(&self.rows[*i].facts))
            .max()
            .unwrap_or(0);
        if !keep.is_some_and(|id| self.select(id)) {
            self.cursor = self.cursor.min(self.visible.len().saturating_sub(1));
        }
    }

    /// Selects a message when the filter shows it.
    pub fn select(&mut self, id: TraceId) -> bool {
        let found = self.visible.iter().position(|i| self.rows[*i].id == id);
        if let Some(p) = found {
            self.cursor = p;
        }
        found.is_some()
    }

    /// Moves the selection, staying within the list.
    pub fn move_to(&mut self, position: usize) {
        self.cursor = position.min(self.visible.len().saturating_sub(1));
    }

    /// Scrolls so that the selection shows in `height` lines.
    pub fn keep_visible(&mut self, height: usize) {
        self.offset = keep_visible(self.cursor, self.offset, height, self.visible.len());
    }

    fn new_id(&mut self) -> TraceId {
        self.next_id += 1;
        TraceId(self.next_id)
    }

    /// Replaces the rows of an input by new ones, in input order.
    fn replace(&mut self, input: InputId, rows: Vec<Row>) {
        self.rows.retain(|r| r.input != input);
        let at = self
            .rows
            .iter()
            .position(|r| r.input > input)
            .unwrap_or(self.rows.len());
        self.rows.splice(at..at, rows);
    }

    /// Removes one message.
    pub fn remove(&mut self, id: TraceId) {
        self.rows.retain(|r| r.id != id);
        self.refilter();
    }

    /// The row index of each message, to apply many results at once.
    pub fn positions(&self) -> HashMap<TraceId, usize> {
        self.rows
            .iter()
            .enumerate()
            .map(|(i, r)| (r.id, i))
            .collect()
    }
}

/// The first line to show so that `cursor` is within `height` lines, moving as little as
/// possible from `offset`.
pub fn keep_visible(cursor: usize, offset: usize, height: usize, len: usize) -> usize {
    let height = height.max(1);
    let offset = if cursor < offset {
        cursor
    } else if cursor >= offset + height {
        cursor + 1 - height
    } else {
        offset
    };
    offset.min(len.saturating_sub(height))
}

/// A worker decoded an input: its messages replace those of its last read.
pub(super) fn decoded(
    state: &mut State,
    input: InputId,
    result: Result<Vec<Decoded>, String>,
) -> Option<Effect> {
    // `reading x…` is no longer true: what was read is said instead.
    let asked = state.unsay(Topic::Reading(input));
    let Some(found) = state.inputs.iter_mut().find(|i| i.id == input) else {
        return None; // removed while it was read
    };
    let first_read = found.load == Load::Loading;
    let label = found.label();
    // What was pasted or arrived live is shown as it comes, selected.
    let is_paste = matches!(found.kind, InputKind::Paste(_) | InputKind::Live(_));
    let decoded = match result {
        Ok(d) => {
            found.load = Load::Loaded;
            d
        }
        Err(message) => {
            found.load = Load::Failed(message.clone());
            state.say(Level::Error, message);
            return None;
        }
    };
    let place = placement(state, input);
    let rows: Vec<Row> = decoded
        .into_iter()
        .map(|d| {
            let judgement = people::initial(&state.identities, &d.trace);
            Row::new(state.traces.new_id(), input, d, judgement)
        })
        .collect();
    let ids: Vec<_> = rows.iter().map(|r| r.id).collect();
    let read = match (is_paste, first_read, asked) {
        (true, _, _) => Read::Pasted,
        (false, false, _) => Read::Again,
        (false, true, true) => Read::Asked,
        (false, true, false) => Read::First,
    };
    announce(state, &label, &rows, read);
    state.traces.replace(input, rows);
    select_after_read(state, place, &ids, is_paste);
    people::judge(state, |r| r.input == input)
}

/// Where the selection was, to find it again after an input is read.
enum Place {
    Kept(Option<TraceId>),
    /// The selected message belonged to the input read again: its position within it.
    Within(usize),
}

fn placement(state: &State, input: InputId) -> Place {
    let Some(sel) = state.traces.selected() else {
        return Place::Kept(None);
    };
    if sel.input != input {
        return Place::Kept(Some(sel.id));
    }
    let nth = state
        .traces
        .rows
        .iter()
        .filter(|r| r.input == input)
        .position(|r| r.id == sel.id)
        .unwrap_or(0);
    Place::Within(nth)
}

fn select_after_read(state: &mut State, place: Place, ids: &[TraceId], is_paste: bool) {
    let before = state.traces.selected_id();
    let target = match place {
        _ if is_paste => ids.first().copied(),
        Place::Within(nth) => ids.get(nth).or(ids.last()).copied(),
        Place::Kept(_) if state.traces.pick == Pick::Auto => None,
        Place::Kept(id) => id.or(ids.first().copied()),
    };
    state.traces.refilter();
    match target {
        None => state.traces.move_to(0),
        Some(id) if !state.traces.select(id) && is_paste => {
            // The user pasted to see it: a filter that hides it goes.
            state.traces.filter.clear();
            state.traces.refilter();
            state.traces.select(id);
        }
        Some(_) => {}
    }
    if is_paste {
        state.traces.pick = Pick::User;
    }
    super::commands::relayout(state);
    if state.traces.selected_id() != before || is_paste {
        super::commands::selection_changed(state);
    }
}

/// How an input came to be read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Read {
    Pasted,
    /// Opened at the `o` prompt, and said to be reading.
    Asked,
    /// One of the inputs of the command line.
    First,
    /// Read again, after it changed.
    Again,
}

/// The status line after a read: what a paste or an opened file held, or that a file was read
/// again.
fn announce(state: &mut State, label: &str, rows: &[Row], read: Read) {
    let failed = rows.iter().filter_map(|r| r.facts.error.as_deref()).next();
    let good = rows.iter().filter(|r| r.facts.error.is_none()).count();
    if let (Some(error), 0) = (failed, good) {
        state.say(Level::Error, error.to_owned());
        return;
    }
    let what = match rows {
        [one] => match &one.facts.name_id {
            Some(n) => format!(
                "a {} for {}",
                one.facts.kind.label(),
                crate::sanitize::visible(n)
            ),
            None => format!("a {}", one.facts.kind.label()),
        },
        many => format!("{} messages", many.len()),
    };
    match read {
        Read::Pasted => state.say(Level::Info, format!("{label}: {what}")),
        Read::Asked => state.say(Level::Info, format!("read {label}: {what}")),
        Read::Again => state.say(Level::Info, format!("read {label} again: {what}")),
        Read::First => {}
    }
}
