//! An output directory deleted during the run (a cleanup script) is made again at the next
//! write: the run keeps its row, its line and its task rows.

use crate::common::{builder, Sandbox};
use crate::support::*;
use std::fs;

#[test]
fn csv_and_jsonl_are_written_into_the_directory_made_again() {
    let sandbox = Sandbox::new();
    let out = sandbox.work().join("out");
    let run = finish(
        &sandbox,
        monitor(
            &sandbox,
            &out,
            &["--output-methods", "csv,json"],
            &["sh", "-c", "sleep 1.5; rm -rf out"],
        ),
    );
    assert!(run.status.success(), "{}", run.stderr);
    assert_eq!(
        read_csv(&out.join("emissions.csv")).len(),
        2,
        "{}",
        run.stderr
    );
    let text = fs::read_to_string(out.join("emissions.jsonl")).unwrap();
    assert_eq!(text.lines().count(), 1, "{text}");
}

#[test]
fn a_task_row_is_written_into_the_directory_made_again() {
    let sandbox = Sandbox::new();
    let out = sandbox.work().join("out");
    let mut tracker = builder(&out).start().unwrap();
    let run = tracker.run_id().unwrap().to_owned();
    tracker.start_task("t").unwrap();
    fs::remove_dir_all(&out).unwrap();
    tracker.stop_task("t").unwrap();
    tracker.stop().unwrap();
    assert!(
        tracker.output_errors().is_empty(),
        "{:?}",
        tracker.output_errors()
    );
    let tasks = read_csv(&out.join(format!("emissions_base_{run}.csv")));
    assert_eq!(tasks.len(), 2, "header and the task's row: {tasks:?}");
    assert_eq!(read_csv(&out.join("emissions.csv")).len(), 2);
}

#[test]
fn board_output_into_a_missing_directory_is_a_clear_error() {
    let sandbox = Sandbox::new();
    let (header, row) = real_csv_row(&sandbox);
    fs::write(sandbox.work().join("e.csv"), csv_text(&[header, row])).unwrap();
    let run = finish(
        &sandbox,
        sandbox.command(&["board", "e.csv", "--output", "gone/report.html"]),
    );
    assert_eq!(run.status.code(), Some(2), "{}", run.stderr);
    assert!(
        run.stderr.contains("gone/report.html") && run.stderr.contains("directory"),
        "{}",
        run.stderr
    );
}
