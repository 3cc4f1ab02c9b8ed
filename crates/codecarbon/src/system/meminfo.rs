//! Machine memory from `/proc/meminfo`, counted as psutil counts it.

use codecarbon_core::{Gigabytes, Percent};
use std::io;
use std::path::Path;

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
        let field = |name: &str| -> Option<u64> {
            text.lines()
                .find_map(|l| l.strip_prefix(name)?.strip_prefix(':'))
                .and_then(|rest| rest.split_whitespace().next()?.parse::<u64>().ok())
                .map(|kb| kb * 1024)
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
        Self::read_with(&mut super::ProcFile::default(), &proc_root.join("meminfo"))
    }

    /// Reads a meminfo file through a reused buffer.
    pub(crate) fn read_with(file: &mut super::ProcFile, path: &Path) -> io::Result<MemInfo> {
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
}
