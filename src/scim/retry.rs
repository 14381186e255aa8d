//! When to try a request to GitLab again, and how long to wait first: the rate-limit headers
//! of a 429 or 503, exponential backoff otherwise, bounded attempts, and a printable excerpt of
//! an error body.
//!
//! Sans-I/O: these functions take what a response said (a status, a few header values, the
//! time) and return a wait. They never send anything, read a clock or sleep; `gitlab.rs` does.

use std::time::Duration;

use serde_json::Value;

use super::json::text_of;

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
