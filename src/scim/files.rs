//! Identity list files: which format a file is in (sniffed from its content, or forced with
//! `--scim-format`), and reading it into an [`IdentityList`].
//!
//! `parse_identities` is pure (text in, list out); `load_file` is the only function here that
//! touches the file system. A file with no usable row is an error; a malformed row is kept as a
//! `RowIssue` (with its line) and skipped.

use std::path::Path;
use std::str::FromStr;

use super::json::{self, Parsed, issue};
use super::model::{Identity, IdentityList, IdentitySource};
use super::{ScimError, csv, rest};
use crate::bounded::{self, MAX_INPUT_BYTES};

/// The formats an identity list file can be in.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
#[non_exhaustive]
pub enum Format {
    /// Decide from the content.
    #[default]
    Auto,
    /// SCIM ListResponse JSON: a page, an array of pages, NDJSON of pages, or Users.
    Scim,
    /// GitLab REST JSON: `scim/identities`, `saml/identities`, members or users.
    Rest,
    /// CSV with a header (canonical columns, or an Entra "Download users" export).
    Csv,
    /// One external id per line.
    Text,
    /// GitLab's `auth_json.log`: NameIDs seen on earlier sign-ins.
    AuthLog,
    /// A list saved by `samltrace scim fetch`.
    Saved,
}

impl Format {
    /// The names `--scim-format` accepts, in help order.
    pub const NAMES: &'static str = "auto, scim, rest, csv, text, auth-log, samltrace";

    pub fn name(self) -> &'static str {
        match self {
            Format::Auto => "auto",
            Format::Scim => "scim",
            Format::Rest => "rest",
            Format::Csv => "csv",
            Format::Text => "text",
            Format::AuthLog => "auth-log",
            Format::Saved => "samltrace",
        }
    }
}

impl FromStr for Format {
    type Err = ScimError;

    fn from_str(s: &str) -> Result<Format, ScimError> {
        let all = [
            Format::Auto,
            Format::Scim,
            Format::Rest,
            Format::Csv,
            Format::Text,
            Format::AuthLog,
            Format::Saved,
        ];
        let wanted = s.trim().to_ascii_lowercase();
        all.into_iter()
            .find(|f| f.name() == wanted || (wanted == "gitlab" && *f == Format::Rest))
            .ok_or_else(|| ScimError::UnknownFormat {
                input: "--scim-format".into(),
                name: s.to_owned(),
                expected: Format::NAMES,
            })
    }
}

/// What kind of identity list a text plainly is (a SCIM page, GitLab's REST list, a CSV export
/// with an id column, an `auth_json.log`), for the hint when one is given as a message to
/// decode. `None` for anything less certain (a plain list of ids is just lines of text).
pub fn looks_like_list(text: &str) -> Option<&'static str> {
    let body = text.trim_start_matches('\u{feff}').trim_start();
    let head = &body[..body.floor_char_boundary(4096)];
    if body.starts_with('{') || body.starts_with('[') {
        return match sniff_json(body) {
            Format::Saved => Some("an identity list saved by samltrace scim fetch"),
            Format::AuthLog => Some("GitLab's auth_json.log"),
            Format::Rest => Some("a GitLab REST identity list"),
            _ if head.contains("urn:ietf:params:scim") || head.contains("\"externalId\"") => {
                Some("a SCIM identity list")
            }
            _ => None,
        };
    }
    let header = head.lines().next().unwrap_or("").to_ascii_lowercase();
    let id_column = ["extern_uid", "externalid", "objectid", "userprincipalname"]
        .iter()
        .any(|c| header.contains(c));
    (id_column && csv::looks_like_csv(body)).then_some("an identity list (CSV)")
}

/// Decides the format of an identity list from its text.
pub fn sniff(text: &str) -> Format {
    let body = text.trim_start_matches('\u{feff}').trim_start();
    if body.starts_with('{') || body.starts_with('[') {
        return sniff_json(body);
    }
    if csv::looks_like_csv(body) {
        Format::Csv
    } else {
        Format::Text
    }
}

/// Picks the JSON format by the keys of the first object found.
fn sniff_json(body: &str) -> Format {
    let first = first_object(body).unwrap_or_default();
    let has = |k: &str| first.contains(&format!("\"{k}\""));
    if body.contains(&format!("\"{}\"", json::SAVED_SCHEMA)) {
        Format::Saved
    } else if body.contains("\"saml_response\"") {
        Format::AuthLog
    } else if has("extern_uid") || has("username") || has("group_saml_identity") {
        Format::Rest
    } else {
        Format::Scim
    }
}

/// The text of the first JSON object (a page, or the first element of an array), up to the
/// first nested array, which is enough to see its keys.
fn first_object(body: &str) -> Option<&str> {
    let start = body.find('{')?;
    let rest = &body[start..];
    let end = rest.find(['}', '[']).map_or(rest.len(), |i| i + 1);
    let head = &rest[..end];
    // A page's keys come before and after `Resources`: look a little further for them.
    Some(
        if head.contains("\"Resources\"") || head.contains("\"resources\"") {
            &rest[..rest.floor_char_boundary(4096)]
        } else {
            head
        },
    )
}

/// What a text that is no identity list is, when it is plainly something samltrace decodes
/// instead: a SAML message (XML, an HTML page, one long base64 line) or a HAR capture.
pub fn not_a_list(text: &str) -> Option<&'static str> {
    let body = text.trim_start_matches('\u{feff}').trim();
    let head = &body[..body.floor_char_boundary(4096)];
    if body.starts_with('<') {
        let saml = head.contains("urn:oasis:names:tc:SAML") || head.contains("SAMLResponse");
        return Some(if saml {
            "a SAML message"
        } else {
            "XML or HTML"
        });
    }
    if body.starts_with('{') && head.contains("\"log\"") && head.contains("\"entries\"") {
        return Some("a HAR capture");
    }
    if body.starts_with('{') && head.contains("\"requests\"") && head.contains("\"url\"") {
        return Some("a SAML-tracer export");
    }
    let one_line = !body.is_empty() && !body.contains(['\n', ' ', ',']);
    let base64 = body
        .bytes()
        .all(|b| b.is_ascii_alphanumeric() || b"+/=-_%".contains(&b));
    (one_line && base64 && body.len() >= 200).then_some("a base64-encoded SAML message")
}

/// Reads identity list text. `input` names it in messages; `format` may be `Auto`.
pub fn parse_identities(
    input: &str,
    text: &str,
    format: Format,
) -> Result<IdentityList, ScimError> {
    if let Some(what) = not_a_list(text) {
        return Err(ScimError::NotAList {
            input: input.to_owned(),
            what,
        });
    }
    let format = match format {
        Format::Auto => sniff(text),
        forced => forced,
    };
    let parsed = match format {
        Format::Auto | Format::Scim => json::parse_scim(input, text)?,
        Format::Rest => rest::parse_rest(input, text, hint_from_name(input))?,
        Format::Csv => csv::parse_csv(input, text)?,
        Format::Text => parse_text(text),
        Format::AuthLog => rest::parse_auth_log(input, text)?,
        Format::Saved => json::parse_saved(input, text)?,
    };
    finish(input, format, parsed)
}

fn finish(input: &str, format: Format, parsed: Parsed) -> Result<IdentityList, ScimError> {
    let Parsed {
        mut identities,
        skipped,
        notes,
    } = parsed;
    if identities.is_empty() {
        let why = match skipped.first() {
            Some(first) => format!("{} row(s) skipped, the first at {first}", skipped.len()),
            None => format!("nothing to read as {}", format.name()),
        };
        return Err(ScimError::Empty {
            input: input.to_owned(),
            why,
        });
    }
    for id in &mut identities {
        id.origin = format!("{input} {}", id.origin);
    }
    Ok(IdentityList {
        input: input.to_owned(),
        format: format.name().to_owned(),
        partial: !notes.is_empty(),
        identities,
        skipped,
        notes,
    })
}

/// REST identity rows do not say whether they are SCIM or SAML identities when `active` is
/// missing: a file named after its endpoint does.
fn hint_from_name(input: &str) -> Option<IdentitySource> {
    let name = Path::new(input).file_name()?.to_str()?.to_ascii_lowercase();
    match (name.contains("saml"), name.contains("scim")) {
        (true, false) => Some(IdentitySource::Saml),
        (false, true) => Some(IdentitySource::Scim),
        _ => None,
    }
}

/// One external id per line; blank lines and `#` comments are passed over. Values are kept
/// as written (a trailing space is a finding, not noise), only a CRLF's CR is dropped.
fn parse_text(text: &str) -> Parsed {
    let mut out = Parsed::default();
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    for (i, line) in text.split('\n').enumerate() {
        let line = line.strip_suffix('\r').unwrap_or(line);
        if line.trim().is_empty() || line.trim_start().starts_with('#') {
            continue;
        }
        if line.chars().any(|c| c.is_control() && c != '\t') {
            out.skipped.push(issue(
                i + 1,
                "control character in the line: expected one id per line",
            ));
            continue;
        }
        out.identities.push(Identity {
            external_id: Some(line.to_owned()),
            origin: format!("line {}", i + 1),
            ..Identity::default()
        });
    }
    out
}

/// Reads an identity list file, with the one bounded read (`MAX_INPUT_BYTES`): a list is read
/// whole, so a larger file is refused before it is read.
pub fn load_file(path: &Path, format: Format) -> Result<IdentityList, ScimError> {
    let bytes = bounded::read_path(path, MAX_INPUT_BYTES).map_err(|source| ScimError::Read {
        path: path.to_owned(),
        source,
    })?;
    let input = path.display().to_string();
    let text = decode_text(&input, &bytes)?;
    parse_identities(&input, &text, format)
}

/// Reads an identity list from a reader (`--scim -`: standard input) named `input`, with the
/// same bound as a file.
pub fn load_reader(
    input: &str,
    reader: impl std::io::Read,
    format: Format,
) -> Result<IdentityList, ScimError> {
    let bytes =
        bounded::read_to_end(reader, MAX_INPUT_BYTES).map_err(|source| ScimError::Read {
            path: input.into(),
            source,
        })?;
    let text = decode_text(input, &bytes)?;
    parse_identities(input, &text, format)
}

/// A list as `samltrace scim fetch` saves it: samltrace's own JSON, which `--scim FILE`
/// reads back exactly. `fetched_at` is an RFC 3339 time (the clock is the caller's).
pub fn render_saved(list: &IdentityList, fetched_at: &str) -> String {
    #[derive(serde::Serialize)]
    struct Saved<'a> {
        schema: &'a str,
        source: &'a str,
        format: &'a str,
        fetched_at: &'a str,
        count: usize,
        identities: &'a [Identity],
    }
    let doc = Saved {
        schema: json::SAVED_SCHEMA,
        source: &list.input,
        format: &list.format,
        fetched_at,
        count: list.identities.len(),
        identities: &list.identities,
    };
    let mut text = serde_json::to_string_pretty(&doc).unwrap_or_default();
    text.push('\n');
    text
}

/// Writes `text` to `path` atomically: a temporary file in the same directory, flushed to
/// disk, then renamed over the target. On any failure the target is left as it was.
pub fn write_atomically(path: &Path, text: &str) -> Result<(), ScimError> {
    use std::io::Write;
    let fail = |source| ScimError::Write {
        path: path.to_owned(),
        source,
    };
    let dir = match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d.to_owned(),
        _ => std::path::PathBuf::from("."),
    };
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let tmp = dir.join(format!(".{name}.{}.tmp", std::process::id()));
    let result = std::fs::File::create(&tmp)
        .and_then(|mut f| {
            f.write_all(text.as_bytes())?;
            f.sync_all()
        })
        .and_then(|()| std::fs::rename(&tmp, path));
    if let Err(e) = result {
        let _ = std::fs::remove_file(&tmp);
        return Err(fail(e));
    }
    Ok(())
}

/// UTF-8 (with or without BOM), or UTF-16 with a BOM as some spreadsheet exports write it.
pub fn decode_text(input: &str, bytes: &[u8]) -> Result<String, ScimError> {
    let utf16 = |rest: &[u8], le: bool| {
        let units = rest.chunks_exact(2).map(|c| {
            let pair = [c[0], c[1]];
            if le {
                u16::from_le_bytes(pair)
            } else {
                u16::from_be_bytes(pair)
            }
        });
        char::decode_utf16(units)
            .collect::<Result<String, _>>()
            .map_err(|_| not_text(input, "invalid UTF-16"))
    };
    match bytes {
        [0xff, 0xfe, rest @ ..] => utf16(rest, true),
        [0xfe, 0xff, rest @ ..] => utf16(rest, false),
        _ => String::from_utf8(bytes.to_vec()).map_err(|e| {
            let at = e.utf8_error().valid_up_to();
            let line = bytes[..at].iter().filter(|&&b| b == b'\n').count() + 1;
            not_text(input, &format!("invalid UTF-8 at byte {at} (line {line})"))
        }),
    }
}

fn not_text(input: &str, why: &str) -> ScimError {
    ScimError::Syntax {
        input: input.to_owned(),
        position: "encoding".into(),
        problem: format!("{why}: expected UTF-8 text"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_oversized_list_is_refused_before_it_is_read() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("huge.json");
        let file = std::fs::File::create(&path).unwrap();
        file.set_len(MAX_INPUT_BYTES + 1).unwrap();
        let err = load_file(&path, Format::Auto).unwrap_err().to_string();
        assert!(
            err.contains("huge.json: cannot read: larger than the 256 MiB"),
            "{err}"
        );
    }

    #[test]
    fn sniffs_every_format() {
        let cases = [
            (
                r#"{"schemas":["urn:ietf:params:scim:api:messages:2.0:ListResponse"],"totalResults":1,"Resources":[{"id":"a"}]}"#,
                Format::Scim,
            ),
            (r#"[{"totalResults":1,"Resources":[]}]"#, Format::Scim),
            (r#"[{"extern_uid":"a","user_id":1}]"#, Format::Rest),
            (
                r#"[{"id":48,"username":"alice","group_saml_identity":null}]"#,
                Format::Rest,
            ),
            (
                "{\"severity\":\"INFO\",\"payload_type\":\"saml_response\"}\n",
                Format::AuthLog,
            ),
            (
                r#"{"schema":"samltrace/identities-v1","identities":[]}"#,
                Format::Saved,
            ),
            ("externalId,email\na,b\n", Format::Csv),
            ("\u{feff}objectId\n", Format::Csv),
            ("0b1d561c\nbob@example.com\n", Format::Text),
        ];
        for (text, want) in cases {
            assert_eq!(sniff(text), want, "{text}");
        }
    }

    /// A JSON list over 4 KiB that names "Resources" before any `[` (as `jq -S` writes it),
    /// with a multibyte character across byte 4096, is sniffed without a panic.
    #[test]
    fn sniffing_does_not_cut_a_character_in_two() {
        let mut cut = 0;
        for pad in 0..2 {
            let name = "é".repeat(2100);
            let text = format!(
                "{{\"Resources\":{}[{{\"id\":\"a\",\"name\":\"{name}\"}}],\"totalResults\":1}}",
                " ".repeat(pad)
            );
            cut += usize::from(!text.is_char_boundary(4096));
            assert_eq!(sniff(&text), Format::Scim);
            let list = parse_identities("jq.json", &text, Format::Auto).unwrap();
            assert_eq!(list.identities.len(), 1);
        }
        assert_eq!(
            cut, 1,
            "one of the two texts has byte 4096 inside a character"
        );
    }

    #[test]
    fn format_names_parse_back() {
        for name in Format::NAMES.split(", ") {
            assert_eq!(name.parse::<Format>().unwrap().name(), name);
        }
        assert_eq!("GitLab".parse::<Format>().unwrap(), Format::Rest);
        let err = "xml".parse::<Format>().unwrap_err().to_string();
        assert!(err.contains("expected one of auto, scim"), "{err}");
    }

    #[test]
    fn plain_text_keeps_values_and_skips_comments() {
        let list = parse_identities(
            "ids.txt",
            "# ids\r\nalice \r\n\r\nb\u{200b}ob\n\u{1b}[31m\n",
            Format::Auto,
        )
        .unwrap();
        let ids: Vec<_> = list
            .identities
            .iter()
            .filter_map(|i| i.external_id.as_deref())
            .collect();
        assert_eq!(ids, ["alice ", "b\u{200b}ob"]);
        assert_eq!(list.identities[0].origin, "ids.txt line 2");
        assert_eq!(list.skipped[0].position, "line 5");
        assert_eq!(list.format, "text");
    }

    #[test]
    fn no_usable_row_is_an_error_that_names_the_first_problem() {
        let err =
            parse_identities("x.csv", "externalId,active\na,maybe\n", Format::Auto).unwrap_err();
        assert_eq!(
            err.to_string(),
            "x.csv: no usable identity: 1 row(s) skipped, the first at line 2: active is \"maybe\": expected true or false"
        );
        let err = parse_identities("e.txt", "\n# nothing\n", Format::Auto).unwrap_err();
        assert_eq!(
            err.to_string(),
            "e.txt: no usable identity: nothing to read as text"
        );
    }

    #[test]
    fn a_forced_format_is_used() {
        let list = parse_identities("x", "externalId\n", Format::Text).unwrap();
        assert_eq!(
            list.identities[0].external_id.as_deref(),
            Some("externalId")
        );
    }

    #[test]
    fn rest_rows_take_a_hint_from_the_file_name() {
        let list = parse_identities(
            "dir/saml-identities.json",
            r#"[{"extern_uid":"a","user_id":1,"active":true}]"#,
            Format::Auto,
        )
        .unwrap();
        assert_eq!(list.identities[0].source, IdentitySource::Saml);
    }

    #[test]
    fn a_partial_scim_file_is_marked() {
        let list = parse_identities(
            "p.json",
            r#"{"totalResults":3,"Resources":[{"id":"a"}]}"#,
            Format::Auto,
        )
        .unwrap();
        assert!(list.partial);
        assert_eq!(list.notes.len(), 1);
    }

    #[test]
    fn saved_lists_read_back_and_writes_are_atomic() {
        let list = parse_identities(
            "a.csv",
            "externalId,email,active\na,a@x.com,false\n",
            Format::Auto,
        )
        .unwrap();
        let text = render_saved(&list, "2026-11-29T12:00:00Z");
        let back = parse_identities("saved.json", &text, Format::Auto).unwrap();
        assert_eq!(back.format, "samltrace");
        assert_eq!(back.identities[0].emails, ["a@x.com"]);
        assert_eq!(back.identities[0].active, Some(false));
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("ids.json");
        write_atomically(&path, &text).unwrap();
        assert_eq!(std::fs::read_to_string(&path).unwrap(), text);
        assert_eq!(
            std::fs::read_dir(dir.path()).unwrap().count(),
            1,
            "no temporary file left"
        );
        let err = write_atomically(&dir.path().join("missing/ids.json"), "x").unwrap_err();
        assert!(err.to_string().contains("cannot write"), "{err}");
    }

    #[test]
    fn decodes_utf16_and_rejects_binary() {
        let mut bytes = vec![0xff, 0xfe];
        bytes.extend("id\na\n".encode_utf16().flat_map(u16::to_le_bytes));
        assert_eq!(decode_text("x", &bytes).unwrap(), "id\na\n");
        let err = decode_text("b.bin", b"ok\n\xff\xfe\xfd")
            .unwrap_err()
            .to_string();
        assert_eq!(
            err,
            "b.bin: encoding: invalid UTF-8 at byte 3 (line 2): expected UTF-8 text"
        );
    }
}
