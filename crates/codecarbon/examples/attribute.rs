//! `#[track_emissions]` on a plain function and on an `async fn`: every call is a run, and
//! writes its row to `emissions.csv`, as CodeCarbon's `@track_emissions` decorator does.
//!
//! ```sh
//! cargo run -p codecarbon --example attribute
//! ```
//!
//! The trackers are offline (`offline = true`: the intensity of the country comes from the
//! embedded data, no network). The attribute's `output_dir` is a literal, resolved against the
//! working directory when the function is called, so `main` first moves into
//! `<temp dir>/codecarbon-examples`: the rows go to
//! `<temp dir>/codecarbon-examples/attribute/emissions.csv`, never into the source tree. The
//! async function runs on a current-thread tokio runtime. It runs for about two seconds and
//! prints the rows it wrote.

// An example prints what it measured: that is its whole point, and a reader copies it.
#![allow(clippy::print_stdout, clippy::print_stderr)]

use codecarbon::track_emissions;
use std::error::Error;
use std::path::Path;
use std::time::{Duration, Instant};

/// A synchronous function: the tracker starts before its body and stops when it returns.
#[track_emissions(
    offline = true,
    country_iso_code = "FRA",
    output_dir = "attribute",
    project_name = "attribute-sync",
    log_level = "warning"
)]
fn multiply_matrices(n: usize, rounds: u32) -> f64 {
    let a: Vec<f64> = (0..n * n).map(|i| (i % 7) as f64 * 0.5).collect();
    let mut c = vec![0.0; n * n];
    for _ in 0..rounds {
        for i in 0..n {
            for k in 0..n {
                let aik = a[i * n + k];
                for j in 0..n {
                    c[i * n + j] += aik * a[k * n + j];
                }
            }
        }
    }
    c.iter().sum()
}

/// An `async fn`: the tracker lives in the future, from its first poll to its completion.
#[track_emissions(
    offline = true,
    country_iso_code = "FRA",
    output_dir = "attribute",
    project_name = "attribute-async",
    log_level = "warning"
)]
async fn checksum_chunks(chunks: u64) -> Result<u64, tokio::task::JoinError> {
    let mut total = 0u64;
    for chunk in 0..chunks {
        // CPU-bound work goes to the blocking pool; the runtime's thread stays free.
        total = total.wrapping_add(tokio::task::spawn_blocking(move || hash_for(chunk)).await?);
        tokio::task::yield_now().await;
    }
    Ok(total)
}

/// About 100 ms of hashing.
fn hash_for(seed: u64) -> u64 {
    let start = Instant::now();
    let mut h = seed ^ 0xcbf2_9ce4_8422_2325;
    while start.elapsed() < Duration::from_millis(100) {
        for _ in 0..10_000 {
            h = (h ^ (h >> 29)).wrapping_mul(0x0100_0000_01b3);
        }
    }
    h
}

fn main() -> Result<(), Box<dyn Error>> {
    let base = std::env::temp_dir().join("codecarbon-examples");
    std::fs::create_dir_all(&base)?;
    std::env::set_current_dir(&base)?;
    let csv = base.join("attribute").join("emissions.csv");
    // Rows are appended run after run; start this example from an empty file.
    match std::fs::remove_file(&csv) {
        Err(e) if e.kind() != std::io::ErrorKind::NotFound => return Err(e.into()),
        _ => {}
    }

    let sum = multiply_matrices(150, 6);
    println!("multiply_matrices: sum of the products {sum:.1}");

    let runtime = tokio::runtime::Builder::new_current_thread().build()?;
    let checksum = runtime.block_on(checksum_chunks(8))?;
    println!("checksum_chunks: checksum {checksum:#018x}");

    print_rows(&csv)
}

/// Prints each row of `emissions.csv`: one per call of a tracked function.
fn print_rows(csv: &Path) -> Result<(), Box<dyn Error>> {
    let mut reader = csv::Reader::from_path(csv)?;
    let headers = reader.headers()?.clone();
    let column = |name: &str| {
        headers
            .iter()
            .position(|h| h == name)
            .ok_or_else(|| format!("no column {name} in {}", csv.display()))
    };
    let (project, duration) = (column("project_name")?, column("duration")?);
    let (energy, emissions) = (column("energy_consumed")?, column("emissions")?);
    println!("rows of {}:", csv.display());
    for row in reader.records() {
        let row = row?;
        let seconds: f64 = row[duration].parse()?;
        let kwh: f64 = row[energy].parse()?;
        let grams = row[emissions].parse::<f64>()? * 1000.0;
        println!(
            "  {:<16} {seconds:>5.2} s  {kwh:.3e} kWh  {grams:.3e} g CO2eq",
            &row[project]
        );
    }
    Ok(())
}
