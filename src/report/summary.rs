//! One line per message (`--format summary`, and the table that ends `compare`): when, what
//! kind, whom it names, what GitLab decides, whether the identity chain holds, the finding that
//! matters most, and where the message was seen (`seen 2×` when a capture carried it more than
//! once). Every value from a message passes through the sanitiser. Pure: returns strings.

use std::fmt::Write;

use anstyle::{AnsiColor, Effects, Style};

use crate::checks::instant::parse_instant;
use crate::checks::{Finding, Severity};
use crate::sanitize::{quoted_if_padded, visible};
use crate::trace::Trace;
use crate::verdict::Outcome;

const DIM: Style = Style::new().effects(Effects::DIMMED);
const TITLE: Style = Style::new().effects(Effects::BOLD);
const BAD: Style = AnsiColor::Red.on_default().effects(Effects::BOLD);
const WARN: Style = AnsiColor::Yellow.on_default();
const GOOD: Style = AnsiColor::Green.on_default();

/// The columns' widths; a longer value pushes the rest of its line along rather than being cut
/// (a NameID is never shortened: a hidden character in it may be the bug).
const WIDTHS: [usize; 5] = [20, 16, 36, 22, 19];

/// The header of a table of rows: the fixed columns, then the finding and where it was seen.
const HEADER: [&str; 5] = ["TIME", "KIND", "NAMEID", "GITLAB", "IDENTITY"];

/// One message at a glance.
#[derive(Debug, Clone, PartialEq)]
pub struct Row {
    /// The capture's time for it, else its IssueInstant.
    pub time: Option<String>,
    /// `Response`, `AuthnRequest`, …; `not decoded` for a failure.
    pub kind: String,
    pub name_id: Option<String>,
    /// `GitLab accepts`, `GitLab refuses (TM001)`, …
    pub gitlab: Option<(String, Style)>,
    /// `identity mismatch`, …; `None` without an identity list.
    pub identity: Option<(String, Style)>,
    /// `NI004 The NameID is an email address`, or the reason it could not be decoded.
    pub finding: Option<(String, Style)>,
    /// `samples/x.har entry 3`.
    pub place: String,
    /// How many times the capture carried this message.
    pub seen: usize,
}

impl Row {
    pub fn of(t: &Trace) -> Row {
        let place = t.provenance().into_iter().next().unwrap_or_default();
        let Some(msg) = &t.message else {
            let why = t.error.as_ref().map(|e| (e.message.clone(), BAD));
            return Row {
                time: t.origin.time.as_deref().map(to_the_second),
                kind: "not decoded".to_owned(),
                name_id: None,
                gitlab: None,
                identity: None,
                finding: why,
                place,
                seen: 1,
            };
        };
        let gitlab = t.gitlab_verdict.as_ref().map(|v| {
            let style = match v.outcome {
                Outcome::Accepts => GOOD,
                Outcome::Refuses => BAD,
                Outcome::Undecided => WARN,
                Outcome::NotValidated => DIM,
            };
            (v.short(), style)
        });
        let identity = t.verdict.as_ref().map(|v| {
            let style = if v.state.is_problem() { BAD } else { GOOD };
            (format!("identity {}", v.state.as_str()), style)
        });
        let finding = top_finding(t).map(|f| {
            let style = match f.severity {
                Severity::Error => BAD,
                Severity::Warning => WARN,
                Severity::Info => DIM,
            };
            (format!("{} {}", f.code, f.title), style)
        });
        Row {
            time: t
                .origin
                .time
                .as_deref()
                .or(msg.issue_instant.as_deref())
                .map(to_the_second),
            kind: msg.kind.name().to_owned(),
            name_id: msg
                .name_id()
                .map(|n| quoted_if_padded(&n.value).into_owned()),
            gitlab,
            identity,
            finding,
            place,
            seen: 1,
        }
    }

    /// The row as one line, styled (the output stream strips styles when colour is off).
    pub fn line(&self) -> String {
        let time = self.time.as_deref().map(visible);
        let name_id = self.name_id.as_deref().map(visible);
        let cells: [(Option<&str>, Style); 5] = [
            (time.as_deref(), Style::new()),
            (Some(&self.kind), TITLE),
            (name_id.as_deref(), Style::new()),
            cell(&self.gitlab),
            cell(&self.identity),
        ];
        let mut out = String::new();
        for ((text, style), width) in cells.into_iter().zip(WIDTHS) {
            let text = text.unwrap_or("-");
            let pad = width.saturating_sub(text.chars().count());
            let _ = write!(out, "{style}{text}{style:#}{:pad$}  ", "");
        }
        let (finding, style) = match &self.finding {
            Some((f, s)) => (visible(f).into_owned(), *s),
            None => ("no findings".to_owned(), DIM),
        };
        let _ = write!(out, "{style}{finding}{style:#} · {}", visible(&self.place));
        if self.seen > 1 {
            let _ = write!(out, " {DIM}· seen {}×{DIM:#}", self.seen);
        }
        out
    }
}

fn cell(value: &Option<(String, Style)>) -> (Option<&str>, Style) {
    match value {
        Some((text, style)) => (Some(text.as_str()), *style),
        None => (None, DIM),
    }
}

/// A time in UTC to the second (`2026-11-02T09:00:00Z`), one width for every row; a time that
/// does not read as one is shown as it is.
fn to_the_second(text: &str) -> String {
    match parse_instant(text) {
        Ok(i) => i.at.strftime("%Y-%m-%dT%H:%M:%SZ").to_string(),
        Err(_) => text.to_owned(),
    }
}

/// The finding that explains GitLab's refusal, else the most severe one.
fn top_finding(t: &Trace) -> Option<&Finding> {
    let code = t.gitlab_verdict.as_ref().and_then(|v| v.code);
    code.and_then(|c| t.findings.iter().find(|f| f.code == c))
        .or_else(|| t.findings.iter().min_by_key(|f| f.severity))
}

/// The title above the table that ends a report of `n` messages.
pub fn heading(n: usize) -> String {
    let what = if n == 1 { "message" } else { "messages" };
    format!("{TITLE}── {n} {what} at a glance ──{TITLE:#}")
}

/// A table of rows under a header, one row per line.
pub fn table(rows: &[Row]) -> String {
    let mut out = String::new();
    let mut header = String::new();
    for (name, width) in HEADER.iter().zip(WIDTHS) {
        let _ = write!(header, "{name:<width$}  ");
    }
    header.push_str("FINDING · WHERE");
    let _ = writeln!(out, "{TITLE}{header}{TITLE:#}");
    for row in rows {
        out.push_str(&row.line());
        out.push('\n');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::input::Origin;

    fn plain(s: &str) -> String {
        let mut out = String::new();
        let mut chars = s.chars();
        while let Some(c) = chars.next() {
            if c == '\u{1b}' {
                for c in chars.by_ref() {
                    if c == 'm' {
                        break;
                    }
                }
            } else {
                out.push(c);
            }
        }
        out
    }

    #[test]
    fn a_failure_is_a_row_with_its_reason() {
        let origin = Origin {
            input: "paste".into(),
            ..Origin::default()
        };
        let t = Trace::unreadable(origin, "not base64".into(), None);
        let line = plain(&Row::of(&t).line());
        assert!(line.starts_with("-    "), "{line}");
        assert!(
            line.contains("not decoded") && line.contains("not base64 · paste"),
            "{line}"
        );
    }

    #[test]
    fn times_are_shown_in_utc_to_the_second() {
        assert_eq!(
            to_the_second("2026-11-02T08:59:58.100Z"),
            "2026-11-02T08:59:58Z"
        );
        assert_eq!(
            to_the_second("2026-11-02T10:00:30.000+01:00"),
            "2026-11-02T09:00:30Z"
        );
        assert_eq!(to_the_second("yesterday"), "yesterday");
    }

    #[test]
    fn a_repeated_message_says_how_often_it_was_seen() {
        let mut row = Row::of(&Trace::default());
        row.seen = 3;
        assert!(plain(&row.line()).ends_with(" · seen 3×"));
    }

    #[test]
    fn the_header_lines_up_with_the_rows() {
        let row = Row {
            time: Some("2026-11-02T09:00:00Z".into()),
            kind: "Response".into(),
            name_id: Some("alice@example.com".into()),
            gitlab: Some(("GitLab accepts".into(), GOOD)),
            identity: Some(("identity match".into(), GOOD)),
            finding: None,
            place: "x.har entry 3".into(),
            seen: 1,
        };
        let text = plain(&table(&[row]));
        let lines: Vec<&str> = text.lines().collect();
        for column in ["KIND", "NAMEID", "GITLAB", "IDENTITY", "FINDING"] {
            let at = lines[0].find(column).unwrap_or(usize::MAX);
            let value = match column {
                "KIND" => "Response",
                "NAMEID" => "alice@",
                "GITLAB" => "GitLab accepts",
                "IDENTITY" => "identity match",
                _ => "no findings",
            };
            assert_eq!(lines[1].find(value), Some(at), "{column}:\n{text}");
        }
    }
}
