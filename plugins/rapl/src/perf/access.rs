//! Whether this process may open system-wide perf events, as the RAPL PMU requires:
//! `kernel.perf_event_paranoid` ≤ 0, or CAP_PERFMON (or CAP_SYS_ADMIN, which root has).

use crate::files::Files;
use std::path::Path;

/// Bit of CAP_SYS_ADMIN in a capability set.
const CAP_SYS_ADMIN: u32 = 21;
/// Bit of CAP_PERFMON in a capability set (Linux 5.8 and later).
const CAP_PERFMON: u32 = 38;

/// What decides whether perf events may be opened.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct PerfAccess {
    /// `/proc/sys/kernel/perf_event_paranoid`, when readable.
    pub paranoid: Option<i32>,
    /// The effective capability set (`CapEff` of `/proc/self/status`), when readable.
    pub capabilities: Option<u64>,
}

impl PerfAccess {
    /// Reads both from `proc_root` (normally `/proc`).
    pub fn read(files: &dyn Files, proc_root: &Path) -> PerfAccess {
        let paranoid = files
            .read_to_string(&proc_root.join("sys/kernel/perf_event_paranoid"))
            .ok()
            .and_then(|t| t.trim().parse().ok());
        let capabilities = files
            .read_to_string(&proc_root.join("self/status"))
            .ok()
            .and_then(|t| parse_cap_eff(&t));
        PerfAccess {
            paranoid,
            capabilities,
        }
    }

    /// Whether a system-wide RAPL event may be opened.
    ///
    /// ```
    /// use codecarbon_rapl::PerfAccess;
    /// assert!(PerfAccess { paranoid: Some(0), capabilities: Some(0) }.allowed());
    /// assert!(!PerfAccess { paranoid: Some(2), capabilities: Some(0) }.allowed());
    /// // root: every capability
    /// assert!(PerfAccess { paranoid: Some(2), capabilities: Some(0x1ff_ffff_ffff) }.allowed());
    /// assert!(!PerfAccess::default().allowed());
    /// ```
    pub fn allowed(&self) -> bool {
        let has = |bit: u32| self.capabilities.is_some_and(|c| c & (1u64 << bit) != 0);
        self.paranoid.is_some_and(|p| p <= 0) || has(CAP_PERFMON) || has(CAP_SYS_ADMIN)
    }
}

/// The `CapEff:` line of a `/proc/<pid>/status` file.
pub fn parse_cap_eff(status: &str) -> Option<u64> {
    status.lines().find_map(|line| {
        let hex = line.strip_prefix("CapEff:")?.trim();
        u64::from_str_radix(hex, 16).ok()
    })
}
