//! Makes untrusted text safe and visible before it is quoted to a person.
//!
//! Control characters (terminal escape sequences among them), zero-width, bidirectional and
//! unusual space characters are replaced by `<U+200B>`-style markers, because an invisible
//! character in a NameID is exactly the kind of bug this tool exists to find. Pure: text in, text
//! out; this module never decides whether a value is wrong, it only shows it.

use std::borrow::Cow;
use std::fmt::Write;

/// Longest value quoted in full by [`quote`]; longer ones are cut with a count of the rest.
pub const QUOTE_LIMIT: usize = 200;

/// True for a character a person cannot see, or that changes how the text around it is shown:
/// controls, zero-width and bidirectional marks, and spaces other than the ASCII space.
pub fn is_invisible(c: char) -> bool {
    matches!(c,
        '\u{0}'..='\u{1F}'
        | '\u{7F}'..='\u{A0}'
        | '\u{AD}'
        | '\u{34F}'
        | '\u{61C}'
        | '\u{115F}' | '\u{1160}'
        | '\u{17B4}' | '\u{17B5}'
        | '\u{180B}'..='\u{180E}'
        | '\u{2000}'..='\u{200F}'
        | '\u{2028}'..='\u{202F}'
        | '\u{205F}'..='\u{206F}'
        | '\u{3000}'
        | '\u{3164}'
        | '\u{FE00}'..='\u{FE0F}'
        | '\u{FEFF}'
        | '\u{FFA0}'
        | '\u{FFF9}'..='\u{FFFB}'
        | '\u{E0000}'..='\u{E007F}'
        | '\u{E0100}'..='\u{E01EF}'
    )
}

/// The text with every invisible character replaced by its `<U+XXXX>` marker.
pub fn visible(s: &str) -> Cow<'_, str> {
    if !s.chars().any(is_invisible) {
        return Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(s.len() + 16);
    for c in s.chars() {
        push_visible(&mut out, c);
    }
    Cow::Owned(out)
}

fn push_visible(out: &mut String, c: char) {
    if is_invisible(c) {
        let _ = write!(out, "<{}>", code_point(c));
    } else {
        out.push(c);
    }
}

/// `U+200B` for a character.
pub fn code_point(c: char) -> String {
    format!("U+{:04X}", u32::from(c))
}

/// The value in double quotes, made [`visible`], and cut after [`QUOTE_LIMIT`] characters.
pub fn quote(s: &str) -> String {
    let total = s.chars().count();
    let mut out = String::from("\"");
    for c in s.chars().take(QUOTE_LIMIT) {
        push_visible(&mut out, c);
    }
    out.push('"');
    if total > QUOTE_LIMIT {
        let _ = write!(out, "… ({} more characters)", total - QUOTE_LIMIT);
    }
    out
}

/// A short English name for the invisible characters people meet in practice, for details such
/// as "a zero-width space (U+200B)".
pub fn describe(c: char) -> String {
    let name = match c {
        '\t' => "tab",
        '\n' => "line feed",
        '\r' => "carriage return",
        '\u{A0}' => "no-break space",
        '\u{AD}' => "soft hyphen",
        '\u{200B}' => "zero-width space",
        '\u{200C}' => "zero-width non-joiner",
        '\u{200D}' => "zero-width joiner",
        '\u{200E}' => "left-to-right mark",
        '\u{200F}' => "right-to-left mark",
        '\u{2028}' => "line separator",
        '\u{2029}' => "paragraph separator",
        '\u{202A}'..='\u{202E}' => "bidirectional formatting character",
        '\u{202F}' => "narrow no-break space",
        '\u{2060}' => "word joiner",
        '\u{2066}'..='\u{2069}' => "bidirectional isolate",
        '\u{3000}' => "ideographic space",
        '\u{FEFF}' => "byte order mark (zero-width no-break space)",
        '\u{2000}'..='\u{200A}' | '\u{205F}' => "typographic space",
        c if c.is_control() => "control character",
        _ => "invisible character",
    };
    format!("{name} ({})", code_point(c))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plain_text_is_borrowed_unchanged() {
        assert!(matches!(visible("alice@example.com"), Cow::Borrowed(_)));
        assert_eq!(visible("Zoë Ünal"), "Zoë Ünal");
    }

    #[test]
    fn invisible_characters_become_markers() {
        assert_eq!(visible("alice\u{200B}"), "alice<U+200B>");
        assert_eq!(visible("\u{FEFF}bob\u{A0}"), "<U+FEFF>bob<U+00A0>");
        assert_eq!(visible("a\u{202E}b\u{2066}c"), "a<U+202E>b<U+2066>c");
        assert_eq!(visible("tag\u{E0041}"), "tag<U+E0041>");
    }

    #[test]
    fn terminal_escape_sequences_are_neutralised() {
        let hostile = "\u{1b}[2J\u{1b}]0;pwned\u{7}name";
        let shown = visible(hostile);
        assert!(!shown.contains('\u{1b}'));
        assert_eq!(shown, "<U+001B>[2J<U+001B>]0;pwned<U+0007>name");
    }

    #[test]
    fn newlines_and_tabs_are_shown_too() {
        assert_eq!(visible("a\nb\tc\r"), "a<U+000A>b<U+0009>c<U+000D>");
    }

    #[test]
    fn quote_shows_surrounding_spaces_and_cuts_long_values() {
        assert_eq!(quote(" alice "), "\" alice \"");
        let long = "x".repeat(QUOTE_LIMIT + 5);
        let q = quote(&long);
        assert!(q.ends_with("\"… (5 more characters)"));
        assert_eq!(q.chars().filter(|c| *c == 'x').count(), QUOTE_LIMIT);
    }

    #[test]
    fn describe_names_common_characters() {
        assert_eq!(describe('\u{200B}'), "zero-width space (U+200B)");
        assert_eq!(describe('\u{A0}'), "no-break space (U+00A0)");
        assert_eq!(describe('\u{1}'), "control character (U+0001)");
    }

    #[test]
    fn ordinary_letters_and_space_are_visible() {
        for c in ['a', 'Z', ' ', 'é', '中', '@', '-'] {
            assert!(!is_invisible(c), "{c:?}");
        }
    }
}
