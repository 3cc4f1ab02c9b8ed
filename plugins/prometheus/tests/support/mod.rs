//! Test helpers: records to send. The real servers, the blocking GET and the sample parser are
//! in `codecarbon_testkit::{prometheus, client}`.
#![allow(dead_code, clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use codecarbon_core::{EmissionsData, KgCo2eq, KilowattHours, Provenance, Report, Watts};
use std::time::Duration;

/// A record of cumulative totals: `cpu_kwh` + `ram_kwh`, `kg` emitted, after `secs`.
pub fn report(secs: u64, cpu_kwh: f64, ram_kwh: f64, kg: f64) -> Report {
    Report::new(
        {
            let mut data = EmissionsData::default();
            data.project_name = "demo".into();
            data.experiment_id = "exp-1".into();
            data.duration = Duration::from_secs(secs);
            data.cpu_energy = KilowattHours(cpu_kwh);
            data.ram_energy = KilowattHours(ram_kwh);
            data.energy_consumed = KilowattHours(cpu_kwh + ram_kwh);
            data.emissions = KgCo2eq(kg);
            data.cpu_power = Watts(40.0);
            data.ram_power = Watts(5.0);
            data
        },
        Provenance::default(),
    )
}

/// [`report`] for the tracker run `run_id`.
pub fn report_of(run_id: &str, secs: u64, cpu_kwh: f64, ram_kwh: f64, kg: f64) -> Report {
    let mut r = report(secs, cpu_kwh, ram_kwh, kg);
    r.data.run_id = run_id.into();
    r
}
