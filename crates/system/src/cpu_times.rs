//! Machine-wide CPU load from `/proc/stat` deltas.

use std::io;
use std::path::{Path, PathBuf};

/// The aggregate `cpu` line of `/proc/stat`, in clock ticks.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct CpuTimes {
    /// Every tick except guest time (already counted in user time).
    pub total: u64,
    /// Ticks neither idle nor waiting for I/O.
    pub busy: u64,
}

impl CpuTimes {
    /// Parses the first `cpu ` line: busy = total − idle − iowait, guest excluded from the total,
    /// as psutil and CodeCarbon count it.
    pub fn parse(stat: &str) -> Option<(CpuTimes, usize)> {
        let mut times = None;
        let mut logical = 0;
        for line in stat.lines() {
            match line.split_whitespace().next() {
                Some("cpu") => times = Some(Self::parse_cpu_line(line)),
                Some(name) if name.starts_with("cpu") => logical += 1,
                _ => {}
            }
        }
        times.map(|t| (t, logical.max(1)))
    }

    /// The `cpu ` line alone, which the kernel writes first: what each tick needs, without
    /// going through the per-CPU lines and the interrupt counts after it.
    pub fn parse_total(stat: &str) -> Option<CpuTimes> {
        stat.lines()
            .find(|line| line.split_whitespace().next() == Some("cpu"))
            .map(Self::parse_cpu_line)
    }

    /// `cpu  user nice system idle iowait irq softirq steal guest guest_nice`.
    fn parse_cpu_line(line: &str) -> CpuTimes {
        let mut v = [0u64; 8];
        let numbers = line
            .split_whitespace()
            .skip(1)
            .filter_map(|f| f.parse().ok());
        for (slot, n) in v.iter_mut().zip(numbers) {
            *slot = n;
        }
        let total: u64 = v.iter().sum();
        let idle = v[3] + v[4];
        CpuTimes {
            total,
            busy: total.saturating_sub(idle),
        }
    }
}

/// The `processes` line of `/proc/stat`.
fn forks(stat: &str) -> Option<u64> {
    let at = stat.find("\nprocesses ")?;
    stat[at + "\nprocesses ".len()..]
        .split_whitespace()
        .next()?
        .parse()
        .ok()
}

fn no_cpu_line(path: &Path) -> io::Error {
    io::Error::new(
        io::ErrorKind::InvalidData,
        format!("{} has no `cpu` line", path.display()),
    )
}

/// Follows `/proc/stat` and gives the busy fraction between two reads.
#[derive(Debug)]
pub struct MachineLoad {
    path: PathBuf,
    file: crate::ProcFile,
    last: CpuTimes,
    logical_cpus: usize,
    forks: Option<u64>,
}

impl MachineLoad {
    /// Takes the first reading.
    pub fn new(proc_root: &Path) -> io::Result<Self> {
        let mut file = crate::ProcFile::default();
        let path = proc_root.join("stat");
        let (last, logical_cpus) = Self::read(&mut file, &path)?;
        Ok(Self {
            path,
            file,
            last,
            logical_cpus,
            forks: None,
        })
    }

    fn read(file: &mut crate::ProcFile, path: &Path) -> io::Result<(CpuTimes, usize)> {
        let text = file.read(path)?;
        CpuTimes::parse(text).ok_or_else(|| no_cpu_line(path))
    }

    /// Logical CPUs, from the `cpuN` lines.
    pub fn logical_cpus(&self) -> usize {
        self.logical_cpus
    }

    /// How many processes (and threads) the machine has created since boot, as of the last
    /// [`MachineLoad::refresh`]: `/proc/stat`'s `processes` line, `None` before the first or
    /// without the line. A process tree looks for newcomers only when it moved.
    pub fn forks(&self) -> Option<u64> {
        self.forks
    }

    /// Busy fraction (0 to 1) since the previous call, or `None` if no tick passed.
    pub fn refresh(&mut self) -> io::Result<Option<f64>> {
        // Unknown unless read now: a stale count would hide newcomers.
        self.forks = None;
        let text = self.file.read(&self.path)?;
        let now = CpuTimes::parse_total(text).ok_or_else(|| no_cpu_line(&self.path))?;
        self.forks = forks(text);
        let total = now.total.saturating_sub(self.last.total);
        let busy = now.busy.saturating_sub(self.last.busy);
        self.last = now;
        Ok((total > 0).then(|| (busy as f64 / total as f64).clamp(0.0, 1.0)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const STAT: &str = "cpu  100 0 50 800 50 0 0 0 30 0\ncpu0 50 0 25 400 25 0 0 0 15 0\n\
                        cpu1 50 0 25 400 25 0 0 0 15 0\nintr 1 2 3\n";

    #[test]
    fn forks_are_the_processes_line() {
        assert_eq!(
            forks("cpu  1 2\nintr 5 6\nprocesses 1288193\nprocs_running 2\n"),
            Some(1_288_193)
        );
        assert_eq!(forks(STAT), None);
        assert_eq!(forks("processes 5\n"), None, "never the first line");
    }

    #[test]
    fn the_total_alone_is_the_cpu_line() {
        assert_eq!(
            CpuTimes::parse_total(STAT),
            CpuTimes::parse(STAT).map(|(t, _)| t)
        );
        assert_eq!(
            CpuTimes::parse_total("cpu  1 2 3\n").map(|t| (t.total, t.busy)),
            Some((6, 6)),
            "missing fields count as zero"
        );
        assert_eq!(CpuTimes::parse_total("cpu0 1 2 3 4\nintr 5\n"), None);
    }

    #[test]
    fn busy_excludes_idle_iowait_and_guest() {
        let (t, n) = CpuTimes::parse(STAT).unwrap();
        assert_eq!(
            t,
            CpuTimes {
                total: 1000,
                busy: 150
            }
        );
        assert_eq!(n, 2);
    }

    #[test]
    fn load_is_the_delta_fraction() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("stat"), STAT).unwrap();
        let mut load = MachineLoad::new(dir.path()).unwrap();
        assert_eq!(load.refresh().unwrap(), None);
        std::fs::write(
            dir.path().join("stat"),
            "cpu  150 0 100 900 50 0 0 0 30 0\n",
        )
        .unwrap();
        assert_eq!(load.refresh().unwrap(), Some(0.5));
    }
}
