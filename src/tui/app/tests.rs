//! `update` tests: actions in, state out. The shell is the synchronous stand-in of
//! `tui::testing`, which reads the samples and feeds results back.

use std::sync::Arc;

use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use ratatui::layout::Size;

use super::super::facts::Kind;
use super::super::keys::Command;
use super::super::testing::{Shell, at, code, config_with, key, relative, sample, screen, typed};
use super::*;

const TWO: [&str; 2] = ["compare-match.xml", "compare-near-match.xml"];

fn started() -> (Shell, State) {
    Shell::start(config_with(&TWO, Some("identities.scim.json")))
}

fn words(state: &State) -> Vec<&'static str> {
    state
        .traces
        .visible
        .iter()
        .map(|i| state.traces.rows[*i].judgement.word())
        .collect()
}

fn selected_name(state: &State) -> Option<String> {
    state.selected().and_then(|r| r.facts.name_id.clone())
}

fn paste_sample(shell: &mut Shell, state: &mut State, name: &str) {
    let text = std::fs::read_to_string(sample(name)).unwrap();
    shell.send(state, Action::Paste(text));
}

#[test]
fn start_reads_the_inputs_and_the_list_and_watches_them() {
    let mut state = State::new(config_with(&TWO, Some("identities.scim.json")));
    update(&mut state, Action::Tick(at()));
    let Some(Effect::Batch(effects)) = update(&mut state, Action::Start) else {
        panic!("expected a batch")
    };
    let decodes = effects
        .iter()
        .filter(|e| matches!(e, Effect::Decode { .. }))
        .count();
    let watches: Vec<_> = effects
        .iter()
        .filter_map(|e| match e {
            Effect::Watch(p) => Some(p.clone()),
            _ => None,
        })
        .collect();
    assert_eq!(decodes, 2);
    assert_eq!(watches.len(), 3, "two inputs and the identity file");
    assert!(
        effects
            .iter()
            .any(|e| matches!(e, Effect::LoadIdentities { generation: 1, .. }))
    );
    assert!(state.inputs.iter().all(|i| i.load == Load::Loading));
    assert_eq!(
        state.identities.load,
        IdentityLoad::Loading { progress: None }
    );
}

#[test]
fn both_messages_show_with_their_verdicts_and_the_first_is_selected() {
    let (_, state) = started();
    assert_eq!(words(&state), ["match", "near match"]);
    assert_eq!(
        selected_name(&state).as_deref(),
        Some("0b1d561c-21ff-4092-beab-8154b17f82f2")
    );
    assert_eq!(state.identities.load, IdentityLoad::Ready);
    assert_eq!(state.identities.marks.len(), 2);
}

#[test]
fn messages_wait_for_the_list_and_are_judged_when_it_arrives() {
    let mut shell = Shell {
        hold_identities: true,
        ..Shell::default()
    };
    let mut state = State::new(config_with(&TWO, Some("identities.scim.json")));
    shell.send_all(&mut state, [Action::Tick(at()), Action::Start]);
    assert_eq!(words(&state), ["checking…", "checking…"]);
    shell.release(&mut state);
    assert_eq!(words(&state), ["match", "near match"]);
}

#[test]
fn without_a_list_messages_say_so() {
    let (_, state) = Shell::start(config_with(&TWO, None));
    assert_eq!(words(&state), ["no list", "no list"]);
    assert_eq!(state.identities.load, IdentityLoad::Absent);
}

#[test]
fn a_paste_is_decoded_added_and_selected() {
    let (mut shell, mut state) = started();
    paste_sample(&mut shell, &mut state, "compare-not-found.xml");
    assert_eq!(words(&state), ["match", "near match", "not found"]);
    assert_eq!(state.traces.cursor, 2);
    assert_eq!(
        state.selected().map(|r| r.facts.source.as_str()),
        Some("paste 1")
    );
    let status = state.status.as_ref().unwrap();
    assert_eq!(status.level, Level::Info);
    assert!(
        status.text.starts_with("paste 1: a Response for "),
        "{}",
        status.text
    );
    paste_sample(&mut shell, &mut state, "okta-email.b64");
    assert_eq!(state.traces.cursor, 3);
    assert_eq!(
        state.selected().map(|r| r.facts.source.as_str()),
        Some("paste 2")
    );
}

#[test]
fn a_paste_that_is_not_saml_is_an_error_row_and_an_error_line() {
    let (mut shell, mut state) = started();
    shell.send(
        &mut state,
        Action::Paste("hello, this is not a payload".into()),
    );
    let row = state.selected().unwrap();
    assert_eq!(row.facts.kind, Kind::Failed);
    assert_eq!(row.judgement, Judgement::NotApplicable);
    assert_eq!(state.status.as_ref().map(|s| s.level), Some(Level::Error));
}

#[test]
fn a_paste_hidden_by_the_filter_clears_it() {
    let (mut shell, mut state) = started();
    shell.send(&mut state, key('/'));
    shell.send_all(&mut state, typed("bob"));
    shell.send(&mut state, code(KeyCode::Enter));
    assert_eq!(state.traces.visible.len(), 1);
    paste_sample(&mut shell, &mut state, "compare-not-found.xml");
    assert!(state.traces.filter.is_empty());
    assert_eq!(state.traces.visible.len(), 3);
    assert_eq!(words(&state)[state.traces.cursor], "not found");
}

#[test]
fn a_paste_in_a_prompt_is_typed_there() {
    let (mut shell, mut state) = started();
    shell.send(&mut state, key('o'));
    shell.send(&mut state, Action::Paste("samples/google.xml\n".into()));
    let Mode::Prompt(p) = &state.mode else {
        panic!("expected the open prompt")
    };
    assert_eq!(p.line.text(), "samples/google.xml");
    assert_eq!(state.traces.rows.len(), 2, "nothing decoded");
    shell.send(&mut state, code(KeyCode::Enter));
    assert_eq!(state.traces.rows.len(), 3);
    assert!(shell.watched.contains(&relative("google.xml")));
}

#[test]
fn the_paste_prompt_decodes_what_is_typed() {
    let (mut shell, mut state) = started();
    shell.send(&mut state, key('p'));
    let text = std::fs::read_to_string(sample("okta-email.b64")).unwrap();
    shell.send_all(&mut state, typed(text.trim()));
    shell.send(&mut state, code(KeyCode::Enter));
    assert_eq!(selected_name(&state).as_deref(), Some("alice@example.com"));
}

#[test]
fn the_filter_follows_typing_and_esc_puts_it_back() {
    let (mut shell, mut state) = started();
    shell.send(&mut state, key('/'));
    shell.send_all(&mut state, typed("near"));
    assert_eq!(words(&state), ["near match"]);
    shell.send(&mut state, code(KeyCode::Esc));
    assert_eq!(state.mode, Mode::Normal);
    assert_eq!(words(&state), ["match", "near match"]);
    // By email and by the verdict's words, every word must match.
    shell.send(&mut state, key('/'));
    shell.send_all(&mut state, typed("alice@EXAMPLE match"));
    shell.send(&mut state, code(KeyCode::Enter));
    assert_eq!(words(&state), ["match"]);
    assert_eq!(state.traces.filter, "alice@EXAMPLE match");
    // Esc on the list clears a filter before it quits.
    shell.send(&mut state, code(KeyCode::Esc));
    assert!(state.traces.filter.is_empty());
    assert_eq!(state.phase, Phase::Running);
    shell.send(&mut state, code(KeyCode::Esc));
    assert_eq!(state.phase, Phase::Done);
}

#[test]
fn keys_move_switch_tabs_and_focus() {
    let (mut shell, mut state) = started();
    shell.send(&mut state, key('j'));
    assert_eq!(state.traces.cursor, 1);
    shell.send(&mut state, key('j'));
    assert_eq!(state.traces.cursor, 1, "stays on the last");
    shell.send(&mut state, key('g'));
    assert_eq!(state.traces.cursor, 0);
    shell.send(&mut state, code(KeyCode::Tab));
    assert_eq!(state.tab, Tab::Attributes);
    shell.send(&mut state, code(KeyCode::BackTab));
    shell.send(&mut state, code(KeyCode::BackTab));
    assert_eq!(state.tab, Tab::Audit);
    shell.send(&mut state, code(KeyCode::BackTab));
    assert_eq!(state.tab, Tab::Fix);
    shell.send(&mut state, key('5'));
    assert_eq!(state.tab, Tab::Xml);
    shell.send(&mut state, code(KeyCode::Enter));
    assert_eq!(state.focus, Focus::Details);
    shell.send(&mut state, code(KeyCode::PageDown));
    assert!(state.scroll > 0, "the XML scrolls");
    assert_eq!(state.traces.cursor, 0, "the list did not move");
    shell.send(&mut state, code(KeyCode::End));
    let end = state.scroll;
    shell.send(&mut state, key('j'));
    assert_eq!(state.scroll, end, "not past the end");
    shell.send(&mut state, code(KeyCode::Esc));
    assert_eq!(state.focus, Focus::List);
    shell.send(&mut state, key('j'));
    assert_eq!(state.scroll, 0, "a new message starts at the top");
    shell.send(&mut state, key('q'));
    assert_eq!(state.phase, Phase::Done);
}

#[test]
fn an_edited_identity_file_is_read_again_and_verdicts_change() {
    let dir = tempfile::tempdir().unwrap();
    let ids = dir.path().join("ids.json");
    std::fs::copy(sample("identities.scim.json"), &ids).unwrap();
    let mut config = config_with(&TWO, None);
    config.identity_sources = vec![scim::Source::File(ids.clone())];
    let (mut shell, mut state) = Shell::start(config);
    assert_eq!(words(&state), ["match", "near match"]);
    let text = std::fs::read_to_string(&ids).unwrap();
    std::fs::write(
        &ids,
        text.replace("\"bob@example.com\"", "\"Bob@Example.com\""),
    )
    .unwrap();
    shell.send(&mut state, Action::FileChanged(ids));
    assert_eq!(words(&state), ["match", "match"]);
    assert_eq!(state.identities.generation, 2);
}

#[test]
fn results_of_an_older_read_are_ignored() {
    let (mut shell, mut state) = started();
    shell.hold_identities = true;
    shell.send(&mut state, key('r'));
    assert_eq!(state.identities.generation, 2);
    let stale = Arc::new(People::default());
    shell.send(
        &mut state,
        Action::IdentitiesLoaded {
            generation: 1,
            result: Ok(stale),
        },
    );
    assert_eq!(
        state.identities.people.as_ref().map(|p| p.identities.len()),
        Some(7)
    );
    shell.send(
        &mut state,
        Action::Judged {
            generation: 1,
            verdicts: Vec::new(),
        },
    );
    assert_eq!(words(&state), ["match", "near match"]);
}

#[test]
fn an_edited_message_file_keeps_the_selection_in_place() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("two.txt");
    let b64 = |n: &str| std::fs::read_to_string(sample(n)).unwrap();
    std::fs::write(
        &file,
        format!(
            "{}\n{}",
            b64("okta-email.b64").trim(),
            b64("compare-near-match.b64").trim()
        ),
    )
    .unwrap();
    let mut config = config_with(&[], Some("identities.scim.json"));
    config.inputs = vec![file.clone()];
    let (mut shell, mut state) = Shell::start(config);
    shell.send(&mut state, key('j'));
    assert_eq!(selected_name(&state).as_deref(), Some("Bob@Example.com"));
    std::fs::write(
        &file,
        format!(
            "{}\n{}",
            b64("okta-email.b64").trim(),
            b64("failed-status.b64").trim()
        ),
    )
    .unwrap();
    shell.send(&mut state, Action::FileChanged(file));
    assert_eq!(state.traces.rows.len(), 2);
    assert_eq!(
        state.traces.cursor, 1,
        "the second message of the file, read again"
    );
    assert!(state.status.as_ref().unwrap().text.starts_with("read "));
}

#[test]
fn a_list_that_cannot_be_read_is_said_and_messages_have_no_verdict() {
    let (mut shell, state) = (
        Shell::default(),
        State::new(config_with(&TWO, Some("nonexistent.csv"))),
    );
    let mut state = state;
    shell.send_all(&mut state, [Action::Tick(at()), Action::Start]);
    assert!(matches!(state.identities.load, IdentityLoad::Failed(_)));
    assert_eq!(words(&state), ["no list", "no list"]);
    assert_eq!(state.status.as_ref().map(|s| s.level), Some(Level::Error));
}

#[test]
fn a_failed_read_again_keeps_the_last_list() {
    let (mut shell, mut state) = started();
    shell.hold_identities = true;
    shell.send(&mut state, key('r'));
    shell.send(
        &mut state,
        Action::IdentitiesLoaded {
            generation: 2,
            result: Err("HTTP 503".into()),
        },
    );
    assert_eq!(
        state.identities.load,
        IdentityLoad::Failed("HTTP 503".into())
    );
    assert!(state.identities.people.is_some());
    assert_eq!(words(&state), ["match", "near match"]);
}

#[test]
fn progress_of_a_fetch_is_kept_for_the_header() {
    let (mut shell, mut state) = started();
    shell.hold_identities = true;
    shell.send(&mut state, key('r'));
    let progress = scim::Progress::Fetched {
        identities: 300,
        total: Some(1200),
    };
    shell.send(
        &mut state,
        Action::IdentityProgress {
            generation: 2,
            progress: progress.clone(),
        },
    );
    assert_eq!(
        state.identities.load,
        IdentityLoad::Loading {
            progress: Some(progress)
        }
    );
}

#[test]
fn y_copies_what_matters_on_each_tab() {
    let (mut shell, mut state) = started();
    shell.send(&mut state, key('y'));
    assert_eq!(
        shell.copied.last().map(String::as_str),
        Some("0b1d561c-21ff-4092-beab-8154b17f82f2")
    );
    shell.send_all(&mut state, [key('j'), key('4'), key('y')]);
    let fix = shell.copied.last().unwrap();
    assert!(fix.starts_with("curl --request PATCH"), "{fix}");
    assert!(fix.contains("/api/v4/groups/acme/scim/"), "{fix}");
    shell.send_all(&mut state, [key('5'), key('y')]);
    assert!(shell.copied.last().unwrap().starts_with("<samlp:Response"));
    shell.send_all(
        &mut state,
        [key('6'), code(KeyCode::Enter), key('G'), key('y')],
    );
    assert_eq!(shell.copied.last().map(String::as_str), Some("kim.lee "));
    assert!(state.status.as_ref().unwrap().text.contains("OSC 52"));
}

#[test]
fn export_writes_what_is_shown_and_asks_before_overwriting() {
    let (mut shell, mut state) = started();
    shell.send(&mut state, key('e'));
    let Mode::Prompt(p) = &state.mode else {
        panic!()
    };
    assert_eq!(p.line.text(), "samltrace-export.json");
    shell.send(&mut state, code(KeyCode::Enter));
    assert_eq!(
        shell.exported,
        [(std::path::PathBuf::from("samltrace-export.json"), 2)]
    );
    // A file that exists: the question, then y.
    shell.existing.push("out.json".into());
    shell.send_all(&mut state, [key('/')]);
    shell.send_all(&mut state, typed("near"));
    shell.send_all(
        &mut state,
        [
            code(KeyCode::Enter),
            key('e'),
            Action::Edit(super::super::keys::Edit::Clear),
        ],
    );
    shell.send_all(&mut state, typed("out.json"));
    shell.send(&mut state, code(KeyCode::Enter));
    assert_eq!(
        state.mode,
        Mode::Confirm(Confirm::Overwrite("out.json".into()))
    );
    shell.send(&mut state, key('y'));
    assert_eq!(shell.exported.last(), Some(&("out.json".into(), 1)));
    assert_eq!(state.mode, Mode::Normal);
}

#[test]
fn searching_the_xml_jumps_to_each_hit() {
    let (mut shell, mut state) = started();
    shell.send(&mut state, Action::Resize(Size::new(80, 24)));
    shell.send_all(&mut state, [key('5'), code(KeyCode::Enter), key('/')]);
    shell.send_all(&mut state, typed("attributevalue"));
    shell.send(&mut state, code(KeyCode::Enter));
    let search = state.search.clone().unwrap();
    assert!(search.lines.len() >= 3, "{search:?}");
    assert_eq!(search.current, Some(0));
    let first = state.scroll;
    assert!(first > 0);
    shell.send(&mut state, key('n'));
    assert_eq!(state.search.as_ref().unwrap().current, Some(1));
    assert!(state.scroll > first);
    shell.send(&mut state, key('N'));
    assert_eq!(state.scroll, first);
    // Another message: the search is redone in its XML.
    shell.send_all(&mut state, [code(KeyCode::Esc), key('j')]);
    assert!(!state.search.as_ref().unwrap().lines.is_empty());
    assert_eq!(state.search.as_ref().unwrap().current, None);
}

#[test]
fn the_identities_tab_filters_and_follows_the_selected_message() {
    let (mut shell, mut state) = started();
    shell.send(&mut state, key('6'));
    assert_eq!(
        state.identities.selected(),
        Some(0),
        "alice, matched by the first"
    );
    shell.send(&mut state, key('j'));
    let bob = state.identities.selected_identity().unwrap();
    assert_eq!(bob.user_name.as_deref(), Some("bob"));
    shell.send_all(&mut state, [code(KeyCode::Enter), key('/')]);
    shell.send_all(&mut state, typed("SMITH"));
    shell.send(&mut state, code(KeyCode::Enter));
    assert_eq!(state.identities.visible.len(), 2);
    shell.send(&mut state, key('j'));
    assert_eq!(state.identities.cursor, 1);
    assert_eq!(state.traces.cursor, 1, "the list did not move");
}

#[test]
fn info_fades_after_a_few_seconds_and_errors_stay() {
    let (mut shell, mut state) = started();
    let status = state.status.as_ref().unwrap();
    assert_eq!(status.level, Level::Warn, "the list has problems");
    assert!(
        status.text.ends_with(" · 2 problems or notes (tab 6)"),
        "{}",
        status.text
    );
    shell.send(&mut state, Action::Notice(Level::Info, "hello".into()));
    shell.send(
        &mut state,
        Action::Tick(at() + jiff::SignedDuration::from_secs(3)),
    );
    assert!(state.status.is_some());
    shell.send(
        &mut state,
        Action::Tick(at() + jiff::SignedDuration::from_secs(7)),
    );
    assert!(state.status.is_none());
    shell.send(&mut state, Action::Notice(Level::Error, "bad".into()));
    shell.send(
        &mut state,
        Action::Tick(at() + jiff::SignedDuration::from_secs(60)),
    );
    assert!(state.status.is_some());
}

#[test]
fn a_signal_ends_the_loop() {
    let (mut shell, mut state) = started();
    shell.send(&mut state, Action::Signal("SIGTERM"));
    assert_eq!(state.phase, Phase::Signalled("SIGTERM"));
}

#[test]
fn a_smaller_screen_keeps_the_selection_in_view() {
    let inputs = [
        "several.txt",
        "compare-match.xml",
        "compare-near-match.xml",
        "compare-mismatch.xml",
        "compare-inactive.xml",
        "compare-ambiguous.xml",
        "compare-not-found.xml",
    ];
    let (mut shell, mut state) = Shell::start(config_with(&inputs, Some("identities.scim.json")));
    shell.send(&mut state, Action::Resize(Size::new(160, 45)));
    shell.send(&mut state, key('G'));
    let last = state.traces.visible.len() - 1;
    assert_eq!(state.traces.cursor, last);
    shell.send(&mut state, Action::Resize(Size::new(80, 24)));
    let rows = state.areas().list_rows();
    assert!(state.traces.offset + rows > last && state.traces.offset <= last);
}

#[test]
fn d_removes_the_selected_message() {
    let (mut shell, mut state) = started();
    shell.send(&mut state, key('d'));
    assert_eq!(words(&state), ["near match"]);
    assert_eq!(state.inputs.len(), 1);
}

#[test]
fn help_opens_scrolls_and_closes() {
    let (mut shell, mut state) = started();
    shell.send(&mut state, key('?'));
    assert_eq!(state.mode, Mode::Help { scroll: 0 });
    shell.send(&mut state, key('j'));
    assert_eq!(state.mode, Mode::Help { scroll: 1 });
    shell.send(&mut state, key('x'));
    assert_eq!(state.mode, Mode::Normal);
    assert_eq!(state.phase, Phase::Running);
}

#[test]
fn refresh_without_a_list_says_how_to_get_one() {
    let (mut shell, mut state) = Shell::start(config_with(&TWO, None));
    shell.send(&mut state, key('r'));
    assert!(
        state
            .status
            .as_ref()
            .unwrap()
            .text
            .starts_with("no identity list")
    );
    shell.send(&mut state, key('i'));
    shell.send_all(&mut state, typed("samples/identities.csv"));
    shell.send(&mut state, code(KeyCode::Enter));
    assert_eq!(words(&state), ["match", "near match"]);
    assert!(shell.watched.contains(&relative("identities.csv")));
}

#[test]
fn tab_completes_a_path_in_the_open_prompt() {
    let (mut shell, mut state) = started();
    shell.send(&mut state, key('o'));
    shell.send_all(&mut state, typed("sam"));
    shell.send(&mut state, code(KeyCode::Tab));
    let Mode::Prompt(p) = &state.mode else {
        panic!()
    };
    assert_eq!(p.line.text(), "sam-");
    assert_eq!(p.candidates, ["sam-one", "sam-two"]);
    // A completion for older text is ignored.
    shell.send(
        &mut state,
        Action::Completed {
            text: "other".into(),
            candidates: vec!["other.xml".into()],
        },
    );
    let Mode::Prompt(p) = &state.mode else {
        panic!()
    };
    assert_eq!(p.line.text(), "sam-");
}

#[test]
fn commands_work_with_no_message_at_all() {
    let (mut shell, mut state) = Shell::start(config_with(&[], None));
    for c in [
        Command::Up,
        Command::Down,
        Command::PageDown,
        Command::Bottom,
        Command::Details,
        Command::NextMatch,
        Command::Copy,
        Command::Delete,
        Command::Refresh,
        Command::NextTab,
    ] {
        shell.send(&mut state, Action::Command(c));
    }
    shell.send(&mut state, key('e'));
    shell.send(&mut state, code(KeyCode::Enter));
    assert!(shell.exported.is_empty());
    assert_eq!(state.phase, Phase::Running);
}

/// Regression: `reading x…` stayed on the status line after x had been read, for the six
/// seconds information stays; what was read is said instead.
#[test]
fn reading_goes_from_the_status_line_when_the_file_is_read() {
    let (mut shell, mut state) = started();
    shell.hold_decodes = true;
    shell.send(&mut state, key('o'));
    shell.send_all(&mut state, typed("samples/google.xml"));
    shell.send(&mut state, code(KeyCode::Enter));
    let text = |s: &State| {
        s.status
            .as_ref()
            .map(|s| s.text.clone())
            .unwrap_or_default()
    };
    assert_eq!(text(&state), "reading samples/google.xml…");
    shell.release(&mut state);
    assert!(
        text(&state).starts_with("read samples/google.xml: a Response for "),
        "{}",
        text(&state)
    );
    // A file that cannot be read says so in place of `reading`.
    shell.hold_decodes = true;
    shell.send(&mut state, key('o'));
    shell.send_all(&mut state, typed("samples/nonexistent.xml"));
    shell.send(&mut state, code(KeyCode::Enter));
    shell.release(&mut state);
    assert!(
        text(&state).contains("nonexistent.xml: "),
        "{}",
        text(&state)
    );
    assert_eq!(state.status.as_ref().map(|s| s.level), Some(Level::Error));
}

/// Regression: the search's `match 1 of 3` stayed on the status line after leaving the XML
/// tab, and after moving to a message where it was no longer true.
#[test]
fn the_search_message_goes_with_the_xml_it_is_about() {
    let (mut shell, mut state) = started();
    let search = |shell: &mut Shell, state: &mut State| {
        shell.send_all(state, [key('5'), code(KeyCode::Enter), key('/')]);
        shell.send(state, Action::Edit(super::super::keys::Edit::Clear));
        shell.send_all(state, typed("attributevalue"));
        shell.send(state, code(KeyCode::Enter));
        let status = state.status.clone().unwrap();
        assert_eq!(status.topic, Topic::Search);
        assert!(status.text.starts_with("match 1 of "), "{}", status.text);
    };
    search(&mut shell, &mut state);
    shell.send(&mut state, key('1'));
    assert_eq!(state.status, None, "left the XML tab");
    search(&mut shell, &mut state);
    shell.send_all(&mut state, [code(KeyCode::Esc), key('j')]);
    assert_eq!(state.status, None, "another message");
    assert!(state.search.is_some(), "the search itself stays");
    // Other messages stay when the tab changes.
    shell.send(&mut state, Action::Notice(Level::Warn, "kept".into()));
    shell.send(&mut state, key('2'));
    assert_eq!(state.status.map(|s| s.text), Some("kept".into()));
}

/// Regression: `i` with a URL that failed left the earlier list in the header, named as read
/// from the URL, and its verdicts as if nothing had happened. They are kept, marked stale,
/// until a read succeeds.
#[test]
fn a_failed_reload_marks_the_verdicts_stale_until_one_succeeds() {
    let (mut shell, mut state) = started();
    shell.send(&mut state, key('i'));
    shell.send(&mut state, Action::Edit(super::super::keys::Edit::Clear));
    shell.send_all(&mut state, typed("http://127.0.0.1:9/groups/acme"));
    shell.send(&mut state, code(KeyCode::Enter));
    let error = "http://127.0.0.1:9/groups/acme: no network in tests";
    assert_eq!(state.identities.stale.as_deref(), Some(error));
    assert_eq!(
        state.status.as_ref().map(|s| (s.level, s.text.as_str())),
        Some((Level::Error, error))
    );
    let people = state.identities.people.as_ref().unwrap();
    assert_eq!(people.inputs, ["samples/identities.scim.json"]);
    assert_eq!(words(&state), ["match", "near match"], "kept");
    assert!(state.shown().stale.is_some());
    // Trying again does not make them fresh; a read that works does.
    shell.send(&mut state, key('r'));
    assert!(state.identities.stale.is_some());
    shell.send(&mut state, key('i'));
    shell.send(&mut state, Action::Edit(super::super::keys::Edit::Clear));
    shell.send_all(&mut state, typed("samples/identities.csv"));
    shell.send(&mut state, code(KeyCode::Enter));
    assert_eq!(state.identities.stale, None);
    assert_eq!(state.identities.load, IdentityLoad::Ready);
    assert_eq!(words(&state), ["match", "near match"]);
}

#[test]
fn a_list_that_never_read_is_not_stale() {
    let (_, state) = Shell::start(config_with(&TWO, Some("nonexistent.csv")));
    assert!(matches!(state.identities.load, IdentityLoad::Failed(_)));
    assert_eq!(state.identities.stale, None);
}

/// Regression: `/` opened the search prompt holding the last search, so typing a new one
/// appended to it ("attributevalueattributevalue"). It opens empty; ↑ puts the last back, Esc
/// keeps it.
#[test]
fn slash_opens_an_empty_prompt_and_up_recalls_the_last() {
    let (mut shell, mut state) = started();
    shell.send_all(&mut state, [key('5'), code(KeyCode::Enter), key('/')]);
    shell.send_all(&mut state, typed("attributevalue"));
    shell.send(&mut state, code(KeyCode::Enter));
    let first = state.search.clone().unwrap();
    shell.send(&mut state, key('/'));
    let Mode::Prompt(p) = &state.mode else {
        panic!("expected the search prompt")
    };
    assert_eq!(p.line.text(), "", "empty");
    assert_eq!(p.recall.as_deref(), Some("attributevalue"));
    let screen = super::super::testing::screen(&mut state, 80, 24);
    let last = screen.lines().last().unwrap_or_default();
    assert!(
        last.starts_with("\"Search the XML:    ↑ recalls attributevalue"),
        "{screen}"
    );
    shell.send_all(&mut state, typed("nameid"));
    shell.send(&mut state, code(KeyCode::Enter));
    assert_eq!(
        state.search.as_ref().map(|s| s.query.as_str()),
        Some("nameid")
    );
    // ↑ recalls, Esc keeps what was in force.
    shell.send_all(&mut state, [key('/'), code(KeyCode::Up)]);
    let Mode::Prompt(p) = &state.mode else {
        panic!()
    };
    assert_eq!(p.line.text(), "nameid");
    shell.send_all(&mut state, typed("x"));
    shell.send(&mut state, code(KeyCode::Esc));
    assert_eq!(
        state.search.as_ref().map(|s| s.query.as_str()),
        Some("nameid")
    );
    assert_ne!(first.query, "nameid");
    // The message filter too.
    shell.send_all(&mut state, [code(KeyCode::Esc), key('1'), key('/')]);
    shell.send_all(&mut state, typed("bob"));
    shell.send_all(&mut state, [code(KeyCode::Enter), key('/')]);
    shell.send_all(&mut state, typed("alice"));
    assert_eq!(state.traces.filter, "alice");
    assert_eq!(words(&state), ["match"]);
}

/// Regression: `/` on the XML tab with the focus on the list filtered the messages, and `n`
/// then said "press / on the XML tab" while that tab was open. `/` searches the tab shown.
#[test]
fn slash_on_the_xml_tab_searches_it_from_the_list_too() {
    let (mut shell, mut state) = started();
    shell.send(&mut state, key('n'));
    let said = |s: &State| {
        s.status
            .as_ref()
            .map(|s| s.text.clone())
            .unwrap_or_default()
    };
    assert!(said(&state).contains("on the XML tab"), "{}", said(&state));
    shell.send_all(&mut state, [key('5'), key('n')]);
    assert_eq!(
        said(&state),
        "no search yet: press / to search this message's XML"
    );
    assert_eq!(state.focus, Focus::List);
    shell.send(&mut state, key('/'));
    let Mode::Prompt(p) = &state.mode else {
        panic!("a prompt")
    };
    assert_eq!(p.kind, PromptKind::SearchXml);
    shell.send_all(&mut state, typed("attributevalue"));
    shell.send(&mut state, code(KeyCode::Enter));
    assert!(
        state.traces.filter.is_empty(),
        "the messages are not filtered"
    );
    assert_eq!(state.traces.visible.len(), 2);
    let search = state.search.clone().unwrap();
    assert_eq!(search.current, Some(0));
    shell.send(&mut state, key('n'));
    assert_eq!(state.search.as_ref().unwrap().current, Some(1));
    let n = search.lines.len();
    assert_eq!(said(&state), format!("match 2 of {n}"));
    // The list still moves with the focus on it, and the search follows the message.
    shell.send(&mut state, key('j'));
    assert_eq!(state.traces.cursor, 1);
    // On Identities, `/` filters identities; elsewhere the messages.
    shell.send_all(&mut state, [key('6'), key('/')]);
    assert!(matches!(&state.mode, Mode::Prompt(p) if p.kind == PromptKind::FilterIdentities));
    shell.send_all(&mut state, [code(KeyCode::Esc), key('1'), key('/')]);
    assert!(matches!(&state.mode, Mode::Prompt(p) if p.kind == PromptKind::FilterTraces));
}

fn key_events(text: &str) -> Vec<KeyEvent> {
    text.chars()
        .map(|c| match c {
            '\n' => KeyEvent::new(KeyCode::Enter, KeyModifiers::NONE),
            c => KeyEvent::new(KeyCode::Char(c), KeyModifiers::NONE),
        })
        .collect()
}

/// Regression: in a terminal without bracketed paste, a pasted payload arrived as keys and ran
/// as commands: its `d`s deleted messages and its first `q` quit. Keys that arrive together
/// and are text are a paste.
#[test]
fn keys_that_arrive_together_are_pasted_not_run() {
    let (mut shell, mut state) = started();
    let b64 = std::fs::read_to_string(sample("okta-email.b64")).unwrap();
    assert!(b64.contains('q') && b64.contains('d'));
    shell.send(&mut state, Action::Keys(key_events(&b64)));
    assert_eq!(state.phase, Phase::Running, "not quit");
    assert_eq!(state.traces.rows.len(), 3, "nothing deleted, one added");
    assert_eq!(selected_name(&state).as_deref(), Some("alice@example.com"));
    // Into an open prompt, the burst is typed.
    shell.send(&mut state, key('o'));
    shell.send(&mut state, Action::Keys(key_events("samples/google.xml")));
    let Mode::Prompt(p) = &state.mode else {
        panic!("the prompt is still open")
    };
    assert_eq!(p.line.text(), "samples/google.xml");
    shell.send(&mut state, code(KeyCode::Esc));
    // A few keys pressed quickly are commands still.
    shell.send(&mut state, Action::Keys(key_events("gd")));
    assert_eq!(state.traces.rows.len(), 2, "d deleted the first");
    shell.send(&mut state, Action::Keys(key_events("jq")));
    assert_eq!(state.phase, Phase::Done);
}

/// `--refresh SECS` (issue 13, item 6): the list is read again that long after the last read
/// ended, never while one is under way, and the header says how often.
#[test]
fn refresh_reads_the_list_again_when_it_is_due() {
    let mut config = config_with(&TWO, Some("identities.scim.json"));
    config.refresh = Some(std::time::Duration::from_secs(30));
    let (mut shell, mut state) = Shell::start(config);
    assert_eq!(state.identities.load, IdentityLoad::Ready);
    let ended = state.identities.ended_at.expect("the first read ended");
    let generation = state.identities.generation;
    let at = |secs: i64| {
        ended
            .checked_add(jiff::SignedDuration::from_secs(secs))
            .unwrap()
    };
    shell.send(&mut state, Action::Tick(at(29)));
    assert_eq!(state.identities.generation, generation, "not yet due");
    shell.send(&mut state, Action::Tick(at(30)));
    assert_eq!(state.identities.generation, generation + 1, "read again");
    assert_eq!(state.identities.load, IdentityLoad::Ready);
    assert_eq!(state.identities.ended_at, Some(at(30)));
    assert_eq!(words(&state), ["match", "near match"], "judged again");
    // A list that changed between reads changes the verdicts.
    let dir = tempfile::tempdir().unwrap();
    let list = dir.path().join("ids.csv");
    let header = "source,user_id,username,email,extern_uid,active\n";
    let alice = "scim_group,48,alice,alice@example.com,0b1d561c-21ff-4092-beab-8154b17f82f2,true\n";
    std::fs::write(&list, format!("{header}{alice}")).unwrap();
    let mut config = config_with(&TWO, None);
    config.identity_sources = vec![crate::scim::Source::File(list.clone())];
    config.refresh = Some(std::time::Duration::from_secs(10));
    let (mut live, mut changing) = Shell::start(config);
    assert_eq!(words(&changing), ["match", "not found"]);
    std::fs::write(
        &list,
        format!("{header}{alice}scim_group,49,bob,bob@example.com,bob@example.com,true\n"),
    )
    .unwrap();
    let due = changing
        .identities
        .ended_at
        .unwrap()
        .checked_add(jiff::SignedDuration::from_secs(10))
        .unwrap();
    live.send(&mut changing, Action::Tick(due));
    assert_eq!(words(&changing), ["match", "near match"]);
    let screen = super::super::testing::screen(&mut state, 120, 35);
    assert!(screen.contains("· every 30 s"), "{screen}");
    // Without --refresh nothing is read on a tick.
    let (mut shell, mut state) = started();
    let generation = state.identities.generation;
    let later = state
        .now
        .checked_add(jiff::SignedDuration::from_hours(24))
        .unwrap();
    shell.send(&mut state, Action::Tick(later));
    assert_eq!(state.identities.generation, generation);
}

/// dave's NameID against his GUID (mismatch), bob's in another case (near match): both signed
/// by samples/keys, so with the certificate trusted each is a planned change.
const FIXABLE: [&str; 2] = ["compare-mismatch.xml", "compare-near-match.xml"];

#[test]
fn f_plans_the_selected_message_then_all_and_a_asks_before_applying() {
    let (mut shell, mut state) =
        Shell::start_trusting(config_with(&FIXABLE, Some("identities.scim.json")));
    shell.send(&mut state, key('F'));
    assert_eq!(state.tab, Tab::Fix);
    assert_eq!(state.fix.scope, Scope::Selected);
    let plan = state.fix.plan.as_ref().expect("a plan");
    let pairs: Vec<(&str, &str)> = plan
        .changes
        .iter()
        .map(|c| (c.from.as_str(), c.to.as_str()))
        .collect();
    assert_eq!(pairs.len(), 1, "{plan:?}");
    assert_eq!(pairs[0].1, "dave@example.com");
    assert!(plan.refused.is_empty(), "{:?}", plan.refused);
    // F again: every message.
    shell.send(&mut state, key('F'));
    assert_eq!(state.fix.scope, Scope::All);
    let plan = state.fix.plan.as_ref().expect("a plan");
    let to: Vec<&str> = plan.changes.iter().map(|c| c.to.as_str()).collect();
    assert_eq!(to, ["dave@example.com", "Bob@Example.com"]);
    let text = screen(&mut state, 100, 40);
    assert!(text.contains("Fix plan  for all 2 messages"), "{text}");
    assert!(
        text.contains("2 changes · 0 refused · at most 20"),
        "{text}"
    );
    assert!(text.contains("A: make these changes"), "{text}");
    // A asks; n changes nothing.
    shell.send(&mut state, key('A'));
    assert!(matches!(
        &state.mode,
        Mode::Confirm(Confirm::ApplyFix { changes: 2, group, .. }) if group == "acme"
    ));
    let text = screen(&mut state, 100, 40);
    assert!(text.contains("Change 2 identities of group acme"), "{text}");
    shell.send(&mut state, key('n'));
    assert!(shell.fixes.is_empty());
    assert_eq!(state.mode, Mode::Normal);
    // y hands the changes to a worker; its reports are shown as they come.
    shell.send(&mut state, key('A'));
    shell.send(&mut state, key('y'));
    assert_eq!(shell.fixes.len(), 1);
    assert_eq!(shell.fixes[0].len(), 2);
    let generation = state.identities.generation;
    let change = &shell.fixes[0][0].1;
    let outcome = crate::repair::apply::Outcome {
        from: change.from.clone(),
        to: change.to.clone(),
        user_id: change.person.user_id,
        fate: crate::repair::apply::Fate::Applied,
        status: Some(204),
        why: None,
    };
    shell.send(
        &mut state,
        Action::Fixing(FixEvent::Log("samltrace-fix-x.jsonl".into())),
    );
    shell.send(&mut state, Action::Fixing(FixEvent::Outcome(outcome)));
    let text = screen(&mut state, 100, 40);
    assert!(text.contains("applied (HTTP 204)"), "{text}");
    assert!(text.contains("waiting for 1 more…"), "{text}");
    assert!(text.contains("1 of 2 changes answered, running"), "{text}");
    shell.send(&mut state, Action::Fixing(FixEvent::Ended(None)));
    assert!(state.fix.run.as_ref().is_some_and(|r| r.finished));
    assert!(
        state.identities.generation > generation,
        "the list is read again after the run"
    );
    let text = screen(&mut state, 100, 40);
    assert!(
        text.contains("undo: samltrace scim fix --undo samltrace-fix-x.jsonl --apply"),
        "{text}"
    );
}

#[test]
fn f_refuses_an_unverified_response_and_a_has_nothing_to_apply() {
    let (mut shell, mut state) = Shell::start(config_with(&FIXABLE, Some("identities.scim.json")));
    shell.send(&mut state, key('F'));
    let plan = state.fix.plan.as_ref().expect("a plan");
    assert!(plan.changes.is_empty());
    assert_eq!(plan.refused.len(), 1);
    assert_eq!(plan.refused[0].guard, crate::repair::Guard::Unverified);
    shell.send(&mut state, key('A'));
    assert_eq!(state.mode, Mode::Normal);
    assert!(shell.fixes.is_empty());
    assert_eq!(
        state.status.as_ref().map(|s| s.text.as_str()),
        Some("nothing to change")
    );
    // Without a list there is no plan, and the tab says how to get one.
    let (mut shell, mut state) = Shell::start(config_with(&FIXABLE, None));
    shell.send(&mut state, key('F'));
    assert!(state.fix.plan.is_none());
    let text = screen(&mut state, 100, 30);
    assert!(text.contains("No identity list: give one (i)"), "{text}");
}

#[test]
fn the_audit_tab_joins_the_scim_log_the_list_and_the_messages() {
    let mut config = config_with(
        &["compare-mismatch.xml", "compare-match.xml"],
        Some("identities.scim.json"),
    );
    let log = std::fs::read(sample("scim-api_json.log")).unwrap();
    let mut requests = Vec::new();
    crate::scim::log::read_log("scim-api_json.log", &log[..], &mut |r| requests.push(r)).unwrap();
    config.scim_logs = vec!["scim-api_json.log".into()];
    config.scim_requests = Arc::new(requests);
    let (mut shell, mut state) = Shell::start(config);
    shell.send(&mut state, key('8'));
    assert_eq!(state.tab, Tab::Audit);
    let audit = state.audit.audit.as_ref().expect("an audit");
    let dave = audit.people.iter().find(|p| p.person == "dave").unwrap();
    assert_eq!(dave.name_ids, ["dave@example.com"]);
    let codes: Vec<&str> = dave.diagnoses.iter().map(|d| d.code).collect();
    assert_eq!(codes, ["chain_broken"]);
    let n = audit.people.len();
    let text = screen(&mut state, 120, 60);
    assert!(text.contains("SCIM audit"), "{text}");
    assert!(text.contains("with something to fix"), "{text}");
    assert!(text.contains("! chain_broken"), "{text}");
    assert!(text.contains("GitLab SCIM extern_uid"), "{text}");
    // Deleting dave's message takes his NameID out of the audit.
    shell.send(&mut state, code(KeyCode::Home));
    shell.send(&mut state, key('d'));
    let audit = state.audit.audit.as_ref().expect("an audit");
    let dave = audit.people.iter().find(|p| p.person == "dave").unwrap();
    assert!(dave.name_ids.is_empty(), "{dave:?}");
    assert_eq!(audit.people.len(), n);
    // With neither a log nor a list, the tab says what it needs.
    let (mut shell, mut state) = Shell::start(config_with(&["compare-match.xml"], None));
    shell.send(&mut state, key('8'));
    assert!(state.audit.audit.is_none());
    let text = screen(&mut state, 100, 30);
    assert!(text.contains("Nothing to audit yet"), "{text}");
}
