//! A small ordered JSON tree for rewriting one HAR entry at a time: read from the streaming
//! lexer (member order kept, numbers kept as written), changed in place, written back
//! pretty-printed. Bodies that cannot carry SAML are not kept while reading ([`Json::Dropped`]),
//! so one entry never costs more than its SAML-relevant parts.

use std::io::{self, Read, Write};

use crate::capture::jsonlex::{JsonError, Kind, Lexer, Text, Want};

#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Json {
    Null,
    Bool(bool),
    /// A number as written.
    Number(String),
    Str(String),
    /// A string too large to keep, or a body without SAML: its length, and whether `SAML` occurs
    /// in it.
    Dropped {
        len: u64,
        saml: bool,
    },
    Array(Vec<Json>),
    Object(Vec<(String, Json)>),
}

impl Json {
    /// Reads the value at the lexer; strings under a `text` member (bodies) are kept only when
    /// they may carry SAML, and a response body whose type cannot hold a form is skipped unread.
    pub(crate) fn read<R: Read>(lx: &mut Lexer<R>, key: &str) -> Result<Json, JsonError> {
        match lx.peek_kind("a value")? {
            Kind::String => {
                let want = if key == "text" {
                    Want::IfSaml { base64: true }
                } else {
                    Want::Keep
                };
                Ok(match lx.string(want)? {
                    Text::Kept(s) => Json::Str(s),
                    Text::Dropped { len, saml } => Json::Dropped { len, saml },
                })
            }
            Kind::Scalar => Ok(match lx.scalar()?.as_str() {
                "null" => Json::Null,
                "true" => Json::Bool(true),
                "false" => Json::Bool(false),
                n => Json::Number(n.to_owned()),
            }),
            Kind::Array => {
                lx.begin_array()?;
                let mut items = Vec::new();
                let mut first = true;
                while lx.next_item(&mut first)? {
                    items.push(Json::read(lx, key)?);
                }
                Ok(Json::Array(items))
            }
            Kind::Object => {
                lx.begin_object()?;
                let mut members: Vec<(String, Json)> = Vec::new();
                let mut first = true;
                while let Some(k) = lx.next_key(&mut first)? {
                    let value = if key == "content" && &*k == "text" && !may_hold_form(&members) {
                        lx.peek()?;
                        let start = lx.offset();
                        lx.skip_value()?;
                        // The quotes of a string are not its length.
                        let len = (lx.offset() - start).saturating_sub(2);
                        Json::Dropped { len, saml: false }
                    } else {
                        Json::read(lx, &k)?
                    };
                    members.push((k.to_string(), value));
                }
                Ok(Json::Object(members))
            }
        }
    }

    pub(crate) fn get(&self, key: &str) -> Option<&Json> {
        match self {
            Json::Object(m) => m.iter().find(|(k, _)| k == key).map(|(_, v)| v),
            _ => None,
        }
    }

    pub(crate) fn get_mut(&mut self, key: &str) -> Option<&mut Json> {
        match self {
            Json::Object(m) => m.iter_mut().find(|(k, _)| k == key).map(|(_, v)| v),
            _ => None,
        }
    }

    pub(crate) fn as_str(&self) -> Option<&str> {
        match self {
            Json::Str(s) => Some(s),
            _ => None,
        }
    }

    /// Removes a member of an object; true when it was there.
    pub(crate) fn remove(&mut self, key: &str) -> bool {
        match self {
            Json::Object(m) => {
                let before = m.len();
                m.retain(|(k, _)| k != key);
                m.len() != before
            }
            _ => false,
        }
    }

    /// Writes the value pretty-printed, its nested lines indented from `indent`.
    pub(crate) fn write(&self, out: &mut dyn Write, indent: usize) -> io::Result<()> {
        match self {
            Json::Null => out.write_all(b"null"),
            Json::Bool(b) => write!(out, "{b}"),
            Json::Number(n) => out.write_all(n.as_bytes()),
            Json::Str(s) => write_str(out, s),
            Json::Dropped { .. } => out.write_all(b"\"\""),
            Json::Array(items) if items.is_empty() => out.write_all(b"[]"),
            Json::Object(members) if members.is_empty() => out.write_all(b"{}"),
            Json::Array(items) => {
                out.write_all(b"[")?;
                for (i, item) in items.iter().enumerate() {
                    separator(out, i, indent + 2)?;
                    item.write(out, indent + 2)?;
                }
                newline(out, indent)?;
                out.write_all(b"]")
            }
            Json::Object(members) => {
                out.write_all(b"{")?;
                for (i, (k, v)) in members.iter().enumerate() {
                    separator(out, i, indent + 2)?;
                    write_str(out, k)?;
                    out.write_all(b": ")?;
                    v.write(out, indent + 2)?;
                }
                newline(out, indent)?;
                out.write_all(b"}")
            }
        }
    }
}

/// False when a response body's MIME type (read before its text, as browsers write it) says it
/// is a script, style sheet or image: such a body never holds the IdP's form and is not kept.
fn may_hold_form(members: &[(String, Json)]) -> bool {
    match members.iter().find(|(k, _)| k == "mimeType") {
        Some((_, Json::Str(mime))) => crate::capture::may_hold_form(Some(mime)),
        _ => true,
    }
}

/// `,` (after the first item), a line break and the indentation.
pub(crate) fn separator(out: &mut dyn Write, i: usize, indent: usize) -> io::Result<()> {
    if i > 0 {
        out.write_all(b",")?;
    }
    newline(out, indent)
}

pub(crate) fn newline(out: &mut dyn Write, indent: usize) -> io::Result<()> {
    write!(out, "\n{:indent$}", "")
}

/// A JSON string, escaped.
pub(crate) fn write_str(out: &mut dyn Write, s: &str) -> io::Result<()> {
    serde_json::to_writer(out, s).map_err(io::Error::from)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn round_trip(json: &str) -> String {
        let mut lx = Lexer::new(json.as_bytes());
        let v = Json::read(&mut lx, "").unwrap();
        let mut out = Vec::new();
        v.write(&mut out, 0).unwrap();
        String::from_utf8(out).unwrap()
    }

    #[test]
    fn keeps_order_numbers_and_escapes() {
        let out = round_trip(r#"{"b": 1.50, "a": [true, null, "x\"\u00e9"], "e": {}, "f": []}"#);
        assert_eq!(
            out,
            "{\n  \"b\": 1.50,\n  \"a\": [\n    true,\n    null,\n    \"x\\\"é\"\n  ],\n  \"e\": {},\n  \"f\": []\n}"
        );
        let again: serde_json::Value = serde_json::from_str(&out).unwrap();
        assert_eq!(again["a"][2], "x\"é");
    }

    #[test]
    fn large_bodies_without_saml_are_not_kept() {
        let body = "no saml; ".repeat(crate::capture::jsonlex::SMALL_STRING / 8);
        let json = format!(r#"{{"text": "{body}", "other": "{body}"}}"#);
        let mut lx = Lexer::new(json.as_bytes());
        let mut v = Json::read(&mut lx, "").unwrap();
        assert!(matches!(
            v.get("text"),
            Some(Json::Dropped { saml: false, .. })
        ));
        assert_eq!(
            v.get("other").and_then(Json::as_str).map(str::len),
            Some(body.len())
        );
        assert!(v.remove("text"));
        assert!(!v.remove("text"));
    }
}
