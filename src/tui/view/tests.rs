//! Whole-screen snapshots: the app is built from actions (keys, pastes, finished reads) through
//! the synchronous stand-in shell, drawn into ratatui's `TestBackend` at 80×24 and 160×45, and
//! compared with `insta`. Every tab is covered, and the empty, loading and error states.

use ratatui::Terminal;
use ratatui::backend::TestBackend;
use ratatui::crossterm::event::KeyCode;
use ratatui::layout::Size;
use ratatui::style::Color;

use super::super::app::{Action, Level, State, Tab, update};
use super::super::layout::{help, tabs, xml_rows};
use super::super::testing::{Shell, at, code, config_with, key, sample, screen, typed};
use crate::scim::{self, Progress};

const SIZES: [(u16, u16); 2] = [(80, 24), (160, 45)];

const EVERY_VERDICT: [&str; 6] = [
    "compare-match.xml",
    "compare-near-match.xml",
    "compare-mismatch.xml",
    "compare-inactive.xml",
    "compare-ambiguous.xml",
    "compare-not-found.xml",
];

/// Snapshots with the filters for what changes between runs: ages and temporary paths.
fn check(name: &str, state: &mut State) {
    let mut settings = insta::Settings::clone_current();
    settings.add_filter(r"read \d+ (s|min|h) ago", "read [age]");
    settings.add_filter(r"/tmp/\.tmp\w+", "[TEMP]");
    settings.set_prepend_module_to_snapshot(false);
    settings.bind(|| {
        for (w, h) in SIZES {
            insta::assert_snapshot!(format!("tui_{name}_{w}x{h}"), screen(state, w, h));
        }
    });
}

fn every_verdict() -> (Shell, State) {
    Shell::start(config_with(&EVERY_VERDICT, Some("identities.scim.json")))
}

#[test]
fn empty() {
    let (_, mut state) = Shell::start(config_with(&[], None));
    check("empty", &mut state);
}

#[test]
fn loading() {
    let mut config = config_with(&["compare-match.xml"], Some("identities.scim.json"));
    if let Ok(remote) = scim::Source::parse("https://gitlab.com/groups/acme") {
        config.identity_sources.push(remote);
    }
    let mut state = State::new(config);
    update(&mut state, Action::Tick(at()));
    let _effects_not_run = update(&mut state, Action::Start);
    update(
        &mut state,
        Action::IdentityProgress {
            generation: 1,
            progress: Progress::Fetched {
                identities: 300,
                total: Some(1200),
            },
        },
    );
    check("loading", &mut state);
}

#[test]
fn errors() {
    let (mut shell, mut state) =
        Shell::start(config_with(&["compare-match.xml"], Some("nonexistent.csv")));
    shell.send(&mut state, Action::Paste("SAMLResponse=PHNhbWxwOlJlc3BvbnNlIHhtbG5zOnNhbWxwPSJ1cm46b2FzaXM6bmFtZXM6dGM6U0FNTDoyLjA6cHJvdG9jb2wi".into()));
    check("errors", &mut state);
}

#[test]
fn summary() {
    let (mut shell, mut state) = every_verdict();
    shell.send(&mut state, key('j'));
    check("summary", &mut state);
}

#[test]
fn attributes() {
    let (mut shell, mut state) = every_verdict();
    shell.send_all(&mut state, [key('j'), key('2')]);
    check("attributes", &mut state);
}

#[test]
fn findings() {
    let (mut shell, mut state) = Shell::start(config_with(
        &["checks-misconfigured.xml"],
        Some("identities.scim.json"),
    ));
    shell.send(&mut state, key('3'));
    check("findings", &mut state);
}

#[test]
fn identity() {
    let (mut shell, mut state) = every_verdict();
    shell.send_all(&mut state, [key('j'), key('4')]);
    check("identity", &mut state);
}

#[test]
fn xml() {
    let (mut shell, mut state) = every_verdict();
    shell.send_all(
        &mut state,
        [key('j'), key('5'), code(KeyCode::Enter), key('/')],
    );
    shell.send_all(&mut state, typed("nameid"));
    shell.send(&mut state, code(KeyCode::Enter));
    check("xml", &mut state);
}

#[test]
fn identities() {
    let (mut shell, mut state) = every_verdict();
    shell.send_all(&mut state, [key('j'), key('j'), key('6')]);
    check("identities", &mut state);
}

/// Regression: the identities an ambiguous verdict names ("JSmith" and "jsmith", one NameID
/// for two people) were not marked in the Identities tab, so nothing there said which two to
/// look at. Both are marked `✗ ambiguous` in the verdict's colour, and one is selected.
#[test]
fn ambiguous_identities_are_marked() {
    let (mut shell, mut state) = every_verdict();
    shell.send_all(&mut state, [key('G'), key('k'), key('6')]);
    assert_eq!(
        state.selected().and_then(|r| r.facts.name_id.as_deref()),
        Some("jsmith")
    );
    check("ambiguous_identities", &mut state);
    shell.send(&mut state, Action::Resize(Size::new(80, 24)));
    let mut terminal = Terminal::new(TestBackend::new(80, 24)).unwrap();
    terminal.draw(|f| super::render(&state, f)).unwrap();
    let buffer = terminal.backend().buffer();
    let mut marked = Vec::new();
    for y in 0..24 {
        let line: String = (0..80)
            .map(|x| buffer[(x, y)].symbol().to_owned())
            .collect();
        if line.starts_with(" ✗ ambiguous") {
            assert_eq!(buffer[(1, y)].fg, Color::Red, "{line}");
            marked.push(
                line.split_whitespace()
                    .nth(2)
                    .unwrap_or_default()
                    .to_owned(),
            );
        }
    }
    assert_eq!(marked, ["JSmith", "jsmith"]);
    let selected = state.identities.selected_identity();
    let selected = selected
        .and_then(|i| i.external_id.clone())
        .unwrap_or_default();
    assert!(
        marked.contains(&selected),
        "one of them is selected: {selected}"
    );
}

/// Regression: a HAR holding one SAMLResponse twice (the IdP's form, the browser's POST) and
/// one AuthnRequest twice listed five rows for three messages. Repeats are one row, `seen 2×`,
/// and the Summary says where each was.
#[test]
fn repeated_messages_are_one_row_seen_n_times() {
    let (mut shell, mut state) = Shell::start(config_with(
        &["har-chrome.har"],
        Some("identities.scim.json"),
    ));
    assert_eq!(state.traces.rows.len(), 3);
    shell.send(&mut state, key('j'));
    check("repeats", &mut state);
    for (w, h) in SIZES {
        let screen = screen(&mut state, w, h);
        let seen = screen.lines().filter(|l| l.contains(" seen 2×")).count();
        assert_eq!(seen, 2, "the request and the response:\n{screen}");
        assert!(
            screen.contains("Seen            2×: har-chrome.har #3, har-chrome.har #4"),
            "{screen}"
        );
    }
}

#[test]
fn invisible_characters_are_shown() {
    let (mut shell, mut state) = Shell::start(config_with(
        &["checks-misconfigured.xml"],
        Some("identities.scim.json"),
    ));
    shell.send(&mut state, key('1'));
    check("invisible", &mut state);
}

#[test]
fn help_and_prompt() {
    let (mut shell, mut state) = every_verdict();
    shell.send(&mut state, key('?'));
    check("help", &mut state);
    shell.send_all(&mut state, [code(KeyCode::Esc), key('/')]);
    shell.send_all(&mut state, typed("not"));
    check("filter_prompt", &mut state);
}

/// A reload that failed after a list was read: the header says the verdicts are stale and
/// where the list shown came from, the list's verdicts are `?` under `STALE`, the Summary and
/// Identity tabs say why, and the status line holds the whole error.
#[test]
fn stale_verdicts_after_a_failed_reload() {
    const ERROR: &str = "http://127.0.0.1:9/api/v4/groups/acme/saml_users?per_page=100: could not connect to 127.0.0.1:9: Connection refused (os error 111)";
    let (mut shell, mut state) = every_verdict();
    shell.hold_identities = true;
    shell.send(&mut state, key('i'));
    shell.send(&mut state, Action::Edit(super::super::keys::Edit::Clear));
    shell.send_all(&mut state, typed("http://127.0.0.1:9/groups/acme"));
    shell.send(&mut state, code(KeyCode::Enter));
    let generation = state.identities.generation;
    shell.send(
        &mut state,
        Action::IdentitiesLoaded {
            generation,
            result: Err(ERROR.into()),
        },
    );
    check("stale", &mut state);
    for (w, h) in [(120, 35), (80, 24)] {
        let screen = screen(&mut state, w, h);
        let header = screen.lines().nth(1).unwrap_or_default();
        assert!(
            header.contains("✗ stale: the last reload failed · 7 from samples/identities.scim"),
            "{screen}"
        );
        assert!(screen.contains("STALE"), "{screen}");
        assert!(screen.contains("? near match"), "{screen}");
        let words: Vec<&str> = ERROR.split_whitespace().collect();
        let shown: Vec<&str> = screen
            .lines()
            .rev()
            .take(super::super::layout::status::rows(ERROR, Size::new(w, h)))
            .collect::<Vec<_>>()
            .into_iter()
            .rev()
            .flat_map(|r| r.trim_matches('"').split_whitespace())
            .collect();
        assert_eq!(shown, words, "{screen}");
    }
    shell.send(&mut state, key('4'));
    check("stale_identity", &mut state);
}

/// Regression: at 80 columns the list cut the NameID to 25 columns and kept the source, time
/// and checks; at 60 the row ran off the screen. The NameID is what the list is for: the other
/// columns give way first.
#[test]
fn name_ids_are_cut_last_at_narrow_widths() {
    let (_, mut state) = every_verdict();
    for (w, h) in [(80, 24), (60, 24)] {
        let screen = screen(&mut state, w, h);
        for id in [
            "0b1d561c-21ff-4092-beab-8154b17f82f2",
            "e5f0c2aa-6b1d-4c55-9a43-2f8d0c6e7b19",
            "f00dfeed-0000-4000-8000-00000000beef",
        ] {
            let row = screen.lines().find(|l| l.contains(id));
            assert!(row.is_some(), "{id} whole at {w} columns:\n{screen}");
        }
        assert!(!screen.contains("SOURCE"), "{screen}");
        assert!(
            screen.contains("✗ ambiguous"),
            "the verdict stays:\n{screen}"
        );
    }
    let mut settings = insta::Settings::clone_current();
    settings.set_prepend_module_to_snapshot(false);
    settings.bind(|| insta::assert_snapshot!("tui_narrow_60x24", screen(&mut state, 60, 24)));
}

/// Regression: an identity list URL that failed was cut to `✗ http:/…`; the status line wraps
/// over as many rows as the error needs (the details give them up), at 120 and at 80 columns.
#[test]
fn a_long_error_is_read_whole_on_the_status_line() {
    const ERROR: &str = "https://gitlab.example.com/api/v4/groups/acme/saml_users?per_page=100&page=1: could not connect: Connection refused (os error 111); is the URL right, and the instance up?";
    let (mut shell, mut state) = every_verdict();
    shell.send(&mut state, Action::Notice(Level::Error, ERROR.into()));
    for (w, h) in [(120, 35), (80, 24)] {
        let screen = screen(&mut state, w, h);
        let rows: Vec<&str> = screen.lines().collect();
        let status = rows.len() - super::super::layout::status::rows(ERROR, Size::new(w, h));
        assert!(rows.len() - status > 1, "more than one row at {w}");
        let shown: Vec<&str> = rows[status..]
            .iter()
            .flat_map(|r| r.trim_matches('"').split_whitespace())
            .collect();
        let words: Vec<&str> = ERROR.split_whitespace().collect();
        assert_eq!(shown, words, "at {w}x{h}:\n{screen}");
        assert!(!rows[status..].concat().contains('…'), "not cut:\n{screen}");
    }
}

/// The verdict's colour goes with its words: the buffer, not only the text, is checked.
#[test]
fn verdicts_are_coloured_as_well_as_worded() {
    let (mut shell, mut state) = every_verdict();
    shell.send(&mut state, Action::Resize(Size::new(80, 24)));
    let mut terminal = Terminal::new(TestBackend::new(80, 24)).unwrap();
    terminal.draw(|f| super::render(&state, f)).unwrap();
    let buffer = terminal.backend().buffer();
    let colour_of = |word: &str| -> Option<Color> {
        (0..24).find_map(|y| {
            let line: String = (0..80)
                .map(|x| buffer[(x, y)].symbol().to_owned())
                .collect();
            let col = line.find(word)?;
            let x = line[..col].chars().count() as u16;
            Some(buffer[(x, y)].fg)
        })
    };
    assert_eq!(colour_of("✓ match"), Some(Color::Green));
    assert_eq!(colour_of("≈ near match"), Some(Color::Yellow));
    assert_eq!(colour_of("✗ not found"), Some(Color::Red));
    let _ = sample("x");
}

/// The detail area of `state` drawn `width` columns wide and `height` rows high, one string
/// per row.
fn drawn_details(state: &State, width: u16, height: u16) -> Vec<String> {
    let mut terminal = Terminal::new(TestBackend::new(width, height)).unwrap();
    terminal
        .draw(|f| super::details(state, f, f.area()))
        .unwrap();
    let buffer = terminal.backend().buffer();
    (0..height)
        .map(|y| {
            (0..width)
                .map(|x| buffer[(x, y)].symbol().to_owned())
                .collect()
        })
        .collect()
}

/// Text without its spaces, which a wide character's second cell draws as.
fn squeezed(text: &str) -> String {
    text.replace(' ', "")
}

/// `update` scrolls by `layout::tabs::line_count`; the view must draw exactly that many rows,
/// and the same ones, or scrolling stops short of the end or runs past it.
#[test]
fn the_view_draws_exactly_the_rows_layout_counts() {
    let (mut shell, mut state) = every_verdict();
    shell.send(&mut state, key('j'));
    for tab in [
        Tab::Summary,
        Tab::Attributes,
        Tab::Findings,
        Tab::Identity,
        Tab::Xml,
    ] {
        state.tab = tab;
        for width in [30, 80, 160] {
            let lines = tabs::lines(&state.shown(), width);
            let count = tabs::line_count(&state.shown(), width);
            assert_eq!(count, lines.len());
            assert!(count > 1, "{tab:?} at {width} has {count} rows");
            // Exactly as high as counted: every row drawn is a counted one.
            let rows = drawn_details(&state, width, u16::try_from(count).unwrap());
            for (i, line) in lines.iter().enumerate() {
                let drawn = squeezed(&rows[i]);
                let counted: String = line.spans.iter().map(|s| squeezed(&s.content)).collect();
                assert_eq!(drawn, counted, "{tab:?} at {width}, row {i}");
            }
            // Higher: nothing is drawn below them.
            let rows = drawn_details(&state, width, u16::try_from(count + 3).unwrap());
            assert!(
                rows[count..].iter().all(|r| r.trim().is_empty()),
                "{tab:?} at {width}: rows drawn past the {count} counted"
            );
        }
    }
}

/// The search jumps by `xml_rows::row_of_line`: the row it gives for an XML line must be the
/// row on which the view draws that line's number, and `line_at_row` the inverse.
#[test]
fn xml_rows_map_to_the_rows_the_view_draws() {
    let (mut shell, mut state) = every_verdict();
    shell.send_all(&mut state, [key('j'), key('5')]);
    let xml = state.selected().unwrap().facts.xml.clone();
    assert!(xml.len() > 10);
    for width in [30, 80] {
        let count = tabs::line_count(&state.shown(), width);
        let rows = drawn_details(&state, width, u16::try_from(count).unwrap());
        // A line's first row starts with its number in the gutter; the rows it wraps onto
        // start with spaces.
        let gutter = xml.len().to_string().len();
        let number = |row: &str| row.get(..gutter)?.trim().parse::<usize>().ok();
        let mut line = 0;
        for (row, text) in rows.iter().enumerate() {
            if let Some(n) = number(text) {
                line = n - 1;
            }
            assert_eq!(xml_rows::line_at_row(&xml, width, row), line, "row {row}");
        }
        assert_eq!(line + 1, xml.len());
        for i in 0..xml.len() {
            let row = xml_rows::row_of_line(&xml, width, i);
            assert_eq!(number(&rows[row]), Some(i + 1), "line {i}");
        }
    }
}

/// `update` pages the help by `help::page`: that is the inside of the box the view draws.
#[test]
fn the_help_pages_by_the_rows_its_box_holds() {
    use ratatui::widgets::{Block, Borders};
    for (w, h) in [(80, 24), (160, 45), (20, 5), (3, 1), (0, 0)] {
        let screen = ratatui::layout::Rect::new(0, 0, w, h);
        let inner = Block::default()
            .borders(Borders::ALL)
            .inner(help::frame(screen));
        assert_eq!(
            help::page(Size::new(w, h)),
            usize::from(inner.height).max(1)
        );
        assert!(help::shown(0, inner.width, inner.height).len() <= usize::from(inner.height));
    }
}

/// The Fix tab for every message: dave's and bob's changes planned, the others refused or
/// with nothing to change.
#[test]
fn fix_plan() {
    let mut config = config_with(&EVERY_VERDICT, Some("identities.scim.json"));
    config.inputs.truncate(3);
    let (mut shell, mut state) = Shell::start_trusting(config);
    shell.send(&mut state, key('F'));
    shell.send(&mut state, key('F'));
    check("fix_plan", &mut state);
}

/// The Audit tab of the SCIM log sample, the identity list and dave's mismatched message.
#[test]
fn audit() {
    let mut config = config_with(
        &["compare-mismatch.xml", "compare-match.xml"],
        Some("identities.scim.json"),
    );
    let log = std::fs::read(sample("scim-api_json.log")).unwrap_or_default();
    let mut requests = Vec::new();
    let read = crate::scim::log::read_log("scim-api_json.log", &log[..], &mut |r| requests.push(r));
    assert!(read.is_ok_and(|s| s.requests > 0));
    config.scim_logs = vec!["scim-api_json.log".into()];
    config.scim_requests = std::sync::Arc::new(requests);
    let (mut shell, mut state) = Shell::start(config);
    shell.send(&mut state, key('8'));
    check("audit", &mut state);
}
