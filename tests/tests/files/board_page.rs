//! `codecarbon board --output`: the page is the result. Once it is written, a confirmation
//! that cannot be printed (a closed pipe, a full disk as standard output) does not fail the
//! command.

use crate::common::Sandbox;
use crate::support::*;
use std::fs;
use std::process::Stdio;
use std::time::{Duration, Instant};

#[test]
fn a_page_written_is_a_success_even_when_the_confirmation_cannot_be_printed() {
    let sandbox = Sandbox::new();
    let (header, row) = real_csv_row(&sandbox);
    fs::write(sandbox.work().join("e.csv"), csv_text(&[header, row])).unwrap();
    let full = fs::File::options().write(true).open("/dev/full").unwrap();
    let log = sandbox.dir.path().join("board-stderr.txt");
    let mut child = sandbox
        .command(&["board", "e.csv", "--output", "page.html"])
        .stdin(Stdio::null())
        .stdout(Stdio::from(full))
        .stderr(fs::File::create(&log).unwrap())
        .spawn()
        .unwrap();
    let start = Instant::now();
    let status = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break status;
        }
        if start.elapsed() > PATIENCE {
            let _ = child.kill();
            panic!("board did not end");
        }
        std::thread::sleep(Duration::from_millis(20));
    };
    let stderr = fs::read_to_string(&log).unwrap();
    assert_eq!(status.code(), Some(0), "{stderr}");
    assert!(
        stderr.contains("cannot write to standard output")
            && stderr.contains("the page is written"),
        "{stderr}"
    );
    let page = fs::read_to_string(sandbox.work().join("page.html")).unwrap();
    assert!(
        page.starts_with("<!DOCTYPE html>"),
        "{}",
        &page[..page.len().min(80)]
    );
}
