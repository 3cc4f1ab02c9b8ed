//! The `timestamp` column: local time to the second, as CodeCarbon writes it
//! (`2026-12-07T09:30:00`, no zone).
//!
//! chrono's `Local::now` looks at `TZ` and `/etc/localtime` (a stat) at every call; a run that
//! reports every second need not. The zone's offset is looked up once a minute at most, so a
//! change of offset (daylight saving time) shows in the rows within a minute.

use chrono::{DateTime, Datelike, FixedOffset, Local, Timelike, Utc};
use std::cell::Cell;
use std::fmt::Write;
use std::time::{Duration, Instant};

/// How long an offset looked up is used.
const OFFSET_LIFETIME: Duration = Duration::from_secs(60);

/// Local time for rows, with the zone's offset kept for [`OFFSET_LIFETIME`].
#[derive(Debug, Default)]
pub(crate) struct LocalClock {
    offset: Cell<Option<(FixedOffset, Instant)>>,
}

impl LocalClock {
    /// Now, as the `timestamp` column writes it.
    pub(crate) fn timestamp(&self) -> String {
        let now = Utc::now();
        let offset = match self.offset.get() {
            Some((offset, at)) if at.elapsed() < OFFSET_LIFETIME => offset,
            _ => {
                let offset = *Local::now().offset();
                self.offset.set(Some((offset, Instant::now())));
                offset
            }
        };
        format_local(now.with_timezone(&offset))
    }
}

/// `YYYY-MM-DDTHH:MM:SS`, the same as chrono's `format("%Y-%m-%dT%H:%M:%S")`.
fn format_local(at: DateTime<FixedOffset>) -> String {
    let mut text = String::with_capacity(19);
    let _ = write!(
        text,
        "{:04}-{:02}-{:02}T{:02}:{:02}:{:02}",
        at.year(),
        at.month(),
        at.day(),
        at.hour(),
        at.minute(),
        at.second()
    );
    text
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[test]
    fn writes_what_chrono_writes() {
        for seconds in [0, 951_782_400, 1_796_000_123, 4_102_444_799] {
            for hours in [-11, 0, 1, 14] {
                let offset = FixedOffset::east_opt(hours * 3600).unwrap();
                let at = DateTime::from_timestamp(seconds, 0)
                    .unwrap()
                    .with_timezone(&offset);
                assert_eq!(format_local(at), at.format("%Y-%m-%dT%H:%M:%S").to_string());
            }
        }
    }

    #[test]
    fn is_local_time_now() {
        let clock = LocalClock::default();
        let before = Local::now().format("%Y-%m-%dT%H:%M:%S").to_string();
        let ours = clock.timestamp();
        let again = clock.timestamp();
        let after = Local::now().format("%Y-%m-%dT%H:%M:%S").to_string();
        assert!(before <= ours && ours <= again && again <= after, "{ours}");
    }
}
