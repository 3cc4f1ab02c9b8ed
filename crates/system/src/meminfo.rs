//! Machine memory from `/proc/meminfo`, counted as psutil counts it.

use codecarbon_core::{Gigabytes, Percent};
use std::io;
use std::path::Path;

/// A field's value in bytes: values are in kB (of 1024 bytes); a field with any other unit is
/// not understood.
fn bytes(rest: &str) -> Option<u64> {
    let mut words = rest.split_whitespace();
    let kb: u64 = words.next()?.parse().ok()?;
    match words.next() {
        None => Some(kb),
        Some(unit) if unit.eq_ignore_ascii_case("kb") => Some(kb),
        Some(_) => None,
    }
    .and_then(|kb| kb.checked_mul(1024))
}

/// Total, used and utilisation of the machine's memory.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct MemInfo {
    /// `MemTotal`.
    pub total: Gigabytes,
    /// psutil's `used`: total − free − buffers − cached (cached including `SReclaimable`).
    pub used: Gigabytes,
    /// psutil's `percent`: (total − available) / total.
    pub percent: Percent,
}

impl MemInfo {
    /// Parses the text of `/proc/meminfo` (values in kB).
    pub fn parse(text: &str) -> Option<MemInfo> {
        // One pass over the lines, each field's first line kept.
        const NAMES: [&str; 6] = [
            "MemTotal",
            "MemFree",
            "Cached",
            "SReclaimable",
            "Buffers",
            "MemAvailable",
        ];
        let mut values: [Option<Option<u64>>; 6] = [None; 6];
        for line in text.lines() {
            let Some((name, rest)) = line.split_once(':') else {
                continue;
            };
            if let Some(i) = NAMES.iter().position(|n| *n == name) {
                values[i].get_or_insert_with(|| bytes(rest));
            }
        }
        let field = |name: &str| {
            let i = NAMES.iter().position(|n| *n == name)?;
            values[i].flatten()
        };
        let total = field("MemTotal")?;
        let free = field("MemFree").unwrap_or(0);
        let cached = field("Cached").unwrap_or(0) + field("SReclaimable").unwrap_or(0);
        let buffers = field("Buffers").unwrap_or(0);
        let available = field("MemAvailable").unwrap_or(free + cached + buffers);
        let used = total
            .checked_sub(free + cached + buffers)
            .unwrap_or(total.saturating_sub(free));
        let percent = if total > 0 {
            100.0 * total.saturating_sub(available) as f64 / total as f64
        } else {
            0.0
        };
        Some(MemInfo {
            total: Gigabytes::from_bytes(total),
            used: Gigabytes::from_bytes(used),
            percent: Percent(percent),
        })
    }

    /// Reads `<proc_root>/meminfo`.
    pub fn read(proc_root: &Path) -> io::Result<MemInfo> {
        Self::read_with(&mut crate::ProcFile::default(), &proc_root.join("meminfo"))
    }

    /// Reads a meminfo file through a reused buffer; an error of kind
    /// [`io::ErrorKind::InvalidData`] when the file has no `MemTotal` line.
    pub fn read_with(file: &mut crate::ProcFile, path: &Path) -> io::Result<MemInfo> {
        let text = file.read(path)?;
        Self::parse(text).ok_or_else(|| {
            io::Error::new(
                io::ErrorKind::InvalidData,
                format!("{} has no MemTotal line", path.display()),
            )
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_like_psutil() {
        let text = "MemTotal: 1048576 kB\nMemFree: 262144 kB\nMemAvailable: 524288 kB\n\
                    Buffers: 0 kB\nCached: 131072 kB\nSReclaimable: 131072 kB\n";
        let m = MemInfo::parse(text).unwrap();
        assert_eq!(m.total, Gigabytes(1.0));
        assert_eq!(m.used, Gigabytes(0.5));
        assert_eq!(m.percent, Percent(50.0));
    }

    #[test]
    fn mem_total_is_in_kilobytes_or_not_understood() {
        let total = |text: &str| MemInfo::parse(text).map(|m| m.total);
        assert_eq!(total("MemTotal: 16777216 kB\n"), Some(Gigabytes(16.0)));
        assert_eq!(total("MemTotal: 16777216\n"), Some(Gigabytes(16.0)));
        assert_eq!(total("MemFree: 10 kB\n"), None);
        assert_eq!(total("MemTotal: lots kB\n"), None);
        assert_eq!(total("MemTotal: 10 MB\n"), None);
    }

    #[test]
    fn read_names_the_file_and_tells_missing_from_invalid() {
        let dir = tempfile::tempdir().unwrap();
        let missing = MemInfo::read(dir.path()).unwrap_err();
        assert_eq!(missing.kind(), io::ErrorKind::NotFound);
        assert!(missing.to_string().contains("meminfo"), "{missing}");
        std::fs::write(dir.path().join("meminfo"), "nothing\n").unwrap();
        let invalid = MemInfo::read(dir.path()).unwrap_err();
        assert_eq!(invalid.kind(), io::ErrorKind::InvalidData);
        assert!(invalid.to_string().contains("meminfo"), "{invalid}");
    }
}
