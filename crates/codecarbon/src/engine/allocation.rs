//! The run's allocation, found once at its start: the cgroup's limits, else the SLURM job's
//! (`SLURM_JOB_ID`), else the machine (see `codecarbon_system::find_allocation`), with what
//! went wrong said as a warning; and CodeCarbon's warning against machine mode on a SLURM rank
//! other than a node's first.

use crate::diagnostics::ENGINE;
use crate::error::TrackerError;
use crate::system::{find_allocation, AllocationQuery, CpuTimes, MemInfo, ProcFile};
use codecarbon_core::{Allocation, Config, Gigabytes, TrackingMode};
use std::ffi::OsStr;
use std::time::Duration;

/// How long `scontrol show job` may take: it asks the cluster's controller, which answers in
/// milliseconds when it is well; a run does not wait longer for a figure it can do without.
const SCONTROL_LIMIT: Duration = Duration::from_secs(2);

/// The CPUs and memory a run with `config` may use: `config.allocation` when the caller has set
/// it, else what this machine's cgroup and SLURM job allow, read now. The machine's figures are
/// read from `<proc_root>/stat` and `<proc_root>/meminfo`.
pub fn allocation(config: &Config) -> Result<Allocation, TrackerError> {
    if let Some(allocation) = &config.allocation {
        return Ok(allocation.clone());
    }
    let mut file = ProcFile::default();
    let stat = config.proc_root.join("stat");
    let cpus = CpuTimes::parse(file.read(&stat)?).map_or(1, |(_, cpus)| cpus);
    let memory = MemInfo::read(&config.proc_root)?.total;
    Ok(find_for(config, cpus, memory))
}

/// As [`allocation`], for a machine of `cpus` logical CPUs and `memory`, already read.
pub(crate) fn find_for(config: &Config, cpus: usize, memory: Gigabytes) -> Allocation {
    if let Some(allocation) = &config.allocation {
        return allocation.clone();
    }
    let job = slurm_job();
    let query = AllocationQuery {
        proc_root: &config.proc_root,
        cgroup_root: &config.cgroup_root,
        slurm_job: job.as_deref(),
        scontrol: OsStr::new("scontrol"),
        scontrol_limit: SCONTROL_LIMIT,
    };
    let found = find_allocation(&query, Allocation::machine(cpus, memory));
    if let Some(note) = &found.note {
        tracing::debug!(target: ENGINE, "{note}");
    }
    if let Some(warning) = &found.warning {
        tracing::warn!(target: ENGINE, "{warning}");
    }
    if config.tracking_mode == TrackingMode::Machine {
        warn_on_a_later_rank();
    }
    tracing::info!(target: ENGINE, "allocation: {}", found.allocation);
    found.allocation
}

/// The SLURM job this process runs in: `SLURM_JOB_ID`, or the older `SLURM_JOBID`; `None`
/// outside SLURM, and for a value that is not a job id (a warning says so).
fn slurm_job() -> Option<String> {
    let (name, value) = ["SLURM_JOB_ID", "SLURM_JOBID"]
        .into_iter()
        .find_map(|name| Some((name, std::env::var_os(name)?)))?;
    let id = value.to_str().map(str::trim).unwrap_or_default();
    if !id.is_empty() && id.bytes().all(|b| b.is_ascii_digit()) {
        return Some(id.to_string());
    }
    tracing::warn!(
        target: ENGINE,
        "{name} is {}, not a SLURM job id: the job's allocation is not read",
        codecarbon_core::quote::printable(&value.to_string_lossy())
    );
    None
}

/// In tracking mode `machine`, each tracker counts the node (or the job's share of it): with a
/// tracker started by every rank of a node, it is counted as many times. SLURM numbers a step's
/// ranks on a node from 0 (`SLURM_LOCALID`); CodeCarbon warns on the others, and so do we.
fn warn_on_a_later_rank() {
    let Some(rank) = std::env::var("SLURM_LOCALID")
        .ok()
        .and_then(|v| v.trim().parse::<u64>().ok())
        .filter(|&rank| rank != 0)
    else {
        return;
    };
    let tasks = ["SLURM_STEP_TASKS_PER_NODE", "SLURM_TASKS_PER_NODE"]
        .into_iter()
        .find_map(|name| std::env::var(name).ok())
        .map_or_else(
            || "?".to_string(),
            |t| codecarbon_core::quote::printable(&t),
        );
    tracing::warn!(
        target: ENGINE,
        "tracking mode `machine` on SLURM local rank {rank} (tasks per node: {tasks}): every \
         rank of a node that starts a tracker counts the same CPUs and memory, so the job's \
         total is multiplied. Start the tracker on SLURM_LOCALID 0 only, or use tracking mode \
         `process`"
    );
}
