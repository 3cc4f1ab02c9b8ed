//! The Python package's start-up, side by side with Python CodeCarbon 3.3.2's: what a
//! notebook or a training script pays before the first measurement.
//!
//! `codecarbon-rs` is installed as a user installs it, `pip install python/` (a release build
//! by maturin), into a virtualenv of its own. Each side runs one Python process that imports
//! the package, builds an `OfflineEmissionsTracker` for Canada and starts it: the wall time from
//! before the import to the return of `start()` is timed inside the process, and the process's
//! CPU time and peak memory, less those of a bare `python -c pass`, by `wait4`.

use crate::measure::{self, Cost};
use anyhow::{bail, Context, Result};
use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Duration;
use xtask::dist::workspace_root as root;

/// `codecarbon_rs`'s import and start must take under this share of CodeCarbon's.
pub const START_RATIO_TARGET: f64 = 20.0;

/// Imports `{module}`, starts an offline tracker, writes the seconds that took to `argv[1]`,
/// and stops it.
const SCRIPT: &str = "
import sys, time
started = time.perf_counter()
from {module} import OfflineEmissionsTracker
tracker = OfflineEmissionsTracker(country_iso_code='CAN', measure_power_secs=1, log_level='error', save_to_file=False)
tracker.start()
took = time.perf_counter() - started
tracker.stop()
open(sys.argv[1], 'w').write(repr(took))
";

/// One side's start-up: the in-process time to a started tracker, and the process's cost
/// beyond a bare interpreter's (medians).
pub struct StartUp {
    /// From before the import to the return of `start()`.
    pub import_and_start: Duration,
    /// CPU time of the whole process (import, start, stop, exit) less a bare interpreter's.
    pub cpu: Duration,
    /// Peak RSS of the process, less a bare interpreter's.
    pub peak_rss_mb: f64,
}

/// The start-ups of `codecarbon_rs` and of CodeCarbon, median of `runs` each.
pub fn start_ups(codecarbon_python: &Path, runs: usize, dir: &Path) -> Result<(StartUp, StartUp)> {
    let ours = codecarbon_rs_python()?;
    let ours = measure_start(&ours, "codecarbon_rs", runs, dir)?;
    let theirs = measure_start(codecarbon_python, "codecarbon", runs, dir)?;
    Ok((ours, theirs))
}

fn measure_start(python: &Path, module: &str, runs: usize, dir: &Path) -> Result<StartUp> {
    let python = python.to_string_lossy();
    let script = SCRIPT.replace("{module}", module);
    let out = dir.join(format!("{module}.took"));
    let out_s = out.to_string_lossy().into_owned();
    let (mut bare, mut runs_cost, mut took) = (Vec::new(), Vec::new(), Vec::new());
    for _ in 0..runs {
        bare.push(measure::run(&[&python, "-c", "pass"], dir)?);
        runs_cost.push(measure::run(&[&python, "-c", &script, &out_s], dir)?);
        let seconds: f64 = std::fs::read_to_string(&out)?
            .trim()
            .parse()
            .context("the start-up script wrote no time")?;
        took.push(Duration::from_secs_f64(seconds));
    }
    took.sort();
    let (bare, run): (Cost, Cost) = (measure::median(&bare), measure::median(&runs_cost));
    Ok(StartUp {
        import_and_start: took[took.len() / 2],
        cpu: run.cpu.saturating_sub(bare.cpu),
        peak_rss_mb: run.peak_rss.saturating_sub(bare.peak_rss) as f64 / 1e6,
    })
}

/// A Python with `codecarbon_rs` installed from this checkout by `pip install python/`, in
/// `target/venv-codecarbon-rs` (made on first use, reinstalled each time so it is this code).
fn codecarbon_rs_python() -> Result<PathBuf> {
    let venv = root().join("target/venv-codecarbon-rs");
    let python = venv.join("bin/python");
    if !python.exists()
        && !Command::new("python3")
            .arg("-m")
            .arg("venv")
            .arg(&venv)
            .status()?
            .success()
    {
        bail!("cannot make a virtualenv in {}", venv.display());
    }
    eprintln!("pip install python/ (a release build by maturin)");
    let mut pip = Command::new(&python);
    pip.args([
        "-m",
        "pip",
        "install",
        "--quiet",
        "--disable-pip-version-check",
    ])
    .args(["--force-reinstall", "--no-deps"])
    .arg(root().join("python"));
    if !pip.status()?.success() {
        bail!("pip install python/ failed (it needs maturin from PyPI and a Rust toolchain)");
    }
    Ok(python)
}

/// How many times faster `ours` gets to a started tracker than `theirs`.
pub fn ratio(ours: &StartUp, theirs: &StartUp) -> f64 {
    theirs.import_and_start.as_secs_f64() / ours.import_and_start.as_secs_f64().max(1e-6)
}

/// The report's paragraph and table for the two start-ups, measured over `runs` runs each.
pub fn section(ours: &StartUp, theirs: &StartUp, runs: usize) -> String {
    let mut text = format!(
        "The Python package, installed by `pip install python/` (a release build), against \
         CodeCarbon 3.3.2 (median of {runs}): one process imports the package, builds an \
         `OfflineEmissionsTracker` for Canada and starts it; the time is from before the import \
         to the return of `start()`, measured inside the process; CPU and peak memory are the \
         whole process's (import, start, stop, exit) less a bare `python -c pass`.\n\n\
         | Python, to a started tracker | codecarbon_rs | CodeCarbon 3.3.2 | target |\n\
         |---|---|---|---|\n"
    );
    let _ = writeln!(
        text,
        "| import + start | {:.3} s | {:.3} s | < 1/{START_RATIO_TARGET:.0} of CodeCarbon (now 1/{:.0}) |",
        ours.import_and_start.as_secs_f64(),
        theirs.import_and_start.as_secs_f64(),
        ratio(ours, theirs)
    );
    let _ = writeln!(
        text,
        "| CPU time added | {:.3} s | {:.3} s | |",
        ours.cpu.as_secs_f64(),
        theirs.cpu.as_secs_f64()
    );
    let _ = writeln!(
        text,
        "| peak RSS added | {:.1} MB | {:.1} MB | |\n",
        ours.peak_rss_mb, theirs.peak_rss_mb
    );
    text
}
