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
    /// GitLab's `api_json.log`, or Kibana's JSON export of it.
    Log,
    /// Kibana's CSV export of `api_json.log`.
    KibanaCsv,
    /// Entra ID's provisioning logs, the JSON download or Graph's records.
    Entra,
    /// One file of Entra ID's CSV download of its provisioning logs.
    EntraCsv,
    /// Okta's System Log.
    Okta,
    List,
    Capture,
}

pub fn run(args: AuditArgs) -> Result<Exit, Fatal> {
    let settings = Settings::from_args(&args.checks, &args.keys, None)?;
    let mut ids = args.identities.clone();
    let (mut logs, mut captures) = (Vec::new(), Vec::new());
    for input in &args.inputs {
        match kind(input)? {
            Kind::Log | Kind::KibanaCsv | Kind::Entra | Kind::EntraCsv | Kind::Okta => {
                logs.push(input.clone())
            }
            Kind::List => ids.scim.push(input.clone()),
            Kind::Capture => captures.push(input.as_str()),
        }
    }
    if logs.is_empty() && ids.scim.is_empty() {
        return Err(Fatal::new(
            "scim audit: nothing to audit: give GitLab's api_json.log (or its Kibana export), Entra ID's provisioning logs, Okta's System Log and/or an identity list, with captures if you have them",
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
    if samltrace::scim::okta::looks_like_system_log(&text) {
        return Ok(Kind::Okta);
    }
    if samltrace::scim::entra_csv::part_of(&text).is_some() {
        return Ok(Kind::EntraCsv);
    }
    if samltrace::scim::kibana::looks_like_export(&text) {
        return Ok(Kind::KibanaCsv);
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
    if looks_like_csv(input, &text) {
        return Err(Fatal::new(format!(
            "{input}: a CSV, but none that scim audit reads: expected an identity list (a column such as externalId, extern_uid, userName or email), Entra ID's provisioning-log download (ProvisioningLogs.csv and its _ModifiedProperties and _ProvisioningSteps files, with a Change ID column) or Kibana's export of api_json.log (json.path and json.method columns)"
        )));
    }
    Ok(Kind::Capture)
}

/// Every SCIM request in the request logs `paths` (GitLab's api_json.log or its Kibana export,
/// JSON or CSV; Entra ID's provisioning logs, JSON or the three CSV files of its download, read
/// together where the first of them stands; Okta's System Log), told apart by content; an
/// identity list or a capture among them is refused. The TUI's audit tab reads its `--scim-log`
/// files through this.
pub(super) fn requests(
    paths: &[String],
    color: crate::cli::ColorWhen,
) -> Result<Vec<ScimRequest>, Fatal> {
    let kinds = paths
        .iter()
        .map(|p| kind(p))
        .collect::<Result<Vec<_>, _>>()?;
    let mut requests = Vec::new();
    let mut entra_csv_read = false;
    for (path, kind) in paths.iter().zip(&kinds) {
        match kind {
            Kind::Log => read_one_log(path, &mut requests, color)?,
            Kind::KibanaCsv => read_text(path, &mut requests, color, |name, text| {
                let (read, summary) = samltrace::scim::kibana::read(name, text);
                (read, summary.notes)
            })?,
            Kind::Entra => read_text(path, &mut requests, color, samltrace::scim::entra::read)?,
            Kind::Okta => read_text(path, &mut requests, color, samltrace::scim::okta::read)?,
            Kind::EntraCsv if entra_csv_read => {}
            Kind::EntraCsv => {
                entra_csv_read = true;
                let parts: Vec<&String> = paths
                    .iter()
                    .zip(&kinds)
                    .filter(|(_, k)| matches!(k, Kind::EntraCsv))
                    .map(|(p, _)| p)
                    .collect();
                read_entra_csv(&parts, &mut requests, color)?;
            }
            Kind::List if looks_like_csv(path, "") => {
                return Err(Fatal::new(format!(
                    "{path}: a CSV identity list, not a SCIM request log: expected Entra ID's provisioning-log download (ProvisioningLogs.csv and its _ModifiedProperties and _ProvisioningSteps files, with a Change ID column) or Kibana's export of api_json.log (json.path and json.method columns)"
                )));
            }
            Kind::List | Kind::Capture => {
                return Err(Fatal::new(format!(
                    "{path}: not a SCIM request log: expected GitLab's api_json.log (or its Kibana export), Entra ID's provisioning logs or Okta's System Log"
                )));
            }
        }
    }
    Ok(requests)
}

/// Whether a file is a CSV: by its name, or a first line of two or more header-like fields
/// (words, no base64 or markup).
fn looks_like_csv(path: &str, head: &str) -> bool {
    if path.to_ascii_lowercase().ends_with(".csv") {
        return true;
    }
    let first = head.lines().find(|l| !l.trim().is_empty()).unwrap_or("");
    let Some(delim) = [',', ';', '\t'].into_iter().find(|d| first.contains(*d)) else {
        return false;
    };
    let fields: Vec<&str> = first
        .split(delim)
        .map(|f| f.trim().trim_matches('"'))
        .collect();
    fields.len() >= 2
        && fields.iter().all(|f| {
            !f.is_empty()
                && f.len() <= 64
                && f.chars()
                    .all(|c| c.is_alphanumeric() || " ._-@()#".contains(c) || c == '\u{feff}')
        })
}

/// A whole request log read (bounded) and handed to a pure reader; its notes are warnings.
fn read_text(
    path: &str,
    requests: &mut Vec<ScimRequest>,
    color: crate::cli::ColorWhen,
    reader: impl FnOnce(&str, &str) -> (Vec<ScimRequest>, Vec<String>),
) -> Result<(), Fatal> {
    let text = read_bounded(path)?;
    let (read, notes) = reader(path, &text);
    for note in notes {
        output::warning_line(&format!("{path}: {note}"), color);
    }
    requests.extend(read);
    Ok(())
}

fn read_bounded(path: &str) -> Result<String, Fatal> {
    let bytes = samltrace::bounded::read_path(Path::new(path), samltrace::bounded::MAX_INPUT_BYTES)
        .map_err(|e| Fatal::new(format!("{path}: cannot read: {e}")))?;
    Ok(String::from_utf8_lossy(&bytes).into_owned())
}

/// The files of Entra's CSV download, read together (they are joined by change ID).
fn read_entra_csv(
    paths: &[&String],
    requests: &mut Vec<ScimRequest>,
    color: crate::cli::ColorWhen,
) -> Result<(), Fatal> {
    let texts = paths
        .iter()
        .map(|p| read_bounded(p))
        .collect::<Result<Vec<_>, _>>()?;
    let files: Vec<samltrace::scim::entra_csv::File<'_>> = paths
        .iter()
        .zip(&texts)
        .map(|(name, text)| samltrace::scim::entra_csv::File { name, text })
        .collect();
    let (read, notes) = samltrace::scim::entra_csv::read(&files);
    for note in notes {
        output::warning_line(&format!("Entra CSV: {note}"), color);
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
