//! A local OTLP/HTTP collector: answers `POST /v1/metrics` and decodes the protobuf it got.

use super::close;
use codecarbon_testkit::{HttpStub, Recorded, Reply};
use opentelemetry_proto::tonic::collector::metrics::v1::ExportMetricsServiceRequest;
use opentelemetry_proto::tonic::common::v1::{any_value, KeyValue};
use opentelemetry_proto::tonic::metrics::v1::{metric, number_data_point, Metric};
use prost::Message;

/// The path exports go to under `OTEL_EXPORTER_OTLP_ENDPOINT`.
pub const METRICS_PATH: &str = "/v1/metrics";

/// A collector that accepts every export to [`METRICS_PATH`].
pub fn receiver() -> HttpStub {
    HttpStub::start(|req: &Recorded| {
        if req.method == "POST" && req.path == METRICS_PATH {
            Reply::bytes("application/x-protobuf", Vec::new())
        } else {
            Reply::status(404)
        }
    })
}

/// One export, decoded.
pub fn decode(req: &Recorded) -> ExportMetricsServiceRequest {
    assert_eq!(
        req.header("content-type"),
        Some("application/x-protobuf"),
        "{req:?}"
    );
    ExportMetricsServiceRequest::decode(req.body.as_slice()).expect("an OTLP metrics export")
}

/// A string attribute.
pub fn text(attrs: &[KeyValue], key: &str) -> Option<String> {
    attrs.iter().find(|kv| kv.key == key).and_then(|kv| {
        match kv.value.as_ref()?.value.as_ref()? {
            any_value::Value::StringValue(s) => Some(s.clone()),
            _ => None,
        }
    })
}

/// A resource attribute of the (single) resource of an export.
pub fn resource_attr(export: &ExportMetricsServiceRequest, key: &str) -> Option<String> {
    let resource = export.resource_metrics.first()?.resource.as_ref()?;
    text(&resource.attributes, key)
}

/// Every metric of an export, whatever its scope.
pub fn metrics(export: &ExportMetricsServiceRequest) -> Vec<Metric> {
    export
        .resource_metrics
        .iter()
        .flat_map(|r| &r.scope_metrics)
        .flat_map(|s| s.metrics.clone())
        .collect()
}

/// The data points of a sum or gauge, as (`component` attribute or `""`, value).
pub fn points(m: &Metric) -> Vec<(String, f64)> {
    let points = match m.data.as_ref() {
        Some(metric::Data::Sum(s)) => &s.data_points,
        Some(metric::Data::Gauge(g)) => &g.data_points,
        other => panic!("{} is neither a sum nor a gauge: {other:?}", m.name),
    };
    points
        .iter()
        .map(|p| {
            let value = match p.value {
                Some(number_data_point::Value::AsDouble(v)) => v,
                Some(number_data_point::Value::AsInt(v)) => v as f64,
                None => f64::NAN,
            };
            (text(&p.attributes, "component").unwrap_or_default(), value)
        })
        .collect()
}

/// The collector decoded exports with the three metrics, the run's id, and at the end the
/// CSV's energy.
pub fn assert_last_export(collector: &HttpStub, run_id: &str, energy_kwh: f64) {
    let exports = collector.requests_to(METRICS_PATH);
    assert!(
        !exports.is_empty(),
        "no OTLP export: {:?}",
        collector.requests()
    );
    let last = decode(exports.last().unwrap());
    assert_eq!(
        resource_attr(&last, "codecarbon.run_id").as_deref(),
        Some(run_id)
    );
    let metrics = metrics(&last);
    let names: Vec<&str> = metrics.iter().map(|m| m.name.as_str()).collect();
    for name in [
        "codecarbon.energy",
        "codecarbon.emissions",
        "codecarbon.power",
    ] {
        assert!(names.contains(&name), "{name} missing from {names:?}");
    }
    let energy = metrics
        .iter()
        .find(|m| m.name == "codecarbon.energy")
        .unwrap();
    assert_eq!(energy.unit, "J");
    let joules: f64 = points(energy).iter().map(|(_, v)| v).sum();
    assert!(
        close(joules, energy_kwh * 3.6e6, 1e-6),
        "the last export's {joules} J vs the CSV's {energy_kwh} kWh"
    );
}
