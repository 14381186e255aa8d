//! The header: what is loaded (inputs, messages, reads in progress or failed, the evaluation
//! time) on the first line, and the identity list (where from, how old, or how its reading
//! goes) on the second.

use jiff::Timestamp;
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

use crate::scim::{Progress, Source};

use super::super::app::{Evaluation, IdentityLoad, InputKind, Load, State};
use super::super::facts::full_time;
use super::super::layout::styled::{self, BAD, DIM, GOOD, STRONG, TITLE, WARN};

pub fn render(state: &State, frame: &mut Frame, area: Rect) {
    let w = usize::from(area.width);
    let lines = vec![
        Line::from(styled::cut(loaded(state), w)),
        Line::from(styled::cut(identities(state), w)),
    ];
    frame.render_widget(Paragraph::new(lines), area);
}

fn plural(n: usize, one: &str, many: &str) -> String {
    if n == 1 {
        format!("1 {one}")
    } else {
        format!("{n} {many}")
    }
}

/// ` samltrace  3 messages from 2 files and 1 paste · reading 1 file… · judged at …`
fn loaded(state: &State) -> Vec<Span<'static>> {
    let mut spans = vec![Span::styled(" samltrace ", TITLE), Span::raw(" ")];
    let files = state
        .inputs
        .iter()
        .filter(|i| matches!(i.kind, InputKind::File(_)))
        .count();
    let live = state
        .inputs
        .iter()
        .filter(|i| matches!(i.kind, InputKind::Live(_)))
        .count();
    let pastes = state.inputs.len() - files - live;
    let rows = state.traces.rows.len();
    let mut from = Vec::new();
    if files > 0 {
        from.push(plural(files, "file", "files"));
    }
    if pastes > 0 {
        from.push(plural(pastes, "paste", "pastes"));
    }
    let mut what = plural(rows, "message", "messages");
    if !from.is_empty() {
        what.push_str(&format!(" from {}", from.join(" and ")));
    }
    spans.push(Span::styled(what, STRONG));
    let shown = state.traces.visible.len();
    if shown != rows {
        spans.push(Span::styled(
            format!(" · {shown} shown by the filter"),
            WARN,
        ));
    }
    let reading = state
        .inputs
        .iter()
        .filter(|i| i.load == Load::Loading)
        .count();
    if reading > 0 {
        let what = plural(reading, "input", "inputs");
        spans.push(Span::styled(format!(" · reading {what}…"), WARN));
    }
    let failed = state
        .inputs
        .iter()
        .filter(|i| matches!(i.load, Load::Failed(_)))
        .count();
    if failed > 0 {
        spans.push(Span::styled(
            format!(
                " · ✗ {} could not be read",
                plural(failed, "input", "inputs")
            ),
            BAD,
        ));
    }
    if let Some(url) = &state.config.listen {
        spans.push(Span::styled(
            format!(" · listening on {url}, {} received", state.received),
            GOOD,
        ));
    }
    let at = match state.config.evaluation {
        Evaluation::At(t) => format!(" · judged at {}", full_time(t)),
        Evaluation::WhenLoaded => " · judged when loaded".to_owned(),
    };
    spans.push(Span::styled(at, DIM));
    spans
}

/// ` Identities  8 from samples/identities.csv · read 12 s ago · 1 problem`; a list kept from
/// an earlier read is said to be stale first, where it cannot be cut off.
fn identities(state: &State) -> Vec<Span<'static>> {
    let ids = &state.identities;
    let mut spans = vec![Span::styled(" Identities ", STRONG)];
    if ids.stale.is_some() {
        spans.push(Span::styled("✗ stale: the last reload failed · ", BAD));
    }
    if let Some(people) = &ids.people {
        // Where the list shown was read, which is not where a failed reload looked.
        let from = crate::sanitize::visible(&people.inputs.join(", ")).into_owned();
        spans.push(Span::raw(format!(
            "{} from {from}",
            people.identities.len()
        )));
        if let Some(at) = ids.loaded_at {
            spans.push(Span::styled(format!(" · read {}", age(at, state.now)), DIM));
        }
        if let Some(every) = state.config.refresh {
            spans.push(Span::styled(format!(" · every {} s", every.as_secs()), DIM));
        }
        if !people.problems.is_empty() {
            let n = people.problems.len();
            spans.push(Span::styled(
                format!(" · ✗ {} in the list", plural(n, "problem", "problems")),
                BAD,
            ));
        }
    }
    match &ids.load {
        IdentityLoad::Absent => spans.push(Span::styled(
            "none: start with --scim FILE or URL, or press i, to judge NameIDs",
            DIM,
        )),
        IdentityLoad::Loading { progress } => {
            let again = if ids.people.is_some() { " · " } else { "" };
            spans.push(Span::styled(
                format!("{again}{}", loading(&ids.sources, progress.as_ref())),
                WARN,
            ));
        }
        // With a list kept, `stale` above says it; the error is on the status line whole.
        IdentityLoad::Ready | IdentityLoad::Failed(_) if ids.people.is_some() => {}
        IdentityLoad::Ready => {}
        IdentityLoad::Failed(e) => {
            spans.push(Span::styled("✗ ", BAD));
            spans.extend(styled::untrusted(e, BAD));
        }
    }
    spans
}

fn sources(sources: &[Source]) -> String {
    let names: Vec<String> = sources
        .iter()
        .map(|s| match s {
            Source::File(p) => p.display().to_string(),
            Source::Remote(r) => r.display(),
        })
        .collect();
    crate::sanitize::visible(&names.join(", ")).into_owned()
}

/// `reading samples/x.csv…`, `fetching https://… [#####-----] 2300/12000`.
fn loading(sources: &[Source], progress: Option<&Progress>) -> String {
    let from = self::sources(sources);
    let remote = sources.iter().any(|s| matches!(s, Source::Remote(_)));
    match progress {
        None if remote => format!("fetching {from}…"),
        None => format!("reading {from}…"),
        Some(Progress::Fetched {
            identities,
            total: Some(t),
        }) => {
            let width = 12usize;
            let filled = (identities * width)
                .checked_div(*t as usize)
                .unwrap_or(width)
                .min(width);
            format!(
                "fetching ▕{}{}▏ {identities}/{t} from {from}",
                "█".repeat(filled),
                "░".repeat(width - filled)
            )
        }
        Some(Progress::Fetched {
            identities,
            total: None,
        }) => format!("fetching: {identities} records from {from}"),
        Some(Progress::Waiting { status, seconds }) => {
            format!("fetching: HTTP {status}, trying again in {seconds} s ({from})")
        }
    }
}

/// `just now`, `12 s ago`, `3 min ago`, `2 h ago`.
pub fn age(then: Timestamp, now: Timestamp) -> String {
    let secs = now.duration_since(then).as_secs().max(0);
    match secs {
        0..5 => "just now".to_owned(),
        5..60 => format!("{secs} s ago"),
        60..3600 => format!("{} min ago", secs / 60),
        _ => format!("{} h ago", secs / 3600),
    }
}
