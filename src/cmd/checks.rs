//! The checks' context from the command line, validated before anything is decoded: evaluation
//! time, skew, and what GitLab expects. Reading the clock happens here, never in the library.

use jiff::{SignedDuration, Timestamp};
use samltrace::checks::{Context, Fingerprint, GitLabGroup, instant};
use samltrace::trace::Trace;

use crate::cli::{CheckArgs, ColorWhen, Format, OutputArgs};

use super::{Fatal, output};

/// The context every message is judged in, and notes on how the flags were read.
pub struct Checks {
    pub context: Context,
    pub notes: Vec<String>,
}

/// Validates the check flags; `now` is the evaluation time when `--at` is not given.
pub fn configure(args: &CheckArgs, now: Timestamp) -> Result<Checks, Fatal> {
    let at = match &args.at {
        Some(text) => parse_at(text)?,
        None => now,
    };
    let mut context = Context::new(at);
    context.skew = SignedDuration::from_secs(i64::from(args.skew));
    let mut notes = Vec::new();
    if let Some(url) = &args.gitlab_group {
        let group =
            GitLabGroup::parse(url).map_err(|e| Fatal::new(format!("--gitlab-group: {e}")))?;
        context.expect_group(&group);
        notes.extend(group.notes());
    }
    if let Some(id) = &args.sp_entity_id {
        context.sp_entity_id = Some(id.trim().to_owned());
    }
    if let Some(url) = &args.acs_url {
        context.acs_url = Some(url.trim().to_owned());
    }
    if let Some(hex) = &args.fingerprint {
        let parsed =
            Fingerprint::parse(hex).map_err(|e| Fatal::new(format!("--fingerprint: {e}")))?;
        context.fingerprint = Some(parsed);
    }
    Ok(Checks { context, notes })
}

fn parse_at(text: &str) -> Result<Timestamp, Fatal> {
    instant::parse_instant(text)
        .map(|i| i.at)
        .map_err(|e| Fatal::new(format!("--at {text:?}: {e}")))
}

/// Judges every decoded trace.
pub fn judge(traces: &mut [Trace], checks: &Checks) {
    for t in traces {
        t.check(&checks.context);
    }
}

/// Each note on how the flags were read, on stderr.
pub fn print_notes(checks: &Checks, color: ColorWhen) {
    for note in &checks.notes {
        output::note_line(note, color);
    }
}

/// Closes a text report with what was not compared with GitLab's settings, when a response was
/// judged without them.
pub fn print_not_checked(
    checks: &Checks,
    traces: &[Trace],
    args: &OutputArgs,
) -> Result<(), Fatal> {
    let judged = traces
        .iter()
        .any(|t| t.message.as_ref().is_some_and(|m| m.is_response()));
    match not_checked_line(checks) {
        Some(line) if judged && args.format == Format::Text => output::footer(&line, args.color),
        _ => Ok(()),
    }
}

/// "Not checked: …", when a comparison with GitLab's settings was not made.
pub fn not_checked_line(checks: &Checks) -> Option<String> {
    let missing = checks.context.not_checked();
    (!missing.is_empty()).then(|| format!("Not checked: {}.", missing.join("; ")))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn args() -> CheckArgs {
        CheckArgs {
            at: None,
            skew: 0,
            gitlab_group: None,
            sp_entity_id: None,
            acs_url: None,
            fingerprint: None,
        }
    }

    fn now() -> Timestamp {
        "2026-11-29T12:00:00Z".parse().unwrap()
    }

    #[test]
    fn defaults_to_now_and_gitlab_s_drift() {
        let c = configure(&args(), now()).unwrap();
        assert_eq!(c.context.at, now());
        assert_eq!(c.context.skew, Context::DEFAULT_SKEW);
        assert!(c.context.skew.is_zero());
        assert!(not_checked_line(&c).unwrap().contains("--gitlab-group"));
    }

    #[test]
    fn explicit_values_win_over_the_group() {
        let mut a = args();
        a.at = Some("2026-11-02T10:00:00+01:00".into());
        a.skew = 60;
        a.gitlab_group = Some("https://gitlab.com/acme/sub".into());
        a.acs_url = Some("https://gitlab.example.com/users/auth/saml/callback".into());
        let c = configure(&a, now()).unwrap();
        assert_eq!(
            c.context.at,
            "2026-11-02T09:00:00Z".parse::<Timestamp>().unwrap()
        );
        assert_eq!(c.context.skew, SignedDuration::from_secs(60));
        assert_eq!(
            c.context.sp_entity_id.as_deref(),
            Some("https://gitlab.com/groups/acme")
        );
        assert_eq!(
            c.context.acs_url.as_deref(),
            Some("https://gitlab.example.com/users/auth/saml/callback")
        );
        assert_eq!(c.notes.len(), 1);
        assert_eq!(not_checked_line(&c), None);
    }

    #[test]
    fn bad_flags_are_fatal_with_the_flag_named() {
        let mut a = args();
        a.at = Some("yesterday".into());
        assert!(
            configure(&a, now())
                .err()
                .unwrap()
                .to_string()
                .starts_with("--at")
        );
        let mut a = args();
        a.gitlab_group = Some("https://gitlab.com/users/sign_in".into());
        assert!(
            configure(&a, now())
                .err()
                .unwrap()
                .to_string()
                .starts_with("--gitlab-group")
        );
        let mut a = args();
        a.fingerprint = Some("xyz".into());
        assert!(
            configure(&a, now())
                .err()
                .unwrap()
                .to_string()
                .starts_with("--fingerprint")
        );
    }
}
