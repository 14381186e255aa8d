//! The readable summary a person can act on: kind, issuer, status, NameID and format, attributes
//! as a table, conditions, signatures, then the findings of the checks grouped by severity.
//! Every value from a message passes through the sanitiser.
//! Failed traces are not shown here: the binary reports them on stderr, one line each.

use std::fmt::Write;

use anstyle::{AnsiColor, Effects, Style};

use crate::checks::render::{Line, LineKind, render_text};
use crate::checks::{Finding, Severity};
use crate::compare::{State, Verdict};
use crate::dsig::open::DecryptionInfo;
use crate::dsig::wrapping::Coverage;
use crate::dsig::{SignatureInfo, Signer};
use crate::saml::{Assertion, Attribute, Message, Request, format_label};
use crate::sanitize::{quoted_if_padded, visible};
use crate::trace::Trace;
use crate::verdict::{Outcome, Verdict as GitLabVerdict};

const TITLE: Style = Style::new().effects(Effects::BOLD);
const LABEL: Style = Style::new().effects(Effects::DIMMED);
const KEY_VALUE: Style = Style::new().effects(Effects::BOLD);
const GOOD: Style = AnsiColor::Green.on_default();
const BAD: Style = AnsiColor::Red.on_default().effects(Effects::BOLD);
const WARN: Style = AnsiColor::Yellow.on_default();

/// Width of the label column.
const LABEL_WIDTH: usize = 16;

/// Every decoded trace, separated by blank lines.
pub fn render(traces: &[Trace]) -> String {
    let shown: Vec<&Trace> = traces.iter().filter(|t| t.message.is_some()).collect();
    let mut out = Out::default();
    for (i, t) in shown.iter().enumerate() {
        if i > 0 {
            out.blank();
        }
        trace(&mut out, t);
    }
    out.0
}

/// Another occurrence of a message reported in full above (at `first`): its header and one
/// line, so a capture that carried it twice does not show it (and its Identity) twice.
pub fn repeat(t: &Trace, first: &str, seen: usize) -> String {
    let mut out = Out::default();
    out.line(0, &paint(TITLE, &header(t)));
    out.line(
        2,
        &paint(
            LABEL,
            &format!(
                "The same message as {} above (seen {seen}× so far): not repeated.",
                visible(first)
            ),
        ),
    );
    out.0
}

#[derive(Default)]
struct Out(String);

impl Out {
    fn line(&mut self, indent: usize, text: &str) {
        let _ = writeln!(self.0, "{:indent$}{text}", "");
    }

    fn blank(&mut self) {
        self.0.push('\n');
    }

    fn field(&mut self, indent: usize, label: &str, value: &str) {
        let _ = writeln!(
            self.0,
            "{:indent$}{LABEL}{label:<LABEL_WIDTH$}{LABEL:#} {value}",
            ""
        );
    }

    fn opt(&mut self, indent: usize, label: &str, value: Option<&str>) {
        if let Some(v) = value {
            self.field(indent, label, &quoted_if_padded(v));
        }
    }
}

fn paint(style: Style, text: &str) -> String {
    format!("{style}{text}{style:#}")
}

fn trace(out: &mut Out, t: &Trace) {
    if let Some(v) = &t.gitlab_verdict {
        out.line(0, &paint(verdict_style(v), &visible(&v.summary)));
    }
    out.line(0, &paint(TITLE, &header(t)));
    let Some(msg) = &t.message else { return };
    if let Some(v) = &t.gitlab_verdict {
        gitlab_verdict(out, v);
    }
    message(out, msg, t.origin.relay_state.as_deref());
    for (i, a) in msg.assertions.iter().enumerate() {
        out.blank();
        assertion(out, a, i, msg.assertions.len());
    }
    let sigs: Vec<&SignatureInfo> = t.signatures.iter().chain(&t.redirect_signature).collect();
    if !sigs.is_empty() {
        out.blank();
        signatures(out, &sigs);
    }
    if let Some(c) = &t.coverage {
        coverage(out, c);
    }
    if !t.decryption.is_empty() {
        out.blank();
        decryption(out, &t.decryption);
    }
    if !msg.notes.is_empty() {
        out.blank();
        out.line(2, &paint(TITLE, "Notes"));
        for n in &msg.notes {
            out.line(4, &paint(WARN, &format!("! {}", visible(n))));
        }
    }
    let judged = msg.kind.signs_in();
    if judged || !t.findings.is_empty() {
        out.blank();
        findings(out, t);
    }
    if let Some(v) = &t.verdict {
        out.blank();
        verdict(out, v);
    }
}

fn verdict_style(v: &GitLabVerdict) -> Style {
    match v.outcome {
        Outcome::Accepts => GOOD.effects(Effects::BOLD),
        Outcome::Refuses => BAD,
        Outcome::Undecided => WARN.effects(Effects::BOLD),
        Outcome::NotValidated => TITLE,
    }
}

/// Why GitLab refuses (the ruby-saml check and the finding that explains it), or what was not
/// checked.
fn gitlab_verdict(out: &mut Out, v: &GitLabVerdict) {
    match v.outcome {
        Outcome::Refuses => {
            let reason = v.reason.as_deref().unwrap_or("");
            let check = v.check.map_or(String::new(), |c| format!("ruby-saml {c}"));
            let code = v.code.map_or(String::new(), |c| format!(", {c}"));
            out.field(2, "Why", &visible(&format!("{reason} ({check}{code})")));
        }
        Outcome::Accepts | Outcome::Undecided | Outcome::NotValidated => {}
    }
}

/// The identity verdict: state, the identity compared, why, and the call that fixes it.
fn verdict(out: &mut Out, v: &Verdict) {
    out.line(2, &paint(TITLE, "Identity"));
    let style = match v.state {
        State::Match => GOOD,
        State::NearMatch | State::Inactive => WARN,
        _ => BAD,
    };
    out.field(4, "Verdict", &paint(style, v.state.as_str()));
    if let Some(id) = &v.identity {
        let mut parts: Vec<String> = Vec::new();
        parts.extend(
            id.external_id
                .as_deref()
                .map(|e| quoted_if_padded(e).into_owned()),
        );
        parts.extend(
            id.user_name
                .as_deref()
                .map(|u| format!("user {}", visible(u))),
        );
        parts.extend(id.email.as_deref().map(|e| visible(e).into_owned()));
        if id.active == Some(false) {
            parts.push(paint(BAD, "inactive"));
        }
        parts.push(format!("{} · {}", id.source.as_str(), visible(&id.origin)));
        out.field(4, "Identity", &parts.join(" · "));
    }
    if !v.difference.is_empty() {
        let words: Vec<&str> = v.difference.iter().map(|d| d.describe()).collect();
        out.field(4, "Differs by", &words.join(", "));
    }
    for c in &v.candidates {
        let ext = c.identity.external_id.as_deref().unwrap_or("(no id)");
        let who = c
            .identity
            .user_name
            .as_deref()
            .or(c.identity.email.as_deref())
            .unwrap_or("");
        let text = format!(
            "{} {} ({}; {})",
            quoted_if_padded(ext),
            visible(who),
            visible(&c.why),
            visible(&c.identity.origin)
        );
        out.field(4, "Candidate", &text);
    }
    for (i, line) in wrap(&visible(&v.reason), 76).iter().enumerate() {
        out.field(4, if i == 0 { "Why" } else { "" }, line);
    }
    if let Some(fix) = &v.fix {
        out.field(4, "Fix", &visible(fix));
    }
}

/// Splits text into lines of at most `width` characters at spaces.
pub(crate) fn wrap(text: &str, width: usize) -> Vec<String> {
    let mut lines: Vec<String> = Vec::new();
    let mut line = String::new();
    for word in text.split(' ') {
        if !line.is_empty() && line.chars().count() + 1 + word.chars().count() > width {
            lines.push(std::mem::take(&mut line));
        }
        if !line.is_empty() {
            line.push(' ');
        }
        line.push_str(word);
    }
    lines.push(line);
    lines
}

/// The checks' findings, grouped by severity, with a closing count ("No problems found." for a
/// judged message without any).
fn findings(out: &mut Out, t: &Trace) {
    for l in render_text(&t.findings) {
        match l.kind {
            LineKind::Blank => out.blank(),
            LineKind::Summary => match but(t) {
                Some(but) => {
                    let text = format!("{} {but}", checks_said(&t.findings));
                    out.line(2, &paint(BAD, &text));
                }
                None => out.line(2, &paint(finding_style(&l), &l.text)),
            },
            _ => out.line(2, &paint(finding_style(&l), &l.text)),
        }
    }
}

/// What fails although the checks found no error: GitLab's refusal or a broken identity link,
/// so that "No problems found." never sits above a failing verdict.
fn but(t: &Trace) -> Option<String> {
    if t.findings.iter().any(|f| f.severity == Severity::Error) {
        return None;
    }
    let refuses = t
        .gitlab_verdict
        .as_ref()
        .is_some_and(|v| v.outcome == Outcome::Refuses);
    let identity = t.verdict.as_ref().filter(|v| v.state.is_problem());
    match (refuses, identity) {
        (true, _) => Some("But GitLab refuses it (Why, above).".to_owned()),
        (false, Some(v)) => Some(format!("But {} (Identity, below).", identity_said(v.state))),
        (false, None) => None,
    }
}

/// The checks' closing count said as theirs, for a message they found no error in:
/// `The checks found no problems.`, `The checks found no errors (1 warning, 2 notes).`
fn checks_said(findings: &[Finding]) -> String {
    let count = |s: Severity| findings.iter().filter(|f| f.severity == s).count();
    let counted = |n: usize, what: &str| match n {
        1 => format!("1 {what}"),
        n => format!("{n} {what}s"),
    };
    let rest: Vec<String> = [
        (count(Severity::Warning), "warning"),
        (count(Severity::Info), "note"),
    ]
    .into_iter()
    .filter(|(n, _)| *n > 0)
    .map(|(n, what)| counted(n, what))
    .collect();
    if rest.is_empty() {
        "The checks found no problems.".to_owned()
    } else {
        format!("The checks found no errors ({}).", rest.join(", "))
    }
}

/// A failing identity verdict in words.
fn identity_said(state: State) -> &'static str {
    match state {
        State::Match => "the identity matches",
        State::NearMatch => "the NameID only nearly matches the stored identity",
        State::Mismatch => "the NameID does not match the stored identity",
        State::Inactive => "the identity is inactive",
        State::Ambiguous => "more than one identity could be this user",
        State::NotFound => "no identity has this NameID",
    }
}

fn finding_style(l: &Line) -> Style {
    let severe = match l.severity {
        Some(Severity::Error) => BAD,
        Some(Severity::Warning) => WARN.effects(Effects::BOLD),
        _ => TITLE,
    };
    match l.kind {
        LineKind::Heading | LineKind::Finding => severe,
        LineKind::Docs => LABEL,
        LineKind::Summary if l.severity == Some(Severity::Info) || l.severity.is_none() => GOOD,
        LineKind::Summary => severe,
        _ => Style::new(),
    }
}

/// `samples/okta.b64 · base64 · SAMLResponse via HTTP-POST`
fn header(t: &Trace) -> String {
    let parts: Vec<String> = t
        .provenance()
        .iter()
        .map(|p| visible(p).into_owned())
        .collect();
    format!("── {} ──", parts.join(" · "))
}

fn message(out: &mut Out, m: &Message, relay_state: Option<&str>) {
    let mut title = m.kind.name().to_owned();
    if let Some(id) = &m.id {
        title.push_str(&format!("  {}", visible(id)));
    }
    out.line(2, &paint(TITLE, &title));
    out.opt(4, "Issuer", m.issuer.as_deref());
    out.opt(4, "Issued", m.issue_instant.as_deref());
    if let Some(s) = &m.status {
        out.field(4, "Status", &status_text(s));
        out.opt(4, "Status message", s.message.as_deref());
    } else if m.kind.is_status_response() {
        out.field(4, "Status", &paint(BAD, "missing"));
    }
    out.opt(4, "Destination", m.destination.as_deref());
    out.opt(4, "InResponseTo", m.in_response_to.as_deref());
    // Carried beside the message, not in it: where the SP returns the user after sign-in.
    out.opt(4, "RelayState", relay_state);
    match &m.request {
        Some(Request::Authn(r)) => {
            out.opt(4, "ACS URL", r.acs_url.as_deref());
            out.opt(
                4,
                "Binding",
                r.protocol_binding.as_deref().map(binding_label),
            );
            out.opt(
                4,
                "NameID policy",
                r.name_id_policy_format.as_deref().map(format_label),
            );
            if r.force_authn == Some(true) {
                out.field(4, "ForceAuthn", "true");
            }
            if r.is_passive == Some(true) {
                out.field(4, "IsPassive", "true");
            }
            for c in &r.requested_authn_context {
                out.field(4, "AuthnContext", &visible(c));
            }
        }
        Some(Request::Logout(r)) => {
            match &r.name_id {
                Some(n) => {
                    out.field(4, "NameID", &paint(KEY_VALUE, &quoted_if_padded(&n.value)));
                    out.opt(4, "Format", n.format.as_deref().map(format_label));
                }
                None if r.encrypted_id.is_some() => {
                    out.field(4, "NameID", &paint(WARN, "encrypted"))
                }
                None => {}
            }
            for s in &r.session_indexes {
                out.field(4, "SessionIndex", &visible(s));
            }
            out.opt(4, "NotOnOrAfter", r.not_on_or_after.as_deref());
            out.opt(4, "Reason", r.reason.as_deref());
        }
        None => {}
    }
}

fn status_text(s: &crate::saml::Status) -> String {
    let code = s.code.as_deref().map_or("(no code)", format_label);
    let mut text = if s.is_success() {
        paint(GOOD, code)
    } else {
        paint(BAD, &visible(code))
    };
    if let Some(second) = &s.second_level {
        text.push_str(&format!(
            " / {}",
            paint(BAD, &visible(format_label(second)))
        ));
    }
    text
}

fn binding_label(uri: &str) -> &str {
    uri.strip_prefix("urn:oasis:names:tc:SAML:2.0:bindings:")
        .unwrap_or(uri)
}

fn assertion(out: &mut Out, a: &Assertion, index: usize, count: usize) {
    let mut title = if count > 1 {
        format!("Assertion {} of {count}", index + 1)
    } else {
        "Assertion".to_owned()
    };
    if let Some(id) = &a.id {
        title.push_str(&format!("  {}", visible(id)));
    }
    if a.encrypted {
        title.push_str(&format!("  {}", paint(WARN, "encrypted")));
    }
    out.line(2, &paint(TITLE, &title));
    if count > 1 {
        out.field(4, "Path", &visible(&a.path));
    }
    if let Some(e) = &a.encryption {
        let mut how = e
            .data_algorithm
            .as_deref()
            .map_or("unknown cipher".to_owned(), crate::dsig::short_name);
        if let Some(k) = &e.key_algorithm {
            how.push_str(&format!(", key {}", crate::dsig::short_name(k)));
        }
        if !a.encrypted {
            how.push_str(" (decrypted with --sp-key)");
        }
        out.field(4, "Encryption", &visible(&how));
        if a.encrypted {
            out.line(4, &paint(WARN, "its NameID and attributes cannot be read without the service provider's private key"));
            return;
        }
    }
    out.opt(4, "Issuer", a.issuer.as_deref());
    subject(out, a);
    conditions(out, a);
    if let Some(au) = &a.authn {
        let parts: Vec<String> = [
            au.instant.as_deref(),
            au.context_class.as_deref().map(context_label),
        ]
        .into_iter()
        .flatten()
        .map(|s| visible(s).into_owned())
        .collect();
        if !parts.is_empty() {
            out.field(4, "Authn", &parts.join(" · "));
        }
        out.opt(4, "SessionIndex", au.session_index.as_deref());
    }
    attributes(out, &a.attributes);
    if !a.encrypted_attributes.is_empty() {
        out.field(
            4,
            "Encrypted",
            &format!(
                "{} attribute(s) cannot be read without the SP key",
                a.encrypted_attributes.len()
            ),
        );
    }
}

fn context_label(uri: &str) -> &str {
    uri.strip_prefix("urn:oasis:names:tc:SAML:2.0:ac:classes:")
        .unwrap_or(uri)
}

fn subject(out: &mut Out, a: &Assertion) {
    let Some(s) = &a.subject else {
        out.field(4, "NameID", &paint(BAD, "no Subject"));
        return;
    };
    match (&s.name_id, &s.encrypted_id) {
        (Some(n), _) => {
            out.field(4, "NameID", &paint(KEY_VALUE, &quoted_if_padded(&n.value)));
            match n.format.as_deref() {
                Some(f) => out.field(4, "Format", &visible(format_label(f))),
                None => out.field(4, "Format", &paint(LABEL, "(none)")),
            }
            out.opt(4, "NameQualifier", n.name_qualifier.as_deref());
            out.opt(4, "SPNameQualifier", n.sp_name_qualifier.as_deref());
            out.opt(4, "SPProvidedID", n.sp_provided_id.as_deref());
        }
        (None, Some(_)) => out.field(4, "NameID", &paint(WARN, "encrypted (EncryptedID)")),
        (None, None) => out.field(4, "NameID", &paint(BAD, "missing")),
    }
    for c in &s.confirmations {
        out.opt(4, "Recipient", c.recipient.as_deref());
        out.opt(
            4,
            "InResponseTo",
            c.in_response_to
                .as_deref()
                .filter(|_| s.confirmations.len() > 1),
        );
        out.opt(4, "Confirm until", c.not_on_or_after.as_deref());
    }
}

fn conditions(out: &mut Out, a: &Assertion) {
    let Some(c) = &a.conditions else { return };
    for aud in &c.audiences {
        out.field(4, "Audience", &quoted_if_padded(aud));
    }
    let window = match (c.not_before.as_deref(), c.not_on_or_after.as_deref()) {
        (Some(b), Some(e)) => Some(format!("{} → {}", visible(b), visible(e))),
        (None, Some(e)) => Some(format!("until {}", visible(e))),
        (Some(b), None) => Some(format!("from {}", visible(b))),
        (None, None) => None,
    };
    if let Some(w) = window {
        out.field(4, "Valid", &w);
    }
}

fn attributes(out: &mut Out, attrs: &[Attribute]) {
    if attrs.is_empty() {
        out.field(4, "Attributes", &paint(LABEL, "none"));
        return;
    }
    out.line(4, &paint(TITLE, &format!("Attributes ({})", attrs.len())));
    let names: Vec<String> = attrs.iter().map(attribute_name).collect();
    let width = names
        .iter()
        .map(|n| n.chars().count())
        .max()
        .unwrap_or(0)
        .min(64);
    for (a, name) in attrs.iter().zip(&names) {
        let values: Vec<String> = a
            .values
            .iter()
            .map(|v| match v {
                Some(v) => quoted_if_padded(v).into_owned(),
                None => paint(LABEL, "(nil)"),
            })
            .collect();
        let first = values
            .first()
            .cloned()
            .unwrap_or_else(|| paint(LABEL, "(no value)"));
        let pad = width.saturating_sub(name.chars().count());
        let _ = writeln!(out.0, "      {}{:pad$}  {first}", paint(LABEL, name), "");
        for v in values.iter().skip(1) {
            let _ = writeln!(out.0, "      {:width$}  {v}", "");
        }
    }
}

/// `email`, or `http://…/emailaddress (FriendlyName: mail)`.
fn attribute_name(a: &Attribute) -> String {
    let name = visible(&a.name).into_owned();
    match &a.friendly_name {
        Some(f) if f != &a.name => format!("{name} ({})", visible(f)),
        _ => name,
    }
}

fn signatures(out: &mut Out, sigs: &[&SignatureInfo]) {
    out.line(2, &paint(TITLE, "Signatures"));
    let several = sigs.len() > 1;
    for s in sigs {
        let algs = match (&s.algorithm, &s.digest) {
            (Some(a), Some(d)) => format!("{a} / {d}"),
            (Some(a), None) => a.clone(),
            _ => "no SignatureMethod".to_owned(),
        };
        let weak = s.algorithm.as_deref().is_some_and(|a| a.contains("sha1"))
            || s.digest.as_deref() == Some("sha1");
        let algs = if weak {
            paint(WARN, &visible(&algs))
        } else {
            visible(&algs).into_owned()
        };
        let reference = s
            .reference
            .as_deref()
            .map_or(String::new(), |r| format!(" ref {}", visible(r)));
        let state = match (s.verified, s.signer) {
            (None, Signer::Sp) => paint(LABEL, "not verified (GitLab's own: give --sp-cert)"),
            (None, Signer::Idp) => paint(LABEL, "not verified (no trust anchor given)"),
            (Some(true), _) => paint(GOOD, "verified"),
            (Some(false), _) if !s.checked_by_gitlab && several => {
                paint(WARN, "does NOT verify (GitLab does not check it)")
            }
            (Some(false), _) => paint(BAD, "does NOT verify"),
        };
        let state = match s.checked_by_gitlab && several {
            true => format!("{state}  {}", paint(LABEL, "(the one GitLab checks)")),
            false => state,
        };
        out.line(
            4,
            &format!(
                "{}{reference}  {algs}  {state}",
                paint(KEY_VALUE, &signature_label(s))
            ),
        );
        let fine = matches!(
            s.status.as_deref(),
            None | Some("verified" | "digest_ok" | "not_checked")
        );
        if !fine && let Some(r) = &s.reason {
            let style = if s.verified == Some(false) {
                BAD
            } else {
                LABEL
            };
            out.field(6, "Why", &paint(style, &visible(r)));
        }
        if let Some(c) = s.covers.as_deref().filter(|c| *c != s.path) {
            out.field(6, "Covers", &paint(BAD, &visible(c)));
        }
        if s.verified == Some(true)
            && let Some(k) = &s.key
        {
            out.field(6, "Key", &visible(k));
        }
        if let Some(c) = &s.certificate {
            out.field(6, "Certificate", &visible(&c.subject));
            out.field(6, "Valid", &format!("{} → {}", c.not_before, c.not_after));
            out.field(6, "SHA-1", &c.sha1);
            out.field(6, "SHA-256", &c.sha256);
        } else if let Some(e) = &s.certificate_error {
            out.field(6, "Certificate", &paint(WARN, &visible(e)));
        } else if let Some(k) = &s.key_info {
            out.field(6, "KeyInfo", &visible(k));
        }
    }
}

/// `Assertion`, `Assertion (decrypted)` for a signature found inside an encrypted part,
/// `AuthnRequest (GitLab's)` for one GitLab made.
fn signature_label(s: &SignatureInfo) -> String {
    let mut label = s.element.clone();
    if s.decrypted {
        label.push_str(" (decrypted)");
    }
    if s.signer == Signer::Sp {
        label.push_str(" (GitLab's)");
    }
    label
}

/// Signature wrapping in plain words: which element is signed, which one the NameID came from.
fn coverage(out: &mut Out, c: &Coverage) {
    if c.wrapping.is_empty() {
        return;
    }
    out.blank();
    out.line(
        2,
        &paint(
            BAD,
            "Signature wrapping (SG005): do not trust the NameID shown",
        ),
    );
    let signed = if c.signed.is_empty() {
        "nothing (no valid signature covers an element)".to_owned()
    } else {
        c.signed.join(", ")
    };
    out.field(4, "Signed", &visible(&signed));
    if let Some(shown) = &c.shown {
        let note = match c.shown_signed {
            Some(false) => paint(BAD, " (not covered by a valid signature)"),
            _ => String::new(),
        };
        out.field(4, "NameID from", &format!("{}{note}", visible(shown)));
    }
    for w in &c.wrapping {
        out.line(4, &paint(BAD, &format!("! {}", visible(w))));
    }
}

fn decryption(out: &mut Out, parts: &[DecryptionInfo]) {
    out.line(2, &paint(TITLE, "Encrypted parts"));
    for d in parts {
        let algs = [d.content.as_deref(), d.key_transport.as_deref()]
            .into_iter()
            .flatten()
            .collect::<Vec<_>>()
            .join(" / ");
        let state = match &d.error {
            None => paint(GOOD, "decrypted"),
            Some(e) => paint(BAD, &format!("NOT decrypted: {}", visible(e))),
        };
        out.line(
            4,
            &format!(
                "{}  {}  {state}",
                paint(KEY_VALUE, &d.element),
                visible(&algs)
            ),
        );
        out.field(6, "At", &visible(&d.path));
    }
}
