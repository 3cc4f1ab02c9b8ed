//! Timestamps as CodeCarbon writes them (`2024-05-01T12:00:00`, local time, no zone), and the
//! other forms found in the wild (fractions, a zone, a space instead of the `T`).

use chrono::{DateTime, NaiveDate, NaiveDateTime};

/// Milliseconds since the Unix epoch. A timestamp without a zone is taken as written (shown as
/// is, in UTC, so the page shows the same wall-clock time as the file).
pub fn parse_timestamp(text: &str) -> Option<i64> {
    let text = text.trim();
    if text.is_empty() {
        return None;
    }
    if let Ok(t) = DateTime::parse_from_rfc3339(text) {
        return Some(t.timestamp_millis());
    }
    for format in ["%Y-%m-%dT%H:%M:%S%.f%:z", "%Y-%m-%d %H:%M:%S%.f%:z"] {
        if let Ok(t) = DateTime::parse_from_str(text, format) {
            return Some(t.timestamp_millis());
        }
    }
    for format in [
        "%Y-%m-%dT%H:%M:%S%.f",
        "%Y-%m-%d %H:%M:%S%.f",
        "%Y-%m-%dT%H:%M",
    ] {
        if let Ok(t) = NaiveDateTime::parse_from_str(text, format) {
            return Some(t.and_utc().timestamp_millis());
        }
    }
    NaiveDate::parse_from_str(text, "%Y-%m-%d")
        .ok()
        .and_then(|d| d.and_hms_opt(0, 0, 0))
        .map(|t| t.and_utc().timestamp_millis())
}

/// The UTC wall-clock time of `ms`, `YYYY-MM-DDTHH:MM:SS`.
pub fn format_ms(ms: i64) -> String {
    DateTime::from_timestamp_millis(ms)
        .map(|t| t.format("%Y-%m-%dT%H:%M:%S").to_string())
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codecarbon_and_other_forms() {
        let base = parse_timestamp("2024-05-01T12:00:00").unwrap();
        assert_eq!(base, 1_714_564_800_000);
        assert_eq!(parse_timestamp("2024-05-01 12:00:00"), Some(base));
        assert_eq!(parse_timestamp("2024-05-01T12:00:00.250"), Some(base + 250));
        assert_eq!(parse_timestamp("2024-05-01T14:00:00+02:00"), Some(base));
        assert_eq!(parse_timestamp("2024-05-01T12:00:00Z"), Some(base));
        assert_eq!(parse_timestamp("2024-05-01"), Some(base - 12 * 3_600_000));
        assert_eq!(parse_timestamp("yesterday"), None);
        assert_eq!(parse_timestamp(""), None);
        assert_eq!(format_ms(base), "2024-05-01T12:00:00");
    }
}
