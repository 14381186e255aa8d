//! The published contract (issue 16, item 4): every JSON document and every NDJSON line the
//! binary prints validates against `docs/schema/samltrace-v1.schema.json`, for every sample and
//! every command that prints JSON; the schema's closed sets are the code's; and the schema bites
//! (a wrong type or an unknown field is refused). Each run counts what it validated and fails
//! below a floor, so a broken runner cannot pass by validating nothing.

mod common;

use std::path::Path;
use std::sync::OnceLock;

use jsonschema::ValidatorMap;
use serde_json::Value;

use common::gitlab::{FakeGitLab, OWNER_TOKEN, SCIM_TOKEN, Switches, seed_people};

const SCHEMA_PATH: &str = "docs/schema/samltrace-v1.schema.json";
/// The samples' sign-in time: their findings do not depend on today's date.
const AT: &str = "2026-11-02T09:00:00Z";
const GROUP: &str = "https://gitlab.com/groups/acme";

// ---- the schema ----------------------------------------------------------------------------

fn schema() -> &'static Value {
    static SCHEMA: OnceLock<Value> = OnceLock::new();
    SCHEMA.get_or_init(|| {
        let path = Path::new(env!("CARGO_MANIFEST_DIR")).join(SCHEMA_PATH);
        serde_json::from_slice(&std::fs::read(path).unwrap()).unwrap()
    })
}

/// A validator for the root and for every subschema, keyed `#/$defs/NAME`. Offline: a `$ref`
/// that is not inside the file fails here instead of being fetched.
fn validators() -> &'static ValidatorMap {
    static MAP: OnceLock<ValidatorMap> = OnceLock::new();
    MAP.get_or_init(|| {
        jsonschema::draft202012::options()
            .offline()
            .build_map(schema())
            .unwrap_or_else(|e| panic!("{SCHEMA_PATH} does not compile: {e}"))
    })
}

/// What a printed document must be.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Shape {
    /// `--format json` of decode, compare, har.
    Traces,
    /// One line of `--format ndjson`.
    Trace,
    /// `explain --format json`.
    Explanations,
    /// `scim fetch`.
    Identities,
    /// `scim audit --format json`.
    Audit,
    /// `scim fix --format json`.
    Fix,
}

impl Shape {
    fn pointer(self) -> &'static str {
        match self {
            Shape::Traces => "#/$defs/traces_document",
            Shape::Trace => "#/$defs/trace",
            Shape::Explanations => "#/$defs/explanations_document",
            Shape::Identities => "#/$defs/identities_document",
            Shape::Audit => "#/$defs/audit_document",
            Shape::Fix => "#/$defs/fix_document",
        }
    }
}

/// The schema's complaints about `doc` as a `shape` (and as the root, which accepts every
/// shape), one line each.
fn complaints(shape: Shape, doc: &Value) -> Vec<String> {
    let map = validators();
    let def = map
        .get(shape.pointer())
        .unwrap_or_else(|| panic!("{SCHEMA_PATH} has no {}", shape.pointer()));
    let mut out: Vec<String> = def
        .iter_errors(doc)
        .map(|e| format!("{}: {e}", e.instance_path()))
        .collect();
    if out.is_empty() && !map["#"].is_valid(doc) {
        out.push(format!("valid as {shape:?} but not for the root schema"));
    }
    out
}

// ---- running the binary --------------------------------------------------------------------

/// What the runs of one test validated, and what failed.
#[derive(Default)]
struct Tally {
    documents: usize,
    failures: Vec<String>,
}

impl Tally {
    /// Runs samltrace with `args` (and `stdin`), and validates what it printed as `shape`
    /// (an NDJSON run: every line as a trace).
    fn run(&mut self, args: &[&str], stdin: Option<&[u8]>, shape: Shape) {
        self.run_env(args, stdin, &[], shape);
    }

    fn run_env(&mut self, args: &[&str], stdin: Option<&[u8]>, env: &[(&str, &str)], shape: Shape) {
        let mut cmd = common::samltrace();
        cmd.args(args);
        for (k, v) in env {
            cmd.env(k, v);
        }
        if let Some(input) = stdin {
            cmd.write_stdin(input.to_vec());
        }
        let out = cmd.output().expect("the binary runs");
        let what = format!("samltrace {}", args.join(" "));
        if !matches!(out.status.code(), Some(0..=2)) {
            self.failures.push(format!("{what}: exit {:?}", out.status));
            return;
        }
        let text = String::from_utf8_lossy(&out.stdout).into_owned();
        self.printed(&what, &text, shape);
    }

    /// Validates `text` printed by `what`.
    fn printed(&mut self, what: &str, text: &str, shape: Shape) {
        if shape == Shape::Trace {
            if text.trim().is_empty() {
                self.failures
                    .push(format!("{what}: printed no NDJSON line"));
            }
            for (i, line) in text.lines().enumerate() {
                self.document(&format!("{what} (line {})", i + 1), line, shape);
            }
        } else {
            self.document(what, text, shape);
        }
    }

    fn document(&mut self, what: &str, text: &str, shape: Shape) {
        let doc: Value = match serde_json::from_str(text) {
            Ok(v) => v,
            Err(e) => {
                self.failures
                    .push(format!("{what}: not JSON ({e}): {text:.200}"));
                return;
            }
        };
        self.documents += 1;
        for c in complaints(shape, &doc).into_iter().take(5) {
            self.failures.push(format!("{what}: {c}"));
        }
    }

    /// Fails on any complaint, or when fewer than `floor` documents were validated.
    fn assert(self, name: &str, floor: usize) {
        assert!(
            self.failures.is_empty(),
            "{} of the printed documents break {SCHEMA_PATH}:\n{}",
            self.failures.len(),
            self.failures.join("\n")
        );
        assert!(
            self.documents >= floor,
            "only {} documents validated, expected at least {floor}",
            self.documents
        );
        eprintln!("schema: {name}: {} documents valid", self.documents);
    }
}

const FORMATS: [(&str, Shape); 2] = [("json", Shape::Traces), ("ndjson", Shape::Trace)];

/// Every sample file (the samples directory and its subdirectories of messages), sorted; the
/// scripts, READMEs, keys and golden canonical forms are not inputs.
fn samples() -> Vec<String> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut out = Vec::new();
    for dir in ["samples", "samples/dsig", "samples/verdict"] {
        for entry in std::fs::read_dir(root.join(dir)).unwrap() {
            let path = entry.unwrap().path();
            let name = path.file_name().unwrap().to_string_lossy().into_owned();
            let skip = path.is_dir()
                || name == "README.md"
                || [".py", ".crt", ".key", ".pem"]
                    .iter()
                    .any(|e| name.ends_with(e));
            if !skip {
                out.push(format!("{dir}/{name}"));
            }
        }
    }
    out.sort();
    out
}

/// The captures among the samples: HAR files and SAML-tracer exports.
fn captures() -> Vec<String> {
    samples()
        .into_iter()
        .filter(|s| s.ends_with(".har") || (s.ends_with(".json") && s.contains("tracer")))
        .collect()
}

/// The identity lists among the samples.
fn identity_lists() -> Vec<String> {
    samples()
        .into_iter()
        .filter(|s| s.starts_with("samples/identities."))
        .collect()
}

// ---- the commands --------------------------------------------------------------------------

/// `decode` of every sample, in both formats, alone and as the bare `samltrace FILE`.
#[test]
fn decode_of_every_sample_matches_the_schema() {
    let mut t = Tally::default();
    let samples = samples();
    for s in &samples {
        for (format, shape) in FORMATS {
            t.run(&["decode", s, "-f", format, "--at", AT], None, shape);
        }
    }
    // Every sample in one run (one document, many traces), and the subcommand left out.
    let mut all: Vec<&str> = samples.iter().map(String::as_str).collect();
    all.extend(["-f", "json", "--at", AT]);
    t.run(&all, None, Shape::Traces);
    t.run(
        &["samples/okta-email.b64", "-f", "ndjson"],
        None,
        Shape::Trace,
    );
    // Input the binary cannot read: error traces.
    t.run(
        &["decode", "no-such-file.xml", "-f", "json"],
        None,
        Shape::Traces,
    );
    t.run(
        &["decode", "-", "-f", "ndjson"],
        Some(b"not SAML at all"),
        Shape::Trace,
    );
    t.run(
        &["decode", "-", "-f", "json"],
        Some(b"SAMLResponse=PHNhbWxwOlJlc3BvbnNl&RelayState=x"),
        Shape::Traces,
    );
    t.assert("decode", 2 * samples.len() + 4);
}

/// `decode` with every trust anchor and key the samples are made with: verified, refused and
/// decrypted signatures, SP signatures, a fingerprint, the expected group.
#[test]
fn decode_with_keys_matches_the_schema() {
    let mut t = Tally::default();
    let samples = samples();
    let keys = [
        "--idp-cert",
        "samples/keys/idp.crt",
        "--sp-key",
        "samples/dsig/keys/sp.key",
        "--sp-cert",
        "samples/dsig/keys/sp.crt",
        "--gitlab-group",
        GROUP,
    ];
    for s in &samples {
        for (format, shape) in FORMATS {
            let mut args = vec!["decode", s, "-f", format, "--at", AT];
            args.extend(keys);
            t.run(&args, None, shape);
        }
    }
    let other = [
        [
            "samples/dsig/response-ecdsa-p384.xml",
            "--idp-cert",
            "samples/dsig/keys/idp-ec.crt",
        ],
        [
            "samples/dsig/response-sha256.xml",
            "--idp-cert",
            "samples/dsig/keys/idp-public.pem",
        ],
        [
            "samples/dsig/response-sha256.xml",
            "--idp-cert",
            "samples/dsig/keys/idp-ec.crt",
        ],
        [
            "samples/dsig/redirect-signed.query",
            "--sp-cert",
            "samples/keys/idp.crt",
        ],
        // The wrong private key: decryption fails (EN002).
        [
            "samples/dsig/encrypted-aes256cbc-oaep.xml",
            "--sp-key",
            "samples/keys/idp.key",
        ],
        [
            "samples/okta-email.b64",
            "--fingerprint",
            "AB:C4:04:A6:C2:56:B3:9B:76:F0:34:FB:CF:52:22:1C:CA:DF:77:F9",
        ],
        [
            "samples/okta-email.b64",
            "--fingerprint",
            "00112233445566778899aabbccddeeff00112233",
        ],
    ];
    for args in other {
        for (format, shape) in FORMATS {
            let mut all = vec!["decode", "-f", format];
            all.extend(args);
            t.run(&all, None, shape);
        }
    }
    t.assert("decode with keys", 2 * samples.len() + 2 * other.len());
}

/// `har` on every capture, a directory of them, stdin, and with keys.
#[test]
fn har_of_every_capture_matches_the_schema() {
    let mut t = Tally::default();
    let captures = captures();
    assert!(captures.len() >= 7, "captures: {captures:?}");
    for c in &captures {
        for (format, shape) in FORMATS {
            t.run(&["har", c, "-f", format], None, shape);
            t.run(
                &["har", c, "-f", format, "--at", AT, "--gitlab-group", GROUP],
                None,
                shape,
            );
        }
    }
    for (format, shape) in FORMATS {
        t.run(&["har", "samples", "-f", format], None, shape);
        t.run(
            &["har", "-r", "samples", "-f", format, "--at", AT],
            None,
            shape,
        );
        t.run(
            &[
                "har",
                "samples/verdict/har-sp-signed.har",
                "-f",
                format,
                "--sp-cert",
                "samples/dsig/keys/sp.crt",
                "--idp-cert",
                "samples/keys/idp.crt",
            ],
            None,
            shape,
        );
        let chrome = std::fs::read("samples/har-chrome.har").unwrap();
        t.run(&["har", "-", "-f", format], Some(&chrome), shape);
        t.run(&["har", "no-such.har", "-f", format], None, shape);
    }
    t.assert("har", 4 * captures.len() + 10);
}

/// `compare` of the verdict samples, a request and the captures with every identity list:
/// every verdict state, candidates, differences and fixes.
#[test]
fn compare_with_every_identity_list_matches_the_schema() {
    let mut t = Tally::default();
    let lists = identity_lists();
    assert!(lists.len() >= 6, "identity lists: {lists:?}");
    let mut inputs: Vec<String> = samples()
        .into_iter()
        .filter(|s| s.starts_with("samples/compare-"))
        .collect();
    inputs.extend(
        [
            "samples/logout-request.xml",
            "samples/authn-request-redirect.url",
            "samples/har-chrome.har",
            "samples/saml-tracer.json",
        ]
        .map(str::to_owned),
    );
    for list in &lists {
        for (format, shape) in FORMATS {
            let mut args = vec!["compare", "--scim", list, "-f", format, "--at", AT];
            args.extend(["--gitlab-group", GROUP]);
            args.extend(inputs.iter().map(String::as_str));
            t.run(&args, None, shape);
            t.run(
                &[
                    "compare",
                    "--scim",
                    list,
                    "samples/har-firefox.har",
                    "-f",
                    format,
                ],
                None,
                shape,
            );
        }
    }
    // decode takes --scim too, and several lists combine.
    let mut all = vec!["decode", "samples/compare-ambiguous.xml", "-f", "json"];
    for list in &lists {
        all.extend(["--scim", list]);
    }
    t.run(&all, None, Shape::Traces);
    t.assert("compare", 4 * lists.len() + 1);
}

/// The live sources: `compare --scim URL` against the stand-in GitLab (fixes name the API), and
/// `scim fetch` (the saved identity list, to stdout and to a file).
#[test]
fn live_sources_and_scim_fetch_match_the_schema() {
    let fake = FakeGitLab::start(seed_people(), Switches::default());
    let scim = format!("{}/api/scim/v2/groups/acme", fake.base);
    let group = format!("{}/groups/acme", fake.base);
    let mut t = Tally::default();
    for (format, shape) in FORMATS {
        for (source, token) in [(&scim, SCIM_TOKEN), (&group, OWNER_TOKEN)] {
            let mut args = vec!["compare", "--scim", source, "-f", format, "--at", AT];
            args.extend([
                "samples/compare-mismatch.xml",
                "samples/compare-near-match.xml",
            ]);
            args.extend([
                "samples/compare-inactive.xml",
                "samples/compare-not-found.xml",
            ]);
            t.run_env(&args, None, &[("SAMLTRACE_TOKEN", token)], shape);
        }
    }
    for (source, token) in [(&scim, SCIM_TOKEN), (&group, OWNER_TOKEN)] {
        let env = [("SAMLTRACE_TOKEN", token)];
        t.run_env(&["scim", "fetch", source], None, &env, Shape::Identities);
    }
    let env = [("SAMLTRACE_TOKEN", OWNER_TOKEN)];
    let args = ["scim", "fetch", &group, "--saml-identities"];
    t.run_env(&args, None, &env, Shape::Identities);
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("ids.json");
    let file_arg = file.to_string_lossy().into_owned();
    let out = common::samltrace()
        .env("SAMLTRACE_TOKEN", OWNER_TOKEN)
        .args([
            "scim",
            "fetch",
            &group,
            "--saml-identities",
            "-o",
            &file_arg,
        ])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", common::stderr(&out));
    let saved = std::fs::read_to_string(&file).unwrap();
    t.printed("scim fetch -o FILE", &saved, Shape::Identities);
    // The saved list reads back, and the traces compared with it match the schema too.
    for (format, shape) in FORMATS {
        t.run(
            &[
                "compare",
                "--scim",
                &file_arg,
                "samples/compare-match.xml",
                "-f",
                format,
            ],
            None,
            shape,
        );
    }
    t.assert("live sources and scim fetch", 4 + 3 + 1 + 2);
}

/// `explain --format json`: a framed message, several matches, an unknown message (closest
/// entries), JSON log lines on stdin.
#[test]
fn explain_json_matches_the_schema() {
    let mut t = Tally::default();
    let messages = [
        "Fingerprint mismatch",
        "Could not authorize you from SAML because \"Saml response must contain 1 assertion\".",
        "Acme SAML authentication failed: Extern uid has already been taken. Please contact your \
         administrator to generate a unique extern_uid / NameID, User has already been taken",
        "the SAML reply needs exactly one assertion inside",
        "Signin failed",
    ];
    for m in messages {
        t.run(&["explain", "-f", "json", m], None, Shape::Explanations);
    }
    let log = b"{\"severity\":\"ERROR\",\"error\":\"Fingerprint mismatch\"}\n\
        {\"exception\":{\"message\":\"Invalid Signature on SAML Response\"}}\n\
        {\"message\":\"Extern uid has already been taken\"}\n\
        {\"error_message\":\"nothing known\"}\n";
    t.run(
        &["explain", "-f", "json", "-"],
        Some(log),
        Shape::Explanations,
    );
    t.assert("explain", messages.len() + 1);
}

/// `scim audit -f json` over the sample log, lists and captures: every diagnosis code appears.
#[test]
fn scim_audit_json_matches_the_schema() {
    let mut t = Tally::default();
    let log = "samples/scim-api_json.log";
    let runs: [&[&str]; 6] = [
        &[log],
        &[
            "samples/scim-entra-provisioning.csv",
            "samples/scim-entra-provisioning_ModifiedProperties.csv",
            "samples/scim-entra-provisioning_ProvisioningSteps.csv",
            "samples/identities.scim.json",
        ],
        &[
            "samples/scim-okta-system-log.json",
            "samples/scim-kibana-export.csv",
        ],
        &[
            log,
            "samples/identities.scim.json",
            "samples/compare-mismatch.xml",
        ],
        &[
            log,
            "samples/identities.csv",
            "samples/identities.rest.json",
            "samples/har-chrome.har",
        ],
        &["samples/identities.scim.json", "samples/saml-tracer.json"],
    ];
    for inputs in runs {
        let mut args = vec!["scim", "audit", "-f", "json"];
        args.extend(inputs);
        t.run(&args, None, Shape::Audit);
    }
    t.assert("scim audit", runs.len());
}

/// `scim fix -f json`: plans with changes, refusals of each kind a file list can show, and
/// an unverified plan (the apply results are checked against the stand-in in scim_fix.rs).
#[test]
fn scim_fix_json_matches_the_schema() {
    let mut t = Tally::default();
    let at = "--at=2026-11-02T09:00:00Z";
    let captures = [
        "samples/compare-mismatch.xml",
        "samples/compare-near-match.xml",
        "samples/compare-match.xml",
        "samples/compare-ambiguous.xml",
    ];
    let runs: [&[&str]; 3] = [
        &["--idp-cert", "samples/keys/idp.crt", at],
        &[
            "--idp-cert",
            "samples/keys/idp.crt",
            at,
            "--gitlab-group",
            "https://gitlab.com/groups/acme",
            "--max",
            "1",
        ],
        &[at, "--allow-unverified"],
    ];
    for list in [
        "samples/identities.scim.json",
        "samples/identities.rest.json",
    ] {
        for extra in runs {
            let mut args = vec!["scim", "fix", "-f", "json", "--scim", list];
            args.extend(captures);
            args.extend(extra);
            t.run(&args, None, Shape::Fix);
        }
    }
    // Without a trust anchor every change is refused as unverified.
    let mut args = vec![
        "scim",
        "fix",
        "-f",
        "json",
        "--scim",
        "samples/identities.csv",
        at,
    ];
    args.extend(captures);
    t.run(&args, None, Shape::Fix);
    t.assert("scim fix", 7);
}

/// The shared corpus of other projects' test messages, when it is beside the crate (not
/// counted in any floor: the samples carry the contract).
#[test]
fn corpus_messages_match_the_schema() {
    let Some(dir) = common::corpus_dir() else {
        eprintln!("note: ../shared/corpus is absent; corpus schema check skipped");
        return;
    };
    let mut t = Tally::default();
    let mut files: Vec<_> = std::fs::read_dir(dir.join("messages"))
        .unwrap()
        .map(|e| e.unwrap().path().to_string_lossy().into_owned())
        .collect();
    files.sort();
    for f in &files {
        for (format, shape) in FORMATS {
            t.run(
                &[
                    "decode",
                    f,
                    "-f",
                    format,
                    "--idp-cert",
                    "samples/keys/idp.crt",
                ],
                None,
                shape,
            );
        }
    }
    t.assert("corpus", files.len());
}

/// `report::json::render` and `render_ndjson`, the library's own renderers: the TUI's export
/// (`e`) writes the first. Every sample, decoded by the library, in both.
#[test]
fn library_renderers_match_the_schema() {
    let at: jiff::Timestamp = AT.parse().unwrap();
    let pipeline = samltrace::pipeline::Pipeline::judging_at(at);
    let mut t = Tally::default();
    let samples = samples();
    for s in &samples {
        let traces = pipeline.decode(s, &std::fs::read(s).unwrap());
        t.printed(s, &samltrace::report::json::render(&traces), Shape::Traces);
        t.printed(
            s,
            &samltrace::report::json::render_ndjson(&traces),
            Shape::Trace,
        );
    }
    t.printed(
        "no traces",
        &samltrace::report::json::render(&[]),
        Shape::Traces,
    );
    t.assert("library renderers", 2 * samples.len() + 1);
}

// ---- the closed sets are the code's ---------------------------------------------------------

fn enum_of(def: &str) -> Vec<Value> {
    let e = &schema()["$defs"][def]["enum"];
    e.as_array()
        .unwrap_or_else(|| panic!("$defs/{def} has no enum"))
        .clone()
}

fn strings(values: impl IntoIterator<Item = impl Into<String>>) -> Vec<Value> {
    values
        .into_iter()
        .map(|v| Value::String(v.into()))
        .collect()
}

#[test]
fn finding_codes_are_the_catalogue() {
    let codes = strings(samltrace::checks::CATALOGUE.iter().map(|c| c.code));
    assert_eq!(
        enum_of("finding_code"),
        codes,
        "$defs/finding_code must list CATALOGUE, in order"
    );
}

#[test]
fn explain_codes_are_the_explain_catalogue() {
    let codes = strings(samltrace::explain::catalogue::entries().map(|e| e.code));
    assert_eq!(enum_of("explain_code"), codes);
}

#[test]
fn message_kinds_and_log_fields_are_the_code_s() {
    use samltrace::saml::MessageKind;
    let mut kinds: Vec<&str> = MessageKind::PROTOCOL.iter().map(|k| k.name()).collect();
    kinds.push(MessageKind::Assertion.name());
    let mut listed: Vec<String> = enum_of("message_kind")
        .iter()
        .map(|v| v.as_str().unwrap().to_owned())
        .collect();
    kinds.sort_unstable();
    listed.sort_unstable();
    assert_eq!(listed, kinds);

    let field = &schema()["$defs"]["explanation"]["properties"]["field"]["enum"];
    let mut fields = strings(samltrace::explain::input::MESSAGE_FIELDS.iter().copied());
    fields.push(Value::Null);
    assert_eq!(field.as_array().unwrap(), &fields);
}

// ---- the schema itself ---------------------------------------------------------------------

#[test]
fn the_schema_is_a_valid_2020_12_schema() {
    assert_eq!(
        schema()["$schema"],
        "https://json-schema.org/draft/2020-12/schema"
    );
    if let Err(e) = jsonschema::meta::validate(schema()) {
        panic!("{SCHEMA_PATH} is not a valid schema: {e}");
    }
    validators();
}

/// Every object the code shapes is closed, and every required field is described: a new field
/// in the output fails the tests above until the schema names it.
#[test]
fn every_object_is_closed_and_its_required_fields_are_described() {
    fn walk(path: &str, v: &Value, problems: &mut Vec<String>) {
        match v {
            Value::Object(o) => {
                if let Some(props) = o.get("properties").and_then(Value::as_object) {
                    let only_constrains = o.get("type").is_none() && o.get("required").is_none();
                    if !only_constrains
                        && o.get("additionalProperties") != Some(&Value::Bool(false))
                    {
                        problems.push(format!("{path}: not additionalProperties: false"));
                    }
                    for r in o
                        .get("required")
                        .and_then(Value::as_array)
                        .into_iter()
                        .flatten()
                    {
                        let name = r.as_str().unwrap_or_default();
                        if !props.contains_key(name) {
                            problems.push(format!(
                                "{path}: requires {name}, which it does not describe"
                            ));
                        }
                    }
                }
                for (k, child) in o {
                    walk(&format!("{path}/{k}"), child, problems);
                }
            }
            Value::Array(a) => {
                for (i, child) in a.iter().enumerate() {
                    walk(&format!("{path}/{i}"), child, problems);
                }
            }
            _ => {}
        }
    }
    let mut problems = Vec::new();
    walk("#", schema(), &mut problems);
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

// ---- the schema bites ----------------------------------------------------------------------

/// A real trace of the okta sample, as `-f ndjson` prints it.
fn okta_trace() -> Value {
    let out = common::run(&[
        "decode",
        "samples/okta-email.b64",
        "-f",
        "ndjson",
        "--at",
        AT,
    ]);
    serde_json::from_slice(&out.stdout).unwrap()
}

fn refused(shape: Shape, doc: &Value, why: &str) {
    assert!(
        !complaints(shape, doc).is_empty(),
        "the schema accepts a trace with {why}"
    );
}

#[test]
fn the_schema_refuses_wrong_types_unknown_fields_and_unknown_values() {
    let good = okta_trace();
    assert!(
        complaints(Shape::Trace, &good).is_empty(),
        "{:?}",
        complaints(Shape::Trace, &good)
    );

    let mut t = good.clone();
    t["origin"]["entry"] = 3.into();
    refused(Shape::Trace, &t, "an unknown origin field");

    let mut t = good.clone();
    t["message"]["assertions"][0]["subject"]["name_id"]["nameid"] = "x".into();
    refused(Shape::Trace, &t, "an unknown field deep inside");

    let mut t = good.clone();
    t["encoding"] = "base64".into();
    refused(Shape::Trace, &t, "encoding as a string");

    let mut t = good.clone();
    t["message"]["assertions"][0]["attributes"][0]["values"][0] = 7.into();
    refused(Shape::Trace, &t, "a number as an attribute value");

    let mut t = good.clone();
    t["encoding"][0] = "base65".into();
    refused(Shape::Trace, &t, "an unknown step");

    let mut t = good.clone();
    t["message"]["kind"] = "Reponse".into();
    refused(Shape::Trace, &t, "an unknown message kind");

    let mut t = good.clone();
    t.as_object_mut().unwrap().remove("verdict");
    refused(
        Shape::Trace,
        &t,
        "no verdict (null is required, not absence)",
    );

    let mut t = good.clone();
    t["findings"] = serde_json::json!([{
        "code": "XX001", "severity": "error", "title": "", "detail": "", "fix": "", "docs": null
    }]);
    refused(Shape::Trace, &t, "an unknown finding code");

    let mut t = good.clone();
    t["error"] = serde_json::json!({"stage": "xml", "message": "broken", "position": null});
    refused(Shape::Trace, &t, "an error beside a decoded message");

    let mut t = good.clone();
    t["signatures"][0]["verified"] = "yes".into();
    refused(Shape::Trace, &t, "verified as a string");

    // A trace is not a document, and a document is not a trace.
    refused(Shape::Traces, &good, "no schema and traces");
    let doc = serde_json::json!({"schema": "samltrace/v1", "traces": [good.clone()]});
    assert!(complaints(Shape::Traces, &doc).is_empty());
    refused(Shape::Trace, &doc, "the shape of a document");
    let doc = serde_json::json!({"schema": "samltrace/v2", "traces": [good]});
    refused(Shape::Traces, &doc, "another schema name");
}
