//! The detail tabs of the selected message: Summary, Attributes, Findings, Identity and XML, as
//! lines wrapped to the width; with no message, a short how-to.
//!
//! One function of [`Shown`] and the width makes the lines: the view draws the rows of
//! [`lines`] from the scroll position, and `update` bounds the scroll by [`line_count`] of the
//! same lines, so the two cannot disagree. Reads nothing but what `Shown` borrows.

use ratatui::style::Style;
use ratatui::text::{Line, Span};

use crate::checks::Context;
use crate::checks::render::{LineKind, render_text, summary as findings_summary};
use crate::checks::{Finding, Severity};
use crate::compare::{Verdict, attributes::short};
use crate::saml::{Assertion, Attribute};
use crate::trace::Trace;
use crate::verdict::Outcome;

use super::super::facts::{Facts, Field, Judgement};
use super::super::tab::Tab;
use super::styled::{
    self, BAD, DIM, GOOD, HEADING, STRONG, WARN, gitlab_style, judgement as verdict_spans,
    labelled, tone, untrusted, untrusted_quoted, wrap,
};
use super::{text_width, xml_rows};

/// Everything the detail tabs' lines are made of, borrowed from the state (`State::shown`).
#[derive(Debug, Clone, Copy)]
pub struct Shown<'a> {
    pub tab: Tab,
    /// The selected message, if any.
    pub selected: Option<Selected<'a>>,
    /// The XML search's query, whose hits stand out.
    pub query: Option<&'a str>,
    /// Why the identity list could not be read, when it could not.
    pub list_error: Option<&'a str>,
    /// Why the last read of the identity list failed, when the verdicts are from an earlier one.
    pub stale: Option<&'a str>,
    /// True when no message has been loaded at all (not just none selected).
    pub no_messages: bool,
    /// The checks' context, for what was not checked.
    pub context: &'a Context,
    /// The Fix tab's plan and run.
    pub fix: super::fix::FixShown<'a>,
    /// The Audit tab's people.
    pub audit: super::audit::AuditShown<'a>,
}

/// The selected message: its trace, what the TUI shows of it, and its verdict.
#[derive(Debug, Clone, Copy)]
pub struct Selected<'a> {
    pub trace: &'a Trace,
    pub facts: &'a Facts,
    pub judgement: &'a Judgement,
}

/// Width of the label column.
const LABEL: usize = 16;

/// How many rows the selected tab takes in a detail area `width` columns wide.
pub fn line_count(shown: &Shown, width: u16) -> usize {
    lines(shown, width).len()
}

/// A line to wrap, and the indent of its continuation rows.
type Wrapped = (Line<'static>, usize);

/// Every row of the selected tab in a detail area `width` columns wide, top to bottom.
pub fn lines(shown: &Shown, width: u16) -> Vec<Line<'static>> {
    let w = text_width(width);
    let global = match shown.tab {
        Tab::Fix => Some(super::fix::lines(&shown.fix)),
        Tab::Audit => Some(super::audit::lines(&shown.audit)),
        _ => None,
    };
    if let Some(lines) = global {
        return lines
            .into_iter()
            .flat_map(|(line, indent)| wrap(line, w, indent))
            .collect();
    }
    let Some(row) = &shown.selected else {
        return welcome(shown, w);
    };
    let lines = match shown.tab {
        Tab::Summary => summary(shown, row),
        Tab::Attributes => attributes(row, w),
        Tab::Findings => findings(shown, row),
        Tab::Identity => identity(shown, row),
        Tab::Xml => return xml_rows::lines(&row.facts.xml, shown.query, w),
        Tab::Identities | Tab::Fix | Tab::Audit => Vec::new(),
    };
    lines
        .into_iter()
        .flat_map(|(line, indent)| wrap(line, w, indent))
        .collect()
}

fn plain(text: &str, style: Style) -> Wrapped {
    (Line::styled(text.to_owned(), style), 0)
}

fn field(label: &str, value: Vec<Span<'static>>) -> Wrapped {
    (labelled(label, LABEL, value), LABEL)
}

/// What to do when nothing is selected.
fn welcome(shown: &Shown, w: usize) -> Vec<Line<'static>> {
    let lines: Vec<Wrapped> = if shown.no_messages {
        vec![
            plain(
                "See who a SAML message names, and whether GitLab will link it.",
                STRONG,
            ),
            plain("", Style::new()),
            (
                Line::from(vec![
                    Span::styled("  Paste  ", STRONG),
                    Span::raw(
                        "a SAML response in any form: base64, an HTTP-Redirect URL, a SAMLResponse=… form body, raw XML, or the IdP's HTML form.",
                    ),
                ]),
                9,
            ),
            (
                Line::from(vec![
                    Span::styled("  o      ", STRONG),
                    Span::raw(
                        "open a file (several messages per file are fine); it is watched and read again when it changes.",
                    ),
                ]),
                9,
            ),
            (
                Line::from(vec![
                    Span::styled("  i      ", STRONG),
                    Span::raw(
                        "use an identity list (a file, or a GitLab group or SCIM URL) to get a verdict for each NameID.",
                    ),
                ]),
                9,
            ),
            (
                Line::from(vec![
                    Span::styled("  ?      ", STRONG),
                    Span::raw("every key."),
                ]),
                9,
            ),
        ]
    } else {
        vec![plain("No message selected.", DIM)]
    };
    lines.into_iter().flat_map(|(l, i)| wrap(l, w, i)).collect()
}

/// The Summary tab: GitLab's verdict, the identity verdict and the checks first, then the facts
/// of the message.
fn summary(shown: &Shown, row: &Selected) -> Vec<Wrapped> {
    let mut out = gitlab_lines(row);
    if let Some(line) = verdict_line(shown, row) {
        out.push(line);
    }
    if let Some(line) = checks_line(row) {
        out.push(line);
    }
    for f in &row.facts.summary {
        out.push(summary_field(f));
    }
    out
}

fn summary_field(f: &Field) -> Wrapped {
    if f.label.is_empty() {
        return (Line::from(untrusted(&f.value, HEADING)), 0);
    }
    let mut value = untrusted_quoted(&f.value, tone(f.tone));
    if let Some((t, note)) = &f.note {
        value.push(Span::raw("  "));
        value.extend(untrusted(note, tone(*t)));
    }
    field(f.label, value)
}

/// `GitLab  refuses: …` and, for a refusal, why (the ruby-saml check and the finding code), or
/// what was not checked; the same words as the text report's first line.
fn gitlab_lines(row: &Selected) -> Vec<Wrapped> {
    let Some(v) = &row.trace.gitlab_verdict else {
        return Vec::new();
    };
    let style = gitlab_style(v.outcome).patch(STRONG);
    let summary = v.summary.strip_prefix("GitLab ").unwrap_or(&v.summary);
    let mut out = vec![field("GitLab", untrusted(summary, style))];
    if v.outcome == Outcome::Refuses {
        let check = v.check.map_or(String::new(), |c| format!("ruby-saml {c}"));
        let code = v.code.map_or(String::new(), |c| format!(", {c}"));
        let reason = v.reason.as_deref().unwrap_or("");
        out.push(field(
            "Why",
            untrusted(&format!("{reason} ({check}{code})"), DIM),
        ));
    }
    out
}

fn verdict_line(shown: &Shown, row: &Selected) -> Option<Wrapped> {
    let mut value = match row.judgement {
        Judgement::NotApplicable => return None,
        Judgement::NoList => vec![Span::styled(no_list(shown), DIM)],
        Judgement::Waiting => verdict_spans(row.judgement),
        Judgement::Done { .. } => verdict_spans(row.judgement),
    };
    if let Judgement::Done { verdict, .. } = row.judgement {
        value[0].style = value[0].style.patch(STRONG);
        if shown.stale.is_some() {
            value.push(Span::styled("  ✗ stale: the last reload failed", BAD));
        }
        value.push(Span::styled(
            if verdict.fix.is_some() {
                "  (4 Identity: why, and the fix)"
            } else {
                "  (4 Identity: why)"
            },
            DIM,
        ));
    }
    Some(field("Verdict", value))
}

fn no_list(shown: &Shown) -> String {
    match shown.list_error {
        Some(_) => "the identity list could not be read".into(),
        None => "no identity list: start with --scim, or press i".into(),
    }
}

fn worst(findings: &[Finding]) -> Style {
    match findings.iter().map(|f| f.severity).min() {
        Some(Severity::Error) => BAD,
        Some(Severity::Warning) => WARN,
        _ => GOOD,
    }
}

fn checks_line(row: &Selected) -> Option<Wrapped> {
    let m = row.trace.message.as_ref()?;
    let judged = m.kind.signs_in();
    let findings = &row.trace.findings;
    if !judged && findings.is_empty() {
        return None;
    }
    let text = findings_summary(findings);
    let mut value = vec![Span::styled(text, worst(findings).patch(STRONG))];
    if !findings.is_empty() {
        value.push(Span::styled("  (3 Findings)", DIM));
    }
    Some(field("Checks", value))
}

/// The Attributes tab: a table of name, what GitLab reads it as, and each value.
fn attributes(row: &Selected, w: usize) -> Vec<Wrapped> {
    let Some(m) = &row.trace.message else {
        return vec![plain("This message could not be decoded.", DIM)];
    };
    if m.assertions.is_empty() {
        return vec![plain(&format!("A {} carries no attributes.", m.kind), DIM)];
    }
    let mut out = Vec::new();
    let many = m.assertions.len() > 1;
    for (i, a) in m.assertions.iter().enumerate() {
        if many {
            out.push(plain(
                &format!("Assertion {} of {}", i + 1, m.assertions.len()),
                HEADING,
            ));
        }
        assertion_attributes(&mut out, a, w);
    }
    out
}

fn assertion_attributes(out: &mut Vec<Wrapped>, a: &Assertion, w: usize) {
    if a.encrypted {
        out.push(plain("The assertion is encrypted: its attributes cannot be read without the service provider's private key.", WARN));
        return;
    }
    if a.attributes.is_empty() {
        out.push(plain(
            "No attributes: GitLab gets no email or name from this response.",
            BAD,
        ));
        return;
    }
    let longest = a
        .attributes
        .iter()
        .map(|x| styled::width(&x.name))
        .max()
        .unwrap_or(4);
    let name_w = longest.clamp(4, (w * 2 / 5).max(12));
    let role_w = 12;
    let indent = name_w + role_w + 2;
    out.push((
        Line::styled(
            format!(
                "{} {} VALUE",
                styled::fit("NAME", name_w),
                styled::fit("GITLAB READS", role_w)
            ),
            DIM,
        ),
        0,
    ));
    for attr in &a.attributes {
        attribute_rows(out, attr, name_w, role_w, indent);
    }
    if !a.encrypted_attributes.is_empty() {
        out.push(plain(
            &format!(
                "{} encrypted attributes cannot be read without the SP key.",
                a.encrypted_attributes.len()
            ),
            WARN,
        ));
    }
}

fn attribute_rows(
    out: &mut Vec<Wrapped>,
    attr: &Attribute,
    name_w: usize,
    role_w: usize,
    indent: usize,
) {
    let name = if styled::width(&attr.name) > name_w {
        short(&attr.name)
    } else {
        attr.name.clone()
    };
    let mut name_spans = styled::cut(untrusted(&name, STRONG), name_w);
    let used: usize = name_spans.iter().map(Span::width).sum();
    name_spans.push(Span::raw(" ".repeat(name_w - used.min(name_w) + 1)));
    let role = role_label(&attr.name);
    let role_style = if role == "—" { DIM } else { GOOD };
    let values: Vec<Vec<Span<'static>>> = if attr.values.is_empty() {
        vec![vec![Span::styled("(no value)", DIM)]]
    } else {
        attr.values
            .iter()
            .map(|v| match v {
                Some(v) => untrusted_quoted(v, Style::new()),
                None => vec![Span::styled("(nil)", DIM)],
            })
            .collect()
    };
    for (i, value) in values.into_iter().enumerate() {
        let mut spans = if i == 0 {
            let mut s = name_spans.clone();
            s.push(Span::styled(styled::fit(role, role_w), role_style));
            s.push(Span::raw(" "));
            s
        } else {
            vec![Span::raw(" ".repeat(indent))]
        };
        spans.extend(value);
        out.push((Line::from(spans), indent));
    }
    if let Some(f) = &attr.friendly_name
        && f != &attr.name
    {
        let mut spans = vec![Span::raw(" ".repeat(2)), Span::styled("FriendlyName ", DIM)];
        spans.extend(untrusted(f, DIM));
        out.push((Line::from(spans), indent));
    }
}

/// What GitLab reads an attribute as, in words.
fn role_label(name: &str) -> &'static str {
    match crate::compare::attributes::role(name) {
        Some("email") => "email",
        Some("username") => "username",
        Some("name") => "name",
        Some("first_name") => "first name",
        Some("last_name") => "last name",
        _ if name == "groups" || name == "Groups" => "groups",
        _ => "—",
    }
}

/// The Findings tab: the checks' findings grouped by severity, and what was not checked.
fn findings(shown: &Shown, row: &Selected) -> Vec<Wrapped> {
    let Some(m) = &row.trace.message else {
        return vec![plain(
            "This message could not be decoded: see the Summary.",
            DIM,
        )];
    };
    let judged = m.kind.signs_in();
    if !judged && row.trace.findings.is_empty() {
        return vec![plain(
            &format!("A {} is not judged by the checks.", m.kind),
            DIM,
        )];
    }
    let mut out: Vec<Wrapped> = render_text(&row.trace.findings)
        .into_iter()
        .map(|l| {
            let indent = l.text.len() - l.text.trim_start().len();
            let style = match (l.kind, l.severity) {
                (LineKind::Heading | LineKind::Finding, Some(Severity::Error)) => BAD,
                (LineKind::Heading | LineKind::Finding, Some(Severity::Warning)) => {
                    WARN.patch(STRONG)
                }
                (LineKind::Heading | LineKind::Finding, _) => STRONG,
                (LineKind::Docs, _) => DIM,
                (LineKind::Summary, s) => match s {
                    Some(Severity::Error) => BAD,
                    Some(Severity::Warning) => WARN,
                    _ => GOOD,
                },
                _ => Style::new(),
            };
            let extra = if l.kind == LineKind::Fix { 5 } else { 0 };
            (Line::from(untrusted(&l.text, style)), indent + extra)
        })
        .collect();
    let missing = shown.context.not_checked();
    if judged && !missing.is_empty() {
        out.push(plain("", Style::new()));
        out.push((
            Line::styled(format!("Not checked: {}.", missing.join("; ")), DIM),
            13,
        ));
    }
    out
}

/// The Identity tab: the verdict, the identity compared, near candidates, why, and the fix.
fn identity(shown: &Shown, row: &Selected) -> Vec<Wrapped> {
    match row.judgement {
        Judgement::NotApplicable => {
            let what = row.trace.message.as_ref().map_or(
                "This message could not be decoded: it names no one.".to_owned(),
                |m| format!("A {} names no user: there is nothing to compare.", m.kind),
            );
            vec![plain(&what, DIM)]
        }
        Judgement::NoList => match shown.list_error {
            Some(e) => {
                let mut spans = vec![Span::styled("The identity list could not be read: ", BAD)];
                spans.extend(untrusted(e, BAD));
                vec![(Line::from(spans), 0)]
            }
            None => vec![
                plain("No identity list.", STRONG),
                plain(
                    "Start samltrace with --scim FILE or URL (a SCIM or REST export, a CSV, a list of ids, auth_json.log, or a GitLab group or SCIM URL with SAMLTRACE_TOKEN), or press i to use one: each NameID is then compared with the identities GitLab holds.",
                    DIM,
                ),
            ],
        },
        Judgement::Waiting => vec![plain("Comparing the NameID with the identity list…", WARN)],
        Judgement::Done { verdict, .. } => {
            let mut out = stale_lines(shown);
            out.extend(verdict_lines(row, verdict));
            out
        }
    }
}

/// Above a verdict made with an earlier list: that the last reload failed, and why.
fn stale_lines(shown: &Shown) -> Vec<Wrapped> {
    let Some(error) = shown.stale else {
        return Vec::new();
    };
    let mut why = vec![Span::styled("Reload failed: ", BAD)];
    why.extend(untrusted(error, BAD));
    vec![
        plain(
            "✗ Stale: the last reload of the identity list failed, so this verdict is against the list read before it.",
            BAD,
        ),
        (Line::from(why), 2),
        plain("", Style::new()),
    ]
}

fn verdict_lines(row: &Selected, v: &Verdict) -> Vec<Wrapped> {
    let mut out = vec![field("Verdict", {
        let mut s = verdict_spans(row.judgement);
        s[0].style = s[0].style.patch(STRONG);
        s
    })];
    match &v.name_id {
        Some(n) => out.push(field("NameID", untrusted_quoted(n, STRONG))),
        None => out.push(field("NameID", vec![Span::styled("none", BAD)])),
    }
    out.push(field("Why", untrusted(&v.reason, Style::new())));
    if !v.difference.is_empty() {
        let words: Vec<&str> = v.difference.iter().map(|d| d.describe()).collect();
        out.push(field(
            "Differs by",
            vec![Span::styled(words.join(", "), WARN)],
        ));
    }
    if let Some(id) = &v.identity {
        out.push(plain("", Style::new()));
        out.push(plain("Identity compared", HEADING));
        let opt = |label: &str, value: &Option<String>, style: Style| {
            field(
                label,
                value.as_deref().map_or_else(
                    || vec![Span::styled("—", DIM)],
                    |v| untrusted_quoted(v, style),
                ),
            )
        };
        out.push(opt("External id", &id.external_id, STRONG));
        out.push(opt("Username", &id.user_name, Style::new()));
        out.push(opt("Email", &id.email, Style::new()));
        if let Some(uid) = id.user_id {
            out.push(field("User id", vec![Span::raw(uid.to_string())]));
        }
        let active = match id.active {
            Some(true) => Span::styled("yes", GOOD),
            Some(false) => Span::styled("no: deprovisioned or blocked", BAD),
            None => Span::styled("not said by the source", DIM),
        };
        out.push(field("Active", vec![active]));
        let mut from = untrusted(&id.origin, DIM);
        from.push(Span::styled(format!(" ({})", id.source.as_str()), DIM));
        out.push(field("Read from", from));
    }
    if !v.candidates.is_empty() {
        out.push(plain("", Style::new()));
        out.push(plain("Also worth a look", HEADING));
        for c in &v.candidates {
            let mut spans = untrusted_quoted(
                c.identity.external_id.as_deref().unwrap_or("(no id)"),
                STRONG,
            );
            if let Some(u) = c
                .identity
                .user_name
                .as_deref()
                .or(c.identity.email.as_deref())
            {
                spans.push(Span::raw(" "));
                spans.extend(untrusted(u, Style::new()));
            }
            spans.push(Span::styled(" — ", DIM));
            spans.extend(untrusted(&c.why, Style::new()));
            spans.push(Span::styled(" (", DIM));
            spans.extend(untrusted(&c.identity.origin, DIM));
            spans.push(Span::styled(")", DIM));
            out.push((Line::from(spans), 2));
        }
    }
    if let Some(fix) = &v.fix {
        out.push(plain("", Style::new()));
        out.push(plain(
            "The fix (y copies it; samltrace never runs it)",
            HEADING,
        ));
        out.push((Line::from(untrusted(fix, GOOD)), 2));
    }
    out
}
