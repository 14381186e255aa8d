//! The text report of one capture: its sign-in flow first — each distinct message once, in
//! order, with its time from the first message, what it answers, and every place it was seen —
//! then each distinct message in full (the decode report). Repeated occurrences are folded into
//! the first. Every value from a capture passes through the sanitiser. Pure: returns a string.

use std::fmt::Write;

use anstyle::{AnsiColor, Effects, Style};
use jiff::Timestamp;

use crate::checks::Severity;
use crate::checks::instant::parse_instant;
use crate::saml::{Message, Request};
use crate::sanitize::visible;
use crate::trace::Trace;
use crate::verdict::{Outcome, Verdict};

const TITLE: Style = Style::new().effects(Effects::BOLD);
const DIM: Style = Style::new().effects(Effects::DIMMED);
const BAD: Style = AnsiColor::Red.on_default().effects(Effects::BOLD);
const WARN: Style = AnsiColor::Yellow.on_default();
const GOOD: Style = AnsiColor::Green.on_default();

/// One distinct message and the traces that carried it.
struct Step<'t> {
    first: &'t Trace,
    /// Index of `first` among the traces.
    index: usize,
    /// Every trace that carried it, `first` included, in order.
    seen: Vec<&'t Trace>,
}

/// The flow of one capture's traces (indexes and `duplicate_of` local to the capture).
pub fn render(traces: &[Trace]) -> String {
    let steps = steps(traces);
    if steps.is_empty() {
        return String::new();
    }
    let mut out = String::new();
    let start = steps.iter().find_map(|s| time_of(s.first));
    let first_time = steps
        .iter()
        .find(|s| time_of(s.first).is_some())
        .and_then(|s| s.first.origin.time.as_deref());
    heading(&mut out, traces, &steps, first_time);
    let whens: Vec<String> = steps.iter().map(|s| when(s.first, start)).collect();
    let widths = Widths {
        index: format!("[{}]", steps.len()).len(),
        when: whens.iter().map(String::len).max().unwrap_or(1),
    };
    for (n, (step, when)) in steps.iter().zip(&whens).enumerate() {
        timeline_entry(&mut out, n, step, &steps, when, &widths);
    }
    for step in &steps {
        out.push('\n');
        out.push_str(&super::text::render(std::slice::from_ref(step.first)));
        let also: Vec<String> = step.seen.iter().skip(1).map(|t| place(t)).collect();
        if !also.is_empty() {
            let _ = writeln!(out, "\n  {DIM}Also seen at{DIM:#} {}", also.join(", "));
        }
    }
    out
}

fn steps(traces: &[Trace]) -> Vec<Step<'_>> {
    let mut steps: Vec<Step<'_>> = Vec::new();
    for (i, t) in traces.iter().enumerate() {
        if t.message.is_none() {
            continue;
        }
        match t
            .origin
            .duplicate_of
            .and_then(|d| steps.iter_mut().find(|s| s.index == d))
        {
            Some(step) => step.seen.push(t),
            None => steps.push(Step {
                first: t,
                index: i,
                seen: vec![t],
            }),
        }
    }
    steps
}

fn heading(out: &mut String, traces: &[Trace], steps: &[Step<'_>], start: Option<&str>) {
    let input = traces.first().map_or("", |t| t.origin.input.as_str());
    let seen: usize = steps.iter().map(|s| s.seen.len()).sum();
    let mut line = format!(
        "── {} · {} SAML message{}",
        visible(input),
        steps.len(),
        if steps.len() == 1 { "" } else { "s" }
    );
    if seen > steps.len() {
        let _ = write!(line, ", seen {seen} times");
    }
    line.push_str(" ──");
    let _ = writeln!(out, "{TITLE}{line}{TITLE:#}");
    if let Some(t) = start {
        let _ = writeln!(
            out,
            "  {DIM}Times are from the first message, {}{DIM:#}",
            visible(t)
        );
    }
    out.push('\n');
}

/// Column widths of the timeline.
struct Widths {
    index: usize,
    when: usize,
}

fn when(t: &Trace, start: Option<Timestamp>) -> String {
    match (start, time_of(t)) {
        (Some(s), Some(t)) => relative(t.duration_since(s).as_secs_f64()),
        _ => "?".to_owned(),
    }
}

fn timeline_entry(
    out: &mut String,
    n: usize,
    step: &Step<'_>,
    steps: &[Step<'_>],
    when: &str,
    w: &Widths,
) {
    let Some(msg) = &step.first.message else {
        return;
    };
    let id = msg
        .id
        .as_deref()
        .map_or(String::new(), |i| format!("  {}", visible(i)));
    let index = format!("[{}]", n + 1);
    let _ = writeln!(
        out,
        "  {TITLE}{index:<iw$}{TITLE:#} {when:>ww$}  {TITLE}{}{TITLE:#}{id}",
        visible(msg.kind.name()),
        iw = w.index,
        ww = w.when,
    );
    let pad = " ".repeat(2 + w.index + 1 + w.when + 2);
    let about = about(msg, step.first, steps);
    if !about.is_empty() {
        let _ = writeln!(out, "{pad}{}", about.join(" · "));
    }
    let places: Vec<String> = step.seen.iter().map(|t| place(t)).collect();
    let _ = writeln!(out, "{pad}{DIM}at {}{DIM:#}", places.join(", "));
    let gitlab = step
        .first
        .gitlab_verdict
        .as_ref()
        .filter(|v| v.outcome != Outcome::NotValidated);
    let findings = findings_line(step.first);
    match (gitlab, findings) {
        (Some(v), Some(f)) => {
            let _ = writeln!(out, "{pad}{} · {f}", verdict_short(v));
        }
        (Some(v), None) => {
            let _ = writeln!(out, "{pad}{}", verdict_short(v));
        }
        (None, Some(f)) => {
            let _ = writeln!(out, "{pad}{f}");
        }
        (None, None) => {}
    }
}

/// `GitLab refuses (TM001)`, coloured.
fn verdict_short(v: &Verdict) -> String {
    let style = match v.outcome {
        Outcome::Accepts => GOOD,
        Outcome::Refuses => BAD,
        _ => WARN,
    };
    format!("{style}{}{style:#}", v.short())
}

/// `+1.250s`, `+2m05.000s`.
fn relative(secs: f64) -> String {
    let sign = if secs < 0.0 { "-" } else { "+" };
    let secs = secs.abs();
    let hours = (secs / 3600.0).floor();
    let minutes = ((secs - hours * 3600.0) / 60.0).floor();
    let rest = secs - hours * 3600.0 - minutes * 60.0;
    if hours > 0.0 {
        format!("{sign}{hours}h{minutes:02}m{rest:06.3}s")
    } else if minutes > 0.0 {
        format!("{sign}{minutes}m{rest:06.3}s")
    } else {
        format!("{sign}{rest:.3}s")
    }
}

fn time_of(t: &Trace) -> Option<Timestamp> {
    t.origin
        .time
        .as_deref()
        .and_then(|s| parse_instant(s).ok())
        .map(|i| i.at)
}

/// `entry 4 response.content`.
fn place(t: &Trace) -> String {
    let mut s = match t.origin.har_entry {
        Some(e) => format!("entry {e}"),
        None => "?".to_owned(),
    };
    if let Some(loc) = &t.origin.location {
        s.push(' ');
        s.push_str(&visible(loc));
    }
    s
}

/// What a person wants to know of a message at a glance: where it went, what it answers, its
/// status and whom it names.
fn about(msg: &Message, t: &Trace, steps: &[Step<'_>]) -> Vec<String> {
    let mut parts = Vec::new();
    if let Some(answers) = msg.in_response_to.as_deref() {
        parts.push(answered(answers, steps));
    }
    if let Some(status) = &msg.status {
        let code = status
            .code
            .as_deref()
            .map_or("(no status)", crate::saml::format_label);
        let style = if status.is_success() { GOOD } else { BAD };
        parts.push(format!("{style}{}{style:#}", visible(code)));
    }
    if let Some(name_id) = name_id(msg) {
        parts.push(format!(
            "NameID {}",
            crate::sanitize::quoted_if_padded(name_id)
        ));
    }
    if msg.in_response_to.is_none() && !msg.is_response() {
        let to = msg.destination.as_deref().or(t.origin.url.as_deref());
        if let Some(to) = to {
            parts.push(format!("to {}", visible(to)));
        }
    }
    parts
}

/// `answers [1]`, or a warning when the request it answers is not in the capture.
fn answered(id: &str, steps: &[Step<'_>]) -> String {
    let found = steps.iter().position(|s| {
        s.first
            .message
            .as_ref()
            .is_some_and(|m| m.id.as_deref() == Some(id) && !m.is_response())
    });
    match found {
        Some(k) => format!("answers [{}]", k + 1),
        None => format!("{WARN}answers {}, not in this capture{WARN:#}", visible(id)),
    }
}

fn name_id(msg: &Message) -> Option<&str> {
    if let Some(Request::Logout(r)) = &msg.request {
        return r.name_id.as_ref().map(|n| n.value.as_str());
    }
    msg.assertions
        .iter()
        .find_map(|a| a.subject.as_ref()?.name_id.as_ref())
        .map(|n| n.value.as_str())
}

/// `2 errors (AU001, NI002) · 1 warning (TM003)`, when the checks found something.
fn findings_line(t: &Trace) -> Option<String> {
    let mut parts = Vec::new();
    for (severity, style, one, many) in [
        (Severity::Error, BAD, "error", "errors"),
        (Severity::Warning, WARN, "warning", "warnings"),
    ] {
        let codes: Vec<&str> = t
            .findings
            .iter()
            .filter(|f| f.severity == severity)
            .map(|f| f.code)
            .collect();
        if !codes.is_empty() {
            let word = if codes.len() == 1 { one } else { many };
            parts.push(format!(
                "{style}{} {word} ({}){style:#}",
                codes.len(),
                codes.join(", ")
            ));
        }
    }
    (!parts.is_empty()).then(|| parts.join(" · "))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn relative_times_read_well() {
        assert_eq!(relative(0.0), "+0.000s");
        assert_eq!(relative(1.25), "+1.250s");
        assert_eq!(relative(125.0), "+2m05.000s");
        assert_eq!(relative(-0.5), "-0.500s");
        assert_eq!(relative(30_601.9), "+8h30m01.900s");
    }
}
