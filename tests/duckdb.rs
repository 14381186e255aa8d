//! `docs/duckdb.md` run for real: the NDJSON of `har` and `compare` over the samples is loaded
//! with the page's own SQL through DuckDB's Python package, and every query's rows must be what
//! this test counts from the lines the binary printed. A query added to the page without an
//! expectation here fails, so the page cannot drift from what it promises.
//!
//! Skipped with a note when `python3 -c 'import duckdb'` fails; with `CI` set it fails instead
//! (`.ci/run` installs the package).

mod common;

use std::cmp::Ordering;
use std::collections::{BTreeSet, HashMap};
use std::io::Write;
use std::process::{Command, Stdio};

use serde_json::{Value, json};

const DOC: &str = "docs/duckdb.md";

/// Loads the page's first SQL block (the tables), runs the others, prints their rows as JSON.
const RUNNER: &str = r#"
import duckdb, json, sys
blocks = json.load(sys.stdin)
con = duckdb.connect()
con.execute(blocks[0])
json.dump([[list(row) for row in con.execute(q).fetchall()] for q in blocks[1:]], sys.stdout, default=str)
"#;

fn duckdb_available() -> bool {
    let ok = Command::new("python3")
        .args(["-c", "import duckdb"])
        .output()
        .is_ok_and(|o| o.status.success());
    if !ok && std::env::var_os("CI").is_some() {
        panic!("python3 cannot import duckdb in CI (.ci/run installs it with pip)");
    }
    if !ok {
        eprintln!("skipped: python3 cannot import duckdb (python3 -m pip install duckdb)");
    }
    ok
}

/// Every fenced `sql` block of the page, in order.
fn sql_blocks(page: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut current: Option<String> = None;
    for line in page.lines() {
        match (&mut current, line.trim_end()) {
            (None, "```sql") => current = Some(String::new()),
            (Some(block), "```") => {
                out.push(std::mem::take(block));
                current = None;
            }
            (Some(block), _) => {
                block.push_str(line);
                block.push('\n');
            }
            (None, _) => {}
        }
    }
    out
}

/// The title of a query: its first line, a `-- ` comment.
fn title(block: &str) -> &str {
    block
        .lines()
        .next()
        .and_then(|l| l.strip_prefix("-- "))
        .unwrap_or_else(|| panic!("{DOC}: a query does not start with a `-- title` line:\n{block}"))
}

/// The lines samltrace printed for `args`, parsed.
fn ndjson(args: &[&str]) -> (String, Vec<Value>) {
    let out = common::run(args);
    assert!(
        matches!(out.status.code(), Some(0 | 1)),
        "samltrace {}: {}",
        args.join(" "),
        common::stderr(&out)
    );
    let text = common::stdout(&out);
    let lines = text
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    (text, lines)
}

// ---- what each query must answer, counted from the traces ------------------------------

fn first_seen(t: &Value) -> bool {
    t["origin"].get("duplicate_of").is_none()
}

/// SQL's order: values ascending, NULL last (DuckDB's default).
fn sql_cmp(a: &Value, b: &Value) -> Ordering {
    match (a, b) {
        (Value::Null, Value::Null) => Ordering::Equal,
        (Value::Null, _) => Ordering::Greater,
        (_, Value::Null) => Ordering::Less,
        (Value::String(x), Value::String(y)) => x.as_bytes().cmp(y.as_bytes()),
        (Value::Number(x), Value::Number(y)) => x
            .as_f64()
            .partial_cmp(&y.as_f64())
            .unwrap_or(Ordering::Equal),
        _ => panic!("cannot order {a} and {b}"),
    }
}

fn rows_cmp(a: &[Value], b: &[Value]) -> Ordering {
    a.iter()
        .zip(b)
        .map(|(x, y)| sql_cmp(x, y))
        .find(|o| o.is_ne())
        .unwrap_or(Ordering::Equal)
}

/// `key..., count(*)` grouped by key, ordered by `count DESC, key` or by the key alone.
fn counted(keys: impl IntoIterator<Item = Vec<Value>>, by_count: bool) -> Vec<Vec<Value>> {
    let mut counts: HashMap<String, (Vec<Value>, usize)> = HashMap::new();
    for k in keys {
        counts
            .entry(Value::from(k.clone()).to_string())
            .or_insert((k, 0))
            .1 += 1;
    }
    let mut rows: Vec<(Vec<Value>, usize)> = counts.into_values().collect();
    rows.sort_by(|(ka, na), (kb, nb)| {
        let by_key = rows_cmp(ka, kb);
        if by_count {
            nb.cmp(na).then(by_key)
        } else {
            by_key
        }
    });
    rows.into_iter()
        .map(|(mut k, n)| {
            k.push(json!(n));
            k
        })
        .collect()
}

fn expected(title: &str, traces: &[Value], verdicts: &[Value]) -> Vec<Vec<Value>> {
    let seen = |ts: &'_ [Value]| {
        ts.iter()
            .filter(|t| first_seen(t))
            .cloned()
            .collect::<Vec<_>>()
    };
    match title {
        "Messages per GitLab outcome" => counted(
            seen(traces)
                .iter()
                .filter(|t| t.get("error").is_none())
                .map(|t| vec![t["gitlab_verdict"]["outcome"].clone()]),
            true,
        ),
        "NameIDs per identity provider" => counted(
            seen(traces)
                .iter()
                .filter(|t| t["message"]["kind"] == "Response")
                .map(|t| {
                    let m = &t["message"];
                    let name_id = &m["assertions"][0]["subject"]["name_id"]["value"];
                    vec![m["issuer"].clone(), name_id.clone()]
                }),
            false,
        ),
        "Findings by code" => counted(
            seen(traces).iter().flat_map(|t| {
                let findings = t["findings"].as_array().cloned().unwrap_or_default();
                findings
                    .into_iter()
                    .map(|f| vec![f["code"].clone(), f["severity"].clone()])
            }),
            true,
        ),
        "Identity verdicts per state" => counted(
            seen(verdicts)
                .iter()
                .filter(|t| !t["verdict"].is_null())
                .map(|t| vec![t["verdict"]["state"].clone()]),
            true,
        ),
        "Fixes to review" => {
            let distinct: BTreeSet<String> = verdicts
                .iter()
                .map(|t| &t["verdict"])
                .filter(|v| !v["fix"].is_null())
                .map(|v| {
                    let row = vec![
                        v["name_id"].clone(),
                        v["state"].clone(),
                        v["identity"]["external_id"].clone(),
                        v["fix"].clone(),
                    ];
                    Value::from(row).to_string()
                })
                .collect();
            sorted(distinct.iter().map(|r| serde_json::from_str(r).unwrap()))
        }
        "What could not be decoded" => sorted(traces.iter().filter_map(|t| {
            let e = t.get("error")?;
            Some(Value::from(vec![
                t["origin"]["input"].clone(),
                t["origin"]["har_entry"].clone(),
                e["stage"].clone(),
                e["message"].clone(),
            ]))
        })),
        other => panic!("{DOC}: the query {other:?} has no expectation in tests/duckdb.rs"),
    }
}

fn sorted(rows: impl Iterator<Item = Value>) -> Vec<Vec<Value>> {
    let mut rows: Vec<Vec<Value>> = rows
        .map(|r| r.as_array().cloned().unwrap_or_default())
        .collect();
    rows.sort_by(|a, b| rows_cmp(a, b));
    rows
}

// ---- the test ------------------------------------------------------------------------------

#[test]
fn the_duckdb_recipe_answers_what_the_binary_printed() {
    if !duckdb_available() {
        return;
    }
    let page = std::fs::read_to_string(DOC).unwrap();
    let blocks = sql_blocks(&page);
    assert!(
        blocks.len() >= 5,
        "{DOC}: expected the load block and queries, found {}",
        blocks.len()
    );
    assert!(blocks[0].contains("read_json('traces.ndjson', format = 'newline_delimited'"));

    let (traces_text, traces) =
        ndjson(&["har", "samples", "samples/verdict", "--format", "ndjson"]);
    let mut compare = vec![
        "compare",
        "--scim",
        "samples/identities.csv",
        "--format",
        "ndjson",
    ];
    let mut inputs: Vec<String> = std::fs::read_dir("samples")
        .unwrap()
        .map(|e| e.unwrap().path().to_string_lossy().into_owned())
        .filter(|p| {
            p.ends_with(".har") || p.contains("/compare-") || p.ends_with("saml-tracer.json")
        })
        .collect();
    inputs.sort();
    compare.extend(inputs.iter().map(String::as_str));
    let (verdicts_text, verdicts) = ndjson(&compare);

    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("traces.ndjson"), &traces_text).unwrap();
    std::fs::write(dir.path().join("verdicts.ndjson"), &verdicts_text).unwrap();
    let mut child = Command::new("python3")
        .args(["-c", RUNNER])
        .current_dir(dir.path())
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let request = serde_json::to_vec(&blocks).unwrap();
    child.stdin.take().unwrap().write_all(&request).unwrap();
    let out = child.wait_with_output().unwrap();
    assert!(
        out.status.success(),
        "DuckDB refused {DOC}'s SQL: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let results: Vec<Vec<Vec<Value>>> = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(results.len(), blocks.len() - 1);

    for (block, got) in blocks[1..].iter().zip(&results) {
        let title = title(block);
        let want = expected(title, &traces, &verdicts);
        assert!(
            !want.is_empty(),
            "{title}: the samples give this query nothing to show"
        );
        assert_eq!(got, &want, "{DOC}: {title:?}");
        eprintln!("duckdb: {title}: {} rows as printed", got.len());
    }
}
