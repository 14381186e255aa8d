//! `samltrace scim audit SOURCE...`: the SCIM request logs, identity lists and captures given,
//! told apart by their content, joined per person by the library's audit
//! ([`samltrace::compare::audit`]) and printed as text or JSON. Exit 1 when anything is wrong
//! with a person or the setup.

use std::fs::File;
use std::io::{BufReader, Read, Write};
use std::path::Path;

use samltrace::compare::audit::{self, Audit, Diagnosis, SeenNameId};
use samltrace::pipeline::{Event, Flow, Pipeline, Source};
use samltrace::sanitize::visible;
use samltrace::scim::log::{ScimRequest, read_log};

use crate::cli::{AuditArgs, ExplainFormat};

use super::identities::{self, Wanted};
use super::settings::Settings;
use super::{Exit, Fatal, output};

/// What one SOURCE is.
enum Kind {
    Log,
    Entra,
    List,
    Capture,
}

pub fn run(args: AuditArgs) -> Result<Exit, Fatal> {
    let settings = Settings::from_args(&args.checks, &args.keys, None)?;
    let mut ids = args.identities.clone();
    let (mut logs, mut captures) = (Vec::new(), Vec::new());
    for input in &args.inputs {
        match kind(input)? {
            Kind::Log | Kind::Entra => logs.push(input.clone()),
            Kind::List => ids.scim.push(input.clone()),
            Kind::Capture => captures.push(input.as_str()),
        }
    }
    if logs.is_empty() && ids.scim.is_empty() {
        return Err(Fatal::new(
            "scim audit: nothing to audit: give GitLab's api_json.log (or its Kibana export), Entra ID's provisioning logs and/or an identity list, with captures if you have them",
        ));
    }
    let requests = requests(&logs, args.color)?;
    let (identities, fix) = if ids.scim.is_empty() {
        (
            Vec::new(),
            identities::fix_api(Default::default(), args.checks.gitlab_group.as_deref()),
        )
    } else {
        let loaded = identities::load(&ids, &Wanted::default(), args.color)?;
        let fix = identities::fix_api(loaded.fix, args.checks.gitlab_group.as_deref());
        (loaded.identities, fix)
    };
    let pipeline = Pipeline::new(settings.config.clone());
    let mut seen = Vec::new();
    for capture in captures {
        name_ids(&pipeline, capture, &mut seen, args.color);
    }
    let result = audit::audit(&requests, &identities, &seen, &fix);
    drop(requests);
    let mut out = std::io::BufWriter::with_capacity(1 << 16, output::stdout(args.color));
    match args.format {
        ExplainFormat::Json => json(&mut out, &result)?,
        ExplainFormat::Text => text(&mut out, &result)?,
    }
    out.flush()?;
    let problems =
        !result.findings.is_empty() || result.people.iter().any(|p| !p.diagnoses.is_empty());
    Ok(if problems {
        Exit::Problems
    } else {
        Exit::Clean
    })
}

/// A URL is an identity list; a file is told by its first 64 KiB.
fn kind(input: &str) -> Result<Kind, Fatal> {
    if input.starts_with("https://") || input.starts_with("http://") {
        return Ok(Kind::List);
    }
    let mut head = Vec::new();
    File::open(input)
        .and_then(|f| f.take(64 * 1024).read_to_end(&mut head))
        .map_err(|e| Fatal::new(format!("{input}: cannot read: {e}")))?;
    let text = String::from_utf8_lossy(&head);
    if text.contains("\"saml_response\"") {
        return Ok(Kind::List);
    }
    if samltrace::scim::entra::looks_like_provisioning_log(&text) {
        return Ok(Kind::Entra);
    }
    let first = text.lines().find(|l| !l.trim().is_empty()).unwrap_or("");
    let logged = first.trim_start().starts_with('{')
        && (text.contains("\"json.path\"")
            || text.contains("\"json\":{")
            || (text.contains("\"path\":") && text.contains("\"method\":")))
        && !text.contains("\"entries\"");
    if logged {
        return Ok(Kind::Log);
    }
    if samltrace::scim::files::looks_like_list(&text).is_some() {
        return Ok(Kind::List);
    }
    Ok(Kind::Capture)
}

/// Every SCIM request in the request logs `paths` (GitLab's api_json.log or its Kibana export,
/// Entra ID's provisioning logs), told apart by content; an identity list or a capture among
/// them is refused. The TUI's audit tab reads its `--scim-log` files through this.
pub(super) fn requests(
    paths: &[String],
    color: crate::cli::ColorWhen,
) -> Result<Vec<ScimRequest>, Fatal> {
    let mut requests = Vec::new();
    for path in paths {
        match kind(path)? {
            Kind::Log => read_one_log(path, &mut requests, color)?,
            Kind::Entra => read_entra(path, &mut requests, color)?,
            Kind::List | Kind::Capture => {
                return Err(Fatal::new(format!(
                    "{path}: not a SCIM request log: expected GitLab's api_json.log (or its Kibana export) or Entra ID's provisioning logs"
                )));
            }
        }
    }
    Ok(requests)
}

fn read_entra(
    path: &str,
    requests: &mut Vec<ScimRequest>,
    color: crate::cli::ColorWhen,
) -> Result<(), Fatal> {
    let bytes = samltrace::bounded::read_path(Path::new(path), samltrace::bounded::MAX_INPUT_BYTES)
        .map_err(|e| Fatal::new(format!("{path}: cannot read: {e}")))?;
    let (read, notes) = samltrace::scim::entra::read(path, &String::from_utf8_lossy(&bytes));
    for note in notes {
        output::warning_line(&format!("{path}: {note}"), color);
    }
    requests.extend(read);
    Ok(())
}

fn read_one_log(
    path: &str,
    requests: &mut Vec<ScimRequest>,
    color: crate::cli::ColorWhen,
) -> Result<(), Fatal> {
    let file = File::open(path).map_err(|e| Fatal::new(format!("{path}: cannot read: {e}")))?;
    let summary = read_log(path, BufReader::with_capacity(1 << 20, file), &mut |r| {
        requests.push(r)
    })
    .map_err(|e| Fatal::new(format!("{path}: cannot read: {e}")))?;
    for note in &summary.notes {
        output::warning_line(&format!("{path} {note}"), color);
    }
    if summary.skipped > summary.notes.len() as u64 {
        output::warning_line(
            &format!(
                "{path}: {} more lines skipped",
                summary.skipped - summary.notes.len() as u64
            ),
            color,
        );
    }
    if summary.requests == 0 {
        output::warning_line(
            &format!(
                "{path}: {} lines, none a request to GitLab's SCIM API (/api/scim/v2/…)",
                summary.lines
            ),
            color,
        );
    }
    Ok(())
}

/// The NameIDs (and the emails beside them) a capture's messages carry.
fn name_ids(
    pipeline: &Pipeline<'_>,
    path: &str,
    seen: &mut Vec<SeenNameId>,
    color: crate::cli::ColorWhen,
) {
    let result = pipeline.run(
        Source::Path {
            path: Path::new(path),
            name: None,
        },
        &mut |event| {
            if let Event::Trace(t) = event
                && let Some(s) = audit::seen_in(&t)
                && !seen
                    .iter()
                    .any(|o| o.name_id == s.name_id && o.email == s.email)
            {
                seen.push(s);
            }
            Flow::Continue
        },
    );
    if let Err(e) = result {
        output::error_line(&e.to_string(), color);
    }
}

/// The document, written as it is serialised (an audit of many people is large).
fn json(out: &mut impl Write, a: &Audit) -> Result<(), Fatal> {
    #[derive(serde::Serialize)]
    struct Doc<'a> {
        schema: &'a str,
        audit: &'a Audit,
    }
    let doc = Doc {
        schema: samltrace::report::json::SCHEMA,
        audit: a,
    };
    serde_json::to_writer_pretty(&mut *out, &doc).map_err(std::io::Error::from)?;
    out.write_all(b"\n")?;
    Ok(())
}

/// One block per person (those with something to say first), then the setup's findings,
/// each written as it is made.
fn text(w: &mut impl Write, a: &Audit) -> Result<(), Fatal> {
    use std::fmt::Write as _;
    let title = anstyle::Style::new().effects(anstyle::Effects::BOLD);
    let bad = anstyle::AnsiColor::Red
        .on_default()
        .effects(anstyle::Effects::BOLD);
    let good = anstyle::AnsiColor::Green.on_default();
    let broken = a.people.iter().filter(|p| !p.diagnoses.is_empty()).count();
    writeln!(
        w,
        "{title}── {} {} · {broken} with something to fix ──{title:#}",
        a.people.len(),
        if a.people.len() == 1 {
            "person"
        } else {
            "people"
        }
    )?;
    let mut people: Vec<_> = a.people.iter().collect();
    people.sort_by_key(|p| p.diagnoses.is_empty());
    let mut out = String::new();
    for p in people {
        out.clear();
        let _ = writeln!(out, "\n{title}{}{title:#}", visible(&p.person));
        let field = |out: &mut String, label: &str, values: &[String]| {
            let shown = if values.is_empty() {
                "-".to_owned()
            } else {
                values
                    .iter()
                    .map(|v| format!("\"{}\"", visible(v)))
                    .collect::<Vec<_>>()
                    .join(", ")
            };
            let _ = writeln!(out, "  {label:<24} {shown}");
        };
        let idp: Vec<String> = p.idp_external_id.iter().cloned().collect();
        field(&mut out, "IdP externalId (SCIM)", &idp);
        field(&mut out, "GitLab SCIM extern_uid", &p.gitlab_scim);
        field(&mut out, "GitLab SAML extern_uid", &p.gitlab_saml);
        field(&mut out, "NameID", &p.name_ids);
        match &p.breaks {
            Some(b) => {
                let _ = writeln!(out, "  {:<24} {bad}breaks {}{bad:#}", "Chain", visible(b));
            }
            None => {
                let _ = writeln!(out, "  {:<24} {good}holds{good:#}", "Chain");
            }
        }
        for d in &p.diagnoses {
            diagnosis(&mut out, d);
        }
        w.write_all(out.as_bytes())?;
    }
    if !a.findings.is_empty() {
        out.clear();
        let _ = writeln!(out, "\n{title}Setup{title:#}");
        for d in &a.findings {
            diagnosis(&mut out, d);
        }
        w.write_all(out.as_bytes())?;
    }
    Ok(())
}

fn diagnosis(out: &mut String, d: &Diagnosis) {
    use std::fmt::Write as _;
    let warn = anstyle::AnsiColor::Yellow
        .on_default()
        .effects(anstyle::Effects::BOLD);
    let _ = writeln!(out, "  {warn}! {}{warn:#}  {}", d.code, visible(&d.detail));
    let _ = writeln!(out, "      Fix: {}", visible(&d.fix));
    if let Some(call) = &d.call {
        let _ = writeln!(out, "      {}", visible(call));
    }
}
