//! The short report printed to standard error when a run ends.

use codecarbon::{equivalents, Config, EmissionsData};
use std::fmt::Write;

/// Duration, energy, emissions and what they equal, in a few lines.
pub fn summary(data: &EmissionsData, config: &Config) -> String {
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
    if config.output_methods.iter().any(|m| m == "csv") {
        let path = config.output_dir.join(&config.output_file);
        let _ = writeln!(out, "  saved to:  {}", path.display());
    }
    out
}
