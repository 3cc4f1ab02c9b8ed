//! Tasks inside a run, shaped like a training loop: `start_task`/`stop_task` around each epoch,
//! with the epoch's energy and emissions printed as it ends.
//!
//! ```sh
//! cargo run -p codecarbon --example tasks
//! cargo run -p codecarbon --example tasks -- --output-dir out
//! ```
//!
//! The tracker is offline (the intensity comes from the embedded data, no network). The run's
//! row goes to `emissions.csv` and each epoch's row to CodeCarbon's task file
//! `emissions_<experiment_name>_<run_id>.csv`, both in `<temp dir>/codecarbon-examples/tasks`
//! unless `--output-dir` says otherwise. Five epochs of a fraction of a second each.

// An example prints what it measured: that is its whole point, and a reader copies it.
#![allow(clippy::print_stdout, clippy::print_stderr)]

use codecarbon::OfflineEmissionsTracker;
use std::path::PathBuf;

const EPOCHS: u32 = 5;
/// Passes over the data per epoch.
const PASSES: u32 = 20_000;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let dir = output_dir("tasks")?;
    let experiment = "tasks-example";

    let mut tracker = OfflineEmissionsTracker::builder()
        .country_iso_code("DEU")
        .project_name("tasks-example")
        .experiment_name(experiment)
        .output_dir(&dir)
        .log_level("warning")
        .start()?;

    // A toy "model": fit y = 3x + 1 by gradient descent on a fixed data set.
    let data: Vec<(f64, f64)> = (0..2_000)
        .map(|i| {
            let x = f64::from(i) / 1_000.0 - 1.0;
            (x, 3.0 * x + 1.0)
        })
        .collect();
    let (mut w, mut b) = (0.0, 0.0);

    println!("epoch      loss   duration     energy (kWh)   emissions (g CO2eq)");
    for epoch in 1..=EPOCHS {
        let task = format!("epoch {epoch}");
        tracker.start_task(&task)?;
        let loss = train_epoch(&data, &mut w, &mut b);
        let totals = tracker.stop_task(&task)?;
        println!(
            "{epoch:>5}  {loss:>8.5}   {:>6.2} s      {:.3e}          {:.3e}",
            totals.duration.as_secs_f64(),
            totals.energy_consumed.value(),
            totals.emissions.value() * 1000.0,
        );
    }

    let run = tracker.stop()?;
    println!("fitted y = {w:.3} x + {b:.3}");
    println!(
        "whole run: {:.2} s, {:.3e} kWh, {:.3e} g CO2eq",
        run.duration.as_secs_f64(),
        run.energy_consumed.value(),
        run.emissions.value() * 1000.0
    );
    println!("run row:   {}", dir.join("emissions.csv").display());
    println!(
        "task rows: {}",
        dir.join(format!("emissions_{experiment}_{}.csv", run.run_id))
            .display()
    );
    Ok(())
}

/// A few thousand stochastic gradient descent passes over `data`, with a small learning rate so
/// that the loss goes down over several epochs; returns the mean squared error after the epoch.
fn train_epoch(data: &[(f64, f64)], w: &mut f64, b: &mut f64) -> f64 {
    let rate = 2e-8;
    for _ in 0..PASSES {
        for &(x, y) in data {
            let error = *w * x + *b - y;
            *w -= rate * error * x;
            *b -= rate * error;
        }
    }
    data.iter()
        .map(|&(x, y)| (*w * x + *b - y).powi(2))
        .sum::<f64>()
        / data.len() as f64
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
