//! The tracker's own cost, side by side with Python CodeCarbon 3.3.2.
//!
//! Both run `monitor -- sleep 5` at a 1 s interval, offline for Canada. What each adds is its
//! run minus a bare `sleep 5`: CPU seconds, wall time past the command, and peak RSS. The
//! sampler's cost per tick is the CPU time of its thread (from `schedstat`, in nanoseconds) over
//! five seconds of one-second ticks, each tick reading every source and checkpointing the CSV.
//! The release binary's size is what `cargo xtask dist` ships (the profile strips its symbols),
//! and its start-up is the wall time of `codecarbon --version`. The Python package's start-up
//! against CodeCarbon's is [`bench_python`]'s.

use crate::bench_board;
use crate::bench_python;
use crate::measure::{self, Cost};
use anyhow::{bail, Context, Result};
use codecarbon::config::ConfigSources;
use codecarbon::{OfflineEmissionsTracker, TrackingMode};
use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};
use xtask::dist::{build_release, workspace_root as root};

const CPU_RATIO_TARGET: f64 = 50.0;
const RSS_TARGET_MB: f64 = 15.0;
const WALL_PAST_TARGET: Duration = Duration::from_millis(100);

/// Rows of the long-lived `emissions.csv` that a run appends to.
const LONG_FILE_ROWS: usize = 300_000;
/// What appending to it may cost beyond appending to a one-row file.
const APPEND_CPU_TARGET: Duration = Duration::from_millis(100);
const APPEND_RSS_TARGET_MB: f64 = 5.0;

/// The cost of a run that writes its row (`on_csv_write` = `mode`) to an `emissions.csv` of
/// one row and to one of [`LONG_FILE_ROWS`] rows (median of `runs` each), and the long file's
/// size in bytes.
fn write_costs(ours: &str, dir: &Path, runs: usize, mode: &str) -> Result<(Cost, Cost, u64)> {
    let (short, long) = (dir.join("short"), dir.join("long"));
    std::fs::create_dir_all(&short)?;
    std::fs::create_dir_all(&long)?;
    let argv = [
        ours,
        "monitor",
        "--offline",
        "--country-iso-code",
        "CAN",
        "--on-csv-write",
        mode,
        "--",
        "true",
    ];
    measure::run(&argv, &short)?;
    let one = std::fs::read(short.join("emissions.csv"))?;
    let header_end = one
        .iter()
        .position(|&b| b == b'\n')
        .context("no header line")?
        + 1;
    let (header, row) = one.split_at(header_end);
    let mut file = std::io::BufWriter::new(std::fs::File::create(long.join("emissions.csv"))?);
    std::io::Write::write_all(&mut file, header)?;
    for _ in 0..LONG_FILE_ROWS {
        std::io::Write::write_all(&mut file, row)?;
    }
    std::io::Write::flush(&mut file)?;
    drop(file);
    let size = std::fs::metadata(long.join("emissions.csv"))?.len();
    let (mut to_short, mut to_long) = (Vec::new(), Vec::new());
    for _ in 0..runs {
        std::fs::write(short.join("emissions.csv"), &one)?;
        to_short.push(measure::run(&argv, &short)?);
        to_long.push(measure::run(&argv, &long)?);
    }
    Ok((measure::median(&to_short), measure::median(&to_long), size))
}

/// Python CodeCarbon 3.3.2 in a virtualenv, made on first use (as `.ci/run` does).
fn python_codecarbon() -> Result<PathBuf> {
    let venv = std::env::var_os("CODECARBON_VENV")
        .map(PathBuf::from)
        .unwrap_or_else(|| root().join("target/venv-codecarbon"));
    let exe = venv.join("bin/codecarbon");
    if !exe.exists() {
        let made = Command::new("python3")
            .arg("-m")
            .arg("venv")
            .arg(&venv)
            .status()?;
        let pip = venv.join("bin/pip");
        let installed = Command::new(pip)
            .args(["install", "--quiet", "codecarbon==3.3.2"])
            .status()?;
        if !made.success() || !installed.success() {
            bail!(
                "cannot install codecarbon==3.3.2 from PyPI into {}",
                venv.display()
            );
        }
    }
    Ok(exe)
}

/// µs of sampler-thread CPU per one-second tick, over five ticks after two of warm-up: long
/// enough for a source that turns out not to measure (RAPL that never counts, given up after a
/// second) to have given way, so that the figure is the steady state's.
fn sampler_tick_micros(mode: TrackingMode, dir: &Path) -> Result<f64> {
    let mut tracker = OfflineEmissionsTracker::builder()
        .config_sources(ConfigSources::none())
        .country_iso_code("CAN")
        .measure_power_secs(1.0)
        .tracking_mode(mode)
        .output_dir(dir)
        .log_level("error")
        .build()?;
    tracker.start()?;
    std::thread::sleep(Duration::from_millis(2_050));
    let before = measure::sampler_thread_cpu_ns()?;
    std::thread::sleep(Duration::from_millis(5_050));
    let after = measure::sampler_thread_cpu_ns()?;
    tracker.stop()?;
    Ok((after - before) as f64 / 5.0 / 1000.0)
}

/// The steady state's window: after this much of a run (the start and its warm-up paid) …
const STEADY_WARM_UP: Duration = Duration::from_secs(8);
/// … the CPU of this many seconds is counted.
const STEADY_WINDOW: Duration = Duration::from_secs(20);
/// Whole-process CPU per tracked second, at a 1 s interval, machine mode.
const STEADY_TARGET_MICROS: f64 = 200.0;
/// And at most this share of CodeCarbon's.
const STEADY_RATIO_TARGET: f64 = 50.0;

/// Python CodeCarbon's tracker on a long run at a 1 s interval, stopped by SIGTERM.
const CODECARBON_LONG_RUN: &str = "
import signal, sys, time
from codecarbon import OfflineEmissionsTracker
tracker = OfflineEmissionsTracker(country_iso_code='CAN', measure_power_secs=1, log_level='error')
signal.signal(signal.SIGTERM, lambda *_: (tracker.stop(), sys.exit(0)))
tracker.start()
while True:
    time.sleep(60)
";

/// Whole-process CPU per tracked second of the tracker `argv`, in µs: the CPU time of every
/// thread of its process (`cpu_ns`: [`measure::process_cpu_ns`] for ours, whose threads live
/// as long as the run; [`measure::process_cpu_ticks_ns`] for Python's) over
/// [`STEADY_WINDOW`], counted from [`STEADY_WARM_UP`] into the run, so that the start and the
/// stop are outside the window. With `tracked`, `argv` ends with `--` and a `sleep` is the
/// command; without, the tracker watches the machine and is stopped by SIGTERM.
fn steady_micros(
    argv: &[&str],
    tracked: bool,
    dir: &Path,
    cpu_ns: fn(u32) -> Result<u64>,
) -> Result<f64> {
    let run_for = (STEADY_WARM_UP + STEADY_WINDOW + Duration::from_secs(3)).as_secs();
    let secs = run_for.to_string();
    let line = if tracked {
        with_command(argv, &secs)
    } else {
        argv.to_vec()
    };
    let (program, args) = line.split_first().context("empty command")?;
    let mut child = Command::new(program)
        .args(args)
        .current_dir(dir)
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()?;
    std::thread::sleep(STEADY_WARM_UP);
    let before = cpu_ns(child.id());
    std::thread::sleep(STEADY_WINDOW);
    let after = cpu_ns(child.id());
    if !tracked {
        // SAFETY: kill(2) on our own child, which has not been waited for.
        unsafe { libc::kill(child.id() as libc::pid_t, libc::SIGTERM) };
    }
    child.wait()?;
    Ok(after?.saturating_sub(before?) as f64 / 1e3 / STEADY_WINDOW.as_secs_f64())
}

/// CPU per second of a thread that only wakes once a second and reads `/proc/stat` (what every
/// sampling tracker does at least), in µs, over the same window as [`steady_micros`]: on a
/// virtual machine, a wake after a second of sleep finds the caches cold and costs far more
/// than the same work done in a loop.
fn wake_floor_micros() -> Result<f64> {
    use std::os::unix::fs::FileExt;
    let stat = std::fs::File::open("/proc/stat")?;
    let mut buffer = vec![0u8; 64 * 1024];
    // SAFETY: gettid has no preconditions.
    let tid = unsafe { libc::gettid() };
    let cpu_ns = || -> Result<u64> {
        let text = std::fs::read_to_string(format!("/proc/self/task/{tid}/schedstat"))?;
        Ok(text
            .split_whitespace()
            .next()
            .context("empty schedstat")?
            .parse()?)
    };
    let start = Instant::now();
    let mut next = start;
    let mut before = None;
    loop {
        next += Duration::from_secs(1);
        std::thread::sleep(next.saturating_duration_since(Instant::now()));
        stat.read_at(&mut buffer, 0)?;
        let now = start.elapsed();
        match before {
            None if now >= STEADY_WARM_UP => before = Some((cpu_ns()?, now)),
            Some((cpu, at)) if now >= STEADY_WARM_UP + STEADY_WINDOW => {
                let secs = (now - at).as_secs_f64();
                return Ok(cpu_ns()?.saturating_sub(cpu) as f64 / 1e3 / secs);
            }
            _ => {}
        }
    }
}

/// How many idle processes share the machine for the crowded process-mode measurement.
const CROWD: usize = 2000;

/// Idle processes (`sleep`), killed on drop: a machine with many processes, whose `/proc` a
/// process-mode tracker lists to find its tree's newcomers.
struct Crowd(Vec<std::process::Child>);

impl Crowd {
    fn spawn(count: usize) -> Result<Crowd> {
        let mut crowd = Crowd(Vec::with_capacity(count));
        for _ in 0..count {
            crowd.0.push(
                Command::new("sleep")
                    .arg("600")
                    .stdin(std::process::Stdio::null())
                    .spawn()
                    .context("spawning the idle processes")?,
            );
        }
        Ok(crowd)
    }
}

impl Drop for Crowd {
    fn drop(&mut self) {
        for child in &mut self.0 {
            let _ = child.kill();
            let _ = child.wait();
        }
    }
}

/// `argv` then `sleep secs`.
fn with_command<'a>(argv: &[&'a str], secs: &'a str) -> Vec<&'a str> {
    argv.iter().copied().chain(["sleep", secs]).collect()
}

/// Median wall time of `codecarbon --version`, spawn to exit, over 20 runs, in ms.
fn version_millis(exe: &str, dir: &Path) -> Result<f64> {
    let runs = (0..20)
        .map(|_| measure::run(&[exe, "--version"], dir))
        .collect::<Result<Vec<_>>>()?;
    Ok(measure::median(&runs).wall.as_secs_f64() * 1e3)
}

/// Median wall time of `start_task` (call to return) over 200 tasks, in µs.
fn start_task_micros(dir: &Path) -> Result<f64> {
    let mut tracker = OfflineEmissionsTracker::builder()
        .config_sources(ConfigSources::none())
        .country_iso_code("CAN")
        .output_dir(dir)
        .log_level("error")
        .start()?;
    let mut times = Vec::new();
    for i in 0..200 {
        let name = format!("task {i}");
        let started = std::time::Instant::now();
        tracker.start_task(&name)?;
        times.push(started.elapsed());
        tracker.stop_task(&name)?;
    }
    tracker.stop()?;
    times.sort();
    Ok(times[times.len() / 2].as_secs_f64() * 1e6)
}

struct Added {
    cpu: f64,
    wall_past: f64,
    peak_rss_mb: f64,
}

fn added(run: Cost, bare: Cost) -> Added {
    Added {
        cpu: run.cpu.as_secs_f64() - bare.cpu.as_secs_f64(),
        wall_past: run.wall.as_secs_f64() - bare.wall.as_secs_f64(),
        peak_rss_mb: run.peak_rss as f64 / 1e6,
    }
}

fn cpu_model() -> String {
    std::fs::read_to_string("/proc/cpuinfo")
        .ok()
        .and_then(|t| {
            t.lines().find_map(|l| {
                l.strip_prefix("model name")?
                    .split(':')
                    .nth(1)
                    .map(str::trim)
                    .map(String::from)
            })
        })
        .unwrap_or_else(|| "unknown CPU".into())
}

/// Runs the benchmark and prints (and with `--write`, saves) the report.
pub fn run(args: &[String]) -> Result<()> {
    let runs: usize = match args.iter().position(|a| a == "--runs") {
        Some(i) => args.get(i + 1).context("--runs needs a number")?.parse()?,
        None => 3,
    };
    let write = args.iter().any(|a| a == "--write");
    let ours = build_release()?;
    let binary_mb = std::fs::metadata(&ours)?.len() as f64 / 1e6;
    let python = python_codecarbon()?;
    let scratch = std::env::temp_dir().join(format!("codecarbon-bench-{}", std::process::id()));
    let (rust_dir, python_dir, lib_dir) = (
        scratch.join("rust"),
        scratch.join("python"),
        scratch.join("lib"),
    );
    for d in [&rust_dir, &python_dir, &lib_dir] {
        std::fs::create_dir_all(d)?;
    }
    let ours_s = ours.to_string_lossy().into_owned();
    let python_s = python.to_string_lossy().into_owned();
    let common = [
        "--offline",
        "--country-iso-code",
        "CAN",
        "--measure-power-secs",
        "1",
    ];
    let ours_argv: Vec<&str> = [ours_s.as_str(), "monitor"]
        .into_iter()
        .chain(common)
        .chain(["--", "sleep", "5"])
        .collect();
    let python_argv: Vec<&str> = [python_s.as_str(), "monitor"]
        .into_iter()
        .chain(common)
        .chain(["--no-api", "--", "sleep", "5"])
        .collect();

    let (mut bare, mut rust, mut py) = (Vec::new(), Vec::new(), Vec::new());
    for i in 0..runs {
        eprintln!(
            "run {}/{runs}: sleep 5 bare, with codecarbon (Rust), with CodeCarbon (Python)",
            i + 1
        );
        bare.push(measure::run(&["sleep", "5"], &scratch)?);
        rust.push(measure::run(&ours_argv, &rust_dir)?);
        py.push(measure::run(&python_argv, &python_dir)?);
    }
    let version_ms = version_millis(&ours_s, &scratch)?;
    let bare = measure::median(&bare);
    let (rust, py) = (
        added(measure::median(&rust), bare),
        added(measure::median(&py), bare),
    );
    eprintln!(
        "steady state: {} s of each tracker's CPU, after {} s",
        STEADY_WINDOW.as_secs(),
        STEADY_WARM_UP.as_secs()
    );
    // The machine watched (no command), as both trackers' `monitor` does until SIGTERM; and
    // ours tracking a command's process tree.
    let common_steady: Vec<&str> = common.to_vec();
    let machine_argv: Vec<&str> = [ours_s.as_str(), "monitor"]
        .into_iter()
        .chain(common_steady.iter().copied())
        .collect();
    let process_argv: Vec<&str> = machine_argv
        .iter()
        .copied()
        .chain(["--tracking-mode", "process", "--"])
        .collect();
    // CodeCarbon's tracker in a Python program that sleeps: its `monitor` CLI does the same.
    let codecarbon_python = python.with_file_name("python");
    let codecarbon_python = codecarbon_python.to_string_lossy().into_owned();
    let python_machine_argv: Vec<&str> =
        vec![codecarbon_python.as_str(), "-c", CODECARBON_LONG_RUN];
    let steady_machine = steady_micros(&machine_argv, false, &rust_dir, measure::process_cpu_ns)?;
    let steady_process = steady_micros(&process_argv, true, &rust_dir, measure::process_cpu_ns)?;
    let steady_crowded = {
        let _crowd = Crowd::spawn(CROWD)?;
        steady_micros(&process_argv, true, &rust_dir, measure::process_cpu_ns)?
    };
    // The floor, measured meanwhile (CodeCarbon's process mostly sleeps): one thread that
    // wakes once a second and reads `/proc/stat`, the least any such tracker does.
    let floor = std::thread::spawn(wake_floor_micros);
    let steady_python = steady_micros(
        &python_machine_argv,
        false,
        &python_dir,
        measure::process_cpu_ticks_ns,
    )?;
    let floor = floor
        .join()
        .map_err(|_| anyhow::anyhow!("the floor's thread panicked"))??;
    let tick_machine = sampler_tick_micros(TrackingMode::Machine, &lib_dir)?;
    let tick_process = sampler_tick_micros(TrackingMode::Process, &lib_dir)?;
    let start_task = start_task_micros(&lib_dir)?;
    eprintln!("appending to an emissions.csv of {LONG_FILE_ROWS} rows");
    let (to_short, to_long, long_size) =
        write_costs(&ours_s, &scratch.join("append"), runs, "append")?;
    let append_cpu = to_long.cpu.saturating_sub(to_short.cpu);
    let append_rss_mb = to_long.peak_rss.saturating_sub(to_short.peak_rss) as f64 / 1e6;
    eprintln!("updating a row of an emissions.csv of {LONG_FILE_ROWS} rows");
    let (update_short, update_long, _) =
        write_costs(&ours_s, &scratch.join("update"), runs, "update")?;
    let update_rss_mb = update_long.peak_rss.saturating_sub(update_short.peak_rss) as f64 / 1e6;
    let py_dir = scratch.join("python-start");
    std::fs::create_dir_all(&py_dir)?;
    let codecarbon_python = python.with_file_name("python");
    let (rs_start, cc_start) = bench_python::start_ups(&codecarbon_python, runs.max(5), &py_dir)?;
    let board = bench_board::costs(&ours_s, &scratch.join("board"))?;
    let _ = std::fs::remove_dir_all(&scratch);
    let start_ratio =
        cc_start.import_and_start.as_secs_f64() / rs_start.import_and_start.as_secs_f64().max(1e-6);

    let cpu_ratio = py.cpu / rust.cpu.max(1e-6);
    let mut checks: Vec<(String, bool)> = [
        (
            "CPU at most 1/50 of Python's",
            cpu_ratio >= CPU_RATIO_TARGET,
        ),
        ("peak RSS at most 15 MB", rust.peak_rss_mb <= RSS_TARGET_MB),
        (
            "at most 0.1 s past the command",
            rust.wall_past <= WALL_PAST_TARGET.as_secs_f64(),
        ),
        (
            "appending to a long file within 0.1 s of CPU of a short one",
            append_cpu <= APPEND_CPU_TARGET,
        ),
        (
            "appending to a long file within 5 MB of a short one",
            append_rss_mb <= APPEND_RSS_TARGET_MB,
        ),
        (
            "updating a row of a long file within 5 MB of a short one",
            update_rss_mb <= APPEND_RSS_TARGET_MB,
        ),
        (
            "whole process: at most 200 µs of CPU per tracked second (machine mode)",
            steady_machine <= STEADY_TARGET_MICROS,
        ),
        (
            "whole process: at most 1/50 of CodeCarbon's CPU per tracked second",
            steady_python / steady_machine.max(1e-3) >= STEADY_RATIO_TARGET,
        ),
        (
            "whole process: process mode within twice machine mode",
            steady_process <= 2.0 * steady_machine,
        ),
        (
            "whole process: process mode with 2000 other processes within twice machine mode",
            steady_crowded <= 2.0 * steady_machine,
        ),
        (
            "Python: import and start under 1/20 of CodeCarbon's",
            start_ratio >= bench_python::START_RATIO_TARGET,
        ),
    ]
    .into_iter()
    .map(|(name, ok)| (name.to_string(), ok))
    .collect();
    checks.extend(board.checks());
    let mut report = String::new();
    let _ = writeln!(report, "# Benchmarks\n");
    let _ = writeln!(
        report,
        "Made by `cargo xtask bench --write` (median of {runs} runs) on {} ({} logical CPUs). \
         Each tracker runs `monitor --offline --country-iso-code CAN --measure-power-secs 1 -- sleep 5`; \
         \"added\" is its run minus a bare `sleep 5`. Python is CodeCarbon 3.3.2 from PyPI \
         (`codecarbon monitor ... --no-api`).\n",
        cpu_model(),
        std::thread::available_parallelism().map(|n| n.get()).unwrap_or(1)
    );
    let _ = writeln!(
        report,
        "| measure | codecarbon (Rust) | CodeCarbon 3.3.2 (Python) | target |"
    );
    let _ = writeln!(report, "|---|---|---|---|");
    let _ = writeln!(
        report,
        "| CPU time added | {:.3} s | {:.3} s | ≤ 1/50 of Python (now 1/{cpu_ratio:.0}) |",
        rust.cpu, py.cpu
    );
    let _ = writeln!(
        report,
        "| peak RSS | {:.1} MB | {:.1} MB | ≤ 15 MB |",
        rust.peak_rss_mb, py.peak_rss_mb
    );
    let _ = writeln!(
        report,
        "| wall time past the command | {:.3} s | {:.3} s | ≤ 0.1 s |",
        rust.wall_past, py.wall_past
    );
    let _ = writeln!(
        report,
        "\nThe release binary (`target/release/codecarbon`, symbols stripped, as `cargo xtask \
         dist` ships it) is {binary_mb:.1} MB; `codecarbon --version` runs in {version_ms:.1} ms \
         (spawn to exit, median of 20). It was 13.2 MB unstripped with TLS on aws-lc-rs, \
         11.8 MB unstripped on `ring`; stripping costs nothing at start-up."
    );
    let _ = writeln!(
        report,
        "\nA long run's cost per tracked second, whole process (every thread: sampler, place, \
         outputs), at a 1 s interval, `monitor` watching the machine: the CPU time of all its threads over {} s, from {} s into \
         a run (start and stop outside the window): {steady_machine:.0} µs in machine mode, \
         {steady_process:.0} µs in process mode (tracking a `sleep`), {steady_crowded:.0} µs in \
         process mode with {CROWD} idle processes on the machine; CodeCarbon 3.3.2's \
         tracker, started in a Python program that then sleeps: {steady_python:.0} µs (ours is \
         1/{:.0} of it; its ticks run on a new thread each, so its CPU is read from \
         `/proc/<pid>/stat`, in 10 ms clock ticks). Targets: at most {STEADY_TARGET_MICROS:.0} \
         µs, at most 1/{STEADY_RATIO_TARGET:.0} of CodeCarbon's, process mode within twice \
         machine mode.\n\n\
         The floor here: one thread that only wakes once a second and reads `/proc/stat` costs \
         {floor:.0} µs per second (a wake after a second asleep finds the caches cold: the \
         same read in a loop costs a few µs), so no tracker sampling every second can cost less \
         than that; 1/{STEADY_RATIO_TARGET:.0} of CodeCarbon's is {:.0} µs. Before the steady \
         state was worked on (2026-12-06), the machine mode cost 593 µs and the process mode \
         813 µs: the CSV checkpoint made anew every second (a new file renamed over the old, \
         which on ext4 also flushed the old file's blocks) was 60 % of it, the place thread \
         asking the intensity datasets again every second 10 %, and every `/proc` file opened, \
         stat-ed and closed at each read, the rest with the time zone looked up for each row. \
         Now the checkpoint is written in place, at most every 5 s (a killed run loses at most \
         that), a static dataset's intensity is asked once a run, `/proc` files stay open, and \
         process mode looks for newcomers only when a process was created since it last looked \
         (the `processes` count of `/proc/stat`, read anyway), among the tree's children where \
         the kernel lists them, and reads the tree's own files the rest of the time.",
        STEADY_WINDOW.as_secs(),
        STEADY_WARM_UP.as_secs(),
        steady_python / steady_machine.max(1e-3),
        steady_python / STEADY_RATIO_TARGET,
    );
    let _ = writeln!(
        report,
        "\nSampler cost per one-second tick (all sources read; checkpoints are the outputs' \
         threads' work), CPU time of the sampler thread after two seconds of warm-up: {tick_machine:.0} µs in machine mode, {tick_process:.0} µs in \
         process mode (which reads the tracked tree's processes too).\n"
    );
    let _ = writeln!(
        report,
        "`start_task` takes {start_task:.0} µs (median of 200, from the call to its return: one \
         message to the sampler thread and one sample; no hardware detection).\n"
    );
    let _ = writeln!(
        report,
        "Appending a run's row to a long-lived `emissions.csv` of {LONG_FILE_ROWS} rows ({:.0} MB) \
         costs {:.3} s of CPU and {:.1} MB of peak memory more than appending to a file of one \
         row (whole run: {:.3} s and {:.1} MB, against {:.3} s and {:.1} MB; median of {runs}). \
         The append reads the file's header and last line, found by a scan for quotes and line \
         breaks, not a table of its rows: it took 1.0 s and 436 MB when it parsed the whole \
         file.\n",
        long_size as f64 / 1e6,
        append_cpu.as_secs_f64(),
        append_rss_mb,
        to_long.cpu.as_secs_f64(),
        to_long.peak_rss as f64 / 1e6,
        to_short.cpu.as_secs_f64(),
        to_short.peak_rss as f64 / 1e6,
    );
    let _ = writeln!(
        report,
        "In `update` mode (`--on-csv-write update`), a run's row replaces its earlier one, so \
         the file is rewritten: by streaming it through, row by row, into the file that \
         replaces it. On the same long file that costs {:.3} s of CPU more than on a file of one \
         row, and {update_rss_mb:.1} MB of peak memory more (whole run: {:.1} MB): the time \
         grows with the file, the memory does not (before, the file was read whole, as the append read it).\n",
        update_long.cpu.saturating_sub(update_short.cpu).as_secs_f64(),
        update_long.peak_rss as f64 / 1e6,
    );
    report.push_str(&bench_python::section(&rs_start, &cc_start, runs.max(5)));
    report.push_str(&board.section());
    for (name, ok) in &checks {
        let _ = writeln!(report, "- {}: {name}", if *ok { "pass" } else { "FAIL" });
    }
    print!("{report}");
    if write {
        // This report is the page's head; later sections (`bench-rapl`'s) are kept.
        let path = root().join("docs/benchmarks.md");
        let old = std::fs::read_to_string(&path).unwrap_or_default();
        let tail = old.find("\n## ").map(|i| &old[i..]).unwrap_or("");
        std::fs::write(&path, format!("{}\n{tail}", report.trim_end()))?;
        eprintln!("wrote docs/benchmarks.md");
    }
    if checks.iter().any(|(_, ok)| !ok) {
        bail!("a benchmark target is not met");
    }
    Ok(())
}
