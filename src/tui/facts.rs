//! What the TUI shows of one trace, worked out once when the trace is decoded (on a worker
//! thread) so that drawing only lays out strings: the list row's fields, the Summary tab's
//! lines with time windows judged against the evaluation time, and the pretty-printed XML; and
//! where the message stands against the identity list ([`Judgement`]).
//!
//! Pure: a trace and its checks' context in, plain data out. Strings taken from the message are
//! kept raw here; the view passes every one through the sanitiser when it draws them. Never
//! reads the clock (the evaluation time is the context's).

use jiff::Timestamp;

use crate::checks::instant::{human, parse_instant};
use crate::checks::{Context, Severity};
use crate::compare::{self, Verdict, attributes};
use crate::dsig::{SignatureInfo, Signer};
use crate::report;
use crate::saml::{Assertion, Message, MessageKind, Request, format_label};
use crate::trace::Trace;
use crate::xml::Document;

/// A decoded trace and what the TUI shows of it.
#[derive(Debug, Clone)]
pub struct Decoded {
    pub trace: Trace,
    pub facts: Facts,
}

/// Where a message stands against the identity list.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Judgement {
    /// The message names no user (a request, a failed decode).
    NotApplicable,
    /// No identity list was given, or it could not be read.
    NoList,
    /// The list is being read, or the verdict worked out.
    Waiting,
    Done {
        verdict: Box<Verdict>,
        /// The index of the identity the verdict is about, in the list.
        identity: Option<u32>,
        /// For an ambiguous verdict, the indexes of the identities it could be about.
        ambiguous: Vec<u32>,
    },
}

impl Judgement {
    pub fn verdict(&self) -> Option<&Verdict> {
        match self {
            Judgement::Done { verdict, .. } => Some(verdict),
            _ => None,
        }
    }

    /// The verdict in words, as the list and the filter see it.
    pub fn word(&self) -> &'static str {
        match self {
            Judgement::NotApplicable => "",
            Judgement::NoList => "no list",
            Judgement::Waiting => "checking…",
            Judgement::Done { verdict, .. } => verdict_word(verdict.state),
        }
    }
}

/// A verdict state in words: `near match`, `not found`.
pub fn verdict_word(state: compare::State) -> &'static str {
    match state {
        compare::State::Match => "match",
        compare::State::NearMatch => "near match",
        compare::State::Mismatch => "mismatch",
        compare::State::Inactive => "inactive",
        compare::State::Ambiguous => "ambiguous",
        compare::State::NotFound => "not found",
    }
}

/// Everything the list and the Summary and XML tabs need of a trace.
#[derive(Debug, Clone, PartialEq)]
pub struct Facts {
    /// When the message was captured (HAR) or issued; `None` when neither is known.
    pub when: Option<Timestamp>,
    pub kind: Kind,
    /// The NameID exactly as sent.
    pub name_id: Option<String>,
    /// Values of the attributes GitLab reads as email, for the filter.
    pub emails: Vec<String>,
    pub checks: Counts,
    /// Where the trace came from, short: `compare-match.xml`, `several.txt:3`, `paste 2`.
    pub source: String,
    /// The Summary tab, top to bottom.
    pub summary: Vec<Field>,
    /// The pretty-printed XML, one line each, already passed through the sanitiser.
    pub xml: Vec<String>,
    /// The one-line decode error of a failed trace.
    pub error: Option<String>,
    /// Where each occurrence of the message was (its source label), the first included: more
    /// than one when the input held it several times.
    pub seen: Vec<String>,
    /// Lower-case NameID, emails, kind and source, one per line, for the list's filter.
    pub search: String,
}

/// The kind of message, as the list names it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Kind {
    Response,
    Assertion,
    AuthnRequest,
    LogoutRequest,
    LogoutResponse,
    Other(MessageKind),
    /// Could not be decoded.
    Failed,
}

impl Kind {
    fn of(message: Option<&Message>) -> Kind {
        let Some(m) = message else {
            return Kind::Failed;
        };
        match m.kind {
            MessageKind::Response => Kind::Response,
            MessageKind::Assertion => Kind::Assertion,
            MessageKind::AuthnRequest => Kind::AuthnRequest,
            MessageKind::LogoutRequest => Kind::LogoutRequest,
            MessageKind::LogoutResponse => Kind::LogoutResponse,
            other => Kind::Other(other),
        }
    }

    /// A label of at most ten columns for the list.
    pub fn label(&self) -> &str {
        match self {
            Kind::Response => "Response",
            Kind::Assertion => "Assertion",
            Kind::AuthnRequest => "AuthnReq",
            Kind::LogoutRequest => "LogoutReq",
            Kind::LogoutResponse => "LogoutResp",
            Kind::Other(kind) => kind.name(),
            Kind::Failed => "error",
        }
    }
}

/// How many findings of each severity the checks raised.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Counts {
    pub errors: usize,
    pub warnings: usize,
    pub notes: usize,
}

/// One line of the Summary tab: a label, a value and how to show it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Field {
    pub label: &'static str,
    /// The value; from the message unless `tone` is [`Tone::Heading`].
    pub value: String,
    pub tone: Tone,
    /// samltrace's own words about the value (`✓ what GitLab expects`), shown after it.
    pub note: Option<(Tone, String)>,
}

/// How a value reads: the view maps each to a style.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Tone {
    Plain,
    /// The value that matters most (the NameID).
    Strong,
    Good,
    Warn,
    Bad,
    Dim,
    /// A section title; its label is empty.
    Heading,
}

fn field(label: &'static str, value: impl Into<String>, tone: Tone) -> Field {
    Field {
        label,
        value: value.into(),
        tone,
        note: None,
    }
}

impl Field {
    fn note(mut self, tone: Tone, text: impl Into<String>) -> Field {
        self.note = Some((tone, text.into()));
        self
    }
}

/// The rows of one input's judged traces (from the pipeline): what a worker sends back for a file
/// or a paste. `source` is how the list names the input; a message that was one of several is
/// named with its line (`several.txt:3`) or its capture entry (`flow.har #4`). Each is shown at
/// the time it was judged (a capture's messages at their entries' times).
///
/// Another occurrence of a message already listed (`Trace::same_message`: a HAR often holds the
/// IdP's form and the browser's POST of one response) is not listed again: the first row
/// counts it in `seen`, and its Summary says where each was.
pub fn rows(traces: Vec<Trace>, source: &str, ctx: &Context) -> Vec<Decoded> {
    let mut out: Vec<Decoded> = Vec::new();
    for t in traces {
        let label = match (t.origin.har_entry, t.origin.line) {
            (Some(entry), _) => format!("{source} #{entry}"),
            (None, Some(line)) => format!("{source}:{line}"),
            (None, None) => source.to_owned(),
        };
        if let Some(first) = out.iter_mut().find(|d| d.trace.same_message(&t)) {
            first.facts.seen.push(label);
            continue;
        }
        let mut facts = match t.judged_at {
            Some(at) if at != ctx.at => of(&t, &Context { at, ..ctx.clone() }, &label),
            _ => of(&t, ctx, &label),
        };
        facts.seen = vec![label];
        out.push(Decoded { trace: t, facts });
    }
    for d in &mut out {
        seen_field(&mut d.facts);
    }
    out
}

/// `Seen  2×: flow.har #3, flow.har #4`, after the Summary's `From`, for a repeated message.
fn seen_field(facts: &mut Facts) {
    if facts.seen.len() < 2 {
        return;
    }
    let text = format!("{}×: {}", facts.seen.len(), facts.seen.join(", "));
    let at = facts
        .summary
        .iter()
        .position(|f| f.label == "From")
        .map_or(0, |i| i + 1);
    facts.summary.insert(at, field("Seen", text, Tone::Plain));
}

/// The facts of a checked trace. `source` is the short name of where it came from.
pub fn of(trace: &Trace, ctx: &Context, source: &str) -> Facts {
    let message = trace.message.as_ref();
    let when = trace
        .origin
        .time
        .as_deref()
        .or(message.and_then(|m| m.issue_instant.as_deref()))
        .and_then(|t| parse_instant(t).ok())
        .map(|i| i.at);
    let mut facts = Facts {
        when,
        kind: Kind::of(message),
        name_id: message.and_then(|m| m.name_id()).map(|n| n.value.clone()),
        emails: message.map(emails).unwrap_or_default(),
        checks: counts(trace),
        source: source.to_owned(),
        summary: summary(trace, ctx),
        xml: trace.xml.as_deref().map(pretty_lines).unwrap_or_default(),
        error: trace.error_line(),
        seen: vec![source.to_owned()],
        search: String::new(),
    };
    facts.search = search_key(&facts);
    facts
}

fn search_key(f: &Facts) -> String {
    let parts = f.name_id.iter().chain(&f.emails);
    let mut key: Vec<String> = parts.map(|p| p.to_lowercase()).collect();
    key.push(f.kind.label().to_lowercase());
    key.push(f.source.to_lowercase());
    key.join("\n")
}

fn counts(trace: &Trace) -> Counts {
    let n = |s: Severity| trace.findings.iter().filter(|f| f.severity == s).count();
    Counts {
        errors: n(Severity::Error),
        warnings: n(Severity::Warning),
        notes: n(Severity::Info),
    }
}

fn emails(m: &Message) -> Vec<String> {
    m.assertions
        .iter()
        .flat_map(|a| &a.attributes)
        .filter(|a| attributes::role(&a.name) == Some("email"))
        .flat_map(|a| a.values.iter().flatten().cloned())
        .collect()
}

/// The document pretty-printed and sanitised, one line each, tabs shown as `\t`.
fn pretty_lines(xml: &str) -> Vec<String> {
    let Ok(doc) = Document::parse(xml.to_owned()) else {
        return xml.lines().map(|l| l.replace('\t', "\\t")).collect();
    };
    report::xml::pretty(&doc)
        .lines()
        .map(|l| l.replace('\t', "\\t"))
        .collect()
}

/// `2026-11-02 09:00:00 UTC`.
pub fn full_time(t: Timestamp) -> String {
    t.strftime("%Y-%m-%d %H:%M:%S UTC").to_string()
}

fn summary(trace: &Trace, ctx: &Context) -> Vec<Field> {
    let mut out = vec![field("From", trace.provenance().join(" · "), Tone::Plain)];
    if let Some(line) = trace.error_line() {
        out.push(field("Error", line, Tone::Bad));
        return out;
    }
    let Some(m) = &trace.message else {
        return out;
    };
    message(&mut out, m, ctx, trace.origin.relay_state.as_deref());
    for (i, a) in m.assertions.iter().enumerate() {
        assertion(&mut out, a, ctx, (i, m.assertions.len()));
    }
    let sigs: Vec<&SignatureInfo> = trace
        .signatures
        .iter()
        .chain(&trace.redirect_signature)
        .collect();
    signatures(&mut out, &sigs, m);
    out.push(field("Judged at", full_time(ctx.at), Tone::Dim));
    out
}

fn message(out: &mut Vec<Field>, m: &Message, ctx: &Context, relay_state: Option<&str>) {
    out.push(field(
        "",
        format!("{} {}", m.kind, m.id.as_deref().unwrap_or("")),
        Tone::Heading,
    ));
    opt(out, "Issuer", m.issuer.as_deref());
    if let Some(s) = &m.status {
        let code = s.code.as_deref().map_or("(no code)", format_label);
        let mut text = code.to_owned();
        if let Some(second) = &s.second_level {
            text.push_str(&format!(" / {}", format_label(second)));
        }
        let tone = if s.is_success() {
            Tone::Good
        } else {
            Tone::Bad
        };
        out.push(field("Status", text, tone));
        opt(out, "Status message", s.message.as_deref());
    } else if m.kind.is_status_response() {
        out.push(field("Status", "missing", Tone::Bad));
    }
    match &m.destination {
        // Only what GitLab receives is compared with its ACS URL; a request's Destination is
        // the identity provider's address.
        Some(d) if m.kind.signs_in() => out.push(expected(
            "Destination",
            d,
            ctx.acs_url.as_deref(),
            "--acs-url",
        )),
        d => opt(out, "Destination", d.as_deref()),
    }
    opt(out, "InResponseTo", m.in_response_to.as_deref());
    opt(out, "RelayState", relay_state);
    if let Some(issued) = &m.issue_instant {
        out.push(issued_field(issued, ctx));
    }
    request(out, m.request.as_ref());
}

fn request(out: &mut Vec<Field>, r: Option<&Request>) {
    match r {
        Some(Request::Authn(r)) => {
            opt(out, "ACS URL", r.acs_url.as_deref());
            opt(out, "Binding", r.protocol_binding.as_deref());
            opt(
                out,
                "NameID policy",
                r.name_id_policy_format.as_deref().map(format_label),
            );
            for c in &r.requested_authn_context {
                out.push(field("AuthnContext", c.clone(), Tone::Plain));
            }
        }
        Some(Request::Logout(r)) => {
            if let Some(n) = &r.name_id {
                out.push(field("NameID", n.value.clone(), Tone::Strong));
                opt(out, "Format", n.format.as_deref().map(format_label));
            }
            for s in &r.session_indexes {
                out.push(field("SessionIndex", s.clone(), Tone::Plain));
            }
        }
        None => {}
    }
}

fn opt(out: &mut Vec<Field>, label: &'static str, value: Option<&str>) {
    if let Some(v) = value {
        out.push(field(label, v, Tone::Plain));
    }
}

/// A value compared with what GitLab expects, when the flags say what that is.
fn expected(label: &'static str, value: &str, want: Option<&str>, flag: &str) -> Field {
    let f = field(label, value, Tone::Plain);
    match want {
        Some(w) if w == value => f.note(Tone::Good, "✓ what GitLab expects"),
        Some(w) => f.note(Tone::Bad, format!("✗ GitLab expects {w}")),
        None => f.note(
            Tone::Dim,
            format!("not compared: give --gitlab-group or {flag}"),
        ),
    }
}

fn issued_field(text: &str, ctx: &Context) -> Field {
    let Ok(t) = parse_instant(text) else {
        return field("Issued", text, Tone::Bad).note(Tone::Bad, "✗ not a valid time");
    };
    let off = t.at.duration_since(ctx.at);
    let when = if off.as_secs() == 0 {
        "at".to_owned()
    } else if off.is_negative() {
        format!("{} before", human(off))
    } else {
        format!("{} after", human(off))
    };
    let f = field("Issued", full_time(t.at), Tone::Plain);
    if off.abs() > ctx.skew {
        f.note(Tone::Warn, format!("! {when} the evaluation time"))
    } else {
        f.note(Tone::Dim, format!("{when} the evaluation time"))
    }
}

fn assertion(out: &mut Vec<Field>, a: &Assertion, ctx: &Context, (i, n): (usize, usize)) {
    let title = if n > 1 {
        format!(
            "Assertion {} of {n} {}",
            i + 1,
            a.id.as_deref().unwrap_or("")
        )
    } else {
        format!("Assertion {}", a.id.as_deref().unwrap_or(""))
    };
    out.push(field("", title, Tone::Heading));
    if a.encrypted {
        out.push(field("NameID", "encrypted", Tone::Warn).note(
            Tone::Dim,
            "cannot be read without the service provider's private key",
        ));
        return;
    }
    opt(out, "Issuer", a.issuer.as_deref());
    subject(out, a, ctx);
    conditions(out, a, ctx);
    if let Some(c) = a.authn.as_ref().and_then(|au| au.context_class.as_deref()) {
        let short = c
            .strip_prefix("urn:oasis:names:tc:SAML:2.0:ac:classes:")
            .unwrap_or(c);
        out.push(field("AuthnContext", short, Tone::Plain));
    }
    let count = a.attributes.len();
    out.push(if count == 0 {
        field("Attributes", "none", Tone::Bad)
    } else {
        field("Attributes", count.to_string(), Tone::Plain).note(Tone::Dim, "(2 Attributes)")
    });
}

fn subject(out: &mut Vec<Field>, a: &Assertion, ctx: &Context) {
    let Some(s) = &a.subject else {
        out.push(field("NameID", "no Subject", Tone::Bad));
        return;
    };
    match (&s.name_id, &s.encrypted_id) {
        (Some(n), _) => {
            out.push(field("NameID", n.value.clone(), Tone::Strong));
            match n.format.as_deref() {
                Some(f) => out.push(field("Format", format_label(f), Tone::Plain)),
                None => out.push(field("Format", "(none)", Tone::Dim)),
            }
        }
        (None, Some(_)) => out.push(field("NameID", "encrypted (EncryptedID)", Tone::Warn)),
        (None, None) => out.push(field("NameID", "missing", Tone::Bad)),
    }
    for c in &s.confirmations {
        if let Some(r) = &c.recipient {
            out.push(expected(
                "Recipient",
                r,
                ctx.acs_url.as_deref(),
                "--acs-url",
            ));
        }
        if let Some(until) = &c.not_on_or_after {
            out.push(window("Confirmation", None, Some(until), ctx));
        }
    }
}

fn conditions(out: &mut Vec<Field>, a: &Assertion, ctx: &Context) {
    let Some(c) = &a.conditions else {
        return;
    };
    for aud in &c.audiences {
        out.push(expected(
            "Audience",
            aud,
            ctx.sp_entity_id.as_deref(),
            "--sp-entity-id",
        ));
    }
    if c.not_before.is_some() || c.not_on_or_after.is_some() {
        out.push(window(
            "Valid",
            c.not_before.as_deref(),
            c.not_on_or_after.as_deref(),
            ctx,
        ));
    }
}

/// A validity window judged at the evaluation time, with the skew allowed.
fn window(label: &'static str, from: Option<&str>, until: Option<&str>, ctx: &Context) -> Field {
    let parse = |t: Option<&str>| t.map(|t| parse_instant(t).map(|i| i.at));
    let (from_t, until_t) = (parse(from), parse(until));
    let shown = |raw: Option<&str>, t: &Option<Result<Timestamp, _>>| match (raw, t) {
        (_, Some(Ok(t))) => Some(full_time(*t)),
        (Some(raw), _) => Some(raw.to_owned()),
        _ => None,
    };
    let text = match (shown(from, &from_t), shown(until, &until_t)) {
        (Some(a), Some(b)) => format!("{a} → {b}"),
        (Some(a), None) => format!("from {a}"),
        (None, Some(b)) => format!("until {b}"),
        (None, None) => String::new(),
    };
    let f = field(label, text, Tone::Plain);
    if matches!(from_t, Some(Err(_))) || matches!(until_t, Some(Err(_))) {
        return f.note(Tone::Bad, "✗ not a valid time");
    }
    let at = ctx.at;
    if let Some(Ok(end)) = until_t {
        let late = at.duration_since(end);
        if late > ctx.skew {
            return f.note(
                Tone::Bad,
                format!("✗ expired {} before the evaluation time", human(late)),
            );
        }
        if !late.is_negative() {
            return f.note(
                Tone::Warn,
                format!("! ended {} before, within the allowed skew", human(late)),
            );
        }
    }
    if let Some(Ok(start)) = from_t {
        let early = start.duration_since(at);
        if early > ctx.skew {
            return f.note(
                Tone::Bad,
                format!("✗ not valid yet: starts {} later", human(early)),
            );
        }
    }
    let left = match until_t {
        Some(Ok(end)) => format!(", {} left", human(end.duration_since(at))),
        _ => String::new(),
    };
    f.note(Tone::Good, format!("✓ valid at the evaluation time{left}"))
}

/// The document's signatures and the HTTP-Redirect query signature, each with what checking it
/// found, which one GitLab verifies, and whose it is.
fn signatures(out: &mut Vec<Field>, sigs: &[&SignatureInfo], m: &Message) {
    if sigs.is_empty() {
        let tone = if m.kind.signs_in() {
            Tone::Bad
        } else {
            Tone::Dim
        };
        out.push(field("Signature", "none", tone));
        return;
    }
    for s in sigs {
        let algs = match (&s.algorithm, &s.digest) {
            (Some(a), Some(d)) => format!("{a} / {d}"),
            (Some(a), None) => a.clone(),
            _ => "no SignatureMethod".to_owned(),
        };
        let what = match (s.key_info.as_deref(), s.signer) {
            (Some("HTTP-Redirect query signature"), _) => "query signed",
            (_, Signer::Sp) => "signed by GitLab",
            _ => "signed",
        };
        let f = field(
            "Signature",
            format!("{} {what} · {algs}", s.element),
            Tone::Plain,
        );
        let several = sigs.len() > 1;
        out.push(match (s.verified, s.signer) {
            (None, Signer::Sp) => f.note(Tone::Dim, "not verified (give --sp-cert)"),
            (None, Signer::Idp) => f.note(Tone::Dim, "not verified (no IdP certificate given)"),
            (Some(true), _) if s.checked_by_gitlab && several => {
                f.note(Tone::Good, "✓ verified · the one GitLab checks")
            }
            (Some(true), _) => f.note(Tone::Good, "✓ verified"),
            (Some(false), _) if several && !s.checked_by_gitlab && m.kind.signs_in() => {
                f.note(Tone::Warn, "! does NOT verify · GitLab does not check it")
            }
            (Some(false), _) => f.note(Tone::Bad, "✗ does NOT verify"),
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::dsig::Keys;
    use crate::pipeline::{Config, Pipeline};
    use std::sync::Arc;

    fn ctx(at: &str) -> Context {
        Context::new(at.parse().unwrap())
    }

    fn decode(name: &str, bytes: &[u8], ctx: &Context) -> Vec<Trace> {
        Pipeline::new(Config::new(ctx.clone())).decode(name, bytes)
    }

    fn sample(name: &str) -> Trace {
        let path = format!("{}/samples/{name}", env!("CARGO_MANIFEST_DIR"));
        let bytes = std::fs::read(&path).unwrap();
        decode(name, &bytes, &ctx("2026-11-02T09:00:00Z")).remove(0)
    }

    /// The rows of a capture as a worker makes them.
    fn capture_rows(har: &[u8], ctx: &Context, fixed_time: bool, keys: &Arc<Keys>) -> Vec<Decoded> {
        let mut config = Config::new(ctx.clone()).with_keys(Arc::clone(keys));
        config.fixed_time = fixed_time;
        rows(Pipeline::new(config).decode("h.har", har), "h.har", ctx)
    }

    /// Regression: an AuthnRequest's Destination (the IdP's URL) was "not compared" with GitLab's
    /// ACS URL, and RelayState was not shown.
    #[test]
    fn a_request_destination_is_not_compared_and_relay_state_shows() {
        let c = ctx("2026-11-02T09:00:00Z");
        let t = sample("authn-request-redirect.url");
        let facts = of(&t, &c, "r");
        let dest = facts
            .summary
            .iter()
            .find(|f| f.label == "Destination")
            .unwrap();
        assert_eq!(dest.note, None, "{dest:?}");
        let relay = facts.summary.iter().find(|f| f.label == "RelayState");
        assert!(
            relay.is_some_and(|f| !f.value.is_empty()),
            "{:?}",
            facts.summary
        );
        let r = sample("entra-persistent.form");
        let facts = of(&r, &c, "r");
        let dest = facts
            .summary
            .iter()
            .find(|f| f.label == "Destination")
            .unwrap();
        assert!(
            dest.note
                .as_ref()
                .is_some_and(|n| n.1.starts_with("not compared")),
            "{dest:?}"
        );
    }

    /// Regression: the Summary said "Signature none" while Findings showed SG003 for the
    /// HTTP-Redirect query signature.
    #[test]
    fn the_summary_shows_the_query_signature_the_findings_judge() {
        let root = env!("CARGO_MANIFEST_DIR");
        let query = std::fs::read(format!("{root}/samples/dsig/redirect-signed.query")).unwrap();
        let wrong = std::fs::read(format!("{root}/samples/dsig/keys/sp.crt")).unwrap();
        let mut keys = Keys::default();
        keys.sp_trust.add_anchor(&wrong, "sp.crt").unwrap();
        let c = ctx("2026-11-02T09:00:00Z");
        let config = Config::new(c.clone()).with_keys(Arc::new(keys));
        let t = Pipeline::new(config).decode("q", &query).remove(0);
        assert!(
            t.findings.iter().any(|f| f.code == "SG003"),
            "{:#?}",
            t.findings
        );
        let facts = of(&t, &c, "q");
        let sig: Vec<&Field> = facts
            .summary
            .iter()
            .filter(|f| f.label == "Signature")
            .collect();
        assert_eq!(sig.len(), 1);
        assert_eq!(sig[0].value, "AuthnRequest query signed · rsa-sha256");
        assert_eq!(
            sig[0].note,
            Some((Tone::Bad, "✗ does NOT verify".to_owned()))
        );
    }

    #[test]
    fn a_capture_gives_every_message_in_entry_order_verified_with_the_keys() {
        let root = env!("CARGO_MANIFEST_DIR");
        let har = std::fs::read(format!("{root}/samples/har-chrome.har")).unwrap();
        let cert = std::fs::read(format!("{root}/samples/keys/idp.crt")).unwrap();
        let mut keys = Keys::default();
        keys.trust.add_anchor(&cert, "idp.crt").unwrap();
        let keys = Arc::new(keys);
        // Judged at each entry's time, not at this far-off one: no time-window errors.
        let far = ctx("2031-01-01T00:00:00Z");
        let all = capture_rows(&har, &far, false, &keys);
        let labels: Vec<&str> = all.iter().map(|d| d.facts.source.as_str()).collect();
        assert_eq!(labels, ["h.har #0", "h.har #3", "h.har #6"]);
        let kinds: Vec<Kind> = all.iter().map(|d| d.facts.kind.clone()).collect();
        use Kind::{AuthnRequest, LogoutRequest, Response};
        assert_eq!(kinds, [AuthnRequest, Response, LogoutRequest]);
        let response = &all[1].trace;
        assert_eq!(response.signatures[0].verified, Some(true));
        let codes: Vec<&str> = response.findings.iter().map(|f| f.code).collect();
        assert!(!codes.iter().any(|c| c.starts_with("TM")), "{codes:?}");
        let judged = all[1].facts.summary.iter().find(|f| f.label == "Judged at");
        let judged = judged.map(|f| f.value.as_str()).unwrap_or_default();
        assert!(judged.starts_with("2026-11-02"), "{judged}");
        // Fixed at that time (`--at`), the same response has expired.
        let all = capture_rows(&har, &far, true, &keys);
        assert!(
            all[1]
                .trace
                .findings
                .iter()
                .any(|f| f.code.starts_with("TM"))
        );
        // Without keys, signatures are described but not verified.
        let plain = capture_rows(&har, &far, false, &Arc::default());
        assert_eq!(plain[1].trace.signatures[0].verified, None);
    }

    /// Regression: a HAR holding one SAMLResponse twice (the IdP's form and the browser's POST)
    /// listed it twice; repeats (`Trace::same_message`) are one row that counts them.
    #[test]
    fn repeats_of_a_message_are_one_row_that_counts_them() {
        let root = env!("CARGO_MANIFEST_DIR");
        let har = std::fs::read(format!("{root}/samples/har-chrome.har")).unwrap();
        let c = ctx("2026-11-02T09:00:00Z");
        let all = capture_rows(&har, &c, true, &Arc::default());
        let seen: Vec<Vec<&str>> = all
            .iter()
            .map(|d| d.facts.seen.iter().map(String::as_str).collect())
            .collect();
        assert_eq!(
            seen,
            [
                vec!["h.har #0", "h.har #1"],
                vec!["h.har #3", "h.har #4"],
                vec!["h.har #6"]
            ]
        );
        let field = all[1].facts.summary.iter().position(|f| f.label == "Seen");
        assert_eq!(field, Some(1), "after From");
        assert_eq!(all[1].facts.summary[1].value, "2×: h.har #3, h.har #4");
        assert!(all[2].facts.summary.iter().all(|f| f.label != "Seen"));
        // Two different messages that merely look alike stay two rows.
        let two = rows(
            vec![
                sample("compare-match.xml"),
                sample("compare-near-match.xml"),
            ],
            "x",
            &c,
        );
        assert_eq!(two.len(), 2);
    }

    #[test]
    fn list_fields_of_a_response() {
        let t = sample("okta-email.b64");
        let f = of(&t, &ctx("2026-11-02T09:00:00Z"), "okta-email.b64");
        assert_eq!(f.kind, Kind::Response);
        assert_eq!(f.name_id.as_deref(), Some("alice@example.com"));
        assert_eq!(f.emails, ["alice@example.com"]);
        assert!(f.when.is_some());
        assert!(f.xml[0].contains("pretty-printed"), "{:?}", f.xml[0]);
        assert!(f.error.is_none());
    }

    #[test]
    fn windows_are_judged_at_the_evaluation_time() {
        let t = sample("okta-email.b64");
        let note = |at: &str| {
            of(&t, &ctx(at), "x")
                .summary
                .into_iter()
                .find(|f| f.label == "Valid")
                .and_then(|f| f.note)
                .unwrap()
        };
        let (tone, text) = note("2026-11-02T09:00:00Z");
        assert_eq!(tone, Tone::Good, "{text}");
        let (tone, text) = note("2026-11-02T12:00:00Z");
        assert_eq!(tone, Tone::Bad);
        assert!(text.starts_with("✗ expired"), "{text}");
        let (tone, text) = note("2026-11-02T08:00:00Z");
        assert_eq!(tone, Tone::Bad);
        assert!(text.starts_with("✗ not valid yet"), "{text}");
    }

    #[test]
    fn a_failed_trace_says_why() {
        let at = ctx("2026-11-02T09:00:00Z");
        let t = decode("paste 1", b"not a saml message at all, just prose", &at).remove(0);
        let f = of(&t, &ctx("2026-11-02T09:00:00Z"), "paste 1");
        assert_eq!(f.kind, Kind::Failed);
        assert!(f.error.is_some());
        assert_eq!(f.summary.last().map(|l| l.tone), Some(Tone::Bad));
    }
}
