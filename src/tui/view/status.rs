//! The status line: an open prompt (with the cursor), a question, the last message (wrapped
//! over the rows `layout::status` gives it, so that an error is read whole), or the key hints
//! generated from the binding table.

use ratatui::Frame;
use ratatui::layout::{Position, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

use super::super::app::{Confirm, Level, Mode, Prompt, State};
use super::super::keys;
use super::super::layout::status;
use super::super::layout::styled::{self, BAD, DIM, STRONG, WARN};

pub fn render(state: &State, frame: &mut Frame, area: Rect) {
    let w = usize::from(area.width);
    let line = match &state.mode {
        Mode::Prompt(p) => return prompt(p, frame, area),
        Mode::Confirm(Confirm::Overwrite(path)) => {
            let mut spans = styled::untrusted(&path.display().to_string(), WARN.patch(STRONG));
            spans.push(Span::styled(
                " exists. Overwrite it? (y/n)",
                WARN.patch(STRONG),
            ));
            Line::from(styled::cut(spans, w))
        }
        Mode::Confirm(Confirm::ApplyFix {
            changes,
            group,
            api,
        }) => {
            let mut spans = vec![Span::styled(
                format!(
                    "Change {changes} identit{} of group ",
                    if *changes == 1 { "y" } else { "ies" }
                ),
                WARN.patch(STRONG),
            )];
            spans.extend(styled::untrusted(group, WARN.patch(STRONG)));
            spans.push(Span::styled(
                format!(" through the {} API? (y/n)", api.to_uppercase()),
                WARN.patch(STRONG),
            ));
            Line::from(styled::cut(spans, w))
        }
        _ => match &state.status {
            Some(s) => {
                let style = match s.level {
                    Level::Info => ratatui::style::Style::new(),
                    Level::Warn => WARN,
                    Level::Error => BAD,
                };
                let lines = status::message(&s.text, style, state.size);
                return frame.render_widget(Paragraph::new(lines), area);
            }
            None => hints(w),
        },
    };
    frame.render_widget(Paragraph::new(line), area);
}

fn hints(w: usize) -> Line<'static> {
    let mut spans = Vec::new();
    for (key, word) in keys::hints() {
        spans.push(Span::styled(format!(" {key}"), STRONG));
        spans.push(Span::styled(format!(" {word} "), DIM));
    }
    Line::from(styled::cut(spans, w))
}

/// The prompt's title and text, scrolled so that the cursor shows, and the cursor itself.
fn prompt(p: &Prompt, frame: &mut Frame, area: Rect) {
    let title = p.kind.title();
    let room = usize::from(area.width).saturating_sub(styled::width(title) + 1);
    let chars: Vec<char> = p.line.text().chars().collect();
    let cursor = p.line.cursor_chars();
    let start = cursor.saturating_sub(room.saturating_sub(1));
    let shown: String = chars.iter().skip(start).take(room).collect();
    let mut spans = vec![Span::styled(title, STRONG)];
    spans.extend(styled::untrusted(&shown, ratatui::style::Style::new()));
    if let Some(recall) = p.recall.as_deref().filter(|_| p.line.text().is_empty()) {
        spans.push(Span::styled("   ↑ recalls ", DIM));
        spans.extend(styled::untrusted_quoted(recall, DIM.patch(STRONG)));
    }
    if !p.candidates.is_empty() {
        let names: Vec<&str> = p.candidates.iter().map(|c| c.as_str()).take(8).collect();
        spans.push(Span::styled(format!("   [{}]", names.join("  ")), DIM));
    }
    let line = Line::from(styled::cut(spans, usize::from(area.width)));
    frame.render_widget(Paragraph::new(line), area);
    let before: String = chars[start..cursor.min(chars.len())].iter().collect();
    let x = area.x as usize + styled::width(title) + styled::width(&before);
    let x = u16::try_from(x)
        .unwrap_or(u16::MAX)
        .min(area.right().saturating_sub(1));
    frame.set_cursor_position(Position::new(x, area.y));
}
