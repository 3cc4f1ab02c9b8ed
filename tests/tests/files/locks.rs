//! An output's lock held by another process (a stuck tracker, or anyone: a lock file can be
//! locked by whoever can read it) never hangs a run: the start waits a bounded time to write the
//! rows of earlier runs, then leaves them in their checkpoints; the run's own row waits a
//! bounded time, then stays in its checkpoint, and the exit code says it was not saved.

use crate::common::Sandbox;
use crate::process::Running;
use crate::support::*;
use std::fs;
use std::time::{Duration, Instant};

/// The lock of `output` in `out`, held by this process (another one to `codecarbon`) until
/// dropped, as `flock out/.emissions.csv.lock sleep 40` would.
fn hold_lock(out: &std::path::Path, output: &str) -> fs::File {
    let lock = fs::File::create(out.join(format!(".{output}.lock"))).unwrap();
    lock.try_lock().unwrap();
    lock
}

#[test]
fn a_lock_held_elsewhere_never_hangs_the_start_and_a_signal_still_ends_the_run() {
    let sandbox = Sandbox::new();
    let out = sandbox.work();
    // A run killed before it wrote its row, and the output's lock held by someone else.
    fs::write(
        out.join(".emissions.csv.deadrun.checkpoint"),
        "run_id,duration\ndeadrun,1\n",
    )
    .unwrap();
    let held = hold_lock(&out, "emissions.csv");
    let cmd = monitor(&sandbox, &out, &[], &["touch", "ran"]);
    let run = Running::spawn(cmd, &sandbox.dir.path().join("logs"));
    std::thread::sleep(Duration::from_millis(1000));
    run.signal(libc::SIGINT);
    let start = Instant::now();
    let stopped = run.wait(PATIENCE);
    // 3 s for the recovery and 5 s for the run's own row, at most: bounded waits, not a hang.
    assert!(
        start.elapsed() < Duration::from_secs(15),
        "{:?}: {}",
        start.elapsed(),
        stopped.stderr
    );
    assert!(!stopped.status.success(), "{}", stopped.stderr);
    assert!(
        stopped.stderr.contains(".emissions.csv.lock")
            && stopped
                .stderr
                .contains("records of earlier runs stay in their checkpoints"),
        "{}",
        stopped.stderr
    );
    assert!(!out.join("emissions.csv").exists());
    assert!(out.join(".emissions.csv.deadrun.checkpoint").exists());

    // Released: the next run writes the dead run's row, the interrupted one's, and its own.
    drop(held);
    let next = finish(&sandbox, monitor(&sandbox, &out, &[], &["true"]));
    assert!(next.status.success(), "{}", next.stderr);
    let rows = read_csv(&out.join("emissions.csv"));
    let runs: Vec<&str> = rows[1..]
        .iter()
        .map(|r| field(&rows[0], r, "run_id"))
        .collect();
    assert_eq!(runs.len(), 3, "{runs:?}");
    assert!(runs.contains(&"deadrun"), "{runs:?}");
    assert!(checkpoints(&out, "emissions.csv").is_empty());
}

#[test]
fn a_lock_held_for_the_whole_run_costs_a_bounded_wait_and_the_row_waits_in_its_checkpoint() {
    for (file, methods) in [("emissions.csv", "csv"), ("emissions.jsonl", "json")] {
        let sandbox = Sandbox::new();
        let out = sandbox.work();
        let held = hold_lock(&out, file);
        let flags = ["--output-methods", methods];
        let run = finish(&sandbox, monitor(&sandbox, &out, &flags, &["touch", "ran"]));
        assert!(out.join("ran").exists(), "{file}: the command ran");
        assert_eq!(run.status.code(), Some(74), "{file}: {}", run.stderr);
        assert!(
            run.stderr.contains("not saved")
                && run.stderr.contains(&format!(".{file}.lock"))
                && run.stderr.contains("fuser"),
            "{file}: {}",
            run.stderr
        );
        assert_eq!(checkpoints(&out, file).len(), 1, "{file}: the row waits");
        drop(held);
        let next = finish(&sandbox, monitor(&sandbox, &out, &flags, &["true"]));
        assert!(next.status.success(), "{file}: {}", next.stderr);
        assert!(next.stderr.contains("did not write its"), "{}", next.stderr);
        assert!(checkpoints(&out, file).is_empty());
    }
}
