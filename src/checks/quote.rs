//! Quoting untrusted values inside finding texts: made visible by the one sanitiser
//! ([`crate::sanitize`]), put in double quotes so that surrounding spaces show, cut when very long,
//! and invisible characters named in words.
//!
//! Pure text formatting; whether a value is wrong is for the rules to say.

use std::fmt::Write;

use crate::sanitize::visible;

/// Longest value quoted in full by [`quote`]; longer ones are cut with a count of the rest.
pub const QUOTE_LIMIT: usize = 200;

/// The value in double quotes, made visible, and cut after [`QUOTE_LIMIT`] characters.
pub fn quote(s: &str) -> String {
    let total = s.chars().count();
    let shown: String = s.chars().take(QUOTE_LIMIT).collect();
    let mut out = format!("\"{}\"", visible(&shown));
    if total > QUOTE_LIMIT {
        let _ = write!(out, "… ({} more characters)", total - QUOTE_LIMIT);
    }
    out
}

/// `U+200B` for a character.
pub fn code_point(c: char) -> String {
    format!("U+{:04X}", u32::from(c))
}

/// A short English name for the characters people meet in practice, for details such as
/// "a zero-width space (U+200B)".
pub fn describe(c: char) -> String {
    let name = match c {
        ' ' => "space",
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
    fn quote_shows_padding_and_invisible_characters() {
        assert_eq!(quote(" alice "), "\" alice \"");
        assert_eq!(quote("alice\u{200B}"), "\"alice<U+200B>\"");
        assert_eq!(quote("a\u{1b}[2Jb"), "\"a<U+001B>[2Jb\"");
    }

    #[test]
    fn quote_cuts_long_values() {
        let long = "x".repeat(QUOTE_LIMIT + 5);
        let q = quote(&long);
        assert!(q.ends_with("\"… (5 more characters)"), "{q}");
        assert_eq!(q.chars().filter(|c| *c == 'x').count(), QUOTE_LIMIT);
    }

    #[test]
    fn describe_names_common_characters() {
        assert_eq!(describe('\u{200B}'), "zero-width space (U+200B)");
        assert_eq!(describe('\u{A0}'), "no-break space (U+00A0)");
        assert_eq!(describe(' '), "space (U+0020)");
        assert_eq!(describe('\u{1}'), "control character (U+0001)");
    }
}
