//! codecarbon's one reader of the kernel's files: `/proc/stat`, `/proc/meminfo`,
//! `/proc/<pid>/stat` and `/proc/cpuinfo`, each parsed in one place; and of the run's
//! allocation: its cgroup's limits (`/proc/self/cgroup`, the cgroup v2 mount) and its SLURM
//! job's (`scontrol show job`).
//!
//! The engine (machine load, memory, the tracked process tree) and the plugins (`tdp`'s CPU
//! and memory description, `nvml`'s process tree, `rapl`'s CPU model) all read these files;
//! one crate keeps one parser of each, so a kernel quirk is fixed once. Every reader takes the
//! proc root as a parameter (the `proc_root` setting, `/proc` by default), so tests point it at
//! a fake tree. `uname(2)` gives the `os` column and the host name that the Prometheus and
//! OpenTelemetry outputs label a machine with.

/// The Rust examples of this crate's README (shown on crates.io), compiled and run by
/// `cargo test --doc -p codecarbon-system`.
#[cfg(doctest)]
#[doc = include_str!("../README.md")]
struct ReadmeDoctests;

mod allocation;
mod cgroup;
mod cpu_times;
mod cpuinfo;
mod meminfo;
mod os;
mod process_tree;
mod slurm;
mod stat;

pub use allocation::{find_allocation, AllocationQuery, FoundAllocation};
pub use cgroup::{count_cpu_list, CgroupLimits, Limit};
pub use slurm::{parse_scontrol, parse_slurm_memory, scontrol_show_job, SlurmError, SlurmJob};

pub use cpu_times::{CpuTimes, MachineLoad};
pub use cpuinfo::{parse_cpuinfo, CpuInfo};
pub use meminfo::MemInfo;
pub use os::{host_name, os_description};
pub use process_tree::ProcessTree;
pub use stat::{descendants, pids, ProcStat};

use std::io::{self, Read};
use std::path::Path;

/// Reads kernel files into one reused buffer.
///
/// `/proc` files report a size of zero, so a plain `read_to_string` starts with tiny reads and
/// doubles: eight system calls for `/proc/stat`. A buffer kept between ticks reads each file in
/// one call, and allocates nothing once warm.
#[derive(Debug, Default)]
pub struct ProcFile {
    buffer: String,
}

impl ProcFile {
    /// The contents of `path`; the error names the file (`cannot read <path>: <why>`).
    pub fn read(&mut self, path: &Path) -> io::Result<&str> {
        self.buffer.clear();
        self.buffer.reserve(16 * 1024);
        std::fs::File::open(path)
            .and_then(|mut f| f.read_to_string(&mut self.buffer))
            .map_err(|e| {
                io::Error::new(e.kind(), format!("cannot read {}: {e}", path.display()))
            })?;
        Ok(&self.buffer)
    }
}
