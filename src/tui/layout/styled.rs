//! Styles, and the span helpers every pane's lines are made with: untrusted strings turned
//! into spans through the crate's sanitiser (markers for invisible characters stand out),
//! cutting a line to a width, and wrapping lines with a hanging indent. Wrapping decides how
//! many rows a line takes, which is why this lives with the layout and not in the view.
//!
//! Pure: strings in, ratatui lines out. Nothing here draws.

use ratatui::style::{Color, Modifier, Style};
use ratatui::text::{Line, Span};
use unicode_width::UnicodeWidthChar;

use crate::compare;
use crate::sanitize::{self, Part};
use crate::verdict::Outcome;

use super::super::facts::{Judgement, Tone};

/// How GitLab's verdict reads.
pub fn gitlab_style(outcome: Outcome) -> Style {
    match outcome {
        Outcome::Accepts => GOOD,
        Outcome::Refuses => BAD,
        Outcome::Undecided => WARN,
        Outcome::NotValidated => DIM,
    }
}

pub const GOOD: Style = Style::new().fg(Color::Green);
pub const WARN: Style = Style::new().fg(Color::Yellow);
pub const BAD: Style = Style::new().fg(Color::Red).add_modifier(Modifier::BOLD);
pub const DIM: Style = Style::new().fg(Color::DarkGray);
pub const STRONG: Style = Style::new().add_modifier(Modifier::BOLD);
pub const HEADING: Style = Style::new()
    .add_modifier(Modifier::BOLD)
    .add_modifier(Modifier::UNDERLINED);
/// An invisible or control character's marker: it must not pass for text.
pub const MARKER: Style = Style::new()
    .fg(Color::Black)
    .bg(Color::Yellow)
    .add_modifier(Modifier::BOLD);
pub const SELECTED: Style = Style::new().add_modifier(Modifier::REVERSED);
/// The selection of the pane that does not have the focus.
pub const SELECTED_IDLE: Style = Style::new()
    .bg(Color::DarkGray)
    .add_modifier(Modifier::BOLD);
pub const TITLE: Style = Style::new()
    .fg(Color::Black)
    .bg(Color::Cyan)
    .add_modifier(Modifier::BOLD);
pub const MATCH_HIT: Style = Style::new().fg(Color::Black).bg(Color::Yellow);

/// The style of a tone of the facts.
pub fn tone(t: Tone) -> Style {
    match t {
        Tone::Plain => Style::new(),
        Tone::Strong => STRONG,
        Tone::Good => GOOD,
        Tone::Warn => WARN,
        Tone::Bad => BAD,
        Tone::Dim => DIM,
        Tone::Heading => HEADING,
    }
}

/// The colour of a verdict state.
pub fn verdict_style(state: compare::State) -> Style {
    match state {
        compare::State::Match => GOOD,
        compare::State::NearMatch | compare::State::Inactive => WARN,
        _ => BAD,
    }
}

/// The sign shown before a verdict's words.
pub fn verdict_sign(state: compare::State) -> &'static str {
    match state {
        compare::State::Match => "✓",
        compare::State::NearMatch => "≈",
        _ => "✗",
    }
}

/// The verdict in words, with its sign and colour.
pub fn judgement(j: &Judgement) -> Vec<Span<'static>> {
    match j {
        Judgement::Done { verdict, .. } => {
            let style = verdict_style(verdict.state);
            vec![Span::styled(
                format!("{} {}", verdict_sign(verdict.state), j.word()),
                style,
            )]
        }
        Judgement::Waiting => vec![Span::styled(j.word(), WARN)],
        Judgement::NoList => vec![Span::styled(j.word(), DIM)],
        Judgement::NotApplicable => Vec::new(),
    }
}

/// A verdict made with an earlier identity list, whose last reload failed: its words, dim,
/// after a `?` in place of its sign.
pub fn stale_judgement(j: &Judgement) -> Vec<Span<'static>> {
    match j {
        Judgement::Done { .. } => vec![Span::styled(format!("? {}", j.word()), DIM)],
        other => judgement(other),
    }
}

/// An untrusted string as spans: its text in `style`, each invisible or control character as a
/// marker such as `<U+200B>` that stands out.
pub fn untrusted(s: &str, style: Style) -> Vec<Span<'static>> {
    sanitize::parts(s)
        .into_iter()
        .map(|p| match p {
            Part::Text(t) => Span::styled(t.to_owned(), style),
            Part::Marker(m) => Span::styled(m, MARKER),
        })
        .collect()
}

/// Like [`untrusted`], in double quotes when the value is empty or has surrounding whitespace,
/// so that padding shows.
pub fn untrusted_quoted(s: &str, style: Style) -> Vec<Span<'static>> {
    let padded = s.is_empty() || s.trim() != s;
    let mut spans = untrusted(s, style);
    if padded {
        spans.insert(0, Span::styled("\"", DIM));
        spans.push(Span::styled("\"", DIM));
    }
    spans
}

/// The display width of a string.
pub fn width(s: &str) -> usize {
    s.chars().map(|c| c.width().unwrap_or(0)).sum()
}

/// `s` padded with spaces, or cut with `…`, to exactly `w` columns.
pub fn fit(s: &str, w: usize) -> String {
    let mut out = String::new();
    let mut used = 0;
    let total = width(s);
    for c in s.chars() {
        let cw = c.width().unwrap_or(0);
        if total > w && used + cw + 1 > w {
            if w > 0 {
                out.push('…');
                used += 1;
            }
            break;
        }
        if used + cw > w {
            break;
        }
        out.push(c);
        used += cw;
    }
    out.push_str(&" ".repeat(w.saturating_sub(used)));
    out
}

/// Spans cut to `w` columns, the last character replaced by `…` when something was cut.
pub fn cut(spans: Vec<Span<'static>>, w: usize) -> Vec<Span<'static>> {
    let total: usize = spans.iter().map(Span::width).sum();
    if total <= w {
        return spans;
    }
    let mut out = Vec::new();
    let mut used = 0;
    let room = w.saturating_sub(1);
    for span in spans {
        let mut text = String::new();
        for c in span.content.chars() {
            let cw = c.width().unwrap_or(0);
            if used + cw > room {
                break;
            }
            text.push(c);
            used += cw;
        }
        let done = text.len() < span.content.len();
        out.push(Span::styled(text, span.style));
        if done {
            break;
        }
    }
    if w > 0 {
        out.push(Span::styled("…", DIM));
    }
    out
}

/// Wraps a line to `w` columns, breaking after spaces where it can; rows after the first are
/// indented by `indent` columns. Trailing spaces of each row are dropped.
pub fn wrap(line: Line<'static>, w: usize, indent: usize) -> Vec<Line<'static>> {
    let w = w.max(1);
    let indent = if indent + 8 > w { 0 } else { indent };
    let cells: Vec<(char, Style)> = line
        .spans
        .iter()
        .flat_map(|s| {
            let style = line.style.patch(s.style);
            s.content.chars().map(move |c| (c, style))
        })
        .collect();
    let mut rows = Vec::new();
    let mut start = 0;
    while start < cells.len() {
        let first = rows.is_empty();
        let room = if first { w } else { w - indent };
        let end = start + break_at(&cells[start..], room);
        let mut row = if first {
            Vec::new()
        } else {
            vec![(' ', Style::new()); indent]
        };
        row.extend_from_slice(&cells[start..end]);
        while row.last().is_some_and(|(c, _)| *c == ' ') {
            row.pop();
        }
        rows.push(spans_of(&row));
        start = end;
        while start < cells.len() && cells[start].0 == ' ' {
            start += 1;
        }
    }
    if rows.is_empty() {
        rows.push(Line::default());
    }
    rows
}

/// How many cells of `cells` fit in `room` columns, ending after a space when one is in the
/// second half; at least one, so that wrapping always moves on.
fn break_at(cells: &[(char, Style)], room: usize) -> usize {
    let mut used = 0;
    let mut fit = 0;
    for (c, _) in cells {
        let cw = c.width().unwrap_or(0);
        if used + cw > room {
            break;
        }
        used += cw;
        fit += 1;
    }
    if fit == cells.len() {
        return fit;
    }
    if fit == 0 {
        return 1;
    }
    match cells[..fit].iter().rposition(|(c, _)| *c == ' ') {
        Some(space) if space + 1 > fit / 2 => space + 1,
        _ => fit,
    }
}

/// Cells merged back into spans of one style each.
fn spans_of(cells: &[(char, Style)]) -> Line<'static> {
    let mut spans: Vec<Span<'static>> = Vec::new();
    for (c, style) in cells {
        match spans.last_mut() {
            Some(last) if last.style == *style => last.content.to_mut().push(*c),
            _ => spans.push(Span::styled(c.to_string(), *style)),
        }
    }
    Line::from(spans)
}

/// A label padded to `w` columns in the dim style, then the value spans.
pub fn labelled(label: &str, w: usize, value: Vec<Span<'static>>) -> Line<'static> {
    let mut spans = vec![Span::styled(fit(label, w), DIM)];
    spans.extend(value);
    Line::from(spans)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn plain(line: &Line<'_>) -> String {
        line.spans.iter().map(|s| s.content.as_ref()).collect()
    }

    #[test]
    fn untrusted_marks_invisible_characters() {
        let spans = untrusted("al\u{200b}ice\u{1b}[2J", Style::new());
        let text: String = spans.iter().map(|s| s.content.as_ref()).collect();
        assert_eq!(text, "al<U+200B>ice<U+001B>[2J");
        assert_eq!(spans[1].style, MARKER);
        let quoted = untrusted_quoted(" bob", Style::new());
        let text: String = quoted.iter().map(|s| s.content.as_ref()).collect();
        assert_eq!(text, "\" bob\"");
    }

    #[test]
    fn fit_pads_and_cuts_by_columns() {
        assert_eq!(fit("abc", 5), "abc  ");
        assert_eq!(fit("abcdef", 4), "abc…");
        assert_eq!(fit("日本語", 5), "日本…");
        assert_eq!(fit("x", 0), "");
    }

    #[test]
    fn wrap_breaks_at_spaces_with_a_hanging_indent() {
        let rows = wrap(Line::from("Why   the quick brown fox jumps"), 16, 6);
        let text: Vec<String> = rows.iter().map(plain).collect();
        assert_eq!(text, ["Why   the quick", "      brown fox", "      jumps"]);
        for r in &rows {
            assert!(r.width() <= 16);
        }
        let long = wrap(Line::from("x".repeat(25)), 10, 2);
        assert_eq!(long.len(), 3);
        assert_eq!(wrap(Line::from(""), 10, 2).len(), 1);
    }

    proptest::proptest! {
        #[test]
        fn wrapping_keeps_every_word_and_the_width(s in "[a-z é日\u{200b} ]{0,80}", w in 1usize..30, indent in 0usize..12) {
            let rows = wrap(Line::from(s.clone()), w, indent);
            for r in &rows {
                proptest::prop_assert!(r.width() <= w.max(2), "{r:?} wider than {w}");
            }
            let words = |t: &str| t.split_whitespace().map(str::to_owned).collect::<String>();
            let joined: String = rows.iter().map(plain).collect::<Vec<_>>().join(" ");
            proptest::prop_assert_eq!(words(&joined), words(&s));
            proptest::prop_assert!(width(&fit(&s, w)) == w);
        }
    }

    #[test]
    fn cut_keeps_styles_and_ends_with_an_ellipsis() {
        let spans = vec![Span::styled("abc", GOOD), Span::raw("defgh")];
        let out = cut(spans, 5);
        let text: String = out.iter().map(|s| s.content.as_ref()).collect();
        assert_eq!(text, "abcd…");
        assert_eq!(out[0].style, GOOD);
    }
}
