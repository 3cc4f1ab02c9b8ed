//! The part of the machine a run may use: a SLURM job's or a cgroup's CPUs and memory, or the
//! whole machine.
//!
//! On a shared node (a SLURM job, a container with limits) the machine's CPU count and memory
//! overstate what the run has: CodeCarbon sizes its RAM model and its `cpu_count` and
//! `ram_total_size` columns on the job's allocation instead. The engine finds the allocation
//! once at the start and hands it to the sources in [`Config::allocation`](crate::Config).

use crate::units::Gigabytes;
use serde::Serialize;
use std::fmt;
use std::path::PathBuf;

/// Who set a figure of an [`Allocation`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(into = "String")]
#[non_exhaustive]
pub enum AllocatedBy {
    /// Nobody: the whole machine.
    Machine,
    /// The limits of this process's cgroup, read in this directory (`cpuset.cpus.effective`,
    /// `memory.max`).
    Cgroup(PathBuf),
    /// The SLURM job of this id, as `scontrol show job` describes it.
    Slurm(String),
}

/// `machine`, `cgroup /sys/fs/cgroup/…`, `slurm job 123`.
impl fmt::Display for AllocatedBy {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            AllocatedBy::Machine => f.write_str("machine"),
            AllocatedBy::Cgroup(dir) => write!(f, "cgroup {}", dir.display()),
            AllocatedBy::Slurm(job) => write!(f, "slurm job {job}"),
        }
    }
}

impl From<AllocatedBy> for String {
    fn from(by: AllocatedBy) -> String {
        by.to_string()
    }
}

/// The CPUs and memory a run may use, each with who set it, and the machine's own figures.
///
/// Built from the machine's figures, then narrowed; a figure is never more than the machine's:
///
/// ```
/// use codecarbon_core::{AllocatedBy, Allocation, Gigabytes};
///
/// let job = Allocation::machine(64, Gigabytes(256.0))
///     .with_cpus(4, AllocatedBy::Slurm("123".into()))
///     .with_memory(Gigabytes(16.0), AllocatedBy::Slurm("123".into()));
/// assert_eq!(job.cpu_share(), 4.0 / 64.0);
/// assert_eq!(job.to_string(), "4 of 64 CPUs and 16.00 of 256.00 GB (slurm job 123)");
/// assert_eq!(Allocation::machine(8, Gigabytes(32.0)).to_string(), "the whole machine: 8 CPUs and 32.00 GB");
/// ```
#[derive(Debug, Clone, PartialEq, Serialize)]
#[non_exhaustive]
pub struct Allocation {
    /// Logical CPUs the run may use (the `cpu_count` column).
    pub cpus: usize,
    /// Who set `cpus`.
    pub cpus_from: AllocatedBy,
    /// The machine's logical CPUs.
    pub machine_cpus: usize,
    /// Memory the run may use (the `ram_total_size` column, and the RAM model's size in
    /// machine mode).
    pub memory: Gigabytes,
    /// Who set `memory`.
    pub memory_from: AllocatedBy,
    /// The machine's memory.
    pub machine_memory: Gigabytes,
}

impl Allocation {
    /// The whole machine: `cpus` logical CPUs (at least one) and `memory`.
    pub fn machine(cpus: usize, memory: Gigabytes) -> Allocation {
        let cpus = cpus.max(1);
        Allocation {
            cpus,
            cpus_from: AllocatedBy::Machine,
            machine_cpus: cpus,
            memory,
            memory_from: AllocatedBy::Machine,
            machine_memory: memory,
        }
    }

    /// With `cpus` set by `by`, when fewer than the machine's (and at least one); otherwise
    /// unchanged, as a limit above the machine limits nothing.
    pub fn with_cpus(mut self, cpus: usize, by: AllocatedBy) -> Allocation {
        if cpus >= 1 && cpus < self.machine_cpus {
            self.cpus = cpus;
            self.cpus_from = by;
        }
        self
    }

    /// With `memory` set by `by`, when less than the machine's (and more than zero); otherwise
    /// unchanged.
    pub fn with_memory(mut self, memory: Gigabytes, by: AllocatedBy) -> Allocation {
        if memory.value() > 0.0 && memory.value() < self.machine_memory.value() {
            self.memory = memory;
            self.memory_from = by;
        }
        self
    }

    /// The run's share of the machine's CPUs, in (0, 1]: what machine mode charges of the
    /// machine's CPU power.
    pub fn cpu_share(&self) -> f64 {
        self.cpus as f64 / self.machine_cpus.max(1) as f64
    }

    /// Whether nothing narrows the machine.
    pub fn is_whole_machine(&self) -> bool {
        self.cpus_from == AllocatedBy::Machine && self.memory_from == AllocatedBy::Machine
    }
}

/// One line for people: `4 of 64 CPUs and 16.00 of 256.00 GB (slurm job 123)`, each figure
/// followed by who set it when they differ, or `the whole machine: 8 CPUs and 32.00 GB`.
impl fmt::Display for Allocation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.is_whole_machine() {
            return write!(
                f,
                "the whole machine: {} CPUs and {:.2} GB",
                self.cpus,
                self.memory.value()
            );
        }
        let by = |from: &AllocatedBy| match from {
            AllocatedBy::Machine => " (the machine's)".to_string(),
            other => format!(" ({other})"),
        };
        let cpus = format!("{} of {} CPUs", self.cpus, self.machine_cpus);
        let memory = format!(
            "{:.2} of {:.2} GB",
            self.memory.value(),
            self.machine_memory.value()
        );
        if self.cpus_from == self.memory_from {
            write!(f, "{cpus} and {memory}{}", by(&self.cpus_from))
        } else {
            write!(
                f,
                "{cpus}{} and {memory}{}",
                by(&self.cpus_from),
                by(&self.memory_from)
            )
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn slurm() -> AllocatedBy {
        AllocatedBy::Slurm("77".into())
    }

    #[test]
    fn a_limit_at_or_above_the_machine_limits_nothing() {
        let machine = Allocation::machine(8, Gigabytes(32.0));
        let same = machine
            .clone()
            .with_cpus(8, slurm())
            .with_cpus(0, slurm())
            .with_memory(Gigabytes(64.0), slurm())
            .with_memory(Gigabytes(0.0), slurm());
        assert_eq!(same, machine);
        assert!(same.is_whole_machine());
        assert_eq!(same.cpu_share(), 1.0);
    }

    #[test]
    fn each_figure_says_who_set_it() {
        let cgroup = AllocatedBy::Cgroup(PathBuf::from("/sys/fs/cgroup/job_77"));
        let mixed = Allocation::machine(8, Gigabytes(32.0))
            .with_cpus(2, cgroup)
            .with_memory(Gigabytes(4.0), slurm());
        assert_eq!(
            mixed.to_string(),
            "2 of 8 CPUs (cgroup /sys/fs/cgroup/job_77) and 4.00 of 32.00 GB (slurm job 77)"
        );
        let cpus_only = Allocation::machine(8, Gigabytes(32.0)).with_cpus(2, slurm());
        assert_eq!(
            cpus_only.to_string(),
            "2 of 8 CPUs (slurm job 77) and 32.00 of 32.00 GB (the machine's)"
        );
        assert_eq!(cpus_only.cpu_share(), 0.25);
    }

    #[test]
    fn serializes_who_as_text() {
        let json =
            serde_json::to_value(Allocation::machine(2, Gigabytes(1.0)).with_cpus(1, slurm()))
                .unwrap();
        assert_eq!(json["cpus_from"], "slurm job 77");
        assert_eq!(json["memory_from"], "machine");
    }
}
