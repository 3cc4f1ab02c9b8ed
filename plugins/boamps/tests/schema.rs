//! The reports the sink writes are BoAmps reports: Boavizta's own schema says so.

#![allow(clippy::unwrap_used, clippy::panic)]

#[path = "support/schema.rs"]
mod schema;

use codecarbon_boamps::{BoampsSettings, BoampsSink};
use codecarbon_core::settings::Settings;
use codecarbon_core::{
    Component, ComponentProvenance, Config, EmissionsData, Gigabytes, GramsPerKwh, Intensity,
    IntensityBasis, KilowattHours, Method, Percent, Provenance, Report, Sink,
};
use serde_json::{json, Value};
use std::path::Path;
use std::time::Duration;

/// A run with everything the report can take from one: GPUs, Python, the cloud, coordinates.
fn full_run() -> Report {
    let mut data = EmissionsData::default();
    data.timestamp = "2025-06-01T12:00:00".into();
    data.run_id = "5b0fa12a-3dd7-45bb-9766-cc326314d9f1".into();
    data.duration = Duration::from_secs(3600);
    data.energy_consumed = KilowattHours(1.25);
    data.country_name = Some("France".into());
    data.cloud_provider = Some("gcp".into());
    data.on_cloud = true;
    data.os = "Linux-6.1-x86_64".into();
    data.python_version = Some("3.12.1".into());
    data.codecarbon_version = "0.1.0".into();
    data.cpu_count = 32;
    data.cpu_model = Some("AMD EPYC 7B13".into());
    data.gpu_count = 4;
    data.gpu_model = Some("4 x NVIDIA A100-SXM4-40GB".into());
    data.latitude = Some(48.85);
    data.longitude = Some(2.35);
    data.ram_total_size = Gigabytes(256.0);
    data.cpu_utilization_percent = Percent(73.2);
    data.gpu_utilization_percent = Percent(91.5);
    let provenance = Provenance::new(vec![
        ComponentProvenance::new(Component::Cpu, Method::Measured, "rapl"),
        ComponentProvenance::new(Component::Gpu, Method::Measured, "nvml"),
        ComponentProvenance::new(Component::Ram, Method::Estimated, "tdp"),
    ])
    .with_intensity(Intensity::new(
        GramsPerKwh(56.0),
        "Our World in Data",
        IntensityBasis::Country,
    ));
    Report::new(data, provenance)
}

/// A context that fills every section the user can give, enumerations included.
fn full_context() -> Value {
    json!({"boamps": {
        "header": {
            "licensing": "Creative Commons 4.0",
            "reportStatus": "final",
            "publisher": {"name": "ACME", "confidentialityLevel": "public"},
        },
        "task": {
            "taskStage": "training",
            "taskFamily": "image classification",
            "nbRequest": 0,
            "algorithms": [{"algorithmName": "resnet", "parametersNumber": 0.025, "epochsNumber": 10}],
            "dataset": [{"dataUsage": "input", "dataType": "image", "dataFormat": "png", "source": "public"}],
            "measuredAccuracy": 0.93,
        },
        "quality": "high",
        "system": {"distribution": "debian", "distributionVersion": "12"},
        "infrastructure": {
            "cloudInstance": "a2-highgpu-4g",
            "components": [{"componentType": "gpu", "memorySize": 40, "manufacturer": "nvidia", "share": 1}],
        },
        "environment": {"location": "europe-west9", "powerSupplierType": "public", "powerSource": "nuclear"},
    }})
}

/// The report a sink with `metadata` writes at stop for `run`, as JSON.
fn written(dir: &Path, metadata: Option<&Value>, run: &Report) -> Value {
    let mut config = Config {
        output_dir: dir.to_path_buf(),
        ..Config::default()
    };
    if let Some(metadata) = metadata {
        config
            .set("metadata", &metadata.to_string(), "a test")
            .unwrap();
    }
    let mut sink =
        BoampsSink::new(&config, &BoampsSettings::from_config(&config).unwrap()).unwrap();
    let runtime = tokio::runtime::Builder::new_current_thread()
        .build()
        .unwrap();
    runtime.block_on(sink.finish(run)).unwrap();
    let path = sink.report_path(&run.data.run_id);
    serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
}

#[test]
fn a_report_with_its_task_is_valid() {
    let dir = tempfile::tempdir().unwrap();
    let report = written(dir.path(), Some(&full_context()), &full_run());
    assert_eq!(schema::errors(&report), Vec::<String>::new(), "{report:#}");
    // The run and the user both filled it.
    assert_eq!(report["measures"][0]["powerConsumption"], 1.25);
    assert_eq!(report["task"]["taskStage"], "training");
    assert_eq!(
        report["infrastructure"]["components"][0]["componentName"],
        "4 x NVIDIA A100-SXM4-40GB"
    );
}

#[test]
fn a_bare_run_lacks_only_the_task() {
    let dir = tempfile::tempdir().unwrap();
    // Nothing known but what every record has: its time and its run.
    let mut data = EmissionsData::default();
    data.timestamp = "2025-06-01T12:00:00".into();
    data.run_id = "run-1".into();
    let report = written(dir.path(), None, &Report::new(data, Provenance::default()));
    let errors = schema::errors(&report);
    assert_eq!(errors.len(), 1, "{errors:?}");
    assert!(
        errors[0].contains("\"task\" is a required property"),
        "{errors:?}"
    );
}

#[test]
fn the_validator_is_not_a_rubber_stamp() {
    let dir = tempfile::tempdir().unwrap();
    let mut report = written(dir.path(), Some(&full_context()), &full_run());
    report["quality"] = json!("excellent");
    report["infrastructure"]["components"][1]["nbComponent"] = json!(1.5);
    report["measures"][0]["averageUtilizationCpu"] = json!(73.2);
    let errors = schema::errors(&report);
    assert_eq!(errors.len(), 3, "{errors:?}");
    for place in [
        "/quality",
        "/infrastructure/components/1/nbComponent",
        "/measures/0/averageUtilizationCpu",
    ] {
        assert!(
            errors.iter().any(|e| e.starts_with(place)),
            "{place}: {errors:?}"
        );
    }
}
