//! A full disk: each output keeps what it had, whole (never a torn row or line, never half a
//! page); the run's totals wait in its checkpoint; and the next run adds them without setting
//! any good row aside.

use crate::common::{builder, Sandbox};
use crate::support::*;
use codecarbon::core::output::read_checkpoint;
use codecarbon::core::TASK_CSV_COLUMNS;
use std::fs;

/// `emissions.csv` with one earlier row, ending [`SLACK`] bytes before a page boundary.
fn earlier_csv(sandbox: &Sandbox) -> Vec<u8> {
    let (header, row) = real_csv_row(sandbox);
    let project = header.iter().position(|h| h == "project_name").unwrap();
    ending_before_a_page_boundary(|pad| {
        let mut earlier = row.clone();
        earlier[project] = format!("earlier{}", "p".repeat(pad));
        csv_text(&[header.clone(), earlier])
    })
}

/// The CSV's run on a full disk, then the next run on a freed one, in `mode`.
fn csv_on_a_full_disk(mode: &str) {
    let Some(disk) = Tmpfs::mount() else { return };
    let sandbox = Sandbox::new();
    let earlier = earlier_csv(&sandbox);
    let csv = disk.path().join("emissions.csv");
    fs::write(&csv, &earlier).unwrap();

    let flags = ["--on-csv-write", mode];
    let failed = run_into_a_full_disk(&sandbox, &disk, &flags, "emissions.csv", || {});
    assert_eq!(
        fs::read(&csv).unwrap(),
        earlier,
        "the earlier rows as they were, and no torn row; stderr:\n{}",
        failed.stderr
    );
    assert!(
        failed.stderr.contains("No space left on device"),
        "{}",
        failed.stderr
    );
    let kept = checkpoints(disk.path(), "emissions.csv");
    assert_eq!(kept.len(), 1, "{:?}", file_names(disk.path()));
    let run = run_key_of(&kept[0], "emissions.csv");
    let checkpoint = read_checkpoint_csv(&kept[0]);
    assert_eq!(field(&checkpoint[0], &checkpoint[1], "run_id"), run);
    assert!(
        !file_names(disk.path()).iter().any(|n| n.ends_with(".tmp")),
        "no temporary file left: {:?}",
        file_names(disk.path())
    );

    disk.free();
    let next = finish(&sandbox, monitor(&sandbox, disk.path(), &flags, &["true"]));
    assert!(next.status.success(), "{}", next.stderr);
    let said = format!("csv: run {run} did not write its row (it was killed, or its write failed)");
    assert!(next.stderr.contains(&said), "{}", next.stderr);
    assert!(fs::read(&csv).unwrap().starts_with(&earlier));
    let rows = read_csv(&csv);
    assert_eq!(rows.len(), 4, "header, earlier, recovered, new: {rows:?}");
    assert_eq!(field(&rows[0], &rows[2], "run_id"), run);
    let duration: f64 = field(&rows[0], &rows[2], "duration").parse().unwrap();
    assert!(duration >= 1.0, "the recovered totals: {duration} s");
    assert_eq!(
        file_names(disk.path()),
        [".emissions.csv.lock", "emissions.csv"],
        "no backup, no torn file, no checkpoint left"
    );
}

#[test]
fn csv_a_full_disk_leaves_no_torn_row_and_the_next_run_adds_the_kept_one() {
    csv_on_a_full_disk("append");
}

#[test]
fn csv_update_mode_on_a_full_disk_keeps_the_file_whole_and_the_next_run_adds_the_row() {
    csv_on_a_full_disk("update");
}

#[test]
fn jsonl_a_full_disk_leaves_no_torn_line_and_the_next_run_adds_the_kept_one() {
    let Some(disk) = Tmpfs::mount() else { return };
    let sandbox = Sandbox::new();
    let earlier = ending_before_a_page_boundary(|pad| {
        format!(
            "{{\"run_id\":\"earlier\",\"pad\":\"{}\"}}\n",
            "p".repeat(pad)
        )
        .into_bytes()
    });
    let jsonl = disk.path().join("emissions.jsonl");
    fs::write(&jsonl, &earlier).unwrap();

    let flags = ["--output-methods", "json"];
    let failed = run_into_a_full_disk(&sandbox, &disk, &flags, "emissions.jsonl", || {});
    assert_eq!(
        fs::read(&jsonl).unwrap(),
        earlier,
        "no torn line; stderr:\n{}",
        failed.stderr
    );
    let kept = checkpoints(disk.path(), "emissions.jsonl");
    assert_eq!(kept.len(), 1, "{:?}", file_names(disk.path()));
    let run = run_key_of(&kept[0], "emissions.jsonl");
    let line: serde_json::Value =
        serde_json::from_slice(&read_checkpoint(&kept[0]).unwrap()).unwrap();
    assert_eq!(line["run_id"], run.as_str());

    disk.free();
    let next = finish(&sandbox, monitor(&sandbox, disk.path(), &flags, &["true"]));
    assert!(next.status.success(), "{}", next.stderr);
    let said =
        format!("json: run {run} did not write its line (it was killed, or its write failed)");
    assert!(next.stderr.contains(&said), "{}", next.stderr);
    let text = fs::read_to_string(&jsonl).unwrap();
    let lines: Vec<serde_json::Value> = text
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(lines.len(), 3, "earlier, recovered, new:\n{text}");
    assert_eq!(lines[1]["run_id"], run.as_str());
    assert!(lines[1]["duration"].as_f64().unwrap() >= 1.0);
    assert!(lines[1]["provenance"]["intensity"].is_object());
    assert_eq!(
        file_names(disk.path()),
        [".emissions.jsonl.lock", "emissions.jsonl"]
    );
}

#[test]
fn jsonl_a_line_that_fits_when_its_checkpoint_does_not_is_written_once_and_reported_saved() {
    let Some(disk) = Tmpfs::mount() else { return };
    let sandbox = Sandbox::new();
    // The file's last page has room for a line (about 1.3 kB), and the disk none for a new
    // page: the line is written, the checkpoint (a new file) cannot be.
    let make = |pad: usize| {
        format!(
            "{{\"run_id\":\"earlier\",\"pad\":\"{}\"}}\n",
            "p".repeat(pad)
        )
        .into_bytes()
    };
    let base = make(0).len() as u64;
    let earlier = make(usize::try_from((base / PAGE + 1) * PAGE + 16 - base).unwrap());
    assert_eq!(earlier.len() as u64 % PAGE, 16);
    let jsonl = disk.path().join("emissions.jsonl");
    fs::write(&jsonl, &earlier).unwrap();

    let flags = ["--output-methods", "json"];
    // The checkpoint moved away (its blocks still taken): the next save must make a new file,
    // which the full disk refuses.
    let run = run_into_a_full_disk(&sandbox, &disk, &flags, "emissions.jsonl", || {
        let kept = checkpoints(disk.path(), "emissions.jsonl");
        fs::rename(&kept[0], disk.path().join("moved-away")).unwrap();
    });
    assert!(run.status.success(), "the line is saved: {}", run.stderr);
    assert!(!run.stderr.contains("not saved"), "{}", run.stderr);
    assert!(
        run.stderr.contains("the line was written to"),
        "the failed checkpoint is a warning: {}",
        run.stderr
    );
    let text = fs::read_to_string(&jsonl).unwrap();
    assert_eq!(text.lines().count(), 2, "earlier, this run's:\n{text}");
    let run_id = serde_json::from_str::<serde_json::Value>(text.lines().nth(1).unwrap()).unwrap()
        ["run_id"]
        .clone();
    assert!(
        checkpoints(disk.path(), "emissions.jsonl").is_empty(),
        "no checkpoint left to add the line again: {:?}",
        file_names(disk.path())
    );

    disk.free();
    let next = finish(&sandbox, monitor(&sandbox, disk.path(), &flags, &["true"]));
    assert!(next.status.success(), "{}", next.stderr);
    let text = fs::read_to_string(&jsonl).unwrap();
    let runs: Vec<serde_json::Value> = text
        .lines()
        .map(|l| serde_json::from_str::<serde_json::Value>(l).unwrap()["run_id"].clone())
        .collect();
    assert_eq!(
        runs.len(),
        3,
        "earlier, the first run's once, the next run's:\n{text}"
    );
    assert_eq!(runs.iter().filter(|r| **r == run_id).count(), 1);
}

#[test]
fn task_file_a_full_disk_leaves_its_rows_whole() {
    let Some(disk) = Tmpfs::mount() else { return };
    let mut tracker = builder(disk.path()).start().unwrap();
    let run = tracker.run_id().unwrap().to_owned();
    let path = disk.path().join(format!("emissions_base_{run}.csv"));
    let header: Vec<String> = TASK_CSV_COLUMNS.iter().map(|c| c.to_string()).collect();
    let earlier = ending_before_a_page_boundary(|pad| {
        let mut row = vec!["0".to_string(); header.len()];
        row[0] = format!("earlier{}", "t".repeat(pad));
        csv_text(&[header.clone(), row])
    });
    fs::write(&path, &earlier).unwrap();
    disk.fill();
    tracker.start_task("meets a full disk").unwrap();
    tracker.stop_task("meets a full disk").unwrap();
    tracker.stop().unwrap(); // waits for the outputs
    assert_eq!(fs::read(&path).unwrap(), earlier, "no torn task row");
    assert!(
        !tracker.output_errors().is_empty(),
        "the run's row met the full disk too"
    );
}

#[test]
fn board_output_on_a_full_disk_keeps_the_previous_page_whole() {
    let Some(disk) = Tmpfs::mount() else { return };
    let sandbox = Sandbox::new();
    let (header, row) = real_csv_row(&sandbox);
    let input = sandbox.work().join("emissions.csv");
    fs::write(&input, csv_text(&[header.clone(), row.clone()])).unwrap();
    let page = disk.path().join("report.html");
    let page_arg = page.display().to_string();
    let board = || sandbox.command(&["board", "emissions.csv", "--output", &page_arg]);
    let first = finish(&sandbox, board());
    assert!(first.status.success(), "{}", first.stderr);
    let before = fs::read(&page).unwrap();

    // A page larger by several pages: written in place, it would not fit in the old one's.
    let project = header.iter().position(|h| h == "project_name").unwrap();
    let run_id = header.iter().position(|h| h == "run_id").unwrap();
    let mut records = vec![header];
    for i in 0..200 {
        let mut more = row.clone();
        more[project] = format!("project-{i}");
        more[run_id] = format!("run-{i}");
        records.push(more);
    }
    fs::write(&input, csv_text(&records)).unwrap();
    disk.fill();
    let failed = finish(&sandbox, board());
    assert_eq!(failed.status.code(), Some(2), "{}", failed.stderr);
    assert!(
        failed.stderr.contains("report.html") && failed.stderr.contains("No space left"),
        "{}",
        failed.stderr
    );
    assert_eq!(fs::read(&page).unwrap(), before, "the previous page, whole");
    assert_eq!(file_names(disk.path()), ["filler", "report.html"]);
}
