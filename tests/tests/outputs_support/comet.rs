//! A stand-in for Comet's REST API v2: it creates experiments and accepts everything else.

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
