//! Building reports and sinks for the tests.

// A child process of the tests tells its parent it is ready on standard output.
#![allow(clippy::print_stdout)]

use codecarbon_core::{
    Component, ComponentProvenance, Config, CsvWriteMode, EmissionsData, Gigabytes, GramsPerKwh,
    Intensity, KgCo2eq, KgCo2eqPerSecond, KilowattHours, Liters, LitersPerKwh, Method, Percent,
    Provenance, Report, TrackingMode, Watts, CSV_COLUMNS,
};
pub use codecarbon_testkit::file_names;
use std::path::Path;
use std::time::Duration;

/// A report for `run_id` after `secs` seconds; the CPU model needs quoting on purpose.
pub fn report(run_id: &str, secs: f64) -> Report {
    let kwh = secs * 1e-5;
    let mut data = EmissionsData::default();
    data.timestamp = "2025-01-02T03:04:05".into();
    data.project_name = "proj".into();
    data.run_id = run_id.into();
    data.experiment_id = "5b0fa12a-3dd7-45bb-9766-cc326314d9f1".into();
    data.duration = Duration::from_secs_f64(secs);
    data.emissions = KgCo2eq(kwh * 0.4);
    data.emissions_rate = KgCo2eqPerSecond(kwh * 0.4 / secs);
    data.cpu_power = Watts(30.0);
    data.gpu_power = Watts(0.0);
    data.ram_power = Watts(5.0);
    data.cpu_energy = KilowattHours(kwh);
    data.gpu_energy = KilowattHours(0.0);
    data.ram_energy = KilowattHours(kwh / 6.0);
    data.energy_consumed = KilowattHours(kwh * 7.0 / 6.0);
    data.water_consumed = Liters(0.0);
    data.country_name = Some("France".into());
    data.country_iso_code = Some("FRA".into());
    data.region = None;
    data.cloud_provider = None;
    data.cloud_region = None;
    data.os = "Linux-6.1-x86_64".into();
    data.python_version = None;
    data.codecarbon_version = "0.1.0".into();
    data.cpu_count = 8;
    data.cpu_model = Some("Intel(R) Xeon(R), \"8 cores\"".into());
    data.gpu_count = 0;
    data.gpu_model = None;
    data.longitude = Some(2.35);
    data.latitude = None;
    data.ram_total_size = Gigabytes(16.0);
    data.tracking_mode = TrackingMode::Machine;
    data.cpu_utilization_percent = Percent(12.5);
    data.gpu_utilization_percent = Percent(0.0);
    data.ram_utilization_percent = Percent(40.0);
    data.ram_used_gb = Gigabytes(6.4);
    data.on_cloud = false;
    data.pue = 1.0;
    data.wue = LitersPerKwh(0.0);
    let provenance = Provenance::new(vec![ComponentProvenance::new(
        Component::Cpu,
        Method::Estimated,
        "tdp",
    )])
    .with_intensity(
        Intensity::new(
            GramsPerKwh(56.0),
            "test",
            codecarbon_core::IntensityBasis::Country,
        )
        .with_year(2023),
    );
    Report::new(data, provenance)
}

/// A configuration writing `dir/emissions.csv` in `mode`.
pub fn config(dir: &Path, mode: CsvWriteMode) -> Config {
    Config {
        output_dir: dir.to_path_buf(),
        on_csv_write: mode,
        ..Config::default()
    }
}

/// The file's header and rows, parsed with the `csv` crate; every row must have 38 fields.
pub fn read_csv(path: &Path) -> (Vec<String>, Vec<Vec<String>>) {
    let mut reader = csv::Reader::from_path(path).unwrap();
    let header: Vec<String> = reader.headers().unwrap().iter().map(String::from).collect();
    let rows: Vec<Vec<String>> = reader
        .records()
        .map(|r| r.unwrap().iter().map(String::from).collect::<Vec<_>>())
        .collect();
    assert!(rows.iter().all(|r| r.len() == CSV_COLUMNS.len()));
    (header, rows)
}

/// The value of `column` in `row` under `header`.
pub fn field<'a>(header: &[String], row: &'a [String], column: &str) -> &'a str {
    let i = header.iter().position(|h| h == column).unwrap();
    &row[i]
}

/// Our header as a `Vec<String>`.
pub fn our_header() -> Vec<String> {
    CSV_COLUMNS.iter().map(|c| c.to_string()).collect()
}

/// Set in a child process to the task it must run (see [`run_child`]).
pub const CHILD_ENV: &str = "CODECARBON_CSV_TEST_CHILD";

/// Starts this test binary as a child running `task`, its stdout piped.
pub fn spawn_child(task: &str) -> std::process::Child {
    std::process::Command::new(std::env::current_exe().unwrap())
        .args([
            "child_process",
            "--exact",
            "--nocapture",
            "--test-threads=1",
        ])
        .env(CHILD_ENV, task)
        .stdout(std::process::Stdio::piped())
        .spawn()
        .unwrap()
}

/// Runs `f` to completion on a current-thread runtime, as the engine's sampler thread does.
pub fn block_on<F: std::future::Future>(f: F) -> F::Output {
    tokio::runtime::Builder::new_current_thread()
        .build()
        .unwrap()
        .block_on(f)
}

/// A child's work: `writer|DIR|ID|ROWS` flushes ROWS rows of run ID (append mode);
/// `victim|DIR` records one checkpoint of run `victim`, says `READY` and waits to be killed.
pub fn run_child(task: &str) {
    use codecarbon_core::Sink;
    use std::io::Write;
    let parts: Vec<&str> = task.split('|').collect();
    let dir = Path::new(parts[1]);
    match parts[0] {
        "writer" => block_on(async {
            let rows: usize = parts[3].parse().unwrap();
            let cfg = config(dir, CsvWriteMode::Append);
            let mut sink = codecarbon_csv::CsvSink::new(&cfg).unwrap();
            for i in 1..=rows {
                sink.flush(&report(parts[2], i as f64)).await.unwrap();
            }
        }),
        "victim" => block_on(async {
            let cfg = config(dir, CsvWriteMode::Append);
            let mut sink = codecarbon_csv::CsvSink::new(&cfg).unwrap();
            sink.record(&report("victim", 7.0)).await.unwrap();
            println!("READY");
            std::io::stdout().flush().unwrap();
            std::thread::sleep(Duration::from_secs(120));
        }),
        other => panic!("unknown child task {other}"),
    }
}
