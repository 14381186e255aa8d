//! How fast the TUI answers with 100 000 identities and 10 000 messages loaded: the time from
//! the data arriving (an action from a worker) to the first frame drawn, and the time of each
//! key (update and draw), drawn into ratatui's `TestBackend` at 160×45 and at 80×24.
//!
//! Plain `harness = false` main with `std::time::Instant`, like the other benches. Run with
//! `cargo bench --bench tui`. The budget is 50 ms for a first frame and 16 ms for a key; the
//! figures are printed with the slowest of each, and a line that says whether all fit.

use std::hint::black_box;
use std::sync::Arc;
use std::time::{Duration, Instant};

use ratatui::Terminal;
use ratatui::backend::TestBackend;
use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use ratatui::layout::Size;

use samltrace::checks::Context;
use samltrace::compare::FixApi;
use samltrace::pipeline::{self, Pipeline};
use samltrace::scim::{IdentityList, Source};
use samltrace::tui::app::{Action, Config, Decoded, Effect, People, State, update};
use samltrace::tui::{facts, view};

mod common;
use common::guid;

const IDENTITIES: u32 = 100_000;
const MESSAGES: u32 = 10_000;
const FIRST_FRAME: Duration = Duration::from_millis(50);
const KEY: Duration = Duration::from_millis(16);

fn identities() -> IdentityList {
    let identities = common::identities(IDENTITIES, "bench.csv");
    IdentityList {
        input: "bench.csv".into(),
        format: "csv".into(),
        identities,
        ..IdentityList::default()
    }
}

/// Messages of every kind: an exact NameID, a changed capital, the email, a stranger.
fn messages(ctx: &Context) -> Vec<Decoded> {
    let root = env!("CARGO_MANIFEST_DIR");
    let template = std::fs::read_to_string(format!("{root}/samples/compare-match.xml"))
        .expect("the sample reads");
    (0..MESSAGES)
        .flat_map(|k| {
            let i = k * 7 % IDENTITIES;
            let name_id = match k % 4 {
                0 => guid(i),
                1 => guid(i).to_uppercase(),
                2 => format!("user{i}@example.com"),
                _ => format!("stranger{k}@example.org"),
            };
            let xml = template
                .replace("0b1d561c-21ff-4092-beab-8154b17f82f2", &name_id)
                .replace("alice@example.com", &format!("user{i}@example.com"));
            let traces = Pipeline::new(pipeline::Config::new(ctx.clone()))
                .decode("bench.xml", xml.as_bytes());
            facts::rows(traces, "bench.xml", ctx)
        })
        .collect()
}

fn key(code: KeyCode) -> Action {
    Action::Key(KeyEvent::new(code, KeyModifiers::NONE))
}

fn ch(c: char) -> Action {
    key(KeyCode::Char(c))
}

struct Bench {
    state: State,
    terminal: Terminal<TestBackend>,
    worst_first: Duration,
    worst_key: Duration,
}

impl Bench {
    /// Applies an action and draws a frame; returns the time of each and the effect.
    fn step(&mut self, action: Action) -> (Duration, Duration, Option<Effect>) {
        let start = Instant::now();
        let effect = update(&mut self.state, action);
        let updated = start.elapsed();
        let state = &self.state;
        let _ = self.terminal.draw(|f| view::render(state, f));
        (updated, start.elapsed() - updated, effect)
    }

    fn first_frame(&mut self, what: &str, action: Action) -> Option<Effect> {
        let (updated, drawn, effect) = self.step(action);
        let took = updated + drawn;
        self.worst_first = self.worst_first.max(took);
        println!(
            "  {what:<44} {:>8.2} ms (update {:.2}, draw {:.2})",
            ms(took),
            ms(updated),
            ms(drawn)
        );
        effect
    }

    /// Times `actions` (a sequence that ends where it began) as key presses, `rounds` times
    /// over. Prints the median of all, the slowest key at its best round (the work itself,
    /// which the budget is about) and the slowest of all (with whatever else the machine did).
    fn keys(&mut self, what: &str, rounds: usize, actions: &[Action]) {
        let mut all = Vec::new();
        let mut best = vec![Duration::MAX; actions.len()];
        for _ in 0..rounds {
            for (i, a) in actions.iter().enumerate() {
                let (updated, drawn, _) = self.step(a.clone());
                all.push(updated + drawn);
                best[i] = best[i].min(updated + drawn);
            }
        }
        all.sort();
        let median = all[all.len() / 2];
        let slowest_best = best.iter().copied().max().unwrap_or_default();
        let slowest = all[all.len() - 1];
        self.worst_key = self.worst_key.max(slowest_best);
        println!(
            "  {what:<46} {:>6.2} ms median {:>6.2} ms slowest key {:>6.2} ms slowest of all ({} keys)",
            ms(median),
            ms(slowest_best),
            ms(slowest),
            all.len()
        );
    }
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1e3
}

fn main() {
    let at = "2026-11-02T09:00:00Z".parse().expect("a time");
    let ctx = Context::new(at);
    let start = Instant::now();
    let decoded = messages(&ctx);
    let made = start.elapsed();
    let start = Instant::now();
    let people = Arc::new(People::new(vec![identities()], FixApi::default()));
    let merged = start.elapsed();
    println!("samltrace TUI: {IDENTITIES} identities, {MESSAGES} messages");
    println!(
        "setup (workers' work, not timed below): decode and describe the messages {:.1} s, merge the list {:.0} ms",
        made.as_secs_f64(),
        ms(merged)
    );
    for (w, h) in [(160, 45), (80, 24)] {
        run(w, h, &ctx, &decoded, &people);
    }
}

fn run(w: u16, h: u16, ctx: &Context, decoded: &[Decoded], people: &Arc<People>) {
    println!("\n{w}×{h}");
    let mut config = Config::new(ctx.clone());
    config.identity_sources = vec![Source::File("bench.csv".into())];
    let mut bench = Bench {
        state: State::new(config),
        terminal: Terminal::new(TestBackend::new(w, h)).expect("a test terminal"),
        worst_first: Duration::ZERO,
        worst_key: Duration::ZERO,
    };
    update(&mut bench.state, Action::Tick(ctx.at));
    update(&mut bench.state, Action::Resize(Size::new(w, h)));
    update(&mut bench.state, Action::Paste("placeholder input".into()));
    let input = bench.state.inputs[0].id;
    let _ = update(&mut bench.state, Action::Start);
    println!("data ready → first frame (update and draw):");
    bench.first_frame(
        "10000 messages arrive",
        Action::Decoded {
            input,
            result: Ok(decoded.to_vec()),
        },
    );
    let generation = bench.state.identities.generation;
    let job = bench.first_frame(
        "100000 identities arrive",
        Action::IdentitiesLoaded {
            generation,
            result: Ok(Arc::clone(people)),
        },
    );
    let Some(Effect::Judge(job)) = job else {
        panic!("expected verdicts to be asked for")
    };
    let start = Instant::now();
    let verdicts = black_box(job.run());
    println!(
        "  (the worker's index and {} verdicts: {:.0} ms, off the UI thread)",
        verdicts.len(),
        ms(start.elapsed())
    );
    bench.first_frame(
        "10000 verdicts arrive",
        Action::Judged {
            generation,
            verdicts,
        },
    );
    println!("each key (update and draw; best of the rounds for the slowest key):");
    bench.keys("j / k (next, previous message)", 50, &[ch('j'), ch('k')]);
    bench.keys(
        "PgDn / PgUp",
        20,
        &[key(KeyCode::PageDown), key(KeyCode::PageUp)],
    );
    bench.keys("G / g (last, first)", 20, &[ch('G'), ch('g')]);
    let tabs: Vec<Action> = "123456".chars().map(ch).collect();
    bench.keys("1–6 (every tab)", 10, &tabs);
    bench.keys("Tab", 12, &[key(KeyCode::Tab)]);
    let mut filter = vec![ch('1'), ch('/')];
    filter.extend("user12".chars().map(ch));
    filter.extend([key(KeyCode::Backspace), key(KeyCode::Esc)]);
    bench.keys("/ user12 ⌫ Esc (filter 10000 messages)", 5, &filter);
    let mut verdict = vec![ch('/')];
    verdict.extend("not found".chars().map(ch));
    verdict.push(key(KeyCode::Esc));
    bench.keys("/ not found Esc (filter by verdict)", 5, &verdict);
    let mut people_filter = vec![ch('6'), key(KeyCode::Enter), ch('/')];
    people_filter.extend("user99".chars().map(ch));
    people_filter.extend([key(KeyCode::Esc), key(KeyCode::Esc)]);
    bench.keys(
        "6 Enter / user99 Esc (filter 100000 identities)",
        3,
        &people_filter,
    );
    bench.keys(
        "in Identities: j, PgDn, G",
        10,
        &[
            ch('6'),
            key(KeyCode::Enter),
            ch('j'),
            key(KeyCode::PageDown),
            ch('G'),
            ch('g'),
            key(KeyCode::Esc),
        ],
    );
    let mut search = vec![ch('5'), key(KeyCode::Enter), ch('/')];
    search.extend("nameid".chars().map(ch));
    search.extend([key(KeyCode::Enter), ch('n'), ch('N'), key(KeyCode::Esc)]);
    bench.keys("5 Enter / nameid n N (search the XML)", 5, &search);
    bench.keys(
        "y (copy), e Esc (export prompt)",
        10,
        &[ch('y'), ch('e'), key(KeyCode::Esc)],
    );
    let fits = bench.worst_first <= FIRST_FRAME && bench.worst_key <= KEY;
    println!(
        "slowest first frame {:.2} ms (budget {} ms), slowest key {:.2} ms (budget {} ms): {}",
        ms(bench.worst_first),
        FIRST_FRAME.as_millis(),
        ms(bench.worst_key),
        KEY.as_millis(),
        if fits { "within budget" } else { "OVER BUDGET" }
    );
}
