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

use std::fs::File;
use std::io;
use std::path::{Path, PathBuf};

/// Reads kernel files into one reused buffer, through a file kept open.
///
/// `/proc` files report a size of zero, so a plain `read_to_string` starts with tiny reads and
/// doubles: eight system calls for `/proc/stat`. A buffer kept between ticks reads each file in
/// one call, and allocates nothing once warm. The file of the latest read stays open: reading
/// it again from offset 0 makes the kernel write it anew, so a file read every tick costs one
/// `pread` rather than an open, a stat, a read and a close.
#[derive(Debug, Default)]
pub struct ProcFile {
    /// Zeroed once as it grows, never again: only the first `filled` bytes are the file's.
    buffer: Vec<u8>,
    filled: usize,
    open: Option<(PathBuf, File)>,
}

impl ProcFile {
    /// The contents of `path`; the error names the file (`cannot read <path>: <why>`).
    pub fn read(&mut self, path: &Path) -> io::Result<&str> {
        let kept = self.open.take().filter(|(p, _)| p == path);
        let read = match kept {
            // A kept file that fails (its process ended, say) is opened anew once.
            Some((_, file)) => match self.read_from_start(&file) {
                Ok(()) => Ok(file),
                Err(_) => self.open_and_read(path),
            },
            None => self.open_and_read(path),
        };
        let file = read.map_err(|e| {
            io::Error::new(e.kind(), format!("cannot read {}: {e}", path.display()))
        })?;
        self.open = Some((path.to_path_buf(), file));
        std::str::from_utf8(&self.buffer[..self.filled]).map_err(|e| {
            io::Error::new(
                io::ErrorKind::InvalidData,
                format!("cannot read {}: {e}", path.display()),
            )
        })
    }

    fn open_and_read(&mut self, path: &Path) -> io::Result<File> {
        let file = File::open(path)?;
        self.read_from_start(&file)?;
        Ok(file)
    }

    /// The whole of `file` into the buffer, by positioned reads from offset 0, until a read
    /// gives nothing: a kernel file of many records (`/proc/cpuinfo`) may read short before
    /// its end.
    fn read_from_start(&mut self, file: &File) -> io::Result<()> {
        self.filled = 0;
        loop {
            // 4 kB for a process's `stat`, doubled as a larger file needs.
            if self.buffer.len() - self.filled < 1024 {
                self.buffer.resize((2 * self.buffer.len()).max(4096), 0);
            }
            match read_at(file, &mut self.buffer[self.filled..], self.filled as u64) {
                Ok(0) => return Ok(()),
                Ok(n) => self.filled += n,
                Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                Err(e) => return Err(e),
            }
        }
    }
}

#[cfg(unix)]
fn read_at(file: &File, buffer: &mut [u8], offset: u64) -> io::Result<usize> {
    std::os::unix::fs::FileExt::read_at(file, buffer, offset)
}

#[cfg(windows)]
fn read_at(file: &File, buffer: &mut [u8], offset: u64) -> io::Result<usize> {
    std::os::windows::fs::FileExt::seek_read(file, buffer, offset)
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[test]
    fn a_kept_file_is_read_anew_each_time() {
        let dir = tempfile::tempdir().unwrap();
        let (a, b) = (dir.path().join("a"), dir.path().join("b"));
        std::fs::write(&a, "first").unwrap();
        std::fs::write(&b, "x".repeat(40_000)).unwrap();
        let mut file = ProcFile::default();
        assert_eq!(file.read(&a).unwrap(), "first");
        std::fs::write(&a, "second, longer").unwrap();
        assert_eq!(file.read(&a).unwrap(), "second, longer");
        assert_eq!(
            file.read(&b).unwrap().len(),
            40_000,
            "a file larger than the buffer"
        );
        std::fs::write(&a, "third").unwrap();
        assert_eq!(file.read(&a).unwrap(), "third");
        let err = file.read(&dir.path().join("missing")).unwrap_err();
        assert!(err.to_string().starts_with("cannot read "), "{err}");
    }

    #[test]
    fn proc_stat_is_written_anew_at_each_read_from_the_start() {
        let path = Path::new("/proc/self/stat");
        if !path.exists() {
            return;
        }
        let mut file = ProcFile::default();
        let utime = |text: &str| {
            text.split_whitespace()
                .nth(13)
                .unwrap()
                .parse::<u64>()
                .unwrap()
        };
        let before = utime(file.read(path).unwrap());
        let spin = std::time::Instant::now();
        while utime(file.read(path).unwrap()) == before {
            assert!(spin.elapsed().as_secs() < 30, "utime never moved");
        }
    }
}
