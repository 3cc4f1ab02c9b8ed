//! The `http` sink against a local server.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use codecarbon_core::{registry, BuildError, Config, Probe, Sink, CSV_COLUMNS};
use codecarbon_http::HttpSink;
use codecarbon_testkit::{dead_url, HttpStub, Reply};
use common::{close, redirect_to, report};
use serde_json::Value;
use std::time::{Duration, Instant};

fn config_with(key: &str, value: &str) -> Config {
    let mut config = Config::default();
    config.extra.0.insert(key.into(), value.into());
    config
}

#[tokio::test]
async fn flush_and_finish_post_the_totals_as_codecarbon_does_and_record_posts_nothing() {
    let stub = HttpStub::start(|_| Reply::status(201));
    let mut sink = HttpSink::new(&format!("{}/in", stub.url()))
        .unwrap()
        .with_user(Some("ada".into()));
    sink.record(&report(5.0, 1.0)).await.unwrap();
    assert!(stub.requests().is_empty(), "HTTPOutput has no live output");
    sink.flush(&report(10.0, 2.0)).await.unwrap();
    sink.finish(&report(15.0, 3.0)).await.unwrap();

    let reqs = stub.requests_to("/in");
    assert_eq!(reqs.len(), 2);
    assert_eq!(reqs[0].method, "POST");
    assert_eq!(reqs[0].header("content-type"), Some("application/json"));
    let body: serde_json::Map<String, Value> = serde_json::from_slice(&reqs[1].body).unwrap();
    let mut keys: Vec<&str> = CSV_COLUMNS.to_vec();
    keys.push("user");
    let mut got: Vec<&str> = body.keys().map(String::as_str).collect();
    got.sort();
    keys.sort();
    assert_eq!(got, keys);
    assert_eq!(body["user"], "ada");
    assert_eq!(body["duration"], 15.0);
    assert!(close(body["emissions"].as_f64().unwrap(), 3e-6));
    assert!(close(body["cpu_energy"].as_f64().unwrap(), 6e-5));
    assert_eq!(body["run_id"], "local-run");
    assert_eq!(body["tracking_mode"], "process");
    assert_eq!(body["on_cloud"], "Y");
    assert_eq!(body["region"], Value::Null);
    let first: Value = serde_json::from_slice(&reqs[0].body).unwrap();
    assert_eq!(first["duration"], 10.0, "cumulative totals, not intervals");
}

#[tokio::test]
async fn a_refusal_names_the_status_and_the_url_without_credentials() {
    let stub = HttpStub::start(|_| Reply::text("nope").with_status(503));
    let url = stub.url().replace("http://", "http://bob:hunter2@") + "/in?token=t0k3n";
    let mut sink = HttpSink::new(&url).unwrap();
    let err = sink.flush(&report(1.0, 1.0)).await.unwrap_err().to_string();
    assert!(err.starts_with("http: POST http://127.0.0.1:"), "{err}");
    assert!(err.contains("/in answered HTTP 503"), "{err}");
    assert!(err.contains("emissions_endpoint"), "{err}");
    for secret in ["hunter2", "t0k3n", "bob"] {
        assert!(!err.contains(secret), "{err}");
        assert!(!format!("{sink:?}").contains(secret));
    }
    assert_eq!(stub.requests().len(), 1);
}

#[tokio::test]
async fn a_dead_or_slow_server_is_an_error_within_the_timeouts() {
    let mut sink = HttpSink::new(&dead_url()).unwrap();
    let err = sink
        .finish(&report(1.0, 1.0))
        .await
        .unwrap_err()
        .to_string();
    assert!(
        err.contains("cannot connect (") && err.contains("refused"),
        "{err}"
    );

    let stub = HttpStub::start(|_| Reply::status(201).after(Duration::from_secs(30)));
    let mut sink = HttpSink::new(stub.url()).unwrap();
    let started = Instant::now();
    let err = sink.flush(&report(1.0, 1.0)).await.unwrap_err().to_string();
    let took = started.elapsed();
    assert!(
        took >= Duration::from_secs(4) && took < Duration::from_secs(8),
        "{took:?}"
    );
    assert!(err.contains("no answer within 5 s"), "{err}");
}

#[test]
fn without_emissions_endpoint_the_build_fails_and_says_what_to_set() {
    assert_eq!(codecarbon_http::PLUGINS, ["http", "api"]);
    let http = registry::sinks()
        .into_iter()
        .find(|p| p.name == "http")
        .unwrap();
    assert_eq!(http.priority, 0);
    let owner = codecarbon_core::settings::find("emissions_endpoint").map(|s| s.owner_name());
    assert_eq!(owner, Some("http"));
    match (http.build)(&Config::default()) {
        Err(BuildError::Invalid { plugin, message }) => {
            assert_eq!(plugin, "http");
            assert!(message.contains("emissions_endpoint: not set"), "{message}");
            assert!(
                message.contains("CODECARBON_EMISSIONS_ENDPOINT"),
                "{message}"
            );
        }
        Err(e) => panic!("{e}"),
        Ok(_) => panic!("built without an endpoint"),
    }
    match (http.build)(&config_with("emissions_endpoint", "ftp://x/y")) {
        Err(BuildError::Invalid { message, .. }) => assert!(message.contains("ftp"), "{message}"),
        _ => panic!("accepted ftp"),
    }
    assert!((http.build)(&config_with("emissions_endpoint", "https://x/y")).is_ok());
    let offline = Config {
        offline: true,
        ..config_with("emissions_endpoint", "https://x/y")
    };
    assert!(matches!((http.probe)(&offline), Probe::Unavailable(_)));
    assert_eq!((http.probe)(&Config::default()), Probe::Available);
}

#[tokio::test]
async fn a_redirect_is_not_followed_and_names_its_target() {
    let other = HttpStub::start(|_| Reply::status(201));
    let first = redirect_to(other.url().replace("http://", "http://me:pw-7272@"));
    let mut sink = HttpSink::new(&format!(
        "{}/in?token=q-secret",
        first.url().replace("http://", "http://u:pw-8383@")
    ))
    .unwrap();
    let err = sink.flush(&report(5.0, 1.0)).await.unwrap_err().to_string();
    assert!(other.requests().is_empty(), "the redirect was followed");
    assert_eq!(first.requests().len(), 1);
    let host = other.url().trim_start_matches("http://");
    assert!(err.contains("answered HTTP 307, a redirect to"), "{err}");
    assert!(err.contains(&format!("http://{host}/in")), "{err}");
    assert!(err.contains("set `emissions_endpoint`"), "{err}");
    for secret in ["pw-7272", "pw-8383", "q-secret"] {
        assert!(!err.contains(secret), "{secret} in {err}");
    }
}
