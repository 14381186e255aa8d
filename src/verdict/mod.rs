//! GitLab's verdict on a message: "GitLab accepts" or "GitLab refuses: <ruby-saml's message>",
//! with the ruby-saml check that decides and the finding code that explains it.
//!
//! GitLab signs users in with OmniAuth's SAML strategy, which runs ruby-saml's
//! `OneLogin::RubySaml::Response#is_valid?` with `soft = false`: the validations run in order and
//! the first that fails raises its message, which GitLab shows. [`judge`] replays them in that
//! order (`response.rs`), over the document as ruby-saml reads it (`dsig::gitlab::RubyDocument`),
//! with GitLab's settings:
//!
//! - GitLab.com group SAML (`ee/app/models/saml_provider.rb`, `SamlProvider#settings`): the
//!   group's `idp_cert_fingerprint` (SHA-1), `issuer` (the SP entity ID) and
//!   `assertion_consumer_service_url`; no `allowed_clock_drift`, no `skip_*` options, no
//!   `security` overrides, so ruby-saml's defaults apply (`settings.rb`).
//! - Self-Managed instance SAML (`config/gitlab.yml.example`, `lib/gitlab/omniauth_initializer.rb`
//!   passes `args` through): `idp_cert` or `idp_cert_fingerprint`, `issuer`, ACS URL; options the
//!   admin adds (such as `allowed_clock_drift`) reach ruby-saml through omniauth-saml's
//!   `OTHER_REQUEST_OPTIONS`. `--skew` stands for that option.
//!
//! ruby-saml followed: 1.13.0 as Debian ships it (the differential tests run it) and 1.18, which
//! GitLab runs; the validations, their order and their messages are the same in both for what is
//! judged here. Our own advice (SHA-1, certificates near expiry, email NameIDs) stays in the
//! checks' warnings and never changes the verdict. Pure: no clock, files or network.

mod response;
pub mod schema;
mod time;

use std::sync::Arc;

use serde::Serialize;

use crate::checks::{Context, Finding, catalogue};
use crate::dsig::gitlab::{DecryptedDoc, GitLabSignature};
use crate::dsig::open::DecryptionInfo;
use crate::dsig::{SignatureInfo, Signer};
use crate::saml::{Message, MessageKind};
use crate::xml::Document;

/// The library and version whose rules the verdict follows.
pub const AUTHORITY: &str =
    "ruby-saml 1.18 OneLogin::RubySaml::Response#is_valid?, with GitLab's SAML settings";

/// What GitLab does with the message.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Outcome {
    Accepts,
    Refuses,
    /// Every check that could be made passes, but one needs what was not given (`needs`).
    Undecided,
    /// GitLab does not validate this message as a sign-in response (a request it sent).
    NotValidated,
}

/// GitLab's verdict: the `gitlab_verdict` of the JSON trace.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Verdict {
    pub outcome: Outcome,
    /// The first line of the text report: `GitLab accepts`, `GitLab refuses: …`.
    pub summary: String,
    /// The finding code that explains a refusal (or what an undecided verdict waits on).
    pub code: Option<&'static str>,
    /// GitLab's (ruby-saml's) message, verbatim.
    pub message: Option<String>,
    /// The ruby-saml validation that gives it (`validate_num_assertion`).
    pub check: Option<&'static str>,
    /// Why, with the values found.
    pub reason: Option<String>,
    /// What would decide an undecided verdict (the flags to give).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub needs: Vec<String>,
    pub authority: &'static str,
}

impl Verdict {
    pub fn accepts(&self) -> bool {
        self.outcome == Outcome::Accepts
    }

    /// The line for a list row: `accepts`, `refuses (SC001)`, `undecided`.
    pub fn short(&self) -> String {
        match (self.outcome, self.code) {
            (Outcome::Accepts, _) => "GitLab accepts".to_owned(),
            (Outcome::Refuses, Some(code)) => format!("GitLab refuses ({code})"),
            (Outcome::Refuses, None) => "GitLab refuses".to_owned(),
            (Outcome::Undecided, _) => "GitLab: undecided".to_owned(),
            (Outcome::NotValidated, _) => "GitLab: not validated".to_owned(),
        }
    }
}

/// What one failed ruby-saml validation says.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Refusal {
    pub check: &'static str,
    pub message: Option<String>,
    pub reason: String,
    pub code: &'static str,
}

/// What the verdict needs of a trace.
#[derive(Debug, Clone, Copy)]
pub struct Input<'a> {
    pub document: &'a Document,
    pub decrypted: &'a [Arc<DecryptedDoc>],
    /// The message with decrypted parts in place.
    pub message: &'a Message,
    pub signatures: &'a [SignatureInfo],
    /// Which signature GitLab verifies and what it decides (Responses).
    pub signature: Option<&'a GitLabSignature>,
    pub decryption: &'a [DecryptionInfo],
}

/// The verdict, and the findings that explain it which the checks do not raise by themselves
/// (schema violations, and the refusal's own code when no check found it).
#[derive(Debug, Clone, PartialEq)]
pub struct Judgement {
    pub verdict: Verdict,
    pub findings: Vec<Finding>,
}

/// GitLab's verdict on one message, judged in `ctx` (time, drift, GitLab's expected values).
/// `findings` are the checks' own, so that the explanation is not given twice.
pub fn judge(input: &Input<'_>, ctx: &Context, findings: &[Finding]) -> Judgement {
    let msg = input.message;
    let (verdict, mut extra) = match msg.kind {
        MessageKind::Response => response::judge(input, ctx),
        MessageKind::Assertion => (bare_assertion(), Vec::new()),
        _ => (not_validated(input, ctx), Vec::new()),
    };
    if let Some(code) = verdict.code.filter(|_| verdict.outcome == Outcome::Refuses)
        && !findings.iter().chain(&extra).any(|f| f.code == code)
        && let Some(info) = catalogue::lookup(code)
    {
        let reason = verdict.reason.clone().unwrap_or_default();
        extra.push(info.finding(crate::checks::Raised::new(
            format!("GitLab refuses the response: {reason}."),
            "Fix what the detail names at the identity provider, then capture a fresh sign-in.",
        )));
    }
    Judgement {
        verdict,
        findings: extra,
    }
}

fn verdict(outcome: Outcome, summary: String) -> Verdict {
    Verdict {
        outcome,
        summary,
        code: None,
        message: None,
        check: None,
        reason: None,
        needs: Vec::new(),
        authority: AUTHORITY,
    }
}

/// The verdict of a failed validation.
pub(crate) fn refuses(r: Refusal) -> Verdict {
    let shown = r.message.clone().unwrap_or_else(|| r.reason.clone());
    Verdict {
        code: Some(r.code),
        message: r.message,
        check: Some(r.check),
        reason: Some(r.reason),
        ..verdict(Outcome::Refuses, format!("GitLab refuses: {shown}"))
    }
}

/// ruby-saml reads a bare Assertion as a Response without a Version (`validate_version`).
fn bare_assertion() -> Verdict {
    refuses(Refusal {
        check: "validate_version",
        message: Some("Unsupported SAML version".to_owned()),
        reason: "this is a bare Assertion, not a samlp:Response: GitLab reads assertions only \
                 inside a Response"
            .to_owned(),
        code: "SC004",
    })
}

/// Messages GitLab does not validate with `Response#is_valid?`.
fn not_validated(input: &Input<'_>, ctx: &Context) -> Verdict {
    let msg = input.message;
    let by_sp = input.signatures.iter().any(|s| s.signer == Signer::Sp)
        || crate::dsig::issued_by_gitlab(msg, ctx.sp_entity_id.as_deref());
    let why = match msg.kind {
        MessageKind::AuthnRequest | MessageKind::LogoutRequest | MessageKind::LogoutResponse
            if by_sp || msg.kind == MessageKind::AuthnRequest =>
        {
            "GitLab sent it to the identity provider, which validates it".to_owned()
        }
        MessageKind::LogoutRequest | MessageKind::LogoutResponse => format!(
            "it is not a sign-in (GitLab.com's group SAML has no single logout; GitLab \
             Self-Managed checks it with ruby-saml's {} when single logout is set up)",
            match msg.kind {
                MessageKind::LogoutRequest => "SloLogoutrequest",
                _ => "Logoutresponse",
            }
        ),
        _ => "GitLab does not use it for SAML sign-in".to_owned(),
    };
    Verdict {
        reason: Some(why.clone()),
        ..verdict(
            Outcome::NotValidated,
            format!("GitLab does not validate this {}: {why}", msg.kind),
        )
    }
}

#[cfg(test)]
mod tests;
