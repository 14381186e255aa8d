//! The key bindings: one table that both decides what a key does and generates the `?` help, so
//! the two cannot drift apart.
//!
//! Pure: a key event in, a [`Command`] or an [`Edit`] out. What a command does in the current
//! state (move in the list, or scroll the details) is `app::update`'s business, not this
//! module's. No terminal I/O here: key events are plain data.

use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyEventKind, KeyModifiers};

use super::tab::Tab;

/// What a key asks for outside prompts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Command {
    Quit,
    /// Close the innermost thing: details focus, then the filter, then the program.
    Back,
    Help,
    Up,
    Down,
    PageUp,
    PageDown,
    Top,
    Bottom,
    /// Move the focus to the details.
    Details,
    /// Move the focus back to the list.
    List,
    NextTab,
    PrevTab,
    GoTab(Tab),
    Filter,
    NextMatch,
    PrevMatch,
    Open,
    PastePrompt,
    Identities,
    Export,
    Copy,
    Refresh,
    Delete,
    /// The Fix tab: the plan for the selected message; again, for all messages.
    Fix,
    /// Apply the Fix tab's plan (after asking).
    ApplyFix,
}

/// What a key asks for while a prompt is open.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Edit {
    Insert(char),
    Backspace,
    Delete,
    Left,
    Right,
    Home,
    End,
    DeleteWord,
    Clear,
    Complete,
    /// Put back the filter or search that was in force when the prompt opened.
    Recall,
    Submit,
    Cancel,
}

/// A key as the table writes it: a code and the modifiers that matter (Ctrl, Alt).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Key {
    pub code: KeyCode,
    pub modifiers: KeyModifiers,
}

const fn code(code: KeyCode) -> Key {
    Key {
        code,
        modifiers: KeyModifiers::NONE,
    }
}

const fn ch(c: char) -> Key {
    code(KeyCode::Char(c))
}

const fn ctrl(c: char) -> Key {
    Key {
        code: KeyCode::Char(c),
        modifiers: KeyModifiers::CONTROL,
    }
}

/// Which part of the help a binding is listed under.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Group {
    Move,
    Tabs,
    Act,
    Prompt,
}

impl Group {
    pub fn title(self) -> &'static str {
        match self {
            Group::Move => "Move",
            Group::Tabs => "Tabs",
            Group::Act => "Do",
            Group::Prompt => "In a prompt",
        }
    }
}

/// Keys, what they do, and the help line for them.
#[derive(Debug, Clone, Copy)]
pub struct Binding<C: 'static> {
    pub keys: &'static [Key],
    pub command: C,
    pub group: Group,
    pub help: &'static str,
    /// A word for the status line's key hints; empty when the binding is not hinted.
    pub hint: &'static str,
}

const fn bind<C>(keys: &'static [Key], command: C, group: Group, help: &'static str) -> Binding<C> {
    Binding {
        keys,
        command,
        group,
        help,
        hint: "",
    }
}

impl<C> Binding<C> {
    const fn hinted(mut self, hint: &'static str) -> Self {
        self.hint = hint;
        self
    }
}

const DIGITS: [Key; 8] = [
    ch('1'),
    ch('2'),
    ch('3'),
    ch('4'),
    ch('5'),
    ch('6'),
    ch('7'),
    ch('8'),
];

/// Every binding outside prompts, in help order.
pub const BINDINGS: &[Binding<Command>] = &[
    bind(
        &[code(KeyCode::Up), ch('k')],
        Command::Up,
        Group::Move,
        "previous message; in details: scroll up",
    ),
    bind(
        &[code(KeyCode::Down), ch('j')],
        Command::Down,
        Group::Move,
        "next message; in details: scroll down",
    ),
    bind(
        &[code(KeyCode::PageUp), ctrl('u')],
        Command::PageUp,
        Group::Move,
        "a page up",
    ),
    bind(
        &[code(KeyCode::PageDown), ctrl('d')],
        Command::PageDown,
        Group::Move,
        "a page down",
    ),
    bind(
        &[code(KeyCode::Home), ch('g')],
        Command::Top,
        Group::Move,
        "first",
    ),
    bind(
        &[code(KeyCode::End), ch('G')],
        Command::Bottom,
        Group::Move,
        "last",
    ),
    bind(
        &[code(KeyCode::Enter), code(KeyCode::Right), ch('l')],
        Command::Details,
        Group::Move,
        "focus the details (scroll them, pick an identity)",
    )
    .hinted("details"),
    bind(
        &[code(KeyCode::Left), ch('h')],
        Command::List,
        Group::Move,
        "focus the list of messages",
    ),
    bind(
        &[code(KeyCode::Tab)],
        Command::NextTab,
        Group::Tabs,
        "next tab",
    )
    .hinted("tabs"),
    bind(
        &[code(KeyCode::BackTab)],
        Command::PrevTab,
        Group::Tabs,
        "previous tab",
    ),
    bind(
        &DIGITS,
        Command::GoTab(Tab::Summary),
        Group::Tabs,
        "Summary, Attributes, Findings, Identity, XML, Identities, Fix, Audit",
    ),
    bind(
        &[ch('/')],
        Command::Filter,
        Group::Act,
        "filter messages (NameID, email, verdict); on XML: search it; on Identities: filter them",
    )
    .hinted("filter"),
    bind(
        &[ch('n')],
        Command::NextMatch,
        Group::Act,
        "next search match in the XML",
    ),
    bind(
        &[ch('N')],
        Command::PrevMatch,
        Group::Act,
        "previous search match in the XML",
    ),
    bind(
        &[ch('o')],
        Command::Open,
        Group::Act,
        "open a file (payloads of any form, several per file, or a HAR capture)",
    )
    .hinted("open"),
    bind(
        &[ch('p')],
        Command::PastePrompt,
        Group::Act,
        "type or paste a payload into a prompt (for terminals without bracketed paste)",
    ),
    bind(
        &[ch('i')],
        Command::Identities,
        Group::Act,
        "use an identity list: a file or a GitLab URL",
    ),
    bind(
        &[ch('r')],
        Command::Refresh,
        Group::Act,
        "reload the identity list (fetch it again from GitLab)",
    ),
    bind(
        &[ch('y')],
        Command::Copy,
        Group::Act,
        "copy: the NameID; the fix on Identity; the XML; the selected identity",
    )
    .hinted("copy"),
    bind(
        &[ch('e')],
        Command::Export,
        Group::Act,
        "export the messages shown as samltrace/v1 JSON to a file",
    ),
    bind(
        &[ch('F')],
        Command::Fix,
        Group::Act,
        "fix plan: extern_uid changes for the selected message; F again: for all messages",
    ),
    bind(
        &[ch('A')],
        Command::ApplyFix,
        Group::Act,
        "apply the fix plan through GitLab's API (asks first; logged, undoable with scim fix --undo)",
    ),
    bind(
        &[ch('d'), code(KeyCode::Delete)],
        Command::Delete,
        Group::Act,
        "remove the selected message from the list",
    ),
    bind(
        &[ch('?'), code(KeyCode::F(1))],
        Command::Help,
        Group::Act,
        "this help",
    )
    .hinted("help"),
    bind(
        &[code(KeyCode::Esc)],
        Command::Back,
        Group::Act,
        "back: leave the details, clear the filter, or quit",
    ),
    bind(&[ch('q'), ctrl('c')], Command::Quit, Group::Act, "quit").hinted("quit"),
];

/// Every binding inside prompts, in help order. Other characters are typed.
pub const PROMPT_BINDINGS: &[Binding<Edit>] = &[
    bind(
        &[code(KeyCode::Enter)],
        Edit::Submit,
        Group::Prompt,
        "accept",
    ),
    bind(
        &[code(KeyCode::Esc), ctrl('c')],
        Edit::Cancel,
        Group::Prompt,
        "cancel",
    ),
    bind(
        &[code(KeyCode::Tab)],
        Edit::Complete,
        Group::Prompt,
        "complete a file name",
    ),
    bind(
        &[code(KeyCode::Backspace), ctrl('h')],
        Edit::Backspace,
        Group::Prompt,
        "delete the character before the cursor",
    ),
    bind(
        &[code(KeyCode::Delete)],
        Edit::Delete,
        Group::Prompt,
        "delete the character under the cursor",
    ),
    bind(
        &[code(KeyCode::Left)],
        Edit::Left,
        Group::Prompt,
        "cursor left",
    ),
    bind(
        &[code(KeyCode::Right)],
        Edit::Right,
        Group::Prompt,
        "cursor right",
    ),
    bind(
        &[code(KeyCode::Home), ctrl('a')],
        Edit::Home,
        Group::Prompt,
        "start of the line",
    ),
    bind(
        &[code(KeyCode::End), ctrl('e')],
        Edit::End,
        Group::Prompt,
        "end of the line",
    ),
    bind(
        &[ctrl('w')],
        Edit::DeleteWord,
        Group::Prompt,
        "delete the word before the cursor",
    ),
    bind(&[ctrl('u')], Edit::Clear, Group::Prompt, "clear the line"),
    bind(
        &[code(KeyCode::Up)],
        Edit::Recall,
        Group::Prompt,
        "put back the filter or search that was in force",
    ),
];

/// The table's form of a key event: Shift is part of the character, so only Ctrl and Alt
/// count, except for keys like BackTab whose Shift is the key itself.
fn normalise(event: &KeyEvent) -> Key {
    Key {
        code: event.code,
        modifiers: event.modifiers & (KeyModifiers::CONTROL | KeyModifiers::ALT),
    }
}

/// Key presses and repeats only: Windows terminals also report releases.
fn is_press(event: &KeyEvent) -> bool {
    event.kind != KeyEventKind::Release
}

fn find<C: Copy>(table: &[Binding<C>], key: Key) -> Option<C> {
    table
        .iter()
        .find(|b| b.keys.contains(&key))
        .map(|b| b.command)
}

/// The command a key asks for outside prompts.
pub fn command(event: &KeyEvent) -> Option<Command> {
    if !is_press(event) {
        return None;
    }
    let key = normalise(event);
    match (find(BINDINGS, key), key.code) {
        (Some(Command::GoTab(_)), KeyCode::Char(d)) => {
            let n = d.to_digit(10)? as usize;
            Tab::ALL.get(n.checked_sub(1)?).map(|t| Command::GoTab(*t))
        }
        (found, _) => found,
    }
}

/// What a key asks for inside a prompt: a binding, or a character to type.
pub fn edit(event: &KeyEvent) -> Option<Edit> {
    if !is_press(event) {
        return None;
    }
    let key = normalise(event);
    if let Some(e) = find(PROMPT_BINDINGS, key) {
        return Some(e);
    }
    match key {
        Key {
            code: KeyCode::Char(c),
            modifiers: KeyModifiers::NONE,
        } => Some(Edit::Insert(c)),
        _ => None,
    }
}

/// The fewest keys arriving together that are taken for a paste. People do not type eight
/// keys within a few milliseconds; a terminal without bracketed paste delivers a pasted payload
/// (thousands of characters) that way.
pub const PASTE_MIN: usize = 8;

/// The text of keys that arrived together, when they look like a paste without brackets: at
/// least [`PASTE_MIN`] presses, not all of one key, each a character (no Ctrl or Alt), Enter,
/// Ctrl-J (a raw line feed) or Tab. `None` for anything else, whose keys are then commands as
/// usual.
pub fn pasted_text(events: &[KeyEvent]) -> Option<String> {
    let presses: Vec<&KeyEvent> = events.iter().filter(|e| is_press(e)).collect();
    // One key many times is a key held down (and read late), not a paste.
    let held = presses.windows(2).all(|w| w[0].code == w[1].code);
    if presses.len() < PASTE_MIN || held {
        return None;
    }
    presses
        .iter()
        .map(|e| {
            let key = normalise(e);
            match (key.code, key.modifiers) {
                (KeyCode::Char(c), KeyModifiers::NONE) => Some(c),
                (KeyCode::Enter, _) | (KeyCode::Char('j'), KeyModifiers::CONTROL) => Some('\n'),
                (KeyCode::Tab, KeyModifiers::NONE) => Some('\t'),
                _ => None,
            }
        })
        .collect()
}

/// How a key is written in the help: `↑`, `Ctrl-U`, `Shift-Tab`, `1–8`.
pub fn label(key: &Key) -> String {
    let name = match key.code {
        KeyCode::Up => "↑".to_owned(),
        KeyCode::Down => "↓".to_owned(),
        KeyCode::Left => "←".to_owned(),
        KeyCode::Right => "→".to_owned(),
        KeyCode::PageUp => "PgUp".to_owned(),
        KeyCode::PageDown => "PgDn".to_owned(),
        KeyCode::BackTab => "Shift-Tab".to_owned(),
        KeyCode::Char(' ') => "Space".to_owned(),
        KeyCode::Char(c) if key.modifiers.contains(KeyModifiers::CONTROL) => {
            c.to_ascii_uppercase().to_string()
        }
        KeyCode::Char(c) => c.to_string(),
        other => other.to_string(),
    };
    if key.modifiers.contains(KeyModifiers::CONTROL) {
        format!("Ctrl-{name}")
    } else {
        name
    }
}

/// The keys of a binding as the help writes them: `↑ k`, `1–8`.
pub fn keys_label<C>(b: &Binding<C>) -> String {
    if b.keys == DIGITS {
        return "1–8".to_owned();
    }
    b.keys.iter().map(label).collect::<Vec<_>>().join(" ")
}

/// One help line: keys and what they do.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HelpLine {
    pub group: Group,
    pub keys: String,
    pub help: &'static str,
}

/// The whole help, generated from both tables, grouped in table order.
pub fn help() -> Vec<HelpLine> {
    let line = |keys: String, group, help| HelpLine { group, keys, help };
    BINDINGS
        .iter()
        .map(|b| line(keys_label(b), b.group, b.help))
        .chain(
            PROMPT_BINDINGS
                .iter()
                .map(|b| line(keys_label(b), b.group, b.help)),
        )
        .collect()
}

/// The help as a Markdown table, for the README (kept equal to it by a test).
pub fn markdown() -> String {
    let mut out = String::from("| keys | what they do |\n|---|---|\n");
    let mut group = None;
    for l in help() {
        if group != Some(l.group) {
            out.push_str(&format!("| **{}** | |\n", l.group.title()));
            group = Some(l.group);
        }
        let keys: Vec<String> = l
            .keys
            .split(' ')
            .map(|k| format!("`{}`", k.replace('|', "\\|")))
            .collect();
        out.push_str(&format!("| {} | {} |\n", keys.join(" "), l.help));
    }
    out
}

/// The few keys the status line suggests when it has nothing else to say: the first key of
/// each hinted binding, and its word.
pub fn hints() -> impl Iterator<Item = (String, &'static str)> {
    BINDINGS
        .iter()
        .filter(|b| !b.hint.is_empty())
        .filter_map(|b| Some((label(b.keys.first()?), b.hint)))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn press(code: KeyCode, modifiers: KeyModifiers) -> KeyEvent {
        KeyEvent::new(code, modifiers)
    }

    #[test]
    fn no_key_is_bound_twice() {
        let mut seen: Vec<Key> = Vec::new();
        for key in BINDINGS.iter().flat_map(|b| b.keys) {
            assert!(!seen.contains(key), "{key:?} bound twice");
            seen.push(*key);
        }
    }

    #[test]
    fn keys_map_to_commands() {
        let c = |code, m| command(&press(code, m));
        assert_eq!(
            c(KeyCode::Char('j'), KeyModifiers::NONE),
            Some(Command::Down)
        );
        assert_eq!(
            c(KeyCode::Char('G'), KeyModifiers::SHIFT),
            Some(Command::Bottom)
        );
        assert_eq!(
            c(KeyCode::Char('c'), KeyModifiers::CONTROL),
            Some(Command::Quit)
        );
        assert_eq!(
            c(KeyCode::Char('5'), KeyModifiers::NONE),
            Some(Command::GoTab(Tab::Xml))
        );
        assert_eq!(c(KeyCode::Char('9'), KeyModifiers::NONE), None);
        assert_eq!(c(KeyCode::Char('x'), KeyModifiers::NONE), None);
        let mut release = press(KeyCode::Char('q'), KeyModifiers::NONE);
        release.kind = KeyEventKind::Release;
        assert_eq!(command(&release), None);
    }

    #[test]
    fn prompts_type_characters_and_bind_the_rest() {
        let e = |code, m| edit(&press(code, m));
        assert_eq!(
            e(KeyCode::Char('q'), KeyModifiers::NONE),
            Some(Edit::Insert('q'))
        );
        assert_eq!(
            e(KeyCode::Char('Q'), KeyModifiers::SHIFT),
            Some(Edit::Insert('Q'))
        );
        assert_eq!(
            e(KeyCode::Char('w'), KeyModifiers::CONTROL),
            Some(Edit::DeleteWord)
        );
        assert_eq!(e(KeyCode::Esc, KeyModifiers::NONE), Some(Edit::Cancel));
        assert_eq!(e(KeyCode::Char('x'), KeyModifiers::CONTROL), None);
    }

    /// The README's table of keys is generated from the bindings;
    /// `SAMLTRACE_UPDATE_DOCS=1 cargo test readme_keys` rewrites it.
    #[test]
    fn readme_keys_match_the_bindings() {
        const README: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/README.md");
        const START: &str = "<!-- keys: generated from src/tui/keys.rs by SAMLTRACE_UPDATE_DOCS=1 cargo test readme_keys -->\n";
        const END: &str = "<!-- /keys -->";
        let text = std::fs::read_to_string(README).unwrap_or_default();
        let (Some(a), Some(b)) = (text.find(START), text.find(END)) else {
            panic!("README.md has no keys markers");
        };
        let table = markdown();
        if std::env::var_os("SAMLTRACE_UPDATE_DOCS").is_some() {
            let new = format!("{}{START}{table}{}", &text[..a], &text[b..]);
            std::fs::write(README, new).unwrap();
            return;
        }
        assert!(
            text[a + START.len()..b] == table,
            "README.md's keys are out of date: run SAMLTRACE_UPDATE_DOCS=1 cargo test readme_keys"
        );
    }

    #[test]
    fn keys_that_arrive_together_are_a_paste_when_they_are_text() {
        let chars = |s: &str| -> Vec<KeyEvent> {
            s.chars()
                .map(|c| press(KeyCode::Char(c), KeyModifiers::NONE))
                .collect()
        };
        let mut keys = chars("PHNhbWxwOlJlc3Bv");
        keys.push(press(KeyCode::Enter, KeyModifiers::NONE));
        keys.push(press(KeyCode::Char('j'), KeyModifiers::CONTROL));
        keys.extend(chars("qd"));
        assert_eq!(
            pasted_text(&keys).as_deref(),
            Some("PHNhbWxwOlJlc3Bv\n\nqd")
        );
        // Too few to be a paste: a quick "dq" are commands; so is a held key.
        assert_eq!(pasted_text(&chars("dq")), None);
        assert_eq!(pasted_text(&chars("jjjjjjjjjjjj")), None);
        // A control key among them: keys, not text.
        let mut ctrl = chars("abcdefghij");
        ctrl.push(press(KeyCode::Char('c'), KeyModifiers::CONTROL));
        assert_eq!(pasted_text(&ctrl), None);
        let mut arrows = chars("abcdefghij");
        arrows.push(press(KeyCode::Up, KeyModifiers::NONE));
        assert_eq!(pasted_text(&arrows), None);
    }

    #[test]
    fn help_lists_every_binding_with_its_keys() {
        let help = help();
        assert_eq!(help.len(), BINDINGS.len() + PROMPT_BINDINGS.len());
        assert!(help.iter().any(|l| l.keys == "1–8"));
        assert!(
            help.iter()
                .any(|l| l.keys == "q Ctrl-C" && l.help == "quit")
        );
        assert!(help.iter().any(|l| l.keys == "↑ k"));
    }
}
