//! The logger sink through a capturing JSON subscriber.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use codecarbon_core::{
    registry, Config, EmissionsData, KgCo2eq, KilowattHours, Report, Sink, CSV_COLUMNS,
};
use codecarbon_logger::{LoggerSink, TARGET};
use serde_json::Value;
use std::io::Write;
use std::sync::{Arc, Mutex};
use std::time::Duration;

#[derive(Clone, Default)]
struct Buffer(Arc<Mutex<Vec<u8>>>);

impl Write for Buffer {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

impl Buffer {
    fn lines(&self) -> Vec<Value> {
        String::from_utf8(self.0.lock().unwrap().clone())
            .unwrap()
            .lines()
            .map(|l| serde_json::from_str(l).unwrap())
            .collect()
    }
}

fn capture() -> (Buffer, tracing::subscriber::DefaultGuard) {
    let buffer = Buffer::default();
    let writer = buffer.clone();
    let subscriber = tracing_subscriber::fmt()
        .json()
        .flatten_event(true)
        .with_writer(move || writer.clone())
        .finish();
    (buffer, tracing::subscriber::set_default(subscriber))
}

fn report(secs: u64, kg: f64) -> Report {
    Report::new(
        {
            let mut data = EmissionsData::default();
            data.run_id = "run-7".into();
            data.project_name = "proj".into();
            data.duration = Duration::from_secs(secs);
            data.emissions = KgCo2eq(kg);
            data.cpu_energy = KilowattHours(1e-5);
            data.country_name = Some("France".into());
            data
        },
        Default::default(),
    )
}

#[tokio::test]
async fn each_call_is_one_info_event_holding_codecarbons_json() {
    let (buffer, _guard) = capture();
    let mut sink = LoggerSink;
    sink.record(&report(15, 1e-6)).await.unwrap();
    sink.flush(&report(20, 2e-6)).await.unwrap();
    sink.finish(&report(30, 3e-6)).await.unwrap();

    let lines = buffer.lines();
    assert_eq!(lines.len(), 3);
    let kinds: Vec<&str> = lines.iter().map(|l| l["event"].as_str().unwrap()).collect();
    assert_eq!(kinds, ["record", "flush", "finish"]);
    for line in &lines {
        assert_eq!(line["level"], "INFO");
        assert_eq!(line["target"], TARGET);
    }
    let record: serde_json::Map<String, Value> =
        serde_json::from_str(lines[2]["emissions"].as_str().unwrap()).unwrap();
    let keys: Vec<&str> = record.keys().map(String::as_str).collect();
    let mut expected = CSV_COLUMNS.to_vec();
    let mut sorted = keys.clone();
    sorted.sort();
    expected.sort();
    assert_eq!(sorted, expected);
    assert_eq!(record["run_id"], "run-7");
    assert_eq!(record["duration"], 30.0);
    assert_eq!(record["emissions"], 3e-6);
    assert_eq!(record["cpu_energy"], 1e-5);
    assert_eq!(record["country_name"], "France");
    assert_eq!(record["region"], Value::Null);
    let first: Value = serde_json::from_str(lines[0]["emissions"].as_str().unwrap()).unwrap();
    assert_eq!(first["duration"], 15.0);
}

#[tokio::test]
async fn the_registry_builds_it() {
    assert_eq!(codecarbon_logger::PLUGINS, ["logger"]);
    let d = registry::sinks()
        .into_iter()
        .find(|p| p.name == "logger")
        .unwrap();
    assert_eq!(d.priority, 0);
    let mut sink = (d.build)(&Config::default()).unwrap();
    let (buffer, _guard) = capture();
    sink.flush(&report(1, 0.5)).await.unwrap();
    assert_eq!(buffer.lines().len(), 1);
}
