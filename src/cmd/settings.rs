//! The command line validated into the pipeline's configuration, once, before anything is read:
//! the evaluation time (`--at`, or the clock read here — never in the library), the skew, what
//! GitLab expects, the trust anchors and SP key (files read, bounded), and the mask key. Every
//! command that judges messages (decode, compare, har, tui) starts here, so none of them
//! derives the clock, the checks' context or the keys itself.

use std::sync::Arc;

use jiff::{SignedDuration, Timestamp};
use samltrace::checks::{Context, Fingerprint, GitLabGroup, instant};
use samltrace::pipeline::Config;

use crate::cli::{CheckArgs, ColorWhen, KeyArgs};

use super::{Fatal, keys, output};

/// The validated configuration, and notes on how the flags were read.
pub struct Settings {
    pub config: Config,
    pub notes: Vec<String>,
}

impl Settings {
    /// Validates the check and key flags; `mask_key` is `--mask-key` when the command has it.
    pub fn from_args(
        checks: &CheckArgs,
        key_args: &KeyArgs,
        mask_key: Option<&str>,
    ) -> Result<Settings, Fatal> {
        Settings::at(checks, key_args, mask_key, now())
    }

    fn at(
        checks: &CheckArgs,
        key_args: &KeyArgs,
        mask_key: Option<&str>,
        now: Timestamp,
    ) -> Result<Settings, Fatal> {
        let (context, notes) = context(checks, now)?;
        let keys = keys::load(key_args, checks)?;
        let mut config = Config::new(context).with_keys(Arc::new(keys));
        config.fixed_time = checks.at.is_some();
        config.mask_key = match mask_key {
            Some("") => return Err(Fatal::new("--mask-key: the key is empty")),
            key => key.map(str::to_owned),
        };
        Ok(Settings { config, notes })
    }

    pub fn context(&self) -> &Context {
        &self.config.context
    }

    /// Each note on how the flags were read, on stderr.
    pub fn print_notes(&self, color: ColorWhen) {
        for note in &self.notes {
            output::note_line(note, color);
        }
    }

    /// "Not checked: …", when a comparison with GitLab's settings was not made.
    pub fn not_checked_line(&self) -> Option<String> {
        let missing = self.config.context.not_checked();
        (!missing.is_empty()).then(|| format!("Not checked: {}.", missing.join("; ")))
    }
}

/// The clock, to the second (reports show seconds).
fn now() -> Timestamp {
    let now = Timestamp::now();
    Timestamp::from_second(now.as_second()).unwrap_or(now)
}

/// The checks' context: evaluation time, skew, and what GitLab expects.
fn context(args: &CheckArgs, now: Timestamp) -> Result<(Context, Vec<String>), Fatal> {
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
    Ok((context, notes))
}

/// `--at`: an xs:dateTime, or the same with a space for the `T` (`2026-11-02 09:00:00`), as RFC 3339
/// allows and as people type it. Message times keep the strict reading, as ruby-saml's.
fn parse_at(text: &str) -> Result<Timestamp, Fatal> {
    let trimmed = text.trim();
    let spaced = match trimmed.split_once(' ') {
        Some((date, clock)) if !trimmed.contains(['T', 't']) && date.len() == 10 => {
            format!("{date}T{}", clock.trim_start())
        }
        _ => trimmed.to_owned(),
    };
    instant::parse_instant(&spaced)
        .map(|i| i.at)
        .map_err(|e| Fatal::new(format!("--at {text:?}: {e}")))
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

    fn settings(a: &CheckArgs) -> Result<Settings, Fatal> {
        Settings::at(a, &KeyArgs::default(), None, now())
    }

    #[test]
    fn defaults_to_now_and_gitlab_s_drift() {
        let c = settings(&args()).unwrap();
        assert_eq!(c.context().at, now());
        assert!(!c.config.fixed_time);
        assert_eq!(c.context().skew, Context::DEFAULT_SKEW);
        assert!(c.context().skew.is_zero());
        assert!(c.not_checked_line().unwrap().contains("--gitlab-group"));
    }

    #[test]
    fn explicit_values_win_over_the_group() {
        let mut a = args();
        a.at = Some("2026-11-02T10:00:00+01:00".into());
        a.skew = 60;
        a.gitlab_group = Some("https://gitlab.com/acme/sub".into());
        a.acs_url = Some("https://gitlab.example.com/users/auth/saml/callback".into());
        let c = settings(&a).unwrap();
        assert_eq!(
            c.context().at,
            "2026-11-02T09:00:00Z".parse::<Timestamp>().unwrap()
        );
        assert!(c.config.fixed_time);
        assert_eq!(c.context().skew, SignedDuration::from_secs(60));
        assert_eq!(
            c.context().sp_entity_id.as_deref(),
            Some("https://gitlab.com/groups/acme")
        );
        assert_eq!(
            c.context().acs_url.as_deref(),
            Some("https://gitlab.example.com/users/auth/saml/callback")
        );
        assert_eq!(c.notes.len(), 1);
        assert_eq!(c.not_checked_line(), None);
    }

    #[test]
    fn at_takes_a_space_for_the_t() {
        // Regression: `--at "2026-11-02 09:00:00"` said "it has no time of day".
        let want = "2026-11-02T09:00:00Z".parse::<Timestamp>().unwrap();
        for text in [
            "2026-11-02 09:00:00",
            "2026-11-02 09:00:00Z",
            " 2026-11-02  09:00:00+00:00 ",
            "2026-11-02T09:00:00Z",
            "2026-11-02 10:00:00+01:00",
        ] {
            assert_eq!(
                parse_at(text).map_err(|e| e.to_string()),
                Ok(want),
                "{text}"
            );
        }
    }

    #[test]
    fn bad_flags_are_fatal_with_the_flag_named() {
        let starts = |a: &CheckArgs, flag: &str| {
            let e = settings(a).err().map(|e| e.to_string()).unwrap_or_default();
            assert!(e.starts_with(flag), "{e}");
        };
        let mut a = args();
        a.at = Some("yesterday".into());
        starts(&a, "--at");
        let mut a = args();
        a.at = Some("2026-11-02".into());
        starts(&a, "--at");
        let mut a = args();
        a.gitlab_group = Some("https://gitlab.com/users/sign_in".into());
        starts(&a, "--gitlab-group");
        let mut a = args();
        a.fingerprint = Some("xyz".into());
        starts(&a, "--fingerprint");
        let e = Settings::at(&args(), &KeyArgs::default(), Some(""), now());
        assert!(e.is_err_and(|e| e.to_string().starts_with("--mask-key")));
    }
}
