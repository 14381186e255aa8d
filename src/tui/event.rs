//! The shell around the pure core: the terminal (raw mode, alternate screen, bracketed paste,
//! and its restoration on quit, on panic and on SIGINT/SIGTERM/SIGHUP), the threads that turn
//! keys, pastes, resizes, ticks and signals into actions, and the loop: draw, wait for actions,
//! update, run the effects. Keys that arrive together (a paste in a terminal without bracketed
//! paste) are sent as one `Action::Keys`, for `update` to tell a paste from commands.
//!
//! The only place that reads the clock or the terminal. It never changes the state except
//! through `update`, and never decodes or draws anything itself.

use std::io::{self, Stdout, Write, stdout};
use std::sync::mpsc::{Sender, channel};
use std::sync::{Arc, Once};
use std::thread;
use std::time::Duration;

use jiff::Timestamp;
use ratatui::Terminal;
use ratatui::backend::CrosstermBackend;
use ratatui::crossterm::event::{self, DisableBracketedPaste, EnableBracketedPaste, Event};
use ratatui::crossterm::terminal::{
    EnterAlternateScreen, LeaveAlternateScreen, disable_raw_mode, enable_raw_mode,
};
use ratatui::crossterm::{cursor, execute};
use ratatui::layout::Size;

use super::app::{Action, Level, Phase, State, update};
use super::view;
use super::worker::{Remote, Workers};
use crate::dsig::Keys;

/// How often the clock ticks (ages in the header, status messages that fade).
const TICK: Duration = Duration::from_secs(1);

/// A source of actions besides the terminal, the clock and the workers (`--listen`): started
/// with the loop's sender once the screen is up.
pub type Feed = Box<dyn FnOnce(Sender<Action>) + Send>;

/// Runs the TUI until the user quits or a signal arrives; the terminal is restored in every
/// case, a panic included.
pub fn run(
    mut state: State,
    remote: Remote,
    keys: Arc<Keys>,
    feeds: Vec<Feed>,
) -> io::Result<State> {
    let mut screen = Screen::enter()?;
    let (tx, rx) = channel();
    for feed in feeds {
        feed(tx.clone());
    }
    spawn_input(tx.clone());
    spawn_ticks(tx.clone());
    spawn_signals(tx.clone());
    let mut workers = Workers::start(tx, remote, keys);
    let size = screen.terminal.size()?;
    let first = [
        Action::Tick(Timestamp::now()),
        Action::Resize(size),
        Action::Start,
    ];
    let mut pending: Vec<Action> = first.into();
    while state.phase == Phase::Running {
        for action in pending.drain(..).chain(rx.try_iter()) {
            if let Some(effect) = update(&mut state, action) {
                workers.run(effect, screen.terminal.backend_mut());
            }
        }
        if state.phase != Phase::Running {
            break;
        }
        screen.terminal.draw(|frame| view::render(&state, frame))?;
        pending.extend(rx.recv().ok());
    }
    Ok(state)
}

/// The terminal in the TUI's modes; back to normal when dropped.
struct Screen {
    terminal: Terminal<CrosstermBackend<Stdout>>,
}

impl Screen {
    fn enter() -> io::Result<Screen> {
        install_panic_hook();
        enable_raw_mode()?;
        let mut out = stdout();
        execute!(out, EnterAlternateScreen)?;
        // Not every terminal knows bracketed paste (old Windows consoles); `p` still works.
        let _ = execute!(out, EnableBracketedPaste);
        let mut terminal = Terminal::new(CrosstermBackend::new(stdout()))?;
        terminal.clear()?;
        Ok(Screen { terminal })
    }
}

impl Drop for Screen {
    fn drop(&mut self) {
        restore();
    }
}

/// Puts the terminal back as it was: cooked mode, the main screen, the cursor shown.
pub fn restore() {
    let _ = disable_raw_mode();
    let mut out = stdout();
    let _ = execute!(
        out,
        DisableBracketedPaste,
        LeaveAlternateScreen,
        cursor::Show
    );
    let _ = out.flush();
}

/// On a panic, the terminal is restored before the message is printed, so it can be read.
fn install_panic_hook() {
    static ONCE: Once = Once::new();
    ONCE.call_once(|| {
        let previous = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            restore();
            previous(info);
        }));
    });
}

/// Keys, pastes and resizes, as actions. Ends when the loop has gone.
fn spawn_input(tx: Sender<Action>) {
    thread::spawn(move || {
        let mut next = None;
        loop {
            let action = match next.take().unwrap_or_else(event::read) {
                Ok(Event::Key(key)) => {
                    let (keys, after) = burst(key);
                    next = after;
                    if keys.len() == 1 {
                        Action::Key(key)
                    } else {
                        Action::Keys(keys)
                    }
                }
                Ok(Event::Paste(text)) => Action::Paste(text),
                Ok(Event::Resize(w, h)) => Action::Resize(Size::new(w, h)),
                Ok(_) => continue,
                Err(e) => {
                    let _ = tx.send(Action::Notice(Level::Error, format!("terminal: {e}")));
                    return;
                }
            };
            if tx.send(action).is_err() {
                return;
            }
        }
    });
}

/// How soon after a key the next must come to be of the same burst: at once (read with it;
/// crossterm's reader of the terminal does not look at all with no time given, hence 1 ms),
/// and once two came so, within a few milliseconds (a large paste reaches us in several reads).
const FIRST_GAP: Duration = Duration::from_millis(1);
const BURST_GAP: Duration = Duration::from_millis(10);

/// The keys that arrived with `first`: those read from the terminal with it, and then those
/// that follow within [`BURST_GAP`]; and the event that ended the burst, if one did. A key
/// typed alone is alone: a person's next key comes tens of milliseconds later.
fn burst(first: event::KeyEvent) -> (Vec<event::KeyEvent>, Option<io::Result<Event>>) {
    let mut keys = vec![first];
    loop {
        let gap = if keys.len() > 1 { BURST_GAP } else { FIRST_GAP };
        if !event::poll(gap).unwrap_or(false) {
            return (keys, None);
        }
        match event::read() {
            Ok(Event::Key(key)) => keys.push(key),
            other => return (keys, Some(other)),
        }
    }
}

/// The clock, once a second.
fn spawn_ticks(tx: Sender<Action>) {
    thread::spawn(move || {
        while tx.send(Action::Tick(Timestamp::now())).is_ok() {
            thread::sleep(TICK);
        }
    });
}

/// SIGINT, SIGTERM and SIGHUP end the loop, which restores the terminal. (In raw mode Ctrl-C
/// is a key, not a signal; these come from `kill` or a closing terminal.)
#[cfg(unix)]
fn spawn_signals(tx: Sender<Action>) {
    use signal_hook::consts::{SIGHUP, SIGINT, SIGTERM};
    let Ok(mut signals) = signal_hook::iterator::Signals::new([SIGINT, SIGTERM, SIGHUP]) else {
        return;
    };
    thread::spawn(move || {
        for sig in signals.forever() {
            let name = match sig {
                SIGINT => "SIGINT",
                SIGTERM => "SIGTERM",
                _ => "SIGHUP",
            };
            if tx.send(Action::Signal(name)).is_err() {
                return;
            }
        }
    });
}

/// Windows consoles deliver Ctrl-C as a key in raw mode; closing the window ends the process.
#[cfg(not(unix))]
fn spawn_signals(_tx: Sender<Action>) {}
