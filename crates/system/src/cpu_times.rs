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
            let mut fields = line.split_whitespace();
            match fields.next() {
                Some("cpu") => {
                    let v: Vec<u64> = fields.filter_map(|f| f.parse().ok()).collect();
                    // user nice system idle iowait irq softirq steal guest guest_nice
                    let get = |i: usize| v.get(i).copied().unwrap_or(0);
                    let total: u64 = (0..8).map(get).sum();
                    let idle = get(3) + get(4);
                    times = Some(CpuTimes {
                        total,
                        busy: total.saturating_sub(idle),
                    });
                }
                Some(name) if name.starts_with("cpu") => logical += 1,
                _ => {}
            }
        }
        times.map(|t| (t, logical.max(1)))
    }
}

/// Follows `/proc/stat` and gives the busy fraction between two reads.
#[derive(Debug)]
pub struct MachineLoad {
    path: PathBuf,
    file: crate::ProcFile,
    last: CpuTimes,
    logical_cpus: usize,
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
        })
    }

    fn read(file: &mut crate::ProcFile, path: &Path) -> io::Result<(CpuTimes, usize)> {
        let text = file.read(path)?;
        CpuTimes::parse(text).ok_or_else(|| {
            io::Error::new(
                io::ErrorKind::InvalidData,
                format!("{} has no `cpu` line", path.display()),
            )
        })
    }

    /// Logical CPUs, from the `cpuN` lines.
    pub fn logical_cpus(&self) -> usize {
        self.logical_cpus
    }

    /// Busy fraction (0 to 1) since the previous call, or `None` if no tick passed.
    pub fn refresh(&mut self) -> io::Result<Option<f64>> {
        let (now, _) = Self::read(&mut self.file, &self.path)?;
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
