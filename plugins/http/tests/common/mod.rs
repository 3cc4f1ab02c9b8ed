//! Shared helpers for the tests of this crate.

#![allow(dead_code)]

use codecarbon_core::{
    EmissionsData, Gigabytes, KgCo2eq, KgCo2eqPerSecond, KilowattHours, LitersPerKwh, Percent,
    Report, TrackingMode, Watts,
};
use std::time::Duration;

/// A record `scale` intervals into a run: every cumulative number grows with it.
pub fn report(secs: f64, scale: f64) -> Report {
    Report::new(
        {
            let mut data = EmissionsData::default();
            data.timestamp = "2025-01-02T03:04:05".into();
            data.project_name = "proj".into();
            data.run_id = "local-run".into();
            data.experiment_id = "exp-42".into();
            data.duration = Duration::from_secs_f64(secs);
            data.emissions = KgCo2eq(1e-6 * scale);
            data.emissions_rate = KgCo2eqPerSecond(1e-6 * scale / secs);
            data.cpu_power = Watts(30.0);
            data.gpu_power = Watts(0.0);
            data.ram_power = Watts(5.0);
            data.cpu_energy = KilowattHours(2e-5 * scale);
            data.gpu_energy = KilowattHours(0.0);
            data.ram_energy = KilowattHours(3e-6 * scale);
            data.energy_consumed = KilowattHours(2.3e-5 * scale);
            data.country_name = Some("France".into());
            data.country_iso_code = Some("FRA".into());
            data.os = "Linux-6.1-x86_64".into();
            data.codecarbon_version = "0.1.0".into();
            data.cpu_count = 8;
            data.cpu_model = Some("Xeon".into());
            data.gpu_count = 1;
            data.gpu_model = Some("1 x H100".into());
            data.longitude = Some(2.3522);
            data.latitude = Some(48.8566);
            data.ram_total_size = Gigabytes(16.0);
            data.tracking_mode = TrackingMode::Process;
            data.cpu_utilization_percent = Percent(12.5);
            data.gpu_utilization_percent = Percent(50.0);
            data.ram_utilization_percent = Percent(40.0);
            data.cloud_provider = Some("gcp".into());
            data.cloud_region = Some("europe-west9".into());
            data.on_cloud = true;
            data.wue = LitersPerKwh(1.5);
            data
        },
        Default::default(),
    )
}

/// Whether two floats agree to 1e-9 relative.
pub fn close(a: f64, b: f64) -> bool {
    (a - b).abs() <= 1e-9 * a.abs().max(b.abs()).max(1e-30)
}

/// A server that answers every request with a 307 to the same path and query on `target`.
pub fn redirect_to(target: String) -> codecarbon_testkit::HttpStub {
    codecarbon_testkit::HttpStub::start(move |req: &codecarbon_testkit::Recorded| {
        let mut r = codecarbon_testkit::Reply::status(307);
        let q = if req.query.is_empty() {
            String::new()
        } else {
            format!("?{}", req.query)
        };
        r.headers
            .push(("Location".into(), format!("{target}{}{q}", req.path)));
        r
    })
}

/// `report(secs, scale)` for the tracker run `run_id`.
pub fn report_of(run_id: &str, secs: f64, scale: f64) -> Report {
    let mut r = report(secs, scale);
    r.data.run_id = run_id.into();
    r
}
