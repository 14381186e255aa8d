//! The `?` help: every key binding, generated from the same tables that decide what keys do,
//! in a box over the screen that scrolls when the screen is short.

use ratatui::Frame;
use ratatui::layout::{Constraint, Flex, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Clear, Paragraph};

use super::super::keys::{self, Group};
use super::text::{self, DIM, HEADING, STRONG};

/// Width of the keys column.
const KEYS: usize = 16;

/// The help's lines: a title per group, then keys and what they do.
fn lines() -> Vec<Line<'static>> {
    let mut out = Vec::new();
    let mut group: Option<Group> = None;
    for l in keys::help() {
        if group != Some(l.group) {
            if group.is_some() {
                out.push(Line::default());
            }
            out.push(Line::styled(l.group.title(), HEADING));
            group = Some(l.group);
        }
        out.push(Line::from(vec![
            Span::styled(text::fit(&l.keys, KEYS), STRONG),
            Span::raw(l.help),
        ]));
    }
    out.push(Line::default());
    out.push(Line::styled(
        "Pasting anywhere (outside a prompt) decodes the paste as a new message.",
        DIM,
    ));
    out
}

/// How many lines the help has, for `update` to bound its scrolling.
pub fn line_count() -> usize {
    lines().len()
}

pub fn render(frame: &mut Frame, screen: Rect, scroll: usize) {
    let width = screen.width.saturating_sub(4).min(110);
    let height = screen.height.saturating_sub(2);
    let [area] = Layout::horizontal([Constraint::Length(width)])
        .flex(Flex::Center)
        .areas(screen);
    let [area] = Layout::vertical([Constraint::Length(height)])
        .flex(Flex::Center)
        .areas(area);
    let block = Block::default()
        .borders(Borders::ALL)
        .title(" Keys  (↑↓ scroll, any other key closes) ");
    let inner = block.inner(area);
    let shown: Vec<Line> = lines()
        .into_iter()
        .skip(scroll)
        .flat_map(|l| text::wrap(l, usize::from(inner.width), KEYS))
        .take(usize::from(inner.height))
        .collect();
    frame.render_widget(Clear, area);
    frame.render_widget(Paragraph::new(shown).block(block), area);
}
