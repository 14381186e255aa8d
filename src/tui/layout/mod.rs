//! Where each part of the screen goes and what fills the panes that scroll, as pure functions
//! of the terminal size and the data: the one home of every number both sides need.
//!
//! [`Areas`] splits the screen; [`columns`] sizes the message list's columns, [`status`] wraps
//! the status line's message; [`tabs`] makes the detail tabs' wrapped lines (with
//! [`xml_rows`] for the XML tab, which also maps XML lines to screen rows, [`fix`] for the
//! Fix tab and [`audit`] for the Audit tab), [`help`] the help's
//! lines and box, and [`styled`] the styles and the wrapping they are all made with. `update`
//! uses these to know page sizes, bound scrolling and keep selections in view; the view draws
//! the same lines. Nothing here draws, changes the state or names it: the tabs read a
//! [`tabs::Shown`] borrowed from it, so this layer sits below both `app` and `view`.

pub mod audit;
pub mod columns;
pub mod fix;
pub mod help;
pub mod status;
pub mod styled;
pub mod tabs;
pub mod xml_rows;

use ratatui::layout::{Constraint, Layout, Rect, Size};

/// The screen's areas, top to bottom.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Areas {
    /// Two lines: what is loaded, and the identity list.
    pub header: Rect,
    /// The list's column titles.
    pub list_head: Rect,
    /// The messages, one per line.
    pub list: Rect,
    /// The tab titles.
    pub tabs: Rect,
    /// The selected tab.
    pub detail: Rect,
    /// Messages (as many rows as a long one needs), prompts and key hints.
    pub status: Rect,
}

/// Lines the Identities tab uses above its rows: a summary and the column titles.
pub const IDENTITIES_HEAD: u16 = 2;

impl Areas {
    /// The areas of a screen of `size` showing `rows` messages and a status of `status`
    /// rows: the list grows with the messages up to a third of the screen, and never below
    /// three lines.
    pub fn new(size: Size, rows: usize, status: usize) -> Areas {
        let area = Rect::new(0, 0, size.width, size.height);
        let status = u16::try_from(status).unwrap_or(1).max(1);
        let most = (size.height.saturating_sub(4 + status) / 3).max(3);
        let list = u16::try_from(rows).unwrap_or(u16::MAX).clamp(3, most);
        let [header, list_head, list, tabs, detail, status] = Layout::vertical([
            Constraint::Length(2),
            Constraint::Length(1),
            Constraint::Length(list),
            Constraint::Length(1),
            Constraint::Min(0),
            Constraint::Length(status),
        ])
        .areas(area);
        Areas {
            header,
            list_head,
            list,
            tabs,
            detail,
            status,
        }
    }

    /// How many messages the list shows at once.
    pub fn list_rows(&self) -> usize {
        usize::from(self.list.height).max(1)
    }

    /// How many lines of a tab show at once.
    pub fn detail_rows(&self) -> usize {
        usize::from(self.detail.height).max(1)
    }

    /// How many identities the Identities tab shows at once, below its head and `notes`
    /// lines of problems and notes about the list.
    pub fn identity_rows(&self, notes: usize) -> usize {
        let head = usize::from(IDENTITIES_HEAD) + notes;
        usize::from(self.detail.height).saturating_sub(head).max(1)
    }
}

/// The columns a detail tab's lines are wrapped to in a detail area `width` columns wide: all
/// but the scroll bar's.
pub fn text_width(width: u16) -> usize {
    usize::from(width).saturating_sub(1).max(1)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_list_grows_with_the_messages_up_to_a_third() {
        let small = Areas::new(Size::new(80, 24), 2, 1);
        assert_eq!(small.list.height, 3);
        assert_eq!(small.detail.height, 24 - 2 - 1 - 3 - 1 - 1);
        let full = Areas::new(Size::new(80, 24), 1000, 1);
        assert_eq!(full.list.height, 6);
        assert_eq!(full.detail.height, 13);
        let big = Areas::new(Size::new(160, 45), 1000, 1);
        assert_eq!(big.list.height, 13);
        assert_eq!(big.status.y, 44);
    }

    #[test]
    fn a_long_status_takes_rows_from_the_details() {
        let one = Areas::new(Size::new(80, 24), 2, 1);
        let three = Areas::new(Size::new(80, 24), 2, 3);
        assert_eq!(three.status.height, 3);
        assert_eq!(three.status.y, 21);
        assert_eq!(three.detail.height, one.detail.height - 2);
    }

    #[test]
    fn a_tiny_screen_does_not_panic() {
        let a = Areas::new(Size::new(10, 3), 5, 1);
        assert!(a.detail_rows() >= 1);
        let zero = Areas::new(Size::new(0, 0), 0, 1);
        assert_eq!(zero.list_rows(), 1);
    }
}
