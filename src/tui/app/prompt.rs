//! Prompts on the status line: a one-line editor, what each kind of prompt does when accepted
//! (filter, search, open a file, paste, use an identity list, export), and the overwrite
//! question.
//!
//! Pure: accepting a prompt returns the effect to run. Filters and the XML search apply as
//! the user types, so the list answers every key.

use std::path::PathBuf;

use crate::scim;

use super::super::keys::Edit;
use super::commands::{self, Direction};
use super::{Effect, InputKind, Level, Mode, Overwrite, Payload, State, Topic, people};

/// What a prompt is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PromptKind {
    FilterTraces,
    FilterIdentities,
    SearchXml,
    Open,
    Paste,
    Identities,
    Export,
}

impl PromptKind {
    /// The words before the text.
    pub fn title(self) -> &'static str {
        match self {
            PromptKind::FilterTraces => "Filter messages (NameID, email, verdict): ",
            PromptKind::FilterIdentities => "Filter identities: ",
            PromptKind::SearchXml => "Search the XML: ",
            PromptKind::Open => "Open file: ",
            PromptKind::Paste => "Paste a SAML message: ",
            PromptKind::Identities => "Identity list (file or GitLab URL): ",
            PromptKind::Export => "Export the messages shown to: ",
        }
    }

    /// True for prompts whose text is a path that Tab completes.
    pub fn completes_paths(self) -> bool {
        matches!(
            self,
            PromptKind::Open | PromptKind::Identities | PromptKind::Export
        )
    }
}

/// An open prompt.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Prompt {
    pub kind: PromptKind,
    pub line: LineEdit,
    /// The text in force before the prompt opened, put back on cancel.
    pub before: String,
    /// File names Tab found, when more than one.
    pub candidates: Vec<String>,
    /// The text in force when the prompt opened empty, which ↑ puts back (the view offers it).
    pub recall: Option<String>,
}

/// A question that waits for y or n.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Confirm {
    Overwrite(PathBuf),
    /// `A` on the Fix tab: make these changes in this group, through this API (`scim`, `rest`)?
    ApplyFix {
        changes: usize,
        group: String,
        api: &'static str,
    },
}

/// A line of text and a cursor (a byte index at a character boundary).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct LineEdit {
    text: String,
    cursor: usize,
}

impl LineEdit {
    /// A line holding `text`, the cursor at its end.
    pub fn new(text: String) -> LineEdit {
        LineEdit {
            cursor: text.len(),
            text,
        }
    }

    pub fn text(&self) -> &str {
        &self.text
    }

    /// The cursor as a character count from the start.
    pub fn cursor_chars(&self) -> usize {
        self.text[..self.cursor].chars().count()
    }

    /// Types text; line breaks and other control characters are dropped (a pasted path or
    /// a wrapped base64 block becomes one line).
    pub fn insert_str(&mut self, s: &str) {
        let clean: String = s.chars().filter(|c| !c.is_control()).collect();
        self.text.insert_str(self.cursor, &clean);
        self.cursor += clean.len();
    }

    fn prev_boundary(&self) -> usize {
        self.text[..self.cursor]
            .char_indices()
            .next_back()
            .map_or(0, |(i, _)| i)
    }

    fn next_boundary(&self) -> usize {
        self.text[self.cursor..]
            .chars()
            .next()
            .map_or(self.cursor, |c| self.cursor + c.len_utf8())
    }

    /// Applies an editing key; returns false for keys that are not edits.
    pub fn apply(&mut self, e: Edit) -> bool {
        match e {
            Edit::Insert(c) => self.insert_str(c.encode_utf8(&mut [0; 4])),
            Edit::Backspace => {
                let from = self.prev_boundary();
                self.text.replace_range(from..self.cursor, "");
                self.cursor = from;
            }
            Edit::Delete => {
                let to = self.next_boundary();
                self.text.replace_range(self.cursor..to, "");
            }
            Edit::Left => self.cursor = self.prev_boundary(),
            Edit::Right => self.cursor = self.next_boundary(),
            Edit::Home => self.cursor = 0,
            Edit::End => self.cursor = self.text.len(),
            Edit::DeleteWord => {
                let head = self.text[..self.cursor].trim_end();
                let from = head.rfind(char::is_whitespace).map_or(0, |i| i + 1);
                self.text.replace_range(from..self.cursor, "");
                self.cursor = from;
            }
            Edit::Clear => *self = LineEdit::default(),
            Edit::Complete | Edit::Recall | Edit::Submit | Edit::Cancel => return false,
        }
        true
    }
}

/// Opens a prompt holding `text`.
pub(super) fn open(state: &mut State, kind: PromptKind, text: String) {
    state.mode = Mode::Prompt(Prompt {
        kind,
        before: text.clone(),
        line: LineEdit::new(text),
        candidates: Vec::new(),
        recall: None,
    });
}

/// Opens an empty prompt for a filter or the search now `in_force`: what is typed is a new
/// one, not more of the old (↑ recalls it, Esc keeps it).
pub(super) fn open_empty(state: &mut State, kind: PromptKind, in_force: String) {
    state.mode = Mode::Prompt(Prompt {
        kind,
        line: LineEdit::default(),
        recall: (!in_force.is_empty()).then(|| in_force.clone()),
        before: in_force,
        candidates: Vec::new(),
    });
}

pub(super) fn edit(state: &mut State, e: Edit) -> Option<Effect> {
    let Mode::Prompt(p) = &mut state.mode else {
        return None;
    };
    match e {
        Edit::Cancel => {
            let (kind, before) = (p.kind, p.before.clone());
            state.mode = Mode::Normal;
            apply_live(state, kind, &before);
            None
        }
        Edit::Submit => submit(state),
        Edit::Complete if p.kind.completes_paths() => Some(Effect::Complete(p.line.text.clone())),
        Edit::Complete => None,
        Edit::Recall => {
            p.line = LineEdit::new(p.recall.clone()?);
            after_typing(state)
        }
        other => {
            p.line.apply(other);
            p.candidates.clear();
            after_typing(state)
        }
    }
}

/// Filters and the search follow the text as it is typed.
pub(super) fn after_typing(state: &mut State) -> Option<Effect> {
    if let Mode::Prompt(p) = &state.mode {
        let (kind, text) = (p.kind, p.line.text.clone());
        apply_live(state, kind, &text);
    }
    None
}

fn apply_live(state: &mut State, kind: PromptKind, text: &str) {
    match kind {
        PromptKind::FilterTraces => {
            state.traces.filter = text.to_owned();
            state.traces.refilter();
            commands::relayout(state);
            commands::selection_changed(state);
        }
        PromptKind::FilterIdentities => {
            state.identities.filter = text.to_owned();
            state.identities.refilter();
            commands::relayout(state);
        }
        PromptKind::SearchXml => {
            let search = commands::find(state, text.to_owned());
            state.search = (!text.is_empty()).then_some(search);
            if text.is_empty() {
                state.unsay(Topic::Search);
            } else {
                state.scroll = 0;
                commands::jump(state, Direction::Forward);
            }
        }
        _ => {}
    }
}

fn submit(state: &mut State) -> Option<Effect> {
    let Mode::Prompt(p) = std::mem::replace(&mut state.mode, Mode::Normal) else {
        return None;
    };
    let text = p.line.text.trim().to_owned();
    match p.kind {
        PromptKind::FilterTraces | PromptKind::FilterIdentities | PromptKind::SearchXml => None,
        _ if text.is_empty() => None,
        PromptKind::Open => open_file(state, PathBuf::from(text)),
        PromptKind::Paste => super::paste_payload(state, p.line.text),
        PromptKind::Identities => use_identities(state, &text),
        PromptKind::Export => commands::export(state, PathBuf::from(text), Overwrite::Refuse),
    }
}

/// Reads a file named at the `o` prompt (again, when it is open already) and watches it.
fn open_file(state: &mut State, path: PathBuf) -> Option<Effect> {
    let known = state
        .inputs
        .iter()
        .find(|i| matches!(&i.kind, InputKind::File(p) if *p == path))
        .map(|i| i.id);
    let id = known.unwrap_or_else(|| state.add_input(InputKind::File(path.clone())));
    let decode = state.decode(id, Payload::File(path.clone()))?;
    state.say_about(
        Topic::Reading(id),
        Level::Info,
        format!("reading {}…", path.display()),
    );
    Some(Effect::Batch(vec![decode, Effect::Watch(path)]))
}

/// Uses the identity list named at the `i` prompt, in place of the current one.
fn use_identities(state: &mut State, text: &str) -> Option<Effect> {
    let source = match scim::Source::parse(text) {
        Ok(s) => s,
        Err(e) => {
            state.say(Level::Error, e.to_string());
            return None;
        }
    };
    let watch = match &source {
        scim::Source::File(p) => Some(Effect::Watch(p.clone())),
        scim::Source::Remote(_) => None,
    };
    state.identities.sources = vec![source];
    let load = people::reload(state)?;
    Some(Effect::Batch(watch.into_iter().chain([load]).collect()))
}

/// The answer to a question: `y` does it, anything else does not.
pub(super) fn confirm(state: &mut State, key: Option<Edit>) -> Option<Effect> {
    let Mode::Confirm(question) = std::mem::replace(&mut state.mode, Mode::Normal) else {
        return None;
    };
    let yes = matches!(key, Some(Edit::Insert('y' | 'Y')));
    match question {
        Confirm::Overwrite(path) if yes => commands::export(state, path, Overwrite::Allow),
        Confirm::Overwrite(path) => {
            state.say(Level::Info, format!("{} left as it was", path.display()));
            None
        }
        Confirm::ApplyFix { .. } => super::fix::confirmed(state, yes),
    }
}

/// File names that complete the prompt's text arrived.
pub(super) fn completed(state: &mut State, text: &str, candidates: Vec<String>) {
    let Mode::Prompt(p) = &mut state.mode else {
        return;
    };
    if p.line.text != text {
        return; // typed on meanwhile
    }
    match candidates.as_slice() {
        [] => {
            state.say(Level::Info, format!("no file name starts with {text}"));
        }
        [one] => p.line = LineEdit::new(one.clone()),
        many => {
            let common = common_prefix(many);
            if common.len() > text.len() {
                p.line = LineEdit::new(common);
            }
            p.candidates = candidates;
        }
    }
}

fn common_prefix(words: &[String]) -> String {
    let Some(first) = words.first() else {
        return String::new();
    };
    let mut end = first.len();
    for w in &words[1..] {
        end = first
            .char_indices()
            .zip(w.chars())
            .find(|((_, a), b)| a != b)
            .map_or(end.min(w.len()), |((i, _), _)| i)
            .min(end);
    }
    first[..end].to_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn line_edit_handles_multibyte_text() {
        let mut l = LineEdit::new("añb".into());
        l.apply(Edit::Left);
        l.apply(Edit::Backspace);
        assert_eq!(l.text(), "ab");
        assert_eq!(l.cursor_chars(), 1);
        l.apply(Edit::Insert('é'));
        assert_eq!(l.text(), "aéb");
        l.apply(Edit::Home);
        l.apply(Edit::Delete);
        assert_eq!(l.text(), "éb");
        l.apply(Edit::End);
        l.insert_str(" two\nwords\u{1b}");
        assert_eq!(l.text(), "éb twowords");
        l.apply(Edit::DeleteWord);
        assert_eq!(l.text(), "éb ");
        l.apply(Edit::Clear);
        assert_eq!(l.text(), "");
        l.apply(Edit::Backspace);
        l.apply(Edit::Left);
        assert_eq!(l.cursor_chars(), 0);
    }

    #[test]
    fn common_prefix_stops_at_the_first_difference() {
        let w = |v: &[&str]| v.iter().map(|s| s.to_string()).collect::<Vec<_>>();
        assert_eq!(
            common_prefix(&w(&["samples/a.xml", "samples/ab.xml"])),
            "samples/a"
        );
        assert_eq!(common_prefix(&w(&["x", "y"])), "");
        assert_eq!(common_prefix(&w(&["é1", "é2"])), "é");
    }
}
