//! Test helpers: records to send. The real servers, the blocking GET and the sample parser are
//! in `codecarbon_testkit::{prometheus, client}`.
#![allow(dead_code, clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use codecarbon_core::{EmissionsData, KgCo2eq, KilowattHours, Provenance, Report, Watts};
use std::time::Duration;

/// A record of cumulative totals: `cpu_kwh` + `ram_kwh`, `kg` emitted, after `secs`.
pub fn report(secs: u64, cpu_kwh: f64, ram_kwh: f64, kg: f64) -> Report {
    Report {
        data: EmissionsData {
            project_name: "demo".into(),
            experiment_id: "exp-1".into(),
            duration: Duration::from_secs(secs),
            cpu_energy: KilowattHours(cpu_kwh),
            ram_energy: KilowattHours(ram_kwh),
            energy_consumed: KilowattHours(cpu_kwh + ram_kwh),
            emissions: KgCo2eq(kg),
            cpu_power: Watts(40.0),
            ram_power: Watts(5.0),
            ..EmissionsData::default()
        },
        provenance: Provenance::default(),
    }
}

/// [`report`] for the tracker run `run_id`.
pub fn report_of(run_id: &str, secs: u64, cpu_kwh: f64, ram_kwh: f64, kg: f64) -> Report {
    let mut r = report(secs, cpu_kwh, ram_kwh, kg);
    r.data.run_id = run_id.into();
    r
}
