//! What lands in the file: header, rows, modes, backups.

use crate::support::*;
use codecarbon_core::{CsvWriteMode, Sink, CSV_COLUMNS};
use codecarbon_csv::CsvSink;
use std::fs;

#[tokio::test]
async fn writes_the_exact_header_and_one_row() {
    let dir = tempfile::tempdir().unwrap();
    let mut sink = CsvSink::new(&config(dir.path(), CsvWriteMode::Append)).unwrap();
    let r = report("run-a", 2.5);
    sink.record(&r).await.unwrap();
    sink.finish(&r).await.unwrap();
    let text = fs::read_to_string(dir.path().join("emissions.csv")).unwrap();
    let mut lines = text.lines();
    assert_eq!(lines.next().unwrap(), CSV_COLUMNS.join(","));
    let (header, rows) = read_csv(&dir.path().join("emissions.csv"));
    assert_eq!(header, our_header());
    assert_eq!(rows, [r.data.csv_fields().to_vec()]);
    assert!(
        text.contains(",\"Intel(R) Xeon(R), \"\"8 cores\"\"\","),
        "{text}"
    );
    assert!(text.ends_with('\n') && !text.contains('\r'));
    // The checkpoint and its lock are gone; only the shared lock file stays.
    assert_eq!(
        file_names(dir.path()),
        [".emissions.csv.lock", "emissions.csv"]
    );
}

#[tokio::test]
async fn a_second_run_appends_and_the_header_stays_single() {
    let dir = tempfile::tempdir().unwrap();
    for run in ["run-a", "run-b"] {
        let mut sink = CsvSink::new(&config(dir.path(), CsvWriteMode::Append)).unwrap();
        sink.flush(&report(run, 1.0)).await.unwrap();
        sink.finish(&report(run, 2.0)).await.unwrap();
    }
    let path = dir.path().join("emissions.csv");
    let text = fs::read_to_string(&path).unwrap();
    assert_eq!(text.matches("timestamp,").count(), 1);
    let (h, rows) = read_csv(&path);
    let ids: Vec<_> = rows.iter().map(|r| field(&h, r, "run_id")).collect();
    assert_eq!(ids, ["run-a", "run-a", "run-b", "run-b"]);
}

#[tokio::test]
async fn update_replaces_this_runs_row_and_keeps_the_others() {
    let dir = tempfile::tempdir().unwrap();
    let cfg = config(dir.path(), CsvWriteMode::Update);
    let mut a = CsvSink::new(&cfg).unwrap();
    a.flush(&report("run-a", 1.0)).await.unwrap();
    let mut b = CsvSink::new(&cfg).unwrap();
    b.finish(&report("run-b", 5.0)).await.unwrap();
    a.flush(&report("run-a", 2.0)).await.unwrap();
    a.finish(&report("run-a", 3.0)).await.unwrap();
    let (h, rows) = read_csv(&dir.path().join("emissions.csv"));
    assert_eq!(rows.len(), 2);
    assert_eq!(field(&h, &rows[0], "run_id"), "run-a");
    assert_eq!(field(&h, &rows[0], "duration"), "3.0");
    assert_eq!(field(&h, &rows[1], "run_id"), "run-b");
    assert_eq!(field(&h, &rows[1], "duration"), "5.0");
}

#[tokio::test]
async fn another_header_is_kept_as_bak_then_numbered_backups() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("emissions.csv");
    let olds = ["a,b,c\n1,2,3\n", "x\n1\n", "timestamp,run_id\nt,r\n"];
    for (i, old) in olds.iter().enumerate() {
        fs::write(&path, old).unwrap();
        let mut sink = CsvSink::new(&config(dir.path(), CsvWriteMode::Append)).unwrap();
        sink.finish(&report(&format!("run-{i}"), 1.0))
            .await
            .unwrap();
        let (h, rows) = read_csv(&path);
        assert_eq!(h, our_header());
        assert_eq!(rows.len(), 1);
    }
    let bak = |name: &str| fs::read_to_string(dir.path().join(name)).unwrap();
    assert_eq!(bak("emissions.csv.bak"), olds[0]);
    assert_eq!(bak("emissions.csv_0.bak"), olds[1]);
    assert_eq!(bak("emissions.csv_1.bak"), olds[2]);
}

#[tokio::test]
async fn same_columns_in_another_order_are_appended_in_the_files_order() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("emissions.csv");
    let reversed: Vec<&str> = CSV_COLUMNS.iter().rev().copied().collect();
    let first: Vec<String> = report("old", 1.0)
        .data
        .csv_fields()
        .into_iter()
        .rev()
        .collect();
    let old = format!("{}\n{}\n", reversed.join(","), csv_line(&first));
    fs::write(&path, &old).unwrap();
    for mode in [CsvWriteMode::Append, CsvWriteMode::Update] {
        let mut sink = CsvSink::new(&config(dir.path(), mode)).unwrap();
        sink.finish(&report("new", 4.0)).await.unwrap();
    }
    let text = fs::read_to_string(&path).unwrap();
    assert!(text.starts_with(&old), "the user's lines are untouched");
    let (h, rows) = read_csv(&path);
    assert_eq!(h, reversed);
    assert_eq!(rows.len(), 2, "update replaced the appended row");
    assert_eq!(field(&h, &rows[1], "run_id"), "new");
    assert_eq!(field(&h, &rows[1], "duration"), "4.0");
    assert_eq!(field(&h, &rows[1], "country_iso_code"), "FRA");
    assert!(!dir.path().join("emissions.csv.bak").exists());
}

fn csv_line(fields: &[String]) -> String {
    let mut w = csv::Writer::from_writer(Vec::new());
    w.write_record(fields).unwrap();
    String::from_utf8(w.into_inner().unwrap())
        .unwrap()
        .trim_end()
        .to_string()
}

#[tokio::test]
async fn a_malformed_file_is_kept_as_a_backup_never_truncated() {
    for mode in [CsvWriteMode::Append, CsvWriteMode::Update] {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("emissions.csv");
        let mut old = format!("{}\n", CSV_COLUMNS.join(","));
        old.push_str("only,three,fields\n\"unterminated quote\n");
        fs::write(&path, &old).unwrap();
        let mut sink = CsvSink::new(&config(dir.path(), mode)).unwrap();
        sink.finish(&report("run-a", 1.0)).await.unwrap();
        assert_eq!(
            fs::read_to_string(dir.path().join("emissions.csv.bak")).unwrap(),
            old
        );
        let (_, rows) = read_csv(&path);
        assert_eq!(rows.len(), 1);
    }
}

#[tokio::test]
async fn a_header_only_file_gets_rows() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("emissions.csv");
    fs::write(&path, format!("{}\n", CSV_COLUMNS.join(","))).unwrap();
    let mut sink = CsvSink::new(&config(dir.path(), CsvWriteMode::Update)).unwrap();
    sink.finish(&report("run-a", 1.0)).await.unwrap();
    assert_eq!(read_csv(&path).1.len(), 1);
}

#[tokio::test]
async fn output_file_may_name_a_subdirectory() {
    let dir = tempfile::tempdir().unwrap();
    let mut cfg = config(dir.path(), CsvWriteMode::Append);
    cfg.output_file = "deep/er/runs.csv".into();
    let mut sink = CsvSink::new(&cfg).unwrap();
    assert_eq!(sink.path(), dir.path().join("deep/er/runs.csv"));
    sink.finish(&report("run-a", 1.0)).await.unwrap();
    assert_eq!(read_csv(sink.path()).1.len(), 1);
}
