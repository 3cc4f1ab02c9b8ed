//! `cargo xtask`: project chores.
//!
//! - `cargo xtask bench [--runs N] [--write]`: the tracker's own cost on `monitor -- sleep 5` at a
//!   1 s interval, side by side with Python CodeCarbon 3.3.2, and the sampler's cost per tick;
//!   `--write` also writes `docs/benchmarks.md`.

mod bench;
mod measure;

use anyhow::{bail, Result};

fn main() -> Result<()> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    match args.first().map(String::as_str) {
        Some("bench") => bench::run(&args[1..]),
        _ => bail!("usage: cargo xtask bench [--runs N] [--write]"),
    }
}
