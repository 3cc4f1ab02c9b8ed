//! What a refresh changes in one file: keys added and dropped, and the largest intensity
//! changes in g CO2eq/kWh.

use super::tables::intensities;
use std::fmt;

/// How many changed values are listed.
pub const TOP: usize = 10;

/// One key whose intensity changed.
#[derive(Debug, Clone, PartialEq)]
pub struct Change {
    /// Country, state, province or region.
    pub key: String,
    /// Before, g/kWh.
    pub old: f64,
    /// After, g/kWh.
    pub new: f64,
}

/// The changes to one file.
#[derive(Debug, Clone, PartialEq)]
pub struct FileChanges {
    /// The file, relative to the data directory.
    pub path: String,
    /// No previous file (everything is new).
    pub new_file: bool,
    /// The bytes are the same as before.
    pub unchanged: bool,
    /// Entries before and after.
    pub counts: (usize, usize),
    /// Keys that appeared.
    pub added: Vec<String>,
    /// Keys that disappeared.
    pub dropped: Vec<String>,
    /// The largest changes by absolute difference, at most [`TOP`].
    pub largest: Vec<Change>,
    /// How many keys changed value in all.
    pub changed: usize,
}

/// Compares a file's previous bytes (if any) with its new ones.
pub fn compare(path: &str, old: Option<&[u8]>, new: &[u8]) -> FileChanges {
    let after = intensities(path, new).unwrap_or_default();
    let before = old
        .map(|o| intensities(path, o).unwrap_or_default())
        .unwrap_or_default();
    let added = after
        .keys()
        .filter(|k| !before.contains_key(*k))
        .cloned()
        .collect();
    let dropped = before
        .keys()
        .filter(|k| !after.contains_key(*k))
        .cloned()
        .collect();
    let mut largest: Vec<Change> = after
        .iter()
        .filter_map(|(k, new)| {
            let old = *before.get(k)?;
            (old != *new).then(|| Change {
                key: k.clone(),
                old,
                new: *new,
            })
        })
        .collect();
    let changed = largest.len();
    largest.sort_by(|a, b| {
        (b.new - b.old)
            .abs()
            .total_cmp(&(a.new - a.old).abs())
            .then_with(|| a.key.cmp(&b.key))
    });
    largest.truncate(TOP);
    FileChanges {
        path: path.to_owned(),
        new_file: old.is_none(),
        unchanged: old == Some(new),
        counts: (before.len(), after.len()),
        added,
        dropped,
        largest,
        changed,
    }
}

impl fmt::Display for FileChanges {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.new_file {
            return write!(f, "{}: new file, {} entries", self.path, self.counts.1);
        }
        if self.unchanged {
            return write!(f, "{}: unchanged ({} entries)", self.path, self.counts.1);
        }
        write!(
            f,
            "{}: {} -> {} entries, {} values changed",
            self.path, self.counts.0, self.counts.1, self.changed
        )?;
        if !self.added.is_empty() {
            write!(f, "\n  added: {}", self.added.join(", "))?;
        }
        if !self.dropped.is_empty() {
            write!(f, "\n  dropped: {}", self.dropped.join(", "))?;
        }
        if !self.largest.is_empty() {
            write!(f, "\n  largest changes (g CO2eq/kWh):")?;
            for c in &self.largest {
                write!(
                    f,
                    "\n    {}: {:.3} -> {:.3} ({:+.3})",
                    c.key,
                    c.old,
                    c.new,
                    c.new - c.old
                )?;
            }
        }
        if self.added.is_empty() && self.dropped.is_empty() && self.changed == 0 {
            write!(f, "\n  (format or metadata only)")?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
    use super::*;

    #[test]
    fn lists_added_dropped_and_largest() {
        let old = b"region,location,country_iso_code,g_co2e_per_kwh\na,A,USA,100\nb,B,USA,200\nc,C,USA,300\n";
        let new = b"region,location,country_iso_code,g_co2e_per_kwh\na,A,USA,150\nb,B,USA,190\nd,D,USA,1\n";
        let c = compare("cloud/aws.csv", Some(old), new);
        assert_eq!(c.added, ["d"]);
        assert_eq!(c.dropped, ["c"]);
        assert_eq!(c.largest[0].key, "a");
        assert_eq!(c.largest[1].key, "b");
        let text = c.to_string();
        assert!(text.contains("a: 100.000 -> 150.000 (+50.000)"), "{text}");
        assert!(text.contains("dropped: c"), "{text}");
        assert!(compare("cloud/aws.csv", Some(new), new)
            .to_string()
            .contains("unchanged"));
    }
}
