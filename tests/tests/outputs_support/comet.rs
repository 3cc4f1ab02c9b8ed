//! A stand-in for Comet's REST API v2: it creates experiments and accepts everything else.

use super::{close, query_param};
use codecarbon_testkit::{HttpStub, Recorded, Reply};
use serde_json::Value;
use std::time::Duration;

/// The experiment key the stand-in hands out.
pub const EXPERIMENT_KEY: &str = "e2e0experiment0key";
/// Comet's REST API root on a server.
pub const REST: &str = "/api/rest/v2/";

/// The full path of an endpoint (`write/experiment/create`).
pub fn path(endpoint: &str) -> String {
    format!("{REST}{endpoint}")
}

/// A Comet that answers every request after `delay`: `{"experimentKey": ...}` to a create,
/// `{}` to the rest.
pub fn stand_in(delay: Duration) -> HttpStub {
    let create = path("write/experiment/create");
    HttpStub::start(move |req: &Recorded| {
        let reply = if req.method == "POST" && req.path == create {
            Reply::json(format!(r#"{{"experimentKey":"{EXPERIMENT_KEY}"}}"#))
        } else if req.method == "POST" && req.path.starts_with(REST) {
            Reply::json("{}")
        } else {
            Reply::status(404)
        };
        reply.after(delay)
    })
}

/// The JSON body of a request.
pub fn json(req: &Recorded) -> Value {
    serde_json::from_slice(&req.body)
        .unwrap_or_else(|e| panic!("{} has no JSON body ({e}): {}", req.path, req.body_text()))
}

/// The experiment was created, metrics came with strictly increasing steps, the last ones
/// are the CSV's `emissions`, `co2-tracking/emissions.csv` was uploaded, and every request
/// carried `key`.
pub fn assert_run(stand_in: &HttpStub, key: &str, run_id: &str, emissions: f64) {
    let all = stand_in.requests();
    assert!(!all.is_empty());
    for req in &all {
        assert_eq!(
            req.header("authorization"),
            Some(key),
            "{} {}",
            req.method,
            req.path
        );
    }
    let creates = stand_in.requests_to(&path("write/experiment/create"));
    assert_eq!(creates.len(), 1, "one experiment: {all:?}");
    let create = json(&creates[0]);
    assert_eq!(create["workspaceName"], "e2e-team");
    assert_eq!(create["projectName"], "e2e-project");

    let metrics: Vec<serde_json::Value> = stand_in
        .requests_to(&path("write/experiment/metric"))
        .iter()
        .map(json)
        .filter(|m| m["metricName"] == "emissions")
        .collect();
    assert!(metrics.len() >= 2, "intervals and the end: {metrics:?}");
    for m in &metrics {
        assert_eq!(m["experimentKey"], EXPERIMENT_KEY);
    }
    let steps: Vec<u64> = metrics
        .iter()
        .map(|m| m["step"].as_u64().unwrap())
        .collect();
    assert!(
        steps.windows(2).all(|w| w[0] < w[1]),
        "steps must grow: {steps:?}"
    );
    let last = metrics.last().unwrap()["metricValue"].as_f64().unwrap();
    assert!(
        close(last, emissions, 1e-9),
        "{last} vs the CSV's {emissions}"
    );

    let uploads = stand_in.requests_to(&path("write/experiment/upload-asset"));
    assert_eq!(uploads.len(), 1, "{all:?}");
    let upload = &uploads[0];
    assert_eq!(
        query_param(&upload.query, "fileName").as_deref(),
        Some("co2-tracking/emissions.csv"),
        "{}",
        upload.query
    );
    assert_eq!(
        query_param(&upload.query, "experimentKey").as_deref(),
        Some(EXPERIMENT_KEY)
    );
    let body = upload.body_text();
    assert!(body.contains("timestamp,project_name,run_id,"), "{body}");
    assert!(body.contains(run_id), "{body}");
}
