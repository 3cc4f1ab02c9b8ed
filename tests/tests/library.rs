//! The library API end to end: start, flush, stop, restart, drop, panics.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use codecarbon::config::ConfigSources;
use codecarbon::{OfflineEmissionsTracker, TrackingMode};
use common::builder;
use std::path::Path;
use std::time::{Duration, Instant};

fn rows(dir: &Path) -> Vec<csv::StringRecord> {
    csv::Reader::from_path(dir.join("emissions.csv"))
        .unwrap()
        .records()
        .map(Result::unwrap)
        .collect()
}

#[test]
fn start_flush_stop_and_restart() {
    let dir = tempfile::tempdir().unwrap();
    let mut tracker = builder(dir.path())
        .measure_power_secs(15.0)
        .build()
        .unwrap();
    tracker.start().unwrap();
    let first_run = tracker.run_id().unwrap().to_string();
    std::thread::sleep(Duration::from_millis(300));
    let flushed = tracker.flush().unwrap();
    assert_eq!(rows(dir.path()).len(), 1, "flush writes a row");
    std::thread::sleep(Duration::from_millis(300));

    let asked = Instant::now();
    let stopped = tracker.stop().unwrap();
    assert!(
        asked.elapsed() < Duration::from_millis(500),
        "stop does not wait for the 15 s tick"
    );
    assert!(stopped.duration > flushed.duration);
    assert!(stopped.energy_consumed > flushed.energy_consumed);
    assert_eq!(stopped.run_id, first_run);
    assert_eq!(
        tracker.stop().unwrap(),
        stopped,
        "stopping again returns the same totals"
    );
    assert_eq!(rows(dir.path()).len(), 2);

    tracker.start().unwrap();
    let again = tracker.stop().unwrap();
    assert_ne!(again.run_id, first_run, "a new run");
    assert!(again.duration < stopped.duration, "totals start from zero");
    assert_eq!(rows(dir.path()).len(), 3);
}

#[test]
fn emissions_follow_the_country_and_pue() {
    let dir = tempfile::tempdir().unwrap();
    let mut tracker = builder(dir.path()).pue(1.5).wue(2.0).build().unwrap();
    tracker.start().unwrap();
    std::thread::sleep(Duration::from_millis(200));
    let data = tracker.stop().unwrap();
    let kwh = data.energy_consumed.value();
    assert!((data.emissions.value() - kwh * 0.170043).abs() < 1e-15);
    assert!((data.water_consumed.value() - 2.0 * kwh).abs() < 1e-15);
    // RAM on this machine is a constant model; PUE scales its power too.
    let ram_model = data.ram_power.value() / 1.5;
    assert!(
        [10.0, 20.0, 38.0, 42.0, 46.0, 50.0, 54.0]
            .iter()
            .any(|w| (ram_model - w).abs() < 1e-6)
            || ram_model > 54.0
    );
    assert_eq!(data.pue, 1.5);
}

#[test]
fn dropping_or_panicking_still_writes_the_row() {
    let dir = tempfile::tempdir().unwrap();
    {
        let mut tracker = builder(dir.path()).build().unwrap();
        tracker.start().unwrap();
    }
    assert_eq!(rows(dir.path()).len(), 1, "drop stops the run");

    let path = dir.path().to_path_buf();
    let result = std::panic::catch_unwind(move || {
        let mut tracker = builder(&path).build().unwrap();
        tracker.start().unwrap();
        panic!("tracked code failed");
    });
    assert!(result.is_err());
    assert_eq!(rows(dir.path()).len(), 2, "the panicking run has its row");
}

fn thread_cpu_time() -> Duration {
    let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
    unsafe { libc::getrusage(libc::RUSAGE_THREAD, &mut usage) };
    let tv = |t: libc::timeval| Duration::new(t.tv_sec as u64, t.tv_usec as u32 * 1000);
    tv(usage.ru_utime) + tv(usage.ru_stime)
}

#[test]
fn process_mode_counts_this_process_working() {
    let dir = tempfile::tempdir().unwrap();
    let mut tracker = builder(dir.path())
        .tracking_mode(TrackingMode::Process)
        .force_cpu_power(100.0)
        .build()
        .unwrap();
    tracker.start().unwrap();
    let (start, cpu_before) = (Instant::now(), thread_cpu_time());
    let mut x = 0u64;
    while start.elapsed() < Duration::from_millis(1500) {
        x = std::hint::black_box(x.wrapping_mul(6364136223846793005).wrapping_add(1));
    }
    let busy = thread_cpu_time() - cpu_before;
    let data = tracker.stop().unwrap();
    // This thread alone: 100 W × its CPU time / (duration × CPUs). Other threads of the test
    // process can only add to it; the model caps it at the TDP.
    let cpus = data.cpu_count as f64;
    let at_least = 100.0 * busy.as_secs_f64() / (data.duration.as_secs_f64() * cpus);
    let power = data.cpu_power.value();
    assert!(at_least > 5.0, "the loop got {busy:?} of CPU");
    assert!(
        power >= 0.9 * at_least && power <= 100.0,
        "{power} W, at least {at_least}"
    );
    assert_eq!(data.tracking_mode, TrackingMode::Process);
}

#[test]
fn offline_without_a_place_is_an_error() {
    let err = OfflineEmissionsTracker::builder()
        .config_sources(ConfigSources::none())
        .build()
        .err()
        .unwrap();
    assert!(err.to_string().contains("country_iso_code"));
}

#[test]
fn an_unknown_output_method_is_named_when_the_tracker_is_built() {
    let dir = tempfile::tempdir().unwrap();
    let err = builder(dir.path())
        .output_methods(&["csv", "carrier-pigeon"])
        .build()
        .err()
        .expect("an unknown output is refused before the run")
        .to_string();
    assert!(
        err.contains("carrier-pigeon") && err.contains("json"),
        "{err}"
    );
}

#[test]
fn the_json_sink_carries_provenance() {
    let dir = tempfile::tempdir().unwrap();
    let mut tracker = builder(dir.path())
        .output_methods(&["csv", "json"])
        .build()
        .unwrap();
    tracker.start().unwrap();
    tracker.stop().unwrap();
    let text = std::fs::read_to_string(dir.path().join("emissions.jsonl")).unwrap();
    let line: serde_json::Value = serde_json::from_str(text.lines().next().unwrap()).unwrap();
    assert_eq!(line["country_iso_code"], "CAN");
    let text = line.to_string();
    assert!(
        text.contains("\"estimated\"") && text.contains("\"tdp\""),
        "{text}"
    );
}
