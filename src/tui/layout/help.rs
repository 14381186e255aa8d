//! The `?` help's lines and box: every key binding, generated from the same tables that
//! decide what keys do, in a box over the screen that scrolls when the screen is short.
//!
//! `update` bounds the help's scroll by [`line_count`] and pages by [`page`]; the view draws
//! [`shown`] in [`frame`]. Nothing is drawn here.

use ratatui::layout::{Constraint, Flex, Layout, Rect, Size};
use ratatui::text::{Line, Span};

use super::super::keys::{self, Group};
use super::styled::{self, DIM, HEADING, STRONG};

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
            Span::styled(styled::fit(&l.keys, KEYS), STRONG),
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

/// The help's box on a screen: at most 110 columns wide and a line short of the screen at the
/// top and the bottom, centred.
pub fn frame(screen: Rect) -> Rect {
    let width = screen.width.saturating_sub(4).min(110);
    let height = screen.height.saturating_sub(2);
    let [area] = Layout::horizontal([Constraint::Length(width)])
        .flex(Flex::Center)
        .areas(screen);
    let [area] = Layout::vertical([Constraint::Length(height)])
        .flex(Flex::Center)
        .areas(area);
    area
}

/// How many rows of the help show at once on a screen of `size`: the inside of its box's
/// borders, and at least one.
pub fn page(size: Size) -> usize {
    let inside = frame(Rect::new(0, 0, size.width, size.height))
        .height
        .saturating_sub(2);
    usize::from(inside).max(1)
}

/// The rows the help shows from line `scroll`, wrapped to `width` columns, at most `height`.
pub fn shown(scroll: usize, width: u16, height: u16) -> Vec<Line<'static>> {
    lines()
        .into_iter()
        .skip(scroll)
        .flat_map(|l| styled::wrap(l, usize::from(width), KEYS))
        .take(usize::from(height))
        .collect()
}
