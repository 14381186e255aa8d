//! The XML Schema simple types the SAML 2.0 schemas use, as lexical checks: `xs:ID` and
//! `xs:NCName`, `xs:dateTime`, `xs:base64Binary`, `xs:boolean`, `xs:nonNegativeInteger` and the
//! enumerations. Each check takes the attribute or element text as received and says, in words,
//! why it is not a value of the type.
//!
//! Facts from XML Schema Part 2 (W3C, 2004): every type here has the whiteSpace facet
//! `collapse`, so surrounding whitespace is allowed; NCName is XML 1.0's Name without colons
//! (Namespaces in XML, production 4). Pure functions on strings.

use std::borrow::Cow;

/// A simple type of the SAML schemas.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Type {
    /// `xs:string` (and types we do not check further, such as `xs:anyURI`).
    Text,
    /// `xs:ID`: an NCName, unique in the document.
    Id,
    /// `xs:NCName`.
    NcName,
    DateTime,
    Base64,
    Boolean,
    NonNegativeInteger,
    /// One of the listed strings.
    Enumeration(&'static [&'static str]),
}

impl Type {
    /// The name the schemas give the type.
    pub fn name(self) -> &'static str {
        match self {
            Type::Text => "xs:string",
            Type::Id => "xs:ID",
            Type::NcName => "xs:NCName",
            Type::DateTime => "xs:dateTime",
            Type::Base64 => "xs:base64Binary",
            Type::Boolean => "xs:boolean",
            Type::NonNegativeInteger => "xs:nonNegativeInteger",
            Type::Enumeration(_) => "an enumeration",
        }
    }

    /// `None` when `value` is a value of the type, else why not.
    pub fn check(self, value: &str) -> Option<String> {
        // Text is not checked, and base64 allows whitespace anywhere: neither needs the
        // collapsed value (a certificate's wrapped lines would be copied for nothing).
        match self {
            Type::Text => return None,
            Type::Base64 => return base64(value),
            _ => {}
        }
        let v = collapse(value);
        match self {
            Type::Text | Type::Base64 => None,
            Type::Id | Type::NcName => ncname(&v),
            Type::DateTime => date_time(&v),
            Type::Boolean => (!matches!(v.as_ref(), "true" | "false" | "1" | "0"))
                .then(|| "it is not true, false, 1 or 0".to_owned()),
            Type::NonNegativeInteger => non_negative_integer(&v),
            Type::Enumeration(values) => (!values.contains(&v.as_ref()))
                .then(|| format!("it is not one of {}", values.join(", "))),
        }
    }
}

/// XML Schema's whiteSpace `collapse`: runs of spaces, tabs and line ends become one space, and
/// surrounding ones go. Borrows when there is nothing to collapse (the usual case).
pub fn collapse(value: &str) -> Cow<'_, str> {
    let ws = |b: u8| matches!(b, b' ' | b'\t' | b'\n' | b'\r');
    let bytes = value.as_bytes();
    let edges = bytes.first().is_some_and(|b| ws(*b)) || bytes.last().is_some_and(|b| ws(*b));
    let inner = bytes
        .windows(2)
        .any(|w| ws(w[0]) && (ws(w[1]) || w[0] != b' '));
    if !edges && !inner {
        return Cow::Borrowed(value);
    }
    Cow::Owned(
        value
            .split([' ', '\t', '\n', '\r'])
            .filter(|s| !s.is_empty())
            .collect::<Vec<_>>()
            .join(" "),
    )
}

/// Why `v` is not an NCName.
fn ncname(v: &str) -> Option<String> {
    let mut chars = v.chars();
    let Some(first) = chars.next() else {
        return Some("it is empty".to_owned());
    };
    if first.is_ascii_digit() {
        return Some(format!(
            "it starts with the digit {first:?}: an XML ID must start with a letter or \"_\" \
             (a bare UUID needs a prefix such as \"_\")"
        ));
    }
    if !is_name_start(first) {
        return Some(format!(
            "it starts with {first:?}: an XML ID must start with a letter or \"_\""
        ));
    }
    match chars.find(|c| !is_name_char(*c)) {
        Some(' ') => Some("it contains a space".to_owned()),
        Some(':') => Some("it contains a colon".to_owned()),
        Some(c) => Some(format!("it contains {c:?}, which a name cannot hold")),
        None => None,
    }
}

/// XML 1.0 (fifth edition) NameStartChar, without ':'.
fn is_name_start(c: char) -> bool {
    matches!(c,
        'A'..='Z' | '_' | 'a'..='z' | '\u{C0}'..='\u{D6}' | '\u{D8}'..='\u{F6}'
        | '\u{F8}'..='\u{2FF}' | '\u{370}'..='\u{37D}' | '\u{37F}'..='\u{1FFF}'
        | '\u{200C}'..='\u{200D}' | '\u{2070}'..='\u{218F}' | '\u{2C00}'..='\u{2FEF}'
        | '\u{3001}'..='\u{D7FF}' | '\u{F900}'..='\u{FDCF}' | '\u{FDF0}'..='\u{FFFD}'
        | '\u{10000}'..='\u{EFFFF}')
}

/// XML 1.0 (fifth edition) NameChar, without ':'.
fn is_name_char(c: char) -> bool {
    is_name_start(c)
        || matches!(c, '-' | '.' | '0'..='9' | '\u{B7}' | '\u{300}'..='\u{36F}' | '\u{203F}'..='\u{2040}')
}

/// Why `v` is not an `xs:dateTime` (`-?YYYY-MM-DDThh:mm:ss(.s+)?(Z|±hh:mm)?`).
fn date_time(v: &str) -> Option<String> {
    let shape = "it is not a date and time such as 2026-11-02T09:00:00Z";
    let Some((date, time)) = v.split_once('T') else {
        return Some(format!("{shape} (no \"T\" between date and time)"));
    };
    let date = date.strip_prefix('-').unwrap_or(date);
    let parts: Vec<&str> = date.split('-').collect();
    let [year, month, day] = parts.as_slice() else {
        return Some(format!("{shape} (the date is not YYYY-MM-DD)"));
    };
    let digits = |s: &str, n: usize| s.len() == n && s.bytes().all(|b| b.is_ascii_digit());
    let year_ok = year.len() >= 4
        && year.bytes().all(|b| b.is_ascii_digit())
        && !(year.len() > 4 && year.starts_with('0'));
    if !year_ok || !digits(month, 2) || !digits(day, 2) {
        return Some(format!("{shape} (the date is not YYYY-MM-DD)"));
    }
    let (clock, zone) = split_zone(time);
    if let Some(problem) = zone.and_then(zone_problem) {
        return Some(format!("{shape} ({problem})"));
    }
    if let Some(problem) = clock_problem(clock) {
        return Some(format!("{shape} ({problem})"));
    }
    let (y, m, d) = (
        year.parse::<u64>().unwrap_or(0),
        month.parse::<u32>().unwrap_or(0),
        day.parse::<u32>().unwrap_or(0),
    );
    if !(1..=12).contains(&m) || d == 0 || d > days_in(y, m) {
        return Some(format!("{shape} (there is no day {date})"));
    }
    None
}

fn split_zone(time: &str) -> (&str, Option<&str>) {
    if let Some(clock) = time.strip_suffix('Z') {
        return (clock, None);
    }
    match time.rfind(['+', '-']) {
        Some(i) => (&time[..i], Some(&time[i..])),
        None => (time, None),
    }
}

fn zone_problem(zone: &str) -> Option<String> {
    let body = &zone[1..];
    let ok = body.len() == 5
        && body.as_bytes().get(2) == Some(&b':')
        && body[..2].parse::<u32>().is_ok_and(|h| h <= 14)
        && body[3..].parse::<u32>().is_ok_and(|m| m <= 59);
    (!ok).then(|| format!("the time zone {zone:?} is not ±hh:mm"))
}

fn clock_problem(clock: &str) -> Option<String> {
    let (hms, fraction) = match clock.split_once('.') {
        Some((hms, f)) => (hms, Some(f)),
        None => (clock, None),
    };
    if fraction.is_some_and(|f| f.is_empty() || !f.bytes().all(|b| b.is_ascii_digit())) {
        return Some("the fraction of a second is not digits".to_owned());
    }
    let parts: Vec<&str> = hms.split(':').collect();
    let field = |s: &&str| (s.len() == 2).then(|| s.parse::<u32>().ok()).flatten();
    let [Some(h), Some(m), Some(s)] = [0, 1, 2].map(|i| parts.get(i).and_then(field)) else {
        return Some("the time is not hh:mm:ss".to_owned());
    };
    if parts.len() != 3 {
        return Some("the time is not hh:mm:ss".to_owned());
    }
    let midnight =
        h == 24 && m == 0 && s == 0 && fraction.is_none_or(|f| f.bytes().all(|b| b == b'0'));
    if (h > 23 && !midnight) || m > 59 || s > 59 {
        return Some(format!("there is no time {hms}"));
    }
    None
}

fn days_in(year: u64, month: u32) -> u32 {
    match month {
        4 | 6 | 9 | 11 => 30,
        2 if year.is_multiple_of(4) && (!year.is_multiple_of(100) || year.is_multiple_of(400)) => {
            29
        }
        2 => 28,
        _ => 31,
    }
}

/// Why `value` is not base64 (whitespace anywhere is allowed).
fn base64(value: &str) -> Option<String> {
    let (mut len, mut pad, mut misplaced) = (0usize, 0usize, false);
    for b in value.bytes().filter(|b| !b.is_ascii_whitespace()) {
        if !(b.is_ascii_alphanumeric() || matches!(b, b'+' | b'/' | b'=')) {
            return Some(format!(
                "it contains {:?}, which base64 does not use",
                char::from(b)
            ));
        }
        len += 1;
        match b {
            b'=' => pad += 1,
            // A symbol after padding: the padding was not at the end.
            _ if pad > 0 => misplaced = true,
            _ => {}
        }
    }
    if !len.is_multiple_of(4) || pad > 2 || misplaced {
        return Some("it is not complete base64 (its length or padding is wrong)".to_owned());
    }
    None
}

fn non_negative_integer(v: &str) -> Option<String> {
    let digits = v.strip_prefix('+').unwrap_or(v);
    let ok = !digits.is_empty() && digits.bytes().all(|b| b.is_ascii_digit());
    (!ok).then(|| "it is not a whole number of zero or more".to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_are_ncnames() {
        assert_eq!(Type::Id.check("_abc-1.2"), None);
        assert_eq!(Type::Id.check("  _abc  "), None, "whitespace collapses");
        assert_eq!(
            Type::Id.check("pfx41d8ef22-e612-8c50-9960-1b16f15741b3"),
            None
        );
        let uuid = Type::Id
            .check("4f1d2a3b-0c9e-4d7a-8b6f-5e4d3c2b1a09")
            .unwrap();
        assert!(uuid.contains("starts with the digit '4'"), "{uuid}");
        assert!(Type::Id.check("").unwrap().contains("empty"));
        assert!(Type::Id.check("a:b").unwrap().contains("colon"));
        assert!(Type::Id.check("-a").unwrap().contains("starts with"));
        assert!(Type::NcName.check("_a b").unwrap().contains("space"));
        assert_eq!(Type::Id.check("émile"), None);
    }

    #[test]
    fn date_times_follow_the_lexical_space() {
        for ok in [
            "2026-11-02T09:00:00Z",
            "2026-11-02T09:00:00.123456789Z",
            "2026-11-02T10:00:00+01:00",
            "2026-11-02T09:00:00",
            " 2026-11-02T09:00:00Z ",
            "2024-02-29T00:00:00Z",
            "2026-11-02T24:00:00Z",
        ] {
            assert_eq!(Type::DateTime.check(ok), None, "{ok}");
        }
        for bad in [
            "2026-11-02 09:00:00Z",
            "2026-11-02T9:00:00Z",
            "2026-13-02T09:00:00Z",
            "2025-02-29T09:00:00Z",
            "2026-11-02T09:60:00Z",
            "2026-11-02T09:00:00+1:00",
            "2026-11-02T09:00:00.Z",
            "yesterday",
            "26-11-02T09:00:00Z",
        ] {
            assert!(Type::DateTime.check(bad).is_some(), "{bad}");
        }
    }

    #[test]
    fn base64_booleans_integers_and_enumerations() {
        assert_eq!(Type::Base64.check("QUJD\n RA=="), None);
        assert!(Type::Base64.check("QUJ").is_some());
        assert!(Type::Base64.check("QU=D").is_some());
        assert!(Type::Base64.check("QU!D").unwrap().contains("'!'"));
        assert_eq!(Type::Boolean.check(" true"), None);
        assert!(Type::Boolean.check("yes").is_some());
        assert_eq!(Type::NonNegativeInteger.check("+12"), None);
        assert!(Type::NonNegativeInteger.check("-1").is_some());
        let e = Type::Enumeration(&["Permit", "Deny"]);
        assert_eq!(e.check("Deny"), None);
        assert!(e.check("deny").unwrap().contains("Permit, Deny"));
    }
}
