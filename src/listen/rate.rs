//! The request rate limit: a token bucket over all clients together, and a log that says so
//! once a second rather than once per refused request (a flood must not flood the terminal).
//!
//! Pure: the caller passes the time.

use std::time::{Duration, Instant};

/// What the bucket decided for one request.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Decision {
    Allow,
    /// Refused; `log` is how many requests were refused since the last line (this one
    /// included) when it is time for a line, `None` when the line was written lately.
    Refuse {
        log: Option<u64>,
    },
}

#[derive(Debug)]
pub struct Bucket {
    /// Tokens per second, and the most the bucket holds (the burst). Zero: no limit.
    rate: u32,
    tokens: f64,
    last: Instant,
    refused: u64,
    logged: Option<Instant>,
}

/// How often a line about refused requests is written at most.
const LOG_EVERY: Duration = Duration::from_secs(1);

impl Bucket {
    pub fn new(rate: u32, now: Instant) -> Bucket {
        Bucket {
            rate,
            tokens: f64::from(rate),
            last: now,
            refused: 0,
            logged: None,
        }
    }

    pub fn take(&mut self, now: Instant) -> Decision {
        if self.rate == 0 {
            return Decision::Allow;
        }
        let elapsed = now.saturating_duration_since(self.last).as_secs_f64();
        self.last = now;
        let rate = f64::from(self.rate);
        self.tokens = (self.tokens + elapsed * rate).min(rate);
        if self.tokens >= 1.0 {
            self.tokens -= 1.0;
            return Decision::Allow;
        }
        self.refused += 1;
        let due = self
            .logged
            .is_none_or(|at| now.saturating_duration_since(at) >= LOG_EVERY);
        if !due {
            return Decision::Refuse { log: None };
        }
        self.logged = Some(now);
        Decision::Refuse {
            log: Some(std::mem::take(&mut self.refused)),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_burst_passes_then_the_rate_holds_and_refusals_are_logged_once_a_second() {
        let t0 = Instant::now();
        let mut b = Bucket::new(10, t0);
        for _ in 0..10 {
            assert_eq!(b.take(t0), Decision::Allow);
        }
        assert_eq!(b.take(t0), Decision::Refuse { log: Some(1) });
        assert_eq!(b.take(t0), Decision::Refuse { log: None });
        assert_eq!(b.take(t0), Decision::Refuse { log: None });
        let later = t0 + Duration::from_millis(100);
        assert_eq!(b.take(later), Decision::Allow);
        assert_eq!(b.take(later), Decision::Refuse { log: None });
        let second = t0 + Duration::from_millis(1000);
        assert_eq!(b.take(second), Decision::Allow);
        let mut drained = 0;
        while b.take(second) == Decision::Allow {
            drained += 1;
        }
        assert_eq!(drained, 8, "the bucket holds at most the rate");
        // The line a second later counts every refusal since the last one.
        let next = second + Duration::from_millis(1);
        let mut last = Decision::Allow;
        for _ in 0..3 {
            last = b.take(next);
        }
        assert_eq!(last, Decision::Refuse { log: None });
        assert_eq!(
            b.take(t0 + Duration::from_millis(2001)),
            Decision::Allow,
            "refilled"
        );
    }

    #[test]
    fn zero_is_no_limit() {
        let t0 = Instant::now();
        let mut b = Bucket::new(0, t0);
        assert!((0..10_000).all(|_| b.take(t0) == Decision::Allow));
    }
}
