//! SAML times (xs:dateTime) read into instants, and durations said the way a person says them.
//!
//! A small pre-normaliser sits in front of jiff: surrounding space is trimmed, fractions are cut
//! to nanoseconds, and a time without an offset is read as UTC (and says so). Pure: no clock is
//! read here; the evaluation time always comes from the caller.

use jiff::civil::DateTime;
use jiff::tz::TimeZone;
use jiff::{SignedDuration, Timestamp};

/// A time read from a message.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Instant {
    pub at: Timestamp,
    /// The text carried no offset and was read as UTC.
    pub assumed_utc: bool,
}

/// Why a time value could not be read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum TimeError {
    #[error("the value is empty")]
    Empty,
    #[error("it is not a date and time such as 2026-11-02T09:00:00Z ({0})")]
    Invalid(String),
}

/// Reads an xs:dateTime such as `2026-11-02T09:00:00Z`, `2026-11-02T10:00:00.1234567891+01:00`
/// or `2026-11-02T09:00:00` (read as UTC).
pub fn parse_instant(text: &str) -> Result<Instant, TimeError> {
    let text = text.trim();
    if text.is_empty() {
        return Err(TimeError::Empty);
    }
    if !text.contains(['T', 't']) {
        return Err(TimeError::Invalid("it has no time of day".to_owned()));
    }
    let (clock, zone) = split_zone(text);
    let clock = cut_fraction(clock);
    let invalid = |e: jiff::Error| TimeError::Invalid(e.to_string());
    match zone {
        Some(zone) => {
            let at: Timestamp = format!("{clock}{zone}").parse().map_err(invalid)?;
            Ok(Instant {
                at,
                assumed_utc: false,
            })
        }
        None => {
            let civil: DateTime = clock.parse().map_err(invalid)?;
            let at = TimeZone::UTC.to_timestamp(civil).map_err(invalid)?;
            Ok(Instant {
                at,
                assumed_utc: true,
            })
        }
    }
}

/// Splits `…T09:00:00+01:00` into the clock part and its zone (`Z`, `+01:00`), if any.
fn split_zone(text: &str) -> (&str, Option<&str>) {
    if let Some(clock) = text.strip_suffix(['Z', 'z']) {
        return (clock, Some("Z"));
    }
    let Some(t) = text.find(['T', 't']) else {
        return (text, None);
    };
    match text[t..].rfind(['+', '-']) {
        Some(sign) => (&text[..t + sign], Some(&text[t + sign..])),
        None => (text, None),
    }
}

/// Cuts a fraction of a second to the 9 digits jiff reads.
fn cut_fraction(clock: &str) -> String {
    let Some(dot) = clock.rfind('.') else {
        return clock.to_owned();
    };
    let digits = &clock[dot + 1..];
    if digits.len() <= 9 || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return clock.to_owned();
    }
    format!("{}.{}", &clock[..dot], &digits[..9])
}

/// "1 day 2 hours", "3 minutes 5 seconds", "less than a second": the two largest non-zero units
/// of the duration's size (its sign is for the caller to say).
pub fn human(d: SignedDuration) -> String {
    let d = d.abs();
    let secs = d.as_secs();
    if secs == 0 {
        return if d.subsec_nanos() == 0 {
            "no time".to_owned()
        } else {
            "less than a second".to_owned()
        };
    }
    const UNITS: [(i64, &str); 5] = [
        (365 * 86_400, "year"),
        (86_400, "day"),
        (3_600, "hour"),
        (60, "minute"),
        (1, "second"),
    ];
    let mut rest = secs;
    let mut parts = Vec::new();
    for (size, name) in UNITS {
        let n = rest / size;
        rest %= size;
        if n > 0 {
            parts.push(plural(n, name));
        }
    }
    parts.truncate(2);
    parts.join(" ")
}

/// "1 day", "3 days".
pub fn plural(n: i64, unit: &str) -> String {
    if n == 1 {
        format!("1 {unit}")
    } else {
        format!("{n} {unit}s")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ts(s: &str) -> Timestamp {
        s.parse().unwrap()
    }

    #[test]
    fn utc_and_offsets() {
        let a = parse_instant("2026-11-02T09:00:00Z").unwrap();
        assert_eq!(a.at, ts("2026-11-02T09:00:00Z"));
        assert!(!a.assumed_utc);
        let b = parse_instant("2026-11-02T10:00:00+01:00").unwrap();
        assert_eq!(b.at, a.at);
        let c = parse_instant("2026-11-02T04:00:00-05:00").unwrap();
        assert_eq!(c.at, a.at);
    }

    #[test]
    fn missing_offset_is_utc_and_says_so() {
        let a = parse_instant("2026-11-02T09:00:00").unwrap();
        assert_eq!(a.at, ts("2026-11-02T09:00:00Z"));
        assert!(a.assumed_utc);
    }

    #[test]
    fn long_fractions_and_surrounding_space() {
        let a = parse_instant("  2026-11-02T09:00:00.123456789123Z\n").unwrap();
        assert_eq!(a.at, ts("2026-11-02T09:00:00.123456789Z"));
        let b = parse_instant("2026-11-02T09:00:00.5").unwrap();
        assert!(b.assumed_utc);
        assert_eq!(b.at, ts("2026-11-02T09:00:00.5Z"));
    }

    #[test]
    fn unreadable_values_are_errors_not_panics() {
        assert_eq!(parse_instant(" "), Err(TimeError::Empty));
        for bad in [
            "yesterday",
            "2026-13-02T09:00:00Z",
            "2026-11-02",
            "T+",
            "2026-11-02T09:00:00+99:00",
            "2026-11-02T09:00:00.Z",
            "2026-11-02T25:00:00",
            "ß-ü-T-+",
        ] {
            assert!(parse_instant(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn human_durations() {
        let h = |s: i64| human(SignedDuration::from_secs(s));
        assert_eq!(h(0), "no time");
        assert_eq!(
            human(SignedDuration::from_millis(300)),
            "less than a second"
        );
        assert_eq!(h(1), "1 second");
        assert_eq!(h(45), "45 seconds");
        assert_eq!(h(180), "3 minutes");
        assert_eq!(h(185), "3 minutes 5 seconds");
        assert_eq!(h(3_600), "1 hour");
        assert_eq!(h(3_660 + 59), "1 hour 1 minute");
        assert_eq!(h(86_400 + 3_300), "1 day 55 minutes");
        assert_eq!(h(2 * 86_400 + 7_200), "2 days 2 hours");
        assert_eq!(h(-90), "1 minute 30 seconds");
        assert_eq!(h(3953 * 86_400 + 15 * 3_600), "10 years 303 days");
    }
}
