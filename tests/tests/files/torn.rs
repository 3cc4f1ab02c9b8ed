//! A torn last line left by something else (an older version's crash, another program, power
//! lost mid-write) is cut off into `{file}.torn` with one warning; every good row before it
//! stays where it is, and no backup is made.

use crate::common::{builder, Sandbox};
use crate::support::*;
use std::fs;
use std::time::Duration;

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
        !file_names(&out).iter().any(|n| n.ends_with(".bak")),
        "{:?}",
        file_names(&out)
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

/// `content`, then `zeros` zero bytes without a line break (sparse: no disk used): what a crash
/// can leave, the file's length grown but its last blocks never written.
fn ending_in_zeros(path: &std::path::Path, content: &[u8], zeros: u64) {
    fs::write(path, content).unwrap();
    fs::File::options()
        .write(true)
        .open(path)
        .unwrap()
        .set_len(content.len() as u64 + zeros)
        .unwrap();
}

#[test]
fn a_file_ending_in_zeros_is_refused_at_once_and_the_record_kept_until_it_is_repaired() {
    // Zeros at the end of emissions.jsonl were read back a chunk at a time, each prepended to
    // all before it: 32 MiB took seconds, 128 MiB a minute and a half (and 264 MB), past the
    // end of the run, and every later run did the same.
    for (file, methods, zeros) in [
        ("emissions.jsonl", "json", 32 << 20),
        ("emissions.csv", "csv", 16 << 20),
    ] {
        let sandbox = Sandbox::new();
        let out = sandbox.work();
        let good: Vec<u8> = if methods == "csv" {
            let (header, row) = real_csv_row(&sandbox);
            csv_text(&[header, row])
        } else {
            b"{\"run_id\":\"earlier\",\"duration\":1.0}\n".to_vec()
        };
        let path = out.join(file);
        ending_in_zeros(&path, &good, zeros);
        let flags = ["--output-methods", methods];
        let run = finish(&sandbox, monitor(&sandbox, &out, &flags, &["true"]));
        assert!(run.wall < Duration::from_secs(8), "{file}: {:?}", run.wall);
        assert_eq!(run.status.code(), Some(74), "{file}: {}", run.stderr);
        let cut = format!("truncate -s {} {}", good.len(), path.display());
        assert!(
            run.stderr.contains(&cut) && run.stderr.contains("not saved"),
            "{file}: {}",
            run.stderr
        );
        assert_eq!(
            fs::metadata(&path).unwrap().len(),
            good.len() as u64 + zeros
        );
        assert!(!out.join(format!("{file}.torn")).exists(), "nothing copied");
        assert_eq!(checkpoints(&out, file).len(), 1, "the record waits");

        // Repaired as the message says: the next run adds the kept record, then its own.
        fs::File::options()
            .write(true)
            .open(&path)
            .unwrap()
            .set_len(good.len() as u64)
            .unwrap();
        let next = finish(&sandbox, monitor(&sandbox, &out, &flags, &["true"]));
        assert!(next.status.success(), "{file}: {}", next.stderr);
        assert!(next.stderr.contains("did not write its"), "{}", next.stderr);
        let text = fs::read(&path).unwrap();
        assert!(text.starts_with(&good));
        let records = if methods == "csv" {
            read_csv(&path).len() - 1
        } else {
            text.split(|&b| b == b'\n')
                .filter(|l| !l.is_empty())
                .count()
        };
        assert_eq!(records, 3, "{file}: earlier, kept, new");
        assert!(checkpoints(&out, file).is_empty());
    }
}

#[test]
fn a_torn_last_row_of_the_task_file_is_cut_off_not_merged_with_the_next() {
    let sandbox = Sandbox::new();
    let out = sandbox.work();
    let mut tracker = builder(&out).start().unwrap();
    let run = tracker.run_id().unwrap().to_owned();
    tracker.start_task("first").unwrap();
    tracker.stop_task("first").unwrap();
    tracker.flush().unwrap(); // the task's row is written by now
    let path = out.join(format!("emissions_base_{run}.csv"));
    let whole = fs::read(&path).unwrap();
    // An older version's crash: half a row, no line break.
    let torn = b"second,0.5,2025-01-02T03:0";
    fs::write(&path, [whole.as_slice(), torn].concat()).unwrap();
    tracker.start_task("third").unwrap();
    tracker.stop_task("third").unwrap();
    tracker.stop().unwrap();
    assert!(
        tracker.output_errors().is_empty(),
        "{:?}",
        tracker.output_errors()
    );
    let rows = read_csv(&path);
    let names: Vec<&str> = rows.iter().map(|r| r[0].as_str()).collect();
    assert_eq!(names, ["task_name", "first", "third"]);
    assert!(fs::read(&path).unwrap().starts_with(&whole));
    assert_eq!(
        fs::read(format!("{}.torn", path.display())).unwrap(),
        [torn.as_slice(), b"\n"].concat()
    );
}
