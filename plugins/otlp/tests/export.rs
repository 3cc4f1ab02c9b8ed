//! The OTLP sink against a local receiver that decodes what it gets.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use codecarbon_core::{
    registry, EmissionsData, KgCo2eq, KilowattHours, PluginKind, Report, Sink, Watts,
};
use codecarbon_otlp::{OtlpSettings, OtlpSink, EXPERIMENT_ID, PROJECT_NAME, RUN_ID};
use codecarbon_testkit::{dead_url, HttpStub, Recorded, Reply};
use opentelemetry_proto::tonic::collector::metrics::v1::ExportMetricsServiceRequest;
use opentelemetry_proto::tonic::common::v1::{any_value, KeyValue};
use opentelemetry_proto::tonic::metrics::v1::{metric, number_data_point, Metric, NumberDataPoint};
use prost::Message;
use std::time::{Duration, Instant};

const TOKEN: &str = "Bearer sup3r-s3cret";

fn report(scale: f64) -> Report {
    Report::new(
        {
            let mut data = EmissionsData::default();
            data.project_name = "proj".into();
            data.run_id = "run-1".into();
            data.experiment_id = "exp-1".into();
            data.duration = Duration::from_secs_f64(10.0 * scale);
            data.emissions = KgCo2eq(2e-6 * scale);
            data.cpu_power = Watts(30.0 + scale);
            data.gpu_power = Watts(0.0);
            data.ram_power = Watts(5.0);
            data.cpu_energy = KilowattHours(1e-4 * scale);
            data.gpu_energy = KilowattHours(0.0);
            data.ram_energy = KilowattHours(2e-5 * scale);
            data.energy_consumed = KilowattHours(1.2e-4 * scale);
            data
        },
        Default::default(),
    )
}

fn receiver() -> HttpStub {
    HttpStub::start(|req: &Recorded| {
        if req.method == "POST" && req.path == "/v1/metrics" {
            Reply::bytes("application/x-protobuf", Vec::new())
        } else {
            Reply::status(404)
        }
    })
}

fn decode(req: &Recorded) -> ExportMetricsServiceRequest {
    assert_eq!(req.header("content-type"), Some("application/x-protobuf"));
    ExportMetricsServiceRequest::decode(req.body.as_slice()).unwrap()
}

fn text(attrs: &[KeyValue], key: &str) -> Option<String> {
    attrs.iter().find(|kv| kv.key == key).and_then(|kv| {
        match kv.value.as_ref()?.value.as_ref()? {
            any_value::Value::StringValue(s) => Some(s.clone()),
            _ => None,
        }
    })
}

fn metrics(req: &ExportMetricsServiceRequest) -> Vec<Metric> {
    assert_eq!(req.resource_metrics.len(), 1);
    let scopes = &req.resource_metrics[0].scope_metrics;
    assert_eq!(scopes.len(), 1);
    assert_eq!(scopes[0].scope.as_ref().unwrap().name, "codecarbon");
    scopes[0].metrics.clone()
}

fn find<'a>(metrics: &'a [Metric], name: &str) -> &'a Metric {
    metrics
        .iter()
        .find(|m| m.name == name)
        .unwrap_or_else(|| panic!("no metric {name} in {metrics:?}"))
}

fn value(p: &NumberDataPoint) -> f64 {
    match p.value {
        Some(number_data_point::Value::AsDouble(v)) => v,
        ref other => panic!("not a double: {other:?}"),
    }
}

/// Data points by `component` (`""` when there is none).
fn points(m: &Metric) -> Vec<(String, f64)> {
    let (points, _) = match m.data.as_ref().unwrap() {
        metric::Data::Sum(s) => {
            assert!(s.is_monotonic, "{} should be a monotonic sum", m.name);
            assert_eq!(s.aggregation_temporality, 2, "cumulative");
            (&s.data_points, ())
        }
        metric::Data::Gauge(g) => (&g.data_points, ()),
        other => panic!("unexpected {other:?}"),
    };
    let mut out: Vec<_> = points
        .iter()
        .map(|p| {
            (
                text(&p.attributes, "component").unwrap_or_default(),
                value(p),
            )
        })
        .collect();
    out.sort_by(|a, b| a.0.cmp(&b.0));
    out
}

fn close(a: f64, b: f64) -> bool {
    (a - b).abs() <= 1e-9 * b.abs().max(1.0)
}

#[tokio::test]
async fn each_record_exports_the_cumulative_totals_with_names_units_and_attributes() {
    let stub = receiver();
    let settings =
        OtlpSettings::new(format!("{}/v1/metrics", stub.url())).with_header("authorization", TOKEN);
    let mut sink = OtlpSink::new(settings).unwrap();

    sink.record(&report(1.0)).await.unwrap();
    sink.flush(&report(2.0)).await.unwrap();
    sink.finish(&report(3.0)).await.unwrap();

    let reqs = stub.requests_to("/v1/metrics");
    assert_eq!(reqs.len(), 3);
    assert!(reqs
        .iter()
        .all(|r| r.header("authorization") == Some(TOKEN)));

    let first = decode(&reqs[0]);
    let resource = first.resource_metrics[0].resource.as_ref().unwrap();
    assert_eq!(
        text(&resource.attributes, "service.name").as_deref(),
        Some("codecarbon")
    );
    assert_eq!(
        text(&resource.attributes, PROJECT_NAME).as_deref(),
        Some("proj")
    );
    assert_eq!(text(&resource.attributes, RUN_ID).as_deref(), Some("run-1"));
    assert_eq!(
        text(&resource.attributes, EXPERIMENT_ID).as_deref(),
        Some("exp-1")
    );

    let m1 = metrics(&first);
    let mut names: Vec<_> = m1
        .iter()
        .map(|m| (m.name.as_str(), m.unit.as_str()))
        .collect();
    names.sort();
    assert_eq!(
        names,
        [
            ("codecarbon.emissions", "kg"),
            ("codecarbon.energy", "J"),
            ("codecarbon.power", "W")
        ]
    );

    let energy = points(find(&m1, "codecarbon.energy"));
    let components: Vec<_> = energy.iter().map(|(c, _)| c.as_str()).collect();
    assert_eq!(components, ["cpu", "gpu", "ram"]);
    assert!(close(energy[0].1, 360.0), "1e-4 kWh is 360 J: {energy:?}");
    assert!(close(energy[2].1, 72.0), "{energy:?}");
    assert_eq!(energy[1].1, 0.0);
    let emissions = points(find(&m1, "codecarbon.emissions"));
    assert_eq!(emissions.len(), 1);
    assert_eq!(emissions[0].0, "");
    assert!(close(emissions[0].1, 2e-6));
    assert!(matches!(
        find(&m1, "codecarbon.power").data,
        Some(metric::Data::Gauge(_))
    ));
    let power = points(find(&m1, "codecarbon.power"));
    assert_eq!(
        power,
        [
            ("cpu".into(), 31.0),
            ("gpu".into(), 0.0),
            ("ram".into(), 5.0)
        ]
    );

    // Later exports carry the grown totals, not increments.
    let m3 = metrics(&decode(&reqs[2]));
    let energy3 = points(find(&m3, "codecarbon.energy"));
    assert!(close(energy3[0].1, 1080.0), "{energy3:?}");
    assert!(energy3[0].1 > points(find(&metrics(&decode(&reqs[1])), "codecarbon.energy"))[0].1);
    let emissions3 = points(find(&m3, "codecarbon.emissions"));
    assert!(close(emissions3[0].1, 6e-6));
    assert_eq!(points(find(&m3, "codecarbon.power"))[0].1, 33.0);
}

#[tokio::test]
async fn a_dead_collector_is_a_clear_error_in_bounded_time_without_the_headers() {
    let url = format!("{}/v1/metrics", dead_url());
    let mut sink =
        OtlpSink::new(OtlpSettings::new(url.clone()).with_header("authorization", TOKEN)).unwrap();
    let started = Instant::now();
    let err = sink.flush(&report(1.0)).await.unwrap_err().to_string();
    assert!(
        started.elapsed() < Duration::from_secs(7),
        "{:?}",
        started.elapsed()
    );
    assert!(err.starts_with("otlp: cannot export metrics to "), "{err}");
    assert!(
        err.contains(&url) && err.contains("OTEL_EXPORTER_OTLP_ENDPOINT"),
        "{err}"
    );
    assert!(!err.contains("s3cret"), "{err}");
    assert!(!format!("{sink:?}").contains("s3cret"));
}

#[tokio::test]
async fn a_refusing_collector_reports_its_status() {
    let stub = HttpStub::start(|_| Reply::text("no").with_status(400));
    let mut sink = OtlpSink::new(OtlpSettings::new(format!("{}/v1/metrics", stub.url()))).unwrap();
    let err = sink.record(&report(1.0)).await.unwrap_err().to_string();
    assert!(err.contains("400"), "{err}");
    assert_eq!(stub.requests().len(), 1, "a 400 is not retried");
}

#[tokio::test]
async fn a_slow_collector_is_cut_off() {
    let stub = HttpStub::start(|_| Reply::status(200).after(Duration::from_secs(20)));
    let mut sink = OtlpSink::new(OtlpSettings::new(format!("{}/v1/metrics", stub.url()))).unwrap();
    let started = Instant::now();
    let err = sink.record(&report(1.0)).await.unwrap_err().to_string();
    assert!(
        started.elapsed() < Duration::from_secs(8),
        "{:?}",
        started.elapsed()
    );
    assert!(err.contains("cannot export"), "{err}");
}

#[test]
fn a_malformed_endpoint_fails_at_build() {
    let err = OtlpSink::new(OtlpSettings::new("not a url"))
        .unwrap_err()
        .to_string();
    assert!(
        err.contains("cannot set up the OTLP exporter for not a url"),
        "{err}"
    );
}

#[test]
fn it_is_registered_as_the_otlp_sink() {
    assert_eq!(codecarbon_otlp::PLUGINS, ["otlp"]);
    let d = registry::plugins_of(PluginKind::Sink)
        .into_iter()
        .find(|p| p.name == "otlp")
        .unwrap();
    assert_eq!(d.priority, 0);
}

fn report_of(run_id: &str, scale: f64) -> Report {
    let mut r = report(scale);
    r.data.run_id = run_id.into();
    r
}

#[tokio::test]
async fn one_sink_exports_two_runs_each_with_its_own_run_id() {
    let stub = receiver();
    let mut sink = OtlpSink::new(OtlpSettings::new(format!("{}/v1/metrics", stub.url()))).unwrap();
    sink.record(&report_of("run-1", 1.0)).await.unwrap();
    sink.finish(&report_of("run-1", 2.0)).await.unwrap();
    sink.record(&report_of("run-2", 1.0)).await.unwrap();
    sink.finish(&report_of("run-2", 3.0)).await.unwrap();
    let reqs = stub.requests_to("/v1/metrics");
    assert_eq!(reqs.len(), 4);
    let run_of = |i: usize| {
        let req = decode(&reqs[i]);
        let resource = req.resource_metrics[0].resource.clone().unwrap();
        text(&resource.attributes, RUN_ID).unwrap()
    };
    assert_eq!(
        [run_of(0), run_of(1), run_of(2), run_of(3)],
        ["run-1", "run-1", "run-2", "run-2"]
    );
    // The second run's totals start from its own zero.
    let energy = points(find(&metrics(&decode(&reqs[2])), "codecarbon.energy"));
    assert!(close(energy[0].1, 360.0), "{energy:?}");
}

#[tokio::test]
async fn a_redirect_is_not_followed_so_the_headers_stay_home() {
    let other = receiver();
    let target = other.url().replace("http://", "http://me:pw-4242@");
    let first = HttpStub::start(move |req: &Recorded| {
        let mut r = Reply::status(307);
        r.headers.push((
            "Location".into(),
            format!("{target}{}?k=q-secret", req.path),
        ));
        r
    });
    let mut sink = OtlpSink::new(
        OtlpSettings::new(format!("{}/v1/metrics", first.url()))
            .with_header("x-collector-token", "otlp-S3CRET"),
    )
    .unwrap();
    let err = sink.record(&report(1.0)).await.unwrap_err().to_string();
    assert!(other.requests().is_empty(), "the redirect was followed");
    assert_eq!(
        first.requests()[0].header("x-collector-token"),
        Some("otlp-S3CRET")
    );
    let host = other.url().trim_start_matches("http://");
    assert!(err.contains("answered HTTP 307, a redirect to"), "{err}");
    assert!(err.contains(&format!("http://{host}/v1/metrics")), "{err}");
    for secret in ["pw-4242", "q-secret", "otlp-S3CRET"] {
        assert!(!err.contains(secret), "{secret} in {err}");
    }
}

#[test]
fn a_malformed_endpoint_error_hides_the_url_password() {
    for endpoint in [
        "http://me:hun^ter2@collector:4318/v1/metrics",
        "http://me:hunter2@collector:4318/v1/met rics",
    ] {
        let err = OtlpSink::new(OtlpSettings::new(endpoint)).unwrap_err();
        let text = format!("{err} / {err:?}");
        assert!(
            text.contains("cannot set up the OTLP exporter for http://collector:4318/v1/"),
            "{text}"
        );
        assert!(!text.contains("ter2"), "password leaked: {text}");
    }
}

#[tokio::test]
async fn the_resource_carries_the_deployments_attributes_but_the_run_names_itself() {
    let stub = receiver();
    let mut settings = OtlpSettings::new(format!("{}/v1/metrics", stub.url()));
    settings.resource.extend([
        ("k8s.node.name".to_string(), "worker-3".to_string()),
        (RUN_ID.to_string(), "not-the-run".to_string()),
    ]);
    let mut sink = OtlpSink::new(settings).unwrap();
    sink.record(&report(1.0)).await.unwrap();
    let export = decode(&stub.requests_to("/v1/metrics")[0]);
    let resource = export.resource_metrics[0].resource.clone().unwrap();
    let attributes = &resource.attributes;
    assert_eq!(
        text(attributes, "k8s.node.name").as_deref(),
        Some("worker-3")
    );
    assert_eq!(text(attributes, RUN_ID).as_deref(), Some("run-1"));
    assert_eq!(
        attributes.iter().filter(|kv| kv.key == RUN_ID).count(),
        1,
        "{attributes:?}"
    );
    let host = std::fs::read_to_string("/proc/sys/kernel/hostname").unwrap();
    assert_eq!(
        text(attributes, "host.name").as_deref(),
        Some(host.trim_end())
    );
}
