//! Waiting for something to become true, with a deadline: a server to be ready, a value to be
//! scraped, a queued deletion to land. Tests poll instead of sleeping a fixed time, so they are
//! quick on a fast machine and still pass on a busy one.

use std::time::{Duration, Instant};

/// How often [`poll_until`] asks: often enough to be quick, rarely enough not to load a busy
/// machine.
pub const EVERY: Duration = Duration::from_millis(100);

/// Calls `check` every [`EVERY`] until it returns `Some`, for at most `within`: its value, or
/// `None` when time ran out. `check` is called at least once, and once more at the deadline.
pub fn poll_until<T>(within: Duration, check: impl FnMut() -> Option<T>) -> Option<T> {
    poll_every(within, EVERY, check)
}

/// [`poll_until`] with another interval between calls of `check`.
pub fn poll_every<T>(
    within: Duration,
    every: Duration,
    mut check: impl FnMut() -> Option<T>,
) -> Option<T> {
    let deadline = Instant::now() + within;
    loop {
        if let Some(v) = check() {
            return Some(v);
        }
        if Instant::now() >= deadline {
            return None;
        }
        std::thread::sleep(every);
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
    use super::*;

    #[test]
    fn returns_the_first_value_and_gives_up_at_the_deadline() {
        let mut calls = 0;
        let got = poll_every(Duration::from_secs(5), Duration::from_millis(1), || {
            calls += 1;
            (calls == 3).then_some(calls)
        });
        assert_eq!(got, Some(3));

        let start = Instant::now();
        let mut calls = 0;
        let none: Option<()> = poll_until(Duration::from_millis(250), || {
            calls += 1;
            None
        });
        assert_eq!(none, None);
        assert!(start.elapsed() >= Duration::from_millis(250));
        assert!((3..=5).contains(&calls), "{calls} calls");
    }
}
