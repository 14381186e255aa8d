//! What `samltrace explain` is given, read into the messages to explain: a message pasted from
//! GitLab's page, or lines of GitLab's JSON logs (`auth_json.log`, `production_json.log`,
//! `exceptions_json.log`), whose message field is taken.
//!
//! Pure: text in, messages out. The caller bounds the text's size.

use serde_json::{Map, Value};

/// The fields of a GitLab log line that carry an error message, in the order they are tried.
/// `auth_json.log` writes ruby-saml's refusal as `error` (ParameterFilters::SamlResponse);
/// Lograge lines carry `exception.message`; application logs `message`.
pub const MESSAGE_FIELDS: &[&str] = &[
    "error",
    "exception.message",
    "error_message",
    "message",
    "reason",
    "alert",
    "notice",
];

/// The longest a message may be for matching; the rest (a schema error carries the whole
/// document after it) is not read.
pub const MAX_MESSAGE_BYTES: usize = 64 << 10;

/// One message to explain.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Query {
    /// The message, as given.
    pub text: String,
    /// The line of the input it came from, for log lines (1-based).
    pub line: Option<usize>,
    /// The log field it came from.
    pub field: Option<&'static str>,
}

/// Why the input holds nothing to explain.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum InputError {
    #[error(
        "the message is empty: paste GitLab's error message or a line of auth_json.log, or give \
         '-' to read it from stdin"
    )]
    Empty,
    #[error(
        "no line of the JSON log has a message field (looked for {}); paste GitLab's error \
         message itself",
        MESSAGE_FIELDS.join(", ")
    )]
    NoMessageField,
}

/// The messages in the input: each JSON log line's message, or the whole text as one message.
pub fn parse_queries(input: &str) -> Result<Vec<Query>, InputError> {
    let trimmed = input.trim();
    if trimmed.is_empty() {
        return Err(InputError::Empty);
    }
    if let Some(queries) = log_lines(trimmed) {
        return if queries.is_empty() {
            Err(InputError::NoMessageField)
        } else {
            Ok(queries)
        };
    }
    Ok(vec![Query {
        text: bounded(trimmed).to_owned(),
        line: None,
        field: None,
    }])
}

/// One query per line with a message when the input is JSON log lines (or one JSON object);
/// `None` when it is not JSON.
fn log_lines(text: &str) -> Option<Vec<Query>> {
    if !text.starts_with('{') {
        return None;
    }
    if let Ok(Value::Object(o)) = serde_json::from_str::<Value>(text) {
        return Some(
            message_of(&o)
                .into_iter()
                .map(|(field, m)| query(m, None, field))
                .collect(),
        );
    }
    let mut out = Vec::new();
    for (i, line) in text.lines().enumerate() {
        let line = line.trim();
        if line.is_empty() {
            continue;
        }
        let Ok(Value::Object(o)) = serde_json::from_str::<Value>(line) else {
            return None;
        };
        if let Some((field, m)) = message_of(&o) {
            out.push(query(m, Some(i + 1), field));
        }
    }
    Some(out)
}

fn query(text: &str, line: Option<usize>, field: &'static str) -> Query {
    Query {
        text: bounded(text.trim()).to_owned(),
        line,
        field: Some(field),
    }
}

/// The first non-empty message field of a log entry (also `exception: {message}`).
fn message_of(entry: &Map<String, Value>) -> Option<(&'static str, &str)> {
    MESSAGE_FIELDS.iter().find_map(|field| {
        let value = entry.get(*field).or_else(|| {
            let (outer, inner) = field.split_once('.')?;
            entry.get(outer)?.get(inner)
        })?;
        value
            .as_str()
            .filter(|s| !s.trim().is_empty())
            .map(|s| (*field, s))
    })
}

fn bounded(text: &str) -> &str {
    if text.len() <= MAX_MESSAGE_BYTES {
        return text;
    }
    let mut end = MAX_MESSAGE_BYTES;
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    text.get(..end).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_pasted_message_is_one_query() {
        let q = parse_queries("  SAML Response must contain 1 assertion\n").unwrap();
        assert_eq!(q.len(), 1);
        assert_eq!(q[0].text, "SAML Response must contain 1 assertion");
        assert_eq!((q[0].line, q[0].field), (None, None));
    }

    #[test]
    fn empty_input_is_refused() {
        assert_eq!(parse_queries(" \n\t "), Err(InputError::Empty));
    }

    #[test]
    fn an_auth_json_log_line_gives_its_error_field() {
        let line = r#"{"severity":"ERROR","time":"2026-11-02T09:00:00.000Z","correlation_id":"01H","payload_type":"saml_response","error":"Fingerprint mismatch","message":"ignored"}"#;
        let q = parse_queries(line).unwrap();
        assert_eq!(q[0].text, "Fingerprint mismatch");
        assert_eq!(q[0].field, Some("error"));
    }

    #[test]
    fn log_lines_give_one_query_each_and_skip_lines_without_a_message() {
        let log = concat!(
            r#"{"payload_type":"saml_response","saml_response":{"name_id":"a"}}"#,
            "\n",
            r#"{"exception.class":"OneLogin::RubySaml::ValidationError","exception.message":"Digest mismatch"}"#,
            "\n\n",
            r#"{"exception":{"message":"Key validation error"}}"#,
        );
        let q = parse_queries(log).unwrap();
        assert_eq!(q.len(), 2);
        assert_eq!(
            (q[0].line, q[0].field, q[0].text.as_str()),
            (Some(2), Some("exception.message"), "Digest mismatch")
        );
        assert_eq!(
            (q[1].line, q[1].text.as_str()),
            (Some(4), "Key validation error")
        );
    }

    #[test]
    fn a_log_without_messages_is_refused_and_text_starting_with_a_brace_is_a_message() {
        assert_eq!(
            parse_queries(r#"{"saml_response":{"name_id":"a"}}"#),
            Err(InputError::NoMessageField)
        );
        let q = parse_queries("{not json} Fingerprint mismatch").unwrap();
        assert_eq!(q[0].text, "{not json} Fingerprint mismatch");
    }

    #[test]
    fn long_messages_are_cut_at_a_character_boundary() {
        let long = "é".repeat(MAX_MESSAGE_BYTES);
        let q = parse_queries(&long).unwrap();
        assert!(q[0].text.len() <= MAX_MESSAGE_BYTES);
        assert!(q[0].text.chars().all(|c| c == 'é'));
    }
}
