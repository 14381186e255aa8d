//! The pure half of the API client: which page to ask for next, when a list is complete, and
//! how much one fetch may cost.
//!
//! Sans-I/O: these types take what a response said (a parsed page, a few header values) and
//! return the next requests. They never send anything, read a clock or sleep; `gitlab.rs` does.
//! The work is bounded by the data received, never by what a server promises: SCIM pages are
//! planned a few at a time and every page must bring a new identity; REST pages must not point
//! back to a page already read; and a [`Budget`] caps the requests, bytes and records of a whole
//! fetch. A list is complete only when every identity `totalResults` promised has arrived;
//! anything else is an error, never a shorter list.

use std::collections::{BTreeSet, HashSet};
use std::sync::atomic::{AtomicU64, Ordering};

use url::Url;

use super::model::Identity;

pub use super::page::{
    Page, PageError, parse_page, parse_rest_records, parse_saml_users, read_array, read_page,
};
pub use super::retry::{Retry, RetryHeaders, RetryPolicy, error_detail};

/// The SCIM page size: GitLab's maximum.
pub const PAGE_SIZE: u32 = 100;

/// Why a paged read stopped.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum PagingError {
    #[error("the page has no totalResults")]
    NoTotal,
    #[error(
        "the list changed while it was read (totalResults was {before}, then {after}): run again"
    )]
    Changed { before: u64, after: u64 },
    #[error("{got} of {total} identities arrived (pages {pages} answered): the list is incomplete")]
    Incomplete { got: u64, total: u64, pages: usize },
    #[error("bad Link header: {0}")]
    BadLink(String),
    #[error("the next-page link points to another site ({0})")]
    OtherSite(String),
    #[error("X-Next-Page is {0:?}: expected a number")]
    BadNextPage(String),
    /// `Link: rel="next"` or `X-Next-Page` leads back to a page already read.
    #[error(
        "the next page ({0}) is one already read: the server's pagination loops, so the read stops"
    )]
    Loop(String),
    #[error(
        "an empty page still points to a next page ({0}): the server's pagination never ends, so the read stops"
    )]
    EmptyPageWithNext(String),
    #[error(transparent)]
    Budget(#[from] BudgetError),
}

/// A limit of one whole fetch that was reached.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum BudgetError {
    #[error("stopped after {0} requests: more pages than any GitLab list has (a safety limit)")]
    Requests(u64),
    #[error("stopped after {0} bytes: larger than any GitLab list (a safety limit)")]
    Bytes(u64),
    #[error("stopped after {0} records: more than samltrace holds in memory (a safety limit)")]
    Records(u64),
}

/// What one fetch may cost at most. The defaults are far above any real GitLab group (a group
/// of 100,000 people is about 1,000 SCIM pages and 100 MB).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Budget {
    pub requests: u64,
    pub bytes: u64,
    pub records: u64,
}

impl Default for Budget {
    fn default() -> Self {
        Budget {
            requests: 20_000,
            bytes: 1 << 30,
            records: 1_000_000,
        }
    }
}

/// What a fetch has spent so far, shared by the threads that fetch pages at once.
#[derive(Debug, Default)]
pub struct Spent {
    requests: AtomicU64,
    bytes: AtomicU64,
    records: AtomicU64,
}

impl Spent {
    fn add(counter: &AtomicU64, n: u64, limit: u64) -> Result<u64, u64> {
        let now = counter.fetch_add(n, Ordering::Relaxed).saturating_add(n);
        if now > limit { Err(limit) } else { Ok(now) }
    }

    /// Counts one request, before it is sent.
    pub fn request(&self, budget: &Budget) -> Result<(), BudgetError> {
        Self::add(&self.requests, 1, budget.requests)
            .map(drop)
            .map_err(BudgetError::Requests)
    }

    /// Counts bytes of a body as they are read.
    pub fn bytes(&self, n: u64, budget: &Budget) -> Result<(), BudgetError> {
        Self::add(&self.bytes, n, budget.bytes)
            .map(drop)
            .map_err(BudgetError::Bytes)
    }

    /// Counts records as they are read.
    pub fn records(&self, n: u64, budget: &Budget) -> Result<(), BudgetError> {
        Self::add(&self.records, n, budget.records)
            .map(drop)
            .map_err(BudgetError::Records)
    }

    pub fn requests_sent(&self) -> u64 {
        self.requests.load(Ordering::Relaxed)
    }
}

/// The key under which two records are the same record read twice (pages overlap when the
/// list changes or the server's order is unstable): the exact external id and the user. Never
/// a lower-cased value: two ids that differ only in case are two records, and the `ambiguous`
/// verdict is there to say so.
pub fn record_key(id: &Identity) -> (Option<String>, Option<String>, Option<u64>) {
    (id.external_id.clone(), id.user_name.clone(), id.user_id)
}

/// The state of a paged SCIM read: which start indexes were asked for and answered, what
/// arrived, and what `totalResults` promised.
#[derive(Debug)]
pub struct ScimPaging {
    total: Option<u64>,
    stride: u64,
    window: usize,
    next_start: u64,
    asked: BTreeSet<u64>,
    answered: BTreeSet<u64>,
    last_full: Option<(u64, u64)>,
    stalled: bool,
    seen: HashSet<(Option<String>, Option<String>, Option<u64>)>,
    identities: Vec<Identity>,
}

impl Default for ScimPaging {
    fn default() -> Self {
        Self::new(4)
    }
}

impl ScimPaging {
    /// A read that keeps at most `window` pages in flight.
    pub fn new(window: usize) -> Self {
        ScimPaging {
            total: None,
            stride: u64::from(PAGE_SIZE),
            window: window.max(1),
            next_start: 1,
            asked: BTreeSet::from([1]),
            answered: BTreeSet::new(),
            last_full: None,
            stalled: false,
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

    /// Takes the page that answered `start` and returns the start indexes to ask for next: at
    /// most `window` in flight, and none once a page brought nothing new.
    pub fn accept(&mut self, start: u64, page: Page) -> Result<Vec<u64>, PagingError> {
        let total = page.total.ok_or(PagingError::NoTotal)?;
        match self.total {
            Some(before) if before != total => {
                return Err(PagingError::Changed {
                    before,
                    after: total,
                });
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
        let before = self.identities.len();
        for id in page.resources {
            if self.seen.insert(record_key(&id)) {
                self.identities.push(id);
            }
        }
        // A page that adds nothing while more was promised ends the read: a server that lies
        // about its total, or repeats a page, cannot make samltrace ask forever.
        if self.identities.len() == before && (self.fetched() as u64) < total {
            self.stalled = true;
        }
        Ok(self.plan(total))
    }

    fn plan(&mut self, total: u64) -> Vec<u64> {
        if self.stalled || self.fetched() as u64 >= total {
            return Vec::new();
        }
        let in_flight = self.asked.len() - self.answered.len();
        let mut next = Vec::new();
        while in_flight + next.len() < self.window && self.next_start <= total {
            let s = self.next_start;
            self.next_start = s.saturating_add(self.stride);
            if self.asked.insert(s) {
                next.push(s);
            }
        }
        if next.is_empty() && in_flight == 0 {
            // Every planned page answered and still short: a page came back shorter than the
            // others (records deleted meanwhile). Continue after the last full page.
            if let Some((s, len)) = self.last_full {
                let resume = s.saturating_add(len);
                if resume <= total && self.asked.insert(resume) {
                    next.push(resume);
                    self.next_start = self.next_start.max(resume.saturating_add(self.stride));
                }
            }
        }
        next
    }

    /// The identities, when every one `totalResults` promised has arrived.
    pub fn finish(self) -> Result<Vec<Identity>, PagingError> {
        let total = self.total.unwrap_or(0);
        let got = self.identities.len() as u64;
        if got < total {
            return Err(PagingError::Incomplete {
                got,
                total,
                pages: self.answered.len(),
            });
        }
        Ok(self.identities)
    }
}

/// A paged REST read (`page`/`per_page`, `Link` and `X-Next-Page`): the pages read so far, so
/// that a next page pointing back to one of them is refused instead of followed for ever.
#[derive(Debug, Default)]
pub struct RestPaging {
    seen: HashSet<String>,
}

impl RestPaging {
    /// Starts at `first`, which counts as read.
    pub fn new(first: &Url) -> Self {
        RestPaging {
            seen: HashSet::from([page_key(first)]),
        }
    }

    /// The page after `current`, which held `records` records, or `None` at the end.
    pub fn next(
        &mut self,
        current: &Url,
        link: Option<&str>,
        x_next_page: Option<&str>,
        records: usize,
    ) -> Result<Option<Url>, PagingError> {
        let Some(next) = next_page(current, link, x_next_page)? else {
            return Ok(None);
        };
        if records == 0 {
            return Err(PagingError::EmptyPageWithNext(next.to_string()));
        }
        if !self.seen.insert(page_key(&next)) {
            return Err(PagingError::Loop(next.to_string()));
        }
        Ok(Some(next))
    }
}

/// A URL with its query parameters sorted, so that a link that only reorders them is still
/// the same page.
fn page_key(url: &Url) -> String {
    let mut pairs: Vec<(String, String)> = url
        .query_pairs()
        .map(|(k, v)| (k.into_owned(), v.into_owned()))
        .collect();
    pairs.sort();
    let query: Vec<String> = pairs.iter().map(|(k, v)| format!("{k}={v}")).collect();
    format!(
        "{}{}?{}",
        url.origin().ascii_serialization(),
        url.path(),
        query.join("&")
    )
}

/// The next page of a REST list, from `Link: <…>; rel="next"` or `X-Next-Page`. A link to
/// another origin is refused: the token must not follow it there.
pub fn next_page(
    current: &Url,
    link: Option<&str>,
    x_next_page: Option<&str>,
) -> Result<Option<Url>, PagingError> {
    if let Some(target) = link.and_then(next_link) {
        let url = current
            .join(target)
            .map_err(|e| PagingError::BadLink(e.to_string()))?;
        if url.origin() != current.origin() {
            return Err(PagingError::OtherSite(url.origin().ascii_serialization()));
        }
        return Ok(Some(url));
    }
    let Some(page) = x_next_page.map(str::trim).filter(|p| !p.is_empty()) else {
        return Ok(None);
    };
    let page: u64 = page
        .parse()
        .map_err(|_| PagingError::BadNextPage(page.chars().take(40).collect()))?;
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
    fn plans_a_window_of_pages_at_a_time() {
        let mut p = ScimPaging::new(2);
        assert_eq!(p.accept(1, page(450, 0..100)).unwrap(), [101, 201]);
        assert_eq!(p.accept(101, page(450, 100..200)).unwrap(), [301]);
        assert_eq!(p.accept(201, page(450, 200..300)).unwrap(), [401]);
        assert!(p.accept(301, page(450, 300..400)).unwrap().is_empty());
        assert!(p.accept(401, page(450, 400..450)).unwrap().is_empty());
        assert_eq!(p.finish().unwrap().len(), 450);
    }

    #[test]
    fn a_server_with_smaller_pages_sets_the_stride() {
        let mut p = ScimPaging::new(4);
        assert_eq!(p.accept(1, page(45, 0..20)).unwrap(), [21, 41]);
    }

    /// A lying `totalResults` (10^13, u64::MAX) plans a window, never every start index.
    #[test]
    fn a_lying_total_plans_only_a_window() {
        for total in [10_000_000_000_000, u64::MAX] {
            let mut p = ScimPaging::new(4);
            let next = p.accept(1, page(total, 0..100)).unwrap();
            assert_eq!(next, [101, 201, 301, 401]);
            // The server has nothing more: the next page repeats or is empty, and the read stops.
            assert!(p.accept(101, page(total, 0..100)).unwrap().is_empty());
            assert!(p.accept(201, page(total, 0..0)).unwrap().is_empty());
            let err = p.finish().unwrap_err();
            assert!(
                matches!(err, PagingError::Incomplete { got: 100, .. }),
                "{err}"
            );
        }
    }

    #[test]
    fn a_short_page_is_continued_then_reported() {
        let mut p = ScimPaging::new(4);
        assert_eq!(p.accept(1, page(250, 0..100)).unwrap(), [101, 201]);
        p.accept(101, page(250, 100..199)).unwrap();
        assert_eq!(
            p.accept(201, page(250, 200..250)).unwrap(),
            Vec::<u64>::new(),
            "no full page after 201"
        );
        let err = p.finish().unwrap_err();
        assert!(err.to_string().contains("249 of 250 identities"), "{err}");
    }

    #[test]
    fn a_changing_total_is_an_error() {
        let mut p = ScimPaging::new(4);
        p.accept(1, page(250, 0..100)).unwrap();
        let err = p.accept(101, page(251, 100..200)).unwrap_err();
        assert_eq!(
            err,
            PagingError::Changed {
                before: 250,
                after: 251
            }
        );
    }

    /// Ids that differ only in case are two records; an exact repeat is one.
    #[test]
    fn repeats_are_dropped_but_case_variants_are_kept() {
        let mut p = ScimPaging::new(4);
        p.accept(1, page(4, 0..2)).unwrap();
        let mut again = page(4, 1..3);
        again.resources.push(Identity {
            external_id: Some("U1".into()),
            ..Identity::default()
        });
        p.accept(3, again).unwrap();
        let ids: Vec<_> = p
            .finish()
            .unwrap()
            .into_iter()
            .filter_map(|i| i.external_id)
            .collect();
        assert_eq!(ids, ["u0", "u1", "u2", "U1"]);
    }

    #[test]
    fn an_empty_list_is_complete() {
        let mut p = ScimPaging::new(4);
        assert!(p.accept(1, page(0, 0..0)).unwrap().is_empty());
        assert!(p.finish().unwrap().is_empty());
    }

    #[test]
    fn a_page_without_total_is_refused() {
        let mut p = ScimPaging::new(4);
        assert_eq!(p.accept(1, Page::default()), Err(PagingError::NoTotal));
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
        assert_eq!(
            next_page(&cur, Some("<https://evil.test/p>; rel=\"next\""), None),
            Err(PagingError::OtherSite("https://evil.test".into()))
        );
        assert!(matches!(
            next_page(&cur, None, Some("x")),
            Err(PagingError::BadNextPage(_))
        ));
    }

    /// Pagination that points back to itself is refused on the first repeat.
    #[test]
    fn rest_paging_refuses_a_loop_and_an_endless_empty_page() {
        let first =
            Url::parse("https://gl.test/api/v4/groups/1/members?per_page=100&page=1").unwrap();
        let mut paging = RestPaging::new(&first);
        let same = format!("<{first}>; rel=\"next\"");
        assert!(matches!(
            paging.next(&first, Some(&same), None, 5),
            Err(PagingError::Loop(_))
        ));
        assert!(matches!(
            paging.next(&first, None, Some("1"), 5),
            Err(PagingError::Loop(_))
        ));
        let reordered =
            "<https://gl.test/api/v4/groups/1/members?page=1&per_page=100>; rel=\"next\"";
        assert!(matches!(
            paging.next(&first, Some(reordered), None, 5),
            Err(PagingError::Loop(_))
        ));
        let second = paging.next(&first, None, Some("2"), 5).unwrap().unwrap();
        assert!(matches!(
            paging.next(&second, None, Some("1"), 5),
            Err(PagingError::Loop(_))
        ));
        assert!(matches!(
            paging.next(&second, None, Some("3"), 0),
            Err(PagingError::EmptyPageWithNext(_))
        ));
        assert_eq!(paging.next(&second, None, Some(""), 0), Ok(None));
    }

    #[test]
    fn budgets_stop_a_fetch() {
        let budget = Budget {
            requests: 2,
            bytes: 10,
            records: 3,
        };
        let spent = Spent::default();
        assert!(spent.request(&budget).is_ok());
        assert!(spent.request(&budget).is_ok());
        assert_eq!(spent.request(&budget), Err(BudgetError::Requests(2)));
        assert!(spent.bytes(10, &budget).is_ok());
        assert_eq!(spent.bytes(1, &budget), Err(BudgetError::Bytes(10)));
        assert_eq!(spent.records(4, &budget), Err(BudgetError::Records(3)));
        assert_eq!(spent.requests_sent(), 3);
    }
}
