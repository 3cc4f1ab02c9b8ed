//! The plugin as the engine builds it: endpoint, headers and resource from the standard
//! variables.
//! (Its own test binary: it sets process environment variables.)

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use codecarbon_core::{registry, Config, EmissionsData, Report};
use codecarbon_testkit::{HttpStub, Reply};
use opentelemetry_proto::tonic::collector::metrics::v1::ExportMetricsServiceRequest;
use opentelemetry_proto::tonic::common::v1::any_value;
use prost::Message;

#[test]
fn the_registry_builds_it_from_otel_variables() {
    assert_eq!(codecarbon_otlp::PLUGINS, ["otlp"]); // keeps the registration linked
    let stub = HttpStub::start(|_| Reply::bytes("application/x-protobuf", Vec::new()));
    // Only this test runs in this process, so setting the environment races with nothing.
    std::env::set_var(
        "OTEL_EXPORTER_OTLP_ENDPOINT",
        format!("{}/base/", stub.url()),
    );
    std::env::set_var(
        "OTEL_EXPORTER_OTLP_HEADERS",
        "x-collector-token=t0k3n%21,x-team=green",
    );
    std::env::set_var("OTEL_SERVICE_NAME", "energy-meter");
    std::env::set_var(
        "OTEL_RESOURCE_ATTRIBUTES",
        "k8s.node.name=worker-3,k8s.namespace.name=monitoring",
    );
    let d = registry::sinks()
        .into_iter()
        .find(|p| p.name == "otlp")
        .unwrap();
    let Ok(mut sink) = (d.build)(&Config::default()) else {
        panic!("not built");
    };
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let report = Report::new(
        {
            let mut data = EmissionsData::default();
            data.run_id = "r".into();
            data
        },
        Default::default(),
    );
    rt.block_on(sink.flush(&report)).unwrap();
    let reqs = stub.requests_to("/base/v1/metrics");
    assert_eq!(reqs.len(), 1, "{:?}", stub.requests());
    assert_eq!(reqs[0].header("x-collector-token"), Some("t0k3n!"));
    assert_eq!(reqs[0].header("x-team"), Some("green"));
    let export = ExportMetricsServiceRequest::decode(reqs[0].body.as_slice()).unwrap();
    let resource = export.resource_metrics[0].resource.clone().unwrap();
    let attribute = |key: &str| {
        resource
            .attributes
            .iter()
            .find(|kv| kv.key == key)
            .and_then(|kv| match kv.value.as_ref()?.value.as_ref()? {
                any_value::Value::StringValue(s) => Some(s.clone()),
                _ => None,
            })
    };
    assert_eq!(attribute("service.name").as_deref(), Some("energy-meter"));
    assert_eq!(attribute("k8s.node.name").as_deref(), Some("worker-3"));
    assert_eq!(
        attribute("k8s.namespace.name").as_deref(),
        Some("monitoring")
    );
    assert_eq!(attribute(codecarbon_otlp::RUN_ID).as_deref(), Some("r"));
}
