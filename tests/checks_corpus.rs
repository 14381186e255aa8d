//! The checks over the shared conformance corpus (`../shared/corpus`): real messages from other
//! SAML projects' test suites. Every message must be judged without a panic, and the findings
//! must agree with the facts the corpus records (status, signatures, encryption, NameID).
//! Skips, saying so, when the corpus is absent (a fresh clone has no `../shared`).

mod common;

use std::path::PathBuf;
use std::sync::OnceLock;

use samltrace::checks::{Context, Finding};
use serde_json::Value;

fn corpus() -> Option<PathBuf> {
    let dir = common::corpus_dir();
    if dir.is_none() {
        eprintln!("skipped: ../shared/corpus is absent");
    }
    dir
}

/// Every decodable message of the corpus with its manifest entry and its findings, judged once.
fn judged() -> &'static [(Value, Vec<Finding>)] {
    static JUDGED: OnceLock<Vec<(Value, Vec<Finding>)>> = OnceLock::new();
    JUDGED.get_or_init(judge_all)
}

fn judge_all() -> Vec<(Value, Vec<Finding>)> {
    let Some(dir) = corpus() else { return vec![] };
    let text = std::fs::read_to_string(dir.join("manifest.json")).expect("manifest reads");
    let manifest: Vec<Value> = serde_json::from_str(&text).expect("manifest is JSON");
    let at = "2026-11-02T09:00:00Z".parse().expect("valid time");
    let mut out = Vec::new();
    for entry in manifest {
        let file = entry["file"].as_str().unwrap_or_default().to_owned();
        let bytes = std::fs::read(dir.join(&file)).expect("corpus file reads");
        for mut t in samltrace::pipeline::Pipeline::judging_at(at).decode(&file, &bytes) {
            if t.message.is_none() {
                continue;
            }
            t.check(&Context::new(at));
            out.push((entry.clone(), t.findings));
        }
    }
    out
}

fn has(findings: &[Finding], code: &str) -> bool {
    findings.iter().any(|f| f.code == code)
}

fn name(entry: &Value) -> &str {
    entry["file"].as_str().unwrap_or("?")
}

#[test]
fn every_message_is_judged_and_every_text_is_safe() {
    let all = judged();
    if corpus().is_some() {
        assert!(all.len() > 50, "only {} corpus messages decoded", all.len());
    }
    for (entry, findings) in all {
        for f in findings {
            let texts = [f.title, f.detail.as_str(), f.fix.as_str()];
            for text in texts {
                assert!(!text.is_empty(), "{}: {f:?}", name(entry));
                assert!(
                    !text.chars().any(|c| c.is_control()),
                    "{}: raw control character in {text:?}",
                    name(entry)
                );
            }
        }
    }
}

/// Fails when a corpus-based test compared nothing although the corpus is there.
fn compared(count: usize, at_least: usize) {
    if corpus().is_some() {
        assert!(count >= at_least, "only {count} corpus messages compared");
    }
}

#[test]
fn status_findings_follow_the_recorded_status() {
    let mut count = 0;
    for (entry, findings) in judged() {
        let e = &entry["expected"];
        let Some(status) = e["status_code"].as_str() else {
            continue;
        };
        let success = status.ends_with(":Success");
        assert_eq!(
            has(findings, "ST001"),
            !success,
            "{}: {findings:#?}",
            name(entry)
        );
        count += 1;
    }
    compared(count, 50);
}

#[test]
fn encrypted_messages_are_noted_without_a_key() {
    let mut count = 0;
    for (entry, findings) in judged() {
        if entry["kind"] == "Response" && entry["expected"]["encrypted"] == true {
            assert!(has(findings, "EN001"), "{}: {findings:#?}", name(entry));
            assert!(!has(findings, "NI001"), "{}: {findings:#?}", name(entry));
            count += 1;
        }
    }
    compared(count, 3);
}

#[test]
fn signature_presence_follows_the_recorded_facts() {
    let mut count = 0;
    for (entry, findings) in judged() {
        let e = &entry["expected"];
        let facts = &entry["document_facts"];
        let one_assertion = facts["n_assertions_direct"].as_u64() == Some(1)
            && facts["n_assertions_anywhere"].as_u64() == Some(1);
        let success = e["status_code"]
            .as_str()
            .is_some_and(|s| s.ends_with(":Success"));
        if entry["kind"] != "Response" || e["encrypted"] != false || !one_assertion || !success {
            continue;
        }
        let signed = e["signed_response"] == true || e["signed_assertion"] == true;
        assert_eq!(
            has(findings, "SG001"),
            !signed,
            "{}: {findings:#?}",
            name(entry)
        );
        count += 1;
    }
    compared(count, 20);
}

#[test]
fn a_recorded_name_id_is_never_called_missing() {
    let mut count = 0;
    for (entry, findings) in judged() {
        let id = entry["expected"]["name_id"].as_str().unwrap_or_default();
        if entry["kind"] == "Response" && !id.trim().is_empty() {
            assert!(!has(findings, "NI001"), "{}: {findings:#?}", name(entry));
            count += 1;
        }
    }
    compared(count, 30);
}
