//! The NVIDIA hardware check: our GPU energy against NVML's own counter, read independently.
//!
//! ```text
//! cargo run --release -p codecarbon-nvml --example gpu_check -- \
//!     [--codecarbon target/release/codecarbon] [--workload 'CMD'] [--secs 30] [--write]
//! ```
//!
//! (`--probe` only checks that NVML and a GPU with an energy counter are there.
//! `CODECARBON_NVML_LIBRARY` names another NVML file, for the check and the tracker alike.)
//!
//! It reads every GPU's `nvmlDeviceGetTotalEnergyConsumption` (through this crate's
//! [`Nvml`] trait, not the plugin's source), runs the workload under
//! `codecarbon monitor --tracking-mode machine` on all GPUs, reads the counters again, and
//! compares the run's `gpu_energy` with the counters' difference (target: within 1 %). The
//! counters bracket the whole `codecarbon` process, so its start and exit (idle power × the
//! gap shown) are in NVML's figure only. `--write` appends the result to
//! `docs/benchmarks.md`. Exit status: 0 pass, 1 fail or no GPU, 2 no workload.
//!
//! The default workload is a PyTorch matrix-multiply loop for `--secs` seconds, when `python3`
//! has torch with CUDA; otherwise pass one with `--workload`.

// A check a person runs by hand: its report is its output.
#![allow(clippy::print_stdout, clippy::print_stderr)]

use codecarbon_nvml::{load, Nvml, DEFAULT_LIBRARY};
use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode};
use std::time::Instant;

/// The largest error allowed, as a fraction of NVML's counter difference.
const TARGET: f64 = 0.01;
const HEADING: &str = "## GPU accuracy (NVIDIA)";
/// The library to load, as the tracker reads it (`nvml_library`); kept for the tracker too.
const LIBRARY_VAR: &str = "CODECARBON_NVML_LIBRARY";

struct Args {
    codecarbon: PathBuf,
    workload: Option<String>,
    secs: u32,
    write: bool,
    /// Only say whether there is a GPU to check.
    probe: bool,
}

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn parse_args() -> Result<Args, String> {
    let mut args = Args {
        codecarbon: root().join("target/release/codecarbon"),
        workload: None,
        secs: 30,
        write: false,
        probe: false,
    };
    let mut it = std::env::args().skip(1);
    while let Some(arg) = it.next() {
        let mut value = |name: &str| it.next().ok_or(format!("{name} needs a value"));
        match arg.as_str() {
            "--codecarbon" => args.codecarbon = PathBuf::from(value("--codecarbon")?),
            "--workload" => args.workload = Some(value("--workload")?),
            "--secs" => {
                args.secs = value("--secs")?
                    .parse()
                    .map_err(|_| "--secs needs a whole number of seconds".to_string())?
            }
            "--write" => args.write = true,
            "--probe" => args.probe = true,
            other => return Err(format!("unknown argument {other:?}")),
        }
    }
    Ok(args)
}

/// Every GPU's energy counter, in mJ.
fn counters(nvml: &dyn Nvml) -> Result<Vec<u64>, String> {
    let count = nvml.device_count().map_err(|e| e.to_string())?;
    (0..count)
        .map(|i| {
            let device = nvml.device(i).map_err(|e| format!("GPU {i}: {e}"))?;
            device
                .total_energy_mj()
                .map_err(|e| format!("GPU {i} has no energy counter to compare with ({e})"))
        })
        .collect()
}

fn default_workload(secs: u32) -> Option<String> {
    let probe = Command::new("python3")
        .args([
            "-c",
            "import sys, torch; sys.exit(0 if torch.cuda.is_available() else 1)",
        ])
        .output()
        .ok()?;
    probe.status.success().then(|| {
        format!(
            "python3 -c \"import time, torch; a = torch.randn(8192, 8192, device='cuda'); \
             end = time.time() + {secs}\nwhile time.time() < end: (a @ a).sum().item()\""
        )
    })
}

/// The run's `gpu_energy` in J and `duration` in s, from the JSON output in `dir`.
fn tracked(dir: &Path) -> Result<(f64, f64), String> {
    let path = dir.join("emissions.jsonl");
    let text = std::fs::read_to_string(&path).map_err(|e| format!("{}: {e}", path.display()))?;
    let line = text.lines().last().ok_or("no JSON line written")?;
    let value: serde_json::Value = serde_json::from_str(line).map_err(|e| e.to_string())?;
    let source = &value["provenance"]["gpu"]["source"];
    if source.as_str() != Some("nvml") {
        return Err(format!(
            "the GPU was not measured by nvml (source {source})"
        ));
    }
    let kwh = value["gpu_energy"].as_f64().ok_or("no gpu_energy")?;
    let duration = value["duration"].as_f64().ok_or("no duration")?;
    Ok((kwh * 3.6e6, duration))
}

struct Outcome {
    gpus: String,
    workload: String,
    ours: f64,
    nvml: f64,
    duration: f64,
    bracket: f64,
}

impl Outcome {
    fn error(&self) -> f64 {
        (self.ours - self.nvml) / self.nvml
    }
}

fn run(args: &Args) -> Result<Outcome, (u8, String)> {
    let fail = |e: String| (1u8, e);
    let library = std::env::var(LIBRARY_VAR).unwrap_or_else(|_| DEFAULT_LIBRARY.into());
    let nvml = load(&library).map_err(|e| fail(format!("no NVIDIA GPU/driver found: {e}")))?;
    let before_check = counters(&nvml).map_err(fail)?;
    if before_check.is_empty() {
        return Err(fail("no NVIDIA GPU/driver found: NVML sees no GPU".into()));
    }
    if args.probe {
        return Err((
            0,
            format!("{} GPU(s) with an energy counter", before_check.len()),
        ));
    }
    let names: Vec<String> = (0..before_check.len() as u32)
        .filter_map(|i| nvml.device(i).ok()?.name().ok())
        .collect();
    let workload = match &args.workload {
        Some(w) => w.clone(),
        None => default_workload(args.secs).ok_or((
            2,
            "no workload available: python3 with torch and CUDA was not found; pass one with \
             --workload 'CMD'"
                .to_string(),
        ))?,
    };
    if !args.codecarbon.exists() {
        return Err(fail(format!(
            "{} not found: run `cargo build --release -p codecarbon-cli` first",
            args.codecarbon.display()
        )));
    }
    let dir = tempfile_dir().map_err(fail)?;
    let all: Vec<String> = (0..before_check.len()).map(|i| i.to_string()).collect();
    let mut cmd = Command::new(&args.codecarbon);
    cmd.args(["monitor", "--tracking-mode", "machine", "--offline"])
        .args(["--country-iso-code", "FRA", "--measure-power-secs", "1"])
        .args(["--output-methods", "json", "--log-level", "error"])
        .arg("--output-dir")
        .arg(&dir)
        .args(["--", "sh", "-c", &workload]);
    for (key, _) in std::env::vars_os() {
        let name = key.to_string_lossy();
        if name.starts_with("CODECARBON_") && name != LIBRARY_VAR {
            cmd.env_remove(key);
        }
    }
    cmd.env("CODECARBON_GPU_IDS", all.join(","));
    let before = counters(&nvml).map_err(fail)?;
    let started = Instant::now();
    let status = cmd
        .status()
        .map_err(|e| fail(format!("running codecarbon: {e}")))?;
    let bracket = started.elapsed().as_secs_f64();
    let after = counters(&nvml).map_err(fail)?;
    if !status.success() {
        return Err(fail(format!("codecarbon monitor failed ({status})")));
    }
    let (ours, duration) = tracked(&dir).map_err(fail)?;
    let _ = std::fs::remove_dir_all(&dir);
    let nvml_joules = before
        .iter()
        .zip(&after)
        .map(|(b, a)| a.saturating_sub(*b) as f64 / 1000.0)
        .sum();
    Ok(Outcome {
        gpus: codecarbon_nvml::gpu_model(&names),
        workload,
        ours,
        nvml: nvml_joules,
        duration,
        bracket,
    })
}

fn tempfile_dir() -> Result<PathBuf, String> {
    let dir = std::env::temp_dir().join(format!("codecarbon-gpu-check-{}", std::process::id()));
    std::fs::create_dir_all(&dir).map_err(|e| format!("{}: {e}", dir.display()))?;
    Ok(dir)
}

fn row(o: &Outcome, pass: bool) -> String {
    format!(
        "| {} | `{}` | {:.1} s | {:.1} s | {:.1} J | {:.1} J | {:+.3} % | {} |",
        o.gpus,
        o.workload.replace('\n', "; ").replace('|', "\\|"),
        o.duration,
        o.bracket,
        o.ours,
        o.nvml,
        o.error() * 100.0,
        if pass { "pass" } else { "FAIL" }
    )
}

/// Appends `row` to the section [`HEADING`] of `docs/benchmarks.md`, creating it if absent.
fn append(row: &str) -> Result<(), String> {
    let path = root().join("docs/benchmarks.md");
    let text = std::fs::read_to_string(&path).map_err(|e| format!("{}: {e}", path.display()))?;
    let updated = match text.find(HEADING) {
        Some(start) => {
            let after = start + HEADING.len();
            let end = text[after..]
                .find("\n## ")
                .map_or(text.len(), |i| after + i);
            let section = text[..end].trim_end();
            format!("{section}\n{row}\n{}", &text[end..])
        }
        None => {
            let mut s = format!("{}\n\n{HEADING}\n\n", text.trim_end());
            let _ = writeln!(
                s,
                "Made by `scripts/gpu_check.sh --write`: `codecarbon monitor --tracking-mode \
                 machine` runs the workload on every GPU; NVML's total-energy counters, read \
                 independently right before and after the `codecarbon` process, are the \
                 reference. The bracket includes the tracker's start and exit, so NVML's \
                 figure holds (bracket − duration) × idle power more. Target: within 1 %.\n"
            );
            let _ = writeln!(
                s,
                "| GPUs | workload | duration | bracket | codecarbon | NVML counters | error | result |"
            );
            let _ = writeln!(s, "|---|---|---|---|---|---|---|---|");
            let _ = writeln!(s, "{row}");
            s
        }
    };
    std::fs::write(&path, updated).map_err(|e| format!("{}: {e}", path.display()))
}

fn main() -> ExitCode {
    let args = match parse_args() {
        Ok(args) => args,
        Err(e) => {
            eprintln!("gpu-check: {e}");
            return ExitCode::from(1);
        }
    };
    match run(&args) {
        Ok(o) => {
            let pass = o.error().abs() <= TARGET;
            println!("GPUs:            {}", o.gpus);
            println!("workload:        {}", o.workload);
            println!(
                "run duration:    {:.2} s (bracket {:.2} s)",
                o.duration, o.bracket
            );
            println!("codecarbon:      {:.2} J", o.ours);
            println!("NVML counters:   {:.2} J", o.nvml);
            println!(
                "error:           {:+.3} % ({}: target within {} %)",
                o.error() * 100.0,
                if pass { "pass" } else { "FAIL" },
                TARGET * 100.0
            );
            if args.write {
                if let Err(e) = append(&row(&o, pass)) {
                    eprintln!("gpu-check: cannot write docs/benchmarks.md: {e}");
                    return ExitCode::from(1);
                }
                println!("appended to docs/benchmarks.md");
            }
            ExitCode::from(if pass { 0 } else { 1 })
        }
        Err((code, message)) => {
            eprintln!("gpu-check: {message}");
            ExitCode::from(code)
        }
    }
}
