//! Differential test: samltrace's GitLab verdict against ruby-saml itself (Debian's `ruby-saml`,
//! 1.13; GitLab runs 1.18), on every Response of `../shared/corpus` and of `samples/`.
//!
//! For each Response the test picks the settings GitLab would have (the certificate the peer
//! projects verify it with, else the fingerprint of the certificate it carries; the SP key; the
//! ACS URL and entity ID the message names), runs the real binary (`decode -f json`) and
//! `tests/ruby_oracle/driver.rb` with the same settings, and asserts that both accept or both
//! refuse, and that a refusal carries ruby-saml's message. It runs once with the time checks
//! off (a drift of 60 years both sides) and once at instants chosen around each time limit of
//! the response, with ruby-saml's clock stubbed and GitLab's drift (none).
//!
//! [`EXCEPTIONS`] lists the Responses where 1.13 and the 1.18 samltrace follows differ, each with
//! the ruby-saml change that explains it. Without ruby or ruby-saml the test says why it skips;
//! with `CI` set it fails instead (`.ci/run` installs them).

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::process::Command;

use serde_json::{Value, json};

const ROOT: &str = env!("CARGO_MANIFEST_DIR");
/// The drift that turns the time checks off: 60 years, judged at 2020.
const NO_TIME_DRIFT: u32 = 1_900_000_000;
const NO_TIME_AT: &str = "2020-01-01T00:00:00Z";
const DEFAULT_SP: &str = "https://sp.example.com/metadata";
const DEFAULT_ACS: &str = "https://sp.example.com/acs";

/// Where samltrace follows ruby-saml 1.18 and Debian's 1.13 judges otherwise, by file name
/// (or the job's id, `file#config@instant`), with the ruby-saml change that explains it.
///
/// Empty: on every Response of the corpus and the samples the two agree. The 1.13 → 1.18
/// changes (1.17's CVE-2024-45409 XPath fix, which Debian backported to 1.13.0-1+deb12u1;
/// 1.18's CVE-2025-25291/25292 parser-differential fix with `check_malformed_doc`, and
/// CVE-2025-25293's size limit) only refuse documents samltrace refuses before it has a
/// message (DOCTYPE, malformed XML, oversized input) or signature-wrapping shapes both refuse.
const EXCEPTIONS: &[(&str, &str)] = &[];

/// One judgement to make with both tools.
#[derive(Debug, Clone)]
struct Job {
    id: String,
    file: PathBuf,
    label: String,
    xml: String,
    certs: Vec<PathBuf>,
    fingerprint: Option<String>,
    sp_key: Option<PathBuf>,
    sp_entity_id: String,
    acs_url: String,
    at: String,
    drift: u32,
}

fn ruby_saml_missing() -> Option<String> {
    let out = Command::new("ruby")
        .args([
            "-e",
            "require 'onelogin/ruby-saml'; print OneLogin::RubySaml::VERSION",
        ])
        .output();
    match out {
        Ok(o) if o.status.success() => None,
        Ok(o) => Some(format!(
            "ruby-saml is not installed ({})",
            String::from_utf8_lossy(&o.stderr)
                .lines()
                .next()
                .unwrap_or("")
        )),
        Err(e) => Some(format!("ruby is not installed ({e})")),
    }
}

fn samltrace(args: &[String]) -> Value {
    let out = Command::new(assert_cmd::cargo::cargo_bin!("samltrace"))
        .args(args)
        .output()
        .expect("run samltrace");
    serde_json::from_slice(&out.stdout).unwrap_or_else(|e| {
        panic!(
            "samltrace {args:?}: {e}: {}",
            String::from_utf8_lossy(&out.stderr)
        )
    })
}

/// The first trace of a file, decoded without checks that matter here.
fn decoded(file: &Path, sp_key: Option<&Path>) -> Option<Value> {
    let mut args = vec![file.display().to_string(), "-f".into(), "json".into()];
    if let Some(k) = sp_key {
        args.extend(["--sp-key".into(), k.display().to_string()]);
    }
    let v = samltrace(&args);
    let t = v["traces"].get(0)?.clone();
    (t["message"]["kind"] == "Response").then_some(t)
}

/// The certificate text of the first `X509Certificate`, as a SHA-1 fingerprint.
fn embedded_fingerprint(trace: &Value) -> Option<String> {
    trace["signatures"]
        .as_array()?
        .iter()
        .find_map(|s| s["certificate"]["sha1"].as_str().map(str::to_owned))
}

/// Every instant of a response that is a limit, with a label: 5 s before each start, 1 s
/// after it, 1 s before each end and 5 s after it.
fn instants(trace: &Value) -> Vec<(String, String)> {
    let a = &trace["message"]["assertions"][0];
    let mut limits: Vec<(&str, &str, bool)> = Vec::new();
    let mut push = |name: &'static str, v: &Value, start: bool| {
        if let Some(s) = v.as_str() {
            limits.push((name, Box::leak(s.to_owned().into_boxed_str()), start));
        }
    };
    push("NotBefore", &a["conditions"]["not_before"], true);
    push("NotOnOrAfter", &a["conditions"]["not_on_or_after"], false);
    push("Session", &a["authn"]["session_not_on_or_after"], false);
    if let Some(cs) = a["subject"]["confirmations"].as_array() {
        for c in cs {
            push("Confirmation", &c["not_on_or_after"], false);
        }
    }
    let mut out = Vec::new();
    for (name, value, start) in limits {
        let Ok(t) = value.trim().parse::<jiff::Timestamp>() else {
            continue;
        };
        let offsets: [(i64, &str); 2] = match start {
            true => [(-5, "-5s"), (1, "+1s")],
            false => [(-1, "-1s"), (5, "+5s")],
        };
        for (secs, tag) in offsets {
            let at = t + jiff::SignedDuration::from_secs(secs);
            out.push((format!("{name}{tag}"), at.to_string()));
        }
    }
    out.sort();
    out.dedup_by(|a, b| a.1 == b.1);
    out
}

struct Source {
    file: PathBuf,
    certs: Vec<PathBuf>,
    sp_key: Option<PathBuf>,
}

fn corpus_sources(dir: &Path) -> Vec<Source> {
    let manifest: Value =
        serde_json::from_slice(&std::fs::read(dir.join("manifest.json")).unwrap()).unwrap();
    let rel = |v: &Value| v.as_str().map(|p| dir.join(p));
    manifest
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["kind"] == "Response")
        .map(|e| Source {
            file: dir.join(e["file"].as_str().unwrap()),
            certs: rel(&e["expected"]["signature_valid_with"])
                .into_iter()
                .collect(),
            sp_key: rel(&e["expected"]["decrypt_with"]),
        })
        .collect()
}

fn sample_sources() -> Vec<Source> {
    let samples = Path::new(ROOT).join("samples");
    let mut files: Vec<PathBuf> = Vec::new();
    for dir in [
        samples.clone(),
        samples.join("dsig"),
        samples.join("verdict"),
    ] {
        let Ok(entries) = std::fs::read_dir(&dir) else {
            continue;
        };
        for e in entries.flatten() {
            let p = e.path();
            let ext = p.extension().and_then(|x| x.to_str()).unwrap_or("");
            if matches!(ext, "xml" | "b64" | "form" | "txt" | "html") && p.is_file() {
                files.push(p);
            }
        }
    }
    files.sort();
    files
        .into_iter()
        .map(|file| {
            let name = file.file_name().unwrap().to_string_lossy().into_owned();
            let cert = match name.contains("ecdsa") {
                true => samples.join("dsig/keys/idp-ec.crt"),
                false => samples.join("keys/idp.crt"),
            };
            Source {
                sp_key: name
                    .starts_with("encrypted")
                    .then(|| samples.join("dsig/keys/sp.key")),
                file,
                certs: vec![cert],
            }
        })
        .collect()
}

/// The jobs of one Response: time off with the certificate, time off with its fingerprint, and
/// the instants around its limits.
fn jobs_for(src: &Source) -> Vec<Job> {
    let Some(trace) = decoded(&src.file, src.sp_key.as_deref()) else {
        return Vec::new();
    };
    let xml = trace["xml"].as_str().unwrap_or("").to_owned();
    let m = &trace["message"];
    let a = &m["assertions"][0];
    let acs = m["destination"]
        .as_str()
        .or_else(|| a["subject"]["confirmations"][0]["recipient"].as_str())
        .unwrap_or(DEFAULT_ACS)
        .to_owned();
    let sp = a["conditions"]["audiences"][0]
        .as_str()
        .unwrap_or(DEFAULT_SP)
        .to_owned();
    let name = src.file.file_name().unwrap().to_string_lossy().into_owned();
    let base = Job {
        id: String::new(),
        file: src.file.clone(),
        label: String::new(),
        xml,
        certs: Vec::new(),
        fingerprint: None,
        sp_key: src.sp_key.clone(),
        sp_entity_id: sp,
        acs_url: acs,
        at: NO_TIME_AT.to_owned(),
        drift: NO_TIME_DRIFT,
    };
    let mut configs: Vec<(String, Vec<PathBuf>, Option<String>)> = Vec::new();
    if !src.certs.is_empty() {
        configs.push(("cert".into(), src.certs.clone(), None));
    }
    let fingerprint = embedded_fingerprint(&trace).or_else(|| {
        let v = samltrace(&[
            "decode".into(),
            "-f".into(),
            "json".into(),
            "--idp-cert".into(),
            src.certs.first()?.display().to_string(),
            src.file.display().to_string(),
        ]);
        v["traces"][0]["signatures"][0]["key_certificate"]["sha1"]
            .as_str()
            .map(str::to_owned)
    });
    if let Some(f) = fingerprint {
        configs.push(("fingerprint".into(), Vec::new(), Some(f)));
    }
    if configs.is_empty() {
        let c = Path::new(ROOT).join("samples/keys/idp.crt");
        configs.push(("cert".into(), vec![c], None));
    }
    let mut jobs = Vec::new();
    for (i, (cfg, certs, fp)) in configs.iter().enumerate() {
        let job = Job {
            certs: certs.clone(),
            fingerprint: fp.clone(),
            ..base.clone()
        };
        jobs.push(Job {
            id: format!("{name}#{cfg}"),
            label: format!("{cfg}, time off"),
            ..job.clone()
        });
        if i > 0 {
            continue;
        }
        for (tag, at) in instants(&trace) {
            jobs.push(Job {
                id: format!("{name}#{cfg}@{tag}"),
                label: format!("{cfg}, at {at} ({tag})"),
                at: at.clone(),
                drift: 0,
                ..job.clone()
            });
        }
    }
    jobs
}

fn samltrace_verdict(job: &Job) -> Value {
    let mut args = vec![
        "decode".to_owned(),
        "-f".into(),
        "json".into(),
        "--at".into(),
        job.at.clone(),
        "--skew".into(),
        job.drift.to_string(),
        "--sp-entity-id".into(),
        job.sp_entity_id.clone(),
        "--acs-url".into(),
        job.acs_url.clone(),
    ];
    for c in &job.certs {
        args.extend(["--idp-cert".into(), c.display().to_string()]);
    }
    if let Some(f) = &job.fingerprint {
        args.extend(["--fingerprint".into(), f.clone()]);
    }
    if let Some(k) = &job.sp_key {
        args.extend(["--sp-key".into(), k.display().to_string()]);
    }
    args.push(job.file.display().to_string());
    let v = samltrace(&args);
    v["traces"][0]["gitlab_verdict"].clone()
}

fn ruby_verdicts(jobs: &[Job]) -> HashMap<String, Value> {
    let input: Vec<Value> = jobs
        .iter()
        .map(|j| {
            let certs: Vec<String> = j
                .certs
                .iter()
                .map(|c| std::fs::read_to_string(c).unwrap())
                .collect();
            json!({
                "id": j.id, "xml": j.xml, "certs": certs, "fingerprint": j.fingerprint,
                "sp_key": j.sp_key.as_ref().map(|k| std::fs::read_to_string(k).unwrap()),
                "sp_entity_id": j.sp_entity_id, "acs_url": j.acs_url,
                "at": (j.drift == 0).then(|| j.at.clone()),
                "drift": (j.drift != 0).then_some(j.drift),
            })
        })
        .collect();
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("jobs.json");
    std::fs::write(&path, serde_json::to_vec(&input).unwrap()).unwrap();
    let out = Command::new("ruby")
        .arg(Path::new(ROOT).join("tests/ruby_oracle/driver.rb"))
        .stdin(std::fs::File::open(&path).unwrap())
        .output()
        .expect("run ruby");
    assert!(
        out.status.success(),
        "driver.rb failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout)
        .lines()
        .map(|l| {
            let v: Value = serde_json::from_str(l).unwrap();
            (v["id"].as_str().unwrap().to_owned(), v)
        })
        .collect()
}

/// True when samltrace's refusal carries ruby-saml's message. With `soft = false`, as GitLab
/// runs it, `validate_structure` raises libxml2's own schema error (`valid_saml?` in
/// `saml_message.rb`: "5:0: ERROR: Element …"), not its fixed "Invalid SAML Response. Not match
/// the saml-schema-protocol-2.0.xsd": then the line libxml2 names must be samltrace's.
fn same_message(ours: &Value, ruby: &Value) -> bool {
    let theirs = ruby["error"].as_str().unwrap_or("");
    if ours["check"] != "validate_structure" {
        return ours["message"].as_str() == Some(theirs);
    }
    let Some((line, rest)) = theirs.split_once(':') else {
        return false;
    };
    let reason = ours["reason"].as_str().unwrap_or("");
    let ours_line = reason
        .strip_prefix("line ")
        .and_then(|r| r.split(',').next());
    rest.contains("ERROR: Element")
        && (reason.starts_with("in the decrypted") || ours_line == Some(line))
}

#[test]
fn verdicts_agree_with_ruby_saml() {
    if let Some(why) = ruby_saml_missing() {
        assert!(
            std::env::var_os("CI").is_none(),
            "{why}: CI must run the differential test (.ci/run installs ruby-saml)"
        );
        eprintln!("note: {why}: the differential test against ruby-saml is skipped");
        return;
    }
    let mut sources = sample_sources();
    let corpus = Path::new(ROOT).join("../shared/corpus");
    if corpus.join("manifest.json").exists() {
        sources.extend(corpus_sources(&corpus));
    } else {
        eprintln!("note: ../shared/corpus is missing: only samples/ are compared");
    }
    let jobs: Vec<Job> = sources.iter().flat_map(jobs_for).collect();
    let ruby = ruby_verdicts(&jobs);
    assert!(
        jobs.len() > 100,
        "only {} judgements: the sources were not found",
        jobs.len()
    );
    let accepted = ruby.values().filter(|r| r["valid"] == true).count();
    assert!(
        accepted > 10 && accepted < jobs.len() - 10,
        "ruby-saml accepted {accepted} of {}: the settings are not GitLab's",
        jobs.len()
    );
    let mut agree = 0;
    let mut excepted = Vec::new();
    let mut disagree = Vec::new();
    let responses: std::collections::BTreeSet<&Path> =
        jobs.iter().map(|j| j.file.as_path()).collect();
    for job in &jobs {
        let ours = samltrace_verdict(job);
        let r = &ruby[&job.id];
        let ruby_ok = r["valid"] == true;
        let our_ok = ours["outcome"] == "accepts";
        let same_message = ruby_ok || our_ok || same_message(&ours, r);
        let name = job.id.split('#').next().unwrap_or("");
        let exception = EXCEPTIONS.iter().find(|(k, _)| *k == name || *k == job.id);
        match (ruby_ok == our_ok && same_message, exception) {
            (true, _) => agree += 1,
            (false, Some((_, why))) => excepted.push(format!("{} ({}): {why}", job.id, job.label)),
            (false, None) => disagree.push(format!(
                "{} ({}):\n    ruby-saml: {}\n    samltrace: {} [{}] {}",
                job.id,
                job.label,
                match ruby_ok {
                    true => "accepts".to_owned(),
                    false => format!("refuses: {}", r["error"]),
                },
                ours["summary"],
                ours["check"],
                ours["reason"]
            )),
        }
    }
    eprintln!(
        "ruby-saml differential: {} Responses, {} judgements: {agree} agree, {} listed exceptions, {} disagree",
        responses.len(),
        jobs.len(),
        excepted.len(),
        disagree.len()
    );
    for e in &excepted {
        eprintln!("  exception: {e}");
    }
    assert!(
        disagree.is_empty(),
        "disagreements:\n{}",
        disagree.join("\n")
    );
}
