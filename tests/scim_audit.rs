//! `samltrace scim audit` as a user runs it: GitLab's api_json.log, an identity list and
//! captures, joined per person (issue 13, items 3 and 4). Every diagnosis is raised by the
//! sample log for one person and absent for the person whose chain holds.

mod common;

use common::{json, run, sample, stderr, stdout};
use serde_json::Value;

fn audit() -> (Value, std::process::Output) {
    json(&[
        "scim",
        "audit",
        &sample("scim-api_json.log"),
        &sample("identities.scim.json"),
        &sample("compare-mismatch.xml"),
        &sample("compare-match.xml"),
    ])
}

fn person<'a>(v: &'a Value, name: &str) -> &'a Value {
    v["audit"]["people"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["person"] == name)
        .unwrap_or_else(|| panic!("no row for {name}: {v}"))
}

fn codes(p: &Value) -> Vec<String> {
    p["diagnoses"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["code"].as_str().unwrap().to_owned())
        .collect()
}

#[test]
fn each_person_gets_the_diagnosis_their_requests_show() {
    let (v, out) = audit();
    assert_eq!(v["schema"], "samltrace/v1");
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    for (name, code) in [
        ("dave", "chain_broken"),
        ("frank", "conflict"),
        ("gina", "missing_fields"),
        ("erin", "removed_and_added"),
        ("hank-1", "external_id_changed"),
    ] {
        assert_eq!(codes(person(&v, name)), [code], "{name}");
    }
    let alice = person(&v, "alice");
    assert!(codes(alice).is_empty(), "{alice}");
    assert!(alice["breaks"].is_null());
    let id = "0b1d561c-21ff-4092-beab-8154b17f82f2";
    assert_eq!(alice["idp_external_id"], id);
    assert_eq!(alice["gitlab_scim"], serde_json::json!([id]));
    assert_eq!(alice["name_ids"], serde_json::json!([id]));
    let dave = person(&v, "dave");
    assert_eq!(dave["name_ids"], serde_json::json!(["dave@example.com"]));
    let call = dave["diagnoses"][0]["call"].as_str().unwrap();
    assert!(call.contains("extern_uid=dave@example.com"), "{call}");
    let findings: Vec<&str> = v["audit"]["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["code"].as_str().unwrap())
        .collect();
    assert_eq!(findings, ["group_provisioning"]);
}

#[test]
fn the_text_report_leads_with_what_needs_fixing() {
    let out = run(&[
        "scim",
        "audit",
        &sample("scim-api_json.log"),
        &sample("identities.scim.json"),
        &sample("compare-mismatch.xml"),
    ]);
    let text = stdout(&out);
    assert!(
        text.starts_with("── 10 people · 5 with something to fix ──"),
        "{text}"
    );
    let first_clean = text.find("\nalice\n").unwrap();
    for fixed in ["\ndave\n", "\nfrank\n", "\ngina\n", "\nerin\n"] {
        assert!(
            text.find(fixed).unwrap() < first_clean,
            "{fixed} after alice: {text}"
        );
    }
    assert!(text.contains("! conflict  At 2026-11-02T08:00:00.000Z the IdP created this user with externalId \"5d0f2c1a-7e3b-4a9c-b812-6f4e3d2c1b0a\""), "{text}");
    assert!(text.contains("\nSetup\n  ! group_provisioning"), "{text}");
}

#[test]
fn a_clean_chain_exits_0() {
    let dir = tempfile::tempdir().unwrap();
    let log = dir.path().join("api_json.log");
    let alice: String = std::fs::read_to_string(sample("scim-api_json.log"))
        .unwrap()
        .lines()
        .filter(|l| l.contains("\"alice\"") || !l.contains("/scim/v2/"))
        .map(|l| format!("{l}\n"))
        .collect();
    std::fs::write(&log, alice).unwrap();
    let ids = dir.path().join("ids.csv");
    std::fs::write(
        &ids,
        "source,user_id,username,email,extern_uid,active\nscim_group,48,alice,alice@example.com,0b1d561c-21ff-4092-beab-8154b17f82f2,true\n",
    )
    .unwrap();
    let (v, out) = json(&[
        "scim",
        "audit",
        log.to_str().unwrap(),
        ids.to_str().unwrap(),
        &sample("compare-match.xml"),
    ]);
    assert_eq!(out.status.code(), Some(0), "{v}\n{}", stderr(&out));
    assert_eq!(v["audit"]["people"].as_array().unwrap().len(), 1);
}

#[test]
fn nothing_to_audit_is_refused() {
    let out = run(&["scim", "audit", &sample("compare-match.xml")]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("nothing to audit"),
        "{}",
        stderr(&out)
    );
    let out = run(&["scim", "audit", "no/such/file.log"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("no/such/file.log: cannot read"),
        "{}",
        stderr(&out)
    );
}

/// Entra ID's provisioning logs (Graph's provisioningObjectSummary records, as the portal
/// downloads them) are read as the requests Entra made, with the same diagnoses.
#[test]
fn entra_provisioning_logs_are_audited_too() {
    let (v, out) = json(&[
        "scim",
        "audit",
        &sample("scim-entra-provisioning.json"),
        &sample("identities.scim.json"),
        &sample("compare-mismatch.xml"),
    ]);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    for (name, code) in [
        ("dave", "chain_broken"),
        ("gina", "missing_fields"),
        ("erin", "removed_and_added"),
    ] {
        assert_eq!(codes(person(&v, name)), [code], "{name}");
    }
    let dave = person(&v, "dave");
    assert_eq!(
        dave["idp_external_id"],
        "7c9e6679-7425-40de-944b-e07fc1f90ae7"
    );
    assert!(
        dave["origins"].as_array().unwrap().iter().any(|o| o
            .as_str()
            .unwrap()
            .starts_with("samples/scim-entra-provisioning.json record 1")),
        "{dave}"
    );
    assert_eq!(v["audit"]["findings"][0]["code"], "group_provisioning");
}
