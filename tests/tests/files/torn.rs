//! A torn last line left by something else (an older version's crash, another program, power
//! lost mid-write) is cut off into `{file}.torn` with one warning; every good row before it
//! stays where it is, and no backup is made.

use crate::common::Sandbox;
use crate::support::*;
use std::fs;

#[test]
fn a_torn_last_row_of_emissions_csv_is_cut_off_not_a_reason_to_back_up_the_file() {
    let sandbox = Sandbox::new();
    let out = sandbox.work();
    let (header, row) = real_csv_row(&sandbox);
    let good = csv_text(&[header.clone(), row.clone()]);
    // What a full disk left with earlier versions: 30 of the 38 fields, no line break.
    let torn = csv_text(&[row[..30].to_vec()]);
    let torn = &torn[..torn.len() - 1];
    fs::write(out.join("emissions.csv"), [good.as_slice(), torn].concat()).unwrap();

    let run = finish(&sandbox, monitor(&sandbox, &out, &[], &["true"]));
    assert!(run.status.success(), "{}", run.stderr);
    let rows = read_csv(&out.join("emissions.csv"));
    assert_eq!(rows.len(), 3, "header, the good row, this run's: {rows:?}");
    assert_eq!(rows[1], row);
    assert!(fs::read(out.join("emissions.csv"))
        .unwrap()
        .starts_with(&good));
    assert_eq!(
        fs::read(out.join("emissions.csv.torn")).unwrap(),
        [torn, b"\n"].concat()
    );
    assert_eq!(
        run.stderr.matches("incomplete row").count(),
        1,
        "one warning: {}",
        run.stderr
    );
    assert!(run.stderr.contains("emissions.csv.torn"), "{}", run.stderr);
    assert!(
        !names(&out).iter().any(|n| n.ends_with(".bak")),
        "{:?}",
        names(&out)
    );
}

#[test]
fn a_file_that_really_is_something_else_is_still_backed_up() {
    let sandbox = Sandbox::new();
    let out = sandbox.work();
    fs::write(out.join("emissions.csv"), "name,age\nada,36\nalan,41").unwrap();
    let run = finish(&sandbox, monitor(&sandbox, &out, &[], &["true"]));
    assert!(run.status.success(), "{}", run.stderr);
    assert_eq!(
        fs::read_to_string(out.join("emissions.csv.bak")).unwrap(),
        "name,age\nada,36\nalan,41"
    );
    assert_eq!(read_csv(&out.join("emissions.csv")).len(), 2);
    assert!(!out.join("emissions.csv.torn").exists());
}

#[test]
fn a_torn_last_line_of_emissions_jsonl_is_cut_off_and_the_lines_before_kept() {
    let sandbox = Sandbox::new();
    let out = sandbox.work();
    let good = "{\"run_id\":\"earlier\",\"duration\":1.0}\n";
    let torn = "{\"run_id\":\"cut short\",\"dura";
    fs::write(out.join("emissions.jsonl"), format!("{good}{torn}")).unwrap();
    let run = finish(
        &sandbox,
        monitor(&sandbox, &out, &["--output-methods", "json"], &["true"]),
    );
    assert!(run.status.success(), "{}", run.stderr);
    let text = fs::read_to_string(out.join("emissions.jsonl")).unwrap();
    assert!(text.starts_with(good), "{text}");
    assert_eq!(text.lines().count(), 2, "{text}");
    for line in text.lines() {
        serde_json::from_str::<serde_json::Value>(line).unwrap();
    }
    assert_eq!(
        fs::read_to_string(out.join("emissions.jsonl.torn")).unwrap(),
        format!("{torn}\n")
    );
}
