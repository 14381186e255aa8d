//! The normalisation tiers that make a near match: each step is a pure function on a string,
//! applied cumulatively in a fixed order, so that "equal at tier k" implies "equal at every
//! later tier" and one key (all steps) finds every near candidate.
//!
//! Tool design, not GitLab behaviour: GitLab compares a NameID exactly. Nothing here allocates
//! when a step changes nothing.

use std::borrow::Cow;

use crate::sanitize::is_zero_width;

use serde::Serialize;

/// One normalisation, in the order the tiers apply them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Difference {
    /// Leading or trailing whitespace (including no-break spaces).
    Whitespace,
    /// Zero-width, bidi-control or other invisible characters.
    InvisibleCharacters,
    /// Upper versus lower case.
    Case,
    /// The same GUID written with braces, without hyphens, or as `urn:uuid:`.
    GuidForm,
    /// Percent-encoded characters (`%40` for `@`).
    PercentEncoding,
}

impl Difference {
    pub const TIERS: [Difference; 5] = [
        Difference::Whitespace,
        Difference::InvisibleCharacters,
        Difference::Case,
        Difference::GuidForm,
        Difference::PercentEncoding,
    ];

    /// Words for a reason sentence.
    pub fn describe(self) -> &'static str {
        match self {
            Difference::Whitespace => "surrounding whitespace",
            Difference::InvisibleCharacters => "invisible characters",
            Difference::Case => "capitalisation",
            Difference::GuidForm => "the way the GUID is written",
            Difference::PercentEncoding => "percent-encoding",
        }
    }

    fn apply(self, s: &str) -> Cow<'_, str> {
        match self {
            Difference::Whitespace => Cow::Borrowed(s.trim()),
            Difference::InvisibleCharacters => strip_invisible(s),
            Difference::Case => lowercase(s),
            Difference::GuidForm => guid(s),
            Difference::PercentEncoding => percent(s),
        }
    }
}

fn strip_invisible(s: &str) -> Cow<'_, str> {
    if !s.chars().any(is_zero_width) {
        return Cow::Borrowed(s);
    }
    let kept: String = s.chars().filter(|&c| !is_zero_width(c)).collect();
    Cow::Owned(kept.trim().to_owned())
}

fn lowercase(s: &str) -> Cow<'_, str> {
    if s.chars().any(char::is_uppercase) {
        Cow::Owned(s.to_lowercase())
    } else {
        Cow::Borrowed(s)
    }
}

/// A GUID in its canonical form (lowercase, hyphenated) when `s` is one in another form.
fn guid(s: &str) -> Cow<'_, str> {
    let inner = s
        .strip_prefix('{')
        .and_then(|r| r.strip_suffix('}'))
        .or_else(|| strip_prefix_ignore_case(s, "urn:uuid:"))
        .unwrap_or(s);
    let hyphenated = inner.len() == 36 && is_hyphenated(inner);
    if !(hyphenated || inner.len() == 32)
        || !inner.bytes().all(|b| b == b'-' || b.is_ascii_hexdigit())
    {
        return Cow::Borrowed(s);
    }
    if hyphenated && inner.len() == s.len() && !inner.bytes().any(|b| b.is_ascii_uppercase()) {
        return Cow::Borrowed(s);
    }
    let h: String = inner
        .chars()
        .filter(|&c| c != '-')
        .map(|c| c.to_ascii_lowercase())
        .collect();
    if h.len() != 32 {
        return Cow::Borrowed(s);
    }
    Cow::Owned(format!(
        "{}-{}-{}-{}-{}",
        &h[..8],
        &h[8..12],
        &h[12..16],
        &h[16..20],
        &h[20..]
    ))
}

fn is_hyphenated(s: &str) -> bool {
    s.split('-').map(str::len).eq([8, 4, 4, 4, 12])
}

fn strip_prefix_ignore_case<'a>(s: &'a str, prefix: &str) -> Option<&'a str> {
    let head = s.get(..prefix.len())?;
    head.eq_ignore_ascii_case(prefix)
        .then(|| &s[prefix.len()..])
}

/// Decodes `%XX` sequences (when the result is UTF-8), then applies the earlier steps again
/// to what the decoding revealed.
fn percent(s: &str) -> Cow<'_, str> {
    match percent_decode(s) {
        Some(decoded) => Cow::Owned(before_percent(&decoded)),
        None => Cow::Borrowed(s),
    }
}

/// `s` with its `%XX` sequences decoded; `None` when there are none, or when the bytes they
/// give are not UTF-8.
pub fn percent_decode(s: &str) -> Option<String> {
    if !s.contains('%') {
        return None;
    }
    let decoded = crate::input::percent_decode_bytes(s.as_bytes());
    String::from_utf8(decoded).ok().filter(|d| d != s)
}

fn before_percent(s: &str) -> String {
    Difference::TIERS[..4]
        .iter()
        .fold(s.to_owned(), |acc, d| d.apply(&acc).into_owned())
}

/// The key of a value with every step applied: two values that are equal at any tier have
/// the same key.
pub fn key(s: &str) -> Cow<'_, str> {
    chain(s, &Difference::TIERS)
}

fn chain<'a>(s: &'a str, steps: &[Difference]) -> Cow<'a, str> {
    let mut out = Cow::Borrowed(s);
    for d in steps {
        // A step returns its input (borrowed, same length) when it changes nothing, or a
        // shorter slice of it (trimmed), or a new string.
        let next = match d.apply(&out) {
            Cow::Borrowed(b) if b.len() == out.len() => continue,
            Cow::Borrowed(b) => b.to_owned(),
            Cow::Owned(o) => o,
        };
        out = Cow::Owned(next);
    }
    out
}

/// How close two values are: `Some(vec![])` when equal, `Some(differences)` when equal only
/// after some steps (the ones that were needed), `None` when not equal at any tier.
pub fn compare(a: &str, b: &str) -> Option<Vec<Difference>> {
    if a == b {
        return Some(Vec::new());
    }
    let tiers = Difference::TIERS;
    let k = (1..=tiers.len()).find(|&k| chain(a, &tiers[..k]) == chain(b, &tiers[..k]))?;
    let steps = &tiers[..k];
    let needed: Vec<Difference> = steps
        .iter()
        .filter(|skip| {
            let without: Vec<Difference> = steps.iter().copied().filter(|d| d != *skip).collect();
            chain(a, &without) != chain(b, &without)
        })
        .copied()
        .collect();
    Some(if needed.is_empty() {
        vec![tiers[k - 1]]
    } else {
        needed
    })
}

/// Lowercase only: GitLab's uniqueness rule for `extern_uid`.
pub fn case_key(s: &str) -> Cow<'_, str> {
    lowercase(s)
}

#[cfg(test)]
mod tests {
    use super::Difference::*;
    use super::*;

    #[test]
    fn exact_values_have_no_difference() {
        assert_eq!(compare("abc", "abc"), Some(vec![]));
        assert_eq!(compare("abc", "abd"), None);
    }

    #[test]
    fn each_tier_is_named() {
        assert_eq!(compare(" alice ", "alice"), Some(vec![Whitespace]));
        assert_eq!(compare("alice\u{00a0}", "alice"), Some(vec![Whitespace]));
        assert_eq!(
            compare("al\u{200b}ice", "alice"),
            Some(vec![InvisibleCharacters])
        );
        assert_eq!(
            compare("\u{feff}alice", "alice"),
            Some(vec![InvisibleCharacters])
        );
        assert_eq!(
            compare("Bob@Example.com", "bob@example.com"),
            Some(vec![Case])
        );
        let g = "0b1d561c-21ff-4092-beab-8154b17f82f2";
        assert_eq!(
            compare("{0B1D561C-21FF-4092-BEAB-8154B17F82F2}", g),
            Some(vec![GuidForm]),
            "the GUID form covers its case"
        );
        assert_eq!(
            compare("{0b1d561c-21ff-4092-beab-8154b17f82f2}", g),
            Some(vec![GuidForm])
        );
        assert_eq!(
            compare("0b1d561c21ff4092beab8154b17f82f2", g),
            Some(vec![GuidForm])
        );
        assert_eq!(compare(&format!("urn:uuid:{g}"), g), Some(vec![GuidForm]));
        assert_eq!(
            compare("bob%40example.com", "bob@example.com"),
            Some(vec![PercentEncoding])
        );
    }

    #[test]
    fn only_the_needed_steps_are_named() {
        assert_eq!(
            compare(" Bob", " bob"),
            Some(vec![Case]),
            "both sides had the space"
        );
        assert_eq!(compare(" Bob", "bob"), Some(vec![Whitespace, Case]));
    }

    #[test]
    fn percent_decoding_then_normalises_what_it_revealed() {
        assert_eq!(
            compare("BOB%40example.com%20", "bob@example.com"),
            Some(vec![PercentEncoding])
        );
        assert_eq!(key("%E2%80%8Bbob"), "bob");
        assert_eq!(key("100%"), "100%", "a lone percent sign is kept");
        assert_eq!(
            key("%ff"),
            "%ff",
            "bytes that are not UTF-8 are not decoded"
        );
    }

    #[test]
    fn not_every_hex_string_is_a_guid() {
        assert_eq!(
            key("0b1d561c-21ff4092-beab-8154b17f82f2"),
            "0b1d561c-21ff4092-beab-8154b17f82f2"
        );
        assert_eq!(key("{abc}"), "{abc}");
        assert_eq!(compare("{x}", "x"), None);
    }

    #[test]
    fn equal_keys_mean_equal_at_some_tier() {
        for (a, b) in [
            (" A%20", "a"),
            (
                "{0B1D561C21FF4092BEAB8154B17F82F2}",
                "0b1d561c-21ff-4092-beab-8154b17f82f2",
            ),
        ] {
            assert_eq!(key(a), key(b));
            assert!(compare(a, b).is_some());
        }
    }

    #[test]
    fn invisible_set_covers_the_usual_suspects() {
        for c in [
            '\u{200b}', '\u{200c}', '\u{200d}', '\u{200e}', '\u{202e}', '\u{2060}', '\u{2066}',
            '\u{feff}', '\u{00ad}',
        ] {
            assert!(is_zero_width(c), "{c:?}");
        }
        assert!(!is_zero_width(' '));
        assert!(!is_zero_width('é'));
    }

    /// Regression (issue 11): the comparison kept musical format marks and ideographic
    /// variation selectors that the checks (NI002) flag, so one NameID was judged two ways.
    #[test]
    fn the_comparison_strips_what_the_checks_flag() {
        for c in ['\u{1D173}', '\u{E0100}', '\u{E01EF}'] {
            let name_id = format!("alice{c}@example.com");
            assert!(name_id.chars().any(crate::sanitize::is_invisible));
            let stripped = Difference::InvisibleCharacters.apply(&name_id);
            assert_eq!(stripped, "alice@example.com", "{c:?}");
        }
    }
}
