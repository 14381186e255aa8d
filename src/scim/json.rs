//! JSON identity lists: SCIM ListResponse pages, samltrace's own saved lists, and the shared
//! machinery (line numbers for raw values, NDJSON splitting, tolerant field readers) that the
//! REST and log readers in `rest.rs` use too.
//!
//! Pure: text in, identities and row issues out. Tolerant as GitLab's API demands (numbers as
//! strings, `name.formatted` as a flat key, missing `Resources`), strict about what it cannot
//! read: a record without an id is reported with its line and skipped, never guessed.

use serde_json::Value;
use serde_json::value::RawValue;

use super::model::{Identity, IdentitySource, parse_bool};
use super::{RowIssue, ScimError};

/// The result of one parser: identities, skipped rows and notes about the whole input.
#[derive(Debug, Default)]
pub(super) struct Parsed {
    pub identities: Vec<Identity>,
    pub skipped: Vec<RowIssue>,
    pub notes: Vec<String>,
}

/// Byte offsets of line starts, to turn a position in the text into a 1-based line number.
pub(super) struct Lines<'a> {
    text: &'a str,
    starts: Vec<usize>,
}

impl<'a> Lines<'a> {
    pub fn new(text: &'a str) -> Self {
        let starts = std::iter::once(0)
            .chain(text.match_indices('\n').map(|(i, _)| i + 1))
            .collect();
        Lines { text, starts }
    }

    pub fn line_of_offset(&self, offset: usize) -> usize {
        self.starts.partition_point(|&s| s <= offset)
    }

    /// The line on which a raw value borrowed from this text starts.
    pub fn line_of(&self, raw: &RawValue) -> usize {
        let base = self.text.as_ptr() as usize;
        let at = (raw.get().as_ptr() as usize).saturating_sub(base);
        self.line_of_offset(at)
    }
}

/// One JSON syntax error, as a `ScimError` naming the input and the line and column.
pub(super) fn syntax(input: &str, e: &serde_json::Error, line_offset: usize) -> ScimError {
    ScimError::Syntax {
        input: input.to_owned(),
        position: format!("line {}, column {}", e.line() + line_offset, e.column()),
        problem: format!("invalid JSON: {}", json_problem(e)),
    }
}

/// What serde_json found wrong, in our words and without its position (we give one).
fn json_problem(e: &serde_json::Error) -> String {
    let msg = e.to_string();
    let msg = msg.find(" at line ").map_or(msg.as_str(), |i| &msg[..i]);
    if msg == "recursion limit exceeded" {
        // serde_json's own bound: its parser stops at 128 levels instead of overflowing the stack.
        return "nested deeper than 128 levels: a SCIM file nests a few".to_owned();
    }
    msg.to_owned()
}

/// The top-level value split into elements: a whole document, or NDJSON (one value per line)
/// when the text is several values. Each element comes with the line it starts on.
pub(super) fn documents<'a>(
    input: &str,
    text: &'a str,
    lines: &Lines<'a>,
) -> Result<Vec<(usize, &'a RawValue)>, ScimError> {
    match serde_json::from_str::<&RawValue>(text) {
        Ok(raw) => Ok(vec![(lines.line_of(raw), raw)]),
        Err(e) if e.classify() == serde_json::error::Category::Syntax && e.line() > 1 => {
            ndjson(text, lines).ok_or_else(|| syntax(input, &e, 0))
        }
        Err(e) => Err(syntax(input, &e, 0)),
    }
}

/// Splits NDJSON into values, or `None` when the text does not look like NDJSON (most
/// non-empty lines must be JSON objects; otherwise it is one broken document, and its own
/// error is the one to show). Lines that are not JSON are left out: see `broken_ndjson_lines`.
fn ndjson<'a>(text: &'a str, lines: &Lines<'a>) -> Option<Vec<(usize, &'a RawValue)>> {
    let mut out = Vec::new();
    let mut non_empty = 0;
    for line in text.split('\n') {
        let trimmed = line.trim();
        if trimmed.is_empty() {
            continue;
        }
        non_empty += 1;
        if let Ok(raw) = serde_json::from_str::<&RawValue>(trimmed)
            && trimmed.starts_with('{')
        {
            out.push((lines.line_of(raw), raw));
        }
    }
    (!out.is_empty() && out.len() * 2 >= non_empty).then_some(out)
}

/// Lines of NDJSON text that are not JSON objects, as row issues.
pub(super) fn broken_ndjson_lines(text: &str) -> Vec<RowIssue> {
    text.split('\n')
        .enumerate()
        .filter(|(_, l)| !l.trim().is_empty())
        .filter_map(|(i, l)| {
            let line = l.trim();
            let problem = match serde_json::from_str::<&RawValue>(line) {
                Err(e) => format!("not JSON: {}", json_problem(&e)),
                Ok(_) if !line.starts_with('{') => "expected a JSON object".to_owned(),
                Ok(_) => return None,
            };
            Some(issue(i + 1, &problem))
        })
        .collect()
}

/// The elements of a JSON array, each with its line; `None` when the value is not an array.
pub(super) fn array_items<'a>(
    raw: &'a RawValue,
    lines: &Lines<'a>,
) -> Option<Vec<(usize, &'a RawValue)>> {
    let items: Vec<&'a RawValue> = serde_json::from_str(raw.get()).ok()?;
    Some(items.into_iter().map(|r| (lines.line_of(r), r)).collect())
}

/// The members of a JSON object with raw values; `None` when the value is not an object.
pub(super) fn object_members(
    raw: &RawValue,
) -> Option<std::collections::HashMap<String, &RawValue>> {
    serde_json::from_str(raw.get()).ok()
}

// ---- tolerant field readers -------------------------------------------------------------

/// A string, or a number written as one (`"id": 48`).
pub(super) fn text_of(v: Option<&Value>) -> Option<String> {
    match v? {
        Value::String(s) => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        _ => None,
    }
}

/// A non-negative integer, or one written as a string (`"startIndex": "101"`).
pub(super) fn u64_of(v: Option<&Value>) -> Option<u64> {
    match v? {
        Value::Number(n) => n.as_u64(),
        Value::String(s) => s.trim().parse().ok(),
        _ => None,
    }
}

/// `Ok(None)` when absent or null; an error when present and neither a bool nor a bool word.
pub(super) fn bool_of(v: Option<&Value>, field: &str) -> Result<Option<bool>, String> {
    match v {
        None | Some(Value::Null) => Ok(None),
        Some(Value::Bool(b)) => Ok(Some(*b)),
        Some(Value::String(s)) => parse_bool(s)
            .map(Some)
            .ok_or_else(|| format!("{field} is {s:?}: expected true or false")),
        Some(other) => Err(format!("{field} is {other}: expected true or false")),
    }
}

fn non_empty(s: Option<String>) -> Option<String> {
    s.filter(|s| !s.is_empty())
}

// ---- SCIM -----------------------------------------------------------------------------

/// Reads SCIM: a ListResponse page, an array of pages, NDJSON of pages, a single User or an
/// array of Users.
pub(super) fn parse_scim(input: &str, text: &str) -> Result<Parsed, ScimError> {
    let lines = Lines::new(text);
    let docs = documents(input, text, &lines)?;
    let mut out = Parsed::default();
    if docs.len() > 1 {
        out.skipped.extend(broken_ndjson_lines(text));
    }
    let mut totals = Totals::default();
    for (line, raw) in docs {
        scim_value(raw, line, 0, &lines, &mut out, &mut totals);
    }
    totals.note(&mut out);
    dedupe_exact(&mut out.identities);
    Ok(out)
}

/// `totalResults` as declared by the pages, against the resources the pages really hold.
#[derive(Default)]
struct Totals {
    declared: Option<u64>,
    held: u64,
}

impl Totals {
    fn note(&self, out: &mut Parsed) {
        if let Some(declared) = self.declared.filter(|&d| d > self.held) {
            out.notes.push(format!(
                "the pages hold {} resources but totalResults says {declared}: the file is part of the list",
                self.held
            ));
        }
    }
}

/// How deeply arrays may nest around pages or Users (an array of pages is 1).
const MAX_ARRAY_DEPTH: usize = 8;

/// One value of a SCIM file: an array (of pages, of Users, or of arrays of them, at most
/// [`MAX_ARRAY_DEPTH`] deep), a ListResponse page, or a User.
fn scim_value<'a>(
    raw: &'a RawValue,
    line: usize,
    depth: usize,
    lines: &Lines<'a>,
    out: &mut Parsed,
    totals: &mut Totals,
) {
    if raw.get().starts_with('[') {
        if depth >= MAX_ARRAY_DEPTH {
            return out.skipped.push(issue(
                line,
                &format!("arrays nested more than {MAX_ARRAY_DEPTH} deep: expected a SCIM ListResponse, an array of them, or Users"),
            ));
        }
        if let Some(items) = array_items(raw, lines) {
            for (line, item) in items {
                scim_value(item, line, depth + 1, lines, out, totals);
            }
            return;
        }
    }
    let Some(members) = object_members(raw) else {
        return out
            .skipped
            .push(issue(line, "expected a SCIM ListResponse or User object"));
    };
    let resources = members
        .get("Resources")
        .or_else(|| members.get("resources"));
    let is_page = resources.is_some() || members.contains_key("totalResults");
    if !is_page {
        return scim_resource(raw, line, out);
    }
    let total = members
        .get("totalResults")
        .and_then(|r| u64_of(serde_json::from_str::<Value>(r.get()).ok().as_ref()));
    totals.declared = totals.declared.max(total);
    let Some(resources) = resources else { return };
    match array_items(resources, lines) {
        Some(items) => {
            totals.held += items.len() as u64;
            for (line, item) in items {
                scim_resource(item, line, out);
            }
        }
        None => out.skipped.push(issue(line, "Resources is not an array")),
    }
}

fn scim_resource(raw: &RawValue, line: usize, out: &mut Parsed) {
    let parsed = serde_json::from_str::<Value>(raw.get())
        .map_err(|e| json_problem(&e))
        .and_then(|v| scim_user(&v));
    match parsed {
        Ok(identity) => out.identities.push(Identity {
            origin: format!("line {line}"),
            ..identity
        }),
        Err(problem) => out.skipped.push(issue(line, &problem)),
    }
}

/// One SCIM User resource. GitLab's `id` is the `extern_uid`; an IdP export's `externalId`
/// is, and wins when both are present.
pub(super) fn scim_user(v: &Value) -> Result<Identity, String> {
    let Value::Object(o) = v else {
        return Err("expected a SCIM User object".into());
    };
    let external = non_empty(text_of(o.get("externalId")));
    let source = if external.is_some() {
        IdentitySource::Idp
    } else {
        IdentitySource::Scim
    };
    let external_id = external
        .or_else(|| non_empty(text_of(o.get("id"))))
        .ok_or("SCIM User without id or externalId")?;
    Ok(Identity {
        external_id: Some(external_id),
        user_name: non_empty(text_of(o.get("userName"))),
        emails: scim_emails(o.get("emails")),
        display_name: scim_display_name(o),
        // GitLab renders a missing `active` as true.
        active: Some(bool_of(o.get("active"), "active")?.unwrap_or(true)),
        user_id: None,
        source,
        origin: String::new(),
    })
}

fn scim_emails(v: Option<&Value>) -> Vec<String> {
    let Some(Value::Array(items)) = v else {
        return Vec::new();
    };
    let mut emails: Vec<(bool, String)> = items
        .iter()
        .filter_map(|e| match e {
            Value::String(s) => Some((false, s.clone())),
            Value::Object(o) => {
                let primary = matches!(o.get("primary"), Some(Value::Bool(true)));
                non_empty(text_of(o.get("value"))).map(|s| (primary, s))
            }
            _ => None,
        })
        .collect();
    emails.sort_by_key(|(primary, _)| !primary);
    emails.into_iter().map(|(_, e)| e).collect()
}

fn scim_display_name(o: &serde_json::Map<String, Value>) -> Option<String> {
    let name = o.get("name").and_then(Value::as_object);
    non_empty(text_of(o.get("displayName")))
        .or_else(|| non_empty(text_of(name.and_then(|n| n.get("formatted")))))
        .or_else(|| non_empty(text_of(o.get("name.formatted"))))
        .or_else(|| {
            let part = |k| non_empty(text_of(name.and_then(|n| n.get(k))));
            match (part("givenName"), part("familyName")) {
                (Some(g), Some(f)) => Some(format!("{g} {f}")),
                (g, f) => g.or(f),
            }
        })
}

/// Drops records that repeat another exactly (a page read twice); keeps case variants,
/// which are a finding, not noise.
fn dedupe_exact(ids: &mut Vec<Identity>) {
    let mut seen = std::collections::HashSet::new();
    ids.retain(|i| {
        seen.insert((
            i.external_id.clone(),
            i.user_name.clone(),
            i.emails.clone(),
            i.active,
        ))
    });
}

pub(super) fn issue(line: usize, problem: &str) -> RowIssue {
    RowIssue {
        position: format!("line {line}"),
        problem: problem.to_owned(),
    }
}

// ---- samltrace's own saved list ---------------------------------------------------------

/// The `schema` value of a list saved by `samltrace scim fetch`.
pub const SAVED_SCHEMA: &str = "samltrace/identities-v1";

/// Reads a list saved by `samltrace scim fetch`.
pub(super) fn parse_saved(input: &str, text: &str) -> Result<Parsed, ScimError> {
    let lines = Lines::new(text);
    let raw: &RawValue = serde_json::from_str(text).map_err(|e| syntax(input, &e, 0))?;
    let members = object_members(raw).ok_or_else(|| saved_shape(input))?;
    let schema = members
        .get("schema")
        .and_then(|s| serde_json::from_str::<String>(s.get()).ok());
    if schema.as_deref() != Some(SAVED_SCHEMA) {
        return Err(saved_shape(input));
    }
    let items = members
        .get("identities")
        .and_then(|r| array_items(r, &lines))
        .ok_or_else(|| saved_shape(input))?;
    let mut out = Parsed::default();
    for (line, item) in items {
        match serde_json::from_str::<Identity>(item.get()) {
            Ok(id)
                if id.external_id.is_some() || id.user_name.is_some() || !id.emails.is_empty() =>
            {
                out.identities.push(Identity {
                    origin: format!("line {line}"),
                    ..id
                })
            }
            Ok(_) => out.skipped.push(issue(
                line,
                "identity without external_id, user_name or email",
            )),
            Err(e) => out.skipped.push(issue(line, &json_problem(&e))),
        }
    }
    Ok(out)
}

fn saved_shape(input: &str) -> ScimError {
    ScimError::Syntax {
        input: input.to_owned(),
        position: "line 1".into(),
        problem: format!(
            "expected an object with \"schema\": \"{SAVED_SCHEMA}\" and an \"identities\" array"
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ids(p: &Parsed) -> Vec<&str> {
        p.identities
            .iter()
            .filter_map(|i| i.external_id.as_deref())
            .collect()
    }

    #[test]
    fn reads_a_gitlab_page_with_the_name_object() {
        let text = r#"{"schemas":["urn:ietf:params:scim:api:messages:2.0:ListResponse"],
          "totalResults":1,"itemsPerPage":100,"startIndex":"1",
          "Resources":[{"id":"0b1d","active":true,"userName":"alice",
            "emails":[{"type":"work","value":"alice@example.com","primary":true}],
            "name":{"formatted":"Alice Example","givenName":"Alice","familyName":"Example"}}]}"#;
        let p = parse_scim("t", text).unwrap();
        let a = &p.identities[0];
        assert_eq!(a.external_id.as_deref(), Some("0b1d"));
        assert_eq!(a.user_name.as_deref(), Some("alice"));
        assert_eq!(a.emails, ["alice@example.com"]);
        assert_eq!(a.display_name.as_deref(), Some("Alice Example"));
        assert_eq!(a.active, Some(true));
        assert_eq!(a.source, IdentitySource::Scim);
        assert_eq!(a.origin, "line 3");
        assert!(p.notes.is_empty());
    }

    #[test]
    fn reads_the_legacy_flat_name_and_string_booleans() {
        let text = r#"{"Resources":[{"id":"x","name.formatted":"Test User","active":"False"}]}"#;
        let p = parse_scim("t", text).unwrap();
        assert_eq!(p.identities[0].display_name.as_deref(), Some("Test User"));
        assert_eq!(p.identities[0].active, Some(false));
    }

    #[test]
    fn missing_active_is_true_and_missing_resources_is_empty() {
        let p = parse_scim("t", r#"{"totalResults":"0"}"#).unwrap();
        assert!(p.identities.is_empty());
        let p = parse_scim("t", r#"{"Resources":[{"id":"a"}]}"#).unwrap();
        assert_eq!(p.identities[0].active, Some(true));
    }

    #[test]
    fn external_id_wins_over_the_idp_own_id() {
        let p = parse_scim(
            "t",
            r#"[{"id":"idp-7","externalId":"guid-1","userName":"u"}]"#,
        )
        .unwrap();
        assert_eq!(ids(&p), ["guid-1"]);
        assert_eq!(p.identities[0].source, IdentitySource::Idp);
    }

    #[test]
    fn reads_ndjson_pages_and_reports_broken_lines() {
        let text = "{\"Resources\":[{\"id\":\"a\"}]}\nnot json\n{\"Resources\":[{\"id\":\"b\"}]}\n";
        let p = parse_scim("t", text).unwrap();
        assert_eq!(ids(&p), ["a", "b"]);
        assert_eq!(p.skipped.len(), 1);
        assert_eq!(p.skipped[0].position, "line 2");
        assert_eq!(p.identities[1].origin, "line 3");
    }

    #[test]
    fn reads_an_array_of_pages_and_notes_a_partial_file() {
        let text = r#"[{"totalResults":5,"Resources":[{"id":"a"}]},{"totalResults":5,"Resources":[{"id":"b"},{"id":"a"}]}]"#;
        let p = parse_scim("t", text).unwrap();
        assert_eq!(ids(&p), ["a", "b"], "an exact repeat is dropped");
        assert_eq!(p.notes.len(), 1);
        assert!(p.notes[0].contains("totalResults says 5"), "{:?}", p.notes);
    }

    #[test]
    fn a_resource_without_id_is_skipped_with_its_line() {
        let text = "{\"Resources\":[\n{\"id\":\"a\"},\n{\"userName\":\"x\"},\n{\"id\":\"c\",\"active\":\"perhaps\"}]}";
        let p = parse_scim("t", text).unwrap();
        assert_eq!(ids(&p), ["a"]);
        let issues: Vec<String> = p.skipped.iter().map(ToString::to_string).collect();
        assert_eq!(
            issues,
            [
                "line 3: SCIM User without id or externalId",
                "line 4: active is \"perhaps\": expected true or false"
            ]
        );
    }

    /// Arrays nested 30,000 deep (a 60 KB file) are a clear error, not a stack overflow.
    #[test]
    fn deep_nesting_is_refused_not_recursed() {
        let text = format!(
            "{}{{\"id\":\"a\"}}{}",
            "[".repeat(30_000),
            "]".repeat(30_000)
        );
        let p = parse_scim("deep.json", &text).unwrap();
        assert!(p.identities.is_empty());
        assert_eq!(p.skipped.len(), 1);
        assert!(
            p.skipped[0].problem.contains("nested more than 8 deep"),
            "{:?}",
            p.skipped
        );
        let ok = parse_scim("ok.json", r#"[[{"Resources":[{"id":"a"}]}]]"#).unwrap();
        assert_eq!(ids(&ok), ["a"]);
    }

    #[test]
    fn a_syntax_error_names_line_and_column() {
        let err = parse_scim("f.json", "{\n\"Resources\": [\n{\"id\": }\n]}").unwrap_err();
        let msg = err.to_string();
        assert!(msg.starts_with("f.json: line 3, column"), "{msg}");
        assert!(msg.contains("invalid JSON"), "{msg}");
    }

    #[test]
    fn numbers_and_strings_read_alike() {
        assert_eq!(u64_of(Some(&Value::from("101"))), Some(101));
        assert_eq!(u64_of(Some(&Value::from(7))), Some(7));
        assert_eq!(u64_of(Some(&Value::from("x"))), None);
        assert_eq!(text_of(Some(&Value::from(48))), Some("48".into()));
    }

    #[test]
    fn saved_lists_round_trip() {
        let id = Identity {
            external_id: Some("a".into()),
            active: Some(false),
            user_id: Some(3),
            source: IdentitySource::Saml,
            ..Identity::default()
        };
        let text =
            serde_json::json!({"schema": SAVED_SCHEMA, "identities": [id, {"source": "scim"}]})
                .to_string();
        let p = parse_saved("t", &text).unwrap();
        assert_eq!(p.identities.len(), 1);
        assert_eq!(p.identities[0].user_id, Some(3));
        assert_eq!(p.identities[0].source, IdentitySource::Saml);
        assert_eq!(p.skipped.len(), 1);
        assert!(parse_saved("t", r#"{"schema":"other"}"#).is_err());
    }
}
