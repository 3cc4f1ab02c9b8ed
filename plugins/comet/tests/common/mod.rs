//! Shared helpers: a stand-in for Comet's REST API, short limits, and sample records.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, dead_code)]

use codecarbon_comet::{CometSettings, Limits};
use codecarbon_core::{
    EmissionsData, KgCo2eq, KgCo2eqPerSecond, KilowattHours, Provenance, Report, Watts,
};
use codecarbon_testkit::{Recorded, Reply};
use std::time::Duration;

/// The key the tests use; it must never show up in a message.
pub const KEY: &str = "SeCrEt-CoMeT-KeY-0123456789";

/// The experiment key the stub hands out.
pub const EXPERIMENT: &str = "exp0123456789abcdef";

/// Paths as the stub sees them.
pub const CREATE: &str = "/api/rest/v2/write/experiment/create";
pub const METRIC: &str = "/api/rest/v2/write/experiment/metric";
pub const OTHER: &str = "/api/rest/v2/write/experiment/log-other";
pub const UPLOAD: &str = "/api/rest/v2/write/experiment/upload-asset";

/// A well-behaved Comet.
pub fn comet(req: &Recorded) -> Reply {
    match req.path.as_str() {
        CREATE => Reply::json(format!(
            r#"{{"experimentKey":"{EXPERIMENT}","workspaceName":"team","projectName":"proj","link":"x"}}"#
        )),
        METRIC | OTHER | UPLOAD => Reply::json(r#"{"msg":"ok"}"#),
        _ => Reply::status(404),
    }
}

/// Limits short enough for tests.
pub fn limits() -> Limits {
    Limits {
        connect_timeout: Duration::from_millis(500),
        request_timeout: Duration::from_millis(800),
        call_budget: Duration::from_secs(2),
        attempts: 3,
        first_backoff: Duration::from_millis(20),
        cooldown: Duration::from_secs(60),
    }
}

/// Settings for a new experiment in `team`/`proj` on the server at `url`.
pub fn settings(url: &str) -> CometSettings {
    let mut s = CometSettings::new(KEY);
    s.workspace = Some("team".into());
    s.project_name = Some("proj".into());
    s.experiment_name = Some("run-a".into());
    s.url_override = Some(url.to_string());
    s.limits = limits();
    s
}

/// The n-th cumulative report of a run.
pub fn report(n: u32) -> Report {
    let n = f64::from(n);
    Report::new(
        {
            let mut data = EmissionsData::default();
            data.timestamp = "2025-01-02T03:04:05".into();
            data.project_name = "proj".into();
            data.run_id = "run-0001".into();
            data.experiment_id = "e-1".into();
            data.duration = Duration::from_secs_f64(15.0 * n);
            data.emissions = KgCo2eq(0.001 * n);
            data.emissions_rate = KgCo2eqPerSecond(0.001 / 15.0);
            data.cpu_power = Watts(42.5);
            data.gpu_power = Watts(0.0);
            data.ram_power = Watts(10.0);
            data.energy_consumed = KilowattHours(0.002 * n);
            data.country_name = Some("France".into());
            data.country_iso_code = Some("FRA".into());
            data.cpu_count = 8;
            data.cpu_model = Some("AMD EPYC 7B13".into());
            data.codecarbon_version = "0.1.0".into();
            data.os = "Linux".into();
            data
        },
        Provenance::default(),
    )
}

/// The request's JSON body.
pub fn json(req: &Recorded) -> serde_json::Value {
    serde_json::from_slice(&req.body).unwrap()
}

/// Asserts that `text` does not hold the key.
pub fn assert_no_key(text: &str) {
    assert!(!text.contains(KEY), "the API key leaked: {text}");
}
