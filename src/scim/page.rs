//! GitLab's answers, read as they stream in: a SCIM ListResponse page and a JSON array of REST
//! records, one record at a time, so that a huge body never sits in memory whole.
//!
//! Pure: takes a reader (or text) and returns what it held, or a typed [`PageError`]. Bounded:
//! a SCIM page may hold no more resources than were asked for, a REST body no more records than
//! the caller allows, and each record is parsed with serde_json's nesting limit (128). Never
//! sends, waits or decides what to ask next (that is `paging`).

use std::cell::RefCell;
use std::fmt;
use std::io::Read;

use serde::de::{self, DeserializeSeed, IgnoredAny, MapAccess, SeqAccess, Visitor};
use serde_json::Value;

use super::json::u64_of;
use super::model::Identity;

/// One SCIM ListResponse, read.
#[derive(Debug, Default)]
pub struct Page {
    pub total: Option<u64>,
    pub resources: Vec<Identity>,
}

/// Why a response body could not be read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum PageError {
    /// The body is not JSON (or stops early); the position is serde_json's.
    #[error("not JSON: {0}")]
    NotJson(String),
    #[error("expected a SCIM ListResponse object")]
    NotAPage,
    #[error("Resources is not an array")]
    ResourcesNotArray,
    #[error("expected a JSON array")]
    NotAnArray,
    /// One record could not be read: skipping it would make the list silently incomplete.
    #[error("{what}[{index}]: {why}")]
    Record {
        what: &'static str,
        index: usize,
        why: String,
    },
    /// More records than the request asked for (a SCIM page) or than a whole list may hold.
    #[error("more than {limit} {what} in one answer: {why}")]
    TooMany {
        limit: usize,
        what: &'static str,
        why: &'static str,
    },
}

/// Reads a SCIM ListResponse from text; see [`read_page`].
pub fn parse_page(body: &str, limit: usize) -> Result<Page, PageError> {
    read_page(body.as_bytes(), limit)
}

/// Reads a SCIM ListResponse as it arrives, holding at most `limit` resources (the `count`
/// that was asked for: GitLab never sends more). A resource that cannot be read makes the
/// page unreadable.
pub fn read_page<R: Read>(reader: R, limit: usize) -> Result<Page, PageError> {
    let failure = RefCell::new(None);
    let mut de = serde_json::Deserializer::from_reader(std::io::BufReader::new(reader));
    let seed = PageSeed {
        limit,
        failure: &failure,
    };
    let result = seed
        .deserialize(&mut de)
        .and_then(|page| de.end().map(|()| page));
    result.map_err(|e| failure.take().unwrap_or_else(|| not_json(&e)))
}

/// Reads a JSON array as it arrives and hands each element to `each` with its index, which
/// turns it into records (`what` names them in messages). At most `limit` elements are read.
pub fn read_array<R, F>(
    reader: R,
    what: &'static str,
    limit: usize,
    mut each: F,
) -> Result<usize, PageError>
where
    R: Read,
    F: FnMut(usize, Value) -> Result<(), String>,
{
    let failure = RefCell::new(None);
    let mut de = serde_json::Deserializer::from_reader(std::io::BufReader::new(reader));
    let seed = ArraySeed {
        what,
        limit,
        failure: &failure,
        each: &mut each,
    };
    let result = seed.deserialize(&mut de).and_then(|n| de.end().map(|()| n));
    result.map_err(|e| failure.take().unwrap_or_else(|| not_json(&e)))
}

/// Reads a REST answer (`scim/identities`, `saml/identities`, members, users: a JSON array) into
/// identities, at most `limit` records.
pub fn parse_rest_records(body: &[u8], limit: usize) -> Result<Vec<Identity>, PageError> {
    let mut out = Vec::new();
    read_array(body, "record", limit, |_, v| {
        out.extend(super::rest::rest_record(&v, None)?);
        Ok(())
    })?;
    Ok(out)
}

/// Reads a `groups/:id/saml_users` answer into the identities of group `group_id` (with its
/// SAML identities when `with_saml`), and the notes about them.
pub fn parse_saml_users(
    body: &[u8],
    group_id: u64,
    with_saml: bool,
) -> Result<(Vec<Identity>, Vec<String>), PageError> {
    let mut users = Vec::new();
    read_array(body, "user", usize::MAX, |_, v| {
        users.push(super::rest::saml_user(&v)?);
        Ok(())
    })?;
    Ok(super::rest::saml_users_identities(
        users, group_id, with_saml,
    ))
}

fn not_json(e: &serde_json::Error) -> PageError {
    PageError::NotJson(e.to_string())
}

/// Records a typed failure for the caller and stops serde with it.
fn fail<E: de::Error>(cell: &RefCell<Option<PageError>>, e: PageError) -> E {
    let text = e.to_string();
    *cell.borrow_mut() = Some(e);
    E::custom(text)
}

struct PageSeed<'a> {
    limit: usize,
    failure: &'a RefCell<Option<PageError>>,
}

impl<'de> DeserializeSeed<'de> for PageSeed<'_> {
    type Value = Page;

    fn deserialize<D: de::Deserializer<'de>>(self, d: D) -> Result<Page, D::Error> {
        d.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for PageSeed<'_> {
    type Value = Page;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a SCIM ListResponse object")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Page, A::Error> {
        let mut page = Page::default();
        let mut upper: Option<Vec<Identity>> = None;
        let mut lower: Option<Vec<Identity>> = None;
        while let Some(key) = map.next_key::<String>()? {
            match key.as_str() {
                "totalResults" => page.total = u64_of(Some(&map.next_value::<Value>()?)),
                "Resources" | "resources" => {
                    let resources = map.next_value_seed(ResourcesSeed {
                        limit: self.limit,
                        failure: self.failure,
                    })?;
                    if key == "Resources" {
                        upper = Some(resources);
                    } else {
                        lower = Some(resources);
                    }
                }
                _ => {
                    map.next_value::<IgnoredAny>()?;
                }
            }
        }
        page.resources = upper.or(lower).unwrap_or_default();
        Ok(page)
    }

    fn visit_seq<A: SeqAccess<'de>>(self, _: A) -> Result<Page, A::Error> {
        Err(fail(self.failure, PageError::NotAPage))
    }

    fn visit_str<E: de::Error>(self, _: &str) -> Result<Page, E> {
        Err(fail(self.failure, PageError::NotAPage))
    }

    fn visit_bool<E: de::Error>(self, _: bool) -> Result<Page, E> {
        Err(fail(self.failure, PageError::NotAPage))
    }

    fn visit_i64<E: de::Error>(self, _: i64) -> Result<Page, E> {
        Err(fail(self.failure, PageError::NotAPage))
    }

    fn visit_u64<E: de::Error>(self, _: u64) -> Result<Page, E> {
        Err(fail(self.failure, PageError::NotAPage))
    }

    fn visit_f64<E: de::Error>(self, _: f64) -> Result<Page, E> {
        Err(fail(self.failure, PageError::NotAPage))
    }

    fn visit_unit<E: de::Error>(self) -> Result<Page, E> {
        Err(fail(self.failure, PageError::NotAPage))
    }
}

struct ResourcesSeed<'a> {
    limit: usize,
    failure: &'a RefCell<Option<PageError>>,
}

impl<'de> DeserializeSeed<'de> for ResourcesSeed<'_> {
    type Value = Vec<Identity>;

    fn deserialize<D: de::Deserializer<'de>>(self, d: D) -> Result<Vec<Identity>, D::Error> {
        d.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for ResourcesSeed<'_> {
    type Value = Vec<Identity>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("an array of SCIM User resources")
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Vec<Identity>, A::Error> {
        let mut out = Vec::new();
        while let Some(value) = seq.next_element::<Value>()? {
            if out.len() >= self.limit {
                let e = PageError::TooMany {
                    limit: self.limit,
                    what: "resources",
                    why: "more than the request asked for, so the page is refused",
                };
                return Err(fail(self.failure, e));
            }
            match super::json::scim_user(&value) {
                Ok(identity) => out.push(identity),
                Err(why) => {
                    let e = PageError::Record {
                        what: "Resources",
                        index: out.len(),
                        why,
                    };
                    return Err(fail(self.failure, e));
                }
            }
        }
        Ok(out)
    }

    fn visit_unit<E: de::Error>(self) -> Result<Vec<Identity>, E> {
        Ok(Vec::new())
    }

    fn visit_map<A: MapAccess<'de>>(self, _: A) -> Result<Vec<Identity>, A::Error> {
        Err(fail(self.failure, PageError::ResourcesNotArray))
    }

    fn visit_str<E: de::Error>(self, _: &str) -> Result<Vec<Identity>, E> {
        Err(fail(self.failure, PageError::ResourcesNotArray))
    }

    fn visit_bool<E: de::Error>(self, _: bool) -> Result<Vec<Identity>, E> {
        Err(fail(self.failure, PageError::ResourcesNotArray))
    }

    fn visit_i64<E: de::Error>(self, _: i64) -> Result<Vec<Identity>, E> {
        Err(fail(self.failure, PageError::ResourcesNotArray))
    }

    fn visit_u64<E: de::Error>(self, _: u64) -> Result<Vec<Identity>, E> {
        Err(fail(self.failure, PageError::ResourcesNotArray))
    }

    fn visit_f64<E: de::Error>(self, _: f64) -> Result<Vec<Identity>, E> {
        Err(fail(self.failure, PageError::ResourcesNotArray))
    }
}

struct ArraySeed<'a, F> {
    what: &'static str,
    limit: usize,
    failure: &'a RefCell<Option<PageError>>,
    each: &'a mut F,
}

impl<'de, F> DeserializeSeed<'de> for ArraySeed<'_, F>
where
    F: FnMut(usize, Value) -> Result<(), String>,
{
    type Value = usize;

    fn deserialize<D: de::Deserializer<'de>>(self, d: D) -> Result<usize, D::Error> {
        d.deserialize_any(self)
    }
}

impl<'de, F> Visitor<'de> for ArraySeed<'_, F>
where
    F: FnMut(usize, Value) -> Result<(), String>,
{
    type Value = usize;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a JSON array")
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<usize, A::Error> {
        let mut index = 0;
        while let Some(value) = seq.next_element::<Value>()? {
            if index >= self.limit {
                let e = PageError::TooMany {
                    limit: self.limit,
                    what: self.what,
                    why: "the list is larger than samltrace reads",
                };
                return Err(fail(self.failure, e));
            }
            if let Err(why) = (self.each)(index, value) {
                let e = PageError::Record {
                    what: self.what,
                    index,
                    why,
                };
                return Err(fail(self.failure, e));
            }
            index += 1;
        }
        Ok(index)
    }

    fn visit_map<A: MapAccess<'de>>(self, _: A) -> Result<usize, A::Error> {
        Err(fail(self.failure, PageError::NotAnArray))
    }

    fn visit_str<E: de::Error>(self, _: &str) -> Result<usize, E> {
        Err(fail(self.failure, PageError::NotAnArray))
    }

    fn visit_bool<E: de::Error>(self, _: bool) -> Result<usize, E> {
        Err(fail(self.failure, PageError::NotAnArray))
    }

    fn visit_i64<E: de::Error>(self, _: i64) -> Result<usize, E> {
        Err(fail(self.failure, PageError::NotAnArray))
    }

    fn visit_u64<E: de::Error>(self, _: u64) -> Result<usize, E> {
        Err(fail(self.failure, PageError::NotAnArray))
    }

    fn visit_f64<E: de::Error>(self, _: f64) -> Result<usize, E> {
        Err(fail(self.failure, PageError::NotAnArray))
    }

    fn visit_unit<E: de::Error>(self) -> Result<usize, E> {
        Err(fail(self.failure, PageError::NotAnArray))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_a_page_in_any_key_order() {
        let page = parse_page(
            r#"{"Resources":[{"id":"a"},{"id":"b","active":false}],"itemsPerPage":100,"totalResults":"2"}"#,
            100,
        )
        .unwrap();
        assert_eq!(page.total, Some(2));
        assert_eq!(page.resources.len(), 2);
        assert_eq!(page.resources[1].active, Some(false));
        assert_eq!(
            parse_page(r#"{"totalResults":0}"#, 100).unwrap().total,
            Some(0)
        );
        let p = parse_page(r#"{"totalResults":1,"Resources":null}"#, 100).unwrap();
        assert!(p.resources.is_empty());
    }

    #[test]
    fn a_bad_page_is_a_typed_error() {
        let cases = [
            ("[]", PageError::NotAPage),
            ("7", PageError::NotAPage),
            (r#"{"Resources":{}}"#, PageError::ResourcesNotArray),
            (
                r#"{"totalResults":"2","Resources":[{"id":"a"},{"userName":"b"}]}"#,
                PageError::Record {
                    what: "Resources",
                    index: 1,
                    why: "SCIM User without id or externalId".into(),
                },
            ),
        ];
        for (body, want) in cases {
            assert_eq!(parse_page(body, 100).unwrap_err(), want, "{body}");
        }
        assert!(matches!(
            parse_page("{\"Resources\":[", 100),
            Err(PageError::NotJson(_))
        ));
        assert!(matches!(
            parse_page("{} trailing", 100),
            Err(PageError::NotJson(_))
        ));
    }

    /// A page holding more resources than were asked for is refused at the first extra one,
    /// whatever follows (a 220 MB page of tiny resources is never held).
    #[test]
    fn a_page_larger_than_asked_is_refused_at_once() {
        let body = format!(
            "{{\"totalResults\":3,\"Resources\":[{}{{\"id\":\"x\"",
            "{\"id\":\"a\"},".repeat(3)
        );
        let err = parse_page(&body, 2).unwrap_err();
        assert!(
            matches!(err, PageError::TooMany { limit: 2, .. }),
            "{err}: refused before the body ends"
        );
    }

    #[test]
    fn deep_nesting_is_a_json_error_not_a_crash() {
        let deep = format!(
            "{{\"Resources\":[{}{}]}}",
            "[".repeat(100_000),
            "]".repeat(100_000)
        );
        assert!(matches!(parse_page(&deep, 100), Err(PageError::NotJson(_))));
    }

    #[test]
    fn arrays_stream_element_by_element() {
        let mut seen = Vec::new();
        let n = read_array(&b"[1, {\"a\":2}, \"x\"]"[..], "records", 10, |i, v| {
            seen.push((i, v));
            Ok(())
        })
        .unwrap();
        assert_eq!(n, 3);
        assert_eq!(seen[1].1["a"], 2);
        let err = read_array(&b"[1,2,3]"[..], "records", 2, |_, _| Ok(())).unwrap_err();
        assert!(matches!(err, PageError::TooMany { limit: 2, .. }), "{err}");
        let err = read_array(&b"[1,2]"[..], "records", 9, |i, _| {
            if i == 1 { Err("no".into()) } else { Ok(()) }
        })
        .unwrap_err();
        assert_eq!(err.to_string(), "records[1]: no");
        assert_eq!(
            read_array(&b"{}"[..], "records", 9, |_, _| Ok(())).unwrap_err(),
            PageError::NotAnArray
        );
    }
}
