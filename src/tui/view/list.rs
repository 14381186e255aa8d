//! The list of messages: one line each (time, kind, NameID, the identity verdict in words and
//! colour, GitLab's verdict, the checks, the source, in the columns `layout::columns` gives,
//! which cut the NameID last), only the lines that show, and what to say when there are none.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

use super::super::app::{Focus, Load, Row, State};
use super::super::facts::{Counts, Kind};
use super::super::layout::columns::{self, Columns};
use super::super::layout::styled::{self, BAD, DIM, GOOD, SELECTED, SELECTED_IDLE, STRONG, WARN};
use crate::verdict::{Outcome, Verdict as GitLabVerdict};

pub fn render(state: &State, frame: &mut Frame, head: Rect, area: Rect) {
    let cols = Columns::new(usize::from(area.width), state.traces.name_width);
    frame.render_widget(Paragraph::new(titles(state, &cols, head.width)), head);
    let t = &state.traces;
    if t.visible.is_empty() {
        frame.render_widget(Paragraph::new(empty(state)), area);
        return;
    }
    let height = usize::from(area.height);
    let lines: Vec<Line> = t
        .visible
        .iter()
        .enumerate()
        .skip(t.offset)
        .take(height)
        .filter_map(|(pos, i)| Some((pos, t.rows.get(*i)?)))
        .map(|(pos, row)| {
            let line = row_line(row, &cols, state.identities.stale.is_some());
            match (pos == t.cursor, state.focus) {
                (false, _) => line,
                (true, Focus::List) => line.patch_style(SELECTED),
                (true, Focus::Details) => line.patch_style(SELECTED_IDLE),
            }
        })
        .collect();
    frame.render_widget(Paragraph::new(lines), area);
}

/// The column titles; over verdicts made with an earlier identity list, `STALE`.
fn titles(state: &State, cols: &Columns, width: u16) -> Line<'static> {
    let style = if state.focus == Focus::List {
        STRONG
    } else {
        DIM
    };
    let stale = state.identities.stale.is_some();
    let mut spans = Vec::new();
    for (title, w) in [
        ("TIME", cols.time),
        ("KIND", cols.kind),
        ("NAMEID", cols.name),
        (if stale { "STALE" } else { "VERDICT" }, cols.verdict),
        ("GITLAB", cols.gitlab),
        ("CHECKS", cols.checks),
        ("SOURCE", cols.source),
    ] {
        if w > 0 {
            let style = if title == "STALE" { BAD } else { style };
            spans.push(Span::styled(format!(" {}", styled::fit(title, w)), style));
        }
    }
    let t = &state.traces;
    let pos = format!("{}/{}", t.cursor + 1, t.visible.len());
    let used: usize = spans.iter().map(Span::width).sum();
    let room = usize::from(width).saturating_sub(used);
    if t.visible.len() > 1 && room > styled::width(&pos) {
        let pad = " ".repeat(room - styled::width(&pos));
        spans.push(Span::styled(format!("{pad}{pos}"), style));
    }
    Line::from(spans)
}

/// A cell: spans cut or padded to exactly `w` columns.
fn cell(spans: Vec<Span<'static>>, w: usize) -> Vec<Span<'static>> {
    let mut spans = styled::cut(spans, w);
    let used: usize = spans.iter().map(Span::width).sum();
    if used < w {
        spans.push(Span::raw(" ".repeat(w - used)));
    }
    spans
}

fn row_line(row: &Row, cols: &Columns, stale: bool) -> Line<'static> {
    let f = &row.facts;
    let time = match f.when {
        Some(t) if cols.time >= 19 => t.strftime("%Y-%m-%d %H:%M:%S").to_string(),
        Some(t) => t.strftime("%H:%M:%S").to_string(),
        None => "—".to_owned(),
    };
    let kind_style = if f.kind == Kind::Failed {
        BAD
    } else {
        Style::new()
    };
    let mut name = match (&f.error, &f.name_id) {
        (Some(e), _) => styled::untrusted(e, DIM),
        (None, Some(n)) => styled::untrusted_quoted(n, STRONG),
        (None, None) => vec![Span::styled("(no NameID)", DIM)],
    };
    name.extend(columns::seen(f).map(|s| Span::styled(s, WARN)));
    let cells = [
        (vec![Span::styled(time, DIM)], cols.time),
        (styled::untrusted(f.kind.label(), kind_style), cols.kind),
        (name, cols.name),
        (
            if stale {
                styled::stale_judgement(&row.judgement)
            } else {
                styled::judgement(&row.judgement)
            },
            cols.verdict,
        ),
        (gitlab(row.trace.gitlab_verdict.as_ref()), cols.gitlab),
        (checks(&f.checks, row), cols.checks),
        (styled::untrusted(&f.source, DIM), cols.source),
    ];
    let mut spans = Vec::new();
    for (content, w) in cells {
        if w > 0 {
            spans.push(Span::raw(" "));
            spans.extend(cell(content, w));
        }
    }
    Line::from(spans)
}

/// GitLab's verdict in one cell: `✓ accepts`, `✗ SC001` (the code that explains the refusal),
/// `? unsure` (something was not given), `—` (a message GitLab does not validate).
pub fn gitlab(v: Option<&GitLabVerdict>) -> Vec<Span<'static>> {
    let Some(v) = v else {
        return Vec::new();
    };
    let text = match v.outcome {
        Outcome::Accepts => "✓ accepts".to_owned(),
        Outcome::Refuses => format!("✗ {}", v.code.unwrap_or("refuses")),
        Outcome::Undecided => "? unsure".to_owned(),
        Outcome::NotValidated => "—".to_owned(),
    };
    vec![Span::styled(text, styled::gitlab_style(v.outcome))]
}

fn checks(c: &Counts, row: &Row) -> Vec<Span<'static>> {
    let judged = row
        .trace
        .message
        .as_ref()
        .is_some_and(|m| m.kind.signs_in());
    let (text, style) = if c.errors > 0 {
        (format!("✗ {} err", c.errors), BAD)
    } else if c.warnings > 0 {
        (format!("! {} warn", c.warnings), WARN)
    } else if judged {
        ("✓ ok".to_owned(), GOOD)
    } else {
        return Vec::new();
    };
    vec![Span::styled(text, style)]
}

/// What the list says when it shows nothing.
fn empty(state: &State) -> Vec<Line<'static>> {
    let reading: Vec<String> = state
        .inputs
        .iter()
        .filter(|i| i.load == Load::Loading)
        .map(|i| i.label())
        .collect();
    if !state.traces.rows.is_empty() {
        let mut spans = vec![Span::styled("  No message matches the filter ", WARN)];
        spans.extend(styled::untrusted_quoted(&state.traces.filter, STRONG));
        spans.push(Span::styled(" (Esc clears it)", DIM));
        return vec![Line::from(spans)];
    }
    if !reading.is_empty() {
        let mut spans = vec![Span::styled("  Reading ", WARN)];
        spans.extend(styled::untrusted(&reading.join(", "), WARN));
        spans.push(Span::styled("…", WARN));
        return vec![Line::from(spans)];
    }
    vec![
        Line::styled(
            "  No SAML message yet: paste a SAML response, or press o to open a file.",
            STRONG,
        ),
        Line::styled(
            "  Any form pastes: base64, a URL, a form body, XML, the IdP's HTML form.",
            DIM,
        ),
    ]
}
