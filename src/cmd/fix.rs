//! `samltrace scim fix`: the captures judged against the identity list, the plan of extern_uid
//! changes the library makes from their verdicts ([`samltrace::repair`]), printed; with
//! `--apply`, each change re-checked against GitLab and sent, and appended to the audit log
//! (synced per line) before the next. `--log EXISTING` resumes a run; `--undo LOG` reverts one.
//! The token is only ever inside the client; everything printed or logged is redacted.

use std::io::{IsTerminal, Write};
use std::path::Path;

use samltrace::compare::{FixApi, Index};
use samltrace::pipeline::{Event, Flow, Pipeline, Source};
use samltrace::repair::apply::{Fate, Log, Outcome, apply_one};
use samltrace::repair::journal::{self, Action, Entry};
use samltrace::repair::{self, Change, Options, Plan, Seen};
use samltrace::sanitize::visible;
use samltrace::scim::{Client, ClientConfig};
use samltrace::trace::Trace;

use crate::cli::{ColorWhen, ExplainFormat, FixArgs};

use super::identities::{self, Wanted};
use super::settings::Settings;
use super::{Exit, Fatal, output};

pub fn run(args: FixArgs) -> Result<Exit, Fatal> {
    if let Some(log) = args.undo.clone() {
        return undo(&args, &log);
    }
    if args.identities.scim.is_empty() {
        return Err(Fatal::new(
            "scim fix needs --scim SOURCE: the identity list the captures are judged against (a SCIM base URL or a group URL to apply to)",
        ));
    }
    let settings = Settings::from_args(&args.checks, &args.keys, None)?;
    let loaded = identities::load(&args.identities, &Wanted::default(), args.color)?;
    let fix = identities::fix_api(loaded.fix, args.checks.gitlab_group.as_deref());
    let index = Index::new(&loaded.identities).with_fix_api(fix.clone());
    let pipeline = Pipeline::new(settings.config.clone()).with_identities(index);
    let mut seen = Vec::new();
    for input in &args.inputs {
        judge(&pipeline, input, &mut seen, args.color);
    }
    let options = Options {
        allow_unverified: args.allow_unverified,
        max: args.max,
    };
    let plan = repair::plan(&seen, &loaded.identities, &fix, options);
    let work: Vec<(FixApi, Change)> = plan
        .changes
        .iter()
        .map(|c| (fix.clone(), c.clone()))
        .collect();
    carry_out(&args, &plan, work, Action::Apply)
}

/// `--undo LOG`: the log's changes reverted, newest first, with the same checks.
fn undo(args: &FixArgs, path: &Path) -> Result<Exit, Fatal> {
    let entries = read_log(path)?;
    let work = journal::undo_changes(&entries);
    let fix = work
        .first()
        .map_or_else(FixApi::default, |(f, _)| f.clone());
    let plan = Plan {
        group: fix.group(),
        api: match fix {
            FixApi::Rest { .. } => "rest",
            FixApi::Scim { .. } => "scim",
        },
        changes: work.iter().map(|(_, c)| c.clone()).collect(),
        refused: Vec::new(),
        untouched: 0,
        max: args.max,
        over_max: work.len() > args.max,
        allow_unverified: false,
    };
    carry_out(args, &plan, work, Action::Undo)
}

/// Prints the plan and, with `--apply`, makes its changes.
fn carry_out(
    args: &FixArgs,
    plan: &Plan,
    work: Vec<(FixApi, Change)>,
    action: Action,
) -> Result<Exit, Fatal> {
    let earlier = match &args.log {
        Some(p) if p.exists() => read_log(p)?,
        _ => Vec::new(),
    };
    let (done, todo): (Vec<_>, Vec<_>) = work
        .into_iter()
        .partition(|(_, c)| earlier.iter().any(|e| e.records(c, action)));
    let mut out = output::stdout(args.color);
    if args.format == ExplainFormat::Text {
        print_plan(&mut out, plan, &done, action)?;
    }
    let mut results = Vec::new();
    let exit = if !args.apply {
        if plan.changes.is_empty() && plan.refused.is_empty() {
            Exit::Clean
        } else {
            Exit::Problems
        }
    } else {
        let refused = if plan.refused.is_empty() {
            Exit::Clean
        } else {
            Exit::Problems
        };
        apply(args, plan, &todo, action, &mut out, &mut results)?.max(refused)
    };
    if args.format == ExplainFormat::Json {
        let doc = FixDocument {
            schema: samltrace::report::json::SCHEMA,
            fix: FixBody {
                action,
                plan,
                done_before: done.iter().map(|(_, c)| c).collect(),
                applied: args.apply,
                results: &results,
            },
        };
        serde_json::to_writer_pretty(&mut out, &doc).map_err(std::io::Error::from)?;
        writeln!(out)?;
    }
    out.flush()?;
    Ok(exit)
}

/// `-f json`: `{"schema": "samltrace/v1", "fix": {…}}`.
#[derive(serde::Serialize)]
struct FixDocument<'a> {
    schema: &'a str,
    fix: FixBody<'a>,
}

#[derive(serde::Serialize)]
struct FixBody<'a> {
    action: Action,
    plan: &'a Plan,
    done_before: Vec<&'a Change>,
    applied: bool,
    results: &'a [Outcome],
}

fn apply(
    args: &FixArgs,
    plan: &Plan,
    todo: &[(FixApi, Change)],
    action: Action,
    out: &mut impl Write,
    results: &mut Vec<Outcome>,
) -> Result<Exit, Fatal> {
    if plan.over_max {
        return Err(Fatal::new(format!(
            "scim fix: the run would make {} changes, more than --max {}: nothing was changed (give a larger --max, or fewer captures)",
            plan.changes.len(),
            plan.max
        )));
    }
    if todo.is_empty() {
        return Ok(Exit::Clean);
    }
    if todo
        .iter()
        .any(|(f, c)| f.read_request(c.source, &c.from).is_template())
    {
        return Err(Fatal::new(
            "scim fix --apply: no GitLab API to send the changes to: give --scim as a SCIM base URL or a group URL, or --gitlab-group with a list file",
        ));
    }
    confirm(args, todo.len(), &plan.group)?;
    let token = identities::read_token(args.identities.token_file.as_deref())?;
    let client = Client::new(
        token,
        ClientConfig {
            timeout: identities::timeout(args.identities.timeout)?,
            ..ClientConfig::default()
        },
    );
    let stamp = jiff::Timestamp::now()
        .strftime("%Y%m%dT%H%M%SZ")
        .to_string();
    let mut log = Log::open(args.log.as_deref(), Path::new(""), &stamp)
        .map_err(|e| Fatal::new(e.to_string()))?;
    eprintln!("samltrace: audit log: {}", log.path.display());
    let now = || jiff::Timestamp::now().to_string();
    let mut exit = Exit::Clean;
    for (fix, change) in todo {
        let outcome = apply_one(&client, fix, change, action, &mut log, &now)
            .map_err(|e| Fatal::new(e.to_string()))?;
        if args.format == ExplainFormat::Text {
            writeln!(
                out,
                "{:<8} {} → {}{}",
                outcome.fate.as_str(),
                show(&outcome.from),
                show(&outcome.to),
                outcome
                    .why
                    .as_deref()
                    .map_or_else(String::new, |w| format!(": {}", visible(w)))
            )?;
        }
        let failed = outcome.fate == Fate::Failed;
        exit = exit.max(match outcome.fate {
            Fate::Applied | Fate::Reverted => Exit::Clean,
            Fate::Failed => Exit::Failed,
            Fate::Skipped => Exit::Problems,
        });
        results.push(outcome);
        if failed && !args.keep_going {
            output::error_line(
                &format!(
                    "stopped at the first failure (--keep-going goes on); run again with --log {} to resume",
                    log.path.display()
                ),
                args.color,
            );
            break;
        }
    }
    Ok(exit)
}

/// `--apply` asks on a terminal; elsewhere it needs `--yes`.
fn confirm(args: &FixArgs, n: usize, group: &str) -> Result<(), Fatal> {
    if args.yes {
        return Ok(());
    }
    if !std::io::stdin().is_terminal() {
        return Err(Fatal::new(
            "scim fix --apply: not on a terminal, so it cannot ask: give --yes to apply without asking",
        ));
    }
    eprint!(
        "Change {n} identit{} of group {}? [y/N] ",
        if n == 1 { "y" } else { "ies" },
        visible(group)
    );
    let mut answer = String::new();
    std::io::stdin().read_line(&mut answer)?;
    if matches!(answer.trim(), "y" | "Y" | "yes") {
        Ok(())
    } else {
        Err(Fatal::new("scim fix: nothing changed (not confirmed)"))
    }
}

fn read_log(path: &Path) -> Result<Vec<Entry>, Fatal> {
    let bytes = samltrace::bounded::read_path(path, 256 << 20)
        .map_err(|e| Fatal::new(format!("{}: cannot read: {e}", path.display())))?;
    let text = String::from_utf8_lossy(&bytes);
    journal::parse(&text).map_err(|e| Fatal::new(format!("{}: {e}", path.display())))
}

/// Every message of a capture that names a user and has an identity verdict.
fn judge(pipeline: &Pipeline<'_>, input: &str, seen: &mut Vec<Seen>, color: ColorWhen) {
    let source = Source::Path {
        path: Path::new(input),
        name: None,
    };
    let result = pipeline.run(source, &mut |event| {
        if let Event::Trace(t) = event
            && let Some(s) = seen_in(&t)
        {
            seen.push(s);
        }
        Flow::Continue
    });
    if let Err(e) = result {
        output::error_line(&e.to_string(), color);
    }
}

fn seen_in(t: &Trace) -> Option<Seen> {
    Some(Seen {
        verdict: t.verdict.clone()?,
        evidence: repair::evidence(t)?,
    })
}

fn show(s: &str) -> String {
    samltrace::compare::show(s)
}

fn print_plan(
    out: &mut impl Write,
    plan: &Plan,
    done: &[(FixApi, Change)],
    action: Action,
) -> Result<(), Fatal> {
    let title = anstyle::Style::new().effects(anstyle::Effects::BOLD);
    let what = if action == Action::Undo {
        "undo"
    } else {
        "fix"
    };
    writeln!(
        out,
        "{title}── scim {what}: {} change{} to group {} ({} API) · {} refused · at most {} ──{title:#}",
        plan.changes.len(),
        if plan.changes.len() == 1 { "" } else { "s" },
        visible(&plan.group),
        plan.api.to_uppercase(),
        plan.refused.len(),
        plan.max
    )?;
    if plan.allow_unverified {
        writeln!(
            out,
            "--allow-unverified: changes may rest on responses whose signature was not verified"
        )?;
    }
    for c in &plan.changes {
        let recorded = done.iter().any(|(_, d)| d == c);
        writeln!(
            out,
            "\n{} {} ({}): {} → {}",
            if recorded { "done  " } else { "change" },
            visible(c.who()),
            c.identity(),
            show(&c.from),
            show(&c.to)
        )?;
        let trust = if c.unverified {
            "UNVERIFIED signature (--allow-unverified)"
        } else {
            "verified signature"
        };
        writeln!(
            out,
            "  evidence: {} from {}, {trust}, email {}",
            c.state.as_str(),
            visible(&c.evidence.input),
            c.evidence.email.as_deref().map_or_else(|| "-".into(), show)
        )?;
        if recorded {
            writeln!(out, "  done in an earlier run (the log records it)")?;
        } else {
            writeln!(out, "  {}", visible(&c.call))?;
        }
    }
    for r in &plan.refused {
        writeln!(
            out,
            "\nrefused {} ({}): {}",
            show(&r.name_id),
            serde_json::to_value(r.guard)
                .ok()
                .and_then(|v| v.as_str().map(str::to_owned))
                .unwrap_or_default(),
            visible(&r.why)
        )?;
    }
    if plan.over_max {
        writeln!(
            out,
            "\nmore than --max {} changes: --apply refuses this run",
            plan.max
        )?;
    }
    Ok(())
}
