//! The XML tab's rows: the pretty-printed document with line numbers, syntax colours, search
//! hits and the sanitiser's markers, wrapped to the width; and the mapping between XML lines
//! and screen rows that scrolling and the search need, worked out by the same wrapping.
//!
//! The lines were pretty-printed and sanitised by a worker (`facts`); this only colours them.
//! In that text a `<` is always a tag, a comment, a processing instruction or a marker such as
//! `<U+200B>` (the printer escapes every other one), so a small scanner is enough.

use ratatui::style::{Color, Modifier, Style};
use ratatui::text::{Line, Span};

use super::styled::{DIM, MARKER, MATCH_HIT, wrap};
use super::text_width;

const TAG: Style = Style::new().fg(Color::Blue).add_modifier(Modifier::BOLD);
const ATTR: Style = Style::new().fg(Color::Cyan);
const VALUE: Style = Style::new().fg(Color::Green);
const PUNCT: Style = DIM;
const COMMENT: Style = Style::new()
    .fg(Color::DarkGray)
    .add_modifier(Modifier::ITALIC);

/// Columns of the line-number gutter for a document of `n` lines.
fn gutter(n: usize) -> usize {
    n.max(1).to_string().len() + 1
}

/// Every screen row of the document at width `w` (the scroll bar's column excluded), with the
/// hits of the search `query` standing out.
pub fn lines(xml: &[String], query: Option<&str>, w: usize) -> Vec<Line<'static>> {
    let g = gutter(xml.len());
    let needle = query.map(str::to_lowercase).filter(|q| !q.is_empty());
    xml.iter()
        .enumerate()
        .flat_map(|(i, l)| {
            let mut spans = vec![Span::styled(
                format!("{:>width$} ", i + 1, width = g - 1),
                DIM,
            )];
            let mut body = highlight(l);
            if let Some(q) = &needle {
                body = mark_hits(body, l, q);
            }
            spans.extend(body);
            wrap(Line::from(spans), w, hanging(l, g))
        })
        .collect()
}

/// The indent of a line's continuation rows: past the gutter and the line's own indent, and
/// two more, so that an element's wrapped attributes stay under it.
fn hanging(line: &str, g: usize) -> usize {
    let own = line.len() - line.trim_start_matches(' ').len();
    g + (own + 4).min(40)
}

/// How many screen rows one XML line takes.
fn rows_of(line: &str, g: usize, w: usize) -> usize {
    let text = format!("{} {line}", " ".repeat(g - 1));
    wrap(Line::from(text), w, hanging(line, g)).len()
}

/// The first screen row of XML line `line`, for a detail area `width` columns wide.
pub fn row_of_line(xml: &[String], width: u16, line: usize) -> usize {
    let w = text_width(width);
    let g = gutter(xml.len());
    xml.iter().take(line).map(|l| rows_of(l, g, w)).sum()
}

/// The XML line shown on screen row `row`.
pub fn line_at_row(xml: &[String], width: u16, row: usize) -> usize {
    let w = text_width(width);
    let g = gutter(xml.len());
    let mut seen = 0;
    for (i, l) in xml.iter().enumerate() {
        seen += rows_of(l, g, w);
        if seen > row {
            return i;
        }
    }
    xml.len().saturating_sub(1)
}

/// The spans of one pretty-printed line: tags, attribute names and values, text, comments, and
/// the sanitiser's markers.
pub fn highlight(line: &str) -> Vec<Span<'static>> {
    let mut out = Vec::new();
    let mut rest = line;
    while !rest.is_empty() {
        let taken = if let Some(n) = marker_len(rest) {
            out.push(Span::styled(rest[..n].to_owned(), MARKER));
            n
        } else if rest.starts_with("<!--") {
            let n = rest.find("-->").map_or(rest.len(), |i| i + 3);
            out.push(Span::styled(rest[..n].to_owned(), COMMENT));
            n
        } else if rest.starts_with("<?") {
            let n = rest.find("?>").map_or(rest.len(), |i| i + 2);
            out.push(Span::styled(rest[..n].to_owned(), COMMENT));
            n
        } else if rest.starts_with('<') {
            tag(rest, &mut out)
        } else {
            let n = next_lt(rest);
            out.push(Span::raw(rest[..n].to_owned()));
            n
        };
        let least = rest.chars().next().map_or(rest.len(), char::len_utf8);
        rest = &rest[taken.max(least).min(rest.len())..];
    }
    out
}

/// Bytes up to the next `<` after the first character (or the end).
fn next_lt(s: &str) -> usize {
    let first = s.chars().next().map_or(0, char::len_utf8);
    s[first..].find('<').map_or(s.len(), |i| i + first)
}

/// The length of a `<U+200B>` marker at the start of `s`.
fn marker_len(s: &str) -> Option<usize> {
    let hex = s.strip_prefix("<U+")?;
    let digits = hex.bytes().take_while(u8::is_ascii_hexdigit).count();
    ((4..=6).contains(&digits) && hex[digits..].starts_with('>')).then_some(3 + digits + 1)
}

/// A start or end tag at the start of `s`: returns the bytes it takes.
fn tag(s: &str, out: &mut Vec<Span<'static>>) -> usize {
    let open = if s.starts_with("</") { 2 } else { 1 };
    out.push(Span::styled(s[..open].to_owned(), PUNCT));
    let mut i = open;
    let name = name_len(&s[i..]);
    out.push(Span::styled(s[i..i + name].to_owned(), TAG));
    i += name;
    while i < s.len() {
        let r = &s[i..];
        if r.starts_with("/>") || r.starts_with('>') {
            let n = if r.starts_with("/>") { 2 } else { 1 };
            out.push(Span::styled(r[..n].to_owned(), PUNCT));
            return i + n;
        }
        if r.starts_with(' ') {
            let n = r.len() - r.trim_start_matches(' ').len();
            out.push(Span::raw(r[..n].to_owned()));
            i += n;
            continue;
        }
        i += attribute(r, out);
    }
    i
}

fn name_len(s: &str) -> usize {
    s.find(|c: char| c.is_whitespace() || c == '>' || c == '/' || c == '=')
        .unwrap_or(s.len())
}

/// `name="value"` at the start of `s`: returns the bytes it takes (at least one).
fn attribute(s: &str, out: &mut Vec<Span<'static>>) -> usize {
    let name = name_len(s);
    if name > 0 {
        out.push(Span::styled(s[..name].to_owned(), ATTR));
    }
    let rest = &s[name..];
    let Some(after_eq) = rest.strip_prefix("=\"") else {
        let n = if name == 0 {
            s.chars().next().map_or(1, char::len_utf8)
        } else {
            0
        };
        if n > 0 {
            out.push(Span::raw(s[..n].to_owned()));
        }
        return name + n;
    };
    out.push(Span::styled("=\"", PUNCT));
    let end = after_eq.find('"').unwrap_or(after_eq.len());
    value(&after_eq[..end], out);
    let close = usize::from(end < after_eq.len());
    if close == 1 {
        out.push(Span::styled("\"", PUNCT));
    }
    name + 2 + end + close
}

/// An attribute value, with its markers.
fn value(v: &str, out: &mut Vec<Span<'static>>) {
    let mut rest = v;
    while !rest.is_empty() {
        if let Some(n) = marker_len(rest) {
            out.push(Span::styled(rest[..n].to_owned(), MARKER));
            rest = &rest[n..];
            continue;
        }
        let n = next_lt(rest);
        out.push(Span::styled(rest[..n].to_owned(), VALUE));
        rest = &rest[n..];
    }
}

/// The spans with every case-insensitive occurrence of `needle` in `line` standing out.
fn mark_hits(spans: Vec<Span<'static>>, line: &str, needle: &str) -> Vec<Span<'static>> {
    let lower = line.to_lowercase();
    if lower.len() != line.len() {
        return spans; // case folding moved the bytes: leave the line as it is
    }
    let mut hits = Vec::new();
    let mut from = 0;
    while let Some(i) = lower[from..].find(needle) {
        hits.push((from + i, from + i + needle.len()));
        from += i + needle.len().max(1);
    }
    if hits.is_empty() {
        return spans;
    }
    let mut out = Vec::new();
    let mut at = 0;
    for span in spans {
        let len = span.content.len();
        let mut cut = 0;
        let text = span.content.to_string();
        for &(a, b) in &hits {
            let (a, b) = (a.max(at).min(at + len) - at, b.max(at).min(at + len) - at);
            if a >= b || a < cut || !text.is_char_boundary(a) || !text.is_char_boundary(b) {
                continue;
            }
            out.push(Span::styled(text[cut..a].to_owned(), span.style));
            out.push(Span::styled(text[a..b].to_owned(), MATCH_HIT));
            cut = b;
        }
        out.push(Span::styled(text[cut..].to_owned(), span.style));
        at += len;
    }
    out.retain(|s| !s.content.is_empty());
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn styled(spans: &[Span<'_>]) -> Vec<(String, Style)> {
        spans
            .iter()
            .map(|s| (s.content.to_string(), s.style))
            .collect()
    }

    #[test]
    fn tags_attributes_text_and_markers_get_their_styles() {
        let spans = highlight(r#"<saml:NameID Format="x<U+200B>">al<U+200B>ice</saml:NameID>"#);
        let s = styled(&spans);
        assert_eq!(s[0], ("<".into(), PUNCT));
        assert_eq!(s[1], ("saml:NameID".into(), TAG));
        assert_eq!(s[3], ("Format".into(), ATTR));
        assert!(s.contains(&("<U+200B>".into(), MARKER)));
        assert!(s.contains(&("ice".into(), Style::new())));
        let text: String = spans.iter().map(|s| s.content.as_ref()).collect();
        assert_eq!(
            text,
            r#"<saml:NameID Format="x<U+200B>">al<U+200B>ice</saml:NameID>"#
        );
    }

    #[test]
    fn odd_lines_keep_every_character() {
        for line in [
            "<", "<a", "<a b", "<a b=\"x", "a < b", "<!-- c", "<a/>tail", "é<é/>",
        ] {
            let text: String = highlight(line)
                .iter()
                .map(|s| s.content.to_string())
                .collect();
            assert_eq!(text, line);
        }
    }

    proptest::proptest! {
        #[test]
        fn any_line_highlights_to_itself(line in "[<>=\"/!?a-z é\u{200b}U+0-9-]{0,40}") {
            let text: String = highlight(&line).iter().map(|s| s.content.to_string()).collect();
            proptest::prop_assert_eq!(text, line.clone());
            let hits = mark_hits(highlight(&line), &line, "a");
            let text: String = hits.iter().map(|s| s.content.to_string()).collect();
            proptest::prop_assert_eq!(text, line);
        }
    }

    #[test]
    fn search_hits_stand_out_and_rows_map_both_ways() {
        let spans = mark_hits(
            highlight("<a>Alice alice</a>"),
            "<a>Alice alice</a>",
            "alice",
        );
        let hits: Vec<String> = spans
            .iter()
            .filter(|s| s.style == MATCH_HIT)
            .map(|s| s.content.to_string())
            .collect();
        assert_eq!(hits, ["Alice", "alice"]);
        let xml: Vec<String> = vec!["short".into(), "x".repeat(50), "end".into()];
        assert_eq!(row_of_line(&xml, 21, 2), 1 + 4);
        assert_eq!(line_at_row(&xml, 21, 4), 1);
        assert_eq!(line_at_row(&xml, 21, 5), 2);
        assert_eq!(line_at_row(&xml, 21, 99), 2);
    }
}
