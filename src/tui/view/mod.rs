//! Drawing: one read-only [`render`] of the whole [`State`], split into one function per area
//! of the screen (header, list, tabs, details, status line) and the help overlay.
//!
//! Reads the state and lays out strings; never changes the state, never decodes, never reads
//! the clock or a file. Only the rows that show are drawn. Every string from a message or an
//! identity list goes through `styled::untrusted`, that is through the crate's sanitiser.
//! The detail tabs and the help are drawn from the lines `layout` makes, the same lines
//! `update` counts; nothing in `app` calls into this module.

mod header;
mod identities;
mod list;
mod status;
#[cfg(test)]
mod tests;

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{
    Block, Borders, Clear, Paragraph, Scrollbar, ScrollbarOrientation, ScrollbarState,
};

use super::app::{Focus, Mode, State, Tab};
use super::layout::{help, styled, tabs};
use styled::{DIM, SELECTED, SELECTED_IDLE, STRONG};

/// Draws the whole screen.
pub fn render(state: &State, frame: &mut Frame) {
    let areas = state.areas();
    header::render(state, frame, areas.header);
    list::render(state, frame, areas.list_head, areas.list);
    tabs(state, frame, areas.tabs);
    if state.tab == Tab::Identities {
        identities::render(state, frame, areas.detail);
    } else {
        details(state, frame, areas.detail);
    }
    status::render(state, frame, areas.status);
    if let Mode::Help { scroll } = state.mode {
        help_overlay(frame, frame.area(), scroll);
    }
}

/// The selected tab's rows from the scroll position, and a scroll bar when they do not all fit.
fn details(state: &State, frame: &mut Frame, area: Rect) {
    let lines = tabs::lines(&state.shown(), area.width);
    let total = lines.len();
    let height = usize::from(area.height);
    let shown: Vec<Line> = lines.into_iter().skip(state.scroll).take(height).collect();
    frame.render_widget(Paragraph::new(shown), area);
    if total > height {
        let mut bar = ScrollbarState::new(total.saturating_sub(height)).position(state.scroll);
        frame.render_stateful_widget(
            Scrollbar::new(ScrollbarOrientation::VerticalRight),
            area,
            &mut bar,
        );
    }
}

/// The help in its box over the screen, from line `scroll`.
fn help_overlay(frame: &mut Frame, screen: Rect, scroll: usize) {
    let area = help::frame(screen);
    let block = Block::default()
        .borders(Borders::ALL)
        .title(" Keys  (↑↓ scroll, any other key closes) ");
    let inner = block.inner(area);
    let shown = help::shown(scroll, inner.width, inner.height);
    frame.render_widget(Clear, area);
    frame.render_widget(Paragraph::new(shown).block(block), area);
}

/// The tab titles, with their numbers; the current one stands out, more so when the details
/// have the focus.
fn tabs(state: &State, frame: &mut Frame, area: Rect) {
    let bar = |short: bool, gap: &'static str| {
        let mut spans = Vec::new();
        for (i, tab) in Tab::ALL.iter().enumerate() {
            if i > 0 {
                spans.push(Span::styled(gap, DIM));
            }
            let style = match (*tab == state.tab, state.focus) {
                (true, Focus::Details) => SELECTED,
                (true, Focus::List) => SELECTED_IDLE,
                (false, _) => STRONG,
            };
            let title = if short { tab.short() } else { tab.title() };
            spans.push(Span::styled(format!("{}", i + 1), DIM.patch(style)));
            spans.push(Span::styled(format!(" {title}"), style));
        }
        Line::from(spans)
    };
    // Full titles where they fit; short ones, then tighter, on narrower terminals.
    let width = usize::from(area.width);
    let mut line = bar(false, " │ ");
    for (short, gap) in [(true, " │ "), (true, " ")] {
        if line.width() <= width {
            break;
        }
        line = bar(short, gap);
    }
    let extra = tab_note(state);
    let room = usize::from(area.width).saturating_sub(line.width() + 2);
    if !extra.is_empty() && styled::width(&extra) <= room {
        let pad = room - styled::width(&extra);
        line.spans.push(Span::raw(" ".repeat(pad + 2)));
        line.spans.push(Span::styled(extra, DIM));
    }
    frame.render_widget(Paragraph::new(line), area);
}

/// What the tab bar says on its right: the search, or where the details are scrolled.
fn tab_note(state: &State) -> String {
    match (&state.search, state.tab) {
        (Some(s), Tab::Xml) => match s.current {
            Some(c) => format!("/{} {}/{}", s.query, c + 1, s.lines.len()),
            None => format!("/{} ({} lines)", s.query, s.lines.len()),
        },
        _ if state.focus == Focus::Details && state.tab != Tab::Identities => {
            "Esc: back to the list".to_owned()
        }
        _ => String::new(),
    }
}
