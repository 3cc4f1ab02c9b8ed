//! A symbolic link planted where a file of ours goes is never written (or read) through: the
//! file it points at stays as it was, and the error names the link and the fix.

use crate::common::{builder, Sandbox};
use crate::process::Running;
use crate::support::*;
use std::fs;
use std::time::{Duration, Instant};

#[test]
fn a_link_planted_at_emissions_jsonl_before_the_run_stops_the_start() {
    let sandbox = Sandbox::new();
    let out = sandbox.work();
    let passwd = plant_link(sandbox.dir.path(), &out.join("emissions.jsonl"));
    let run = finish(
        &sandbox,
        monitor(
            &sandbox,
            &out,
            &["--output-methods", "csv,json"],
            &["touch", "ran"],
        ),
    );
    assert!(!run.status.success(), "{}", run.stderr);
    assert!(
        run.stderr.contains("emissions.jsonl") && run.stderr.contains("symbolic link"),
        "{}",
        run.stderr
    );
    assert_eq!(fs::read_to_string(&passwd).unwrap(), PASSWD);
    assert!(!out.join("ran").exists(), "refused before the command ran");
}

#[test]
fn a_link_planted_at_emissions_jsonl_during_the_run_is_not_written_through() {
    let sandbox = Sandbox::new();
    let out = sandbox.work().join("out");
    let go = sandbox.work().join("go");
    let cmd = monitor(
        &sandbox,
        &out,
        &["--output-methods", "json"],
        &["sh", "-c", "while [ ! -e go ]; do sleep 0.05; done"],
    );
    let run = Running::spawn(cmd, &sandbox.dir.path().join("logs"));
    let start = Instant::now();
    while !out.exists() || checkpoints(&out, "emissions.jsonl").is_empty() {
        assert!(start.elapsed() < PATIENCE, "{}", run.stderr_so_far());
        std::thread::sleep(Duration::from_millis(50));
    }
    let passwd = plant_link(sandbox.dir.path(), &out.join("emissions.jsonl"));
    fs::write(&go, "").unwrap();
    let done = run.wait(PATIENCE);
    assert_eq!(fs::read_to_string(&passwd).unwrap(), PASSWD);
    assert!(done.stderr.contains("symbolic link"), "{}", done.stderr);
    let kept = checkpoints(&out, "emissions.jsonl");
    assert_eq!(kept.len(), 1, "the line waits in its checkpoint");

    // With the link gone, the next run writes the kept line, then its own.
    fs::remove_file(out.join("emissions.jsonl")).unwrap();
    let next = finish(
        &sandbox,
        monitor(&sandbox, &out, &["--output-methods", "json"], &["true"]),
    );
    assert!(next.status.success(), "{}", next.stderr);
    let text = fs::read_to_string(out.join("emissions.jsonl")).unwrap();
    assert_eq!(text.lines().count(), 2, "{text}");
    assert_eq!(fs::read_to_string(&passwd).unwrap(), PASSWD);
}

#[test]
fn a_link_planted_at_emissions_csv_stops_the_start_in_both_modes() {
    for mode in ["append", "update"] {
        let sandbox = Sandbox::new();
        let out = sandbox.work();
        let passwd = plant_link(sandbox.dir.path(), &out.join("emissions.csv"));
        let run = finish(
            &sandbox,
            monitor(&sandbox, &out, &["--on-csv-write", mode], &["true"]),
        );
        assert!(!run.status.success(), "{mode}: {}", run.stderr);
        assert!(run.stderr.contains("symbolic link"), "{}", run.stderr);
        assert_eq!(fs::read_to_string(&passwd).unwrap(), PASSWD, "{mode}");
        assert!(fs::symlink_metadata(out.join("emissions.csv"))
            .unwrap()
            .file_type()
            .is_symlink());
    }
}

#[test]
fn a_link_planted_as_a_checkpoint_is_not_read_through() {
    let sandbox = Sandbox::new();
    let out = sandbox.work();
    // A "checkpoint" pointing at a CSV row that is not ours to add.
    let (header, mut row) = real_csv_row(&sandbox);
    let run_id = header.iter().position(|h| h == "run_id").unwrap();
    row[run_id] = "planted".into();
    let target = sandbox.dir.path().join("elsewhere.csv");
    fs::write(&target, csv_text(&[header, row])).unwrap();
    let link = out.join(".emissions.csv.planted.checkpoint");
    std::os::unix::fs::symlink(&target, &link).unwrap();

    let run = finish(&sandbox, monitor(&sandbox, &out, &[], &["true"]));
    assert!(run.status.success(), "{}", run.stderr);
    let rows = read_csv(&out.join("emissions.csv"));
    assert_eq!(rows.len(), 2, "only this run's row: {rows:?}");
    assert_ne!(field(&rows[0], &rows[1], "run_id"), "planted");
    assert!(run.stderr.contains("symbolic link"), "{}", run.stderr);
    assert!(out
        .join(".emissions.csv.planted.checkpoint.unreadable")
        .is_symlink());
}

#[test]
fn a_link_planted_at_the_task_file_is_not_written_through() {
    let sandbox = Sandbox::new();
    let out = sandbox.work();
    let mut tracker = builder(&out).start().unwrap();
    let run = tracker.run_id().unwrap().to_owned();
    let passwd = plant_link(
        sandbox.dir.path(),
        &out.join(format!("emissions_base_{run}.csv")),
    );
    tracker.start_task("t").unwrap();
    tracker.stop_task("t").unwrap();
    tracker.stop().unwrap();
    assert_eq!(fs::read_to_string(&passwd).unwrap(), PASSWD);
    assert_eq!(
        read_csv(&out.join("emissions.csv")).len(),
        2,
        "the run's row"
    );
}

#[test]
fn board_refuses_to_write_the_page_over_its_input() {
    let sandbox = Sandbox::new();
    let (header, row) = real_csv_row(&sandbox);
    let input = sandbox.work().join("X.csv");
    let content = csv_text(&[header, row]);
    fs::write(&input, &content).unwrap();
    std::os::unix::fs::symlink(&input, sandbox.work().join("link.csv")).unwrap();
    for output in ["X.csv", "./X.csv", "link.csv"] {
        let out = finish(
            &sandbox,
            sandbox.command(&["board", "X.csv", "--output", output]),
        );
        assert_eq!(out.status.code(), Some(2), "{output}: {}", out.stderr);
        assert!(
            out.stderr.contains("the page would replace its rows"),
            "{}",
            out.stderr
        );
        assert_eq!(fs::read(&input).unwrap(), content, "{output}");
    }
}

#[test]
fn board_refuses_a_link_where_the_page_goes() {
    let sandbox = Sandbox::new();
    let (header, row) = real_csv_row(&sandbox);
    fs::write(sandbox.work().join("e.csv"), csv_text(&[header, row])).unwrap();
    let passwd = plant_link(sandbox.dir.path(), &sandbox.work().join("report.html"));
    let out = finish(
        &sandbox,
        sandbox.command(&["board", "e.csv", "--output", "report.html"]),
    );
    assert_eq!(out.status.code(), Some(2), "{}", out.stderr);
    assert!(out.stderr.contains("symbolic link"), "{}", out.stderr);
    assert_eq!(fs::read_to_string(&passwd).unwrap(), PASSWD);
}
