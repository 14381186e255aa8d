//! The Audit tab's lines: `scim audit`'s people (those with something to fix first), each with
//! the four links of the chain, whether it holds, and each diagnosis with its fix and call;
//! then the setup's findings. Made from [`AuditShown`], borrowed from the state.

use ratatui::style::Style;
use ratatui::text::{Line, Span};

use crate::compare::audit::{Audit, Diagnosis};

use super::styled::{BAD, DIM, GOOD, HEADING, STRONG, WARN, labelled, untrusted, untrusted_quoted};

/// What the Audit tab is made of.
#[derive(Debug, Clone, Copy)]
pub struct AuditShown<'a> {
    /// `None` until there is something to audit (a SCIM log or an identity list).
    pub audit: Option<&'a Audit>,
    /// The `--scim-log` files.
    pub logs: &'a [String],
    /// SCIM requests read from them.
    pub requests: usize,
    pub has_list: bool,
}

/// A line and the indent of its continuation rows.
type Wrapped = (Line<'static>, usize);

/// Width of the label column.
const LABEL: usize = 26;

pub fn lines(a: &AuditShown) -> Vec<Wrapped> {
    let mut out: Vec<Wrapped> = Vec::new();
    let from = if a.logs.is_empty() {
        "no SCIM log (--scim-log FILE)".to_owned()
    } else {
        format!(
            "{} SCIM request{} from {}",
            a.requests,
            if a.requests == 1 { "" } else { "s" },
            a.logs.join(", ")
        )
    };
    let list = if a.has_list {
        "the identity list"
    } else {
        "no identity list"
    };
    let mut head = vec![Span::styled("SCIM audit", HEADING)];
    head.push(Span::styled("  ", DIM));
    head.extend(untrusted(
        &format!("{from} · {list} · the messages listed"),
        DIM,
    ));
    out.push((Line::from(head), 2));
    let Some(audit) = a.audit else {
        for text in [
            "Nothing to audit yet: give what the IdP sent over SCIM with --scim-log FILE",
            "(GitLab's api_json.log or its Kibana export, Entra ID's provisioning logs),",
            "and/or an identity list (i). Each person's chain is then shown here: the IdP's",
            "externalId, GitLab's SCIM and SAML extern_uid, and the NameID.",
        ] {
            out.push(plain(text, Style::new()));
        }
        return out;
    };
    let broken = audit
        .people
        .iter()
        .filter(|p| !p.diagnoses.is_empty())
        .count();
    out.push(plain(
        &format!(
            "{} {} · {broken} with something to fix",
            audit.people.len(),
            if audit.people.len() == 1 {
                "person"
            } else {
                "people"
            }
        ),
        STRONG,
    ));
    let mut people: Vec<_> = audit.people.iter().collect();
    people.sort_by_key(|p| p.diagnoses.is_empty());
    for p in people {
        out.push(plain("", Style::new()));
        out.push((Line::from(untrusted(&p.person, STRONG)), 0));
        let idp: Vec<String> = p.idp_external_id.iter().cloned().collect();
        for (label, values) in [
            ("IdP externalId (SCIM)", &idp),
            ("GitLab SCIM extern_uid", &p.gitlab_scim),
            ("GitLab SAML extern_uid", &p.gitlab_saml),
            ("NameID", &p.name_ids),
        ] {
            out.push((
                labelled(&format!("  {label}"), LABEL, values_spans(values)),
                LABEL,
            ));
        }
        let chain = match &p.breaks {
            Some(b) => {
                let mut s = vec![Span::styled("breaks ", BAD)];
                s.extend(untrusted(b, BAD));
                s
            }
            None => vec![Span::styled("holds", GOOD)],
        };
        out.push((labelled("  Chain", LABEL, chain), LABEL));
        for d in &p.diagnoses {
            diagnosis(&mut out, d);
        }
    }
    if !audit.findings.is_empty() {
        out.push(plain("", Style::new()));
        out.push(plain("Setup", STRONG));
        for d in &audit.findings {
            diagnosis(&mut out, d);
        }
    }
    out
}

fn values_spans(values: &[String]) -> Vec<Span<'static>> {
    if values.is_empty() {
        return vec![Span::styled("-", DIM)];
    }
    let mut spans = Vec::new();
    for (i, v) in values.iter().enumerate() {
        if i > 0 {
            spans.push(Span::raw(", "));
        }
        spans.extend(untrusted_quoted(v, Style::new()));
    }
    spans
}

fn diagnosis(out: &mut Vec<Wrapped>, d: &Diagnosis) {
    let mut line = vec![Span::styled(
        format!("  ! {}  ", d.code),
        WARN.patch(STRONG),
    )];
    line.extend(untrusted(&d.detail, Style::new()));
    out.push((Line::from(line), 4));
    let mut fix = vec![Span::styled("    Fix: ", DIM)];
    fix.extend(untrusted(&d.fix, Style::new()));
    out.push((Line::from(fix), 9));
    if let Some(call) = &d.call {
        let mut c = vec![Span::raw("    ")];
        c.extend(untrusted(call, DIM));
        out.push((Line::from(c), 4));
    }
}

fn plain(text: &str, style: Style) -> Wrapped {
    (Line::styled(text.to_owned(), style), 0)
}
