//! The short report printed to standard error when a run ends: its totals, and what was saved
//! where and what was not.

use codecarbon::{equivalents, EmissionsData, EmissionsTracker};
use std::fmt::Write;

/// The report of a stopped run.
pub struct Summary {
    /// The lines to show, each ending with a newline.
    pub text: String,
    /// Whether every output took the run's row.
    pub all_saved: bool,
}

/// Duration, energy, emissions and what they equal, then the outputs: `saved to:` the CSV when
/// it took the row, `also to:` the other outputs that did, `not saved:` each failure, in the
/// output's own words (the CSV's say where the totals wait for the next run, when they do).
pub fn summary(data: &EmissionsData, tracker: &EmissionsTracker) -> Summary {
    let config = tracker.config();
    let grams = data.emissions.value() * 1000.0;
    let place = match (&data.country_name, &data.region, &data.cloud_region) {
        (Some(country), Some(region), _) => format!("{region}, {country}"),
        (Some(country), None, _) => country.clone(),
        (None, _, Some(cloud)) => format!(
            "{} {cloud}",
            data.cloud_provider.as_deref().unwrap_or_default()
        ),
        _ => "world average".to_string(),
    };
    let mut out = String::new();
    let _ = writeln!(out, "codecarbon: {:.2} s", data.duration.as_secs_f64());
    let _ = writeln!(
        out,
        "  energy:    {:.6} kWh (cpu {:.6}, gpu {:.6}, ram {:.6})",
        data.energy_consumed.value(),
        data.cpu_energy.value(),
        data.gpu_energy.value(),
        data.ram_energy.value()
    );
    let _ = writeln!(out, "  emissions: {grams:.4} g CO2eq ({place})");
    let _ = writeln!(
        out,
        "  equals:    {:.6} km by car",
        equivalents::car_km(data.emissions)
    );
    let took = |m: &&String| !tracker.output_failed(m);
    if config
        .output_methods
        .iter()
        .filter(took)
        .any(|m| m == "csv")
    {
        let path = config.output_dir.join(&config.output_file);
        let _ = writeln!(out, "  saved to:  {}", path.display());
    }
    let others: Vec<&str> = config
        .output_methods
        .iter()
        .filter(took)
        .filter(|m| *m != "csv")
        .map(String::as_str)
        .collect();
    if !others.is_empty() {
        let _ = writeln!(out, "  also to:   {}", others.join(", "));
    }
    for error in tracker.output_errors() {
        let _ = writeln!(out, "  not saved: {error}");
    }
    Summary {
        text: out,
        all_saved: tracker.output_errors().is_empty(),
    }
}
