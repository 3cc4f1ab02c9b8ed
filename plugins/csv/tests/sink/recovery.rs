//! A run killed with SIGKILL: its last checkpoint becomes a row, written by the next sink.

use crate::support::*;
use codecarbon_core::{CsvWriteMode, Sink, CSV_COLUMNS};
use codecarbon_csv::CsvSink;
use std::fs;
use std::io::{BufRead, BufReader};

/// Kills the child if the test fails before it does.
struct KillOnDrop(std::process::Child);

impl Drop for KillOnDrop {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

#[test]
fn a_killed_run_is_recovered_by_the_next_sink_and_a_live_one_is_not() {
    let dir = tempfile::tempdir().unwrap();
    let mut child = KillOnDrop(spawn_child(&format!("victim|{}", dir.path().display())));
    let stdout = child.0.stdout.take().unwrap();
    let ready = BufReader::new(stdout)
        .lines()
        .map_while(Result::ok)
        .any(|line| line.ends_with("READY")); // libtest may print `test child_process ... ` first
    assert!(ready, "the child never got ready");
    let checkpoint = dir.path().join(".emissions.csv.victim.checkpoint");
    assert!(checkpoint.exists());

    // Alive: a new sink leaves its checkpoint alone.
    let cfg = config(dir.path(), CsvWriteMode::Append);
    CsvSink::new(&cfg).unwrap();
    assert!(checkpoint.exists());
    assert!(!dir.path().join("emissions.csv").exists());

    child.0.kill().unwrap(); // SIGKILL: no destructor, no finish
    child.0.wait().unwrap();
    CsvSink::new(&cfg).unwrap();
    let (h, rows) = read_csv(&dir.path().join("emissions.csv"));
    assert_eq!(rows.len(), 1);
    assert_eq!(field(&h, &rows[0], "run_id"), "victim");
    assert_eq!(field(&h, &rows[0], "duration"), "7.0");
    assert_eq!(
        file_names(dir.path()),
        [".emissions.csv.lock", "emissions.csv"]
    );
}

#[tokio::test]
async fn an_orphan_checkpoint_replaces_its_row_in_update_mode() {
    let dir = tempfile::tempdir().unwrap();
    let cfg = config(dir.path(), CsvWriteMode::Update);
    let mut sink = CsvSink::new(&cfg).unwrap();
    sink.flush(&report("run-x", 3.0)).await.unwrap();
    sink.finish(&report("other", 1.0)).await.unwrap();
    drop(sink);
    // What a run killed after its flush leaves: a checkpoint with later totals, nobody holding it.
    let later = report("run-x", 9.0).data.csv_fields();
    let mut w = csv::Writer::from_writer(Vec::new());
    w.write_record(CSV_COLUMNS).unwrap();
    w.write_record(&later).unwrap();
    fs::write(
        dir.path().join(".emissions.csv.run-x.checkpoint"),
        w.into_inner().unwrap(),
    )
    .unwrap();

    CsvSink::new(&cfg).unwrap();
    let (h, rows) = read_csv(&dir.path().join("emissions.csv"));
    let ids: Vec<_> = rows.iter().map(|r| field(&h, r, "run_id")).collect();
    assert_eq!(ids, ["run-x", "other"]);
    assert_eq!(field(&h, &rows[0], "duration"), "9.0");
    assert_eq!(
        file_names(dir.path()),
        [".emissions.csv.lock", "emissions.csv"]
    );
}

#[tokio::test]
async fn a_sink_dropped_without_finish_is_recovered_in_append_mode() {
    let dir = tempfile::tempdir().unwrap();
    let cfg = config(dir.path(), CsvWriteMode::Append);
    let mut sink = CsvSink::new(&cfg).unwrap();
    sink.record(&report("run-y", 1.0)).await.unwrap();
    sink.flush(&report("run-y", 2.0)).await.unwrap();
    sink.record(&report("run-y", 3.0)).await.unwrap();
    drop(sink);
    CsvSink::new(&cfg).unwrap();
    let (h, rows) = read_csv(&dir.path().join("emissions.csv"));
    let durations: Vec<_> = rows.iter().map(|r| field(&h, r, "duration")).collect();
    assert_eq!(durations, ["2.0", "3.0"]);
}
