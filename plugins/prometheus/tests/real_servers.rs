//! Against the real thing: the Debian `prometheus-pushgateway` and `prometheus` binaries.
//!
//! Missing binaries skip these tests locally and fail them under CI (env `CI`), with the
//! `apt-get` command that installs them.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod support;

use codecarbon_core::Sink;
use codecarbon_prometheus::{PrometheusSettings, PrometheusSink};
use codecarbon_testkit::client::{encode, http_get};
use codecarbon_testkit::prometheus::{sample, Server};
use codecarbon_testkit::wait::poll_every;
use std::time::Duration;
use support::report;

/// Longest wait for Prometheus to have scraped a value.
const SCRAPED_WITHIN: Duration = Duration::from_secs(20);
/// How often to ask a server whether a value arrived or left.
const POLL_EVERY: Duration = Duration::from_millis(200);

#[tokio::test]
async fn pushes_reach_a_real_pushgateway_and_finish_removes_them() {
    let Some(gateway) = Server::pushgateway() else {
        return;
    };
    let job = "tricky_project_exp";
    let mut sink = PrometheusSink::new(PrometheusSettings {
        pushgateway: Some(gateway.url()),
        job: job.into(),
        ..PrometheusSettings::default()
    })
    .unwrap();
    let mut first = report(10, 0.5, 0.25, 0.3);
    first.data.project_name = "we \"quote\" \\ it\nall".into();
    sink.record(&first).await.unwrap();

    let metrics = || http_get(&gateway.addr, "/metrics").unwrap().1;
    let job_label = format!("job=\"{job}\"");
    let project = r#"project_name="we \"quote\" \\ it\nall""#;
    let body = metrics();
    assert_eq!(
        sample(&body, "codecarbon_emissions", &[&job_label, project]),
        Some(0.3),
        "{}\n{}",
        body,
        gateway.log()
    );
    assert_eq!(
        sample(&body, "codecarbon_energy_total", &[&job_label]),
        Some(0.75)
    );
    assert!(
        body.contains("# TYPE codecarbon_energy_total counter"),
        "{body}"
    );

    let mut second = report(30, 1.5, 0.25, 0.9);
    second.data.project_name = first.data.project_name.clone();
    sink.record(&second).await.unwrap();
    let body = metrics();
    let delta = sample(&body, "codecarbon_emissions", &[&job_label]).unwrap();
    assert!((delta - 0.6).abs() < 1e-12, "{body}");
    assert_eq!(
        sample(&body, "codecarbon_energy_total", &[&job_label]),
        Some(1.75)
    );

    sink.finish(&second).await.unwrap();
    // The Pushgateway queues deletions (it answers 202), so wait for it.
    let gone = poll_every(Duration::from_secs(5), POLL_EVERY, || {
        (!metrics().contains(&job_label)).then_some(())
    });
    assert!(gone.is_some(), "the group is still there:\n{}", metrics());
}

#[tokio::test]
async fn a_real_prometheus_scrapes_growing_counters() {
    let mut sink = PrometheusSink::new(PrometheusSettings {
        pushgateway: None,
        listen: Some("127.0.0.1:0".parse().unwrap()),
        ..PrometheusSettings::default()
    })
    .unwrap();
    sink.record(&report(10, 0.001, 0.0005, 0.3)).await.unwrap();
    let Some(prometheus) = Server::prometheus(sink.listen_addr().unwrap()) else {
        return;
    };

    let selector = r#"codecarbon_energy_joules_total{component="cpu"}"#;
    let instant = |expected: f64| {
        poll_every(SCRAPED_WITHIN, POLL_EVERY, || {
            let (_, body) = http_get(
                &prometheus.addr,
                &format!("/api/v1/query?query={}", encode(selector)),
            )?;
            let json: serde_json::Value = serde_json::from_str(&body).ok()?;
            let result = json["data"]["result"].as_array()?.first()?.clone();
            let value: f64 = result["value"][1].as_str()?.parse().ok()?;
            (value == expected).then_some(result)
        })
    };
    let first = instant(3600.0)
        .unwrap_or_else(|| panic!("Prometheus never stored 3600 J:\n{}", prometheus.log()));
    assert_eq!(first["metric"]["project_name"], "demo");
    assert_eq!(first["metric"]["experiment_id"], "exp-1");
    assert_eq!(first["metric"]["job"], "codecarbon");

    sink.record(&report(30, 0.002, 0.001, 0.6)).await.unwrap();
    instant(7200.0)
        .unwrap_or_else(|| panic!("Prometheus never stored 7200 J:\n{}", prometheus.log()));

    // Both values are stored, in growing order.
    let range = encode(&format!("{selector}[5m]"));
    let (_, body) = http_get(&prometheus.addr, &format!("/api/v1/query?query={range}")).unwrap();
    let json: serde_json::Value = serde_json::from_str(&body).unwrap();
    let values: Vec<f64> = json["data"]["result"][0]["values"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v[1].as_str().unwrap().parse().unwrap())
        .collect();
    assert!(
        values.contains(&3600.0) && values.contains(&7200.0),
        "{values:?}"
    );
    assert!(values.windows(2).all(|w| w[0] <= w[1]), "{values:?}");

    let total = encode("codecarbon_run_emissions_kg_total");
    let (_, body) = http_get(&prometheus.addr, &format!("/api/v1/query?query={total}")).unwrap();
    assert!(body.contains("\"0.6\""), "{body}");
}

#[tokio::test]
async fn two_machines_of_one_job_keep_their_groups_and_each_deletes_its_own() {
    let Some(gateway) = Server::pushgateway() else {
        return;
    };
    // One plain instance, one that only the `@base64` form can carry.
    let machines = ["node-a", "rack 7/node-b"];
    let mut sinks: Vec<PrometheusSink> = machines
        .iter()
        .map(|instance| {
            PrometheusSink::new(PrometheusSettings {
                pushgateway: Some(gateway.url()),
                job: "fleet_base".into(),
                instance: (*instance).into(),
                ..PrometheusSettings::default()
            })
            .unwrap()
        })
        .collect();
    for (sink, kg) in sinks.iter_mut().zip([0.1, 0.2]) {
        sink.record(&report(10, 0.5, 0.25, kg)).await.unwrap();
    }
    let metrics = || http_get(&gateway.addr, "/metrics").unwrap().1;
    let emissions = |body: &str, instance: &str| {
        let instance = format!("instance=\"{instance}\"");
        sample(
            body,
            "codecarbon_emissions",
            &[r#"job="fleet_base""#, &instance],
        )
    };
    let body = metrics();
    assert_eq!(emissions(&body, machines[0]), Some(0.1), "{body}");
    assert_eq!(emissions(&body, machines[1]), Some(0.2), "{body}");

    sinks[1].finish(&report(20, 1.0, 0.5, 0.4)).await.unwrap();
    // The Pushgateway queues deletions (it answers 202), so wait for it.
    let gone = poll_every(Duration::from_secs(5), POLL_EVERY, || {
        let body = metrics();
        emissions(&body, machines[1]).is_none().then_some(body)
    });
    let body = gone.unwrap_or_else(|| panic!("{} is still there:\n{}", machines[1], metrics()));
    assert_eq!(emissions(&body, machines[0]), Some(0.1), "{body}");

    sinks[0].finish(&report(20, 1.0, 0.5, 0.3)).await.unwrap();
    let gone = poll_every(Duration::from_secs(5), POLL_EVERY, || {
        (!metrics().contains("fleet_base")).then_some(())
    });
    assert!(gone.is_some(), "the job is still there:\n{}", metrics());
}
