//! The BoAmps sink through its public API: where and when it writes, and what survives.

#![allow(clippy::unwrap_used, clippy::panic)] // test helpers, outside #[test] functions

use codecarbon_boamps::{BoampsError, BoampsSettings, BoampsSink};
use codecarbon_core::settings::Settings;
use codecarbon_core::{
    registry, BuildError, Config, EmissionsData, KilowattHours, Provenance, Report, Sink,
};
use codecarbon_testkit::file_names;
use serde_json::Value;
use std::fs;
use std::path::Path;
use std::time::Duration;

const TASK: &str = r#"{"task":{"taskStage":"inference","taskFamily":"chatbot","algorithms":[{"foundationModelName":"llama3.1-8b"}],"dataset":[{"dataUsage":"input","dataType":"text"}]}}"#;

fn report(run_id: &str, kwh: f64) -> Report {
    let mut data = EmissionsData::default();
    data.timestamp = "2025-01-02T03:04:05".into();
    data.run_id = run_id.into();
    data.duration = Duration::from_secs(60);
    data.energy_consumed = KilowattHours(kwh);
    data.os = "Linux".into();
    Report::new(data, Provenance::default())
}

fn config(dir: &Path) -> Config {
    let mut config = Config {
        output_dir: dir.to_path_buf(),
        ..Config::default()
    };
    config.set("metadata", TASK, "a test").unwrap();
    config
}

fn sink(config: &Config) -> Result<BoampsSink, BoampsError> {
    BoampsSink::new(config, &BoampsSettings::from_config(config).unwrap())
}

fn read(path: &Path) -> Value {
    serde_json::from_str(&fs::read_to_string(path).unwrap()).unwrap()
}

fn energy(path: &Path) -> f64 {
    read(path)["measures"][0]["powerConsumption"]
        .as_f64()
        .unwrap()
}

#[tokio::test]
async fn flush_and_finish_replace_the_runs_report_and_record_only_checkpoints() {
    let dir = tempfile::tempdir().unwrap();
    let mut sink = sink(&config(dir.path().join("new").as_path())).unwrap();
    let path = sink.report_path("run-a");
    assert_eq!(path, dir.path().join("new/boamps_report_run-a.json"));
    assert!(sink.checkpoints());

    sink.record(&report("run-a", 0.1)).await.unwrap();
    assert!(!path.exists(), "a record is a checkpoint, no report");
    sink.flush(&report("run-a", 0.2)).await.unwrap();
    assert_eq!(energy(&path), 0.2);
    sink.finish(&report("run-a", 0.3)).await.unwrap();
    assert_eq!(energy(&path), 0.3);

    let text = fs::read_to_string(&path).unwrap();
    assert!(text.starts_with("{\n  \"header\": {\n"), "{text}");
    assert!(text.ends_with("}\n"), "{text}");
    // The schema's order: header, task, measures, system, ..., not the alphabet's.
    let at = |key: &str| text.find(&format!("\n  \"{key}\"")).unwrap();
    assert!(
        at("header") < at("task") && at("task") < at("measures") && at("measures") < at("system")
    );
    assert_eq!(read(&path)["task"]["taskFamily"], "chatbot");
    assert_eq!(
        file_names(&dir.path().join("new")),
        [".boamps_report.lock", "boamps_report_run-a.json"]
    );
}

#[tokio::test]
async fn a_run_that_never_finished_is_written_by_the_next_sink() {
    let dir = tempfile::tempdir().unwrap();
    let mut killed = sink(&config(dir.path())).unwrap();
    killed.record(&report("run-k", 1.0)).await.unwrap();
    killed.record(&report("run-k", 2.0)).await.unwrap();
    assert!(dir.path().join(".boamps_report.run-k.checkpoint").exists());
    drop(killed); // as a killed process: no finish

    let next = sink(&config(dir.path())).unwrap();
    assert_eq!(energy(&next.report_path("run-k")), 2.0);
    assert_eq!(
        file_names(dir.path()),
        [".boamps_report.lock", "boamps_report_run-k.json"]
    );
}

#[tokio::test]
async fn a_report_that_cannot_be_written_waits_in_the_checkpoint() {
    let dir = tempfile::tempdir().unwrap();
    let mut sink1 = sink(&config(dir.path())).unwrap();
    let path = sink1.report_path("run-w");
    fs::create_dir(&path).unwrap(); // the report can no longer be written
    let err = sink1
        .finish(&report("run-w", 2.0))
        .await
        .unwrap_err()
        .to_string();
    assert!(err.starts_with("boamps: "), "{err}");
    assert!(err.contains("not a regular file"), "{err}");
    assert!(
        err.contains(".boamps_report.run-w.checkpoint") && err.contains("next tracker"),
        "{err}"
    );
    drop(sink1);
    fs::remove_dir(&path).unwrap();
    sink(&config(dir.path())).unwrap();
    assert_eq!(energy(&path), 2.0);
}

#[cfg(unix)]
#[tokio::test]
async fn a_link_planted_at_the_report_is_not_written_through() {
    let dir = tempfile::tempdir().unwrap();
    let passwd = dir.path().join("passwd");
    fs::write(&passwd, "root:x:0:0\n").unwrap();
    let mut sink = sink(&config(dir.path())).unwrap();
    std::os::unix::fs::symlink(&passwd, sink.report_path("run-l")).unwrap();
    let err = sink
        .finish(&report("run-l", 1.0))
        .await
        .unwrap_err()
        .to_string();
    assert!(err.contains("symbolic link"), "{err}");
    assert_eq!(fs::read_to_string(&passwd).unwrap(), "root:x:0:0\n");
}

#[test]
fn a_metadata_file_that_cannot_be_used_stops_the_build() {
    let dir = tempfile::tempdir().unwrap();
    let bad = dir.path().join("metadata.json");
    fs::write(&bad, r#"{"task": {"taskStage": "training", "epochs": 3}}"#).unwrap();
    for (metadata, says) in [
        (dir.path().join("missing.json"), "missing.json"),
        (bad.clone(), "unknown field `epochs`"),
    ] {
        let mut config = config(dir.path());
        config
            .set("metadata", metadata.to_str().unwrap(), "a test")
            .unwrap();
        let err = sink(&config).unwrap_err().to_string();
        assert!(err.contains(says) && err.contains("`metadata`"), "{err}");
    }
}

#[test]
fn the_registry_builds_it_and_reports_a_bad_directory_as_invalid() {
    let boamps = registry::sinks()
        .into_iter()
        .find(|p| p.name == "boamps")
        .unwrap();
    assert_eq!(codecarbon_boamps::PLUGINS, ["boamps"]);
    let dir = tempfile::tempdir().unwrap();
    assert!((boamps.build)(&config(dir.path())).is_ok());
    let blocker = dir.path().join("file");
    fs::write(&blocker, "").unwrap();
    match (boamps.build)(&config(&blocker)) {
        Err(BuildError::Invalid {
            plugin: "boamps",
            message,
        }) => assert!(message.contains("output_dir"), "{message}"),
        Err(other) => panic!("wrong error {other}"),
        Ok(_) => panic!("built in a file"),
    }
}
