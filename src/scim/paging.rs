//! The pure half of the API client: which page to ask for next, when a list is complete, and
//! how long to wait before trying again.
//!
//! Sans-I/O: these functions take what a response said (a body, a few header values, the
//! time) and return the next requests or a wait. They never send anything, read a clock or
//! sleep; `gitlab.rs` does. A list is complete only when every identity `totalResults`
//! promised has arrived; anything else is an error, never a shorter list.

use std::collections::{BTreeSet, HashSet};
use std::time::Duration;

use serde_json::Value;
use url::Url;

use super::json::{text_of, u64_of};
use super::model::Identity;

/// The SCIM page size: GitLab's maximum.
pub const PAGE_SIZE: u32 = 100;

/// One SCIM ListResponse, read.
#[derive(Debug, Default)]
pub struct Page {
    pub total: Option<u64>,
    pub resources: Vec<Identity>,
}

/// Reads a SCIM ListResponse body. A resource that cannot be read makes the page unreadable:
/// skipping it would make the list silently incomplete.
pub fn parse_page(body: &str) -> Result<Page, String> {
    let v: Value = serde_json::from_str(body).map_err(|e| format!("not JSON: {e}"))?;
    let Value::Object(o) = v else {
        return Err("expected a SCIM ListResponse object".into());
    };
    let total = u64_of(o.get("totalResults"));
    let resources = match o.get("Resources").or_else(|| o.get("resources")) {
        None | Some(Value::Null) => Vec::new(),
        Some(Value::Array(items)) => items
            .iter()
            .enumerate()
            .map(|(i, r)| super::json::scim_user(r).map_err(|e| format!("Resources[{i}]: {e}")))
            .collect::<Result<_, _>>()?,
        Some(_) => return Err("Resources is not an array".into()),
    };
    Ok(Page { total, resources })
}

/// The state of a paged SCIM read: which start indexes were asked for and answered, what
/// arrived, and what `totalResults` promised.
#[derive(Debug)]
pub struct ScimPaging {
    total: Option<u64>,
    stride: u64,
    asked: BTreeSet<u64>,
    answered: BTreeSet<u64>,
    last_full: Option<(u64, u64)>,
    seen: HashSet<String>,
    identities: Vec<Identity>,
}

impl Default for ScimPaging {
    fn default() -> Self {
        Self::new()
    }
}

impl ScimPaging {
    pub fn new() -> Self {
        ScimPaging {
            total: None,
            stride: u64::from(PAGE_SIZE),
            asked: BTreeSet::from([1]),
            answered: BTreeSet::new(),
            last_full: None,
            seen: HashSet::new(),
            identities: Vec::new(),
        }
    }

    /// The start index of the first request.
    pub fn first(&self) -> u64 {
        1
    }

    pub fn fetched(&self) -> usize {
        self.identities.len()
    }

    pub fn total(&self) -> Option<u64> {
        self.total
    }

    /// Takes the page that answered `start` and returns the start indexes to ask for next
    /// (after the first page: all the others at once, so they can be fetched concurrently).
    pub fn accept(&mut self, start: u64, page: Page) -> Result<Vec<u64>, String> {
        let total = page.total.ok_or("the page has no totalResults")?;
        match self.total {
            Some(t) if t != total => {
                return Err(format!(
                    "the list changed while it was read (totalResults was {t}, then {total}): run again"
                ));
            }
            _ => self.total = Some(total),
        }
        let len = page.resources.len() as u64;
        if start == 1 && len > 0 {
            self.stride = len;
        }
        if len > 0 && len >= self.stride {
            self.last_full = self.last_full.max(Some((start, len)));
        }
        self.answered.insert(start);
        for id in page.resources {
            let key = id.external_id.as_deref().unwrap_or_default().to_lowercase();
            if self.seen.insert(key) {
                self.identities.push(id);
            }
        }
        Ok(self.plan())
    }

    fn plan(&mut self) -> Vec<u64> {
        let Some(total) = self.total else {
            return Vec::new();
        };
        let mut next = Vec::new();
        if self.answered.len() == 1 && self.answered.contains(&1) {
            next.extend(
                (1..)
                    .map(|k| 1 + k * self.stride)
                    .take_while(|&s| s <= total),
            );
        } else if self.answered.len() == self.asked.len() && (self.fetched() as u64) < total {
            // Every planned page answered and still short: a page came back shorter than the
            // others (records deleted meanwhile). Continue after the last full page once.
            if let Some((s, len)) = self.last_full {
                next.push(s + len);
            }
        }
        next.retain(|s| *s <= total && !self.asked.contains(s));
        // Each start is asked for once and lies within `total`: the number of requests is
        // bounded by the list's size even against a server that misbehaves.
        self.asked.extend(&next);
        next
    }

    /// The identities, when every one `totalResults` promised has arrived.
    pub fn finish(self) -> Result<Vec<Identity>, String> {
        let total = self.total.unwrap_or(0);
        let got = self.identities.len() as u64;
        if got < total {
            return Err(format!(
                "{got} of {total} identities arrived (pages {} answered): the list is incomplete",
                self.answered.len()
            ));
        }
        Ok(self.identities)
    }
}

/// The next page of a REST list, from `Link: <…>; rel="next"` or `X-Next-Page`. A link to
/// another origin is refused: the token must not follow it there.
pub fn next_page(
    current: &Url,
    link: Option<&str>,
    x_next_page: Option<&str>,
) -> Result<Option<Url>, String> {
    if let Some(target) = link.and_then(next_link) {
        let url = current
            .join(target)
            .map_err(|e| format!("bad Link header: {e}"))?;
        if url.origin() != current.origin() {
            return Err(format!(
                "the next-page link points to another site ({})",
                url.origin().ascii_serialization()
            ));
        }
        return Ok(Some(url));
    }
    let Some(page) = x_next_page.map(str::trim).filter(|p| !p.is_empty()) else {
        return Ok(None);
    };
    let page: u64 = page
        .parse()
        .map_err(|_| format!("X-Next-Page is {page:?}: expected a number"))?;
    let mut url = current.clone();
    let kept: Vec<(String, String)> = current
        .query_pairs()
        .filter(|(k, _)| k != "page")
        .map(|(k, v)| (k.into_owned(), v.into_owned()))
        .collect();
    url.query_pairs_mut()
        .clear()
        .extend_pairs(kept)
        .append_pair("page", &page.to_string());
    Ok(Some(url))
}

fn next_link(header: &str) -> Option<&str> {
    header.split(',').find_map(|part| {
        let (target, params) = part.split_once(';')?;
        let is_next = params.split(';').any(|p| {
            p.trim().trim_start_matches("rel=").trim_matches('"') == "next" && p.contains("rel=")
        });
        is_next.then(|| target.trim().trim_start_matches('<').trim_end_matches('>'))
    })
}

/// When to try a request again.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RetryPolicy {
    /// Attempts in all, the first included, for a 429 (5xx and timeouts get at most 3).
    pub attempts: u32,
    /// The first wait of the exponential backoff (2 s, 4 s, …).
    pub base: Duration,
    /// The longest single wait; a server that asks for more is given up on.
    pub cap: Duration,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        RetryPolicy {
            attempts: 5,
            base: Duration::from_secs(2),
            cap: Duration::from_secs(60),
        }
    }
}

/// What to do after a failed attempt.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Retry {
    After(Duration),
    /// Do not retry: the status is final, attempts are used up, or the server asks for a wait
    /// longer than the cap (then `Some(wait)`).
    GiveUp(Option<Duration>),
}

/// The rate-limit headers of a 429 (or 503), as text.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RetryHeaders {
    pub retry_after: Option<String>,
    pub ratelimit_reset: Option<String>,
}

impl RetryPolicy {
    /// After an HTTP status. `attempt` counts from 1; `now` is Unix seconds.
    pub fn after_status(
        &self,
        status: u16,
        headers: &RetryHeaders,
        attempt: u32,
        now: i64,
    ) -> Retry {
        let retryable = status == 429 || matches!(status, 500 | 502 | 503 | 504);
        // A rate limit passes; a failing server seldom recovers within seconds.
        let limit = if status == 429 {
            self.attempts
        } else {
            self.attempts.min(3)
        };
        if !retryable || attempt >= limit {
            return Retry::GiveUp(None);
        }
        let asked = if status == 429 || status == 503 {
            asked_wait(headers, now)
        } else {
            None
        };
        let wait = asked.unwrap_or_else(|| self.backoff(attempt));
        if wait > self.cap {
            return Retry::GiveUp(Some(wait));
        }
        Retry::After(wait)
    }

    /// After a timeout or a dropped connection.
    pub fn after_transport(&self, attempt: u32) -> Retry {
        if attempt >= self.attempts.min(3) {
            return Retry::GiveUp(None);
        }
        Retry::After(self.backoff(attempt))
    }

    fn backoff(&self, attempt: u32) -> Duration {
        let factor = 1u32 << (attempt.saturating_sub(1)).min(16);
        self.base.saturating_mul(factor).min(self.cap)
    }
}

/// `Retry-After` (seconds or an HTTP date), else `RateLimit-Reset` (a Unix time).
fn asked_wait(h: &RetryHeaders, now: i64) -> Option<Duration> {
    let until = |t: i64| Duration::from_secs(t.saturating_sub(now).max(0) as u64);
    if let Some(v) = h.retry_after.as_deref().map(str::trim) {
        if let Ok(secs) = v.parse::<u64>() {
            return Some(Duration::from_secs(secs));
        }
        if let Ok(ts) = jiff::fmt::rfc2822::parse(v).map(|z| z.timestamp()) {
            return Some(until(ts.as_second()));
        }
    }
    let reset = h.ratelimit_reset.as_deref()?.trim().parse::<i64>().ok()?;
    Some(until(reset))
}

/// A short, one-line, printable excerpt of an error body: the `detail`, `message` or `error`
/// of a JSON body, else its first line.
pub fn error_detail(body: &str) -> Option<String> {
    let from_json = serde_json::from_str::<Value>(body).ok().and_then(|v| {
        ["detail", "message", "error"]
            .iter()
            .find_map(|k| match v.get(*k)? {
                Value::Object(_) | Value::Array(_) => Some(v.get(*k)?.to_string()),
                other => text_of(Some(other)),
            })
    });
    let text = from_json.unwrap_or_else(|| body.lines().next().unwrap_or("").to_owned());
    let clean: String = text
        .chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .take(200)
        .collect();
    let clean = clean.trim().to_owned();
    (!clean.is_empty()).then_some(clean)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn page(total: u64, ids: std::ops::Range<u32>) -> Page {
        Page {
            total: Some(total),
            resources: ids
                .map(|i| Identity {
                    external_id: Some(format!("u{i}")),
                    ..Identity::default()
                })
                .collect(),
        }
    }

    #[test]
    fn plans_all_pages_after_the_first() {
        let mut p = ScimPaging::new();
        assert_eq!(p.accept(1, page(250, 0..100)).unwrap(), [101, 201]);
        assert_eq!(
            p.accept(201, page(250, 200..250)).unwrap(),
            Vec::<u64>::new()
        );
        assert_eq!(
            p.accept(101, page(250, 100..200)).unwrap(),
            Vec::<u64>::new()
        );
        assert_eq!(p.finish().unwrap().len(), 250);
    }

    #[test]
    fn a_server_with_smaller_pages_sets_the_stride() {
        let mut p = ScimPaging::new();
        assert_eq!(p.accept(1, page(45, 0..20)).unwrap(), [21, 41]);
    }

    #[test]
    fn a_short_page_is_continued_once_then_reported() {
        let mut p = ScimPaging::new();
        assert_eq!(p.accept(1, page(250, 0..100)).unwrap(), [101, 201]);
        p.accept(101, page(250, 100..199)).unwrap();
        assert_eq!(
            p.accept(201, page(250, 200..250)).unwrap(),
            Vec::<u64>::new(),
            "no full page after 201"
        );
        let err = p.finish().unwrap_err();
        assert!(err.contains("249 of 250 identities"), "{err}");
    }

    #[test]
    fn a_changing_total_is_an_error() {
        let mut p = ScimPaging::new();
        p.accept(1, page(250, 0..100)).unwrap();
        let err = p.accept(101, page(251, 100..200)).unwrap_err();
        assert!(err.contains("changed while it was read"), "{err}");
    }

    #[test]
    fn repeats_across_pages_are_dropped_case_insensitively() {
        let mut p = ScimPaging::new();
        p.accept(1, page(3, 0..2)).unwrap();
        let mut again = page(3, 1..3);
        again.resources[0].external_id = Some("U1".into());
        p.accept(3, again).unwrap();
        assert_eq!(p.fetched(), 3);
    }

    #[test]
    fn an_empty_list_is_complete() {
        let mut p = ScimPaging::new();
        assert!(p.accept(1, page(0, 0..0)).unwrap().is_empty());
        assert!(p.finish().unwrap().is_empty());
    }

    #[test]
    fn a_page_without_total_is_refused() {
        let mut p = ScimPaging::new();
        assert!(p.accept(1, Page::default()).is_err());
        assert!(
            parse_page(r#"{"totalResults":"2","Resources":[{"id":"a"},{"userName":"b"}]}"#)
                .is_err()
        );
        assert_eq!(
            parse_page(r#"{"totalResults":"0"}"#).unwrap().total,
            Some(0)
        );
    }

    #[test]
    fn rest_pages_follow_link_or_x_next_page() {
        let cur =
            Url::parse("https://gl.test/api/v4/groups/1/members?per_page=100&page=1").unwrap();
        let link = r#"<https://gl.test/api/v4/groups/1/members?page=2&per_page=100>; rel="next", <https://gl.test/x?page=9>; rel="last""#;
        assert_eq!(
            next_page(&cur, Some(link), None).unwrap().unwrap().as_str(),
            "https://gl.test/api/v4/groups/1/members?page=2&per_page=100"
        );
        assert_eq!(
            next_page(&cur, None, Some("3")).unwrap().unwrap().as_str(),
            "https://gl.test/api/v4/groups/1/members?per_page=100&page=3"
        );
        assert_eq!(next_page(&cur, None, Some("")).unwrap(), None);
        assert!(next_page(&cur, Some("<https://evil.test/p>; rel=\"next\""), None).is_err());
        assert!(next_page(&cur, None, Some("x")).is_err());
    }

    #[test]
    fn waits_follow_the_headers_then_back_off() {
        let p = RetryPolicy::default();
        let h = |ra: Option<&str>, reset: Option<&str>| RetryHeaders {
            retry_after: ra.map(str::to_owned),
            ratelimit_reset: reset.map(str::to_owned),
        };
        let now = 1_609_844_370;
        assert_eq!(
            p.after_status(429, &h(Some("30"), None), 1, now),
            Retry::After(Duration::from_secs(30))
        );
        assert_eq!(
            p.after_status(429, &h(None, Some("1609844400")), 1, now),
            Retry::After(Duration::from_secs(30))
        );
        assert_eq!(
            p.after_status(429, &h(Some("Tue, 05 Jan 2021 11:00:00 GMT"), None), 1, now),
            Retry::After(Duration::from_secs(30))
        );
        assert_eq!(
            p.after_status(429, &h(None, None), 1, now),
            Retry::After(Duration::from_secs(2))
        );
        assert_eq!(
            p.after_status(500, &h(Some("1"), None), 2, now),
            Retry::After(Duration::from_secs(4)),
            "500 ignores Retry-After"
        );
        assert_eq!(
            p.after_status(502, &h(None, None), 3, now),
            Retry::GiveUp(None),
            "5xx: three attempts"
        );
        assert_eq!(
            p.after_status(429, &h(Some("3600"), None), 1, now),
            Retry::GiveUp(Some(Duration::from_secs(3600)))
        );
        assert_eq!(
            p.after_status(429, &h(None, None), 5, now),
            Retry::GiveUp(None)
        );
        assert_eq!(
            p.after_status(401, &h(None, None), 1, now),
            Retry::GiveUp(None)
        );
        assert_eq!(p.after_transport(3), Retry::GiveUp(None));
    }

    #[test]
    fn error_details_are_one_printable_line() {
        assert_eq!(
            error_detail(r#"{"message":"401 Unauthorized"}"#).as_deref(),
            Some("401 Unauthorized")
        );
        assert_eq!(
            error_detail(r#"{"detail":"Unsupported Filter","status":412}"#).as_deref(),
            Some("Unsupported Filter")
        );
        assert_eq!(
            error_detail("Retry later\nmore").as_deref(),
            Some("Retry later")
        );
        assert_eq!(error_detail("\u{1b}[31mred").as_deref(), Some("[31mred"));
        assert_eq!(error_detail(""), None);
    }
}
