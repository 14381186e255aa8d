//! The shell's workers: they run the [`Effect`]s that `update` asks for, off the UI thread, and
//! send their results back as [`Action`]s over the channel.
//!
//! Here is the TUI's I/O besides the terminal: reading and decoding files and pastes, reading
//! identity lists (files, or GitLab's API with progress), working out verdicts (one long-lived
//! thread that keeps the index of the current list), making the Fix tab's changes (with their
//! audit log), writing exports, listing files for path completion, and watching files. Nothing here touches the state; a worker that fails sends
//! the failure as an action, never panics the UI.

use std::collections::{HashMap, HashSet};
use std::io::{self, Write};
use std::path::{Path, PathBuf};
use std::sync::mpsc::{Receiver, Sender, channel};
use std::sync::{Arc, Mutex};
use std::thread;
use std::time::Duration;

use base64::Engine;
use jiff::Timestamp;
use notify::event::{AccessKind, AccessMode, EventKind};
use notify::{EventHandler, RecursiveMode, Watcher, WatcherKind};
use notify_debouncer_mini::{DebounceEventResult, Debouncer, new_debouncer_opt};

use crate::compare::{FixApi, Index, Verdict};
use crate::dsig::Keys;
use crate::input::Origin;
use crate::pipeline::{self, Config, Event, Flow, Notice, Pipeline, SourceError};
use crate::report;
use crate::scim::{self, Client, ClientConfig, IdentityList, Source, Token};
use crate::trace::Trace;

use super::app::{
    Action, Effect, ExportError, FixEvent, InputId, JudgeJob, Level, Overwrite, Payload, People,
};
use super::facts;

/// Where the token for GitLab URLs comes from.
#[derive(Debug, Clone, Default)]
pub struct Remote {
    pub token_file: Option<PathBuf>,
    pub saml_identities: bool,
    /// `--timeout`; `None` for the client's default.
    pub timeout: Option<std::time::Duration>,
}

/// Runs effects: spawns a thread per slow job, keeps the judging thread and the watcher.
pub struct Workers {
    tx: Sender<Action>,
    judge: Sender<JudgeJob>,
    watch: Option<Watch>,
    remote: Remote,
    /// The keys every input is decoded with.
    keys: Arc<Keys>,
}

impl Workers {
    pub fn start(tx: Sender<Action>, remote: Remote, keys: Arc<Keys>) -> Workers {
        let (judge, jobs) = channel();
        let back = tx.clone();
        thread::spawn(move || judge_loop(&jobs, &back));
        let watch = match Watch::new(tx.clone()) {
            Ok(w) => Some(w),
            Err(e) => {
                let _ = tx.send(Action::Notice(
                    Level::Warn,
                    format!("files will not be read again when they change: {e}"),
                ));
                None
            }
        };
        Workers {
            tx,
            judge,
            watch,
            remote,
            keys,
        }
    }

    /// Runs one effect. Copying writes to `out` (the terminal) at once; the rest runs on other
    /// threads.
    pub fn run(&mut self, effect: Effect, out: &mut impl Write) {
        match effect {
            Effect::Batch(all) => {
                for e in all {
                    self.run(e, out);
                }
            }
            Effect::Decode {
                input,
                payload,
                source,
                context,
                fixed_time,
            } => {
                let mut config = Config::new(*context).with_keys(Arc::clone(&self.keys));
                config.fixed_time = fixed_time;
                self.spawn(move || decode_action(input, &payload, &source, &config))
            }
            Effect::Watch(path) => self.watch(&path),
            Effect::LoadIdentities {
                generation,
                sources,
                format,
                fix,
            } => {
                let (tx, remote) = (self.tx.clone(), self.remote.clone());
                self.spawn(move || {
                    let result = load_people(&tx, generation, &sources, format, fix, &remote);
                    Action::IdentitiesLoaded {
                        generation,
                        result: result.map(Arc::new),
                    }
                });
            }
            Effect::Judge(job) => {
                let _ = self.judge.send(job);
            }
            Effect::Export {
                path,
                traces,
                overwrite,
            } => self.spawn(move || export(path, &traces, overwrite)),
            Effect::Copy(text) => {
                if let Err(e) = out
                    .write_all(osc52(&text).as_bytes())
                    .and_then(|()| out.flush())
                {
                    let _ = self
                        .tx
                        .send(Action::Notice(Level::Error, format!("could not copy: {e}")));
                }
            }
            Effect::ApplyFix { work } => {
                let tx = self.tx.clone();
                let remote = self.remote.clone();
                thread::spawn(move || apply_fix(&tx, &work, &remote));
            }
            Effect::Complete(text) => self.spawn(move || Action::Completed {
                candidates: complete(&text),
                text,
            }),
        }
    }

    fn spawn(&self, job: impl FnOnce() -> Action + Send + 'static) {
        let tx = self.tx.clone();
        thread::spawn(move || {
            let _ = tx.send(job());
        });
    }

    fn watch(&mut self, path: &Path) {
        let Some(w) = &mut self.watch else { return };
        if let Err(e) = w.add(path) {
            let _ = self.tx.send(Action::Notice(
                Level::Warn,
                format!("{}: changes will not be seen: {e}", path.display()),
            ));
        }
    }
}

/// The OSC 52 sequence that puts `text` on the clipboard of the terminal (over SSH and in tmux
/// with `set-clipboard on` too).
pub fn osc52(text: &str) -> String {
    let b64 = base64::engine::general_purpose::STANDARD.encode(text);
    format!("\u{1b}]52;c;{b64}\u{7}")
}

/// Decodes one input through the pipeline (a file is streamed, so a large capture costs what
/// its messages take, not its size), and works out the facts of every message. A part of a
/// capture that could not be read becomes a row that says so.
pub(super) fn decode_action(
    input: InputId,
    payload: &Payload,
    source: &str,
    config: &Config,
) -> Action {
    let pipeline = Pipeline::new(config.clone());
    let source_of = match payload {
        Payload::File(path) => pipeline::Source::Path { path, name: None },
        Payload::Text(text) => pipeline::Source::Bytes {
            name: source,
            bytes: text.as_bytes(),
        },
    };
    let mut traces = Vec::new();
    let summary = pipeline.run(source_of, &mut |event| {
        match event {
            Event::Trace(t) => traces.push(*t),
            Event::Notice(n) if n.level == pipeline::Level::Warning => traces.push(warning_row(&n)),
            Event::Notice(_) => {}
        }
        Flow::Continue
    });
    let result = match summary {
        Err(e @ SourceError::Read { .. }) => Err(e.to_string()),
        Err(e) => {
            traces.push(e.trace());
            Ok(facts::rows(traces, source, &config.context))
        }
        Ok(_) => Ok(facts::rows(traces, source, &config.context)),
    };
    Action::Decoded { input, result }
}

/// A warning about part of a capture, as a row of the list.
fn warning_row(n: &Notice) -> Trace {
    let origin = Origin {
        input: n.input.clone(),
        har_entry: n.entry,
        ..Origin::default()
    };
    let offset = n.offset.and_then(|o| usize::try_from(o).ok());
    Trace::unreadable(origin, n.message.clone(), offset)
}

/// Reads every identity source and merges them.
fn load_people(
    tx: &Sender<Action>,
    generation: u64,
    sources: &[Source],
    format: scim::Format,
    fallback: Option<FixApi>,
    remote: &Remote,
) -> Result<People, String> {
    let mut lists: Vec<IdentityList> = Vec::new();
    let mut fix = None;
    for source in sources {
        let list = match source {
            Source::File(path) => scim::load_file(path, format).map_err(|e| e.to_string())?,
            Source::Remote(r) => {
                fix.get_or_insert_with(|| FixApi::from_remote(r));
                fetch(tx, generation, r, remote)?
            }
        };
        lists.push(list);
    }
    Ok(People::new(lists, fix.or(fallback).unwrap_or_default()))
}

fn fetch(
    tx: &Sender<Action>,
    generation: u64,
    r: &scim::Remote,
    remote: &Remote,
) -> Result<IdentityList, String> {
    let env = std::env::var("SAMLTRACE_TOKEN").ok();
    let token =
        Token::read(env.as_deref(), remote.token_file.as_deref()).map_err(|e| e.to_string())?;
    let client = Client::new(
        token,
        ClientConfig {
            saml_identities: remote.saml_identities,
            timeout: remote.timeout.unwrap_or(scim::DEFAULT_TIMEOUT),
            ..ClientConfig::default()
        },
    );
    let progress = |progress| {
        let _ = tx.send(Action::IdentityProgress {
            generation,
            progress,
        });
    };
    client.fetch(r, &progress).map_err(|e| e.to_string())
}

/// Makes the Fix tab's changes one after the other through `repair::apply` (as `scim fix
/// --apply` does), writing a new audit log in the current folder; stops at the first failure.
fn apply_fix(tx: &Sender<Action>, work: &[(FixApi, crate::repair::Change)], remote: &Remote) {
    use crate::repair::apply::{Fate, Log, apply_one};
    use crate::repair::journal::Action as Logged;
    let send = |e| tx.send(Action::Fixing(e)).is_ok();
    let env = std::env::var("SAMLTRACE_TOKEN").ok();
    let token = match Token::read(env.as_deref(), remote.token_file.as_deref()) {
        Ok(t) => t,
        Err(e) => {
            send(FixEvent::Ended(Some(e.to_string())));
            return;
        }
    };
    let client = Client::new(
        token,
        ClientConfig {
            timeout: remote.timeout.unwrap_or(scim::DEFAULT_TIMEOUT),
            ..ClientConfig::default()
        },
    );
    let stamp = Timestamp::now().strftime("%Y%m%dT%H%M%SZ").to_string();
    let mut log = match Log::open(None, Path::new(""), &stamp) {
        Ok(l) => l,
        Err(e) => {
            send(FixEvent::Ended(Some(e.to_string())));
            return;
        }
    };
    if !send(FixEvent::Log(log.path.clone())) {
        return;
    }
    let now = || Timestamp::now().to_string();
    for (fix, change) in work {
        match apply_one(&client, fix, change, Logged::Apply, &mut log, &now) {
            Ok(outcome) => {
                let failed = outcome.fate == Fate::Failed;
                if !send(FixEvent::Outcome(outcome)) {
                    return;
                }
                if failed {
                    send(FixEvent::Ended(Some(
                        "stopped at the first failure; nothing after it was sent".into(),
                    )));
                    return;
                }
            }
            Err(e) => {
                send(FixEvent::Ended(Some(e.to_string())));
                return;
            }
        }
    }
    send(FixEvent::Ended(None));
}

/// Judges jobs as they come, keeping the index of the list until a job brings another list.
fn judge_loop(jobs: &Receiver<JudgeJob>, tx: &Sender<Action>) {
    let mut next = jobs.recv().ok();
    while let Some(first) = next.take() {
        let people = Arc::clone(&first.people);
        let index = Index::new(&people.identities).with_fix_api(people.fix.clone());
        let rows = people.rows();
        let mut job = Some(first);
        while let Some(j) = job.take() {
            let verdicts = j.run_with(&index, &rows);
            let done = Action::Judged {
                generation: j.generation,
                verdicts,
            };
            if tx.send(done).is_err() {
                return;
            }
            match jobs.recv() {
                Ok(n) if Arc::ptr_eq(&n.people, &people) => job = Some(n),
                Ok(n) => next = Some(n),
                Err(_) => return,
            }
        }
    }
}

/// Writes the traces, with their verdicts, as `samltrace/v1` JSON.
fn export(path: PathBuf, traces: &[(Arc<Trace>, Option<Verdict>)], overwrite: Overwrite) -> Action {
    if overwrite == Overwrite::Refuse && path.exists() {
        return Action::Exported {
            path,
            result: Err(ExportError::Exists),
        };
    }
    let all: Vec<Trace> = traces
        .iter()
        .map(|(t, v)| {
            let mut t = Trace::clone(t);
            t.verdict = v.clone();
            t
        })
        .collect();
    let json = report::json::render(&all);
    let result = scim::write_atomically(&path, &json)
        .map(|()| all.len())
        .map_err(|e| ExportError::Failed(e.to_string()));
    Action::Exported { path, result }
}

/// The paths that start with `text`: entries of its directory, with `/` after directories.
fn complete(text: &str) -> Vec<String> {
    let (dir, prefix) = match text.rfind(std::path::is_separator) {
        Some(i) => (&text[..=i], &text[i + 1..]),
        None => ("", text),
    };
    let read = if dir.is_empty() { "." } else { dir };
    let Ok(entries) = std::fs::read_dir(read) else {
        return Vec::new();
    };
    let mut out: Vec<String> = entries
        .filter_map(Result::ok)
        .filter_map(|e| {
            let name = e.file_name().into_string().ok()?;
            if !name.starts_with(prefix) || (name.starts_with('.') && !prefix.starts_with('.')) {
                return None;
            }
            let slash = if e.path().is_dir() { "/" } else { "" };
            Some(format!("{dir}{name}{slash}"))
        })
        .take(200)
        .collect();
    out.sort();
    out
}

/// Watches the directories of the files shown, and reports changes of those files by the name
/// they were given. Directories, because editors and browsers replace files by renaming.
struct Watch {
    debouncer: Debouncer<Changes>,
    dirs: HashSet<PathBuf>,
    files: Arc<Mutex<HashMap<PathBuf, PathBuf>>>,
}

impl Watch {
    fn new(tx: Sender<Action>) -> Result<Watch, notify::Error> {
        let files: Arc<Mutex<HashMap<PathBuf, PathBuf>>> = Arc::default();
        let known = Arc::clone(&files);
        let config = notify_debouncer_mini::Config::default().with_timeout(DEBOUNCE);
        let debouncer =
            new_debouncer_opt::<_, Changes>(config, move |events: DebounceEventResult| {
                let Ok(events) = events else { return };
                let Ok(known) = known.lock() else { return };
                let changed: HashSet<&PathBuf> =
                    events.iter().filter_map(|e| known.get(&e.path)).collect();
                for path in changed {
                    let _ = tx.send(Action::FileChanged(path.clone()));
                }
            })?;
        Ok(Watch {
            debouncer,
            dirs: HashSet::new(),
            files,
        })
    }

    fn add(&mut self, path: &Path) -> io::Result<()> {
        let full = std::path::absolute(path)?;
        let dir = full
            .parent()
            .map_or_else(|| PathBuf::from("."), Path::to_path_buf);
        if let Ok(mut files) = self.files.lock() {
            files.insert(full, path.to_path_buf());
        }
        if self.dirs.insert(dir.clone()) {
            self.debouncer
                .watcher()
                .watch(&dir, RecursiveMode::NonRecursive)
                .map_err(io::Error::other)?;
        }
        Ok(())
    }
}

/// How long a file must be quiet before it is read again.
const DEBOUNCE: Duration = Duration::from_millis(250);

/// The platform's watcher, passing on changes only: opening or reading a file (our own reads
/// included) is not a change, and would otherwise make every read cause another.
struct Changes(notify::RecommendedWatcher);

struct ChangesOnly<F>(F);

impl<F: EventHandler> EventHandler for ChangesOnly<F> {
    fn handle_event(&mut self, event: notify::Result<notify::Event>) {
        let read = event.as_ref().is_ok_and(
            |e| matches!(e.kind, EventKind::Access(a) if a != AccessKind::Close(AccessMode::Write)),
        );
        if !read {
            self.0.handle_event(event);
        }
    }
}

impl Watcher for Changes {
    fn new<F: EventHandler>(handler: F, config: notify::Config) -> notify::Result<Changes> {
        notify::RecommendedWatcher::new(ChangesOnly(handler), config).map(Changes)
    }

    fn watch(&mut self, path: &Path, mode: RecursiveMode) -> notify::Result<()> {
        self.0.watch(path, mode)
    }

    fn unwatch(&mut self, path: &Path) -> notify::Result<()> {
        self.0.unwatch(path)
    }

    fn kind() -> WatcherKind {
        notify::RecommendedWatcher::kind()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn osc52_is_base64_between_the_escape_and_the_bell() {
        assert_eq!(osc52("hi"), "\u{1b}]52;c;aGk=\u{7}");
    }

    #[test]
    fn completion_lists_matching_files_and_marks_directories() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("alpha.xml"), "").unwrap();
        std::fs::write(dir.path().join("alps.b64"), "").unwrap();
        std::fs::create_dir(dir.path().join("also")).unwrap();
        let base = format!("{}/", dir.path().display());
        let got = complete(&format!("{base}al"));
        assert_eq!(
            got,
            [
                format!("{base}alpha.xml"),
                format!("{base}alps.b64"),
                format!("{base}also/")
            ]
        );
        assert!(complete(&format!("{base}zz")).is_empty());
    }

    fn decode(payload: Payload) -> Result<Vec<super::super::app::Decoded>, String> {
        let at = "2026-11-02T09:00:00Z".parse().unwrap();
        let config = Config::new(crate::checks::Context::new(at));
        match decode_action(InputId(1), &payload, "in", &config) {
            Action::Decoded { result, .. } => result,
            other => panic!("not a decode result: {other:?}"),
        }
    }

    #[test]
    fn reading_a_missing_file_names_it() {
        let e = decode(Payload::File("/nonexistent/samltrace.xml".into())).unwrap_err();
        assert!(e.starts_with("/nonexistent/samltrace.xml: "), "{e}");
    }

    #[test]
    fn a_capture_cut_off_says_so_after_what_it_held() {
        let path = format!("{}/samples/har-truncated.har", env!("CARGO_MANIFEST_DIR"));
        let all = decode(Payload::File(path.into())).unwrap();
        assert_eq!(
            all.len(),
            3,
            "two messages (each seen twice) and the warning"
        );
        assert_eq!(all[1].facts.seen.len(), 2);
        let last = all.last().unwrap();
        assert!(last.trace.message.is_none());
        let error = last.facts.error.as_deref().unwrap_or_default();
        assert!(error.contains("cut off"), "{error}");
    }
}
