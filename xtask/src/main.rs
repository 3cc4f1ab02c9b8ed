//! `cargo xtask`: project chores.
//!
//! - `cargo xtask bench [--runs N] [--write]`: the tracker's own cost on `monitor -- sleep 5` at a
//!   1 s interval, side by side with Python CodeCarbon 3.3.2, and the sampler's cost per tick;
//!   `--write` also writes `docs/benchmarks.md`.
//! - `cargo xtask bench-rapl [--write]`: the RAPL plugin's CPU energy against the truth on a fake
//!   powercap tree advancing in real time, for measure intervals of 0.1 s to 60 s, and the cost
//!   of one counter read; `--write` replaces the "RAPL accuracy" section of `docs/benchmarks.md`.

mod bench;
mod bench_rapl;
mod fake_rapl;
mod measure;

use anyhow::{bail, Result};

fn main() -> Result<()> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    match args.first().map(String::as_str) {
        Some("bench") => bench::run(&args[1..]),
        Some("bench-rapl") => bench_rapl::run(&args[1..]),
        _ => bail!("usage: cargo xtask bench [--runs N] [--write] | bench-rapl [--write]"),
    }
}
