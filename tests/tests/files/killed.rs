//! SIGKILL: every file output keeps the killed run's latest totals in its checkpoint, and the
//! next run writes them (the CSV's own test is `monitor.rs`'s `a_killed_run_loses_at_most_the_checkpoint_period`).

use crate::common::Sandbox;
use crate::process::Running;
use crate::support::*;
use std::fs;
use std::time::{Duration, Instant};

#[test]
fn jsonl_a_killed_run_gets_its_line_from_the_next_run() {
    let sandbox = Sandbox::new();
    let out = sandbox.work();
    let flags = ["--output-methods", "csv,json"];
    let cmd = monitor(&sandbox, &out, &flags, &["sleep", "30"]);
    let run = Running::spawn(cmd, &sandbox.dir.path().join("logs"));
    let start = Instant::now();
    while checkpoints(&out, "emissions.jsonl").is_empty() {
        assert!(start.elapsed() < PATIENCE, "{}", run.stderr_so_far());
        std::thread::sleep(Duration::from_millis(50));
    }
    run.signal(libc::SIGKILL);
    let killed = run.wait(PATIENCE);
    assert_eq!(killed.status.code(), None, "killed by a signal");
    assert!(!out.join("emissions.jsonl").exists());

    let next = finish(&sandbox, monitor(&sandbox, &out, &flags, &["true"]));
    assert!(next.status.success(), "{}", next.stderr);
    assert!(
        next.stderr.contains("json: run")
            && next
                .stderr
                .contains("did not write its line (it was killed, or its write failed)"),
        "{}",
        next.stderr
    );
    let text = fs::read_to_string(out.join("emissions.jsonl")).unwrap();
    let lines: Vec<serde_json::Value> = text
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(
        lines.len(),
        2,
        "the killed run's line, then the new one:\n{text}"
    );
    let recovered = lines[0]["duration"].as_f64().unwrap();
    assert!(
        recovered >= 1.0,
        "the killed run's latest totals: {recovered} s"
    );
    assert!(lines[0]["provenance"]["intensity"].is_object());
    // The CSV got the same run's row, from its own checkpoint.
    let rows = read_csv(&out.join("emissions.csv"));
    assert_eq!(field(&rows[0], &rows[1], "run_id"), lines[0]["run_id"]);
    assert_eq!(
        file_names(&out),
        [
            ".emissions.csv.lock",
            ".emissions.jsonl.lock",
            "emissions.csv",
            "emissions.jsonl"
        ]
    );
}
