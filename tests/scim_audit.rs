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

fn findings(v: &Value) -> Vec<String> {
    v["audit"]["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["code"].as_str().unwrap().to_owned())
        .collect()
}

/// Entra's CSV download is three files joined by change ID: read together, they give the
/// requests the JSON gives, and the matching step of hank's update shows Entra matched him to
/// GitLab's "hank-1" on another attribute than externalId (issue 13, item 4).
#[test]
fn entra_csv_download_is_audited_and_its_matching_precedence_diagnosed() {
    let (v, out) = json(&[
        "scim",
        "audit",
        &sample("scim-entra-provisioning.csv"),
        &sample("scim-entra-provisioning_ModifiedProperties.csv"),
        &sample("scim-entra-provisioning_ProvisioningSteps.csv"),
        &sample("identities.scim.json"),
    ]);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    assert_eq!(
        codes(person(&v, "hank-1")),
        ["external_id_changed", "matching_precedence"]
    );
    assert_eq!(
        codes(person(&v, "frank")),
        ["conflict", "matching_precedence"]
    );
    let hank = &person(&v, "hank-1")["diagnoses"][1];
    assert!(
        hank["detail"]
            .as_str()
            .unwrap()
            .contains("matched this user to GitLab's SCIM user \"hank-1\""),
        "{hank}"
    );
    assert!(
        hank["call"]
            .as_str()
            .unwrap()
            .contains("extern_uid=hank@example.com"),
        "{hank}"
    );
    // Dave was matched on the externalId GitLab holds: no diagnosis.
    let dave = person(&v, "dave");
    assert!(codes(dave).is_empty(), "{dave}");
    assert_eq!(
        dave["idp_external_id"],
        "7c9e6679-7425-40de-944b-e07fc1f90ae7"
    );
    assert!(
        dave["origins"]
            .as_array()
            .unwrap()
            .iter()
            .any(|o| o == "samples/scim-entra-provisioning.csv line 5 (Dave Diver)"),
        "{dave}"
    );
    assert_eq!(
        stderr(&out).matches("Entra CSV:").count(),
        0,
        "{}",
        stderr(&out)
    );
}

/// The main file alone is read, with a warning that the values Entra sent are unknown.
#[test]
fn entra_csv_without_its_modified_properties_is_read_with_a_warning() {
    let (v, out) = json(&["scim", "audit", &sample("scim-entra-provisioning.csv")]);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("Entra CSV: no ProvisioningLogs_ModifiedProperties file"),
        "{}",
        stderr(&out)
    );
    assert_eq!(codes(person(&v, "hank-1")), Vec::<String>::new());
}

/// Okta's System Log: pushes, a 409, a 412, a deactivation and reactivation; a sign-in event is
/// nobody's request.
#[test]
fn okta_system_log_is_audited() {
    let (v, out) = json(&["scim", "audit", &sample("scim-okta-system-log.json")]);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    assert_eq!(v["audit"]["people"].as_array().unwrap().len(), 4);
    for (name, code) in [
        ("frank", "conflict"),
        ("gina", "missing_fields"),
        ("erin", "removed_and_added"),
    ] {
        assert_eq!(codes(person(&v, name)), [code], "{name}");
    }
    let alice = person(&v, "alice");
    assert!(codes(alice).is_empty(), "{alice}");
    assert_eq!(alice["idp_external_id"], "00u1alice00000000x7");
    assert_eq!(alice["origins"].as_array().unwrap().len(), 3);
}

/// Kibana's CSV export of api_json.log reads as the log does: frank's 409 against the
/// "frank-1" he was first provisioned with, the Groups request as a setup finding.
#[test]
fn kibana_csv_export_is_audited() {
    let (v, out) = json(&[
        "scim",
        "audit",
        &sample("scim-kibana-export.csv"),
        &sample("identities.scim.json"),
    ]);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    assert_eq!(codes(person(&v, "frank")), ["conflict"]);
    let call = person(&v, "frank")["diagnoses"][0]["call"]
        .as_str()
        .unwrap();
    assert!(call.contains("/scim/frank-1"), "{call}");
    let alice = person(&v, "alice");
    assert!(codes(alice).is_empty(), "{alice}");
    assert_eq!(
        alice["idp_external_id"],
        "0b1d561c-21ff-4092-beab-8154b17f82f2"
    );
    assert_eq!(findings(&v), ["group_provisioning"]);
}

/// A CSV that is neither an identity list nor a request log is refused with a line naming it,
/// not decoded as a capture.
#[test]
fn an_unknown_csv_is_refused_by_name() {
    let dir = tempfile::tempdir().unwrap();
    let csv = dir.path().join("report.csv");
    std::fs::write(&csv, "department,city\nSales,Oslo\n").unwrap();
    let out = run(&["scim", "audit", csv.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(2));
    let err = stderr(&out);
    assert!(
        err.contains("report.csv: a CSV, but none that scim audit reads"),
        "{err}"
    );
}
