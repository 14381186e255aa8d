//! The TUI's pure core: one [`State`] of plain data, the [`Action`]s that change it (key
//! intents, and the results of background work), and [`update`], the only function that
//! mutates it, which answers with the [`Effect`] the shell should run.
//!
//! `update` never does I/O, never decodes, never reads the clock: files are read and payloads
//! decoded by workers that send back `Action::Decoded`; time arrives in `Action::Tick`. All the
//! work that depends on the data (filtered indexes, verdicts, identity marks, scroll offsets) is
//! done here or by workers, so that `render` only reads.

mod audit;
mod commands;
mod fix;
mod list;
mod people;
mod prompt;
#[cfg(test)]
mod tests;

use std::path::PathBuf;
use std::sync::Arc;

use jiff::Timestamp;
use ratatui::crossterm::event::KeyEvent;
use ratatui::layout::Size;

use crate::checks::Context;
use crate::compare::{FixApi, Verdict};
use crate::scim::{self, Progress};
use crate::trace::Trace;

use super::keys::{self, Command, Edit};
use super::layout::tabs::{Selected, Shown};
use super::layout::{Areas, status};

pub use super::facts::{Decoded, Judgement, verdict_word};
pub use super::tab::Tab;
pub use fix::{Fix, FixEvent, Run, Scope};
pub use list::{Pick, Row, TraceId, Traces};
pub use people::{Identities, IdentityLoad, Mark, NOTE_LINES, People};
pub use prompt::{Confirm, LineEdit, Prompt, PromptKind};

/// Which pane the movement keys act on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Focus {
    List,
    Details,
}

/// What the screen is doing besides showing the data.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Mode {
    Normal,
    Help { scroll: usize },
    Prompt(Prompt),
    Confirm(Confirm),
}

/// Whether the program goes on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Phase {
    Running,
    Done,
    /// Ended by a signal (its name): the process exits as signalled processes do (128 + N).
    Signalled(&'static str),
}

/// When messages are judged: a fixed `--at`, or the time each was loaded.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Evaluation {
    At(Timestamp),
    WhenLoaded,
}

/// How much a status message matters.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Level {
    Info,
    Warn,
    Error,
}

/// The status line's message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Status {
    pub level: Level,
    pub text: String,
    pub since: Timestamp,
    pub topic: Topic,
}

/// What a status message is about, so that it goes as soon as it stops being true.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Topic {
    /// True until something else is said (or, for information, until it fades).
    General,
    /// `reading x…`: until that input has been read.
    Reading(InputId),
    /// The XML search (`match 2 of 5`, not found): while the XML tab shows that message.
    Search,
}

/// Seconds an information message stays on the status line; warnings and errors stay until
/// replaced.
const INFO_SECONDS: i64 = 6;

/// The session's settings, from the command line.
#[derive(Debug, Clone)]
pub struct Config {
    pub evaluation: Evaluation,
    /// The checks' context; its time is replaced by each message's evaluation time.
    pub context: Context,
    /// Where a fix is sent when the identity list does not say (from `--gitlab-group`).
    pub fix: Option<FixApi>,
    /// The files to read first.
    pub inputs: Vec<PathBuf>,
    /// Where identities come from.
    pub identity_sources: Vec<scim::Source>,
    pub identity_format: scim::Format,
    /// The file `e` offers to write.
    pub export_path: String,
    /// `--listen ADDR`: the URL a local service provider receives messages on.
    pub listen: Option<String>,
    /// `--scim-log FILE`s, and the SCIM requests read from them, for the Audit tab.
    pub scim_logs: Vec<String>,
    pub scim_requests: Arc<Vec<crate::scim::log::ScimRequest>>,
    /// `--refresh SECS`: read the identity sources again this long after the last read ended
    /// (it worked or not), so verdicts follow a list that changes.
    pub refresh: Option<std::time::Duration>,
}

impl Config {
    pub fn new(context: Context) -> Config {
        Config {
            evaluation: Evaluation::At(context.at),
            context,
            fix: None,
            inputs: Vec::new(),
            identity_sources: Vec::new(),
            identity_format: scim::Format::Auto,
            export_path: "samltrace-export.json".into(),
            refresh: None,
            listen: None,
            scim_logs: Vec::new(),
            scim_requests: Arc::default(),
        }
    }
}

/// One input's id: stable for the session.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct InputId(pub u32);

/// Where traces come from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum InputKind {
    File(PathBuf),
    Paste(u32),
    /// A request `--listen` received (`listen:N`).
    Live(usize),
}

/// How an input's last read went.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Load {
    Loading,
    Loaded,
    Failed(String),
}

/// A file or a paste, and how its last read went.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Input {
    pub id: InputId,
    pub kind: InputKind,
    pub load: Load,
}

impl Input {
    /// `samples/x.xml`, `paste 2`.
    pub fn label(&self) -> String {
        match &self.kind {
            InputKind::File(p) => p.display().to_string(),
            InputKind::Paste(n) => format!("paste {n}"),
            InputKind::Live(n) => format!("listen:{n}"),
        }
    }

    /// The file name alone, for the list's narrow source column.
    pub fn short(&self) -> String {
        match &self.kind {
            InputKind::File(p) => p
                .file_name()
                .map_or_else(|| p.display().to_string(), |n| n.to_string_lossy().into()),
            InputKind::Paste(n) => format!("paste {n}"),
            InputKind::Live(n) => format!("listen:{n}"),
        }
    }
}

/// The whole state of the TUI: plain data, changed only by [`update`].
#[derive(Debug, Clone)]
pub struct State {
    pub config: Config,
    /// The time of the last tick.
    pub now: Timestamp,
    pub size: Size,
    pub inputs: Vec<Input>,
    pub traces: Traces,
    pub identities: Identities,
    pub tab: Tab,
    pub focus: Focus,
    /// The first line shown of the selected tab.
    pub scroll: usize,
    /// The XML search: the query and the lines of the selected message that hold it.
    pub search: Option<Search>,
    pub mode: Mode,
    pub status: Option<Status>,
    pub phase: Phase,
    next_input: u32,
    pastes: u32,
    /// Requests `--listen` received (and AuthnRequests it sent).
    pub received: usize,
    /// The Fix tab's plan and its last run.
    pub fix: Fix,
    /// The Audit tab's rows.
    pub audit: audit::AuditView,
}

/// A search in the XML of the selected message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Search {
    pub query: String,
    /// Indexes of the XML lines that hold the query (case-insensitively).
    pub lines: Vec<usize>,
    /// Which of them was jumped to last.
    pub current: Option<usize>,
}

/// A payload for a worker to decode.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Payload {
    File(PathBuf),
    Text(String),
}

/// Whether an export may replace an existing file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Overwrite {
    Refuse,
    Allow,
}

/// Verdicts to work out on a worker: every trace against one identity list.
#[derive(Debug, Clone)]
pub struct JudgeJob {
    pub generation: u64,
    pub people: Arc<People>,
    pub traces: Vec<(TraceId, Arc<Trace>)>,
}

/// What the shell should do after an update: I/O and slow work, run off the UI thread.
#[derive(Debug, Clone)]
pub enum Effect {
    Batch(Vec<Effect>),
    /// Read (for a file) and decode, check and describe every payload; answers `Decoded`.
    Decode {
        input: InputId,
        payload: Payload,
        /// How the list names the input.
        source: String,
        context: Box<Context>,
        /// True when `--at` fixed the time: a capture's messages are then not judged at their
        /// entries' times.
        fixed_time: bool,
    },
    /// Report changes of this file as `FileChanged`.
    Watch(PathBuf),
    /// Read every identity source; answers `IdentityProgress` and `IdentitiesLoaded`.
    LoadIdentities {
        generation: u64,
        sources: Vec<scim::Source>,
        format: scim::Format,
        fix: Option<FixApi>,
    },
    /// Answers `Judged`.
    Judge(JudgeJob),
    /// Write the traces as `samltrace/v1` JSON; answers `Exported`.
    Export {
        path: PathBuf,
        traces: Vec<(Arc<Trace>, Option<Verdict>)>,
        overwrite: Overwrite,
    },
    /// Put text on the terminal's clipboard (OSC 52).
    Copy(String),
    /// List the files that complete a path; answers `Completed`.
    Complete(String),
    /// Make the Fix tab's changes through GitLab's API, one after the other, stopping at the
    /// first failure; answers `Fixing` for the log, each change and the end.
    ApplyFix {
        work: Vec<(FixApi, crate::repair::Change)>,
    },
}

/// The verdict for one trace, and the index of the identity it is about (or, when it is
/// ambiguous, of those it could be about).
#[derive(Debug, Clone)]
pub struct Judged {
    pub trace: TraceId,
    pub verdict: Verdict,
    pub identity: Option<u32>,
    pub ambiguous: Vec<u32>,
}

/// Why an export did not happen.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ExportError {
    Exists,
    Failed(String),
}

/// Everything that can change the state: keys and pastes, ticks and resizes, and the results
/// of effects.
#[derive(Debug, Clone)]
pub enum Action {
    /// The first action: reads the inputs and identities of the configuration.
    Start,
    Tick(Timestamp),
    Resize(Size),
    Key(KeyEvent),
    /// Keys that arrived together (in one read of the terminal, or within a few milliseconds):
    /// a paste when they are text (`keys::pasted_text`), else each a key.
    Keys(Vec<KeyEvent>),
    Paste(String),
    Command(Command),
    Edit(Edit),
    Decoded {
        input: InputId,
        result: Result<Vec<Decoded>, String>,
    },
    /// `--listen` received a request (or sent an AuthnRequest from `/login`): its messages,
    /// judged and described off the loop, as a decode's are.
    Heard {
        number: usize,
        rows: Vec<Decoded>,
    },
    FileChanged(PathBuf),
    IdentityProgress {
        generation: u64,
        progress: Progress,
    },
    IdentitiesLoaded {
        generation: u64,
        result: Result<Arc<People>, String>,
    },
    Judged {
        generation: u64,
        verdicts: Vec<Judged>,
    },
    Exported {
        path: PathBuf,
        result: Result<usize, ExportError>,
    },
    Completed {
        text: String,
        candidates: Vec<String>,
    },
    /// The run of the Fix tab's plan: its log, each change's outcome, its end.
    Fixing(FixEvent),
    /// Something the shell wants said on the status line.
    Notice(Level, String),
    /// SIGINT, SIGTERM or SIGHUP: leave cleanly.
    Signal(&'static str),
}

impl State {
    pub fn new(config: Config) -> State {
        let identities = Identities::new(config.identity_sources.clone());
        State {
            config,
            now: Timestamp::UNIX_EPOCH,
            size: Size::new(80, 24),
            inputs: Vec::new(),
            traces: Traces::default(),
            identities,
            tab: Tab::Summary,
            focus: Focus::List,
            scroll: 0,
            search: None,
            mode: Mode::Normal,
            status: None,
            phase: Phase::Running,
            next_input: 0,
            pastes: 0,
            received: 0,
            fix: Fix::default(),
            audit: audit::AuditView::default(),
        }
    }

    /// The screen's areas for the current size, list and status line.
    pub fn areas(&self) -> Areas {
        Areas::new(self.size, self.traces.visible.len(), self.status_rows())
    }

    /// Rows of the status line: a prompt or a question takes one, a message as many as it
    /// needs to be read whole.
    pub fn status_rows(&self) -> usize {
        match (&self.mode, &self.status) {
            (Mode::Prompt(_) | Mode::Confirm(_), _) | (_, None) => 1,
            (_, Some(s)) => status::rows(&s.text, self.size),
        }
    }

    /// How many identities the Identities tab shows at once.
    pub fn identity_rows(&self) -> usize {
        self.areas().identity_rows(self.identities.note_lines())
    }

    /// What the detail tabs show, borrowed: the one input of their lines, which the view
    /// draws and `update` counts.
    pub fn shown(&self) -> Shown<'_> {
        Shown {
            tab: self.tab,
            selected: self.selected().map(|row| Selected {
                trace: &row.trace,
                facts: &row.facts,
                judgement: &row.judgement,
            }),
            query: self.search.as_ref().map(|s| s.query.as_str()),
            list_error: match &self.identities.load {
                IdentityLoad::Failed(e) => Some(e.as_str()),
                _ => None,
            },
            stale: self.identities.stale.as_deref(),
            no_messages: self.traces.rows.is_empty(),
            context: &self.config.context,
            fix: super::layout::fix::FixShown {
                scope: self.fix.scope,
                messages: match self.fix.scope {
                    Scope::Selected => usize::from(self.selected().is_some()),
                    Scope::All => self.traces.rows.len(),
                },
                verdict: match self.selected().map(|r| &r.judgement) {
                    Some(Judgement::Done { verdict, .. }) if self.fix.scope == Scope::Selected => {
                        Some(verdict_word(verdict.state))
                    }
                    _ => None,
                },
                plan: self.fix.plan.as_ref(),
                run: self.fix.run.as_ref(),
            },
            audit: super::layout::audit::AuditShown {
                audit: self.audit.audit.as_ref(),
                logs: &self.config.scim_logs,
                requests: self.config.scim_requests.len(),
                has_list: self.identities.people.is_some(),
            },
        }
    }

    pub fn input(&self, id: InputId) -> Option<&Input> {
        self.inputs.iter().find(|i| i.id == id)
    }

    /// The row of the selected message.
    pub fn selected(&self) -> Option<&Row> {
        self.traces.selected()
    }

    fn say(&mut self, level: Level, text: impl Into<String>) {
        self.say_about(Topic::General, level, text);
    }

    fn say_about(&mut self, topic: Topic, level: Level, text: impl Into<String>) {
        self.status = Some(Status {
            level,
            text: text.into(),
            since: self.now,
            topic,
        });
    }

    /// Takes the status message away if it is about `topic`; true if it was.
    fn unsay(&mut self, topic: Topic) -> bool {
        let about = self.status.as_ref().is_some_and(|s| s.topic == topic);
        if about {
            self.status = None;
        }
        about
    }

    /// The checks' context for a message loaded now.
    fn context(&self) -> Context {
        let mut ctx = self.config.context.clone();
        ctx.at = match self.config.evaluation {
            Evaluation::At(at) => at,
            Evaluation::WhenLoaded => self.now,
        };
        ctx
    }

    fn add_input(&mut self, kind: InputKind) -> InputId {
        let id = InputId(self.next_input);
        self.next_input += 1;
        self.inputs.push(Input {
            id,
            kind,
            load: Load::Loading,
        });
        id
    }

    /// Reads or re-reads an input on a worker.
    fn decode(&self, id: InputId, payload: Payload) -> Option<Effect> {
        let input = self.input(id)?;
        Some(Effect::Decode {
            input: id,
            payload,
            source: input.short(),
            context: Box::new(self.context()),
            fixed_time: matches!(self.config.evaluation, Evaluation::At(_)),
        })
    }
}

/// Applies one action: the only place the state changes. Returns the effect to run, if any.
pub fn update(state: &mut State, action: Action) -> Option<Effect> {
    let status_rows = state.status_rows();
    let effect = apply(state, action);
    fix::replan(state);
    audit::reaudit(state);
    if state.status_rows() != status_rows {
        // A message of several rows takes them from the details and the list, and gives
        // them back when it goes.
        commands::relayout(state);
    }
    effect
}

fn apply(state: &mut State, action: Action) -> Option<Effect> {
    match action {
        Action::Start => start(state),
        Action::Tick(now) => tick(state, now),
        Action::Resize(size) => {
            state.size = size;
            commands::relayout(state);
            None
        }
        Action::Key(key) => on_key(state, &key),
        Action::Keys(keys) => on_keys(state, &keys),
        Action::Paste(text) => paste(state, text),
        Action::Command(c) => commands::command(state, c),
        Action::Edit(e) => prompt::edit(state, e),
        Action::Decoded { input, result } => list::decoded(state, input, result),
        Action::Heard { number, rows } => {
            state.received += 1;
            let id = state.add_input(InputKind::Live(number));
            list::decoded(state, id, Ok(rows))
        }
        Action::FileChanged(path) => file_changed(state, &path),
        Action::IdentityProgress {
            generation,
            progress,
        } => {
            people::progress(state, generation, progress);
            None
        }
        Action::IdentitiesLoaded { generation, result } => {
            people::loaded(state, generation, result)
        }
        Action::Judged {
            generation,
            verdicts,
        } => {
            people::judged(state, generation, verdicts);
            // New verdicts: the Fix and Audit tabs are made again from them.
            state.fix.forget();
            state.audit.forget();
            None
        }
        Action::Exported { path, result } => commands::exported(state, path, result),
        Action::Completed { text, candidates } => {
            prompt::completed(state, &text, candidates);
            None
        }
        Action::Fixing(event) => fix::event(state, event),
        Action::Notice(level, text) => {
            state.say(level, text);
            None
        }
        Action::Signal(name) => {
            state.phase = Phase::Signalled(name);
            None
        }
    }
}

/// Reads the configured inputs and identity lists, and watches the files.
fn start(state: &mut State) -> Option<Effect> {
    let mut effects = Vec::new();
    for path in state.config.inputs.clone() {
        let id = state.add_input(InputKind::File(path.clone()));
        effects.extend(state.decode(id, Payload::File(path.clone())));
        effects.push(Effect::Watch(path));
    }
    for source in &state.config.identity_sources {
        if let scim::Source::File(path) = source {
            effects.push(Effect::Watch(path.clone()));
        }
    }
    effects.extend(people::reload(state));
    Some(Effect::Batch(effects))
}

fn tick(state: &mut State, now: Timestamp) -> Option<Effect> {
    state.now = now;
    let stale = state.status.as_ref().is_some_and(|s| {
        s.level == Level::Info && now.duration_since(s.since).as_secs() >= INFO_SECONDS
    });
    if stale {
        state.status = None;
    }
    people::refresh_due(state)
        .then(|| people::reload(state))
        .flatten()
}

fn on_key(state: &mut State, key: &KeyEvent) -> Option<Effect> {
    match &state.mode {
        Mode::Normal => keys::command(key).and_then(|c| commands::command(state, c)),
        Mode::Prompt(_) => keys::edit(key).and_then(|e| prompt::edit(state, e)),
        Mode::Help { .. } => {
            commands::help_key(state, keys::command(key));
            None
        }
        Mode::Confirm(_) => prompt::confirm(state, keys::edit(key)),
    }
}

/// Keys that arrived together: a paste without brackets (so that a `q` or `d` in a payload
/// neither quits nor deletes), or keys pressed quickly, each a command.
fn on_keys(state: &mut State, keys: &[KeyEvent]) -> Option<Effect> {
    if let Some(text) = keys::pasted_text(keys) {
        return paste(state, text);
    }
    let mut effects = Vec::new();
    for key in keys {
        if state.phase != Phase::Running {
            break;
        }
        effects.extend(on_key(state, key));
    }
    match effects.len() {
        0 => None,
        1 => effects.pop(),
        _ => Some(Effect::Batch(effects)),
    }
}

/// A paste (bracketed, or keys that arrived together): typed into an open prompt, else
/// decoded as a new message.
fn paste(state: &mut State, text: String) -> Option<Effect> {
    if let Mode::Prompt(p) = &mut state.mode {
        p.line.insert_str(&text);
        return prompt::after_typing(state);
    }
    if text.trim().is_empty() {
        return None;
    }
    state.mode = Mode::Normal;
    paste_payload(state, text)
}

/// Decodes pasted text as a new input.
fn paste_payload(state: &mut State, text: String) -> Option<Effect> {
    state.pastes += 1;
    let id = state.add_input(InputKind::Paste(state.pastes));
    state.decode(id, Payload::Text(text))
}

/// A watched file changed: read it again, as a message file or as an identity list.
fn file_changed(state: &mut State, path: &std::path::Path) -> Option<Effect> {
    let mut effects = Vec::new();
    let ids: Vec<InputId> = state
        .inputs
        .iter()
        .filter(|i| matches!(&i.kind, InputKind::File(p) if p == path))
        .map(|i| i.id)
        .collect();
    for id in ids {
        effects.extend(state.decode(id, Payload::File(path.to_owned())));
    }
    let identity_file = state
        .identities
        .sources
        .iter()
        .any(|s| matches!(s, scim::Source::File(p) if p == path));
    if identity_file {
        effects.extend(people::reload(state));
    }
    (!effects.is_empty()).then_some(Effect::Batch(effects))
}
