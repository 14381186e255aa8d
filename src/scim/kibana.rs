//! GitLab's `api_json.log` as Kibana's CSV export (how GitLab.com support shares it): one row per
//! log document, the columns named by the document's fields — `json.method`, `json.path`,
//! `json.status`, `json.time` or `@timestamp`, and `json.params` (GitLab's Grape parameters,
//! `[{key, value}]`, written as JSON text in the cell; or `json.params.key` and
//! `json.params.value`, the flattened fields GitLab's "Troubleshooting SCIM" filters on, as two
//! JSON arrays of the same length). The unprefixed names (`method`, `path`, …) are read too.
//! Rows go through the same reading as a log line ([`super::log`]), so only requests to the
//! SCIM API are kept. Pure.

use serde_json::Value;

use super::csv::{Record, Table, head_keys, parse_table};
use super::log::{LogSummary, Logged, Param, ScimRequest, request};

const TIME: &[&str] = &["jsontime", "timestamp", "time"];
const METHOD: &[&str] = &["jsonmethod", "method"];
const PATH: &[&str] = &["jsonpath", "path"];
const STATUS: &[&str] = &["jsonstatus", "status"];
const PARAMS: &[&str] = &["jsonparams", "params"];
const PARAM_KEYS: &[&str] = &["jsonparamskey", "paramskey"];
const PARAM_VALUES: &[&str] = &["jsonparamsvalue", "paramsvalue"];

/// Whether a text's first line is the header of a Kibana export of `api_json.log`: a
/// `json.path` column beside `json.method` (or `json.status`).
pub fn looks_like_export(head: &str) -> bool {
    let keys = head_keys(head);
    let has = |k: &str| keys.iter().any(|h| h == k);
    has("jsonpath") && (has("jsonmethod") || has("jsonstatus"))
}

/// Every SCIM request of the export `name`, in row order, and what reading it gave.
pub fn read(name: &str, text: &str) -> (Vec<ScimRequest>, LogSummary) {
    let mut summary = LogSummary::default();
    let mut out = Vec::new();
    let Some(table) = parse_table(text) else {
        return (out, summary);
    };
    if let Some(issue) = &table.unterminated {
        summary.note(issue.to_string());
    }
    for row in &table.rows {
        summary.lines += 1;
        let origin = format!("{name} line {}", row.line);
        let params = match params(&table, row) {
            Ok(p) => p,
            Err(why) => {
                summary.note(format!("line {}: {why}: skipped", row.line));
                continue;
            }
        };
        let get = |names: &[&str]| row.get(table.column(names)).map(str::to_owned);
        let fields = Logged {
            time: get(TIME),
            method: get(METHOD),
            path: get(PATH),
            status: get(STATUS).map(Value::String),
            params,
        };
        if let Some(r) = request(fields, &origin) {
            summary.requests += 1;
            out.push(r);
        }
    }
    (out, summary)
}

/// The row's logged parameters: `json.params` as JSON, else the key and value columns zipped.
fn params(table: &Table, row: &Record) -> Result<Vec<Param>, String> {
    if let Some(cell) = row.get(table.column(PARAMS)) {
        return serde_json::from_str(cell)
            .map_err(|e| format!("json.params is not GitLab's [{{key, value}}] list ({e})"));
    }
    let (Some(keys), Some(values)) = (
        row.get(table.column(PARAM_KEYS)),
        row.get(table.column(PARAM_VALUES)),
    ) else {
        return Ok(Vec::new());
    };
    let keys: Vec<String> = serde_json::from_str(keys)
        .map_err(|e| format!("json.params.key is not a JSON array of names ({e})"))?;
    let values: Vec<Value> = serde_json::from_str(values)
        .map_err(|e| format!("json.params.value is not a JSON array ({e})"))?;
    if keys.len() != values.len() {
        return Err(format!(
            "json.params.key has {} names but json.params.value {} values",
            keys.len(),
            values.len()
        ));
    }
    Ok(keys
        .into_iter()
        .zip(values)
        .map(|(key, value)| Param { key, value })
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    const EXPORT: &str = "\"@timestamp\",\"json.method\",\"json.path\",\"json.status\",\"json.params\"\n\
        \"2026-11-01T08:00:01.000Z\",POST,/api/scim/v2/groups/acme/Users,201,\"[{\"\"key\"\":\"\"externalId\"\",\"\"value\"\":\"\"0b1d\"\"},{\"\"key\"\":\"\"userName\"\",\"\"value\"\":\"\"alice\"\"},{\"\"key\"\":\"\"emails\"\",\"\"value\"\":[{\"\"value\"\":\"\"alice@example.com\"\"}]}]\"\n\
        \"2026-11-01T08:00:02.000Z\",GET,/api/v4/projects,200,\"[]\"\n\
        \"2026-11-02T08:00:00.000Z\",POST,/api/scim/v2/groups/acme/Users,409,not json\n";

    #[test]
    fn rows_are_read_as_log_lines() {
        let (got, summary) = read("kibana.csv", EXPORT);
        assert_eq!(summary.lines, 3);
        assert_eq!(summary.requests, 1, "{:?}", summary.notes);
        assert_eq!(summary.skipped, 1);
        assert!(
            summary.notes[0].starts_with("line 4: json.params is not"),
            "{:?}",
            summary.notes
        );
        let r = &got[0];
        assert_eq!((r.method.as_str(), r.status), ("POST", Some(201)));
        assert_eq!(r.external_id.as_deref(), Some("0b1d"));
        assert_eq!(r.user_name.as_deref(), Some("alice"));
        assert_eq!(r.emails, ["alice@example.com"]);
        assert_eq!(r.time.as_deref(), Some("2026-11-01T08:00:01.000Z"));
        assert_eq!(r.origin, "kibana.csv line 2");
    }

    #[test]
    fn flattened_key_and_value_columns_are_zipped() {
        let text = "json.time;json.method;json.path;json.status;json.params.key;json.params.value\n\
            2026-11-02T07:00:00Z;PATCH;/api/scim/v2/groups/acme/Users/hank-1;204;\"[\"\"Operations\"\"]\";\"[[{\"\"op\"\":\"\"Replace\"\",\"\"path\"\":\"\"externalId\"\",\"\"value\"\":\"\"hank@example.com\"\"}]]\"\n\
            2026-11-02T07:00:01Z;PATCH;/api/scim/v2/groups/acme/Users/x;204;\"[\"\"a\"\",\"\"b\"\"]\";\"[1]\"\n";
        let (got, summary) = read("k.csv", text);
        assert_eq!(got[0].new_external_id.as_deref(), Some("hank@example.com"));
        assert_eq!(got[0].target.as_deref(), Some("hank-1"));
        assert!(
            summary.notes[0].contains("2 names but"),
            "{:?}",
            summary.notes
        );
    }

    #[test]
    fn the_header_is_what_tells_an_export() {
        assert!(looks_like_export(EXPORT));
        assert!(looks_like_export("json.path\tjson.status\n"));
        assert!(!looks_like_export("path,method\n"));
        assert!(!looks_like_export("externalId,userName\n"));
    }
}
