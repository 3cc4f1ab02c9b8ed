//! The limits of this process's cgroup (v2): how many CPUs its CPU set holds and how much memory
//! it may use.
//!
//! The cgroup is named by the `0::` line of `<proc_root>/self/cgroup`, relative to the cgroup v2
//! mount (`cgroup_root`, `/sys/fs/cgroup`; a v2 mount has `cgroup.controllers` at its root).
//! A SLURM job confined by the `task/cgroup` plugin, a container or a systemd unit with limits
//! shows them there. Limits nest: the CPU set read is the nearest `cpuset.cpus.effective` from
//! the process's cgroup up (the effective set already has its ancestors' limits), the memory
//! limit the lowest `memory.max` on the way up to the mount's root. In a container whose mount
//! is its own cgroup (a path from `self/cgroup` that does not exist under the mount), the
//! mount's root is read.

use std::io;
use std::path::{Component, Path, PathBuf};

/// A limit and the cgroup directory it was read in.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Limit<T> {
    /// The figure.
    pub value: T,
    /// The directory whose file gave it.
    pub dir: PathBuf,
}

/// What this process's cgroup limits; `None` for a figure without a limit (or without the
/// controller).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CgroupLimits {
    /// CPUs in the effective CPU set.
    pub cpus: Option<Limit<usize>>,
    /// The memory limit, in bytes.
    pub memory: Option<Limit<u64>>,
}

impl CgroupLimits {
    /// Reads the limits of the cgroup `<proc_root>/self/cgroup` names under `cgroup_root`.
    /// An error when there is no cgroup v2 mount there, or `self/cgroup` is unreadable or names
    /// no v2 cgroup: the caller then knows of no limit.
    pub fn read(proc_root: &Path, cgroup_root: &Path) -> io::Result<CgroupLimits> {
        if !cgroup_root.join("cgroup.controllers").is_file() {
            return Err(io::Error::new(
                io::ErrorKind::NotFound,
                format!("{} is not a cgroup v2 mount", cgroup_root.display()),
            ));
        }
        let own = proc_root.join("self").join("cgroup");
        let text = std::fs::read_to_string(&own)
            .map_err(|e| io::Error::new(e.kind(), format!("cannot read {}: {e}", own.display())))?;
        let relative = own_cgroup(&text).ok_or_else(|| {
            io::Error::new(
                io::ErrorKind::InvalidData,
                format!("{} names no cgroup v2 (`0::/…` line)", own.display()),
            )
        })?;
        Ok(limits_from(cgroup_root, &relative))
    }
}

/// The limits found from `cgroup_root/relative` up to `cgroup_root`.
fn limits_from(cgroup_root: &Path, relative: &Path) -> CgroupLimits {
    let leaf = if relative.as_os_str().is_empty() {
        cgroup_root.to_path_buf()
    } else {
        cgroup_root.join(relative)
    };
    let mut limits = CgroupLimits::default();
    // The process's cgroup and its ancestors that exist under the mount, ending at its root.
    let dirs = leaf
        .ancestors()
        .take_while(|dir| dir.starts_with(cgroup_root))
        .filter(|dir| dir.is_dir());
    for dir in dirs {
        if limits.cpus.is_none() {
            limits.cpus = read_trimmed(&dir.join("cpuset.cpus.effective"))
                .and_then(|text| count_cpu_list(&text))
                .map(|value| Limit {
                    value,
                    dir: dir.to_path_buf(),
                });
        }
        let memory = read_trimmed(&dir.join("memory.max")).and_then(|text| parse_memory_max(&text));
        if let Some(Some(bytes)) = memory {
            if limits.memory.as_ref().is_none_or(|m| bytes < m.value) {
                limits.memory = Some(Limit {
                    value: bytes,
                    dir: dir.to_path_buf(),
                });
            }
        }
    }
    limits
}

fn read_trimmed(path: &Path) -> Option<String> {
    std::fs::read_to_string(path)
        .ok()
        .map(|text| text.trim().to_string())
}

/// The cgroup v2 path of the `0::/path` line of `/proc/<pid>/cgroup`, relative (no leading `/`);
/// `None` without such a line, or for a path that climbs (`..`) or is not plain.
fn own_cgroup(text: &str) -> Option<PathBuf> {
    let path = text.lines().find_map(|line| line.strip_prefix("0::"))?;
    // A cgroup removed while the process is in it reads `/path (deleted)`.
    let path = path.trim_end().trim_end_matches(" (deleted)");
    let path = Path::new(path.strip_prefix('/')?);
    let plain = path.components().all(|c| matches!(c, Component::Normal(_)));
    plain.then(|| path.to_path_buf())
}

/// The number of CPUs in a kernel CPU list (`0-3,8,10-11` is 7); `None` for an empty or
/// malformed list.
///
/// ```
/// assert_eq!(codecarbon_system::count_cpu_list("0-3,8,10-11"), Some(7));
/// assert_eq!(codecarbon_system::count_cpu_list(""), None);
/// ```
pub fn count_cpu_list(text: &str) -> Option<usize> {
    let text = text.trim();
    if text.is_empty() {
        return None;
    }
    let mut count = 0usize;
    for part in text.split(',') {
        let part = part.trim();
        let n = match part.split_once('-') {
            Some((first, last)) => {
                let (first, last): (usize, usize) =
                    (first.trim().parse().ok()?, last.trim().parse().ok()?);
                last.checked_sub(first)?.checked_add(1)?
            }
            None => {
                part.parse::<usize>().ok()?;
                1
            }
        };
        count = count.checked_add(n)?;
    }
    Some(count)
}

/// `memory.max`: `Some(None)` for `max` (no limit), `Some(Some(bytes))` for a limit, `None` for
/// anything else.
fn parse_memory_max(text: &str) -> Option<Option<u64>> {
    match text.trim() {
        "max" => Some(None),
        bytes => bytes.parse().ok().map(Some),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A fake `/proc` whose `self/cgroup` is `cgroup`, and a cgroup v2 mount.
    fn fake(cgroup: &str) -> (tempfile::TempDir, PathBuf, PathBuf) {
        let dir = tempfile::tempdir().unwrap();
        let proc_root = dir.path().join("proc");
        let mount = dir.path().join("cgroup");
        std::fs::create_dir_all(proc_root.join("self")).unwrap();
        std::fs::write(proc_root.join("self/cgroup"), cgroup).unwrap();
        std::fs::create_dir_all(&mount).unwrap();
        std::fs::write(mount.join("cgroup.controllers"), "cpuset cpu memory pids\n").unwrap();
        (dir, proc_root, mount)
    }

    fn write(dir: &Path, file: &str, text: &str) {
        std::fs::create_dir_all(dir).unwrap();
        std::fs::write(dir.join(file), text).unwrap();
    }

    const SLURM_STEP: &str = "0::/system.slice/slurmstepd.scope/job_4242/step_0/user/task_0\n";

    #[test]
    fn a_slurm_jobs_cpu_set_and_the_lowest_memory_limit_on_the_way_up() {
        let (_dir, proc_root, mount) = fake(SLURM_STEP);
        let scope = mount.join("system.slice/slurmstepd.scope");
        let job = scope.join("job_4242");
        write(&mount, "cpuset.cpus.effective", "0-63\n");
        write(&scope, "memory.max", "max\n");
        write(&job, "cpuset.cpus.effective", "4-7,36-39\n");
        write(&job, "memory.max", "17179869184\n");
        write(&job.join("step_0"), "memory.max", "max\n");
        // The task's own cgroup has no cpuset controller: the job's set applies.
        write(
            &job.join("step_0/user/task_0"),
            "memory.max",
            "34359738368\n",
        );
        let limits = CgroupLimits::read(&proc_root, &mount).unwrap();
        assert_eq!(
            limits.cpus,
            Some(Limit {
                value: 8,
                dir: job.clone()
            })
        );
        assert_eq!(
            limits.memory,
            Some(Limit {
                value: 16 << 30,
                dir: job
            })
        );
    }

    #[test]
    fn an_unlimited_cgroup_gives_the_roots_cpu_set_and_no_memory_limit() {
        let (_dir, proc_root, mount) = fake("0::/user.slice/user-1000.slice/session-2.scope\n");
        write(&mount, "cpuset.cpus.effective", "0-3\n");
        write(&mount.join("user.slice"), "memory.max", "max\n");
        let limits = CgroupLimits::read(&proc_root, &mount).unwrap();
        assert_eq!(limits.cpus.map(|l| l.value), Some(4));
        assert_eq!(limits.memory, None);
    }

    #[test]
    fn a_container_reads_its_mounts_root() {
        // Without a cgroup namespace, self/cgroup names the host's path, which the container's
        // mount (its own cgroup) does not have.
        let (_dir, proc_root, mount) = fake("0::/system.slice/docker-0123abcd.scope\n");
        write(&mount, "cpuset.cpus.effective", "2\n");
        write(&mount, "memory.max", "536870912\n");
        let limits = CgroupLimits::read(&proc_root, &mount).unwrap();
        assert_eq!(limits.cpus.map(|l| l.value), Some(1));
        assert_eq!(
            limits.memory,
            Some(Limit {
                value: 512 << 20,
                dir: mount.clone()
            })
        );
    }

    #[test]
    fn no_v2_mount_or_no_v2_line_is_an_error() {
        let (dir, proc_root, mount) = fake("4:memory:/slurm/uid_1000/job_1\n0::/\n");
        assert!(CgroupLimits::read(&proc_root, &mount).is_ok());
        std::fs::write(
            proc_root.join("self/cgroup"),
            "4:memory:/slurm/uid_1000/job_1\n",
        )
        .unwrap();
        let err = CgroupLimits::read(&proc_root, &mount).unwrap_err();
        assert!(err.to_string().contains("self/cgroup"), "{err}");
        let v1 = dir.path().join("v1");
        std::fs::create_dir_all(&v1).unwrap();
        let err = CgroupLimits::read(&proc_root, &v1).unwrap_err();
        assert!(err.to_string().contains("not a cgroup v2 mount"), "{err}");
        let err = CgroupLimits::read(&dir.path().join("no-proc"), &mount).unwrap_err();
        assert_eq!(err.kind(), io::ErrorKind::NotFound);
    }

    #[test]
    fn odd_files_are_no_limit() {
        let (_dir, proc_root, mount) = fake("0::/a\n");
        write(&mount.join("a"), "cpuset.cpus.effective", "\n");
        write(&mount.join("a"), "memory.max", "lots\n");
        assert_eq!(
            CgroupLimits::read(&proc_root, &mount).unwrap(),
            CgroupLimits::default()
        );
    }

    #[test]
    fn the_own_cgroup_line_is_plain_and_relative() {
        assert_eq!(own_cgroup("0::/a/b\n"), Some(PathBuf::from("a/b")));
        assert_eq!(
            own_cgroup("1:name=systemd:/x\n0::/\n"),
            Some(PathBuf::new())
        );
        assert_eq!(
            own_cgroup("0::/gone (deleted)\n"),
            Some(PathBuf::from("gone"))
        );
        assert_eq!(own_cgroup("0::/a/../../etc\n"), None);
        assert_eq!(own_cgroup("0::relative\n"), None);
        assert_eq!(own_cgroup("3:cpuset:/a\n"), None);
    }

    #[test]
    fn cpu_lists() {
        assert_eq!(count_cpu_list("0"), Some(1));
        assert_eq!(count_cpu_list("0-63\n"), Some(64));
        assert_eq!(count_cpu_list("0-1,4-5,9"), Some(5));
        assert_eq!(count_cpu_list("3-1"), None);
        assert_eq!(count_cpu_list("0-x"), None);
        assert_eq!(count_cpu_list("a"), None);
        assert_eq!(count_cpu_list("0,,1"), None);
    }

    #[test]
    fn memory_max() {
        assert_eq!(parse_memory_max("max\n"), Some(None));
        assert_eq!(parse_memory_max("1073741824\n"), Some(Some(1 << 30)));
        assert_eq!(parse_memory_max("-1"), None);
        assert_eq!(parse_memory_max(""), None);
    }
}
