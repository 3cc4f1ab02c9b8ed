//! Runs a program and reads what it cost: CPU time, peak memory and wall time, from `wait4`.

use anyhow::{bail, Context, Result};
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// What one run of a program cost, its reaped children included.
#[derive(Debug, Clone, Copy)]
pub struct Cost {
    /// User + system CPU time.
    pub cpu: Duration,
    /// Peak resident memory, in bytes.
    pub peak_rss: u64,
    /// Wall time from spawn to exit.
    pub wall: Duration,
}

fn timeval(tv: libc::timeval) -> Duration {
    Duration::from_secs(tv.tv_sec as u64) + Duration::from_micros(tv.tv_usec as u64)
}

/// Runs `argv` in `dir` and measures it; a non-zero exit is an error.
pub fn run(argv: &[&str], dir: &Path) -> Result<Cost> {
    let (program, args) = argv.split_first().context("empty command")?;
    let start = Instant::now();
    let child = Command::new(program)
        .args(args)
        .current_dir(dir)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .with_context(|| format!("cannot run {program}"))?;
    let mut status = 0;
    // SAFETY: wait4 on our own child with valid pointers.
    let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
    let pid = unsafe { libc::wait4(child.id() as libc::pid_t, &mut status, 0, &mut usage) };
    let wall = start.elapsed();
    if pid < 0 {
        bail!("wait4 failed: {}", std::io::Error::last_os_error());
    }
    if !libc::WIFEXITED(status) || libc::WEXITSTATUS(status) != 0 {
        bail!("{} failed (status {status})", argv.join(" "));
    }
    Ok(Cost {
        cpu: timeval(usage.ru_utime) + timeval(usage.ru_stime),
        peak_rss: usage.ru_maxrss as u64 * 1024,
        wall,
    })
}

/// The median of each measure over several runs.
pub fn median(costs: &[Cost]) -> Cost {
    fn mid<T: Ord + Copy>(mut v: Vec<T>) -> T {
        v.sort();
        v[v.len() / 2]
    }
    Cost {
        cpu: mid(costs.iter().map(|c| c.cpu).collect()),
        peak_rss: mid(costs.iter().map(|c| c.peak_rss).collect()),
        wall: mid(costs.iter().map(|c| c.wall).collect()),
    }
}

/// CPU time the sampler thread has used so far, in nanoseconds, from its `schedstat`.
pub fn sampler_thread_cpu_ns() -> Result<u64> {
    for entry in std::fs::read_dir("/proc/self/task")? {
        let dir = entry?.path();
        let comm = std::fs::read_to_string(dir.join("comm")).unwrap_or_default();
        if comm.trim() == "codecarbon-samp" {
            let stat = std::fs::read_to_string(dir.join("schedstat"))?;
            let ns = stat.split_whitespace().next().context("empty schedstat")?;
            return Ok(ns.parse()?);
        }
    }
    bail!("no codecarbon-sampler thread found")
}

/// CPU time every thread of process `pid` has used so far, in nanoseconds, from each thread's
/// `schedstat` (finer than the clock ticks of `/proc/<pid>/stat`). Threads that ended are not
/// counted: measure a window in which the process keeps its threads.
pub fn process_cpu_ns(pid: u32) -> Result<u64> {
    let mut total = 0;
    for entry in std::fs::read_dir(format!("/proc/{pid}/task"))? {
        let stat = std::fs::read_to_string(entry?.path().join("schedstat")).unwrap_or_default();
        if let Some(ns) = stat.split_whitespace().next() {
            total += ns.parse::<u64>().unwrap_or(0);
        }
    }
    Ok(total)
}

/// CPU time process `pid` has used so far, every thread's, ended ones included, in
/// nanoseconds, from `/proc/<pid>/stat` (utime and stime, in clock ticks: 10 ms each). For a
/// process whose threads come and go (Python's `threading.Timer` makes one a tick), where
/// [`process_cpu_ns`] would miss the ended ones.
pub fn process_cpu_ticks_ns(pid: u32) -> Result<u64> {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat"))?;
    // After the command's name, in parentheses: the 14th and 15th fields of the line.
    let rest = stat
        .rsplit_once(')')
        .map(|(_, r)| r)
        .context("no ) in stat")?;
    let fields: Vec<&str> = rest.split_whitespace().collect();
    let ticks: u64 = fields.get(11).context("no utime")?.parse::<u64>()?
        + fields.get(12).context("no stime")?.parse::<u64>()?;
    // SAFETY: sysconf reads a constant.
    let per_second = unsafe { libc::sysconf(libc::_SC_CLK_TCK) }.max(1) as u64;
    Ok(ticks * 1_000_000_000 / per_second)
}
