//! The one sanitiser every untrusted string passes through before it reaches a terminal.
//!
//! Control and escape sequences are neutralised, and characters a person cannot see — zero-width
//! and bidi controls, no-break and other odd spaces, soft hyphens, byte-order marks — are shown as
//! `<U+200B>` markers: an invisible character in a NameID is exactly the bug we exist to find.

use std::borrow::Cow;

/// True for characters that must never reach a terminal as they are, or that a person cannot see:
/// controls, spaces other than U+0020, and the zero-width characters of [`is_zero_width`]. The one
/// list of them: the checks, the comparison and every report use these two functions.
pub fn is_invisible(c: char) -> bool {
    c.is_control() || is_odd_space(c) || is_zero_width(c)
}

/// Characters that render as nothing but change a string: zero-width spaces and joiners, bidi
/// controls, the soft hyphen, the BOM, variation selectors (Mongolian, standard and
/// ideographic), Hangul fillers, interlinear annotation marks, musical format marks and tags.
pub fn is_zero_width(c: char) -> bool {
    matches!(
        c,
        '\u{00AD}' | '\u{034F}' | '\u{061C}' | '\u{115F}' | '\u{1160}' | '\u{17B4}' | '\u{17B5}'
            | '\u{180B}'..='\u{180F}' | '\u{200B}'..='\u{200F}' | '\u{202A}'..='\u{202E}'
            | '\u{2060}'..='\u{206F}' | '\u{3164}' | '\u{FE00}'..='\u{FE0F}' | '\u{FEFF}'
            | '\u{FFA0}' | '\u{FFF9}'..='\u{FFFB}' | '\u{E0000}'..='\u{E007F}'
            | '\u{1D173}'..='\u{1D17A}' | '\u{E0100}'..='\u{E01EF}'
    )
}

/// Spaces a person takes for U+0020 (or for nothing): no-break, en/em and the other typographic
/// spaces, line and paragraph separators, the ideographic space.
fn is_odd_space(c: char) -> bool {
    matches!(
        c,
        '\u{00A0}' | '\u{2000}'
            ..='\u{200A}' | '\u{2028}' | '\u{2029}' | '\u{202F}' | '\u{205F}' | '\u{3000}'
    )
}

/// True when the text has a character [`visible`] would mark.
pub fn has_invisible(s: &str) -> bool {
    s.chars().any(is_invisible)
}

/// The text with every invisible or control character shown as `\n`, `\t`, `\r` or `<U+XXXX>`.
pub fn visible(s: &str) -> Cow<'_, str> {
    if !has_invisible(s) {
        return Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(s.len() + 8);
    for c in s.chars() {
        push_visible(&mut out, c);
    }
    Cow::Owned(out)
}

fn push_visible(out: &mut String, c: char) {
    match c {
        '\n' => out.push_str("\\n"),
        '\t' => out.push_str("\\t"),
        '\r' => out.push_str("\\r"),
        c if is_invisible(c) => out.push_str(&format!("<U+{:04X}>", c as u32)),
        c => out.push(c),
    }
}

/// A run of text as [`visible`] shows it: plain characters, or the marker standing for one
/// invisible or control character.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Part<'a> {
    Text(&'a str),
    Marker(String),
}

/// The text cut into plain runs and markers: what [`visible`] shows, for a display that styles
/// the markers so that they cannot be mistaken for text.
pub fn parts(s: &str) -> Vec<Part<'_>> {
    let mut out = Vec::new();
    let mut start = 0;
    for (i, c) in s.char_indices().filter(|(_, c)| is_invisible(*c)) {
        if start < i {
            out.push(Part::Text(&s[start..i]));
        }
        let mut marker = String::new();
        push_visible(&mut marker, c);
        out.push(Part::Marker(marker));
        start = i + c.len_utf8();
    }
    if start < s.len() {
        out.push(Part::Text(&s[start..]));
    }
    out
}

/// Like [`visible`], but keeps line breaks and tabs: for showing whole documents.
pub fn multiline(s: &str) -> Cow<'_, str> {
    if !s.chars().any(|c| is_invisible(c) && c != '\n' && c != '\t') {
        return Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(s.len() + 8);
    for c in s.chars() {
        match c {
            '\n' | '\t' => out.push(c),
            c => push_visible(&mut out, c),
        }
    }
    Cow::Owned(out)
}

/// [`visible`], in double quotes when the value has surrounding whitespace or is empty, so that
/// padding shows.
pub fn quoted_if_padded(s: &str) -> Cow<'_, str> {
    let padded = s.is_empty() || s.trim() != s;
    match (padded, visible(s)) {
        (true, v) => Cow::Owned(format!("\"{v}\"")),
        (false, v) => v,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Regression (issue 11): U+1D173–1D17A and U+E0100–E01EF were added to the checks' list
    /// only, so the checks and the comparison judged the same NameID differently.
    #[test]
    fn every_zero_width_character_is_invisible_and_spaces_are_not_zero_width() {
        for c in [
            '\u{200B}',
            '\u{2060}',
            '\u{FEFF}',
            '\u{1D173}',
            '\u{1D17A}',
            '\u{E0100}',
            '\u{E01EF}',
        ] {
            assert!(is_zero_width(c) && is_invisible(c), "{c:?}");
        }
        for c in ['\u{00A0}', '\u{2003}', '\u{3000}'] {
            assert!(is_invisible(c) && !is_zero_width(c), "{c:?}");
        }
        assert!(!is_invisible(' ') && !is_invisible('é'));
    }

    #[test]
    fn variation_selectors_and_format_marks_are_invisible() {
        for c in [
            '\u{180B}',
            '\u{180F}',
            '\u{FE0F}',
            '\u{E0100}',
            '\u{E01EF}',
            '\u{1D173}',
        ] {
            assert!(is_invisible(c), "{:04X}", c as u32);
        }
        assert_eq!(visible("bob\u{E0100}"), "bob<U+E0100>");
        for c in ['a', 'é', '\u{1820}', '\u{E01F0}'] {
            assert!(!is_invisible(c), "{:04X}", c as u32);
        }
    }

    #[test]
    fn plain_text_is_borrowed() {
        assert!(matches!(visible("alice@example.com"), Cow::Borrowed(_)));
        assert!(matches!(multiline("a\n\tb"), Cow::Borrowed(_)));
    }

    #[test]
    fn escapes_and_invisibles_are_shown() {
        assert_eq!(visible("a\u{1b}[31mb"), "a<U+001B>[31mb");
        assert_eq!(visible("al\u{200B}ice"), "al<U+200B>ice");
        assert_eq!(visible("\u{202E}moc.elpmaxe"), "<U+202E>moc.elpmaxe");
        assert_eq!(visible("a\u{a0}b\nc"), "a<U+00A0>b\\nc");
        assert_eq!(visible("\u{9b}2J"), "<U+009B>2J");
        assert_eq!(multiline("a\n\u{7}b"), "a\n<U+0007>b");
    }

    #[test]
    fn parts_split_text_from_markers() {
        assert_eq!(parts("plain"), [Part::Text("plain")]);
        assert_eq!(
            parts("a\u{200b}b\t"),
            [
                Part::Text("a"),
                Part::Marker("<U+200B>".into()),
                Part::Text("b"),
                Part::Marker("\\t".into()),
            ]
        );
        assert!(parts("").is_empty());
    }

    #[test]
    fn padding_is_quoted() {
        assert_eq!(quoted_if_padded(" bob "), "\" bob \"");
        assert_eq!(quoted_if_padded(""), "\"\"");
        assert_eq!(quoted_if_padded("bob"), "bob");
    }
}
