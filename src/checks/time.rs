//! Time rules: is the message valid at the evaluation time, within the allowed clock skew.
//!
//! The evaluation time and the skew come from the [`Context`]; this module never reads the clock.
//! Times the message carries that cannot be read raise TM005 instead of a panic or a guess.

use jiff::SignedDuration;

use crate::saml::{Assertion, Message};

use super::instant::{Instant, human, parse_instant};
use super::quote::quote;
use super::{Context, Raised, Rule, is_sign_in, readable, succeeded, which};
use crate::sanitize::visible;

pub(super) const RULES: &[Rule] = &[
    Rule {
        code: "TM001",
        check: expired,
    },
    Rule {
        code: "TM002",
        check: not_yet_valid,
    },
    Rule {
        code: "TM003",
        check: confirmation_expired,
    },
    Rule {
        code: "TM004",
        check: issued_far_away,
    },
    Rule {
        code: "TM005",
        check: unreadable,
    },
];

/// A time field of the message: where it is, what it said, and what it means, if readable.
struct Field<'m> {
    name: &'static str,
    raw: &'m str,
    read: Option<Instant>,
}

impl<'m> Field<'m> {
    fn new(name: &'static str, raw: &'m str) -> Field<'m> {
        Field {
            name,
            raw,
            read: parse_instant(raw).ok(),
        }
    }

    /// The value as sent, with its UTC reading when that is not obvious.
    fn shown(&self, at: Instant) -> String {
        let raw = visible(self.raw.trim()).into_owned();
        if at.assumed_utc {
            format!("{raw} (no time zone given, read as UTC)")
        } else if raw.ends_with(['Z', 'z']) {
            raw
        } else {
            format!("{raw} (= {})", at.at)
        }
    }
}

/// Every time field of an assertion the rules judge, with its name.
fn assertion_fields(a: &Assertion) -> Vec<Field<'_>> {
    let mut fields = Vec::new();
    if let Some(c) = &a.conditions {
        if let Some(t) = &c.not_before {
            fields.push(Field::new("Conditions NotBefore", t));
        }
        if let Some(t) = &c.not_on_or_after {
            fields.push(Field::new("Conditions NotOnOrAfter", t));
        }
    }
    let confirmations = a.subject.iter().flat_map(|s| &s.confirmations);
    for t in confirmations.filter_map(|c| c.not_on_or_after.as_deref()) {
        fields.push(Field::new("SubjectConfirmationData NotOnOrAfter", t));
    }
    fields
}

/// "3 minutes of clock difference are allowed".
fn allowance(ctx: &Context) -> String {
    if ctx.skew.is_zero() {
        "no clock difference is allowed".to_owned()
    } else {
        format!("{} of clock difference are allowed", human(ctx.skew))
    }
}

/// How much later than `limit` the evaluation time is, when by more than the skew (ruby-saml's
/// `now >= limit + allowed_clock_drift + Float::EPSILON`: at the limit itself it still passes).
fn past(limit: Instant, ctx: &Context) -> Option<SignedDuration> {
    let late = ctx.at.duration_since(limit.at);
    (late > ctx.skew).then_some(late)
}

/// The time to suggest for `--at`: when the response was issued.
fn capture_time(msg: &Message) -> Option<String> {
    let read = parse_instant(msg.issue_instant.as_deref()?).ok()?;
    Some(read.at.to_string())
}

fn expiry_fix(msg: &Message, what: &str) -> String {
    let at = match capture_time(msg) {
        Some(t) => {
            format!(" If this is an old capture, check it at the time it was made: --at {t}.")
        }
        None => String::new(),
    };
    format!(
        "Sign in again and capture a fresh response.{at} If fresh responses fail too, the \
         identity provider's clock is behind or {what} is too short."
    )
}

/// What a time limit belongs to, for the sentences that quote it.
struct Limit {
    field: &'static str,
    what: &'static str,
    lifetime: &'static str,
}

const CONDITIONS: Limit = Limit {
    field: "Conditions NotOnOrAfter",
    what: "The assertion",
    lifetime: "the assertion lifetime it sets",
};

const CONFIRMATION: Limit = Limit {
    field: "SubjectConfirmationData NotOnOrAfter",
    what: "The user's sign-in confirmation",
    lifetime: "the confirmation lifetime it sets",
};

/// Raises for every field of the limit that has passed, in every readable assertion.
fn passed(msg: &Message, ctx: &Context, limit: &Limit) -> Vec<Raised> {
    let mut out = Vec::new();
    for a in readable(msg) {
        for field in assertion_fields(a)
            .into_iter()
            .filter(|f| f.name == limit.field)
        {
            let Some(until) = field.read else { continue };
            let Some(late) = past(until, ctx) else {
                continue;
            };
            let same = shared_end(a, until);
            if same && limit.field == CONFIRMATION.field {
                continue;
            }
            let detail = format!(
                "{}{} was valid until {} ({}) and is checked at {}, {} later; {}.",
                limit.what,
                which(msg, a),
                field.shown(until),
                if same { BOTH_ENDS } else { limit.field },
                ctx.at,
                human(late),
                allowance(ctx)
            );
            out.push(Raised::new(detail, expiry_fix(msg, limit.lifetime)));
        }
    }
    out
}

const BOTH_ENDS: &str = "Conditions NotOnOrAfter, and SubjectConfirmationData NotOnOrAfter too";

/// True when both the Conditions and a SubjectConfirmationData end at `end`: one expiry then
/// raises TM001 alone, naming both fields.
fn shared_end(a: &Assertion, end: Instant) -> bool {
    let ends = |name: &str| {
        assertion_fields(a)
            .into_iter()
            .filter(|f| f.name == name)
            .any(|f| f.read.map(|r| r.at) == Some(end.at))
    };
    ends(CONDITIONS.field) && ends(CONFIRMATION.field)
}

/// TM001: Conditions NotOnOrAfter has passed, beyond the skew.
fn expired(msg: &Message, ctx: &Context) -> Vec<Raised> {
    passed(msg, ctx, &CONDITIONS)
}

/// TM003: SubjectConfirmationData NotOnOrAfter has passed, beyond the skew (when it ends with the
/// Conditions, TM001 reports both).
fn confirmation_expired(msg: &Message, ctx: &Context) -> Vec<Raised> {
    passed(msg, ctx, &CONFIRMATION)
}

/// TM002: Conditions NotBefore is later than the evaluation time plus the skew.
fn not_yet_valid(msg: &Message, ctx: &Context) -> Vec<Raised> {
    let mut out = Vec::new();
    for a in readable(msg) {
        for field in assertion_fields(a)
            .into_iter()
            .filter(|f| f.name == "Conditions NotBefore")
        {
            let Some(start) = field.read else { continue };
            let early = start.at.duration_since(ctx.at);
            if early <= ctx.skew {
                continue;
            }
            out.push(Raised::new(
                format!(
                    "The assertion{} becomes valid at {} (Conditions NotBefore), {} after the \
                     evaluation time {}: the identity provider's clock is {} ahead; {}.",
                    which(msg, a),
                    field.shown(start),
                    human(early),
                    ctx.at,
                    human(early),
                    allowance(ctx)
                ),
                "The identity provider's clock is ahead (or --at is too early): sync the \
                 identity provider's and GitLab's clocks with NTP; GitLab allows little clock \
                 difference.",
            ));
        }
    }
    out
}

/// How far IssueInstant may be from the evaluation time, beyond the allowed skew, before TM004
/// says so: ruby-saml does not judge IssueInstant, so this is our advice, not GitLab's rule.
pub const ISSUE_TOLERANCE: SignedDuration = SignedDuration::from_secs(180);

/// TM004: IssueInstant further from the evaluation time than the skew plus
/// [`ISSUE_TOLERANCE`], either way.
fn issued_far_away(msg: &Message, ctx: &Context) -> Vec<Raised> {
    let Some(raw) = msg.issue_instant.as_deref().filter(|_| succeeded(msg)) else {
        return vec![];
    };
    let field = Field::new("IssueInstant", raw);
    let Some(issued) = field.read else {
        return vec![];
    };
    let gap = ctx.at.duration_since(issued.at);
    if gap.abs() <= ctx.skew + ISSUE_TOLERANCE {
        return vec![];
    }
    let side = if gap.is_negative() { "after" } else { "before" };
    vec![Raised::new(
        format!(
            "The {} was issued at {}, {} {side} the evaluation time {} (GitLab does not judge \
             IssueInstant, but so large a gap means an old capture or a clock that is off).",
            noun(msg),
            field.shown(issued),
            human(gap),
            ctx.at,
        ),
        format!(
            "If this is an old capture, check it at the time it was made: --at {}. Otherwise \
             the identity provider's clock is off: sync it with NTP.",
            issued.at
        ),
    )]
}

fn noun(msg: &Message) -> &'static str {
    if msg.is_response() {
        "response"
    } else {
        "assertion"
    }
}

/// TM005: a time value that cannot be read.
fn unreadable(msg: &Message, _: &Context) -> Vec<Raised> {
    let mut fields = Vec::new();
    if let Some(raw) = msg.issue_instant.as_deref().filter(|_| is_sign_in(msg)) {
        fields.push(Field::new("IssueInstant", raw));
    }
    fields.extend(readable(msg).flat_map(assertion_fields));
    fields
        .into_iter()
        .filter(|f| f.read.is_none())
        .map(|f| {
            Raised::new(
                format!(
                    "The {} value {} is not a date and time such as 2026-11-02T09:00:00Z, so \
                     it cannot be checked; GitLab is likely to refuse the response.",
                    f.name,
                    quote(f.raw)
                ),
                "Have the identity provider send times as xs:dateTime in UTC, such as \
                 2026-11-02T09:00:00Z.",
            )
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::super::testing::*;
    use super::*;

    fn at_time(r: &ResponseXml, now: &str) -> Vec<crate::checks::Finding> {
        let mut ctx = gitlab_context();
        ctx.at = at(now);
        check_with(r, ctx)
    }

    #[test]
    fn tm001_expired_quotes_both_times_and_the_gap() {
        let r = response().with(|a| a.confirmation_not_on_or_after = None);
        let f = one(&at_time(&r, "2026-11-03T10:00:00Z"), "TM001");
        assert_eq!(
            f.detail,
            "The assertion was valid until 2026-11-02T09:05:00Z (Conditions NotOnOrAfter) and \
             is checked at 2026-11-03T10:00:00Z, 1 day 55 minutes later; no clock difference \
             is allowed."
        );
        assert!(f.fix.contains("--at 2026-11-02T09:00:00Z"), "{}", f.fix);
    }

    #[test]
    fn tm001_names_the_confirmation_that_ends_at_the_same_time() {
        let findings = at_time(&response(), "2026-11-03T10:00:00Z");
        let f = one(&findings, "TM001");
        assert!(
            f.detail.contains(
                "(Conditions NotOnOrAfter, and SubjectConfirmationData NotOnOrAfter too)"
            ),
            "{}",
            f.detail
        );
        assert!(raised(&findings, "TM003").is_empty());
    }

    #[test]
    fn tm001_respects_the_skew_boundary() {
        // GitLab allows no drift by default, and ruby-saml still passes the limit itself.
        assert!(raised(&at_time(&response(), "2026-11-02T09:05:00Z"), "TM001").is_empty());
        let f = one(&at_time(&response(), "2026-11-02T09:05:01Z"), "TM001");
        assert!(
            f.detail
                .contains("1 second later; no clock difference is allowed"),
            "{}",
            f.detail
        );
        // With 180 s of skew: 09:05 + 180 s = 09:08, expired after that.
        let mut ctx = gitlab_context();
        ctx.skew = SignedDuration::from_secs(180);
        ctx.at = at("2026-11-02T09:08:00Z");
        assert!(raised(&check_with(&response(), ctx.clone()), "TM001").is_empty());
        ctx.at = at("2026-11-02T09:08:01Z");
        let f = one(&check_with(&response(), ctx), "TM001");
        assert!(
            f.detail
                .contains("3 minutes of clock difference are allowed"),
            "{}",
            f.detail
        );
    }

    #[test]
    fn tm001_offsets_and_missing_zones_are_shown() {
        let r = response().not_on_or_after("2026-11-02T10:05:00+01:00");
        let f = one(&at_time(&r, "2026-11-02T10:00:00Z"), "TM001");
        assert!(
            f.detail
                .contains("2026-11-02T10:05:00+01:00 (= 2026-11-02T09:05:00Z)"),
            "{}",
            f.detail
        );
        let r = response().not_on_or_after("2026-11-02T09:05:00");
        let f = one(&at_time(&r, "2026-11-02T10:00:00Z"), "TM001");
        assert!(
            f.detail.contains("(no time zone given, read as UTC)"),
            "{}",
            f.detail
        );
    }

    #[test]
    fn tm001_not_raised_in_window() {
        assert!(raised(&check(&response()), "TM001").is_empty());
    }

    #[test]
    fn tm002_not_yet_valid() {
        let f = one(&at_time(&response(), "2026-11-02T08:45:00Z"), "TM002");
        assert_eq!(
            f.detail,
            "The assertion becomes valid at 2026-11-02T08:55:00Z (Conditions NotBefore), 10 \
             minutes after the evaluation time 2026-11-02T08:45:00Z: the identity provider's \
             clock is 10 minutes ahead; no clock difference is allowed."
        );
        assert!(f.fix.contains("NTP"));
    }

    #[test]
    fn tm002_not_raised_within_the_skew() {
        assert!(raised(&check(&response()), "TM002").is_empty());
        assert!(raised(&at_time(&response(), "2026-11-02T08:55:00Z"), "TM002").is_empty());
        let f = one(&at_time(&response(), "2026-11-02T08:54:56Z"), "TM002");
        assert!(
            f.detail.contains("clock is 4 seconds ahead"),
            "{}",
            f.detail
        );
        let mut ctx = gitlab_context();
        ctx.skew = SignedDuration::from_secs(180);
        ctx.at = at("2026-11-02T08:52:00Z");
        assert!(raised(&check_with(&response(), ctx), "TM002").is_empty());
    }

    #[test]
    fn tm003_confirmation_expired() {
        let r = response().with(|a| {
            a.confirmation_not_on_or_after = Some("2026-11-02T09:00:30Z".into());
            a.not_on_or_after = Some("2026-11-02T10:00:00Z".into());
        });
        let findings = at_time(&r, "2026-11-02T09:04:00Z");
        let f = one(&findings, "TM003");
        assert!(
            f.detail.starts_with(
                "The user's sign-in confirmation was valid until 2026-11-02T09:00:30Z \
             (SubjectConfirmationData NotOnOrAfter) and is checked at 2026-11-02T09:04:00Z, 3 \
             minutes 30 seconds later"
            ),
            "{}",
            f.detail
        );
        assert!(f.fix.contains("confirmation lifetime"));
        assert!(raised(&findings, "TM001").is_empty());
    }

    #[test]
    fn tm003_not_raised_in_window() {
        assert!(raised(&check(&response()), "TM003").is_empty());
    }

    #[test]
    fn tm004_issued_long_before_or_after() {
        let f = one(&at_time(&response(), "2026-11-02T12:00:00Z"), "TM004");
        assert_eq!(
            f.detail,
            "The response was issued at 2026-11-02T09:00:00Z, 3 hours before the evaluation \
             time 2026-11-02T12:00:00Z (GitLab does not judge IssueInstant, but so large a gap \
             means an old capture or a clock that is off)."
        );
        let f = one(&at_time(&response(), "2026-11-02T08:50:00Z"), "TM004");
        assert!(
            f.detail.contains("10 minutes after the evaluation time"),
            "{}",
            f.detail
        );
    }

    #[test]
    fn tm004_not_raised_within_the_skew_or_on_failure() {
        assert!(raised(&check(&response()), "TM004").is_empty());
        let failed = response().failed("AuthnFailed", "");
        assert!(raised(&at_time(&failed, "2026-11-09T00:00:00Z"), "TM004").is_empty());
        assert!(raised(&at_time(&response(), "2026-11-02T08:57:00Z"), "TM004").is_empty());
    }

    #[test]
    fn tm005_unreadable_times_are_findings_not_panics() {
        let r = response().not_on_or_after("next tuesday");
        let findings = check(&r);
        let f = one(&findings, "TM005");
        assert!(f.detail.starts_with(
            "The Conditions NotOnOrAfter value \"next tuesday\" is not a date and time"
        ));
        assert!(raised(&findings, "TM001").is_empty());
        let mut r = response();
        r.issue_instant = "2026-11-02 09:00".into();
        assert!(one(&check(&r), "TM005").detail.contains("IssueInstant"));
    }

    #[test]
    fn tm005_not_raised_on_clean() {
        assert!(raised(&check(&response()), "TM005").is_empty());
    }
}
