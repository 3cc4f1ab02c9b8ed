//! Several writers on one file, in threads and in processes.

use crate::support::*;
use codecarbon_core::{CsvWriteMode, Sink};
use codecarbon_csv::CsvSink;
use std::collections::BTreeMap;
use std::path::Path;

/// Every line is a whole row; each writer's rows are all there.
fn check(path: &Path, writers: usize, rows_each: usize) {
    let text = std::fs::read_to_string(path).unwrap();
    assert_eq!(text.lines().count(), 1 + writers * rows_each, "{text}");
    let (h, rows) = read_csv(path);
    assert_eq!(h, our_header());
    let mut per_run: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for r in &rows {
        per_run
            .entry(field(&h, r, "run_id").to_string())
            .or_default()
            .push(field(&h, r, "duration").to_string());
    }
    assert_eq!(per_run.len(), writers);
    for durations in per_run.values() {
        let expected: Vec<String> = (1..=rows_each).map(|i| format!("{:?}", i as f64)).collect();
        assert_eq!(durations, &expected, "each writer's rows, in its order");
    }
}

#[test]
fn four_threads_append_100_whole_rows() {
    let dir = tempfile::tempdir().unwrap();
    std::thread::scope(|s| {
        for t in 0..4 {
            let dir = dir.path();
            s.spawn(move || {
                block_on(async {
                    let mut sink = CsvSink::new(&config(dir, CsvWriteMode::Append)).unwrap();
                    for i in 1..=25 {
                        let r = report(&format!("thread-{t}"), i as f64);
                        sink.record(&r).await.unwrap();
                        sink.flush(&r).await.unwrap();
                    }
                })
            });
        }
    });
    check(&dir.path().join("emissions.csv"), 4, 25);
}

#[test]
fn four_threads_updating_their_rows_lose_no_update() {
    let dir = tempfile::tempdir().unwrap();
    std::thread::scope(|s| {
        for t in 0..4 {
            let dir = dir.path();
            s.spawn(move || {
                block_on(async {
                    let mut sink = CsvSink::new(&config(dir, CsvWriteMode::Update)).unwrap();
                    for i in 1..=25 {
                        sink.flush(&report(&format!("thread-{t}"), i as f64))
                            .await
                            .unwrap();
                    }
                    sink.finish(&report(&format!("thread-{t}"), 26.0))
                        .await
                        .unwrap();
                })
            });
        }
    });
    let (h, rows) = read_csv(&dir.path().join("emissions.csv"));
    assert_eq!(rows.len(), 4);
    assert!(rows.iter().all(|r| field(&h, r, "duration") == "26.0"));
    assert_eq!(
        file_names(dir.path()),
        [".emissions.csv.lock", "emissions.csv"]
    );
}

#[test]
fn four_processes_append_100_whole_rows() {
    let dir = tempfile::tempdir().unwrap();
    let children: Vec<_> = (0..4)
        .map(|p| spawn_child(&format!("writer|{}|proc-{p}|25", dir.path().display())))
        .collect();
    for child in children {
        let out = child.wait_with_output().unwrap();
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stdout)
        );
    }
    check(&dir.path().join("emissions.csv"), 4, 25);
}
