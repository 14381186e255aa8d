//! The Identities tab: the whole identity list, filtered, with the identities that messages
//! point at marked by their verdict; problems and notes of the list above it. Only the rows
//! that show are drawn, so a list of a hundred thousand costs no more than one of ten.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

use crate::scim::Identity;

use super::super::app::{Focus, IdentityLoad, Mark, NOTE_LINES, People, State, verdict_word};
use super::super::layout::styled::{
    self, BAD, DIM, GOOD, SELECTED, SELECTED_IDLE, STRONG, WARN, untrusted, untrusted_quoted,
};

/// Column widths for a width of screen.
struct Columns {
    seen: usize,
    ext: usize,
    user: usize,
    email: usize,
    active: usize,
    origin: usize,
}

impl Columns {
    fn new(w: usize) -> Columns {
        let (seen, active) = (13, 6);
        let origin = if w >= 120 { 26 } else { 0 };
        let gaps = if origin > 0 { 6 } else { 5 };
        let room = w.saturating_sub(seen + active + origin + gaps);
        // The external id is what the NameID must equal: it gets the most room.
        let ext = (room * 3 / 5).min(40);
        let user = (room - ext) * 2 / 5;
        Columns {
            seen,
            ext,
            user,
            email: room.saturating_sub(ext + user),
            active,
            origin,
        }
    }
}

pub fn render(state: &State, frame: &mut Frame, area: Rect) {
    let ids = &state.identities;
    let Some(people) = &ids.people else {
        frame.render_widget(Paragraph::new(absent(state)), area);
        return;
    };
    let w = usize::from(area.width);
    let cols = Columns::new(w);
    let mut lines = vec![Line::from(styled::cut(summary(state, people), w))];
    lines.extend(notes(people, w));
    lines.push(titles(&cols));
    if ids.visible.is_empty() {
        let mut spans = vec![Span::styled(" No identity matches ", WARN)];
        spans.extend(untrusted_quoted(&ids.filter, STRONG));
        lines.push(Line::from(spans));
    }
    let height = state.identity_rows();
    for (pos, i) in ids.visible.iter().enumerate().skip(ids.offset).take(height) {
        let Some(identity) = people.identities.get(*i as usize) else {
            continue;
        };
        let line = row(identity, ids.marks.get(i), &cols);
        lines.push(match (pos == ids.cursor, state.focus) {
            (false, _) => line,
            (true, Focus::Details) => line.patch_style(SELECTED),
            (true, Focus::List) => line.patch_style(SELECTED_IDLE),
        });
    }
    frame.render_widget(Paragraph::new(lines), area);
}

/// ` 8 identities from samples/x.csv · 2 shown by the filter "ali" · 3 marked by messages`
fn summary(state: &State, people: &People) -> Vec<Span<'static>> {
    let ids = &state.identities;
    let mut spans = vec![Span::styled(
        format!(" {} identities", people.identities.len()),
        STRONG,
    )];
    spans.push(Span::raw(" from "));
    spans.extend(untrusted(&people.inputs.join(", "), Style::new()));
    if !ids.filter.is_empty() {
        spans.push(Span::styled(
            format!(" · {} shown by the filter ", ids.visible.len()),
            WARN,
        ));
        spans.extend(untrusted_quoted(&ids.filter, STRONG));
    }
    if ids.stale.is_some() {
        spans.push(Span::styled(" · ✗ stale: the last reload failed", BAD));
    }
    if !ids.marks.is_empty() {
        spans.push(Span::styled(
            format!(" · {} named by messages", ids.marks.len()),
            DIM,
        ));
    }
    if let IdentityLoad::Loading { .. } = ids.load {
        spans.push(Span::styled(" · reading again…", WARN));
    }
    spans
}

/// Problems of the list first, then notes of its sources; at most [`NOTE_LINES`] lines.
fn notes(people: &People, w: usize) -> Vec<Line<'static>> {
    let all: Vec<(Style, &str)> = people
        .problems
        .iter()
        .map(|p| (BAD, p.message.as_str()))
        .chain(people.notes.iter().map(|n| (WARN, n.as_str())))
        .collect();
    let mut out: Vec<Line> = all
        .iter()
        .take(NOTE_LINES)
        .map(|(style, text)| {
            let mut spans = vec![Span::styled(" ✗ ", *style)];
            spans.extend(untrusted(text, *style));
            Line::from(styled::cut(spans, w))
        })
        .collect();
    if all.len() > NOTE_LINES
        && let Some(last) = out.last_mut()
    {
        *last = Line::styled(
            format!(
                " … and {} more problems and notes",
                all.len() - NOTE_LINES + 1
            ),
            WARN,
        );
    }
    out
}

fn titles(cols: &Columns) -> Line<'static> {
    let mut s = format!(
        " {} {} {} {} {}",
        styled::fit("NAMED AS", cols.seen),
        styled::fit("EXTERNAL ID", cols.ext),
        styled::fit("USERNAME", cols.user),
        styled::fit("EMAIL", cols.email),
        styled::fit("ACTIVE", cols.active),
    );
    if cols.origin > 0 {
        s.push(' ');
        s.push_str(&styled::fit("READ FROM", cols.origin));
    }
    Line::styled(s, DIM)
}

fn cell(spans: Vec<Span<'static>>, w: usize) -> Vec<Span<'static>> {
    let mut spans = styled::cut(spans, w);
    let used: usize = spans.iter().map(Span::width).sum();
    spans.push(Span::raw(" ".repeat(w.saturating_sub(used) + 1)));
    spans
}

fn opt(value: Option<&str>, style: Style) -> Vec<Span<'static>> {
    value.map_or_else(
        || vec![Span::styled("—", DIM)],
        |v| untrusted_quoted(v, style),
    )
}

fn row(i: &Identity, mark: Option<&Mark>, cols: &Columns) -> Line<'static> {
    let seen = match mark {
        Some(m) => {
            let count = if m.count > 1 {
                format!(" ×{}", m.count)
            } else {
                String::new()
            };
            vec![Span::styled(
                format!(
                    "{} {}{count}",
                    styled::verdict_sign(m.state),
                    verdict_word(m.state)
                ),
                styled::verdict_style(m.state),
            )]
        }
        None => Vec::new(),
    };
    let active = match i.active {
        Some(true) => Span::styled("yes", GOOD),
        Some(false) => Span::styled("no", BAD),
        None => Span::styled("?", DIM),
    };
    let mut spans = vec![Span::raw(" ")];
    spans.extend(cell(seen, cols.seen));
    spans.extend(cell(opt(i.external_id.as_deref(), STRONG), cols.ext));
    spans.extend(cell(opt(i.user_name.as_deref(), Style::new()), cols.user));
    spans.extend(cell(opt(i.email(), Style::new()), cols.email));
    spans.extend(cell(vec![active], cols.active));
    if cols.origin > 0 {
        spans.extend(cell(untrusted(&short_origin(&i.origin), DIM), cols.origin));
    }
    Line::from(spans)
}

/// `identities.csv line 4` for `samples/identities.csv line 4`: the list's path is in the line
/// above, its file name is enough here.
fn short_origin(origin: &str) -> String {
    let (path, rest) = origin.split_once(' ').unwrap_or((origin, ""));
    match std::path::Path::new(path).file_name() {
        Some(name) if !rest.is_empty() => format!("{} {rest}", name.to_string_lossy()),
        _ => origin.to_owned(),
    }
}

/// The tab without a list: why, and how to get one.
fn absent(state: &State) -> Vec<Line<'static>> {
    match &state.identities.load {
        IdentityLoad::Absent => vec![
            Line::styled(" No identity list.", STRONG),
            Line::styled(
                " Start samltrace with --scim FILE or URL, or press i to use one.",
                DIM,
            ),
        ],
        IdentityLoad::Loading { .. } => vec![Line::styled(" Reading the identity list…", WARN)],
        IdentityLoad::Failed(e) => {
            let mut spans = vec![Span::styled(" The identity list could not be read: ", BAD)];
            spans.extend(untrusted(e, BAD));
            vec![Line::from(spans)]
        }
        IdentityLoad::Ready => Vec::new(),
    }
}
