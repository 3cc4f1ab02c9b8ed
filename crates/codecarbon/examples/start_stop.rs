//! Start a tracker, do some work, flush a row half-way, stop it, and print the totals with
//! their car-kilometre equivalent.
//!
//! ```sh
//! cargo run -p codecarbon --example start_stop
//! cargo run -p codecarbon --example start_stop -- --output-dir out
//! ```
//!
//! It uses an [`OfflineEmissionsTracker`] (no network: the carbon intensity of the country
//! comes from the data embedded in the binary) and writes CodeCarbon's `emissions.csv` to
//! `<temp dir>/codecarbon-examples/start_stop` unless `--output-dir` says otherwise. It runs for
//! about two seconds.

// An example prints what it measured: that is its whole point, and a reader copies it.
#![allow(clippy::print_stdout, clippy::print_stderr)]

use codecarbon::{equivalents, OfflineEmissionsTracker};
use std::path::PathBuf;
use std::time::{Duration, Instant};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let dir = output_dir("start_stop")?;

    let mut tracker = OfflineEmissionsTracker::builder()
        .country_iso_code("CAN")
        .project_name("start-stop-example")
        .output_dir(&dir)
        .build()?;
    tracker.start()?;

    let primes = count_primes_for(Duration::from_secs(1));
    // A row with the totals so far; the run goes on.
    let so_far = tracker.flush()?;
    println!(
        "first second: {primes} primes found; flushed a row: {:.3e} kWh so far",
        so_far.energy_consumed.value()
    );

    let primes = count_primes_for(Duration::from_secs(1));
    let data = tracker.stop()?;
    println!("second second: {primes} primes found; stopped");

    println!("run {}", data.run_id);
    println!("  duration        {:.2} s", data.duration.as_secs_f64());
    println!("  CPU energy      {:.3e} kWh", data.cpu_energy.value());
    println!("  RAM energy      {:.3e} kWh", data.ram_energy.value());
    println!("  energy consumed {:.3e} kWh", data.energy_consumed.value());
    println!(
        "  emissions       {:.3e} kg CO2eq ({:.4} g), in {}",
        data.emissions.value(),
        data.emissions.value() * 1000.0,
        data.country_name.as_deref().unwrap_or("?")
    );
    println!(
        "  as much as a car driving {:.2} cm",
        equivalents::car_km(data.emissions) * 100_000.0
    );
    println!(
        "rows (flush + stop) written to {}",
        dir.join(&tracker.config().output_file).display()
    );
    Ok(())
}

/// Counts primes by trial division until `budget` has passed: work that keeps one core busy.
fn count_primes_for(budget: Duration) -> u64 {
    let start = Instant::now();
    let mut found = 0;
    let mut n: u64 = 2;
    while start.elapsed() < budget {
        for _ in 0..1000 {
            if (2..)
                .take_while(|d| d * d <= n)
                .all(|d| !n.is_multiple_of(d))
            {
                found += 1;
            }
            n += 1;
        }
    }
    found
}

/// `--output-dir DIR` if given, else `<temp dir>/codecarbon-examples/<example>`.
fn output_dir(example: &str) -> Result<PathBuf, String> {
    let mut args = std::env::args().skip(1);
    match (args.next().as_deref(), args.next()) {
        (None, _) => Ok(std::env::temp_dir()
            .join("codecarbon-examples")
            .join(example)),
        (Some("--output-dir"), Some(dir)) => Ok(PathBuf::from(dir)),
        _ => Err(format!("usage: {example} [--output-dir DIR]")),
    }
}
