//! CSV identity lists with a header: samltrace's canonical columns, GitLab-style
//! `extern_uid` exports and Microsoft Entra's "Download users" export.
//!
//! Header names match case-, space- and underscore-insensitively, a UTF-8 BOM is dropped, and
//! the delimiter (`,` `;` or tab) is taken from the header line. Quoted fields may hold the
//! delimiter, doubled quotes and newlines. A malformed row is reported with the line it starts
//! on and skipped. Pure: text in, identities out.
//!
//! The splitting into a header and rows ([`parse_table`]) is also how the request-log readers
//! read their CSV exports (Entra ID's provisioning logs, Kibana's export of `api_json.log`): one
//! CSV reader for every CSV the tool takes.

use super::json::{Parsed, issue};
use super::model::{Identity, IdentitySource, parse_bool};
use super::{RowIssue, ScimError};

/// What a header names, after normalising it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Column {
    ExternalId,
    ObjectId,
    Upn,
    UserName,
    Email,
    DisplayName,
    GivenName,
    Surname,
    Active,
    UserId,
    Source,
    Other,
}

/// A header as it is matched: lower case, letters and digits only (`User principal name`,
/// `user_principal_name` and `json.path` become `userprincipalname` and `jsonpath`; a BOM goes).
pub(super) fn header_key(header: &str) -> String {
    header
        .chars()
        .filter(char::is_ascii_alphanumeric)
        .map(|c| c.to_ascii_lowercase())
        .collect()
}

/// The header keys of a text's first non-empty line (for sniffing a file's head).
pub(super) fn head_keys(text: &str) -> Vec<String> {
    let first = text.lines().find(|l| !l.trim().is_empty()).unwrap_or("");
    split_simple(first, delimiter(first))
        .map(header_key)
        .collect()
}

fn column(header: &str) -> Column {
    match header_key(header).as_str() {
        "externalid" | "externuid" | "nameid" => Column::ExternalId,
        "objectid" | "id" | "objectidentifier" => Column::ObjectId,
        "userprincipalname" | "upn" => Column::Upn,
        "username" | "login" | "mailnickname" => Column::UserName,
        "email" | "mail" | "emailaddress" | "primaryemail" | "workemail" => Column::Email,
        "displayname" | "name" | "fullname" => Column::DisplayName,
        "givenname" | "firstname" => Column::GivenName,
        "surname" | "lastname" | "familyname" => Column::Surname,
        "active" | "accountenabled" | "enabled" | "state" => Column::Active,
        "userid" => Column::UserId,
        "source" | "provider" => Column::Source,
        _ => Column::Other,
    }
}

/// True when the first line is a header with at least one column this reader knows.
pub(super) fn looks_like_csv(text: &str) -> bool {
    let first = text.lines().find(|l| !l.trim().is_empty()).unwrap_or("");
    let delim = delimiter(first);
    let known = split_simple(first, delim)
        .filter(|h| !matches!(column(h), Column::Other | Column::Active | Column::Source))
        .count();
    known > 0 && (first.contains(delim) || known == 1)
}

fn split_simple(line: &str, delim: char) -> impl Iterator<Item = &str> {
    line.split(delim).map(|h| h.trim().trim_matches('"'))
}

/// The delimiter used most on the header line, outside quotes.
fn delimiter(header: &str) -> char {
    let mut quoted = false;
    let mut counts = [0usize; 3];
    for c in header.chars() {
        match c {
            '"' => quoted = !quoted,
            ',' if !quoted => counts[0] += 1,
            ';' if !quoted => counts[1] += 1,
            '\t' if !quoted => counts[2] += 1,
            _ => {}
        }
    }
    let best = (0..3)
        .max_by_key(|&i| (counts[i], std::cmp::Reverse(i)))
        .unwrap_or(0);
    [',', ';', '\t'][best]
}

/// One record: its fields and the line it starts on.
pub(super) struct Record {
    pub line: usize,
    pub fields: Vec<String>,
}

impl Record {
    /// The field at `index`, when present and not blank.
    pub(super) fn get(&self, index: Option<usize>) -> Option<&str> {
        self.fields
            .get(index?)
            .map(String::as_str)
            .filter(|f| !f.trim().is_empty())
    }
}

/// A CSV text split into its header and rows (RFC 4180, delimiter from the header line).
pub(super) struct Table {
    pub header: Record,
    /// The header's keys ([`header_key`]), by field index.
    pub keys: Vec<String>,
    pub rows: Vec<Record>,
    /// An unterminated quote, which swallowed the rest of the text.
    pub unterminated: Option<RowIssue>,
}

impl Table {
    /// The index of the first column whose key is one of `keys`.
    pub(super) fn column(&self, keys: &[&str]) -> Option<usize> {
        self.keys.iter().position(|k| keys.contains(&k.as_str()))
    }
}

/// Splits a CSV text into its header and rows; `None` for a text with no record at all.
pub(super) fn parse_table(text: &str) -> Option<Table> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let first = text.lines().find(|l| !l.trim().is_empty()).unwrap_or("");
    let (records, unterminated) = records(text, delimiter(first));
    let mut records = records.into_iter();
    let header = records.next()?;
    let keys = header.fields.iter().map(|h| header_key(h)).collect();
    Some(Table {
        header,
        keys,
        rows: records.collect(),
        unterminated,
    })
}

/// Splits CSV text into records (RFC 4180, lenient about stray quotes). An unterminated quote
/// swallows the rest of the text and is reported.
fn records(text: &str, delim: char) -> (Vec<Record>, Option<RowIssue>) {
    let mut out = Vec::new();
    let mut fields = Vec::new();
    let mut field = String::new();
    let (mut line, mut start, mut quoted, mut after_quote) = (1, 1, false, false);
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '"' if quoted && chars.peek() == Some(&'"') => {
                chars.next();
                field.push('"');
            }
            '"' if quoted => (quoted, after_quote) = (false, true),
            '"' if field.is_empty() && !after_quote => quoted = true,
            '\n' if quoted => {
                line += 1;
                field.push('\n');
            }
            c if c == delim && !quoted => {
                fields.push(std::mem::take(&mut field));
                after_quote = false;
            }
            '\r' if !quoted && chars.peek() == Some(&'\n') => {}
            '\n' => {
                fields.push(std::mem::take(&mut field));
                push_record(&mut out, start, std::mem::take(&mut fields));
                line += 1;
                start = line;
                after_quote = false;
            }
            c => field.push(c),
        }
    }
    let unterminated = quoted.then(|| issue(start, "a quoted field is never closed"));
    if unterminated.is_none() && (!field.is_empty() || !fields.is_empty()) {
        fields.push(field);
        push_record(&mut out, start, fields);
    }
    (out, unterminated)
}

fn push_record(out: &mut Vec<Record>, line: usize, fields: Vec<String>) {
    if fields.iter().all(|f| f.trim().is_empty()) {
        return;
    }
    out.push(Record { line, fields });
}

/// Reads a CSV identity list.
pub(super) fn parse_csv(input: &str, text: &str) -> Result<Parsed, ScimError> {
    let table = parse_table(text).ok_or_else(|| ScimError::Empty {
        input: input.to_owned(),
        why: "the file is empty (expected a header line and rows)".into(),
    })?;
    let columns = Columns::new(input, &table.header)?;
    let mut out = Parsed::default();
    for record in table.rows {
        match columns.identity(&record) {
            Ok(id) => out.identities.push(id),
            Err(problem) => out.skipped.push(issue(record.line, &problem)),
        }
    }
    out.skipped.extend(table.unterminated);
    Ok(out)
}

/// The header, resolved: which field index holds what.
struct Columns {
    kinds: Vec<Column>,
    default_source: IdentitySource,
}

impl Columns {
    fn new(input: &str, header: &Record) -> Result<Columns, ScimError> {
        let kinds: Vec<Column> = header.fields.iter().map(|h| column(h)).collect();
        let has = |k| kinds.contains(&k);
        let usable = [
            Column::ExternalId,
            Column::ObjectId,
            Column::Upn,
            Column::UserName,
            Column::Email,
        ];
        if !usable.iter().any(|&k| has(k)) {
            return Err(ScimError::Syntax {
                input: input.to_owned(),
                position: format!("line {}", header.line),
                problem: "no id column in the header: expected one of externalId, extern_uid, objectId, id, userPrincipalName, userName, email, mail".into(),
            });
        }
        let default_source = if has(Column::ObjectId) || has(Column::Upn) {
            IdentitySource::Idp
        } else {
            IdentitySource::Unknown
        };
        Ok(Columns {
            kinds,
            default_source,
        })
    }

    /// The first non-empty field of a kind.
    fn get<'r>(&self, r: &'r Record, kind: Column) -> Option<&'r str> {
        self.kinds
            .iter()
            .zip(&r.fields)
            .filter(|(k, _)| **k == kind)
            .map(|(_, f)| f.as_str())
            .find(|f| !f.trim().is_empty())
    }

    fn identity(&self, r: &Record) -> Result<Identity, String> {
        self.check_width(r)?;
        let owned = |k| self.get(r, k).map(str::to_owned);
        let external_id = owned(Column::ExternalId).or_else(|| owned(Column::ObjectId));
        let upn = owned(Column::Upn);
        let user_name = owned(Column::UserName).or_else(|| upn.clone());
        let mut emails: Vec<String> = owned(Column::Email).into_iter().collect();
        if let Some(upn) = upn.filter(|u| {
            u.contains('@') && !emails.contains(u) && user_name.as_deref() != Some(u.as_str())
        }) {
            emails.push(upn);
        }
        if external_id.is_none() && user_name.is_none() && emails.is_empty() {
            return Err("no externalId, objectId, userName or email in this row".into());
        }
        Ok(Identity {
            external_id,
            user_name,
            emails,
            display_name: self.display_name(r),
            active: self.active(r)?,
            user_id: self.user_id(r)?,
            source: self
                .get(r, Column::Source)
                .map_or(self.default_source, source),
            origin: format!("line {}", r.line),
        })
    }

    fn check_width(&self, r: &Record) -> Result<(), String> {
        let extra = r.fields.get(self.kinds.len()..).unwrap_or_default();
        if r.fields.len() < self.kinds.len() || extra.iter().any(|f| !f.trim().is_empty()) {
            return Err(format!(
                "{} fields, but the header has {}",
                r.fields.len(),
                self.kinds.len()
            ));
        }
        Ok(())
    }

    fn display_name(&self, r: &Record) -> Option<String> {
        let part = |k| self.get(r, k).map(str::to_owned);
        part(Column::DisplayName).or_else(|| {
            match (part(Column::GivenName), part(Column::Surname)) {
                (Some(g), Some(s)) => Some(format!("{g} {s}")),
                (g, s) => g.or(s),
            }
        })
    }

    fn active(&self, r: &Record) -> Result<Option<bool>, String> {
        match self.get(r, Column::Active) {
            None => Ok(None),
            Some(v) => parse_bool(v)
                .map(Some)
                .ok_or_else(|| format!("active is {v:?}: expected true or false")),
        }
    }

    fn user_id(&self, r: &Record) -> Result<Option<u64>, String> {
        match self.get(r, Column::UserId) {
            None => Ok(None),
            Some(v) => v
                .trim()
                .parse()
                .map(Some)
                .map_err(|_| format!("user_id is {v:?}: expected a number")),
        }
    }
}

/// The canonical CSV's `source` values (and GitLab provider names).
fn source(v: &str) -> IdentitySource {
    let v = v.trim().to_ascii_lowercase();
    match v.as_str() {
        _ if v.starts_with("scim") => IdentitySource::Scim,
        _ if v.contains("saml") => IdentitySource::Saml,
        "idp" => IdentitySource::Idp,
        "member" => IdentitySource::Member,
        "observed" => IdentitySource::Observed,
        _ => IdentitySource::Unknown,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(text: &str) -> Parsed {
        parse_csv("t.csv", text).unwrap()
    }

    #[test]
    fn reads_an_entra_export_with_bom_and_display_headers() {
        let text = "\u{feff}User principal name,Display name,Object Id,mail,Account enabled\r\n\
                    dave@example.com,\"Dave, Jr.\",7c9e6679-7425-40de-944b-e07fc1f90ae7,dave@example.com,True\r\n";
        let p = parse(text);
        let d = &p.identities[0];
        assert_eq!(
            d.external_id.as_deref(),
            Some("7c9e6679-7425-40de-944b-e07fc1f90ae7")
        );
        assert_eq!(d.user_name.as_deref(), Some("dave@example.com"));
        assert_eq!(d.emails, ["dave@example.com"]);
        assert_eq!(d.display_name.as_deref(), Some("Dave, Jr."));
        assert_eq!(d.active, Some(true));
        assert_eq!(d.source, IdentitySource::Idp);
        assert_eq!(d.origin, "line 2");
    }

    #[test]
    fn reads_the_canonical_columns() {
        let text = "source,user_id,username,email,extern_uid,active\nscim_group,48,alice,alice@example.com,0b1d,true\nsaml_group,49,bob,,Bob@Example.com,\n";
        let p = parse(text);
        assert_eq!(p.identities.len(), 2);
        assert_eq!(p.identities[0].source, IdentitySource::Scim);
        assert_eq!(p.identities[0].user_id, Some(48));
        assert_eq!(p.identities[1].source, IdentitySource::Saml);
        assert_eq!(p.identities[1].active, None);
        assert!(p.identities[1].emails.is_empty());
    }

    #[test]
    fn quoted_fields_keep_delimiters_quotes_and_newlines() {
        let text = "externalId;displayName\n\"a;1\";\"say \"\"hi\"\"\nthere\"\nb;x\n";
        let p = parse(text);
        assert_eq!(p.identities[0].external_id.as_deref(), Some("a;1"));
        assert_eq!(
            p.identities[0].display_name.as_deref(),
            Some("say \"hi\"\nthere")
        );
        assert_eq!(
            p.identities[1].origin, "line 4",
            "the quoted newline counts"
        );
    }

    #[test]
    fn malformed_rows_are_skipped_with_their_line() {
        let text =
            "externalId,active,user_id\na,true,1\nb,maybe,2\nc,true\n,,\nd,false,x\ne,true,5,\n";
        let p = parse(text);
        let ids: Vec<_> = p
            .identities
            .iter()
            .filter_map(|i| i.external_id.as_deref())
            .collect();
        assert_eq!(ids, ["a", "e"]);
        let issues: Vec<String> = p.skipped.iter().map(ToString::to_string).collect();
        assert_eq!(
            issues,
            [
                "line 3: active is \"maybe\": expected true or false",
                "line 4: 2 fields, but the header has 3",
                "line 6: user_id is \"x\": expected a number",
            ]
        );
    }

    #[test]
    fn an_unterminated_quote_is_reported() {
        let p = parse("externalId\na\n\"b\nc\n");
        assert_eq!(p.identities.len(), 1);
        assert_eq!(
            p.skipped[0].to_string(),
            "line 3: a quoted field is never closed"
        );
    }

    #[test]
    fn values_are_kept_exactly() {
        let p = parse("externalId\n\" a \"\nb \n");
        assert_eq!(p.identities[0].external_id.as_deref(), Some(" a "));
        assert_eq!(p.identities[1].external_id.as_deref(), Some("b "));
    }

    #[test]
    fn a_header_without_an_id_column_is_an_error() {
        let err = parse_csv("x.csv", "department,city\nA,B\n").unwrap_err();
        assert!(
            err.to_string().starts_with("x.csv: line 1: no id column"),
            "{err}"
        );
    }

    #[test]
    fn sniffing_knows_headers_from_ids() {
        assert!(looks_like_csv("externalId\nabc\n"));
        assert!(looks_like_csv("\u{feff}User principal name;Object Id\n"));
        assert!(looks_like_csv("id\tmail\n"));
        assert!(!looks_like_csv("0b1d561c-21ff\nbob@example.com\n"));
        assert!(!looks_like_csv("alice, bob\n"));
    }
}
