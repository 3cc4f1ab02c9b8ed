//! The `api` sink against a local stand-in for the CodeCarbon API.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use codecarbon_core::{registry, BuildError, Config, Sink};
use codecarbon_http::ApiSink;
use codecarbon_testkit::{HttpStub, Recorded, Reply};
use common::{close, redirect_to, report, report_of};
use serde_json::Value;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;

const KEY: &str = "cc-t0ken-123";

fn api() -> HttpStub {
    HttpStub::start(|req: &Recorded| match req.path.as_str() {
        "/runs" => Reply::json(r#"{"id":"run-from-api","experiment_id":"exp"}"#).with_status(201),
        "/emissions" => Reply::json(r#"{"id":"e"}"#).with_status(201),
        _ => Reply::status(404),
    })
}

fn json(req: &Recorded) -> Value {
    assert_eq!(req.header("content-type"), Some("application/json"));
    serde_json::from_slice(&req.body).unwrap()
}

#[tokio::test]
async fn a_run_then_intervals_that_add_up_to_the_totals() {
    let stub = api();
    let mut sink = ApiSink::new(&format!("{}/", stub.url()), "exp-42", Some(KEY)).unwrap();
    sink.record(&report(10.4, 1.0)).await.unwrap();
    sink.flush(&report(20.9, 2.5)).await.unwrap();
    sink.finish(&report(31.5, 4.0)).await.unwrap();
    assert_eq!(sink.run_id(), Some("run-from-api"));

    let runs = stub.requests_to("/runs");
    assert_eq!(runs.len(), 1);
    assert!(stub
        .requests()
        .iter()
        .all(|r| r.header("x-api-token") == Some(KEY)));
    let run = json(&runs[0]);
    let keys: Vec<&str> = run
        .as_object()
        .unwrap()
        .keys()
        .map(String::as_str)
        .collect();
    let mut expected = [
        "timestamp",
        "experiment_id",
        "os",
        "python_version",
        "codecarbon_version",
        "cpu_count",
        "cpu_model",
        "gpu_count",
        "gpu_model",
        "longitude",
        "latitude",
        "region",
        "provider",
        "ram_total_size",
        "tracking_mode",
    ];
    let mut keys_sorted = keys.clone();
    keys_sorted.sort();
    expected.sort();
    assert_eq!(keys_sorted, expected);
    assert_eq!(run["experiment_id"], "exp-42");
    assert_eq!(run["os"], "Linux-6.1-x86_64");
    assert_eq!(run["python_version"], Value::Null);
    assert_eq!(run["cpu_count"], 8);
    assert_eq!(run["gpu_model"], "1 x H100");
    assert_eq!(run["longitude"], 2.4);
    assert_eq!(run["latitude"], 48.9);
    assert_eq!(run["region"], "europe-west9");
    assert_eq!(run["provider"], "gcp");
    assert_eq!(run["ram_total_size"], 16.0);
    assert_eq!(run["tracking_mode"], "process");
    assert!(chrono::DateTime::parse_from_rfc3339(run["timestamp"].as_str().unwrap()).is_ok());

    let posts: Vec<Value> = stub.requests_to("/emissions").iter().map(json).collect();
    assert_eq!(posts.len(), 3);
    let mut keys: Vec<&str> = posts[0]
        .as_object()
        .unwrap()
        .keys()
        .map(String::as_str)
        .collect();
    keys.sort();
    assert_eq!(
        keys,
        [
            "cpu_energy",
            "cpu_power",
            "cpu_utilization_percent",
            "duration",
            "emissions_rate",
            "emissions_sum",
            "energy_consumed",
            "gpu_energy",
            "gpu_power",
            "gpu_utilization_percent",
            "ram_energy",
            "ram_power",
            "ram_utilization_percent",
            "run_id",
            "timestamp",
            "wue",
        ]
    );
    assert!(posts.iter().all(|p| p["run_id"] == "run-from-api"));
    let durations: Vec<u64> = posts
        .iter()
        .map(|p| p["duration"].as_u64().unwrap())
        .collect();
    assert_eq!(durations, [10, 10, 11], "whole seconds, adding up to 31");
    let sum = |field: &str| {
        posts
            .iter()
            .map(|p| p[field].as_f64().unwrap())
            .sum::<f64>()
    };
    let last = report(31.5, 4.0).data;
    assert!(close(sum("emissions_sum"), last.emissions.value()));
    assert!(close(sum("cpu_energy"), last.cpu_energy.value()));
    assert!(close(sum("ram_energy"), last.ram_energy.value()));
    assert!(close(sum("energy_consumed"), last.energy_consumed.value()));
    assert!(close(posts[1]["emissions_sum"].as_f64().unwrap(), 1.5e-6));
    assert!(close(
        posts[1]["emissions_rate"].as_f64().unwrap(),
        1.5e-6 / 10.5
    ));
    // Means, not intervals.
    assert_eq!(posts[2]["cpu_power"], 30.0);
    assert_eq!(posts[2]["gpu_utilization_percent"], 50.0);
    assert_eq!(posts[2]["wue"], 1.5);
}

#[tokio::test]
async fn a_failed_registration_is_retried_and_nothing_is_lost() {
    let calls = Arc::new(AtomicUsize::new(0));
    let seen = calls.clone();
    let stub = HttpStub::start(move |req: &Recorded| match req.path.as_str() {
        "/runs" if seen.fetch_add(1, Ordering::SeqCst) == 0 => {
            Reply::json(r#"{"detail":"down"}"#).with_status(500)
        }
        "/runs" => Reply::json(r#"{"id":"r2"}"#).with_status(201),
        _ => Reply::status(201),
    });
    let mut sink = ApiSink::new(stub.url(), "exp", None).unwrap();
    let err = sink
        .record(&report(10.0, 1.0))
        .await
        .unwrap_err()
        .to_string();
    assert!(err.starts_with("api: POST http://127.0.0.1:"), "{err}");
    assert!(
        err.contains("/runs answered HTTP 500: {\"detail\":\"down\"}"),
        "{err}"
    );
    assert!(stub.requests_to("/emissions").is_empty());
    sink.record(&report(20.0, 2.0)).await.unwrap();
    let posts: Vec<Value> = stub.requests_to("/emissions").iter().map(json).collect();
    assert_eq!(posts.len(), 1);
    assert_eq!(posts[0]["duration"], 20, "the first interval is folded in");
    assert!(close(posts[0]["emissions_sum"].as_f64().unwrap(), 2e-6));
    assert!(stub
        .requests()
        .iter()
        .all(|r| r.header("x-api-token").is_none()));
}

#[tokio::test]
async fn a_refused_interval_is_sent_again_and_the_key_never_shows() {
    let calls = Arc::new(AtomicUsize::new(0));
    let seen = calls.clone();
    let stub = HttpStub::start(move |req: &Recorded| match req.path.as_str() {
        "/runs" => Reply::json(r#"{"id":"r"}"#).with_status(201),
        _ if seen.fetch_add(1, Ordering::SeqCst) == 0 => {
            Reply::json(format!(r#"{{"detail":"bad token {KEY}"}}"#)).with_status(401)
        }
        _ => Reply::status(201),
    });
    let mut sink = ApiSink::new(stub.url(), "exp", Some(KEY)).unwrap();
    let err = sink.flush(&report(5.0, 1.0)).await.unwrap_err().to_string();
    assert!(err.contains("HTTP 401"), "{err}");
    assert!(err.contains("check `api_key`"), "{err}");
    assert!(err.contains("bad token <hidden>"), "{err}");
    assert!(!err.contains(KEY), "{err}");
    assert!(!format!("{sink:?}").contains(KEY));
    assert!(format!("{sink:?}").contains("<hidden>"));
    sink.flush(&report(9.0, 2.0)).await.unwrap();
    let posts: Vec<Value> = stub.requests_to("/emissions").iter().map(json).collect();
    assert_eq!(posts.len(), 2);
    assert_eq!(posts[1]["duration"], 9);
    assert!(close(posts[1]["emissions_sum"].as_f64().unwrap(), 2e-6));
}

#[tokio::test]
async fn an_interval_under_a_second_waits_for_the_next() {
    let stub = api();
    let mut sink = ApiSink::new(stub.url(), "exp", None).unwrap();
    sink.record(&report(0.6, 1.0)).await.unwrap();
    assert_eq!(
        stub.requests_to("/runs").len(),
        1,
        "the run is registered at once"
    );
    assert!(stub.requests_to("/emissions").is_empty());
    sink.finish(&report(2.2, 3.0)).await.unwrap();
    let posts: Vec<Value> = stub.requests_to("/emissions").iter().map(json).collect();
    assert_eq!(posts.len(), 1);
    assert_eq!(posts[0]["duration"], 2);
    assert!(close(posts[0]["emissions_sum"].as_f64().unwrap(), 3e-6));
}

/// Under a second is the interval's exact length, as CodeCarbon's `delta.duration < 1`: from
/// 1.6 s to 2.3 s is 0.7 s, though it crosses a whole second.
#[tokio::test]
async fn under_a_second_is_measured_exactly_and_the_posts_still_add_up() {
    let stub = api();
    let mut sink = ApiSink::new(stub.url(), "exp", None).unwrap();
    sink.record(&report(1.6, 1.0)).await.unwrap();
    sink.record(&report(2.3, 1.5)).await.unwrap();
    assert_eq!(stub.requests_to("/emissions").len(), 1, "0.7 s waits");
    sink.record(&report(2.7, 2.0)).await.unwrap();
    assert_eq!(stub.requests_to("/emissions").len(), 2, "1.1 s is sent");
    sink.finish(&report(2.9, 2.5)).await.unwrap();
    let posts: Vec<Value> = stub.requests_to("/emissions").iter().map(json).collect();
    assert_eq!(posts.len(), 3, "the rest goes at finish");
    let sum: f64 = posts
        .iter()
        .map(|p| p["emissions_sum"].as_f64().unwrap())
        .sum();
    assert!(close(sum, 2.5e-6), "{sum}");
    let seconds: u64 = posts.iter().map(|p| p["duration"].as_u64().unwrap()).sum();
    assert_eq!(seconds, 2);
}

#[tokio::test]
async fn an_answer_without_a_run_id_is_an_error() {
    let stub = HttpStub::start(|_| Reply::json("{}").with_status(201));
    let mut sink = ApiSink::new(stub.url(), "exp", None).unwrap();
    let err = sink.flush(&report(5.0, 1.0)).await.unwrap_err().to_string();
    assert!(
        err.contains("/runs: unexpected answer: no run `id`"),
        "{err}"
    );
}

#[test]
fn the_registry_builds_it_from_the_configuration_without_touching_the_network() {
    let api = registry::sinks()
        .into_iter()
        .find(|p| p.name == "api")
        .unwrap();
    for key in ["api_endpoint", "api_key"] {
        let owner = codecarbon_core::settings::find(key).map(|s| s.owner_name());
        assert_eq!(owner, Some("api"), "{key}");
    }
    let mut config = Config::default();
    config.extra.0.insert("api_key".into(), KEY.into());
    assert!((api.build)(&config).is_ok());
    config
        .extra
        .0
        .insert("api_endpoint".into(), "not a url".into());
    match (api.build)(&config) {
        Err(BuildError::Invalid { plugin, message }) => {
            assert_eq!(plugin, "api");
            assert!(
                message.contains("api_endpoint: not a usable URL"),
                "{message}"
            );
            assert!(!message.contains(KEY));
        }
        _ => panic!("accepted a bad endpoint"),
    }
}

#[tokio::test]
async fn a_redirect_is_not_followed_so_the_key_stays_home() {
    let other = api();
    let target = other.url().replace("http://", "http://me:pw-5151@");
    let first = redirect_to(target);
    let mut sink = ApiSink::new(first.url(), "exp", Some(KEY)).unwrap();
    let err = sink
        .record(&report(10.0, 1.0))
        .await
        .unwrap_err()
        .to_string();
    assert!(other.requests().is_empty(), "the redirect was followed");
    assert_eq!(first.requests_to("/runs").len(), 1);
    assert!(
        err.contains("/runs answered HTTP 307, a redirect to"),
        "{err}"
    );
    let host = other.url().trim_start_matches("http://");
    assert!(err.contains(&format!("http://{host}/runs")), "{err}");
    assert!(err.contains("set `api_endpoint`"), "{err}");
    assert!(!err.contains("pw-5151"), "{err}");
    assert!(!err.contains(KEY), "{err}");
}

#[tokio::test]
async fn the_last_interval_is_posted_at_finish_even_under_a_second() {
    let stub = api();
    let mut sink = ApiSink::new(stub.url(), "exp", None).unwrap();
    sink.record(&report(10.0, 1.0)).await.unwrap();
    sink.record(&report(10.7, 1.5)).await.unwrap();
    assert_eq!(
        stub.requests_to("/emissions").len(),
        1,
        "under a second waits"
    );
    sink.finish(&report(10.9, 2.0)).await.unwrap();
    let posts: Vec<Value> = stub.requests_to("/emissions").iter().map(json).collect();
    assert_eq!(posts.len(), 2);
    assert_eq!(posts[1]["duration"], 0);
    assert!(close(posts[1]["emissions_sum"].as_f64().unwrap(), 1e-6));
    let sum: f64 = posts
        .iter()
        .map(|p| p["emissions_sum"].as_f64().unwrap())
        .sum();
    assert!(close(sum, 2e-6), "{sum}");
    // Nothing left: a finish right after adds no row of zeros.
    sink.finish(&report(10.9, 2.0)).await.unwrap();
    assert_eq!(stub.requests_to("/emissions").len(), 2);
}

#[tokio::test]
async fn a_new_tracker_run_is_registered_and_counted_from_zero() {
    let n = Arc::new(AtomicUsize::new(0));
    let seen = n.clone();
    let stub = HttpStub::start(move |req: &Recorded| match req.path.as_str() {
        "/runs" => {
            let i = seen.fetch_add(1, Ordering::SeqCst);
            Reply::json(format!(r#"{{"id":"api-run-{i}"}}"#)).with_status(201)
        }
        _ => Reply::status(201),
    });
    let mut sink = ApiSink::new(stub.url(), "exp", None).unwrap();
    sink.record(&report_of("run-1", 30.0, 3.0)).await.unwrap();
    sink.finish(&report_of("run-1", 40.0, 4.0)).await.unwrap();
    assert_eq!(sink.run_id(), Some("api-run-0"));
    sink.record(&report_of("run-2", 10.0, 1.0)).await.unwrap();
    sink.finish(&report_of("run-2", 15.0, 2.0)).await.unwrap();
    assert_eq!(
        stub.requests_to("/runs").len(),
        2,
        "run-2 was never registered"
    );
    assert_eq!(sink.run_id(), Some("api-run-1"));
    let posts: Vec<Value> = stub.requests_to("/emissions").iter().map(json).collect();
    assert_eq!(posts.len(), 4);
    assert_eq!(posts[2]["run_id"], "api-run-1");
    assert_eq!(posts[2]["duration"], 10);
    assert!(close(posts[2]["emissions_sum"].as_f64().unwrap(), 1e-6));
    assert_eq!(posts[3]["duration"], 5);
    assert!(close(posts[3]["emissions_sum"].as_f64().unwrap(), 1e-6));
}

/// Within half the request's timeout: an answer read whole would take all of it (and all the
/// memory a server chooses to fill in that time).
fn promptly(started: std::time::Instant) {
    let took = started.elapsed();
    assert!(took < codecarbon_http::REQUEST_TIMEOUT / 2, "took {took:?}");
}

#[tokio::test]
async fn an_endless_error_answer_is_quoted_from_its_start_only() {
    for path in ["/runs", "/emissions"] {
        let stub = HttpStub::start(move |req: &Recorded| {
            if req.path == path {
                Reply::endless(503, "overloaded \x1b[2J ")
            } else if req.path == "/runs" {
                Reply::json(r#"{"id":"r"}"#).with_status(201)
            } else {
                Reply::status(201)
            }
        });
        let mut sink = ApiSink::new(stub.url(), "exp", Some(KEY)).unwrap();
        let started = std::time::Instant::now();
        let err = sink.flush(&report(5.0, 1.0)).await.unwrap_err().to_string();
        promptly(started);
        assert!(err.contains(&format!("{path} answered HTTP 503")), "{err}");
        assert!(err.contains(r"overloaded \x1b[2J overloaded"), "{err}");
        assert!(err.len() < 1000, "the quote is bounded: {err}");
    }
}

#[tokio::test]
async fn an_endless_run_answer_is_refused_as_too_large() {
    let stub = HttpStub::start(|_| Reply::endless(201, r#"{"id":"r","pad":"#));
    let mut sink = ApiSink::new(stub.url(), "exp", None).unwrap();
    let started = std::time::Instant::now();
    let err = sink.flush(&report(5.0, 1.0)).await.unwrap_err().to_string();
    promptly(started);
    assert!(
        err.contains("/runs: unexpected answer: the answer is larger than 262144 bytes"),
        "{err}"
    );
    assert!(sink.run_id().is_none());
}
