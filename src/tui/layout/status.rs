//! The status line's message, wrapped: a message that does not fit one row takes more (up to
//! [`most_rows`]), so that an error is read whole instead of cut to `✗ http:/…`. The screen's
//! areas are laid out with [`rows`], and the view draws [`message`], the same lines.
//!
//! Pure: a string and a width in, lines out. Nothing here draws.

use ratatui::layout::Size;
use ratatui::style::Style;
use ratatui::text::{Line, Span};

use super::styled::{self, DIM};

/// The most rows a message takes: a quarter of the screen, at most six.
pub fn most_rows(size: Size) -> usize {
    usize::from(size.height / 4).clamp(1, 6)
}

/// A message's rows on a screen of `size`: wrapped at its width (continuation rows indented
/// by two), the last row cut with `…` when even `most_rows` do not hold it.
pub fn message(text: &str, style: Style, size: Size) -> Vec<Line<'static>> {
    let w = usize::from(size.width).max(1);
    let most = most_rows(size);
    let mut rows = styled::wrap(Line::from(styled::untrusted(text, style)), w, 2);
    if rows.len() > most {
        rows.truncate(most);
        if let Some(last) = rows.last_mut() {
            let mut spans = std::mem::take(&mut last.spans);
            spans.push(Span::styled(" …", DIM));
            *last = Line::from(styled::cut(spans, w));
        }
    }
    rows
}

/// How many rows [`message`] gives.
pub fn rows(text: &str, size: Size) -> usize {
    message(text, Style::new(), size).len()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn plain(line: &Line<'_>) -> String {
        line.spans.iter().map(|s| s.content.as_ref()).collect()
    }

    #[test]
    fn a_long_message_wraps_whole() {
        let text = "https://gitlab.example.com/api/v4/groups/acme/saml_users: HTTP 401 Unauthorized: the token was refused (is it a group Owner's?)";
        let lines = message(text, Style::new(), Size::new(80, 24));
        assert_eq!(lines.len(), 2);
        let joined: String = lines.iter().map(plain).collect::<Vec<_>>().join(" ");
        let words = |t: &str| t.split_whitespace().collect::<Vec<_>>().join(" ");
        assert_eq!(words(&joined), words(text));
        assert!(lines.iter().all(|l| l.width() <= 80));
        assert_eq!(rows("short", Size::new(80, 24)), 1);
    }

    #[test]
    fn a_message_longer_than_the_rows_allowed_ends_in_an_ellipsis() {
        let text = "word ".repeat(200);
        let lines = message(&text, Style::new(), Size::new(40, 12));
        assert_eq!(lines.len(), 3);
        assert!(plain(&lines[2]).ends_with('…'));
        assert!(lines.iter().all(|l| l.width() <= 40));
    }
}
