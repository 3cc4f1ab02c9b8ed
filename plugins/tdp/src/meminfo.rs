//! The machine's total memory, from `<proc_root>/meminfo` (read by `codecarbon-system`).

use crate::error::{proc_hint, TdpError};
use codecarbon_core::Gigabytes;
use codecarbon_system::MemInfo;
use std::io;
use std::path::Path;

/// `MemTotal` from the text of `/proc/meminfo` (given in kB of 1024 bytes), or `None` when the
/// line is missing or malformed.
///
/// ```
/// let total = codecarbon_tdp::parse_mem_total("MemTotal:       24686112 kB\nMemFree: 1 kB\n");
/// assert!((total.unwrap().value() - 23.5425).abs() < 1e-4);
/// ```
pub fn parse_mem_total(text: &str) -> Option<Gigabytes> {
    MemInfo::parse(text).map(|m| m.total)
}

/// Reads `MemTotal` from `<proc_root>/meminfo`.
pub fn read_mem_total(proc_root: &Path) -> Result<Gigabytes, TdpError> {
    let path = proc_root.join("meminfo");
    match MemInfo::read(proc_root) {
        Ok(m) => Ok(m.total),
        Err(e) if e.kind() == io::ErrorKind::InvalidData => Err(TdpError::Invalid {
            path,
            message: "no `MemTotal: <n> kB` line. Point `proc_root` at a Linux /proc tree, or \
                      set `force_ram_power`"
                .into(),
        }),
        Err(source) => Err(TdpError::Read {
            path,
            source,
            hint: proc_hint(codecarbon_core::config::key::force_ram_power),
        }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_kilobytes_as_gib() {
        let gb = parse_mem_total("MemTotal: 16777216 kB\n").unwrap();
        assert_eq!(gb, Gigabytes(16.0));
    }

    #[test]
    fn rejects_missing_or_odd_lines() {
        assert_eq!(parse_mem_total("MemFree: 10 kB\n"), None);
        assert_eq!(parse_mem_total("MemTotal: lots kB\n"), None);
        assert_eq!(parse_mem_total("MemTotal: 10 MB\n"), None);
    }

    #[test]
    fn errors_name_the_file() {
        let dir = tempfile::tempdir().unwrap();
        let missing = read_mem_total(dir.path()).unwrap_err();
        assert!(matches!(missing, TdpError::Read { .. }));
        assert!(missing.to_string().contains("meminfo"));
        assert_eq!(
            missing.to_string().matches("meminfo").count(),
            1,
            "{missing}"
        );
        std::fs::write(dir.path().join("meminfo"), "nothing\n").unwrap();
        let invalid = read_mem_total(dir.path()).unwrap_err();
        assert!(matches!(invalid, TdpError::Invalid { .. }));
        assert!(invalid.to_string().contains("meminfo"), "{invalid}");
    }
}
