//! The `/metrics` endpoint, read over plain HTTP.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod support;

use codecarbon_core::Sink;
use codecarbon_prometheus::{PrometheusSettings, PrometheusSink};
use codecarbon_testkit::client::http_get;
use codecarbon_testkit::prometheus::sample;
use support::{report, report_of};

fn exporter_only() -> PrometheusSink {
    PrometheusSink::new(PrometheusSettings {
        pushgateway: None,
        listen: Some("127.0.0.1:0".parse().unwrap()),
        ..PrometheusSettings::default()
    })
    .unwrap()
}

#[tokio::test]
async fn metrics_show_the_latest_records_totals() {
    let mut sink = exporter_only();
    let addr = sink.listen_addr().unwrap().to_string();
    assert_eq!(sink.push_url(), None);

    let (status, body) = http_get(&addr, "/metrics").unwrap();
    assert_eq!((status, body.as_str()), (200, ""));

    sink.record(&report(10, 0.001, 0.0005, 0.3)).await.unwrap();
    let (_, body) = http_get(&addr, "/metrics").unwrap();
    let cpu = [
        "component=\"cpu\"",
        "project_name=\"demo\"",
        "experiment_id=\"exp-1\"",
    ];
    assert_eq!(
        sample(&body, "codecarbon_energy_joules_total", &cpu),
        Some(3600.0)
    );
    assert_eq!(sample(&body, "codecarbon_power_watts", &cpu), Some(40.0));
    assert_eq!(
        sample(&body, "codecarbon_run_energy_joules_total", &[]),
        Some(5400.0)
    );
    assert_eq!(
        sample(&body, "codecarbon_run_emissions_kg_total", &[]),
        Some(0.3)
    );

    sink.record(&report(30, 0.002, 0.001, 0.6)).await.unwrap();
    let (_, body) = http_get(&addr, "/metrics?x=1").unwrap();
    assert_eq!(
        sample(&body, "codecarbon_energy_joules_total", &cpu),
        Some(7200.0)
    );
    // 3600 J more in 20 s.
    assert_eq!(sample(&body, "codecarbon_power_watts", &cpu), Some(180.0));
    assert!(body.contains("# TYPE codecarbon_energy_joules_total counter\n"));
}

#[tokio::test]
async fn other_paths_are_not_found_and_the_server_stops_with_the_sink() {
    let sink = exporter_only();
    let addr = sink.listen_addr().unwrap().to_string();
    let (status, _) = http_get(&addr, "/nope").unwrap();
    assert_eq!(status, 404);
    drop(sink);
    assert!(http_get(&addr, "/metrics").is_none(), "still serving");
}

#[test]
fn the_content_type_is_the_text_formats() {
    let sink = exporter_only();
    let addr = sink.listen_addr().unwrap();
    use std::io::{Read, Write};
    let mut s = std::net::TcpStream::connect(addr).unwrap();
    write!(s, "GET /metrics HTTP/1.0\r\n\r\n").unwrap();
    let mut raw = String::new();
    s.read_to_string(&mut raw).unwrap();
    assert!(
        raw.to_ascii_lowercase()
            .contains("content-type: text/plain; version=0.0.4; charset=utf-8"),
        "{raw}"
    );
}

#[tokio::test]
async fn a_second_run_through_the_same_sink_starts_the_counters_again() {
    let mut sink = exporter_only();
    let addr = sink.listen_addr().unwrap().to_string();
    let cpu = ["component=\"cpu\""];
    sink.record(&report_of("run-1", 10, 0.001, 0.0, 0.3))
        .await
        .unwrap();
    sink.finish(&report_of("run-1", 20, 0.002, 0.0, 0.6))
        .await
        .unwrap();
    sink.record(&report_of("run-2", 10, 0.0005, 0.0, 0.1))
        .await
        .unwrap();
    let (_, body) = http_get(&addr, "/metrics").unwrap();
    assert_eq!(
        sample(&body, "codecarbon_energy_joules_total", &cpu),
        Some(1800.0)
    );
    // Run 2's emissions only, all the CPU's: not run 1's 0.6 kg carried over.
    let kg = sample(&body, "codecarbon_emissions_kg_total", &cpu).unwrap();
    assert!((kg - 0.1).abs() < 1e-12, "{body}");
    // The record's own mean power, as at any run's first record.
    assert_eq!(sample(&body, "codecarbon_power_watts", &cpu), Some(40.0));
}
