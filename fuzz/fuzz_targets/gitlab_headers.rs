//! Bytes as the headers and error bodies of GitLab's answers: `Link` and `X-Next-Page` (the
//! next page must stay on the same site and never loop), `Retry-After` and `RateLimit-Reset`
//! (a wait is never longer than the cap), an error body's excerpt (one printable line), and the
//! redaction every message goes through (idempotent, and no userinfo survives it).
#![no_main]

use std::time::Duration;

use libfuzzer_sys::fuzz_target;
use samltrace::scim::paging::{self, RestPaging, Retry, RetryHeaders, RetryPolicy};
use samltrace::redact::urls as redact;
use url::Url;

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let mut parts = text.splitn(4, '\n');
    let (link, next, retry, rest) = (
        parts.next().unwrap_or(""),
        parts.next().unwrap_or(""),
        parts.next().unwrap_or(""),
        parts.next().unwrap_or(""),
    );

    let first = Url::parse("https://gitlab.test/api/v4/groups/33/members?per_page=100&page=1")
        .expect("a URL");
    let mut pages = RestPaging::new(&first);
    let mut current = first.clone();
    for _ in 0..4 {
        match pages.next(&current, Some(link), Some(next), 1) {
            Ok(Some(url)) => {
                assert_eq!(url.origin(), first.origin(), "the token stays on the site");
                current = url;
            }
            _ => break,
        }
    }

    let policy = RetryPolicy::default();
    let headers = RetryHeaders {
        retry_after: Some(retry.to_owned()),
        ratelimit_reset: Some(rest.lines().next().unwrap_or("").to_owned()),
    };
    for status in [429, 503, 500] {
        if let Retry::After(wait) = policy.after_status(status, &headers, 1, 1_700_000_000) {
            assert!(wait <= Duration::from_secs(60), "{wait:?}");
        }
    }

    if let Some(line) = paging::error_detail(&text) {
        assert!(!line.contains(char::is_control), "{line:?}");
        assert!(line.chars().count() <= 200);
    }
    let once = redact::text(&text);
    assert_eq!(redact::text(&once), once, "redaction is idempotent");
});
