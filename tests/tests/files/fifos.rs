//! A FIFO (or a device) where a file of ours goes never hangs a command: it is refused at
//! once, with an error that names it. Every run here is bounded by [`PATIENCE`].

use crate::common::{builder, Sandbox};
use crate::support::*;
use std::fs;
use std::sync::mpsc;

/// The run that meets the FIFO ended, refused, and said why.
fn refused(run: &crate::process::Finished, file: &str) {
    assert!(!run.status.success(), "{}", run.stderr);
    assert!(
        run.stderr.contains(file) && run.stderr.contains("FIFO"),
        "{}",
        run.stderr
    );
}

#[test]
fn a_fifo_as_emissions_csv_or_jsonl_stops_the_start_at_once() {
    for (file, methods) in [("emissions.csv", "csv"), ("emissions.jsonl", "json")] {
        let sandbox = Sandbox::new();
        mkfifo(&sandbox.work().join(file));
        let run = finish(
            &sandbox,
            monitor(
                &sandbox,
                &sandbox.work(),
                &["--output-methods", methods],
                &["true"],
            ),
        );
        refused(&run, file);
    }
}

#[test]
fn a_fifo_as_a_checkpoint_is_set_aside_at_once() {
    let sandbox = Sandbox::new();
    let out = sandbox.work();
    mkfifo(&out.join(".emissions.csv.planted.checkpoint"));
    let run = finish(&sandbox, monitor(&sandbox, &out, &[], &["true"]));
    assert!(run.status.success(), "{}", run.stderr);
    assert!(run.stderr.contains("FIFO"), "{}", run.stderr);
    assert_eq!(read_csv(&out.join("emissions.csv")).len(), 2);
    assert!(file_names(&out).contains(&".emissions.csv.planted.checkpoint.unreadable".into()));
}

#[test]
fn a_fifo_as_the_task_file_does_not_hang_the_run() {
    let sandbox = Sandbox::new();
    let out = sandbox.work();
    let (done, finished) = mpsc::channel();
    let task_out = out.clone();
    std::thread::spawn(move || {
        let mut tracker = builder(&task_out).start().unwrap();
        let run = tracker.run_id().unwrap().to_owned();
        mkfifo(&task_out.join(format!("emissions_base_{run}.csv")));
        tracker.start_task("t").unwrap();
        tracker.stop_task("t").unwrap();
        tracker.stop().unwrap();
        done.send(()).unwrap();
    });
    finished
        .recv_timeout(PATIENCE)
        .expect("the run ended, the FIFO refused");
    assert_eq!(
        read_csv(&out.join("emissions.csv")).len(),
        2,
        "the run's row"
    );
}

#[test]
fn board_reads_and_writes_only_regular_files() {
    let sandbox = Sandbox::new();
    let (header, row) = real_csv_row(&sandbox);
    fs::write(sandbox.work().join("e.csv"), csv_text(&[header, row])).unwrap();
    mkfifo(&sandbox.work().join("fifo.csv"));
    mkfifo(&sandbox.work().join("fifo.html"));
    let run = finish(&sandbox, sandbox.command(&["board", "fifo.csv"]));
    assert_eq!(run.status.code(), Some(2), "{}", run.stderr);
    refused(&run, "fifo.csv");
    let run = finish(
        &sandbox,
        sandbox.command(&["board", "e.csv", "--output", "fifo.html"]),
    );
    assert_eq!(run.status.code(), Some(2), "{}", run.stderr);
    refused(&run, "fifo.html");
    let run = finish(&sandbox, sandbox.command(&["board", "/dev/zero"]));
    assert_eq!(run.status.code(), Some(2), "{}", run.stderr);
    assert!(run.stderr.contains("character device"), "{}", run.stderr);
}
