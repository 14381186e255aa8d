//! Diagnostics: what is wrong with a decoded SAML message for GitLab, and what to change.
//!
//! [`run`] applies pure rules, one small function each, grouped in files by family, to a
//! [`Message`] and a [`Context`] (evaluation time, skew, what GitLab expects, the signatures and
//! what else the trace saw). Each rule is registered under a stable code of the [`CATALOGUE`];
//! the catalogue gives every finding its severity and title, the rule its detail and fix.
//! Nothing here reads the clock, files, the network or the terminal, and no rule panics on input.
//!
//! To add a family of rules: write `src/checks/<family>.rs` with a `pub(super) const RULES:
//! &[Rule]` (each `Rule` names a catalogue code and a `fn(&Message, &Context) -> Vec<Raised>`),
//! declare the module, and add its `RULES` to `FAMILIES`. Then take the codes out of the tests'
//! `AWAITING_RULES` and regenerate `docs/checks.md` (`SAMLTRACE_UPDATE_DOCS=1 cargo test
//! docs_checks_md`): the tests fail until both are done.

mod attributes;
mod audience;
pub mod catalogue;
mod encryption;
pub mod fingerprint;
pub mod gitlab;
pub mod instant;
mod nameid;
mod presence;
pub mod quote;
pub mod render;
mod signature;
mod status;
#[cfg(test)]
mod testing;
mod time;

use std::fmt;

use jiff::{SignedDuration, Timestamp};
use serde::Serialize;

use crate::dsig::SignatureInfo;
use crate::dsig::open::DecryptionInfo;
use crate::dsig::wrapping::Coverage;
use crate::saml::{Assertion, Message, MessageKind, Request};

pub use catalogue::{CATALOGUE, CodeInfo};
pub use fingerprint::{Fingerprint, FingerprintAlgorithm, FingerprintError};
pub use gitlab::{GitLabGroup, GroupUrlError};
pub use render::{Line, LineKind, render_text};

/// How much a finding matters. Ordered from most to least severe.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    /// Blocks sign-in, or is a security problem.
    Error,
    /// Likely trouble.
    Warning,
    /// Worth knowing.
    Info,
}

impl fmt::Display for Severity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Severity::Error => "error",
            Severity::Warning => "warning",
            Severity::Info => "info",
        })
    }
}

/// One problem found in a message: the `findings[]` entries of the `samltrace/v1` schema.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Finding {
    /// Stable code from the [`CATALOGUE`] (`TM001`).
    pub code: &'static str,
    pub severity: Severity,
    /// One line, the same for every finding of the code.
    pub title: &'static str,
    /// What was found, quoting the actual values (made visible by [`crate::sanitize`]).
    pub detail: String,
    /// What a person can do about it, naming GitLab's documentation section where one applies.
    pub fix: String,
    /// The address of that documentation section.
    pub docs: Option<String>,
}

/// What one rule found; the rule's code supplies the code, severity, title and docs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Raised {
    pub detail: String,
    pub fix: String,
}

impl Raised {
    pub fn new(detail: impl Into<String>, fix: impl Into<String>) -> Raised {
        Raised {
            detail: detail.into(),
            fix: fix.into(),
        }
    }
}

/// A rule: the code it raises and the pure function that looks for it.
pub(crate) struct Rule {
    pub code: &'static str,
    pub check: fn(&Message, &Context) -> Vec<Raised>,
}

/// Every family of rules, in the order their findings are listed within a severity.
const FAMILIES: &[&[Rule]] = &[
    status::RULES,
    nameid::RULES,
    time::RULES,
    audience::RULES,
    attributes::RULES,
    presence::RULES,
    signature::RULES,
    encryption::RULES,
];

/// Every registered rule.
fn rules() -> impl Iterator<Item = &'static Rule> {
    FAMILIES.iter().flat_map(|family| family.iter())
}

/// True when a rule for `code` is registered, or GitLab's verdict raises it (codes of the
/// catalogue may await theirs).
pub fn is_checked(code: &str) -> bool {
    rules().any(|r| r.code == code) || catalogue::RAISED_BY_VERDICT.contains(&code)
}

/// Applies every rule to the message: errors first, then warnings, then information, each in
/// catalogue family order.
pub fn run(msg: &Message, ctx: &Context) -> Vec<Finding> {
    let mut findings: Vec<Finding> = rules()
        .flat_map(|rule| {
            let info = catalogue::lookup(rule.code);
            (rule.check)(msg, ctx)
                .into_iter()
                .filter_map(move |raised| info.map(|i| i.finding(raised)))
        })
        .collect();
    findings.sort_by_key(|f| f.severity);
    findings
}

/// What the rules know beyond the message itself. Build it with [`Context::new`] and set the
/// fields that apply.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct Context {
    /// The time the message is judged at: `--at`, the HAR entry's time, or now (chosen by the
    /// caller; rules never read the clock).
    pub at: Timestamp,
    /// Clock difference tolerated between the identity provider and the evaluation time.
    pub skew: SignedDuration,
    /// Expected Audience: GitLab's SP entity ID (Identifier).
    pub sp_entity_id: Option<String>,
    /// Expected Destination and Recipient: GitLab's Assertion Consumer Service URL.
    pub acs_url: Option<String>,
    /// The certificate fingerprint GitLab is configured with.
    pub fingerprint: Option<Fingerprint>,
    /// Whether an SP private key was given to decrypt encrypted parts.
    pub sp_key_given: bool,
    /// The signatures of the message (`dsig::describe`, verified or not).
    pub signatures: Vec<SignatureInfo>,
    /// The HTTP-Redirect binding's query signature, when the message came with one.
    pub redirect_signature: Option<SignatureInfo>,
    /// Which assertion is shown and what valid signatures cover (signature wrapping, SG005).
    pub coverage: Option<Coverage>,
    /// The encrypted parts opened with `--sp-key`, and why one could not be (EN002).
    pub decryption: Vec<DecryptionInfo>,
    /// The AuthnRequests seen earlier in the same trace, oldest first; `None` when the message
    /// was not captured in a trace (then InResponseTo is not judged).
    pub earlier_requests: Option<Vec<SeenRequest>>,
}

/// An AuthnRequest seen in the same trace.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SeenRequest {
    pub id: String,
    pub issuer: Option<String>,
    pub acs_url: Option<String>,
}

impl SeenRequest {
    /// The request, when the message is an AuthnRequest with an ID.
    pub fn from_message(msg: &Message) -> Option<SeenRequest> {
        let Some(Request::Authn(request)) = &msg.request else {
            return None;
        };
        Some(SeenRequest {
            id: msg.id.clone()?,
            issuer: msg.issuer.clone(),
            acs_url: request.acs_url.clone(),
        })
    }
}

impl Context {
    /// The default clock skew: GitLab's allowed clock drift, none. GitLab.com's group SAML passes
    /// no `allowed_clock_drift` to ruby-saml (`ee/app/models/saml_provider.rb`,
    /// `SamlProvider#settings`), and Self-Managed passes only what an admin puts in the provider's
    /// `args` (`lib/gitlab/omniauth_initializer.rb`); ruby-saml's default is then zero (plus
    /// `Float::EPSILON`, `response.rb` `#allowed_clock_drift`).
    pub const DEFAULT_SKEW: SignedDuration = SignedDuration::ZERO;

    /// A context judging at `at` with the default skew and no expectations.
    pub fn new(at: Timestamp) -> Context {
        Context {
            at,
            skew: Context::DEFAULT_SKEW,
            sp_entity_id: None,
            acs_url: None,
            fingerprint: None,
            sp_key_given: false,
            signatures: Vec::new(),
            redirect_signature: None,
            coverage: None,
            decryption: Vec::new(),
            earlier_requests: None,
        }
    }

    /// Expects the SP entity ID and ACS URL of a GitLab group. Explicit `--sp-entity-id` and
    /// `--acs-url` values should be set after this, so that they win.
    pub fn expect_group(&mut self, group: &GitLabGroup) {
        self.sp_entity_id = Some(group.sp_entity_id());
        self.acs_url = Some(group.acs_url());
    }

    /// The comparisons with GitLab's settings this context cannot make, each with the flag that
    /// would enable it, for a report to show next to the findings.
    pub fn not_checked(&self) -> Vec<&'static str> {
        let mut out = Vec::new();
        if self.sp_entity_id.is_none() {
            out.push("the audience (AU001): give --gitlab-group or --sp-entity-id");
        }
        if self.acs_url.is_none() {
            out.push("the destination URL (AU002): give --gitlab-group or --acs-url");
        }
        out
    }
}

/// A Response or a bare Assertion: the messages that sign someone in.
fn is_sign_in(msg: &Message) -> bool {
    msg.kind.signs_in()
}

/// A bare Assertion, or a Response whose status is Success.
fn succeeded(msg: &Message) -> bool {
    match msg.kind {
        MessageKind::Assertion => true,
        MessageKind::Response => msg.status.as_ref().is_some_and(|s| s.is_success()),
        _ => false,
    }
}

/// The assertions of a sign-in message that can be read (not still encrypted).
fn readable(msg: &Message) -> impl Iterator<Item = &Assertion> {
    let sign_in = is_sign_in(msg);
    msg.assertions
        .iter()
        .filter(move |a| sign_in && !a.encrypted)
}

/// " (at /Response/Assertion[2])" when the message has more than one assertion, so that
/// details say which one they mean; "" otherwise.
fn which(msg: &Message, a: &Assertion) -> String {
    if msg.assertions.len() > 1 {
        format!(" (at {})", a.path)
    } else {
        String::new()
    }
}

#[cfg(test)]
mod tests {
    use super::testing::*;
    use super::*;

    #[test]
    fn severity_serialises_lower_case_and_orders_errors_first() {
        assert_eq!(
            serde_json::to_string(&Severity::Warning).unwrap(),
            "\"warning\""
        );
        assert!(Severity::Error < Severity::Warning && Severity::Warning < Severity::Info);
        assert_eq!(Severity::Info.to_string(), "info");
    }

    #[test]
    fn finding_serialises_in_the_design_field_names() {
        let f = catalogue::lookup("TM001")
            .unwrap()
            .finding(Raised::new("d", "f"));
        let text = serde_json::to_string(&f).unwrap();
        let keys = ["code", "severity", "title", "detail", "fix", "docs"];
        let at: Vec<usize> = keys
            .iter()
            .map(|k| text.find(&format!("\"{k}\":")).unwrap())
            .collect();
        assert!(at.windows(2).all(|w| w[0] < w[1]), "{text}");
        let json: serde_json::Value = serde_json::from_str(&text).unwrap();
        assert_eq!(json["code"], "TM001");
        assert_eq!(json["severity"], "error");
    }

    #[test]
    fn a_clean_response_raises_nothing() {
        let findings = check(&response());
        assert_eq!(findings, vec![], "{findings:#?}");
    }

    #[test]
    fn findings_come_errors_first() {
        let findings = check(&response().name_id_format(TRANSIENT).not_on_or_after(PAST));
        let severities: Vec<Severity> = findings.iter().map(|f| f.severity).collect();
        let mut sorted = severities.clone();
        sorted.sort();
        assert_eq!(severities, sorted);
        assert!(codes(&findings).contains(&"TM001") && codes(&findings).contains(&"NI003"));
    }

    #[test]
    fn every_registered_rule_has_a_catalogue_entry_and_is_registered_once() {
        let mut seen = Vec::new();
        for rule in rules() {
            assert!(catalogue::lookup(rule.code).is_some(), "{}", rule.code);
            assert!(!seen.contains(&rule.code), "{} registered twice", rule.code);
            seen.push(rule.code);
        }
    }

    /// Codes whose rules come with signature verification and decryption (`signature.rs`).
    /// Remove a code from here when its rule is registered.
    const AWAITING_RULES: &[&str] = &[];

    #[test]
    fn every_catalogue_code_has_a_rule_or_is_awaited() {
        for info in CATALOGUE {
            let awaited = AWAITING_RULES.contains(&info.code);
            assert_ne!(
                is_checked(info.code),
                awaited,
                "{}: registered and awaited must differ",
                info.code
            );
        }
    }

    /// `docs/checks.md` is generated from the catalogue; `SAMLTRACE_UPDATE_DOCS=1` rewrites it.
    #[test]
    fn docs_checks_md_matches_the_table() {
        let generated = catalogue::markdown(is_checked);
        crate::docgen::assert_fresh("checks.md", &generated, "docs_checks_md");
    }

    #[test]
    fn docs_checks_md_lists_exactly_the_table_codes() {
        let on_disk = crate::docgen::on_disk("checks.md");
        let documented: Vec<&str> = on_disk
            .lines()
            .filter_map(|l| l.strip_prefix("## "))
            .collect();
        let table: Vec<&str> = CATALOGUE.iter().map(|c| c.code).collect();
        assert_eq!(documented, table);
    }

    #[test]
    fn not_checked_names_the_missing_flags() {
        let ctx = Context::new(at(NOW));
        let missing = ctx.not_checked();
        assert_eq!(missing.len(), 2);
        assert!(missing[0].contains("--gitlab-group"));
        assert!(gitlab_context().not_checked().is_empty());
    }

    #[test]
    fn expect_group_sets_audience_and_acs() {
        let mut ctx = Context::new(at(NOW));
        ctx.expect_group(&GitLabGroup::parse("https://gitlab.com/acme/sub").unwrap());
        assert_eq!(
            ctx.sp_entity_id.as_deref(),
            Some("https://gitlab.com/groups/acme")
        );
        assert_eq!(
            ctx.acs_url.as_deref(),
            Some("https://gitlab.com/groups/acme/-/saml/callback")
        );
    }

    #[test]
    fn seen_request_from_an_authn_request_only() {
        let req = message(AUTHN_REQUEST);
        let seen = SeenRequest::from_message(&req).unwrap();
        assert_eq!(seen.id, "_req1");
        assert_eq!(seen.acs_url.as_deref(), Some(ACS));
        assert_eq!(SeenRequest::from_message(&clean()), None);
    }

    #[test]
    fn non_sign_in_messages_raise_nothing_but_status() {
        let req = message(AUTHN_REQUEST);
        assert_eq!(run(&req, &gitlab_context()), vec![]);
    }
}
