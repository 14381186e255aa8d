//! Findings as text lines for the terminal report: grouped by severity, each finding on one line
//! with its code and title, its detail and fix indented below, and a closing count such as
//! "2 errors, 1 warning".
//!
//! Pure: returns plain strings, each with its kind and severity so that the report can colour
//! them. No terminal codes, no wrapping, no I/O here. Finding texts are already sanitised.

use super::{Finding, Severity};

/// What a line is, so that a report can style it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum LineKind {
    /// The heading of a severity group.
    Heading,
    /// A finding: its code and title.
    Finding,
    /// The detail of the finding above, indented.
    Detail,
    /// The fix of the finding above, indented.
    Fix,
    /// The documentation address of the finding above, indented.
    Docs,
    /// An empty line between groups.
    Blank,
    /// The closing count.
    Summary,
}

/// One line of rendered findings.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Line {
    pub kind: LineKind,
    /// The severity the line belongs to; for the summary, the most severe one found.
    pub severity: Option<Severity>,
    pub text: String,
}

const SEVERITIES: [Severity; 3] = [Severity::Error, Severity::Warning, Severity::Info];
const INDENT: &str = "         ";

fn heading(severity: Severity) -> &'static str {
    match severity {
        Severity::Error => "Errors: these stop the sign-in",
        Severity::Warning => "Warnings: likely trouble",
        Severity::Info => "Notes: worth knowing",
    }
}

fn line(kind: LineKind, severity: Option<Severity>, text: String) -> Line {
    Line {
        kind,
        severity,
        text,
    }
}

/// The findings grouped by severity (errors first), then the closing count.
pub fn render_text(findings: &[Finding]) -> Vec<Line> {
    let mut lines = Vec::new();
    for severity in SEVERITIES {
        let group: Vec<&Finding> = findings.iter().filter(|f| f.severity == severity).collect();
        if group.is_empty() {
            continue;
        }
        if !lines.is_empty() {
            lines.push(line(LineKind::Blank, None, String::new()));
        }
        lines.push(line(
            LineKind::Heading,
            Some(severity),
            heading(severity).to_owned(),
        ));
        for f in group {
            push_finding(&mut lines, f);
        }
    }
    if !lines.is_empty() {
        lines.push(line(LineKind::Blank, None, String::new()));
    }
    let worst = findings.iter().map(|f| f.severity).min();
    lines.push(line(LineKind::Summary, worst, summary(findings)));
    lines
}

fn push_finding(lines: &mut Vec<Line>, f: &Finding) {
    let s = Some(f.severity);
    lines.push(line(
        LineKind::Finding,
        s,
        format!("  {}  {}", f.code, f.title),
    ));
    lines.push(line(LineKind::Detail, s, format!("{INDENT}{}", f.detail)));
    lines.push(line(LineKind::Fix, s, format!("{INDENT}Fix: {}", f.fix)));
    if let Some(url) = &f.docs {
        lines.push(line(LineKind::Docs, s, format!("{INDENT}{url}")));
    }
}

/// "2 errors, 1 warning, 1 note"; "No problems found." when there is nothing.
pub fn summary(findings: &[Finding]) -> String {
    let count = |s: Severity| findings.iter().filter(|f| f.severity == s).count();
    let (errors, warnings, notes) = (
        count(Severity::Error),
        count(Severity::Warning),
        count(Severity::Info),
    );
    if errors + warnings == 0 {
        return match notes {
            0 => "No problems found.".to_owned(),
            n => format!("No errors or warnings; {}.", counted(n, "note")),
        };
    }
    [(errors, "error"), (warnings, "warning"), (notes, "note")]
        .into_iter()
        .filter(|(n, _)| *n > 0)
        .map(|(n, what)| counted(n, what))
        .collect::<Vec<_>>()
        .join(", ")
}

fn counted(n: usize, what: &str) -> String {
    if n == 1 {
        format!("1 {what}")
    } else {
        format!("{n} {what}s")
    }
}

/// The lines joined with newlines, without styling.
pub fn to_plain(lines: &[Line]) -> String {
    let mut out = String::new();
    for l in lines {
        out.push_str(&l.text);
        out.push('\n');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::super::testing::*;
    use super::*;

    fn failing_response() -> Vec<Finding> {
        let r = response()
            .with(|a| {
                a.audiences = vec!["https://gitlab.com/groups/acme-corp".into()];
                a.attributes = vec![
                    ("Email".into(), vec!["alice@example.com".into()]),
                    ("first_name".into(), vec!["Alice".into()]),
                    ("last_name".into(), vec!["Example".into()]),
                ];
            })
            .name_id("alice@example.com\u{200B}")
            .name_id_format(TRANSIENT);
        let mut ctx = gitlab_context();
        ctx.at = at("2026-11-03T10:00:00Z");
        check_with(&r, ctx)
    }

    #[test]
    fn failing_response_reads_well() {
        let lines = render_text(&failing_response());
        insta::assert_snapshot!(to_plain(&lines));
    }

    #[test]
    fn every_line_carries_its_severity() {
        let lines = render_text(&failing_response());
        for l in &lines {
            match l.kind {
                LineKind::Blank => assert_eq!(l.severity, None),
                _ => assert!(l.severity.is_some(), "{l:?}"),
            }
        }
        assert_eq!(
            lines.last().map(|l| l.severity),
            Some(Some(Severity::Error))
        );
    }

    #[test]
    fn summary_counts() {
        let f = |code: &str| {
            crate::checks::catalogue::lookup(code)
                .unwrap()
                .finding(crate::checks::Raised::new("d", "f"))
        };
        assert_eq!(summary(&[]), "No problems found.");
        assert_eq!(
            summary(&[f("NI005"), f("NI004")]),
            "No errors or warnings; 2 notes."
        );
        assert_eq!(
            summary(&[f("TM001"), f("AU001"), f("NI003")]),
            "2 errors, 1 warning"
        );
        assert_eq!(summary(&[f("NI003"), f("NI005")]), "1 warning, 1 note");
    }

    #[test]
    fn nothing_found_is_one_summary_line() {
        let lines = render_text(&[]);
        assert_eq!(lines.len(), 1);
        assert_eq!(lines[0].kind, LineKind::Summary);
        assert_eq!(lines[0].text, "No problems found.");
    }
}
