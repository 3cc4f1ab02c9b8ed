//! Two file outputs never share a file: an `output_file` ending in `.jsonl` with both the CSV
//! and the JSON Lines output on is refused before anything runs, rather than each output taking
//! the other's file, lock and checkpoints for its own.

use crate::common::Sandbox;
use crate::support::*;

#[test]
fn an_output_file_ending_in_jsonl_with_csv_and_json_is_refused_at_the_start() {
    let sandbox = Sandbox::new();
    let out = sandbox.work().join("out");
    let flags = ["--output-file", "e.jsonl", "--output-methods", "csv,json"];
    let run = finish(&sandbox, monitor(&sandbox, &out, &flags, &["touch", "ran"]));
    assert_eq!(run.status.code(), Some(2), "{}", run.stderr);
    assert!(
        run.stderr.contains("e.jsonl") && run.stderr.contains("set `output_file`"),
        "{}",
        run.stderr
    );
    assert!(
        !sandbox.work().join("ran").exists(),
        "refused before the command ran"
    );
    // Either output alone may have that name.
    for alone in ["csv", "json"] {
        let flags = ["--output-file", "e.jsonl", "--output-methods", alone];
        let run = finish(&sandbox, monitor(&sandbox, &out, &flags, &["true"]));
        assert!(run.status.success(), "{alone}: {}", run.stderr);
    }
}
