//! What the IdP sent over SCIM, as GitLab logged it: `api_json.log` (self-managed), one JSON
//! object per line (`method`, `path`, `status`, `time`, and `params` as `[{key, value}]`, GitLab's
//! Grape log formatter), and the same fields exported from Kibana (GitLab.com support), where
//! each document holds them under `json` (`{"json": {"path": …}}` or flattened `"json.path"`).
//!
//! Only requests to the SCIM API (`/api/scim/v2/…`) are read; everything else in the log is
//! passed over after a substring test, so a large log streams at the speed of reading it. Lines
//! are bounded ([`MAX_LINE`]): a longer one is skipped with a note. Pure: reads the reader it
//! is given.

use std::io::BufRead;

use serde::Deserialize;
use serde_json::Value;

/// The longest log line read; GitLab's own log lines are far shorter (params are capped).
pub const MAX_LINE: usize = 1 << 20;

/// One SCIM request the IdP made, and GitLab's answer.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize)]
pub struct ScimRequest {
    /// RFC 3339, as logged.
    pub time: Option<String>,
    pub method: String,
    /// The group path in `/api/scim/v2/groups/<group>/…`; `None` for the instance API.
    pub group: Option<String>,
    /// `Users` or `Groups`.
    pub resource: String,
    /// The `:id` of `…/Users/:id`: the extern_uid the request addressed.
    pub target: Option<String>,
    pub status: Option<u16>,
    pub external_id: Option<String>,
    pub user_name: Option<String>,
    pub emails: Vec<String>,
    /// `name.formatted`, `name.givenName`, `name.familyName`, `displayName`: whether each was sent.
    pub name: NameSent,
    /// `active`, when the request set it (a POST's `active`, a PATCH's operation).
    pub active: Option<bool>,
    /// A PATCH's new externalId (operation path `externalId` or `id`).
    pub new_external_id: Option<String>,
    /// `api_json.log line 12`.
    pub origin: String,
    /// How the IdP matched the user to an existing one before the request, when its log says
    /// (Entra ID's `matching` provisioning step).
    pub matching: Option<MatchStep>,
}

/// The IdP's matching step: whether it found an existing user in GitLab for its source user,
/// and what it said.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize)]
pub struct MatchStep {
    pub found: bool,
    pub description: String,
}

/// Which of the name fields a request carried.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, serde::Serialize)]
pub struct NameSent {
    pub formatted: bool,
    pub given_name: bool,
    pub family_name: bool,
    pub display_name: bool,
}

impl ScimRequest {
    pub fn is_success(&self) -> bool {
        self.status.is_some_and(|s| (200..300).contains(&s))
    }
}

/// What reading a log gave besides requests: lines that could not be read.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct LogSummary {
    pub lines: u64,
    pub requests: u64,
    /// `line 12: not JSON`, at most a few; `skipped` counts them all.
    pub notes: Vec<String>,
    pub skipped: u64,
}

/// Notes kept per log; the rest are counted.
const NOTES_KEPT: usize = 5;

/// Reads every SCIM request of the log `name`, in order, into `sink`.
pub fn read_log(
    name: &str,
    mut reader: impl BufRead,
    sink: &mut dyn FnMut(ScimRequest),
) -> std::io::Result<LogSummary> {
    let mut summary = LogSummary::default();
    let mut line = Vec::with_capacity(4096);
    loop {
        line.clear();
        let (read, whole) = read_line(&mut reader, &mut line)?;
        if read == 0 {
            break;
        }
        summary.lines += 1;
        let n = summary.lines;
        if !whole {
            summary.note(format!(
                "line {n}: longer than {} MiB: skipped",
                MAX_LINE >> 20
            ));
            continue;
        }
        if memchr::memmem::find(&line, b"/scim/v2/").is_none() {
            continue;
        }
        match parse_line(&line, &format!("{name} line {n}")) {
            Some(Ok(request)) => {
                summary.requests += 1;
                sink(request);
            }
            Some(Err(why)) => summary.note(format!("line {n}: {why}: skipped")),
            None => {}
        }
    }
    Ok(summary)
}

impl LogSummary {
    pub(super) fn note(&mut self, note: String) {
        self.skipped += 1;
        if self.notes.len() < NOTES_KEPT {
            self.notes.push(note);
        }
    }
}

/// One line into `line` (without its newline), at most [`MAX_LINE`] bytes kept: the bytes
/// consumed, and whether the line was whole.
fn read_line(reader: &mut impl BufRead, line: &mut Vec<u8>) -> std::io::Result<(usize, bool)> {
    let mut consumed = 0;
    let mut whole = true;
    loop {
        let buf = reader.fill_buf()?;
        if buf.is_empty() {
            return Ok((consumed, whole));
        }
        let (chunk, done) = match memchr::memchr(b'\n', buf) {
            Some(i) => (&buf[..i], i + 1),
            None => (buf, buf.len()),
        };
        if line.len() + chunk.len() <= MAX_LINE {
            line.extend_from_slice(chunk);
        } else {
            whole = false;
        }
        let ended = done > chunk.len();
        reader.consume(done);
        consumed += done;
        if ended {
            return Ok((consumed, whole));
        }
    }
}

#[derive(Deserialize)]
struct Line {
    time: Option<String>,
    method: Option<String>,
    path: Option<String>,
    status: Option<Value>,
    #[serde(default)]
    params: Vec<Param>,
    /// A Kibana document: the log's fields under `json`.
    json: Option<Box<Line>>,
    #[serde(rename = "json.time")]
    json_time: Option<String>,
    #[serde(rename = "json.method")]
    json_method: Option<String>,
    #[serde(rename = "json.path")]
    json_path: Option<String>,
    #[serde(rename = "json.status")]
    json_status: Option<Value>,
    #[serde(rename = "json.params", default)]
    json_params: Vec<Param>,
}

#[derive(Deserialize)]
pub(super) struct Param {
    pub key: String,
    pub value: Value,
}

/// One log line as a SCIM request; `None` when it is not one (another API's line).
pub fn parse_line(line: &[u8], origin: &str) -> Option<Result<ScimRequest, String>> {
    let parsed: Line = match serde_json::from_slice(line) {
        Ok(l) => l,
        Err(e) => return Some(Err(format!("not a JSON log line ({e})"))),
    };
    let fields = match parsed.json {
        Some(inner) => Logged {
            time: inner.time,
            method: inner.method,
            path: inner.path,
            status: inner.status,
            params: inner.params,
        },
        None => Logged {
            time: parsed.time.or(parsed.json_time),
            method: parsed.method.or(parsed.json_method),
            path: parsed.path.or(parsed.json_path),
            status: parsed.status.or(parsed.json_status),
            params: if parsed.params.is_empty() {
                parsed.json_params
            } else {
                parsed.params
            },
        },
    };
    Some(Ok(request(fields, origin)?))
}

/// The fields of one `api_json.log` entry that say what a SCIM request was, however they were
/// exported (a log line, a Kibana document, a row of Kibana's CSV).
pub(super) struct Logged {
    pub time: Option<String>,
    pub method: Option<String>,
    pub path: Option<String>,
    pub status: Option<Value>,
    pub params: Vec<Param>,
}

/// A logged entry as the SCIM request it was; `None` for another API's entry.
pub(super) fn request(l: Logged, origin: &str) -> Option<ScimRequest> {
    let path = l.path?;
    let (group, resource, target) = scim_path(&path)?;
    let status = match &l.status {
        Some(Value::Number(n)) => n.as_u64().and_then(|s| u16::try_from(s).ok()),
        Some(Value::String(s)) => s.trim().parse().ok(),
        _ => None,
    };
    let mut r = ScimRequest {
        time: l.time,
        method: l.method.unwrap_or_default().to_ascii_uppercase(),
        group,
        resource,
        target,
        status,
        origin: origin.to_owned(),
        ..ScimRequest::default()
    };
    for p in &l.params {
        param(&mut r, &p.key, &p.value);
    }
    Some(r)
}

/// The status GitLab answered a failed request with, as far as an IdP's error text quotes
/// GitLab's own words: 409 for "has already been taken" (any validation error with it,
/// `BaseProvisioningService`), 412 for "can't be blank" and the other validation errors it
/// names; `None` when the text says neither.
pub fn status_from_reason(text: &str) -> Option<u16> {
    if text.contains("has already been taken") || text.contains("409") || text.contains("Conflict")
    {
        Some(409)
    } else if text.contains("can't be blank")
        || text.contains("412")
        || text.contains("PreconditionFailed")
    {
        Some(412)
    } else {
        None
    }
}

/// The records of a JSON export: an array, a page (`{"value": […]}` for Graph), one object, or
/// one object per line; each with its 0-based place. What is not JSON is noted.
pub(super) fn json_records(text: &str, what: &str, notes: &mut Vec<String>) -> Vec<(usize, Value)> {
    match serde_json::from_str::<Value>(text) {
        Ok(Value::Array(items)) => items.into_iter().enumerate().collect(),
        Ok(Value::Object(mut page)) => match page.remove("value") {
            Some(Value::Array(items)) => items.into_iter().enumerate().collect(),
            _ => vec![(0, Value::Object(page))],
        },
        Ok(_) => {
            notes.push(format!("expected an array of {what}"));
            Vec::new()
        }
        Err(_) => text
            .lines()
            .enumerate()
            .filter(|(_, l)| !l.trim().is_empty())
            .filter_map(|(i, l)| match serde_json::from_str(l) {
                Ok(v) => Some((i, v)),
                Err(e) => {
                    if notes.len() < NOTES_KEPT {
                        notes.push(format!("line {}: not JSON ({e}): skipped", i + 1));
                    }
                    None
                }
            })
            .collect(),
    }
}

/// `/api/scim/v2/groups/<group>/Users/<id>` → (group, `Users`, id); the instance API
/// (`/api/scim/v2/application/Users`) has no group. `None` for any other path.
fn scim_path(path: &str) -> Option<(Option<String>, String, Option<String>)> {
    let path = path.split(['?', '#']).next().unwrap_or(path);
    let rest = &path[path.find("/scim/v2/")? + "/scim/v2/".len()..];
    let parts: Vec<&str> = rest.split('/').filter(|s| !s.is_empty()).collect();
    let (group, tail) = match parts.as_slice() {
        ["groups", group, tail @ ..] => (Some(segment(group)), tail),
        ["application", tail @ ..] => (None, tail),
        _ => return None,
    };
    let resource = tail.first().map_or(String::new(), |s| (*s).to_owned());
    let target = tail.get(1).map(|s| segment(s));
    Some((group, resource, target))
}

/// A path segment as GitLab routes it: percent-decoded (`bob%40example.com`).
fn segment(s: &str) -> String {
    let bytes = crate::input::percent_decode_bytes(s.as_bytes());
    String::from_utf8(bytes).unwrap_or_else(|_| s.to_owned())
}

/// One logged parameter into the request. GitLab logs the body's members by name; values are
/// strings, arrays or objects as the IdP sent them.
fn param(r: &mut ScimRequest, key: &str, value: &Value) {
    match key {
        "externalId" => r.external_id = text(value),
        "userName" => r.user_name = text(value),
        "displayName" => r.name.display_name |= has_text(value),
        "name.formatted" => r.name.formatted |= has_text(value),
        "active" => r.active = boolean(value),
        "emails" => {
            if let Value::Array(list) = value {
                r.emails
                    .extend(list.iter().filter_map(|e| text(e.get("value")?)));
            }
        }
        "name" => {
            let field = |k: &str| value.get(k).is_some_and(has_text);
            r.name.formatted |= field("formatted");
            r.name.given_name |= field("givenName");
            r.name.family_name |= field("familyName");
        }
        "Operations" | "operations" => {
            if let Value::Array(ops) = value {
                ops.iter().for_each(|op| operation(r, op));
            }
        }
        _ => {}
    }
}

/// A PATCH operation: `{op, path, value}`, or Okta's `{op, value: {active: …}}`.
fn operation(r: &mut ScimRequest, op: &Value) {
    let path = op.get("path").and_then(Value::as_str).unwrap_or("");
    let value = op.get("value").unwrap_or(&Value::Null);
    match path.to_ascii_lowercase().as_str() {
        "externalid" | "id" => r.new_external_id = text(value),
        "active" => r.active = boolean(value),
        "" => {
            if let Some(v) = value.get("active") {
                r.active = boolean(v);
            }
            if let Some(v) = value.get("externalId") {
                r.new_external_id = text(v);
            }
        }
        _ => {}
    }
}

fn text(v: &Value) -> Option<String> {
    match v {
        Value::String(s) => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        _ => None,
    }
}

fn has_text(v: &Value) -> bool {
    matches!(v, Value::String(s) if !s.trim().is_empty())
}

/// `true`, `"True"`, `"false"`: IdPs send both.
fn boolean(v: &Value) -> Option<bool> {
    match v {
        Value::Bool(b) => Some(*b),
        Value::String(s) => super::model::parse_bool(s),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read(text: &str) -> (Vec<ScimRequest>, LogSummary) {
        let mut out = Vec::new();
        let summary = read_log("api_json.log", text.as_bytes(), &mut |r| out.push(r)).unwrap();
        (out, summary)
    }

    const POST: &str = r#"{"time":"2026-11-02T09:00:00.000Z","severity":"INFO","duration_s":0.05,"status":201,"method":"POST","path":"/api/scim/v2/groups/acme/Users","params":[{"key":"schemas","value":["urn:ietf:params:scim:schemas:core:2.0:User"]},{"key":"externalId","value":"00u1abcd"},{"key":"userName","value":"alice"},{"key":"emails","value":[{"primary":true,"type":"work","value":"alice@example.com"}]},{"key":"name","value":{"givenName":"Alice","familyName":"Example"}},{"key":"active","value":true}],"host":"gitlab.example.com","route":"/api/scim/v2/groups/:group/Users"}"#;

    #[test]
    fn a_post_is_read_with_what_it_sent() {
        let (got, summary) = read(POST);
        assert_eq!(summary.requests, 1);
        let r = &got[0];
        assert_eq!(r.method, "POST");
        assert_eq!(r.group.as_deref(), Some("acme"));
        assert_eq!(r.resource, "Users");
        assert_eq!(r.target, None);
        assert_eq!(r.status, Some(201));
        assert_eq!(r.external_id.as_deref(), Some("00u1abcd"));
        assert_eq!(r.user_name.as_deref(), Some("alice"));
        assert_eq!(r.emails, ["alice@example.com"]);
        assert!(r.name.given_name && r.name.family_name && !r.name.formatted);
        assert_eq!(r.active, Some(true));
        assert_eq!(r.origin, "api_json.log line 1");
    }

    #[test]
    fn patch_operations_in_both_shapes() {
        let azure = r#"{"method":"PATCH","status":204,"path":"/api/scim/v2/groups/acme/Users/00u1abcd","params":[{"key":"Operations","value":[{"op":"Replace","path":"externalId","value":"5d0f"}]}]}"#;
        let okta = r#"{"method":"PATCH","status":204,"path":"/api/scim/v2/groups/acme/Users/5d0f","params":[{"key":"Operations","value":[{"op":"replace","value":{"active":"False"}}]}]}"#;
        let (got, _) = read(&format!("{azure}\n{okta}\n"));
        assert_eq!(got[0].target.as_deref(), Some("00u1abcd"));
        assert_eq!(got[0].new_external_id.as_deref(), Some("5d0f"));
        assert_eq!(got[1].active, Some(false));
    }

    #[test]
    fn kibana_documents_carry_the_fields_under_json() {
        let nested = r#"{"json":{"method":"POST","status":"409","path":"/api/scim/v2/groups/acme/Users","params":[{"key":"externalId","value":"new"}]}}"#;
        let flat = r#"{"json.method":"DELETE","json.status":204,"json.path":"/api/scim/v2/groups/acme/Users/x","json.time":"2026-11-02T10:00:00Z"}"#;
        let (got, _) = read(&format!("{nested}\n{flat}"));
        assert_eq!(got[0].status, Some(409));
        assert_eq!(got[0].external_id.as_deref(), Some("new"));
        assert_eq!(got[1].method, "DELETE");
        assert_eq!(got[1].time.as_deref(), Some("2026-11-02T10:00:00Z"));
    }

    #[test]
    fn other_lines_are_passed_over_and_broken_ones_noted() {
        let other = r#"{"method":"GET","path":"/api/v4/projects","status":200}"#;
        let broken = r#"{"path":"/api/scim/v2/groups/acme/Users", "#;
        let (got, summary) = read(&format!("{other}\n{broken}\n\n{POST}"));
        assert_eq!(got.len(), 1);
        assert_eq!(summary.lines, 4);
        assert_eq!(summary.skipped, 1);
        assert!(
            summary.notes[0].starts_with("line 2: not a JSON log line"),
            "{:?}",
            summary.notes
        );
        assert_eq!(got[0].origin, "api_json.log line 4");
    }

    #[test]
    fn a_group_request_and_the_instance_api() {
        let groups = r#"{"method":"POST","status":404,"path":"/api/scim/v2/groups/acme/Groups"}"#;
        let instance =
            r#"{"method":"GET","status":200,"path":"/api/scim/v2/application/Users?filter=x"}"#;
        let (got, _) = read(&format!("{groups}\n{instance}"));
        assert_eq!(got[0].resource, "Groups");
        assert_eq!(got[1].group, None);
        assert_eq!(got[1].resource, "Users");
    }

    #[test]
    fn an_overlong_line_is_skipped_not_read_whole() {
        let long = format!(
            "{{\"path\":\"/api/scim/v2/groups/a/Users\",\"x\":\"{}\"}}",
            "a".repeat(MAX_LINE)
        );
        let (got, summary) = read(&format!("{long}\n{POST}\n"));
        assert_eq!(got.len(), 1);
        assert!(
            summary.notes[0].contains("longer than 1 MiB"),
            "{:?}",
            summary.notes
        );
    }
}
