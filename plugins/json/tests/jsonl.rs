//! The JSON Lines sink through its public API.

#![allow(clippy::unwrap_used, clippy::panic)] // test helpers, outside #[test] functions

use codecarbon_core::output::OutputError;
use codecarbon_core::{
    registry, BuildError, Component, ComponentProvenance, Config, EmissionsData, Gigabytes,
    GramsPerKwh, Intensity, KgCo2eq, KgCo2eqPerSecond, KilowattHours, Liters, LitersPerKwh, Method,
    Percent, Provenance, Report, Sink, TrackingMode, Watts, CSV_COLUMNS,
};
use codecarbon_json::{JsonSink, JsonSinkError};
use codecarbon_testkit::file_names;
use serde::de::{Deserializer, IgnoredAny, MapAccess, Visitor};
use serde_json::{json, Value};
use std::fmt;
use std::fs;
use std::path::Path;
use std::time::Duration;

fn report(run_id: &str, secs: f64) -> Report {
    let mut data = EmissionsData::default();
    data.timestamp = "2025-01-02T03:04:05".into();
    data.project_name = "proj".into();
    data.run_id = run_id.into();
    data.experiment_id = "exp".into();
    data.duration = Duration::from_secs_f64(secs);
    data.emissions = KgCo2eq(1e-6);
    data.emissions_rate = KgCo2eqPerSecond(1e-6 / secs);
    data.cpu_power = Watts(30.0);
    data.gpu_power = Watts(0.0);
    data.ram_power = Watts(5.0);
    data.cpu_energy = KilowattHours(2e-5);
    data.gpu_energy = KilowattHours(0.0);
    data.ram_energy = KilowattHours(3e-6);
    data.energy_consumed = KilowattHours(2.3e-5);
    data.water_consumed = Liters(0.0);
    data.country_name = Some("France".into());
    data.country_iso_code = Some("FRA".into());
    data.region = None;
    data.cloud_provider = None;
    data.cloud_region = None;
    data.os = "Linux".into();
    data.python_version = None;
    data.codecarbon_version = "0.1.0".into();
    data.cpu_count = 8;
    data.cpu_model = Some("Xeon \"8\", fast\nline".into());
    data.gpu_count = 0;
    data.gpu_model = None;
    data.longitude = Some(2.35);
    data.latitude = None;
    data.ram_total_size = Gigabytes(16.0);
    data.tracking_mode = TrackingMode::Process;
    data.cpu_utilization_percent = Percent(12.5);
    data.gpu_utilization_percent = Percent(0.0);
    data.ram_utilization_percent = Percent(40.0);
    data.ram_used_gb = Gigabytes(6.4);
    data.on_cloud = false;
    data.pue = 1.0;
    data.wue = LitersPerKwh(0.0);
    let provenance = Provenance::new(vec![
        ComponentProvenance::new(Component::Cpu, Method::Estimated, "tdp"),
        ComponentProvenance::new(Component::Ram, Method::Estimated, "ram-model"),
    ])
    .with_intensity(
        Intensity::new(
            GramsPerKwh(56.0),
            "Our World in Data",
            codecarbon_core::IntensityBasis::Country,
        )
        .with_year(2023),
    );
    Report::new(data, provenance)
}

fn config(dir: &Path) -> Config {
    Config {
        output_dir: dir.to_path_buf(),
        ..Config::default()
    }
}

/// The keys of a JSON object, in the order they are written.
struct Keys(Vec<String>);

impl<'de> serde::Deserialize<'de> for Keys {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = Keys;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("an object")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Keys, A::Error> {
                let mut keys = Vec::new();
                while let Some(k) = map.next_key::<String>()? {
                    map.next_value::<IgnoredAny>()?;
                    keys.push(k);
                }
                Ok(Keys(keys))
            }
        }
        d.deserialize_map(V)
    }
}

fn lines(path: &Path) -> Vec<String> {
    let text = fs::read_to_string(path).unwrap();
    assert!(text.ends_with('\n'));
    text.lines().map(String::from).collect()
}

#[tokio::test]
async fn one_line_per_flush_and_finish_with_the_38_keys_in_order_and_provenance() {
    let dir = tempfile::tempdir().unwrap();
    let mut sink = JsonSink::new(&config(dir.path())).unwrap();
    assert_eq!(sink.path(), dir.path().join("emissions.jsonl"));
    sink.record(&report("run-a", 1.0)).await.unwrap(); // a checkpoint, no line
    assert!(!sink.path().exists());
    sink.flush(&report("run-a", 1.0)).await.unwrap();
    sink.finish(&report("run-a", 2.5)).await.unwrap();
    let lines = lines(sink.path());
    assert_eq!(lines.len(), 2);
    let keys: Keys = serde_json::from_str(&lines[1]).unwrap();
    let mut expected: Vec<&str> = CSV_COLUMNS.to_vec();
    expected.push("provenance");
    assert_eq!(keys.0, expected);
    let v: Value = serde_json::from_str(&lines[1]).unwrap();
    assert_eq!(v["run_id"], "run-a");
    assert_eq!(v["duration"], 2.5);
    assert_eq!(v["on_cloud"], "N");
    assert_eq!(v["tracking_mode"], "process");
    assert_eq!(v["region"], Value::Null);
    assert_eq!(v["latitude"], Value::Null);
    assert_eq!(v["cpu_model"], "Xeon \"8\", fast\nline");
    assert_eq!(
        v["provenance"],
        json!({
            "cpu": {"method": "estimated", "source": "tdp"},
            "ram": {"method": "estimated", "source": "ram-model"},
            "intensity": {"basis": "country", "source": "Our World in Data", "year": 2023, "g_per_kwh": 56.0},
        })
    );
    let provenance_keys: Keys = serde_json::from_value(v["provenance"].clone()).unwrap();
    assert_eq!(provenance_keys.0.len(), 3);
    assert_eq!(
        file_names(dir.path()),
        [".emissions.jsonl.lock", "emissions.jsonl"]
    );
}

#[tokio::test]
async fn a_run_that_never_finished_is_written_by_the_next_sink() {
    let dir = tempfile::tempdir().unwrap();
    let mut sink = JsonSink::new(&config(dir.path())).unwrap();
    sink.record(&report("run-k", 1.0)).await.unwrap();
    sink.record(&report("run-k", 2.0)).await.unwrap();
    assert!(dir
        .path()
        .join(".emissions.jsonl.run-k.checkpoint")
        .exists());
    drop(sink); // as a killed process: no finish
    let sink = JsonSink::new(&config(dir.path())).unwrap();
    let lines = lines(sink.path());
    assert_eq!(lines.len(), 1);
    let v: Value = serde_json::from_str(&lines[0]).unwrap();
    assert_eq!(
        (v["run_id"].as_str(), v["duration"].as_f64()),
        (Some("run-k"), Some(2.0))
    );
    assert_eq!(v["provenance"]["cpu"]["source"], "tdp");
    assert_eq!(
        file_names(dir.path()),
        [".emissions.jsonl.lock", "emissions.jsonl"]
    );
}

#[tokio::test]
async fn a_line_that_cannot_be_written_waits_in_the_checkpoint() {
    let dir = tempfile::tempdir().unwrap();
    let mut sink = JsonSink::new(&config(dir.path())).unwrap();
    sink.record(&report("run-w", 1.0)).await.unwrap();
    let path = sink.path().to_path_buf();
    fs::create_dir(&path).unwrap(); // the file can no longer be written
    let err = sink
        .finish(&report("run-w", 2.0))
        .await
        .unwrap_err()
        .to_string();
    assert!(err.contains("is a directory, not a regular file"), "{err}");
    assert!(
        err.contains(".emissions.jsonl.run-w.checkpoint") && err.contains("next tracker"),
        "{err}"
    );
    drop(sink);
    fs::remove_dir(&path).unwrap();
    JsonSink::new(&config(dir.path())).unwrap();
    let v: Value = serde_json::from_str(&lines(&path)[0]).unwrap();
    assert_eq!(v["duration"], 2.0);
}

#[tokio::test]
async fn a_torn_last_line_is_moved_aside_and_the_lines_before_it_kept() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("emissions.jsonl");
    fs::write(&path, "{\"run_id\":\"old\"}\n{\"run_id\":\"cut").unwrap();
    let mut sink = JsonSink::new(&config(dir.path())).unwrap();
    sink.finish(&report("run-t", 1.0)).await.unwrap();
    let lines = lines(&path);
    assert_eq!(lines.len(), 2);
    assert_eq!(lines[0], "{\"run_id\":\"old\"}");
    serde_json::from_str::<Value>(&lines[1]).unwrap();
    assert_eq!(
        fs::read_to_string(dir.path().join("emissions.jsonl.torn")).unwrap(),
        "{\"run_id\":\"cut\n"
    );
}

#[cfg(unix)]
#[tokio::test]
async fn a_link_planted_at_the_file_during_the_run_is_not_written_through() {
    let dir = tempfile::tempdir().unwrap();
    let passwd = dir.path().join("passwd");
    fs::write(&passwd, "root:x:0:0:root:/root:/bin/sh\n").unwrap();
    let mut sink = JsonSink::new(&config(dir.path())).unwrap();
    sink.record(&report("run-l", 1.0)).await.unwrap();
    std::os::unix::fs::symlink(&passwd, sink.path()).unwrap();
    let err = sink
        .finish(&report("run-l", 2.0))
        .await
        .unwrap_err()
        .to_string();
    assert!(
        err.contains("symbolic link") && err.contains("checkpoint"),
        "{err}"
    );
    assert_eq!(
        fs::read_to_string(&passwd).unwrap(),
        "root:x:0:0:root:/root:/bin/sh\n"
    );
}

#[tokio::test]
async fn the_file_is_named_after_the_csv_and_a_missing_final_newline_is_mended() {
    let dir = tempfile::tempdir().unwrap();
    let mut cfg = config(dir.path());
    cfg.output_file = "sub/runs.csv".into();
    let path = dir.path().join("sub/runs.jsonl");
    fs::create_dir(dir.path().join("sub")).unwrap();
    fs::write(&path, "{\"user\":\"line\"}").unwrap();
    let mut sink = JsonSink::new(&cfg).unwrap();
    assert_eq!(sink.path(), path);
    sink.finish(&report("run-a", 1.0)).await.unwrap();
    let lines = lines(&path);
    assert_eq!(lines[0], "{\"user\":\"line\"}");
    assert_eq!(lines.len(), 2);
    serde_json::from_str::<Value>(&lines[1]).unwrap();
}

#[test]
fn concurrent_appends_stay_whole_lines() {
    let dir = tempfile::tempdir().unwrap();
    std::thread::scope(|s| {
        for t in 0..4 {
            let dir = dir.path();
            s.spawn(move || {
                let rt = tokio::runtime::Builder::new_current_thread()
                    .build()
                    .unwrap();
                rt.block_on(async {
                    let mut sink = JsonSink::new(&config(dir)).unwrap();
                    for i in 1..=25 {
                        sink.flush(&report(&format!("t{t}"), i as f64))
                            .await
                            .unwrap();
                    }
                });
            });
        }
    });
    let lines = lines(&dir.path().join("emissions.jsonl"));
    assert_eq!(lines.len(), 100);
    for t in 0..4 {
        let durations: Vec<f64> = lines
            .iter()
            .map(|l| serde_json::from_str::<Value>(l).unwrap())
            .filter(|v| v["run_id"] == format!("t{t}"))
            .map(|v| v["duration"].as_f64().unwrap())
            .collect();
        let expected: Vec<f64> = (1..=25).map(f64::from).collect();
        assert_eq!(durations, expected);
    }
}

#[test]
fn a_file_where_the_directory_should_be_is_a_clear_error() {
    let dir = tempfile::tempdir().unwrap();
    let blocker = dir.path().join("out");
    fs::write(&blocker, "x").unwrap();
    let err = JsonSink::new(&config(&blocker)).unwrap_err();
    assert!(
        matches!(err, JsonSinkError::Output(OutputError::CreateDir { .. })),
        "{err:?}"
    );
    let text = err.to_string();
    assert!(text.contains(&blocker.display().to_string()) && text.contains("set `output_dir`"));
    assert_eq!(fs::read_to_string(&blocker).unwrap(), "x");
}

#[test]
fn the_registry_builds_it_and_reports_a_bad_directory_as_invalid() {
    let json = registry::sinks()
        .into_iter()
        .find(|p| p.name == "json")
        .unwrap();
    assert_eq!(codecarbon_json::PLUGINS, ["json"]);
    let dir = tempfile::tempdir().unwrap();
    assert!((json.build)(&config(dir.path())).is_ok());
    let blocker = dir.path().join("file");
    fs::write(&blocker, "").unwrap();
    match (json.build)(&config(&blocker)) {
        Err(BuildError::Invalid {
            plugin: "json",
            message,
        }) => {
            assert!(message.contains("output_dir"), "{message}")
        }
        Err(other) => panic!("wrong error {other}"),
        Ok(_) => panic!("built in a file"),
    }
}

#[tokio::test]
async fn a_written_line_is_never_reported_lost_when_its_checkpoint_cannot_be_saved() {
    let dir = tempfile::tempdir().unwrap();
    let mut sink = JsonSink::new(&config(dir.path())).unwrap();
    sink.record(&report("run-s", 1.0)).await.unwrap();
    // From now on the checkpoint cannot be replaced: a directory (not empty) stands there.
    let checkpoint = dir.path().join(".emissions.jsonl.run-s.checkpoint");
    fs::remove_file(&checkpoint).unwrap();
    fs::create_dir(&checkpoint).unwrap();
    fs::write(checkpoint.join("x"), "").unwrap();
    assert!(sink.record(&report("run-s", 1.5)).await.is_err());
    sink.flush(&report("run-s", 2.0)).await.unwrap();
    sink.finish(&report("run-s", 3.0)).await.unwrap();
    let path = dir.path().join("emissions.jsonl");
    let durations: Vec<f64> = lines(&path)
        .iter()
        .map(|l| {
            serde_json::from_str::<Value>(l).unwrap()["duration"]
                .as_f64()
                .unwrap()
        })
        .collect();
    assert_eq!(durations, [2.0, 3.0]);
    drop(sink);
    // Nothing the next sink takes for a lost line of this run.
    JsonSink::new(&config(dir.path())).unwrap();
    assert_eq!(lines(&path).len(), 2);
}

#[test]
fn an_output_file_ending_in_jsonl_is_refused_when_the_csv_would_write_it_too() {
    let dir = tempfile::tempdir().unwrap();
    let both = Config {
        output_file: "e.jsonl".into(),
        output_methods: vec!["csv".into(), "json".into()],
        ..config(dir.path())
    };
    let err = JsonSink::new(&both).unwrap_err();
    assert!(
        matches!(err, JsonSinkError::SameFileAsCsv { .. }),
        "{err:?}"
    );
    let text = err.to_string();
    assert!(
        text.contains("e.jsonl") && text.contains("set `output_file`"),
        "{text}"
    );
    assert_eq!(fs::read_dir(dir.path()).unwrap().count(), 0, "nothing made");
    // Without the CSV, the file is the JSON Lines output's alone; a CSV name is always fine.
    let json_only = Config {
        output_methods: vec!["json".into()],
        ..both.clone()
    };
    assert!(JsonSink::new(&json_only)
        .unwrap()
        .path()
        .ends_with("e.jsonl"));
    let csv_name = Config {
        output_file: "e.csv".into(),
        ..both
    };
    assert!(JsonSink::new(&csv_name)
        .unwrap()
        .path()
        .ends_with("e.jsonl"));
}

#[tokio::test]
async fn a_file_ending_in_a_megabyte_of_zeros_is_refused_and_the_line_kept() {
    // What a crash can leave: the file's length grown, its last blocks never written.
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("emissions.jsonl");
    let good = b"{\"run_id\":\"old\"}\n";
    fs::write(&path, good).unwrap();
    let zeros = 2 << 20;
    fs::File::options()
        .write(true)
        .open(&path)
        .unwrap()
        .set_len(good.len() as u64 + zeros)
        .unwrap();
    let mut sink = JsonSink::new(&config(dir.path())).unwrap();
    let start = std::time::Instant::now();
    let err = sink
        .finish(&report("run-z", 1.0))
        .await
        .unwrap_err()
        .to_string();
    assert!(
        start.elapsed() < Duration::from_secs(5),
        "{:?}",
        start.elapsed()
    );
    assert!(
        err.contains(&format!("truncate -s {} ", good.len()))
            && err.contains(".emissions.jsonl.run-z.checkpoint"),
        "{err}"
    );
    assert_eq!(
        fs::metadata(&path).unwrap().len(),
        good.len() as u64 + zeros
    );
    assert!(!dir.path().join("emissions.jsonl.torn").exists());
    drop(sink);
    // Repaired as the message says, the next sink adds the line.
    fs::File::options()
        .write(true)
        .open(&path)
        .unwrap()
        .set_len(good.len() as u64)
        .unwrap();
    JsonSink::new(&config(dir.path())).unwrap();
    let lines = lines(&path);
    assert_eq!(lines.len(), 2);
    assert_eq!(
        serde_json::from_str::<Value>(&lines[1]).unwrap()["run_id"],
        "run-z"
    );
}
