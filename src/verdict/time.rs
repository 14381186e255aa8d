//! Time as GitLab sees it: ruby-saml compares `Time.now.utc` with a message's limits, allowing
//! `allowed_clock_drift` seconds (`response.rb`, `#allowed_clock_drift`: the option's absolute
//! value plus `Float::EPSILON`, so zero when GitLab sets none, which it does not on GitLab.com).
//!
//! A start (NotBefore) is missed when the evaluation time is more than the drift before it; an
//! end (NotOnOrAfter, SessionNotOnOrAfter) when it is more than the drift after it. The wording
//! says by how much, and whose clock that points at. Pure: the time is the caller's.

use jiff::{SignedDuration, Timestamp};

use crate::checks::instant::{human, parse_instant};

/// How a limit was missed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Missed {
    /// The time is before the start by this much (beyond the drift).
    Early(SignedDuration),
    /// The time is after the end by this much (beyond the drift).
    Late(SignedDuration),
}

/// Reads a limit as ruby-saml's `Time.parse` would (the schema check has already refused a
/// value that is not an xs:dateTime).
pub fn read(value: &str) -> Option<Timestamp> {
    parse_instant(value).ok().map(|i| i.at)
}

/// `now < (not_before - allowed_clock_drift)`.
pub fn before_start(at: Timestamp, start: Timestamp, drift: SignedDuration) -> Option<Missed> {
    let early = start.duration_since(at);
    (early > drift).then_some(Missed::Early(early))
}

/// `now >= (not_on_or_after + allowed_clock_drift)` (with ruby-saml's epsilon, equality passes).
pub fn after_end(at: Timestamp, end: Timestamp, drift: SignedDuration) -> Option<Missed> {
    let late = at.duration_since(end);
    (late > drift).then_some(Missed::Late(late))
}

/// ruby-saml's rendering of a time in its messages (`Time#to_s` in UTC).
pub fn ruby(t: Timestamp) -> String {
    t.strftime("%Y-%m-%d %H:%M:%S UTC").to_string()
}

/// ruby-saml's drift suffix: `allowed_clock_drift.ceil` seconds (1 when none is set, from the
/// epsilon it adds).
pub fn ruby_drift(drift: SignedDuration) -> i64 {
    let secs = drift.as_secs() + i64::from(drift.subsec_nanos() > 0);
    secs.max(1)
}

/// "4 seconds before it starts: the IdP's clock is 4 seconds ahead of GitLab's".
pub fn words(missed: Missed, drift: SignedDuration) -> String {
    let allowed = match drift.is_zero() {
        true => "GitLab allows no clock drift".to_owned(),
        false => format!("GitLab allows {} of clock drift", human(drift)),
    };
    match missed {
        Missed::Early(by) => format!(
            "{} too early: the identity provider's clock is {} ahead of GitLab's; {allowed}",
            human(by),
            human(by)
        ),
        Missed::Late(by) => format!(
            "{} too late: the response expired {} before it reached GitLab (the identity \
             provider's clock is behind, or the response is old); {allowed}",
            human(by),
            human(by)
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn t(s: &str) -> Timestamp {
        s.parse().unwrap()
    }

    #[test]
    fn limits_are_missed_beyond_the_drift_only() {
        let start = t("2026-11-02T09:00:04Z");
        let zero = SignedDuration::ZERO;
        assert_eq!(
            before_start(t("2026-11-02T09:00:00Z"), start, zero),
            Some(Missed::Early(SignedDuration::from_secs(4)))
        );
        assert_eq!(before_start(start, start, zero), None);
        assert_eq!(
            before_start(
                t("2026-11-02T09:00:00Z"),
                start,
                SignedDuration::from_secs(4)
            ),
            None
        );
        let end = t("2026-11-02T09:05:00Z");
        assert_eq!(
            after_end(end, end, zero),
            None,
            "ruby-saml's epsilon lets equality pass"
        );
        assert_eq!(
            after_end(t("2026-11-02T09:05:05Z"), end, zero),
            Some(Missed::Late(SignedDuration::from_secs(5)))
        );
    }

    #[test]
    fn wording_says_by_how_much_and_whose_clock() {
        let w = words(
            Missed::Early(SignedDuration::from_secs(4)),
            SignedDuration::ZERO,
        );
        assert_eq!(
            w,
            "4 seconds too early: the identity provider's clock is 4 seconds ahead of GitLab's; \
             GitLab allows no clock drift"
        );
        assert_eq!(ruby(t("2026-11-02T09:00:04Z")), "2026-11-02 09:00:04 UTC");
        assert_eq!(ruby_drift(SignedDuration::ZERO), 1);
        assert_eq!(ruby_drift(SignedDuration::from_secs(60)), 60);
    }
}
