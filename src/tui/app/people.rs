//! The identity list: where it comes from, how its loading goes, the filtered view of the
//! Identities tab, the marks of identities that messages point at, and verdicts arriving.
//!
//! Pure: loading and judging run on workers; this module asks for them and takes their results.
//! [`People::new`] (merging lists into one searchable list) is pure too and runs on the worker.

use std::collections::HashMap;
use std::sync::Arc;

use jiff::Timestamp;

use crate::compare::{self, FixApi, IdentityView, Index, ListProblem};
use crate::scim::{self, Identity, IdentityList, Progress};
use crate::trace::Trace;

use super::super::facts::Judgement;
use super::list::{Row, keep_visible, terms};
use super::{Effect, JudgeJob, Judged, Level, State, Tab};

/// One identity list, merged from every source, ready to search and compare with.
#[derive(Debug, Clone, Default)]
pub struct People {
    pub identities: Vec<Identity>,
    /// Lower-case external id, username, emails and name of each identity, for the filter.
    search: Vec<String>,
    /// Where fixes are sent.
    pub fix: FixApi,
    /// Duplicates and odd characters in the list itself.
    pub problems: Vec<ListProblem>,
    /// Skipped rows and notes of the sources.
    pub notes: Vec<String>,
    /// The sources' names.
    pub inputs: Vec<String>,
}

impl People {
    /// Merges the lists read from the sources (one person read from two lists is one record,
    /// as on the command line).
    pub fn new(lists: Vec<IdentityList>, fix: FixApi) -> People {
        let mut people = People {
            fix,
            ..People::default()
        };
        let mut partial = false;
        for list in &lists {
            for issue in &list.skipped {
                people
                    .notes
                    .push(format!("{} {issue} (row skipped)", list.input));
            }
            for note in &list.notes {
                people.notes.push(format!("{}: {note}", list.input));
            }
            partial |= list.partial;
            people.inputs.push(list.input.clone());
        }
        people.identities = scim::merge_lists(lists);
        scim::join_people(&mut people.identities);
        if !partial {
            people.problems = compare::list_problems(&people.identities);
        }
        people.search = people.identities.iter().map(search_key).collect();
        people
    }

    /// Where each identity sits in the list, by where it was read and its external id: how a
    /// verdict's identity is found again.
    pub fn rows(&self) -> HashMap<(&str, Option<&str>), u32> {
        self.identities
            .iter()
            .enumerate()
            .map(|(i, id)| {
                let row = u32::try_from(i).unwrap_or(u32::MAX);
                ((id.origin.as_str(), id.external_id.as_deref()), row)
            })
            .collect()
    }

    /// True when every term (lower-case) is in the identity's ids, emails or name.
    fn matches(&self, i: usize, terms: &[String]) -> bool {
        let key = self.search.get(i).map_or("", String::as_str);
        terms.iter().all(|t| key.contains(t.as_str()))
    }
}

fn search_key(i: &Identity) -> String {
    let mut key = String::new();
    let parts = i
        .external_id
        .iter()
        .chain(&i.user_name)
        .chain(&i.emails)
        .chain(&i.display_name);
    for p in parts {
        key.push_str(&p.to_lowercase());
        key.push('\n');
    }
    key
}

impl JudgeJob {
    /// The verdicts, with an index built for this job alone (the worker keeps one per list).
    pub fn run(&self) -> Vec<Judged> {
        let index = Index::new(&self.people.identities).with_fix_api(self.people.fix.clone());
        self.run_with(&index, &self.people.rows())
    }

    /// The verdicts against an index of this job's list and its [`People::rows`].
    pub fn run_with(
        &self,
        index: &Index<'_>,
        rows: &HashMap<(&str, Option<&str>), u32>,
    ) -> Vec<Judged> {
        self.traces
            .iter()
            .filter_map(|(id, t)| {
                let verdict = index.verdict(t.message.as_ref()?);
                let identity = find_row(rows, verdict.identity.as_ref());
                let ambiguous = match verdict.state {
                    compare::State::Ambiguous => verdict
                        .candidates
                        .iter()
                        .filter_map(|c| find_row(rows, Some(&c.identity)))
                        .collect(),
                    _ => Vec::new(),
                };
                Some(Judged {
                    trace: *id,
                    verdict,
                    identity,
                    ambiguous,
                })
            })
            .collect()
    }
}

/// The row of an identity a verdict names, by where it was read and its external id.
fn find_row(rows: &HashMap<(&str, Option<&str>), u32>, id: Option<&IdentityView>) -> Option<u32> {
    let id = id?;
    rows.get(&(id.origin.as_str(), id.external_id.as_deref()))
        .copied()
}

/// The most lines of problems and notes the Identities tab shows above the list.
pub const NOTE_LINES: usize = 3;

/// How reading the identity list goes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum IdentityLoad {
    /// No source was given.
    Absent,
    Loading {
        progress: Option<Progress>,
    },
    Ready,
    Failed(String),
}

/// The verdicts that point at one identity.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Mark {
    /// The most telling state among them: a problem wins over a match.
    pub state: compare::State,
    pub count: usize,
}

/// The identity list and its tab.
#[derive(Debug, Clone)]
pub struct Identities {
    pub sources: Vec<scim::Source>,
    pub load: IdentityLoad,
    /// The last list read; kept when a later read fails.
    pub people: Option<Arc<People>>,
    /// Why the last read failed, while `people` (and the verdicts) are from an earlier one:
    /// until a read succeeds, the verdicts are stale.
    pub stale: Option<String>,
    /// Counts reads, so that results of an older read are ignored.
    pub generation: u64,
    pub loaded_at: Option<Timestamp>,
    /// When the last read ended, whether it worked or not: `--refresh` counts from here.
    pub ended_at: Option<Timestamp>,
    pub filter: String,
    /// Indexes into the list that the filter lets through.
    pub visible: Vec<u32>,
    pub cursor: usize,
    pub offset: usize,
    pub marks: HashMap<u32, Mark>,
}

impl Identities {
    pub fn new(sources: Vec<scim::Source>) -> Identities {
        Identities {
            load: if sources.is_empty() {
                IdentityLoad::Absent
            } else {
                IdentityLoad::Loading { progress: None }
            },
            sources,
            people: None,
            stale: None,
            generation: 0,
            loaded_at: None,
            ended_at: None,
            filter: String::new(),
            visible: Vec::new(),
            cursor: 0,
            offset: 0,
            marks: HashMap::new(),
        }
    }

    /// Lines the Identities tab gives to problems and notes of the list: at most three.
    pub fn note_lines(&self) -> usize {
        self.people
            .as_ref()
            .map_or(0, |p| (p.problems.len() + p.notes.len()).min(NOTE_LINES))
    }

    /// The index in the list of the selected identity.
    pub fn selected(&self) -> Option<u32> {
        self.visible.get(self.cursor).copied()
    }

    pub fn selected_identity(&self) -> Option<&Identity> {
        let people = self.people.as_ref()?;
        people.identities.get(self.selected()? as usize)
    }

    /// Recomputes the filtered view, keeping the selected identity when it passes.
    pub fn refilter(&mut self) {
        let keep = self.selected();
        let Some(people) = &self.people else {
            self.visible.clear();
            return;
        };
        let terms = terms(&self.filter);
        let n = u32::try_from(people.identities.len()).unwrap_or(u32::MAX);
        self.visible = if terms.is_empty() {
            (0..n).collect()
        } else {
            (0..n)
                .filter(|i| people.matches(*i as usize, &terms))
                .collect()
        };
        if !keep.is_some_and(|i| self.select(i)) {
            self.cursor = self.cursor.min(self.visible.len().saturating_sub(1));
        }
    }

    /// Selects an identity when the filter shows it.
    pub fn select(&mut self, index: u32) -> bool {
        let found = self.visible.binary_search(&index).ok();
        if let Some(p) = found {
            self.cursor = p;
        }
        found.is_some()
    }

    pub fn move_to(&mut self, position: usize) {
        self.cursor = position.min(self.visible.len().saturating_sub(1));
    }

    pub fn keep_visible(&mut self, height: usize) {
        self.offset = keep_visible(self.cursor, self.offset, height, self.visible.len());
    }
}

/// The judgement a new message starts with.
pub(super) fn initial(ids: &Identities, trace: &Trace) -> Judgement {
    let names = trace
        .message
        .as_ref()
        .is_some_and(|m| m.kind.names_a_user());
    if !names {
        Judgement::NotApplicable
    } else if ids.people.is_some() || matches!(ids.load, IdentityLoad::Loading { .. }) {
        Judgement::Waiting
    } else {
        Judgement::NoList
    }
}

/// `--refresh`: the last read ended that long ago, and none is under way.
pub(super) fn refresh_due(state: &State) -> bool {
    let (Some(every), Some(ended)) = (state.config.refresh, state.identities.ended_at) else {
        return false;
    };
    let idle = !matches!(state.identities.load, IdentityLoad::Loading { .. });
    let waited = state.now.duration_since(ended).as_secs_f64() >= every.as_secs_f64();
    idle && waited && !state.identities.sources.is_empty()
}

/// Reads the identity sources again on a worker.
pub(super) fn reload(state: &mut State) -> Option<Effect> {
    let ids = &mut state.identities;
    if ids.sources.is_empty() {
        return None;
    }
    ids.generation += 1;
    ids.load = IdentityLoad::Loading { progress: None };
    Some(Effect::LoadIdentities {
        generation: ids.generation,
        sources: ids.sources.clone(),
        format: state.config.identity_format,
        fix: state.config.fix.clone(),
    })
}

pub(super) fn progress(state: &mut State, generation: u64, progress: Progress) {
    let ids = &mut state.identities;
    if generation == ids.generation && matches!(ids.load, IdentityLoad::Loading { .. }) {
        ids.load = IdentityLoad::Loading {
            progress: Some(progress),
        };
    }
}

/// A read of the identity list ended: keep it and judge every message against it.
pub(super) fn loaded(
    state: &mut State,
    generation: u64,
    result: Result<Arc<People>, String>,
) -> Option<Effect> {
    if generation != state.identities.generation {
        return None;
    }
    state.identities.ended_at = Some(state.now);
    match result {
        Ok(people) => {
            let notes = people.notes.len() + people.problems.len();
            let text = format!(
                "read {} identities from {}{}",
                people.identities.len(),
                people.inputs.join(", "),
                match notes {
                    0 => String::new(),
                    n => format!(" · {n} problems or notes (tab 6)"),
                }
            );
            let ids = &mut state.identities;
            ids.people = Some(people);
            ids.stale = None;
            ids.load = IdentityLoad::Ready;
            ids.loaded_at = Some(state.now);
            ids.refilter();
            state.say(if notes > 0 { Level::Warn } else { Level::Info }, text);
            super::commands::relayout(state);
            judge(state, |_| true)
        }
        Err(message) => {
            let ids = &mut state.identities;
            ids.load = IdentityLoad::Failed(message.clone());
            if ids.people.is_some() {
                ids.stale = Some(message.clone());
            }
            state.say(Level::Error, message);
            if state.identities.people.is_none() {
                for row in &mut state.traces.rows {
                    if row.judgement == Judgement::Waiting {
                        row.judgement = Judgement::NoList;
                    }
                }
            }
            None
        }
    }
}

/// Asks a worker for the verdicts of these messages against the current list.
pub(super) fn judge(state: &mut State, which: impl Fn(&Row) -> bool) -> Option<Effect> {
    let people = state.identities.people.clone()?;
    let mut traces = Vec::new();
    for row in &mut state.traces.rows {
        if which(row) && row.names_a_user() {
            if row.judgement == Judgement::NoList {
                row.judgement = Judgement::Waiting;
            }
            traces.push((row.id, Arc::clone(&row.trace)));
        }
    }
    (!traces.is_empty()).then_some(Effect::Judge(JudgeJob {
        generation: state.identities.generation,
        people,
        traces,
    }))
}

/// Verdicts arrived: store them, mark the identities they point at.
pub(super) fn judged(state: &mut State, generation: u64, verdicts: Vec<Judged>) {
    if generation != state.identities.generation {
        return;
    }
    let at = state.traces.positions();
    for j in verdicts {
        if let Some(row) = at.get(&j.trace).and_then(|i| state.traces.rows.get_mut(*i)) {
            row.judgement = Judgement::Done {
                verdict: Box::new(j.verdict),
                identity: j.identity,
                ambiguous: j.ambiguous,
            };
        }
    }
    remark(state);
    if !state.traces.filter.is_empty() {
        state.traces.refilter();
        super::commands::relayout(state);
    }
    follow(state);
}

/// Recomputes which identities messages point at: the one a verdict is about, and each of
/// those an ambiguous verdict could be about.
fn remark(state: &mut State) {
    let mut marks: HashMap<u32, Mark> = HashMap::new();
    for row in &state.traces.rows {
        let Judgement::Done {
            verdict,
            identity,
            ambiguous,
        } = &row.judgement
        else {
            continue;
        };
        for i in identity.iter().chain(ambiguous) {
            let mark = marks.entry(*i).or_insert(Mark {
                state: verdict.state,
                count: 0,
            });
            mark.count += 1;
            if verdict.state.is_problem() {
                mark.state = verdict.state;
            }
        }
    }
    state.identities.marks = marks;
}

/// With the list focused on the Identities tab, the identity of the selected message is
/// selected too, so that moving through messages shows who each names.
pub(super) fn follow(state: &mut State) {
    if state.tab != Tab::Identities || state.focus != super::Focus::List {
        return;
    }
    let target = match state.selected().map(|r| &r.judgement) {
        Some(Judgement::Done {
            identity,
            ambiguous,
            ..
        }) => match identity.or(ambiguous.first().copied()) {
            Some(i) => i,
            None => return,
        },
        _ => return,
    };
    let height = state.identity_rows();
    let ids = &mut state.identities;
    if ids.select(target) {
        ids.keep_visible(height);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn identity(ext: &str, email: &str) -> Identity {
        Identity {
            external_id: Some(ext.into()),
            emails: vec![email.into()],
            ..Identity::default()
        }
    }

    #[test]
    fn people_merge_lists_and_search_case_insensitively() {
        let list = |input: &str, ids: Vec<Identity>| IdentityList {
            input: input.into(),
            identities: ids,
            ..IdentityList::default()
        };
        let people = People::new(
            vec![
                list("a.csv", vec![identity("JSmith", "j@x.com")]),
                list("b.csv", vec![identity("jsmith", "js@x.com")]),
            ],
            FixApi::default(),
        );
        assert_eq!(people.identities.len(), 2);
        assert_eq!(people.inputs, ["a.csv", "b.csv"]);
        assert_eq!(people.problems.len(), 1, "case duplicate");
        assert!(people.matches(0, &terms("jsmith J@X")));
        assert!(!people.matches(0, &terms("js@x")));
    }
}
