//! `samltrace scim fix` against the stand-in GitLab on 127.0.0.1: the plan from signed
//! responses, each guard refusing, apply → audit log → undo restoring the server exactly,
//! GitLab's errors as one line, a run broken off midway resumed from its log, and no token in
//! any output or log.

mod common;

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use common::gitlab::*;
use serde_json::Value;

const ROOT: &str = env!("CARGO_MANIFEST_DIR");
const AT: &str = "--at=2026-11-02T09:00:00Z";

fn sample(name: &str) -> String {
    format!("{ROOT}/samples/{name}")
}

/// dave: NameID `dave@example.com` while his SCIM id is a GUID (mismatch); bob: NameID
/// `Bob@Example.com` against `bob@example.com` (near_match). Both signed by samples/keys.
fn captures() -> Vec<String> {
    vec![
        sample("compare-mismatch.xml"),
        sample("compare-near-match.xml"),
    ]
}

fn trust() -> Vec<String> {
    vec!["--idp-cert".into(), sample("keys/idp.crt"), AT.into()]
}

/// The binary in `dir`, with the SCIM token (or `token`) in SAMLTRACE_TOKEN.
fn fix(dir: &Path, token: &str, args: &[String]) -> (Output, String, String) {
    let out = Command::new(assert_cmd::cargo::cargo_bin!("samltrace"))
        .current_dir(dir)
        .env("NO_COLOR", "1")
        .env("SAMLTRACE_TOKEN", token)
        .args(["scim", "fix"])
        .args(args)
        .output()
        .expect("run samltrace");
    let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
    let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
    assert_no_token(&stdout, &stderr);
    (out, stdout, stderr)
}

/// `scim fix --scim URL --apply --yes --log LOG` and `extra`, with the captures and the trust
/// anchor.
fn apply(
    dir: &Path,
    token: &str,
    url: &str,
    log: &Path,
    extra: &[&str],
) -> (Output, String, String) {
    let log = log.to_str().unwrap();
    let mut list = vec!["--scim", url, "--apply", "--yes", "--log", log];
    list.extend(extra);
    fix(dir, token, &args(&list, &[]))
}

fn assert_no_token(stdout: &str, stderr: &str) {
    for t in [SCIM_TOKEN, OWNER_TOKEN, MAINTAINER_TOKEN] {
        assert!(
            !stdout.contains(t) && !stderr.contains(t),
            "a token printed:\n{stdout}\n{stderr}"
        );
    }
}

fn scim_url(gl: &FakeGitLab) -> String {
    format!("{}/api/scim/v2/groups/acme", gl.base)
}

fn args(list: &[&str], extra: &[&str]) -> Vec<String> {
    let mut a: Vec<String> = list.iter().map(|s| s.to_string()).collect();
    a.extend(captures());
    a.extend(trust());
    a.extend(extra.iter().map(|s| s.to_string()));
    a
}

fn plan_json(stdout: &str, stderr: &str) -> Value {
    serde_json::from_str(stdout).unwrap_or_else(|e| panic!("{e}: {stdout}{stderr}"))
}

fn log_lines(path: &Path) -> Vec<Value> {
    let text = std::fs::read_to_string(path).unwrap();
    for t in [SCIM_TOKEN, OWNER_TOKEN] {
        assert!(!text.contains(t), "a token in the log: {text}");
    }
    text.lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect()
}

/// The log's lines that hold GitLab's answer (each change also has one written just before
/// its PATCH, with `"status": null`).
fn answers(path: &Path) -> Vec<Value> {
    log_lines(path)
        .into_iter()
        .filter(|l| !l["status"].is_null())
        .collect()
}

fn statuses(path: &Path) -> Vec<u64> {
    answers(path)
        .iter()
        .filter_map(|l| l["status"].as_u64())
        .collect()
}

fn tmp() -> tempfile::TempDir {
    tempfile::tempdir().unwrap()
}

/// Without --apply the plan is printed and GitLab is only read.
#[test]
fn the_plan_changes_nothing() {
    let gl = FakeGitLab::start(seed_people(), Switches::default());
    let dir = tmp();
    let url = scim_url(&gl);
    let (out, stdout, stderr) = fix(
        dir.path(),
        SCIM_TOKEN,
        &args(&["--scim", &url, "-f", "json"], &[]),
    );
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    let v = plan_json(&stdout, &stderr);
    assert_eq!(v["schema"], "samltrace/v1");
    let changes = v["fix"]["plan"]["changes"].as_array().unwrap();
    let pairs: Vec<(&str, &str)> = changes
        .iter()
        .map(|c| (c["from"].as_str().unwrap(), c["to"].as_str().unwrap()))
        .collect();
    assert_eq!(
        pairs,
        [
            (DAVE_GUID, "dave@example.com"),
            ("bob@example.com", "Bob@Example.com")
        ]
    );
    assert_eq!(changes[0]["evidence"]["verified"], true);
    assert_eq!(gl.calls("PATCH"), 0);
    let (text_out, text, _) = fix(dir.path(), SCIM_TOKEN, &args(&["--scim", &url], &[]));
    assert_eq!(text_out.status.code(), Some(1));
    assert!(
        text.contains("2 changes to group acme (SCIM API)"),
        "{text}"
    );
    assert!(text.contains("Bearer $SAMLTRACE_TOKEN"), "{text}");
    assert_eq!(
        std::fs::read_dir(dir.path()).unwrap().count(),
        0,
        "no log without --apply"
    );
}

/// Plan, apply, audit log, undo: the server ends exactly as it began; the log names each
/// change with its evidence and status, and holds no token.
#[test]
fn apply_then_undo_restores_the_server_exactly() {
    let gl = FakeGitLab::start(seed_people(), Switches::default());
    let before = gl.identities();
    let dir = tmp();
    let url = scim_url(&gl);
    let (out, stdout, stderr) = fix(
        dir.path(),
        SCIM_TOKEN,
        &args(&["--scim", &url, "--apply", "--yes"], &[]),
    );
    assert_eq!(out.status.code(), Some(0), "{stdout}{stderr}");
    assert!(stdout.contains("applied"), "{stdout}");
    // The default log: a new samltrace-fix-<time>.jsonl here, its path printed.
    let logs: Vec<PathBuf> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    assert_eq!(logs.len(), 1);
    let name = logs[0].file_name().unwrap().to_string_lossy().into_owned();
    assert!(
        name.starts_with("samltrace-fix-") && name.ends_with(".jsonl"),
        "{name}"
    );
    assert!(stderr.contains(&name), "{stderr}");
    assert_eq!(
        gl.scim_identity("dave@example.com").map(|i| i.user_id),
        Some(51)
    );
    assert_eq!(
        gl.scim_identity("Bob@Example.com").map(|i| i.user_id),
        Some(49)
    );
    assert_eq!(gl.calls("PATCH"), 2);
    let all = log_lines(&logs[0]);
    assert_eq!(
        all.len(),
        4,
        "a line before each PATCH and one with its answer"
    );
    assert!(all[0]["status"].is_null() && all[0]["to"] == all[1]["to"]);
    let lines = answers(&logs[0]);
    assert_eq!(lines.len(), 2);
    let l = &lines[0];
    assert_eq!(l["group"], "acme");
    assert_eq!(l["from"], DAVE_GUID);
    assert_eq!(l["to"], "dave@example.com");
    assert_eq!(l["status"], 204);
    assert_eq!(l["identity"]["user_name"], "dave");
    assert_eq!(l["identity"]["email"], "dave@example.com");
    assert_eq!(l["evidence"]["verified"], true);
    assert!(
        l["evidence"]["input"]
            .as_str()
            .unwrap()
            .ends_with("compare-mismatch.xml")
    );
    assert!(l["time"].as_str().unwrap().ends_with('Z'));

    let undo_log = dir.path().join("undo.jsonl");
    let (out, stdout, stderr) = fix(
        dir.path(),
        SCIM_TOKEN,
        &[
            "--undo".into(),
            logs[0].display().to_string(),
            "--apply".into(),
            "--yes".into(),
            "--log".into(),
            undo_log.display().to_string(),
        ],
    );
    assert_eq!(out.status.code(), Some(0), "{stdout}{stderr}");
    assert_eq!(gl.identities(), before, "undo restores the server exactly");
    assert_eq!(gl.calls("PATCH"), 4);
    let undone = answers(&undo_log);
    assert_eq!(undone.len(), 2);
    assert_eq!(undone[0]["action"], "undo");
    assert_eq!(undone[0]["from"], "Bob@Example.com", "newest first");
    // Undoing again finds the changes recorded as undone: nothing more is sent.
    let (out, _, stderr) = fix(
        dir.path(),
        SCIM_TOKEN,
        &[
            "--undo".into(),
            logs[0].display().to_string(),
            "--apply".into(),
            "--yes".into(),
            "--log".into(),
            undo_log.display().to_string(),
        ],
    );
    assert_eq!(out.status.code(), Some(0), "{stderr}");
    assert_eq!(gl.calls("PATCH"), 4);
}

/// With a group URL and an Owner's token the REST API is used (`PATCH scim/:uid`).
#[test]
fn a_group_url_applies_through_rest() {
    let gl = FakeGitLab::start(seed_people(), Switches::default());
    let dir = tmp();
    let url = format!("{}/groups/acme", gl.base);
    let log = dir.path().join("fix.jsonl");
    let (out, stdout, stderr) = apply(dir.path(), OWNER_TOKEN, &url, &log, &[]);
    assert_eq!(out.status.code(), Some(0), "{stdout}{stderr}");
    let patches: Vec<String> = gl
        .log()
        .into_iter()
        .filter(|l| l.method == "PATCH")
        .map(|l| l.url)
        .collect();
    assert!(
        patches[0].starts_with("/api/v4/groups/acme/scim/"),
        "{patches:?}"
    );
    assert_eq!(
        gl.scim_identity("dave@example.com").map(|i| i.user_id),
        Some(51)
    );
    assert_eq!(statuses(&log), [200, 200]);
}

/// --apply asks on a terminal; without one it needs --yes, and changes nothing.
#[test]
fn apply_without_yes_off_a_terminal_changes_nothing() {
    let gl = FakeGitLab::start(seed_people(), Switches::default());
    let dir = tmp();
    let url = scim_url(&gl);
    let (out, _, stderr) = fix(
        dir.path(),
        SCIM_TOKEN,
        &args(&["--scim", &url, "--apply"], &[]),
    );
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr.contains("--yes"), "{stderr}");
    assert_eq!(gl.calls("PATCH"), 0);
}

/// Guard: a response whose signature is not verified against a trust anchor changes nothing
/// unless --allow-unverified, which the plan states.
#[test]
fn an_unverified_response_is_refused() {
    let gl = FakeGitLab::start(seed_people(), Switches::default());
    let dir = tmp();
    let url = scim_url(&gl);
    let mut a = vec![
        "--scim".to_string(),
        url.clone(),
        "--apply".into(),
        "--yes".into(),
        AT.into(),
    ];
    a.extend(captures());
    let (out, stdout, stderr) = fix(dir.path(), SCIM_TOKEN, &a);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert!(
        stdout.contains("refused \"dave@example.com\" (unverified)"),
        "{stdout}"
    );
    assert_eq!(gl.calls("PATCH"), 0);
    a.push("--allow-unverified".into());
    a.extend([
        "--log".into(),
        dir.path().join("l.jsonl").display().to_string(),
    ]);
    let (out, stdout, stderr) = fix(dir.path(), SCIM_TOKEN, &a);
    assert_eq!(out.status.code(), Some(0), "{stdout}{stderr}");
    assert!(stdout.contains("--allow-unverified"), "{stdout}");
    assert!(stdout.contains("UNVERIFIED signature"), "{stdout}");
    assert_eq!(gl.calls("PATCH"), 2);
}

/// Guard: more changes than --max refuses the whole run.
#[test]
fn more_changes_than_max_are_refused() {
    let gl = FakeGitLab::start(seed_people(), Switches::default());
    let dir = tmp();
    let url = scim_url(&gl);
    let (out, _, stderr) = fix(
        dir.path(),
        SCIM_TOKEN,
        &args(&["--scim", &url, "--apply", "--yes", "--max", "1"], &[]),
    );
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr.contains("more than --max 1"), "{stderr}");
    assert_eq!(gl.calls("PATCH"), 0);
}

/// Guard: a value another identity holds, case-insensitively. (Held in the list, the plan
/// refuses it: src/repair/tests.rs.) Here user 60 took `DAVE@EXAMPLE.COM` after the list was
/// read (the stand-in leaves it out of lists): the check before the PATCH skips dave's change,
/// saying so, and bob's goes on.
#[test]
fn a_value_held_by_another_identity_is_refused() {
    let dir = tmp();
    let mut seed = seed_people();
    seed.users.push(User {
        id: 60,
        username: "dan".into(),
        name: "Dan Other".into(),
        email: "dan@example.com".into(),
        state: "active".into(),
        other_identities: Vec::new(),
        other_scim: Vec::new(),
    });
    seed.scim.push(Ident {
        extern_uid: "DAVE@EXAMPLE.COM".into(),
        user_id: 60,
        active: true,
    });
    let gl = FakeGitLab::start(
        seed,
        Switches {
            unlisted: vec!["DAVE@EXAMPLE.COM".into()],
            ..Switches::default()
        },
    );
    let before = gl.identities();
    let url = scim_url(&gl);
    let log = dir.path().join("l.jsonl");
    let (out, stdout, stderr) = apply(dir.path(), SCIM_TOKEN, &url, &log, &["--keep-going"]);
    assert_eq!(out.status.code(), Some(1), "{stdout}{stderr}");
    assert!(stdout.contains("skipped"), "{stdout}");
    assert!(
        stdout.contains("another identity holds the value now"),
        "{stdout}"
    );
    assert_eq!(
        gl.scim_identity(DAVE_GUID).map(|i| i.user_id),
        Some(51),
        "dave unchanged"
    );
    assert_eq!(gl.calls("PATCH"), 1, "only bob's change was sent");
    assert_ne!(gl.identities(), before);
}

/// Each status GitLab refuses a PATCH with is one line saying what it means; the run stops at
/// the first unless --keep-going.
#[test]
fn gitlab_errors_are_one_line_each_and_keep_going_decides() {
    for (status, says) in [
        (400, "Extern uid has already been taken"),
        (403, "forbidden"),
        (404, "not found"),
        (409, "conflict"),
        (412, "could not update"),
        (500, "HTTP 500"),
        (503, "HTTP 503"),
    ] {
        let gl = FakeGitLab::start(
            seed_people(),
            Switches {
                fail_patch: vec![(1, status)],
                ..Switches::default()
            },
        );
        let dir = tmp();
        let url = scim_url(&gl);
        let log = dir.path().join("l.jsonl");
        let (out, stdout, stderr) = apply(dir.path(), SCIM_TOKEN, &url, &log, &[]);
        assert_eq!(out.status.code(), Some(2), "{status}: {stdout}{stderr}");
        let line = stdout
            .lines()
            .find(|l| l.starts_with("failed"))
            .unwrap_or_default();
        assert!(
            line.contains(&format!("HTTP {status}")) && line.contains(says),
            "{status}: {stdout}"
        );
        assert!(stderr.contains("--keep-going"), "{stderr}");
        assert_eq!(gl.calls("PATCH"), 1, "{status}: stops at the first failure");
        assert_eq!(statuses(&log), [u64::from(status)], "the refusal is logged");
    }
    let gl = FakeGitLab::start(
        seed_people(),
        Switches {
            fail_patch: vec![(1, 403)],
            ..Switches::default()
        },
    );
    let dir = tmp();
    let url = scim_url(&gl);
    let log = dir.path().join("l.jsonl");
    let (out, _, _) = apply(dir.path(), SCIM_TOKEN, &url, &log, &["--keep-going"]);
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(gl.calls("PATCH"), 2, "--keep-going goes on");
    assert_eq!(statuses(&log), [403, 204]);
}

/// A 429 is waited out as Retry-After asks, and the change is made.
#[test]
fn a_rate_limit_is_waited_out() {
    let gl = FakeGitLab::start(
        seed_people(),
        Switches {
            fail_patch: vec![(1, 429)],
            ..Switches::default()
        },
    );
    let dir = tmp();
    let url = scim_url(&gl);
    let log = dir.path().join("l.jsonl");
    let (out, stdout, stderr) = apply(dir.path(), SCIM_TOKEN, &url, &log, &[]);
    assert_eq!(out.status.code(), Some(0), "{stdout}{stderr}");
    assert_eq!(gl.calls("PATCH"), 3);
    assert_eq!(statuses(&log), [204, 204]);
}

/// A server that goes away after the first PATCH leaves a log of one change; the run given
/// the same --log resumes against the server's state without repeating it.
#[test]
fn a_run_broken_off_midway_resumes_from_its_log() {
    let gl = FakeGitLab::start(
        seed_people(),
        Switches {
            drop_after_patches: Some(1),
            ..Switches::default()
        },
    );
    let dir = tmp();
    let log = dir.path().join("run.jsonl");
    let url = scim_url(&gl);
    let (out, stdout, stderr) = apply(dir.path(), SCIM_TOKEN, &url, &log, &["--timeout", "5"]);
    assert_eq!(out.status.code(), Some(2), "{stdout}{stderr}");
    assert!(stdout.contains("failed"), "{stdout}");
    let first = answers(&log);
    assert_eq!(first.len(), 1);
    assert_eq!(first[0]["to"], "dave@example.com");
    // The same GitLab, back again.
    let back = FakeGitLab::start(gl.seed(), Switches::default());
    drop(gl);
    let url = scim_url(&back);
    let (out, stdout, stderr) = apply(dir.path(), SCIM_TOKEN, &url, &log, &[]);
    assert_eq!(out.status.code(), Some(0), "{stdout}{stderr}");
    assert_eq!(back.calls("PATCH"), 1, "only bob's change is made");
    let all = answers(&log);
    assert_eq!(all.len(), 2);
    assert_eq!(all[1]["to"], "Bob@Example.com");
    assert_eq!(
        back.scim_identity("dave@example.com").map(|i| i.user_id),
        Some(51)
    );
    assert_eq!(
        back.scim_identity("Bob@Example.com").map(|i| i.user_id),
        Some(49)
    );
}

/// A PATCH GitLab made but whose answer was lost (the connection dropped) is still in the log,
/// written before it was sent: the run says it may have been made, and --undo reverts it.
#[test]
fn a_change_whose_answer_was_lost_is_logged_and_undone() {
    let gl = FakeGitLab::start(
        seed_people(),
        Switches {
            lose_patch_answers: vec![1],
            ..Switches::default()
        },
    );
    let before = gl.identities();
    let dir = tmp();
    let log = dir.path().join("run.jsonl");
    let url = scim_url(&gl);
    let (out, stdout, stderr) = apply(dir.path(), SCIM_TOKEN, &url, &log, &["--timeout", "5"]);
    assert_eq!(out.status.code(), Some(2), "{stdout}{stderr}");
    assert!(stdout.contains("may have made the change"), "{stdout}");
    assert_eq!(
        gl.scim_identity("dave@example.com").map(|i| i.user_id),
        Some(51),
        "GitLab made it"
    );
    let lines = log_lines(&log);
    assert_eq!(lines.len(), 1, "{lines:?}");
    assert!(lines[0]["status"].is_null());
    assert_eq!(lines[0]["to"], "dave@example.com");
    let (out, stdout, stderr) = fix(
        dir.path(),
        SCIM_TOKEN,
        &[
            "--undo".into(),
            log.display().to_string(),
            "--apply".into(),
            "--yes".into(),
            "--log".into(),
            dir.path().join("undo.jsonl").display().to_string(),
        ],
    );
    assert_eq!(out.status.code(), Some(0), "{stdout}{stderr}");
    assert!(stdout.contains("reverted"), "{stdout}");
    assert_eq!(gl.identities(), before, "the lost change is reverted");
}
