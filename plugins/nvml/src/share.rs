//! Process mode: the tracked tree's share of each GPU's energy.
//!
//! Per GPU and interval, the first of these that has something to share:
//!
//! 1. **utilisation**: Σ SM utilisation of the tree's processes / Σ SM utilisation of all
//!    processes, over NVML's per-process samples taken in the interval;
//! 2. **memory**: the device memory the tree's compute processes use / that used by all compute
//!    processes (MIG instances, and GPUs without per-process samples);
//! 3. **processes**: the tree's compute processes / all compute processes, where the driver does
//!    not report memory per process.
//!
//! With no compute process on the GPU the share is 0: its energy stays unattributed (the
//! machine's total is reported beside it).

use crate::api::{ComputeProcess, NvmlDevice, NvmlError, ProcessSample};
use std::collections::HashSet;
use std::fmt;
use std::path::PathBuf;

/// What a share was computed from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Basis {
    /// Per-process SM utilisation samples.
    Utilization,
    /// Device memory used per process.
    Memory,
    /// The number of compute processes.
    Processes,
    /// Nothing ran on the GPU.
    Idle,
}

impl fmt::Display for Basis {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Basis::Utilization => "SM utilisation",
            Basis::Memory => "device memory",
            Basis::Processes => "process count",
            Basis::Idle => "idle",
        })
    }
}

/// The tree's part of one GPU's energy over one interval.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Share {
    /// From 0 to 1.
    pub fraction: f64,
    /// What it was computed from.
    pub basis: Basis,
}

/// The tree's part of the SM utilisation in `samples`; `None` when nobody used the SMs.
///
/// ```
/// use codecarbon_nvml::{utilization_share, ProcessSample};
/// let s = |pid, sm_util| ProcessSample { pid, timestamp_us: 1, sm_util };
/// let share = utilization_share(&[s(10, 60), s(20, 20)], |pid| pid == 10);
/// assert_eq!(share, Some(0.75));
/// assert_eq!(utilization_share(&[s(10, 0)], |_| true), None);
/// ```
pub fn utilization_share(samples: &[ProcessSample], in_tree: impl Fn(u32) -> bool) -> Option<f64> {
    let total: u64 = samples.iter().map(|s| u64::from(s.sm_util)).sum();
    let tree: u64 = samples
        .iter()
        .filter(|s| in_tree(s.pid))
        .map(|s| u64::from(s.sm_util))
        .sum();
    (total > 0).then(|| (tree as f64 / total as f64).clamp(0.0, 1.0))
}

/// The tree's part of `processes` by device memory, or by count where no memory is reported;
/// `None` without processes.
///
/// ```
/// use codecarbon_nvml::{memory_share, Basis, ComputeProcess};
/// let p = |pid, used_memory| ComputeProcess { pid, used_memory };
/// let (share, basis) = memory_share(&[p(10, Some(3 << 30)), p(20, Some(1 << 30))], |pid| pid == 10).unwrap();
/// assert_eq!((share, basis), (0.75, Basis::Memory));
/// let (share, basis) = memory_share(&[p(10, None), p(20, None)], |pid| pid == 10).unwrap();
/// assert_eq!((share, basis), (0.5, Basis::Processes));
/// assert_eq!(memory_share(&[], |_| true), None);
/// ```
pub fn memory_share(
    processes: &[ComputeProcess],
    in_tree: impl Fn(u32) -> bool,
) -> Option<(f64, Basis)> {
    if processes.is_empty() {
        return None;
    }
    let total: u64 = processes.iter().filter_map(|p| p.used_memory).sum();
    if total > 0 {
        let tree: u64 = processes
            .iter()
            .filter(|p| in_tree(p.pid))
            .filter_map(|p| p.used_memory)
            .sum();
        return Some(((tree as f64 / total as f64).clamp(0.0, 1.0), Basis::Memory));
    }
    let tree = processes.iter().filter(|p| in_tree(p.pid)).count();
    Some((tree as f64 / processes.len() as f64, Basis::Processes))
}

/// The tracked tree's pids, read from `/proc` at most once per sample, and only when a GPU has
/// processes to share among.
#[derive(Debug)]
pub struct TreeView {
    proc_root: PathBuf,
    root: u32,
    pids: Option<HashSet<u32>>,
}

impl TreeView {
    /// The tree rooted at `root`, under `proc_root`.
    pub fn new(proc_root: PathBuf, root: u32) -> TreeView {
        TreeView {
            proc_root,
            root,
            pids: None,
        }
    }

    /// The tree's pids now (read on first use).
    pub fn pids(&mut self) -> &HashSet<u32> {
        self.pids
            .get_or_insert_with(|| codecarbon_system::descendants(&self.proc_root, self.root))
    }
}

/// One GPU's per-process sampling state.
#[derive(Debug, Clone, Default)]
pub struct ShareTracker {
    /// The newest per-process sample seen, in CPU µs.
    last_seen: Option<u64>,
    /// NVML said per-process utilisation is not supported here.
    no_utilization: bool,
}

impl ShareTracker {
    /// The tree's share of `device`'s energy since the previous call.
    pub fn share(&mut self, device: &dyn NvmlDevice, tree: &mut TreeView) -> Share {
        if let Some(samples) = self.samples(device) {
            if !samples.is_empty() {
                let pids = tree.pids();
                if let Some(fraction) = utilization_share(&samples, |pid| pids.contains(&pid)) {
                    return Share {
                        fraction,
                        basis: Basis::Utilization,
                    };
                }
            }
        }
        let processes = device.running_compute_processes().unwrap_or_default();
        if processes.is_empty() {
            return idle();
        }
        let pids = tree.pids();
        match memory_share(&processes, |pid| pids.contains(&pid)) {
            Some((fraction, basis)) => Share { fraction, basis },
            None => idle(),
        }
    }

    /// The per-process samples since the previous call, `None` where NVML has none to give.
    fn samples(&mut self, device: &dyn NvmlDevice) -> Option<Vec<ProcessSample>> {
        if self.no_utilization {
            return None;
        }
        match device.process_utilization(self.last_seen) {
            Ok(samples) => {
                let since = self.last_seen.unwrap_or(0);
                let newest = samples.iter().map(|s| s.timestamp_us).max();
                let fresh: Vec<ProcessSample> = match self.last_seen {
                    Some(_) => samples
                        .into_iter()
                        .filter(|s| s.timestamp_us > since)
                        .collect(),
                    // The first call returns the driver's whole buffer, from before tracking
                    // began: it only sets the time.
                    None => Vec::new(),
                };
                self.last_seen = self.last_seen.max(newest).or(Some(since));
                Some(fresh)
            }
            Err(NvmlError::NotSupported) => {
                self.no_utilization = true;
                None
            }
            Err(_) => None,
        }
    }
}

fn idle() -> Share {
    Share {
        fraction: 0.0,
        basis: Basis::Idle,
    }
}
