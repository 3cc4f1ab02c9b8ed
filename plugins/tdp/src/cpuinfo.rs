//! The CPU model, logical CPUs and sockets, from `<proc_root>/cpuinfo` (parsed by
//! `codecarbon-system`).

use crate::error::{proc_hint, TdpError};
pub use codecarbon_system::{parse_cpuinfo, CpuInfo};
use std::path::Path;

/// Reads and parses `<proc_root>/cpuinfo`.
pub fn read_cpuinfo(proc_root: &Path) -> Result<CpuInfo, TdpError> {
    CpuInfo::read(proc_root).map_err(|source| TdpError::Read {
        path: proc_root.join("cpuinfo"),
        source,
        hint: proc_hint(codecarbon_core::config::key::force_cpu_power),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unreadable_file_names_its_path() {
        let dir = tempfile::tempdir().unwrap();
        let err = read_cpuinfo(dir.path()).unwrap_err();
        let text = err.to_string();
        assert!(
            text.contains("cpuinfo") && text.contains("proc_root"),
            "{text}"
        );
        assert_eq!(text.matches("cpuinfo").count(), 1, "{text}");
    }
}
