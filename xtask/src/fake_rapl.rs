//! A fake powercap tree that advances in real time at known powers: a writer thread rewrites
//! every `energy_uj` every quarter millisecond, wrapping at `max_energy_range_uj + 1`.
//!
//! Each value is the exact energy at the instant of the write, so a read between two writes sees
//! the energy of the last write: at most one write gap old. The writer records its longest gap,
//! which bounds what that staleness can do to a measured difference, and asks for real-time
//! priority (granted to root) so that a busy machine delays it less.

use anyhow::{Context, Result};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::Arc;
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

/// How often the writer rewrites the counters.
const STEP: Duration = Duration::from_micros(250);

/// One zone of the tree.
pub struct FakeZone {
    /// Its directory under the root (`intel-rapl:0`).
    pub rel: &'static str,
    /// Its `name`.
    pub name: &'static str,
    /// The constant power its counter advances at.
    pub watts: f64,
    /// `max_energy_range_uj`.
    pub range_uj: u64,
    /// `constraint_0_max_power_uw`.
    pub max_power_uw: u64,
}

impl FakeZone {
    fn value_at(&self, secs: f64) -> u64 {
        (self.watts * secs * 1e6) as u64 % (self.range_uj + 1)
    }
}

/// The tree and its writer; dropping it stops the writer.
pub struct FakeRapl {
    root: PathBuf,
    stop: Arc<AtomicBool>,
    longest_gap_ns: Arc<AtomicU64>,
    realtime: Arc<AtomicBool>,
    writer: Option<JoinHandle<()>>,
}

/// Puts the calling thread in `SCHED_FIFO`; false when not permitted. The writer sleeps most of
/// each step, and the kernel throttles real-time threads anyway, so nothing starves.
fn make_realtime() -> bool {
    let param = libc::sched_param { sched_priority: 10 };
    // SAFETY: pid 0 is the calling thread; `param` is a valid sched_param.
    unsafe { libc::sched_setscheduler(0, libc::SCHED_FIFO, &param) == 0 }
}

fn write_atomically(path: &Path, text: &str) -> std::io::Result<()> {
    let tmp = path.with_extension("tmp");
    std::fs::write(&tmp, text)?;
    std::fs::rename(&tmp, path)
}

impl FakeRapl {
    /// Writes `zones` under `root` and starts the writer.
    pub fn start(root: &Path, zones: Vec<FakeZone>) -> Result<FakeRapl> {
        for z in &zones {
            let dir = root.join(z.rel);
            std::fs::create_dir_all(&dir).with_context(|| format!("creating {}", dir.display()))?;
            std::fs::write(dir.join("name"), format!("{}\n", z.name))?;
            std::fs::write(dir.join("max_energy_range_uj"), format!("{}\n", z.range_uj))?;
            std::fs::write(
                dir.join("constraint_0_max_power_uw"),
                format!("{}\n", z.max_power_uw),
            )?;
            std::fs::write(dir.join("energy_uj"), "0\n")?;
        }
        let stop = Arc::new(AtomicBool::new(false));
        let longest_gap_ns = Arc::new(AtomicU64::new(0));
        let realtime = Arc::new(AtomicBool::new(false));
        let (flag, gap, dir) = (stop.clone(), longest_gap_ns.clone(), root.to_path_buf());
        let granted = realtime.clone();
        let writer = std::thread::spawn(move || {
            granted.store(make_realtime(), Ordering::Relaxed);
            let started = Instant::now();
            let mut last = started;
            while !flag.load(Ordering::Relaxed) {
                let now = Instant::now();
                let secs = now.duration_since(started).as_secs_f64();
                for z in &zones {
                    let path = dir.join(z.rel).join("energy_uj");
                    if write_atomically(&path, &format!("{}\n", z.value_at(secs))).is_err() {
                        return;
                    }
                }
                let gap_ns = now.duration_since(last).as_nanos() as u64;
                gap.fetch_max(gap_ns, Ordering::Relaxed);
                last = now;
                std::thread::sleep(STEP);
            }
        });
        Ok(FakeRapl {
            root: root.to_path_buf(),
            stop,
            longest_gap_ns,
            realtime,
            writer: Some(writer),
        })
    }

    /// The tree's root, for `--rapl-root`.
    pub fn root(&self) -> &Path {
        &self.root
    }

    /// Whether the writer runs at real-time priority.
    pub fn realtime(&self) -> bool {
        self.realtime.load(Ordering::Relaxed)
    }

    /// The longest gap between two writes since the last call, and resets it.
    pub fn take_longest_gap(&self) -> Duration {
        Duration::from_nanos(self.longest_gap_ns.swap(0, Ordering::Relaxed))
    }
}

impl Drop for FakeRapl {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::Relaxed);
        if let Some(writer) = self.writer.take() {
            let _ = writer.join();
        }
    }
}
