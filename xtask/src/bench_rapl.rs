//! `cargo xtask bench-rapl [--write]`: the RAPL plugin's accuracy, end to end.
//!
//! The release `codecarbon` binary monitors `sleep T` with `--measure-power-secs T` on a fake
//! powercap tree ([`FakeRapl`]) whose two packages draw a known, constant power and wrap every
//! two seconds; its CPU energy is compared with the truth, power × the run's reported duration.
//! Then the cost of one counter read. `--write` puts the result in `docs/benchmarks.md` as the
//! section "RAPL accuracy", replacing that section only.

use crate::fake_rapl::{FakeRapl, FakeZone};
use anyhow::{bail, Context, Result};
use std::fmt::Write as _;
use std::path::Path;
use std::process::Command;
use std::time::Instant;
use xtask::dist::{build_release, workspace_root as root};

/// The largest error allowed, as a fraction of the truth.
const TARGET: f64 = 0.005;
/// Measure intervals in seconds, and how many runs of each.
const PLAN: [(f64, usize); 4] = [(0.1, 10), (1.0, 5), (10.0, 3), (60.0, 1)];
/// The section this benchmark owns in `docs/benchmarks.md`.
const HEADING: &str = "## RAPL accuracy";

/// Two packages at 45 W and 25 W, each wrapping every 2 s, with a core subzone that must not be
/// added.
fn zones() -> Vec<FakeZone> {
    let package = |rel, name, watts: f64| FakeZone {
        rel,
        name,
        watts,
        range_uj: (2.0 * watts * 1e6) as u64 - 1,
        max_power_uw: (2.0 * watts * 1e6) as u64,
    };
    vec![
        package("intel-rapl:0", "package-0", 45.0),
        package("intel-rapl:1", "package-1", 25.0),
        FakeZone {
            rel: "intel-rapl:0:0",
            name: "core",
            watts: 30.0,
            range_uj: 262_143_328_849,
            max_power_uw: 90_000_000,
        },
    ]
}

/// The CPU power the tracker should see.
const CPU_WATTS: f64 = 45.0 + 25.0;

/// One run: the reported duration and CPU energy (J).
fn run_once(exe: &Path, tree: &Path, secs: f64, dir: &Path) -> Result<(f64, f64)> {
    std::fs::create_dir_all(dir)?;
    let secs_text = format!("{secs}");
    let mut cmd = Command::new(exe);
    cmd.args(["monitor", "--rapl-root"])
        .arg(tree)
        .args([
            "--tracking-mode",
            "machine",
            "--offline",
            "--country-iso-code",
            "FRA",
        ])
        .args([
            "--measure-power-secs",
            &secs_text,
            "--output-methods",
            "json",
        ])
        .args(["--log-level", "error", "--", "sleep", &secs_text])
        .current_dir(dir)
        .env("HOME", dir);
    for (key, _) in std::env::vars_os() {
        if key.to_string_lossy().starts_with("CODECARBON_") {
            cmd.env_remove(key);
        }
    }
    let out = cmd.output().context("running codecarbon monitor")?;
    if !out.status.success() {
        bail!(
            "codecarbon monitor failed: {}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
    let text = std::fs::read_to_string(dir.join("emissions.jsonl"))?;
    let line = text.lines().last().context("no JSON line written")?;
    if !line.contains(r#""cpu":{"method":"measured","source":"rapl""#) {
        bail!("the CPU was not measured by rapl: {line}");
    }
    let number =
        |key: &str| json_number(line, key).with_context(|| format!("no `{key}` in {line}"));
    Ok((number("duration")?, number("cpu_energy")? * 3.6e6))
}

/// The number of top-level field `key` in a JSON line (xtask has no JSON parser, and the
/// line's numeric fields are plain).
fn json_number(line: &str, key: &str) -> Option<f64> {
    let start = line.find(&format!("\"{key}\":"))? + key.len() + 3;
    let rest = &line[start..];
    let end = rest.find([',', '}']).unwrap_or(rest.len());
    rest[..end].trim().parse().ok()
}

/// The results for one measure interval.
struct Row {
    secs: f64,
    runs: usize,
    truth_mean: f64,
    error_mean: f64,
    error_max: f64,
    bound: f64,
}

/// Median µs of reading and parsing one `energy_uj`, as the plugin does.
fn read_micros(tree: &Path) -> Result<f64> {
    let path = tree.join("intel-rapl:0/energy_uj");
    let mut times = Vec::with_capacity(20_000);
    for _ in 0..20_000 {
        let started = Instant::now();
        let text = std::fs::read_to_string(&path)?;
        let value: u64 = text.trim().parse()?;
        std::hint::black_box(value);
        times.push(started.elapsed());
    }
    times.sort();
    Ok(times[times.len() / 2].as_secs_f64() * 1e6)
}

fn report(rows: &[Row], read_us: f64, realtime: bool, pass: bool) -> String {
    let mut s = String::new();
    let _ = writeln!(s, "{HEADING}\n");
    let _ =
        writeln!(
        s,
        "Made by `cargo xtask bench-rapl --write` on {} logical CPUs. The release `codecarbon` \
         runs `monitor --rapl-root <fake tree> --tracking-mode machine --measure-power-secs T -- \
         sleep T` on a fake powercap tree (in /dev/shm) whose two packages draw 45 W and 25 W \
         and wrap every 2 s (a core subzone counts too, and must not be added). A writer thread \
         rewrites each `energy_uj` (by a rename) every 0.25 ms with the exact energy at that \
         instant, so a read sees a value at most one write gap old. The truth is 70 W × the \
         run's reported duration; the error is the tracker's CPU energy minus it, over the truth. \
         Staleness at the first and last reads can move the measured difference by up to the \
         longest write gap seen during the run × 70 W: that is the bound column, the fake's own \
         resolution (the writer is delayed most while the tracker starts). Such delays move \
         single short runs either way, so the target applies to the mean error of each interval's \
         runs. The writer ran {} real-time priority.\n",
        std::thread::available_parallelism().map(|n| n.get()).unwrap_or(1),
        if realtime { "at" } else { "without (not permitted)" }
    );
    let _ = writeln!(s, "| measure interval | runs | truth (mean) | error (mean) | error (worst) | staleness bound |");
    let _ = writeln!(s, "|---|---|---|---|---|---|");
    for r in rows {
        let _ = writeln!(
            s,
            "| {} s | {} | {:.3} J | {:+.4} % | {:.4} % | {:.4} % |",
            r.secs,
            r.runs,
            r.truth_mean,
            r.error_mean * 100.0,
            r.error_max * 100.0,
            r.bound * 100.0
        );
    }
    let _ = writeln!(
        s,
        "\nOne counter read (open, read and parse one `energy_uj`, the plugin's read, on the fake \
         tree in /dev/shm): {read_us:.1} µs, median of 20 000. On real sysfs the \
         kernel reads the MSR as well.\n"
    );
    let _ = writeln!(
        s,
        "- {}: every interval's mean error within {} %",
        if pass { "pass" } else { "FAIL" },
        TARGET * 100.0
    );
    s
}

/// `text` with the section [`HEADING`] replaced by `section` (added at the end if absent).
fn replace_section(text: &str, section: &str) -> String {
    let Some(start) = text.find(HEADING) else {
        return format!("{}\n\n{section}", text.trim_end());
    };
    let after = start + HEADING.len();
    let end = text[after..]
        .find("\n## ")
        .map_or(text.len(), |i| after + i + 1);
    format!("{}{section}{}", &text[..start], &text[end..])
}

/// Runs the benchmark and prints (and with `--write`, saves) the section.
pub fn run(args: &[String]) -> Result<()> {
    let write = args.iter().any(|a| a == "--write");
    let exe = build_release()?;
    let scratch =
        std::env::temp_dir().join(format!("codecarbon-bench-rapl-{}", std::process::id()));
    // The tree lives in memory where it can: on a disk file system, replacing a file by a rename
    // may wait for the disk, and the writer would fall behind.
    let shm = Path::new("/dev/shm");
    let tree = if shm.is_dir() { shm } else { scratch.as_path() }
        .join(format!("codecarbon-fake-rapl-{}", std::process::id()));
    let fake = FakeRapl::start(&tree, zones())?;
    let mut rows = Vec::new();
    for (secs, runs) in PLAN {
        let (mut truths, mut errors, mut bound) = (Vec::new(), Vec::new(), 0.0f64);
        for i in 0..runs {
            eprintln!("{secs} s, run {}/{runs}", i + 1);
            fake.take_longest_gap();
            let dir = scratch.join(format!("run-{secs}-{i}"));
            let (duration, energy) = run_once(&exe, fake.root(), secs, &dir)?;
            let truth = CPU_WATTS * duration;
            truths.push(truth);
            errors.push((energy - truth) / truth);
            bound = bound.max(fake.take_longest_gap().as_secs_f64() / duration);
        }
        rows.push(Row {
            secs,
            runs,
            truth_mean: truths.iter().sum::<f64>() / runs as f64,
            error_mean: errors.iter().sum::<f64>() / runs as f64,
            error_max: errors.iter().fold(0.0, |m, e| m.max(e.abs())),
            bound,
        });
    }
    let read_us = read_micros(fake.root())?;
    let realtime = fake.realtime();
    drop(fake);
    let _ = std::fs::remove_dir_all(&tree);
    let _ = std::fs::remove_dir_all(&scratch);
    let pass = rows.iter().all(|r| r.error_mean.abs() <= TARGET);
    let section = report(&rows, read_us, realtime, pass);
    print!("{section}");
    if write {
        let path = root().join("docs/benchmarks.md");
        let text = std::fs::read_to_string(&path).unwrap_or_default();
        std::fs::write(&path, replace_section(&text, &section))?;
        eprintln!("wrote the RAPL section of docs/benchmarks.md");
    }
    if !pass {
        bail!("a RAPL accuracy target is not met");
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_numbers_from_a_json_line() {
        let line =
            r#"{"duration":8.5,"cpu_energy":1.5e-4,"provenance":{"cpu":{"method":"measured"}}}"#;
        assert_eq!(json_number(line, "duration"), Some(8.5));
        assert_eq!(json_number(line, "cpu_energy"), Some(1.5e-4));
        assert_eq!(json_number(line, "gpu_energy"), None);
    }

    #[test]
    fn the_section_is_added_or_replaced_and_nothing_else_moves() {
        let base = "# Benchmarks\n\nintro\n";
        let once = replace_section(base, "## RAPL accuracy\n\nold\n");
        assert_eq!(once, "# Benchmarks\n\nintro\n\n## RAPL accuracy\n\nold\n");
        let twice = replace_section(&once, "## RAPL accuracy\n\nnew\n");
        assert_eq!(twice, "# Benchmarks\n\nintro\n\n## RAPL accuracy\n\nnew\n");
        let middle = "# B\n\n## RAPL accuracy\n\nold\n\n## Other\n\nkept\n";
        assert_eq!(
            replace_section(middle, "## RAPL accuracy\n\nnew\n\n"),
            "# B\n\n## RAPL accuracy\n\nnew\n\n## Other\n\nkept\n"
        );
    }
}
