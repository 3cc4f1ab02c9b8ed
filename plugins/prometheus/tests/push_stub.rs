//! Pushing against local stubs: the request CodeCarbon's client would make, basic auth, errors
//! that name the URL but never the password, timeouts.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod support;

use codecarbon_core::Sink;
use codecarbon_prometheus::{BasicAuth, PrometheusSettings, PrometheusSink};
use codecarbon_testkit::prometheus::sample;
use codecarbon_testkit::{dead_url, HttpStub, Reply};
use std::time::{Duration, Instant};
use support::{report, report_of};

const PASSWORD: &str = "s3cret-pw-42";
/// The group [`settings`] push to: the job's, this machine's instance.
const GROUP: &str = "/metrics/job/demo_base/instance/node-1";

fn settings(url: &str) -> PrometheusSettings {
    PrometheusSettings {
        pushgateway: Some(url.to_string()),
        job: "demo_base".into(),
        instance: "node-1".into(),
        ..PrometheusSettings::default()
    }
}

#[tokio::test]
async fn a_record_puts_the_text_format_to_the_machines_group_with_basic_auth() {
    let stub = HttpStub::start(|_| Reply::status(200));
    let mut sink = PrometheusSink::new(PrometheusSettings {
        auth: Some(BasicAuth::new("user", "s3cret")),
        ..settings(stub.url())
    })
    .unwrap();
    sink.record(&report(10, 0.5, 0.25, 0.3)).await.unwrap();

    let requests = stub.requests_to(GROUP);
    assert_eq!(requests.len(), 1, "{:?}", stub.requests());
    let put = &requests[0];
    assert_eq!(put.method, "PUT");
    // base64("user:s3cret")
    assert_eq!(put.header("authorization"), Some("Basic dXNlcjpzM2NyZXQ="));
    assert_eq!(
        put.header("content-type"),
        Some("text/plain; version=0.0.4; charset=utf-8")
    );
    let body = put.body_text();
    assert_eq!(sample(&body, "codecarbon_emissions", &[]), Some(0.3));
    assert_eq!(sample(&body, "codecarbon_energy_consumed", &[]), Some(0.75));
    assert_eq!(sample(&body, "codecarbon_cpu_power", &[]), Some(40.0));
    assert!(body.contains("project_name=\"demo\""), "{body}");
}

#[tokio::test]
async fn without_credentials_no_authorization_header_is_sent() {
    let stub = HttpStub::start(|_| Reply::status(200));
    let mut sink = PrometheusSink::new(settings(stub.url())).unwrap();
    sink.flush(&report(10, 0.5, 0.0, 0.3)).await.unwrap();
    let put = &stub.requests()[0];
    assert_eq!(put.header("authorization"), None);
}

#[tokio::test]
async fn credentials_in_the_url_are_sent_as_basic_auth_and_never_shown() {
    let stub = HttpStub::start(|_| Reply::text("nope").with_status(401));
    let url = stub
        .url()
        .replace("http://", &format!("http://user:{PASSWORD}@"));
    let mut sink = PrometheusSink::new(settings(&url)).unwrap();
    let err = sink.record(&report(10, 0.5, 0.0, 0.3)).await.unwrap_err();
    let put = &stub.requests()[0];
    assert_eq!(put.path, GROUP);
    assert!(put
        .header("authorization")
        .is_some_and(|h| h.starts_with("Basic ")));
    let text = err.to_string();
    assert!(text.contains("401"), "{text}");
    assert!(!text.contains(PASSWORD), "{text}");
    assert!(!format!("{sink:?}").contains(PASSWORD));
}

#[tokio::test]
async fn a_refused_push_names_the_url_and_status_but_not_the_password() {
    // A server that echoes the credentials it got must not leak them through our error.
    let stub = HttpStub::start(|r| {
        Reply::text(format!(
            "bad push from {}",
            r.header("authorization").unwrap_or_default()
        ))
        .with_status(500)
    });
    let mut sink = PrometheusSink::new(PrometheusSettings {
        auth: Some(BasicAuth::new("user", PASSWORD)),
        ..settings(stub.url())
    })
    .unwrap();
    let err = sink.record(&report(10, 0.5, 0.0, 0.3)).await.unwrap_err();
    let text = err.to_string();
    assert!(text.contains(&format!("{}{GROUP}", stub.url())), "{text}");
    assert!(text.contains("HTTP 500"), "{text}");
    assert!(text.contains("bad push from Basic <hidden>"), "{text}");
    // Neither the password nor base64("user:s3cret-pw-42"), the header the server echoed.
    for secret in [PASSWORD, "dXNlcjpzM2NyZXQtcHctNDI"] {
        assert!(!text.contains(secret), "{text}");
        let debug = format!("{sink:?} {err:?}");
        assert!(!debug.contains(secret), "{debug}");
    }
}

#[tokio::test]
async fn an_endless_error_answer_is_quoted_from_its_start_only() {
    // A server answering without end: only the start is read, and the error comes at once
    // (read whole, it would take the request's timeout and the memory of all it sent).
    let stub = HttpStub::start(|_| Reply::endless(500, "overloaded \x1b[2J "));
    let settings = settings(stub.url());
    let limit = settings.request_timeout / 2;
    let mut sink = PrometheusSink::new(settings).unwrap();
    let started = Instant::now();
    let err = sink.record(&report(10, 0.5, 0.0, 0.3)).await.unwrap_err();
    assert!(started.elapsed() < limit, "took {:?}", started.elapsed());
    let text = err.to_string();
    assert!(text.contains("HTTP 500"), "{text}");
    assert!(text.contains(r"overloaded \x1b[2J overloaded"), "{text}");
    assert!(text.len() < 1000, "the quote is bounded: {text}");
}

#[tokio::test]
async fn gauges_carry_the_change_since_the_last_successful_push() {
    let stub = HttpStub::start(|_| Reply::status(200));
    let mut sink = PrometheusSink::new(settings(stub.url())).unwrap();
    sink.record(&report(10, 0.5, 0.0, 0.3)).await.unwrap();
    sink.record(&report(30, 1.5, 0.0, 0.9)).await.unwrap();
    let bodies: Vec<String> = stub.requests().iter().map(|r| r.body_text()).collect();
    let second = &bodies[1];
    assert!((sample(second, "codecarbon_emissions", &[]).unwrap() - 0.6).abs() < 1e-12);
    assert_eq!(sample(second, "codecarbon_duration", &[]), Some(20.0));
    assert_eq!(sample(second, "codecarbon_energy_consumed", &[]), Some(1.0));
    assert_eq!(sample(second, "codecarbon_energy_total", &[]), Some(1.5));
}

#[tokio::test]
async fn finish_pushes_then_deletes_the_group_unless_told_not_to() {
    let stub = HttpStub::start(|_| Reply::status(200));
    let mut sink = PrometheusSink::new(settings(stub.url())).unwrap();
    sink.finish(&report(10, 0.5, 0.0, 0.3)).await.unwrap();
    let methods: Vec<String> = stub.requests().iter().map(|r| r.method.clone()).collect();
    assert_eq!(methods, ["PUT", "DELETE"]);
    assert_eq!(stub.requests()[1].path, GROUP);

    let keep = HttpStub::start(|_| Reply::status(200));
    let mut sink = PrometheusSink::new(PrometheusSettings {
        delete_on_finish: false,
        ..settings(keep.url())
    })
    .unwrap();
    sink.finish(&report(10, 0.5, 0.0, 0.3)).await.unwrap();
    let methods: Vec<String> = keep.requests().iter().map(|r| r.method.clone()).collect();
    assert_eq!(methods, ["PUT"]);
}

#[tokio::test]
async fn a_dead_pushgateway_fails_fast_with_a_clear_error() {
    let url = dead_url();
    let mut sink = PrometheusSink::new(settings(&url)).unwrap();
    let started = Instant::now();
    let err = sink.record(&report(10, 0.5, 0.0, 0.3)).await.unwrap_err();
    assert!(
        started.elapsed() < Duration::from_secs(3),
        "{:?}",
        started.elapsed()
    );
    let text = err.to_string();
    assert!(text.contains(&format!("{url}{GROUP}")), "{text}");
    assert!(text.contains("cannot connect"), "{text}");
    assert!(text.contains("prometheus_url"), "{text}");
}

#[tokio::test]
async fn a_slow_pushgateway_times_out() {
    let stub = HttpStub::start(|_| Reply::status(200).after(Duration::from_secs(10)));
    let mut sink = PrometheusSink::new(PrometheusSettings {
        request_timeout: Duration::from_millis(300),
        ..settings(stub.url())
    })
    .unwrap();
    let started = Instant::now();
    let err = sink.record(&report(10, 0.5, 0.0, 0.3)).await.unwrap_err();
    assert!(
        started.elapsed() < Duration::from_secs(3),
        "{:?}",
        started.elapsed()
    );
    assert!(err.to_string().contains("timed out"), "{err}");
}

#[test]
fn the_default_timeouts_are_two_and_five_seconds() {
    let s = PrometheusSettings::default();
    assert_eq!(s.connect_timeout, Duration::from_secs(2));
    assert_eq!(s.request_timeout, Duration::from_secs(5));
}

#[test]
fn a_url_that_is_not_http_is_refused_at_build() {
    let err = PrometheusSink::new(settings("ftp://gw:21")).unwrap_err();
    assert!(err.to_string().contains("prometheus_url"), "{err}");
}

#[test]
fn a_sink_built_outside_a_runtime_pushes_from_a_worker_threads_runtime() {
    // As the engine does: build on the caller's thread, run on a sink worker's runtime.
    let stub = HttpStub::start(|_| Reply::status(200));
    let mut sink = PrometheusSink::new(settings(stub.url())).unwrap();
    std::thread::spawn(move || {
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap();
        runtime.block_on(sink.record(&report(10, 0.5, 0.0, 0.3)))
    })
    .join()
    .unwrap()
    .unwrap();
    assert_eq!(stub.requests_to(GROUP).len(), 1);
}

#[tokio::test]
async fn a_second_run_through_the_same_sink_pushes_its_own_changes() {
    let stub = HttpStub::start(|_| Reply::status(200));
    let mut sink = PrometheusSink::new(PrometheusSettings {
        delete_on_finish: false,
        ..settings(stub.url())
    })
    .unwrap();
    sink.record(&report_of("run-1", 30, 0.3, 0.0, 0.03))
        .await
        .unwrap();
    sink.finish(&report_of("run-1", 40, 0.4, 0.0, 0.04))
        .await
        .unwrap();
    sink.record(&report_of("run-2", 10, 0.1, 0.0, 0.01))
        .await
        .unwrap();
    sink.record(&report_of("run-2", 25, 0.25, 0.0, 0.02))
        .await
        .unwrap();
    let bodies: Vec<String> = stub.requests().iter().map(|r| r.body_text()).collect();
    assert_eq!(bodies.len(), 4);
    // The first push of run 2 is its whole total, not a change against run 1's end.
    assert_eq!(sample(&bodies[2], "codecarbon_duration", &[]), Some(10.0));
    assert!((sample(&bodies[2], "codecarbon_energy_consumed", &[]).unwrap() - 0.1).abs() < 1e-12);
    assert!((sample(&bodies[2], "codecarbon_emissions", &[]).unwrap() - 0.01).abs() < 1e-12);
    assert!((sample(&bodies[2], "codecarbon_energy_total", &[]).unwrap() - 0.1).abs() < 1e-12);
    // Then changes within run 2.
    assert_eq!(sample(&bodies[3], "codecarbon_duration", &[]), Some(15.0));
    assert!((sample(&bodies[3], "codecarbon_energy_consumed", &[]).unwrap() - 0.15).abs() < 1e-12);
}
