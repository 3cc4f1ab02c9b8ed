//! The CodeCarbon API's request bodies (`codecarbon/core/schemas.py`), field for field.

use crate::delta::Interval;
use codecarbon_core::{
    EmissionsData, Gigabytes, KgCo2eq, KgCo2eqPerSecond, KilowattHours, LitersPerKwh, Percent,
    TrackingMode, Watts,
};
use serde::Serialize;

/// `POST /runs`: the machine the run is on. Coordinates are rounded to one decimal, for
/// privacy, as CodeCarbon does; `region` and `provider` are the cloud's (null off the cloud).
#[derive(Debug, Serialize)]
pub(crate) struct RunCreate<'a> {
    pub timestamp: String,
    pub experiment_id: &'a str,
    pub os: &'a str,
    pub python_version: Option<&'a str>,
    pub codecarbon_version: &'a str,
    pub cpu_count: usize,
    pub cpu_model: Option<&'a str>,
    pub gpu_count: usize,
    pub gpu_model: Option<&'a str>,
    pub longitude: Option<f64>,
    pub latitude: Option<f64>,
    pub region: Option<&'a str>,
    pub provider: Option<&'a str>,
    pub ram_total_size: Gigabytes,
    pub tracking_mode: TrackingMode,
}

impl<'a> RunCreate<'a> {
    pub(crate) fn new(experiment_id: &'a str, d: &'a EmissionsData, timestamp: String) -> Self {
        Self {
            timestamp,
            experiment_id,
            os: &d.os,
            python_version: d.python_version.as_deref(),
            codecarbon_version: &d.codecarbon_version,
            cpu_count: d.cpu_count,
            cpu_model: d.cpu_model.as_deref(),
            gpu_count: d.gpu_count,
            gpu_model: d.gpu_model.as_deref(),
            longitude: d.longitude.map(one_decimal),
            latitude: d.latitude.map(one_decimal),
            region: d.cloud_region.as_deref(),
            provider: d.cloud_provider.as_deref(),
            ram_total_size: d.ram_total_size,
            tracking_mode: d.tracking_mode,
        }
    }
}

fn one_decimal(x: f64) -> f64 {
    (x * 10.0).round() / 10.0
}

/// `POST /emissions`: one interval. `duration`, `emissions_sum`, `emissions_rate` and the
/// energies are the interval's; powers, utilisations and `wue` are the run's means so far,
/// as in CodeCarbon's delta record.
#[derive(Debug, Serialize)]
pub(crate) struct EmissionCreate<'a> {
    pub timestamp: String,
    pub run_id: &'a str,
    pub duration: u64,
    pub emissions_sum: KgCo2eq,
    pub emissions_rate: KgCo2eqPerSecond,
    pub cpu_power: Watts,
    pub gpu_power: Watts,
    pub ram_power: Watts,
    pub cpu_energy: KilowattHours,
    pub gpu_energy: KilowattHours,
    pub ram_energy: KilowattHours,
    pub energy_consumed: KilowattHours,
    pub cpu_utilization_percent: Percent,
    pub gpu_utilization_percent: Percent,
    pub ram_utilization_percent: Percent,
    pub wue: LitersPerKwh,
}

impl<'a> EmissionCreate<'a> {
    pub(crate) fn new(run_id: &'a str, d: &EmissionsData, i: &Interval, timestamp: String) -> Self {
        Self {
            timestamp,
            run_id,
            duration: i.whole_seconds,
            emissions_sum: i.emissions,
            emissions_rate: i.emissions_rate,
            cpu_power: d.cpu_power,
            gpu_power: d.gpu_power,
            ram_power: d.ram_power,
            cpu_energy: i.cpu_energy,
            gpu_energy: i.gpu_energy,
            ram_energy: i.ram_energy,
            energy_consumed: i.energy_consumed,
            cpu_utilization_percent: d.cpu_utilization_percent,
            gpu_utilization_percent: d.gpu_utilization_percent,
            ram_utilization_percent: d.ram_utilization_percent,
            wue: d.wue,
        }
    }
}

/// Local time with its offset and microseconds, as Python's `arrow.now().isoformat()`.
pub(crate) fn now() -> String {
    chrono::Local::now().to_rfc3339_opts(chrono::SecondsFormat::Micros, false)
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
    use super::*;

    #[test]
    fn coordinates_lose_precision_and_timestamps_carry_an_offset() {
        let mut d = EmissionsData::default();
        d.longitude = Some(2.3522);
        d.latitude = Some(-48.86);
        let run = RunCreate::new("e", &d, now());
        assert_eq!(run.longitude, Some(2.4));
        assert_eq!(run.latitude, Some(-48.9));
        assert!(chrono::DateTime::parse_from_rfc3339(&run.timestamp).is_ok());
        assert!(run.timestamp.contains('.'), "{}", run.timestamp);
    }
}
