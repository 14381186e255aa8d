//! For tests only: a synchronous stand-in for the shell that runs effects at once (reading the
//! samples, decoding, judging) and feeds their results back through `update`, so that a test
//! is a list of actions and a look at the state or the screen.
//!
//! Time is fixed (the samples' 2026-11-02 09:00 UTC); nothing here reads the clock.

use std::collections::VecDeque;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use jiff::Timestamp;
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use ratatui::layout::Size;

use crate::checks::{Context, GitLabGroup};
use crate::scim::{self, Source};

use super::app::{Action, Config, Effect, ExportError, People, State, update};
use super::{view, worker};

/// The samples' evaluation time.
pub fn at() -> Timestamp {
    "2026-11-02T09:00:00Z"
        .parse()
        .unwrap_or(Timestamp::UNIX_EPOCH)
}

pub fn sample(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("samples")
        .join(name)
}

/// `samples/<name>`, as a user would type it from the crate's directory.
pub fn relative(name: &str) -> PathBuf {
    Path::new("samples").join(name)
}

/// The configuration of `--at 2026-11-02T09:00:00Z --gitlab-group https://gitlab.com/groups/acme`.
pub fn config() -> Config {
    const GROUP: &str = "https://gitlab.com/groups/acme";
    let mut ctx = Context::new(at());
    if let Ok(group) = GitLabGroup::parse(GROUP) {
        ctx.expect_group(&group);
    }
    let mut c = Config::new(ctx);
    c.fix = scim::Remote::parse(GROUP)
        .ok()
        .map(|r| crate::compare::FixApi::from_remote(&r));
    c
}

/// `config()` reading these message files and this identity list.
pub fn config_with(inputs: &[&str], identities: Option<&str>) -> Config {
    let mut c = config();
    c.inputs = inputs.iter().map(|n| relative(n)).collect();
    c.identity_sources = identities
        .map(|n| vec![Source::File(relative(n))])
        .unwrap_or_default();
    c
}

pub fn key(c: char) -> Action {
    Action::Key(KeyEvent::new(KeyCode::Char(c), KeyModifiers::NONE))
}

pub fn code(code: KeyCode) -> Action {
    Action::Key(KeyEvent::new(code, KeyModifiers::NONE))
}

pub fn typed(text: &str) -> Vec<Action> {
    text.chars().map(key).collect()
}

/// What the stand-in did besides feeding results back.
#[derive(Debug, Default)]
pub struct Shell {
    pub copied: Vec<String>,
    pub exported: Vec<(PathBuf, usize)>,
    pub watched: Vec<PathBuf>,
    /// Identity reads (and decodes) not run yet, when `hold_identities` (`hold_decodes`) is
    /// set.
    pub held: Vec<Effect>,
    pub hold_identities: bool,
    pub hold_decodes: bool,
    /// Paths the export pretends exist already.
    pub existing: Vec<PathBuf>,
    /// The changes the Fix tab asked to make (not made: the binary's tests make them against
    /// the stand-in GitLab).
    pub fixes: Vec<Vec<(crate::compare::FixApi, crate::repair::Change)>>,
    /// The keys messages are decoded with (none unless [`Shell::start_trusting`]).
    pub keys: Arc<crate::dsig::Keys>,
}

impl Shell {
    /// A state at 80×24 and time [`at`], started.
    pub fn start(config: Config) -> (Shell, State) {
        let mut shell = Shell::default();
        let mut state = State::new(config);
        shell.send(&mut state, Action::Tick(at()));
        shell.send(&mut state, Action::Resize(Size::new(80, 24)));
        shell.send(&mut state, Action::Start);
        (shell, state)
    }

    /// [`Shell::start`] with `samples/keys/idp.crt` trusted (`--idp-cert`), so the samples'
    /// signatures verify.
    pub fn start_trusting(config: Config) -> (Shell, State) {
        let mut keys = crate::dsig::Keys::default();
        let cert = std::fs::read(sample("keys/idp.crt")).unwrap_or_default();
        let trusted = keys.trust.add_anchor(&cert, "idp.crt");
        assert!(trusted.is_ok(), "samples/keys/idp.crt: {trusted:?}");
        let mut shell = Shell {
            keys: Arc::new(keys),
            ..Shell::default()
        };
        let mut state = State::new(config);
        shell.send(&mut state, Action::Tick(at()));
        shell.send(&mut state, Action::Resize(Size::new(80, 24)));
        shell.send(&mut state, Action::Start);
        (shell, state)
    }

    /// Applies an action and every action its effects lead to.
    pub fn send(&mut self, state: &mut State, action: Action) {
        let mut queue = VecDeque::from([action]);
        while let Some(a) = queue.pop_front() {
            if let Some(effect) = update(state, a) {
                self.run(effect, &mut queue);
            }
        }
    }

    pub fn send_all(&mut self, state: &mut State, actions: impl IntoIterator<Item = Action>) {
        for a in actions {
            self.send(state, a);
        }
    }

    /// Runs identity reads and decodes held back so far.
    pub fn release(&mut self, state: &mut State) {
        self.hold_identities = false;
        self.hold_decodes = false;
        let mut queue = VecDeque::new();
        for e in std::mem::take(&mut self.held) {
            self.run(e, &mut queue);
        }
        while let Some(a) = queue.pop_front() {
            if let Some(effect) = update(state, a) {
                self.run(effect, &mut queue);
            }
        }
    }

    fn run(&mut self, effect: Effect, queue: &mut VecDeque<Action>) {
        match effect {
            Effect::Batch(all) => all.into_iter().for_each(|e| self.run(e, queue)),
            e @ Effect::Decode { .. } if self.hold_decodes => self.held.push(e),
            Effect::Decode {
                input,
                payload,
                source,
                context,
                fixed_time,
            } => {
                let mut config =
                    crate::pipeline::Config::new(*context).with_keys(Arc::clone(&self.keys));
                config.fixed_time = fixed_time;
                queue.push_back(worker::decode_action(input, &payload, &source, &config));
            }
            Effect::Watch(p) => self.watched.push(p),
            e @ Effect::LoadIdentities { .. } if self.hold_identities => self.held.push(e),
            Effect::LoadIdentities {
                generation,
                sources,
                format,
                fix,
            } => {
                let result = load(&sources, format, fix.unwrap_or_default());
                queue.push_back(Action::IdentitiesLoaded { generation, result });
            }
            Effect::Judge(job) => queue.push_back(Action::Judged {
                generation: job.generation,
                verdicts: job.run(),
            }),
            Effect::Export { path, traces, .. } if self.existing.contains(&path) => {
                self.existing.retain(|p| *p != path);
                queue.push_back(Action::Exported {
                    path,
                    result: Err(ExportError::Exists),
                });
                drop(traces);
            }
            Effect::Export { path, traces, .. } => {
                self.exported.push((path.clone(), traces.len()));
                queue.push_back(Action::Exported {
                    path,
                    result: Ok(traces.len()),
                });
            }
            Effect::Copy(text) => self.copied.push(text),
            Effect::ApplyFix { work } => self.fixes.push(work),
            Effect::Complete(text) => queue.push_back(Action::Completed {
                candidates: vec![format!("{text}-one"), format!("{text}-two")],
                text,
            }),
        }
    }
}

fn load(
    sources: &[Source],
    format: scim::Format,
    fix: crate::compare::FixApi,
) -> Result<Arc<People>, String> {
    let mut lists = Vec::new();
    for s in sources {
        match s {
            Source::File(p) => lists.push(scim::load_file(p, format).map_err(|e| e.to_string())?),
            Source::Remote(r) => return Err(format!("{}: no network in tests", r.display())),
        }
    }
    Ok(Arc::new(People::new(lists, fix)))
}

/// The whole screen at a size, as text.
pub fn screen(state: &mut State, width: u16, height: u16) -> String {
    let mut shell = Shell::default();
    shell.send(state, Action::Resize(Size::new(width, height)));
    let mut terminal = match Terminal::new(TestBackend::new(width, height)) {
        Ok(t) => t,
        Err(e) => match e {},
    };
    let _ = terminal.draw(|f| view::render(state, f));
    terminal.backend().to_string()
}
