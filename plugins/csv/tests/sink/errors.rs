//! Clear errors, and no measured data lost when the CSV cannot be written.

use crate::support::*;
use codecarbon_core::output::OutputError;
use codecarbon_core::{registry, BuildError, CsvWriteMode, Sink};
use codecarbon_csv::{CsvSink, CsvSinkError};
use std::fs;

#[test]
fn a_file_where_the_directory_should_be_is_a_clear_error() {
    let dir = tempfile::tempdir().unwrap();
    let blocker = dir.path().join("out");
    fs::write(&blocker, "not a directory").unwrap();
    for output_dir in [blocker.clone(), blocker.join("sub")] {
        let err = CsvSink::new(&config(&output_dir, CsvWriteMode::Append)).unwrap_err();
        assert!(
            matches!(err, CsvSinkError::Output(OutputError::CreateDir { .. })),
            "{err:?}"
        );
        let text = err.to_string();
        assert!(text.contains(&output_dir.display().to_string()), "{text}");
        assert!(text.contains("set `output_dir`"), "{text}");
    }
    assert_eq!(fs::read_to_string(&blocker).unwrap(), "not a directory");
}

#[test]
fn the_registry_builds_it_and_reports_a_bad_directory_as_invalid() {
    let csv = registry::sinks()
        .into_iter()
        .find(|p| p.name == "csv")
        .unwrap();
    let dir = tempfile::tempdir().unwrap();
    assert!((csv.build)(&config(dir.path(), CsvWriteMode::Append)).is_ok());
    let blocker = dir.path().join("file");
    fs::write(&blocker, "").unwrap();
    match (csv.build)(&config(&blocker, CsvWriteMode::Append)) {
        Err(BuildError::Invalid {
            plugin: "csv",
            message,
        }) => {
            assert!(message.contains("output_dir"), "{message}")
        }
        Err(other) => panic!("wrong error {other}"),
        Ok(_) => panic!("built in a file"),
    }
}

#[test]
fn an_output_file_that_is_a_directory_is_a_clear_error() {
    let dir = tempfile::tempdir().unwrap();
    fs::create_dir(dir.path().join("emissions.csv")).unwrap();
    let err = CsvSink::new(&config(dir.path(), CsvWriteMode::Append)).unwrap_err();
    assert!(
        matches!(err, CsvSinkError::Output(OutputError::FileIsDir { .. })),
        "{err:?}"
    );
    assert!(err.to_string().contains("set `output_file`"), "{err}");
}

#[tokio::test]
async fn a_row_that_cannot_be_written_waits_in_the_checkpoint() {
    let dir = tempfile::tempdir().unwrap();
    let cfg = config(dir.path(), CsvWriteMode::Append);
    let path = dir.path().join("emissions.csv");
    let mut sink = CsvSink::new(&cfg).unwrap();
    sink.record(&report("run-a", 1.0)).await.unwrap();
    fs::create_dir(&path).unwrap(); // the CSV can no longer be written
    let err = sink
        .finish(&report("run-a", 2.0))
        .await
        .unwrap_err()
        .to_string();
    assert!(err.contains(".emissions.csv.run-a.checkpoint"), "{err}");
    assert!(err.contains("next tracker"), "{err}");
    drop(sink);
    fs::remove_dir(&path).unwrap();
    CsvSink::new(&cfg).unwrap(); // recovers
    let (h, rows) = read_csv(&path);
    assert_eq!(rows.len(), 1);
    assert_eq!(field(&h, &rows[0], "duration"), "2.0");
    assert_eq!(
        file_names(dir.path()),
        [".emissions.csv.lock", "emissions.csv"]
    );
}

#[tokio::test]
async fn a_written_row_is_never_reported_failed_when_its_checkpoint_cannot_be_saved() {
    let dir = tempfile::tempdir().unwrap();
    let cfg = config(dir.path(), CsvWriteMode::Append);
    let mut sink = CsvSink::new(&cfg).unwrap();
    sink.record(&report("run-s", 1.0)).await.unwrap();
    // From now on the checkpoint cannot be replaced: a directory (not empty) stands there.
    let checkpoint = dir.path().join(".emissions.csv.run-s.checkpoint");
    fs::remove_file(&checkpoint).unwrap();
    fs::create_dir(&checkpoint).unwrap();
    fs::write(checkpoint.join("x"), "").unwrap();
    assert!(sink.record(&report("run-s", 1.5)).await.is_err());
    sink.flush(&report("run-s", 2.0)).await.unwrap();
    sink.finish(&report("run-s", 3.0)).await.unwrap();
    let path = dir.path().join("emissions.csv");
    let durations = |path| {
        let (h, rows) = read_csv(path);
        rows.iter()
            .map(|r| field(&h, r, "duration").to_owned())
            .collect::<Vec<_>>()
    };
    assert_eq!(durations(&path), ["2.0", "3.0"]);
    drop(sink);
    CsvSink::new(&cfg).unwrap();
    assert_eq!(durations(&path), ["2.0", "3.0"], "no row added twice");
}
