//! The binary as a user runs it: `compare --scim`, `decode --scim` and `scim fetch`, against
//! the samples and the stand-in GitLab on 127.0.0.1.

mod common;

use std::process::{Command, Output};

use common::gitlab::*;
use serde_json::Value;

fn samltrace() -> Command {
    let mut cmd = Command::new(assert_cmd::cargo::cargo_bin!("samltrace"));
    cmd.current_dir(env!("CARGO_MANIFEST_DIR"));
    cmd.env_remove("SAMLTRACE_TOKEN").env("NO_COLOR", "1");
    cmd
}

fn run(cmd: &mut Command) -> (Output, String, String) {
    let out = cmd.output().expect("run samltrace");
    let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
    let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
    (out, stdout, stderr)
}

/// The samples' time and group: with them, only the identity can make a difference.
const AT: &str = "2026-11-02T09:00:00Z";
const GROUP: &str = "https://gitlab.com/groups/acme";

const RESPONSES: [(&str, &str); 6] = [
    ("samples/compare-match.xml", "match"),
    ("samples/compare-near-match.xml", "near_match"),
    ("samples/compare-mismatch.xml", "mismatch"),
    ("samples/compare-inactive.xml", "inactive"),
    ("samples/compare-ambiguous.xml", "ambiguous"),
    ("samples/compare-not-found.xml", "not_found"),
];

/// `compare -f json`: input → state.
fn states(scim: &str, extra: &[&str]) -> (Vec<(String, String)>, Output, String) {
    let (out, stdout, stderr) = run(samltrace()
        .args(["compare", "-f", "json", "--scim", scim])
        .args(extra)
        .args(RESPONSES.map(|r| r.0)));
    let doc: Value =
        serde_json::from_str(&stdout).unwrap_or_else(|e| panic!("{e}: {stdout}{stderr}"));
    let got = doc["traces"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| {
            (
                t["origin"]["input"].as_str().unwrap().to_owned(),
                t["verdict"]["state"].as_str().unwrap_or("null").to_owned(),
            )
        })
        .collect();
    (got, out, stderr)
}

fn expected() -> Vec<(String, String)> {
    RESPONSES
        .iter()
        .map(|(f, s)| (f.to_string(), s.to_string()))
        .collect()
}

#[test]
fn every_verdict_state_from_every_gitlab_format() {
    for list in [
        "samples/identities.scim.json",
        "samples/identities.rest.json",
        "samples/identities.csv",
    ] {
        let (got, out, _) = states(list, &[]);
        assert_eq!(got, expected(), "{list}");
        assert_eq!(
            out.status.code(),
            Some(1),
            "{list}: a verdict other than match is a problem"
        );
    }
}

#[test]
fn verdict_json_has_the_documented_fields() {
    let (out, stdout, _) = run(samltrace().args([
        "compare",
        "-f",
        "json",
        "--scim",
        "samples/identities.scim.json",
        "samples/compare-near-match.b64",
    ]));
    assert_eq!(out.status.code(), Some(1));
    let doc: Value = serde_json::from_str(&stdout).unwrap();
    let v = &doc["traces"][0]["verdict"];
    assert_eq!(v["state"], "near_match");
    assert_eq!(v["name_id"], "Bob@Example.com");
    assert_eq!(v["difference"], serde_json::json!(["case"]));
    for key in ["external_id", "user_name", "email", "user_id", "active"] {
        assert!(v["identity"].get(key).is_some(), "identity.{key} in {v}");
    }
    assert_eq!(v["identity"]["external_id"], "bob@example.com");
    assert!(v["reason"].as_str().unwrap().contains("capitalisation"));
    let fix = v["fix"].as_str().unwrap();
    assert!(
        fix.starts_with("curl --request PATCH") && fix.contains("$SAMLTRACE_TOKEN"),
        "{fix}"
    );
    assert!(v["candidates"].is_array());
}

#[test]
fn the_text_report_shows_each_verdict_with_its_reason() {
    let (out, stdout, stderr) = run(samltrace()
        .args(["compare", "--scim", "samples/identities.scim.json"])
        .args(RESPONSES.map(|r| r.0)));
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    for (_, state) in RESPONSES {
        assert!(
            stdout.contains(&format!("Verdict          {state}\n")),
            "{state} in\n{stdout}"
        );
    }
    assert!(
        stdout.contains("Fix              curl --request PATCH"),
        "{stdout}"
    );
    assert!(
        stderr.contains("warning: 2 people have external ids that differ only in capitalisation"),
        "{stderr}"
    );
    assert!(stderr.contains("\"kim.lee \""), "{stderr}");
}

#[test]
fn decode_takes_scim_too_and_a_match_exits_zero() {
    let (out, stdout, stderr) = run(samltrace().args([
        "decode",
        "--at",
        AT,
        "--gitlab-group",
        GROUP,
        "--scim",
        "samples/identities.csv",
        "samples/compare-match.xml",
    ]));
    assert_eq!(out.status.code(), Some(0), "{stdout}{stderr}");
    assert!(stdout.contains("Verdict          match"), "{stdout}");
    assert!(
        stdout.contains("No problems found."),
        "the checks agree: {stdout}"
    );
    let (out, stdout, _) = run(samltrace().args([
        "samples/compare-match.xml",
        "-f",
        "json",
        "--at",
        AT,
        "--gitlab-group",
        GROUP,
    ]));
    assert_eq!(out.status.code(), Some(0));
    let doc: Value = serde_json::from_str(&stdout).unwrap();
    assert!(
        doc["traces"][0]["verdict"].is_null(),
        "no --scim, no verdict"
    );
}

#[test]
fn gitlab_group_fills_in_the_fix_for_a_file() {
    let (out, stdout, _) = run(samltrace().args([
        "compare",
        "-f",
        "json",
        "--gitlab-group",
        GROUP,
        "--scim",
        "samples/identities.rest.json",
        "samples/compare-mismatch.xml",
    ]));
    assert_eq!(out.status.code(), Some(1));
    let doc: Value = serde_json::from_str(&stdout).unwrap();
    let fix = doc["traces"][0]["verdict"]["fix"].as_str().unwrap();
    assert!(
        fix.contains(&format!(
            "\"https://gitlab.com/api/v4/groups/acme/scim/{DAVE_GUID}\"  # SAMLTRACE_TOKEN"
        )),
        "{fix}"
    );
}

#[test]
fn other_formats_give_what_they_can_know() {
    let (got, _, stderr) = states("samples/identities.txt", &[]);
    let txt: Vec<&str> = got.iter().map(|(_, s)| s.as_str()).collect();
    assert_eq!(
        txt,
        [
            "match",
            "near_match",
            "not_found",
            "match",
            "ambiguous",
            "not_found"
        ],
        "{stderr}"
    );
    let (got, _, _) = states("samples/identities.entra.csv", &[]);
    let entra: Vec<&str> = got.iter().map(|(_, s)| s.as_str()).collect();
    assert_eq!(
        entra,
        [
            "match",
            "mismatch",
            "mismatch",
            "inactive",
            "not_found",
            "not_found"
        ]
    );
    let (got, _, _) = states("samples/identities.auth_json.log", &[]);
    assert_eq!(got[0].1, "match");
    assert_eq!(got[1].1, "near_match");
}

#[test]
fn a_forced_format_is_used_and_a_bad_one_refused() {
    let (got, _, _) = states("samples/identities.csv", &["--scim-format", "text"]);
    assert!(
        got.iter()
            .all(|(_, s)| s == "not_found" || s == "near_match" || s == "match" || s == "mismatch")
    );
    let (out, _, stderr) = run(samltrace().args([
        "compare",
        "--scim",
        "samples/identities.csv",
        "--scim-format",
        "xml",
        "samples/compare-match.xml",
    ]));
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr.contains("unknown format \"xml\""), "{stderr}");
}

#[test]
fn unusable_identity_files_exit_2_with_one_line() {
    let dir = tempfile::tempdir().unwrap();
    let bad = dir.path().join("bad.csv");
    std::fs::write(&bad, "externalId,active\na,maybe\nb,sometimes\n").unwrap();
    let (out, _, stderr) = run(samltrace()
        .args(["compare", "--scim"])
        .arg(&bad)
        .arg("samples/compare-match.xml"));
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr.contains("bad.csv: no usable identity: 2 row(s) skipped, the first at line 2"),
        "{stderr}"
    );
    let (out, _, stderr) = run(samltrace().args([
        "compare",
        "--scim",
        "missing.json",
        "samples/compare-match.xml",
    ]));
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr.contains("missing.json: cannot read"), "{stderr}");
    let broken = dir.path().join("broken.json");
    std::fs::write(&broken, "{\"Resources\": [\n {\"id\": }]}").unwrap();
    let (out, _, stderr) = run(samltrace()
        .args(["compare", "--scim"])
        .arg(&broken)
        .arg("samples/compare-match.xml"));
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr.contains("broken.json: line 2, column"), "{stderr}");
    assert_eq!(stderr.lines().count(), 1, "{stderr}");
}

#[test]
fn compare_needs_scim() {
    let (out, _, stderr) = run(samltrace().args(["compare", "samples/compare-match.xml"]));
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr.contains("compare needs --scim SOURCE"), "{stderr}");
}

#[test]
fn a_url_without_a_token_or_over_plain_http_is_refused() {
    let (out, _, stderr) = run(samltrace().args([
        "compare",
        "--scim",
        "https://gitlab.com/groups/acme",
        "samples/compare-match.xml",
    ]));
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr.contains("no token: set SAMLTRACE_TOKEN or pass --token-file"),
        "{stderr}"
    );
    let (out, _, stderr) = run(samltrace().env("SAMLTRACE_TOKEN", "glpat-x").args([
        "scim",
        "fetch",
        "http://gitlab.example.com/groups/acme",
    ]));
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr.contains("plain http is refused"), "{stderr}");
}

// ---- against the stand-in GitLab --------------------------------------------------------------

#[test]
fn fetch_saves_250_identities_read_over_3_pages_with_a_429() {
    let fake = FakeGitLab::start(
        seed_many(250),
        Switches {
            throttle: vec![Throttle {
                request: 2,
                headers: true,
            }],
            ..Switches::default()
        },
    );
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("ids.json");
    let (out, stdout, stderr) = run(samltrace()
        .env("SAMLTRACE_TOKEN", SCIM_TOKEN)
        .args([
            "scim",
            "fetch",
            &format!("{}/api/scim/v2/groups/acme", fake.base),
            "-o",
        ])
        .arg(&file));
    assert_eq!(out.status.code(), Some(0), "{stderr}");
    assert!(stdout.is_empty());
    assert!(stderr.contains("saved 250 identities"), "{stderr}");
    let saved: Value = serde_json::from_str(&std::fs::read_to_string(&file).unwrap()).unwrap();
    assert_eq!(saved["schema"], "samltrace/identities-v1");
    assert_eq!(saved["identities"].as_array().unwrap().len(), 250);
    assert!(fake.log().iter().any(|l| l.url.contains("startIndex=201")));
    assert_eq!(fake.log().len(), 4, "3 pages and one retry after the 429");
    // The saved list reads back.
    let (out, _, stderr) = run(samltrace()
        .args(["compare", "--scim"])
        .arg(&file)
        .arg("samples/compare-match.xml"));
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert!(stderr.is_empty(), "{stderr}");
}

#[test]
fn a_wrong_token_exits_2_naming_the_problem_and_writes_nothing() {
    let fake = FakeGitLab::start(seed_people(), Switches::default());
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("ids.json");
    let secret = "glsoat-thisisthewrongtoken42";
    let (out, stdout, stderr) = run(samltrace()
        .env("SAMLTRACE_TOKEN", secret)
        .args([
            "scim",
            "fetch",
            &format!("{}/api/scim/v2/groups/acme", fake.base),
            "-o",
        ])
        .arg(&file));
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr.contains("HTTP 401: the token was refused"),
        "{stderr}"
    );
    assert!(!stdout.contains(secret) && !stderr.contains(secret));
    assert!(!file.exists());
    assert_eq!(
        std::fs::read_dir(dir.path()).unwrap().count(),
        0,
        "no temporary file either"
    );
}

#[test]
fn a_server_answering_500_leaves_no_output_file() {
    let fake = FakeGitLab::start(
        seed_people(),
        Switches {
            always: Some(500),
            ..Switches::default()
        },
    );
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("ids.json");
    let (out, stdout, stderr) = run(samltrace()
        .env("SAMLTRACE_TOKEN", SCIM_TOKEN)
        .args([
            "scim",
            "fetch",
            &format!("{}/api/scim/v2/groups/acme", fake.base),
            "-o",
        ])
        .arg(&file));
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr.contains("HTTP 500: server error 500, still failing after 3 attempts"),
        "{stderr}"
    );
    assert!(stdout.is_empty());
    assert!(!file.exists());
    assert_eq!(
        std::fs::read_dir(dir.path()).unwrap().count(),
        0,
        "no temporary file either"
    );
}

#[test]
fn the_token_appears_in_no_output() {
    let fake = FakeGitLab::start(seed_people(), Switches::default());
    let dir = tempfile::tempdir().unwrap();
    let token_file = dir.path().join("token");
    std::fs::write(&token_file, format!("{OWNER_TOKEN}\n")).unwrap();
    let saved = dir.path().join("ids.json");
    let group = format!("{}/groups/acme", fake.base);
    let scim = format!("{}/api/scim/v2/groups/acme", fake.base);
    let runs: Vec<(Output, String, String)> = vec![
        run(samltrace()
            .args(["scim", "fetch", &group, "--saml-identities", "--token-file"])
            .arg(&token_file)
            .arg("-o")
            .arg(&saved)),
        run(samltrace()
            .args(["scim", "fetch", &group, "--token-file"])
            .arg(&token_file)),
        run(samltrace()
            .env("SAMLTRACE_TOKEN", OWNER_TOKEN)
            .args(["compare", "-f", "json", "--scim", &group])
            .args(RESPONSES.map(|r| r.0))),
        run(samltrace()
            .env("SAMLTRACE_TOKEN", OWNER_TOKEN)
            .args(["compare", "--scim", &group])
            .args(RESPONSES.map(|r| r.0))),
        run(samltrace().env("SAMLTRACE_TOKEN", OWNER_TOKEN).args([
            "compare",
            "--scim",
            &scim,
            "samples/compare-match.xml",
        ])),
        run(samltrace().env("SAMLTRACE_TOKEN", OWNER_TOKEN).args([
            "scim",
            "fetch",
            &format!("{}/groups/nope", fake.base),
        ])),
    ];
    for (i, (out, stdout, stderr)) in runs.iter().enumerate() {
        assert!(
            !stdout.contains(OWNER_TOKEN) && !stderr.contains(OWNER_TOKEN),
            "run {i}: {stdout}{stderr}"
        );
        assert!(
            !stdout.is_empty() || !stderr.is_empty(),
            "run {i} said something"
        );
        assert!(out.status.code().is_some());
    }
    assert_eq!(runs[0].0.status.code(), Some(0), "{}", runs[0].2);
    assert_eq!(
        runs[4].0.status.code(),
        Some(2),
        "a PAT on a SCIM URL is refused: {}",
        runs[4].2
    );
    assert!(
        runs[4].2.contains("the group's SCIM token"),
        "{}",
        runs[4].2
    );
    let file = std::fs::read_to_string(&saved).unwrap();
    assert!(!file.contains(OWNER_TOKEN));
    assert!(
        fake.log().iter().all(|l| !l.url.contains(OWNER_TOKEN)),
        "never in a URL"
    );
}

#[test]
fn a_live_scim_source_is_looked_up_with_filters() {
    let fake = FakeGitLab::start(seed_people(), Switches::default());
    let (out, stdout, stderr) = run(samltrace()
        .env("SAMLTRACE_TOKEN", SCIM_TOKEN)
        .args([
            "compare",
            "-f",
            "json",
            "--scim",
            &format!("{}/api/scim/v2/groups/acme", fake.base),
        ])
        .args([
            "samples/compare-match.xml",
            "samples/compare-near-match.xml",
            "samples/compare-mismatch.xml",
        ]));
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    let doc: Value = serde_json::from_str(&stdout).unwrap();
    let got: Vec<&str> = doc["traces"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["verdict"]["state"].as_str().unwrap())
        .collect();
    assert_eq!(got, ["match", "near_match", "mismatch"]);
    let fix = doc["traces"][2]["verdict"]["fix"].as_str().unwrap();
    assert!(
        fix.contains(&format!(
            "{}/api/scim/v2/groups/acme/Users/{DAVE_GUID}",
            fake.base
        )),
        "{fix}"
    );
    let log = fake.log();
    assert!(log.iter().all(|l| l.url.contains("filter=")), "{log:?}");
    assert!(log.iter().all(|l| l.auth.as_deref() == Some(SCIM_TOKEN)));
}

#[test]
fn a_live_group_source_joins_members_for_person_matching() {
    let fake = FakeGitLab::start(seed_people(), Switches::default());
    let (out, stdout, stderr) = run(samltrace().env("SAMLTRACE_TOKEN", OWNER_TOKEN).args([
        "compare",
        "-f",
        "json",
        "--scim",
        &format!("{}/groups/acme", fake.base),
        "samples/compare-mismatch.xml",
    ]));
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    let doc: Value = serde_json::from_str(&stdout).unwrap();
    let v = &doc["traces"][0]["verdict"];
    assert_eq!(v["state"], "mismatch");
    assert_eq!(v["identity"]["user_name"], "dave");
    let fix = v["fix"].as_str().unwrap();
    assert!(
        fix.contains(&format!(
            "\"{}/api/v4/groups/acme/scim/{DAVE_GUID}\"",
            fake.base
        )),
        "{fix}"
    );
}

/// A minimal (unsigned) Response naming `name_id`: the checks are quietened with `--at` and
/// `--gitlab-group`, so only the identity matters.
fn response_for(name_id: &str, n: usize) -> String {
    format!(
        r#"<samlp:Response xmlns:samlp="urn:oasis:names:tc:SAML:2.0:protocol" xmlns:saml="urn:oasis:names:tc:SAML:2.0:assertion" ID="_r{n}" Version="2.0" IssueInstant="2026-11-02T09:00:00Z" Destination="https://gitlab.com/groups/acme/-/saml/callback"><saml:Issuer>https://login.example.com/acme</saml:Issuer><samlp:Status><samlp:StatusCode Value="urn:oasis:names:tc:SAML:2.0:status:Success"/></samlp:Status><saml:Assertion ID="_a{n}" Version="2.0" IssueInstant="2026-11-02T09:00:00Z"><saml:Issuer>https://login.example.com/acme</saml:Issuer><saml:Subject><saml:NameID Format="urn:oasis:names:tc:SAML:2.0:nameid-format:persistent">{name_id}</saml:NameID></saml:Subject><saml:Conditions NotBefore="2026-11-02T08:55:00Z" NotOnOrAfter="2026-11-02T09:05:00Z"><saml:AudienceRestriction><saml:Audience>https://gitlab.com/groups/acme</saml:Audience></saml:AudienceRestriction></saml:Conditions></saml:Assertion></samlp:Response>"#
    )
}

/// `scim fetch` of a list holding two ids that differ only in case saves all 12 of 12 (it
/// said "incomplete list: 11 of 12 identities arrived"), from the SCIM API and from a group.
#[test]
fn fetch_keeps_ids_that_differ_only_in_case() {
    let fake = FakeGitLab::start(seed_case_pair(10), Switches::default());
    for (url, token) in [
        (format!("{}/api/scim/v2/groups/acme", fake.base), SCIM_TOKEN),
        (format!("{}/groups/acme", fake.base), OWNER_TOKEN),
    ] {
        let (out, stdout, stderr) = run(samltrace()
            .env("SAMLTRACE_TOKEN", token)
            .args(["scim", "fetch", &url]));
        assert_eq!(out.status.code(), Some(0), "{url}: {stderr}");
        let saved: Value = serde_json::from_str(&stdout).unwrap();
        let ids: Vec<&str> = saved["identities"]
            .as_array()
            .unwrap()
            .iter()
            .filter_map(|i| i["external_id"].as_str())
            .collect();
        assert_eq!(ids.len(), 12, "{url}: {ids:?}");
        assert!(ids.contains(&"Case-Pair") && ids.contains(&"case-pair"));
    }
}

/// `compare --scim URL` with more than ten NameIDs reads the whole list, case variants
/// included, and judges the pair `ambiguous` instead of failing on an incomplete list.
#[test]
fn compare_with_more_than_ten_name_ids_reads_the_whole_list() {
    let fake = FakeGitLab::start(seed_case_pair(10), Switches::default());
    let dir = tempfile::tempdir().unwrap();
    let names: Vec<String> = (1..=9)
        .map(|i| format!("uid-{i}"))
        .chain(["case-pair".into(), "Case-Pair".into()])
        .collect();
    let files: Vec<std::path::PathBuf> = names
        .iter()
        .enumerate()
        .map(|(n, name)| {
            let path = dir.path().join(format!("r{n:02}.xml"));
            std::fs::write(&path, response_for(name, n)).unwrap();
            path
        })
        .collect();
    for (url, token) in [
        (format!("{}/api/scim/v2/groups/acme", fake.base), SCIM_TOKEN),
        (format!("{}/groups/acme", fake.base), OWNER_TOKEN),
    ] {
        let (out, stdout, stderr) = run(samltrace()
            .env("SAMLTRACE_TOKEN", token)
            .args(["compare", "-f", "json", "--at", AT, "--gitlab-group", GROUP])
            .args(["--scim", &url])
            .args(&files));
        assert_eq!(out.status.code(), Some(1), "{url}: {stderr}");
        assert!(!stderr.contains("incomplete"), "{stderr}");
        let doc: Value = serde_json::from_str(&stdout).unwrap();
        let states: Vec<&str> = doc["traces"]
            .as_array()
            .unwrap()
            .iter()
            .map(|t| t["verdict"]["state"].as_str().unwrap())
            .collect();
        assert_eq!(&states[..9], ["match"; 9], "{url}");
        assert_eq!(&states[9..], ["ambiguous", "ambiguous"], "{url}");
    }
    assert!(
        fake.log().iter().all(|l| !l.url.contains("filter=")),
        "eleven NameIDs read the whole list"
    );
}

/// Regression: `--scim A --scim B` read one person twice and turned almost every verdict into
/// `ambiguous` ("the external id of 2 different people"). The same person is one record, and
/// its origin says which list gave what.
#[test]
fn combining_lists_merges_the_same_person() {
    for pair in [
        ["samples/identities.scim.json", "samples/identities.csv"],
        ["samples/identities.csv", "samples/identities.rest.json"],
        [
            "samples/identities.scim.json",
            "samples/identities.rest.json",
        ],
    ] {
        let (got, _, stderr) = states(pair[0], &["--scim", pair[1]]);
        assert_eq!(got, expected(), "{pair:?}: {stderr}");
    }
    let (_, stdout, _) = run(samltrace().args([
        "compare",
        "--scim",
        "samples/identities.scim.json",
        "--scim",
        "samples/identities.csv",
        "samples/compare-match.xml",
    ]));
    assert!(
        stdout.contains(
            "samples/identities.scim.json line 9 (user id: samples/identities.csv line 2)"
        ),
        "{stdout}"
    );
}

/// Regression: `--scim -` looked for a file named `-`.
#[test]
fn an_identity_list_can_come_from_stdin() {
    let csv = std::fs::read("samples/identities.csv").unwrap();
    let mut child = samltrace()
        .args([
            "compare",
            "-f",
            "json",
            "--scim",
            "-",
            "samples/compare-mismatch.xml",
        ])
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    use std::io::Write;
    child.stdin.take().unwrap().write_all(&csv).unwrap();
    let out = child.wait_with_output().unwrap();
    let doc: Value = serde_json::from_slice(&out.stdout).unwrap();
    let verdict = &doc["traces"][0]["verdict"];
    assert_eq!(verdict["state"], "mismatch");
    assert!(
        verdict["identity"]["origin"]
            .as_str()
            .unwrap()
            .starts_with("stdin line ")
    );
    // Standard input cannot hold the list and the messages.
    for args in [
        &["compare", "--scim", "-", "-"][..],
        &["compare", "--scim", "-"],
    ] {
        let (out, _, stderr) = run(samltrace().args(args).stdin(std::process::Stdio::null()));
        assert_eq!(out.status.code(), Some(2), "{args:?}");
        assert!(
            stderr.contains("standard input can be read once"),
            "{stderr}"
        );
    }
}

/// Regression: `compare --scim response.xml identities.csv` read the XML as a list of ids and
/// the CSV as a message ("base64: invalid character ','").
#[test]
fn a_message_and_a_list_given_the_wrong_way_round_are_named() {
    let (out, _, stderr) = run(samltrace().args([
        "compare",
        "--scim",
        "samples/compare-match.xml",
        "samples/identities.csv",
    ]));
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr.contains("samples/compare-match.xml: this is a SAML message, not an identity list: give it as an INPUT"),
        "{stderr}"
    );
    for (list, what) in [
        ("samples/identities.csv", "an identity list (CSV)"),
        ("samples/identities.scim.json", "a SCIM identity list"),
        (
            "samples/identities.rest.json",
            "a GitLab REST identity list",
        ),
        ("samples/identities.auth_json.log", "GitLab's auth_json.log"),
    ] {
        let (out, _, stderr) = run(samltrace().args(["decode", list]));
        assert_eq!(out.status.code(), Some(2), "{list}");
        assert!(
            stderr.contains(&format!(
                "{list}: input: this is {what}, not a SAML message: give it with --scim"
            )),
            "{stderr}"
        );
    }
    for capture in ["samples/har-chrome.har", "samples/okta-email.b64"] {
        let (out, _, stderr) =
            run(samltrace().args(["compare", "--scim", capture, "samples/compare-match.xml"]));
        assert_eq!(out.status.code(), Some(2), "{capture}");
        assert!(
            stderr.contains("not an identity list: give it as an INPUT"),
            "{stderr}"
        );
    }
}

/// Regression: for a subgroup the checks accepted the top-level group's audience but the fix
/// went to `/groups/acme%2Fplatform/…`; SAML and SCIM live on the top-level group.
#[test]
fn a_subgroups_fix_goes_to_its_top_level_group() {
    let (_, stdout, stderr) = run(samltrace().args([
        "compare",
        "-f",
        "json",
        "--gitlab-group",
        "https://gitlab.com/groups/acme/platform",
        "--scim",
        "samples/identities.rest.json",
        "samples/compare-mismatch.xml",
    ]));
    let doc: Value = serde_json::from_str(&stdout).unwrap_or_else(|e| panic!("{e}: {stderr}"));
    let fix = doc["traces"][0]["verdict"]["fix"].as_str().unwrap();
    assert!(
        fix.contains("\"https://gitlab.com/api/v4/groups/acme/scim/"),
        "{fix}"
    );
    assert!(!fix.contains("platform"), "{fix}");
}

/// `tui --refresh` is refused before the terminal is touched when it cannot work.
#[test]
fn tui_refresh_is_checked_before_the_terminal_opens() {
    for (args, says) in [
        (
            &["tui", "--refresh", "60"][..],
            "there is no identity list to read again",
        ),
        (
            &["tui", "--scim", "samples/identities.csv", "--refresh", "5"],
            "expected a number of seconds from 10 to 86400",
        ),
    ] {
        let (out, _, stderr) = run(samltrace().args(args).stdin(std::process::Stdio::null()));
        assert_eq!(out.status.code(), Some(2), "{args:?}: {stderr}");
        assert!(stderr.contains(says), "{stderr}");
    }
}

/// `tui --scim-log` reads its logs before the terminal is touched: a message or an identity
/// list given as one is refused with a line naming it; a log that reads is accepted (and the
/// TUI then asks for a terminal).
#[test]
fn tui_scim_log_is_read_before_the_terminal_opens() {
    for file in ["samples/compare-match.xml", "samples/identities.scim.json"] {
        let (out, _, stderr) = run(samltrace()
            .args(["tui", "--scim-log", file])
            .stdin(std::process::Stdio::null()));
        assert_eq!(out.status.code(), Some(2), "{file}: {stderr}");
        assert!(
            stderr.contains(&format!("{file}: not a SCIM request log")),
            "{stderr}"
        );
    }
    let (out, _, stderr) = run(samltrace()
        .args(["tui", "--scim-log", "samples/scim-api_json.log"])
        .stdin(std::process::Stdio::null()));
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(stderr.contains("the TUI needs a terminal"), "{stderr}");
}
