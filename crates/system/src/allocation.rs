//! The run's allocation: for the CPUs and for the memory, the limit of this process's cgroup
//! where it has one, else the SLURM job's (`scontrol show job`), else the machine's.
//!
//! The cgroup comes first: it is what the kernel enforces on this node, it needs no
//! controller, and SLURM's `task/cgroup` plugin writes the job's CPUs and memory there. The
//! job's record fills what the cgroup leaves open (a cluster that confines memory but not
//! cores), spread evenly over the job's nodes.

use crate::cgroup::CgroupLimits;
use crate::slurm::{parse_scontrol, scontrol_show_job};
use codecarbon_core::{AllocatedBy, Allocation, Gigabytes};
use std::ffi::OsStr;
use std::path::Path;
use std::time::Duration;

/// Where to look for the allocation.
#[derive(Debug, Clone, Copy)]
pub struct AllocationQuery<'a> {
    /// The `proc_root` setting: `<proc_root>/self/cgroup` names this process's cgroup.
    pub proc_root: &'a Path,
    /// The `cgroup_root` setting: where the cgroup v2 hierarchy is mounted.
    pub cgroup_root: &'a Path,
    /// The SLURM job this process runs in (`SLURM_JOB_ID`), if any.
    pub slurm_job: Option<&'a str>,
    /// The program asked about it: `scontrol`, found on `PATH`.
    pub scontrol: &'a OsStr,
    /// How long `scontrol` may take before it is stopped.
    pub scontrol_limit: Duration,
}

/// The allocation found, and what to tell people about the search.
#[derive(Debug, Clone, PartialEq)]
pub struct FoundAllocation {
    /// The CPUs and memory the run may use.
    pub allocation: Allocation,
    /// Why the SLURM job's allocation could not be read, or was incomplete: one sentence for a
    /// warning.
    pub warning: Option<String>,
    /// Why no cgroup limit was read, for the log's debug level.
    pub note: Option<String>,
}

/// Narrows `machine` (the machine's CPUs and memory) to what the cgroup, then the SLURM job,
/// allow.
pub fn find_allocation(query: &AllocationQuery<'_>, machine: Allocation) -> FoundAllocation {
    let mut allocation = machine;
    let mut note = None;
    match CgroupLimits::read(query.proc_root, query.cgroup_root) {
        Ok(limits) => {
            if let Some(cpus) = limits.cpus {
                allocation = allocation.with_cpus(cpus.value, AllocatedBy::Cgroup(cpus.dir));
            }
            if let Some(memory) = limits.memory {
                allocation = allocation.with_memory(
                    Gigabytes::from_bytes(memory.value),
                    AllocatedBy::Cgroup(memory.dir),
                );
            }
        }
        Err(e) => note = Some(format!("no cgroup limits: {e}")),
    }
    let open = |a: &Allocation| {
        (
            a.cpus_from == AllocatedBy::Machine,
            a.memory_from == AllocatedBy::Machine,
        )
    };
    let (cpus_open, memory_open) = open(&allocation);
    let Some(job) = query.slurm_job.filter(|_| cpus_open || memory_open) else {
        return FoundAllocation {
            allocation,
            warning: None,
            note,
        };
    };
    let by = || AllocatedBy::Slurm(job.to_string());
    let mut problem = None;
    match scontrol_show_job(query.scontrol, job, query.scontrol_limit)
        .and_then(|text| parse_scontrol(&text, job))
    {
        Ok(record) => {
            if let (true, Some(cpus)) = (cpus_open, record.cpus_per_node()) {
                allocation = allocation.with_cpus(cpus, by());
            }
            if let (true, Some(bytes)) = (memory_open, record.memory_per_node()) {
                allocation = allocation.with_memory(Gigabytes::from_bytes(bytes), by());
            }
            let missing: Vec<&str> = [
                (cpus_open && record.cpus.is_none(), "`NumCPUs=`"),
                (memory_open && record.memory.is_none(), "`AllocTRES=…mem=`"),
            ]
            .iter()
            .filter_map(|(missing, what)| missing.then_some(*what))
            .collect();
            if !missing.is_empty() {
                problem = Some(format!(
                    "`scontrol show job {job}` gave no {}",
                    missing.join(" and ")
                ));
            }
        }
        Err(e) => problem = Some(e.to_string()),
    }
    let warning = problem.map(|problem| {
        let counted = match open(&allocation) {
            (true, true) => "CPUs and memory are",
            (true, false) => "CPUs are",
            _ => "memory is",
        };
        format!(
            "{problem}: the allocation of SLURM job {job} is unknown, so the machine's \
             {counted} counted"
        )
    });
    FoundAllocation {
        allocation,
        warning,
        note,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::os::unix::fs::PermissionsExt;
    use std::path::PathBuf;

    struct Fake {
        dir: tempfile::TempDir,
    }

    impl Fake {
        /// A fake `/proc` whose process is in cgroup `/job`, and no cgroup mount yet.
        fn new() -> Fake {
            let dir = tempfile::tempdir().unwrap();
            std::fs::create_dir_all(dir.path().join("proc/self")).unwrap();
            std::fs::write(dir.path().join("proc/self/cgroup"), "0::/job\n").unwrap();
            Fake { dir }
        }

        fn path(&self, p: &str) -> PathBuf {
            self.dir.path().join(p)
        }

        /// A cgroup v2 mount whose `/job` has these files.
        fn cgroup(&self, files: &[(&str, &str)]) {
            std::fs::create_dir_all(self.path("cgroup/job")).unwrap();
            std::fs::write(self.path("cgroup/cgroup.controllers"), "cpuset memory\n").unwrap();
            for (name, text) in files {
                std::fs::write(self.path("cgroup/job").join(name), text).unwrap();
            }
        }

        /// An `scontrol` that runs `body`.
        fn scontrol(&self, body: &str) -> PathBuf {
            let path = self.path("scontrol");
            std::fs::write(&path, format!("#!/bin/sh\n{body}\n")).unwrap();
            std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o755)).unwrap();
            path
        }

        fn find(&self, job: Option<&str>) -> FoundAllocation {
            let (proc_root, cgroup_root, scontrol) = (
                self.path("proc"),
                self.path("cgroup"),
                self.path("scontrol"),
            );
            let query = AllocationQuery {
                proc_root: &proc_root,
                cgroup_root: &cgroup_root,
                slurm_job: job,
                scontrol: scontrol.as_os_str(),
                scontrol_limit: Duration::from_secs(10),
            };
            loop {
                let found = find_allocation(&query, machine());
                // Another test's fork may hold the fresh script open for writing a moment.
                if found.warning.as_deref().is_some_and(|w| w.contains("busy")) {
                    std::thread::sleep(Duration::from_millis(20));
                    continue;
                }
                return found;
            }
        }
    }

    fn machine() -> Allocation {
        Allocation::machine(64, Gigabytes(256.0))
    }

    const JOB: &str =
        "echo 'JobId=77 NumNodes=1 NumCPUs=8'\necho '   AllocTRES=cpu=8,mem=32G,node=1'";

    #[test]
    fn nothing_limits_the_machine_without_cgroup_or_slurm() {
        let fake = Fake::new();
        let found = fake.find(None);
        assert_eq!(found.allocation, machine());
        assert_eq!(found.warning, None);
        assert!(found.note.unwrap().contains("not a cgroup v2 mount"));
    }

    #[test]
    fn the_cgroup_comes_before_the_job_and_spares_scontrol() {
        let fake = Fake::new();
        fake.cgroup(&[
            ("cpuset.cpus.effective", "0-3\n"),
            ("memory.max", "8589934592\n"),
        ]);
        // Would fail the test's expectations if asked.
        fake.scontrol("exit 3");
        let found = fake.find(Some("77"));
        let cgroup = AllocatedBy::Cgroup(fake.path("cgroup/job"));
        assert_eq!(
            found.allocation,
            machine()
                .with_cpus(4, cgroup.clone())
                .with_memory(Gigabytes(8.0), cgroup)
        );
        assert_eq!(found.warning, None);
    }

    #[test]
    fn the_job_fills_what_the_cgroup_leaves_open() {
        let fake = Fake::new();
        fake.cgroup(&[("memory.max", "max\n"), ("cpuset.cpus.effective", "0-3\n")]);
        fake.scontrol(JOB);
        let found = fake.find(Some("77"));
        let a = &found.allocation;
        assert_eq!((a.cpus, a.memory), (4, Gigabytes(32.0)));
        assert_eq!(a.cpus_from, AllocatedBy::Cgroup(fake.path("cgroup/job")));
        assert_eq!(a.memory_from, AllocatedBy::Slurm("77".into()));
        assert_eq!(found.warning, None);
    }

    #[test]
    fn a_slurm_job_without_cgroup() {
        let fake = Fake::new();
        fake.scontrol(JOB);
        let found = fake.find(Some("77"));
        let slurm = AllocatedBy::Slurm("77".into());
        assert_eq!(
            found.allocation,
            machine()
                .with_cpus(8, slurm.clone())
                .with_memory(Gigabytes(32.0), slurm)
        );
        assert_eq!(found.warning, None);
    }

    #[test]
    fn a_failing_scontrol_is_one_warning_and_the_machine() {
        let fake = Fake::new();
        fake.scontrol("echo 'slurm_load_jobs error: Invalid job id specified' >&2; exit 1");
        let found = fake.find(Some("77"));
        assert_eq!(found.allocation, machine());
        let warning = found.warning.unwrap();
        assert!(
            warning.contains("Invalid job id")
                && warning.ends_with("the machine's CPUs and memory are counted"),
            "{warning}"
        );
    }

    #[test]
    fn a_missing_figure_is_said() {
        let fake = Fake::new();
        fake.scontrol("echo 'JobId=77 NumCPUs=8 AllocTRES=cpu=8,node=1'");
        let found = fake.find(Some("77"));
        assert_eq!(found.allocation.cpus, 8);
        assert_eq!(found.allocation.memory_from, AllocatedBy::Machine);
        let warning = found.warning.unwrap();
        assert!(
            warning.contains("gave no `AllocTRES=…mem=`")
                && warning.ends_with("the machine's memory is counted"),
            "{warning}"
        );
    }
}
