//! Exponential back-off after a failed request, so a dead service or a rejected token is not
//! asked again at every measure interval.

use std::time::{Duration, Instant};

/// The wait after the first failure; each further failure in a row doubles it.
pub const BACKOFF_FIRST: Duration = Duration::from_secs(5);

/// The longest wait between two attempts.
pub const BACKOFF_MAX: Duration = Duration::from_secs(600);

/// Consecutive failures and the moment the next attempt is allowed.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct Backoff {
    failures: u32,
    until: Option<Instant>,
}

impl Backoff {
    /// Records a failure at `now`; returns how long to wait before the next attempt.
    pub(crate) fn failed(&mut self, now: Instant) -> Duration {
        self.failures = self.failures.saturating_add(1);
        let wait = delay(self.failures);
        self.until = Some(now + wait);
        wait
    }

    /// Records a success: the next failure starts again at [`BACKOFF_FIRST`].
    pub(crate) fn succeeded(&mut self) {
        *self = Backoff::default();
    }

    /// Whether an attempt at `now` must wait.
    pub(crate) fn waiting(&self, now: Instant) -> bool {
        self.until.is_some_and(|until| now < until)
    }
}

/// The wait after `failures` failures in a row (at least 1): 5 s, 10 s, 20 s, ... 600 s.
fn delay(failures: u32) -> Duration {
    let doublings = failures.saturating_sub(1).min(16);
    BACKOFF_FIRST
        .checked_mul(1u32 << doublings)
        .map_or(BACKOFF_MAX, |d| d.min(BACKOFF_MAX))
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
    use super::*;

    #[test]
    fn delays_double_up_to_the_cap() {
        let secs: Vec<u64> = (1..=10).map(|n| delay(n).as_secs()).collect();
        assert_eq!(secs, [5, 10, 20, 40, 80, 160, 320, 600, 600, 600]);
        assert_eq!(delay(u32::MAX), BACKOFF_MAX);
    }

    #[test]
    fn waits_until_the_delay_is_over_and_resets_on_success() {
        let t0 = Instant::now();
        let mut b = Backoff::default();
        assert!(!b.waiting(t0));
        assert_eq!(b.failed(t0), Duration::from_secs(5));
        assert!(b.waiting(t0 + Duration::from_secs(4)));
        assert!(!b.waiting(t0 + Duration::from_secs(5)));
        assert_eq!(b.failed(t0), Duration::from_secs(10));
        b.succeeded();
        assert!(!b.waiting(t0));
        assert_eq!(b.failed(t0), Duration::from_secs(5));
    }
}
