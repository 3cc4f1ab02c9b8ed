//! `cargo xtask`: project chores.
//!
//! - `cargo xtask bench [--runs N] [--write]`: the tracker's own cost on `monitor -- sleep 5` at a
//!   1 s interval, side by side with Python CodeCarbon 3.3.2, the sampler's cost per tick, and
//!   the Python package's import and start against CodeCarbon's, and carbonboard on a
//!   million-row file; `--write` also writes `docs/benchmarks.md`.
//! - `cargo xtask bench-rapl [--write]`: the RAPL plugin's CPU energy against the truth on a fake
//!   powercap tree advancing in real time, for measure intervals of 0.1 s to 60 s, and the cost
//!   of one counter read; `--write` replaces the "RAPL accuracy" section of `docs/benchmarks.md`.
//! - `cargo xtask refresh-data [--out DIR] [--base-url URL]`: downloads the upstream datasets
//!   (OWID, EPA eGRID, Canada Energy Regulator, Cloud Carbon Footprint's npm packages) and
//!   regenerates `data/` (or DIR) and its `SOURCES.md` sections; `--base-url` (or
//!   `CODECARBON_DATA_BASE_URL`) replaces scheme and host of every source.
//! - `cargo xtask check-data [--dir DIR]`: validates every data file; exits non-zero on any
//!   problem.
//! - `cargo xtask dist [--binary PATH] [--out DIR]`: builds the release binary and packages it
//!   with its manual pages, completions, licences and a README as
//!   `target/dist/codecarbon-<version>-<target>.tar.gz`, with its `.sha256`; `--binary` packages
//!   that binary as it is, without building.

// A developer's tool run from a terminal: its reports and progress are its output.
#![allow(clippy::print_stdout, clippy::print_stderr)]

mod bench;
mod bench_board;
mod bench_python;
mod bench_rapl;
mod fake_rapl;
mod measure;

use anyhow::{bail, Context, Result};
use std::path::PathBuf;
use xtask::data::{check, default_data_dir, refresh, sources};
use xtask::dist;

const USAGE: &str = "usage: cargo xtask bench [--runs N] [--write] | bench-rapl [--write] \
| refresh-data [--out DIR] [--base-url URL] | check-data [--dir DIR] \
| dist [--binary PATH] [--out DIR]";

const DIST_HELP: &str = "usage: cargo xtask dist [--binary PATH] [--out DIR]

Builds the release binary (cargo build --release --locked -p codecarbon-cli) and packages it as
DIR/codecarbon-<version>-<target>.tar.gz, with DIR/codecarbon-<version>-<target>.tar.gz.sha256
beside it (for `sha256sum -c`). The target is this host's (`rustc -vV`).

  --binary PATH  package this codecarbon binary as it is, without building (it must run here:
                 it writes its own manual pages and completions)
  --out DIR      where to write the archive (default: target/dist)";

fn main() -> Result<()> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    match args.first().map(String::as_str) {
        Some("bench") => bench::run(&args[1..]),
        Some("bench-rapl") => bench_rapl::run(&args[1..]),
        Some("refresh-data") => refresh_data(&args[1..]),
        Some("check-data") => check_data(&args[1..]),
        Some("dist") => dist(&args[1..]),
        _ => bail!("{USAGE}"),
    }
}

/// The values of `--flag VALUE` options; anything else is an error.
fn options(args: &[String], known: &[&str]) -> Result<Vec<(String, String)>> {
    let mut out = Vec::new();
    let mut it = args.iter();
    while let Some(flag) = it.next() {
        if !known.contains(&flag.as_str()) {
            bail!("unknown argument `{flag}`\n{USAGE}");
        }
        let value = it.next().with_context(|| format!("{flag} needs a value"))?;
        out.push((flag.clone(), value.clone()));
    }
    Ok(out)
}

fn refresh_data(args: &[String]) -> Result<()> {
    let mut opts = refresh::Options {
        out: default_data_dir(),
        base_url: std::env::var(sources::BASE_URL_ENV).ok(),
    };
    for (flag, value) in options(args, &["--out", "--base-url"])? {
        match flag.as_str() {
            "--out" => opts.out = PathBuf::from(value),
            _ => opts.base_url = Some(value),
        }
    }
    let mut stdout = std::io::stdout();
    refresh::refresh(&opts, &mut stdout)?;
    Ok(())
}

fn check_data(args: &[String]) -> Result<()> {
    let mut dir = default_data_dir();
    for (_, value) in options(args, &["--dir"])? {
        dir = PathBuf::from(value);
    }
    let report = check::check_dir(&dir);
    println!(
        "checked {} files in {}:",
        report.checked.len(),
        dir.display()
    );
    for file in &report.checked {
        println!("  {file}");
    }
    if !report.parsed_only.is_empty() {
        println!(
            "other files, checked to parse: {}",
            report.parsed_only.join(", ")
        );
    }
    if !report.absent.is_empty() {
        println!("not present (not checked): {}", report.absent.join(", "));
    }
    for problem in &report.problems {
        println!("{problem}");
    }
    if !report.ok() {
        bail!("check-data: {} problems", report.problems.len());
    }
    println!("check-data: no problem");
    Ok(())
}

fn dist(args: &[String]) -> Result<()> {
    if args.iter().any(|a| a == "--help" || a == "-h") {
        println!("{DIST_HELP}");
        return Ok(());
    }
    let (mut binary, mut out_dir) = (None, dist::workspace_root().join("target/dist"));
    for (flag, value) in options(args, &["--binary", "--out"])? {
        match flag.as_str() {
            "--binary" => binary = Some(PathBuf::from(value)),
            _ => out_dir = PathBuf::from(value),
        }
    }
    let binary = match binary {
        Some(binary) => binary,
        None => dist::build_release()?,
    };
    let options = dist::Options {
        binary,
        version: dist::workspace_version().to_owned(),
        target: dist::host_target()?,
        out_dir,
    };
    let archive = dist::assemble(&options)?;
    let size = |path: &std::path::Path| -> Result<String> {
        let bytes = std::fs::metadata(path)
            .with_context(|| format!("cannot read {}", path.display()))?
            .len();
        Ok(format!("{:.1} MB", bytes as f64 / 1e6))
    };
    println!(
        "binary  {} ({})",
        options.binary.display(),
        size(&options.binary)?
    );
    match &archive.glibc {
        Some(glibc) => println!("glibc   {glibc} or newer"),
        None if options.is_glibc_target() => println!("glibc   no versioned glibc symbol needed"),
        None => {}
    }
    println!(
        "archive {} ({})",
        archive.path.display(),
        size(&archive.path)?
    );
    println!(
        "sha256  {} ({})",
        archive.sha256,
        archive.checksum_path.display()
    );
    Ok(())
}
