//! `train-candle`: trains a small MLP with candle on two interleaved spirals, on the CPU, for ten
//! epochs, each epoch a codecarbon task, and prints each epoch's loss, accuracy, energy and
//! emissions.
//!
//! ```sh
//! cargo run -p codecarbon-example-train
//! cargo run -p codecarbon-example-train -- --output-dir out --epochs 5 --points 2000
//! ```
//!
//! The tracker is offline (the intensity of the country comes from the embedded data, no
//! network). `emissions.csv` and the task file `emissions_train-candle_<run_id>.csv` go to
//! `--output-dir`, by default `<temp dir>/codecarbon-examples/train-candle`.

// An example prints what it measured: that is its whole point, and a reader copies it.
#![allow(clippy::print_stdout, clippy::print_stderr)]

use codecarbon::equivalents;
use codecarbon_example_train::{train, TrainOptions};

const USAGE: &str = "usage: train-candle [--output-dir DIR] [--epochs N] [--points N] \
                     [--country-iso-code CODE]";

fn main() -> Result<(), Box<dyn std::error::Error + Send + Sync>> {
    let options = parse_args()?;
    println!(
        "training a 2-{h}-{h}-2 MLP on {} spiral points for {} epochs (candle, CPU)",
        options.points,
        options.epochs,
        h = options.hidden
    );
    println!("epoch    loss  accuracy  duration  energy (kWh)  emissions (g CO2eq)");
    let report = train(&options, |e| {
        println!(
            "{:>5}  {:.4}   {:>5.1} %   {:>5.2} s     {:.3e}            {:.3e}",
            e.epoch,
            e.loss,
            100.0 * e.accuracy,
            e.totals.duration.as_secs_f64(),
            e.totals.energy_consumed.value(),
            1000.0 * e.totals.emissions.value(),
        );
    })?;
    let run = &report.run;
    println!(
        "run: {:.1} s, {:.3e} kWh, {:.3e} g CO2eq in {} (as much as a car driving {:.2} cm)",
        run.duration.as_secs_f64(),
        run.energy_consumed.value(),
        1000.0 * run.emissions.value(),
        run.country_name.as_deref().unwrap_or("?"),
        100_000.0 * equivalents::car_km(run.emissions),
    );
    println!("run row:   {}", report.emissions_csv.display());
    println!("task rows: {}", report.task_csv.display());
    Ok(())
}

fn parse_args() -> Result<TrainOptions, String> {
    let default_dir = std::env::temp_dir()
        .join("codecarbon-examples")
        .join("train-candle");
    let mut options = TrainOptions::new(default_dir);
    let mut args = std::env::args().skip(1);
    while let Some(flag) = args.next() {
        if flag == "-h" || flag == "--help" {
            return Err(USAGE.into());
        }
        let value = args.next().ok_or(USAGE)?;
        let number = || value.parse::<usize>().map_err(|e| format!("{flag}: {e}"));
        match flag.as_str() {
            "--output-dir" => options.output_dir = value.clone().into(),
            "--epochs" => options.epochs = number()?,
            "--points" => options.points = number()?,
            "--country-iso-code" => options.country_iso_code = value.clone(),
            _ => return Err(USAGE.into()),
        }
    }
    Ok(options)
}
