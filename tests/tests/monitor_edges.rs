//! `codecarbon monitor -- CMD` at its edges: a command line that is not UTF-8, and a row that
//! cannot be written.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use common::{stderr, Sandbox};
use std::ffi::OsStr;
use std::os::unix::ffi::OsStrExt;
use std::os::unix::fs::PermissionsExt;

const CAN: &[&str] = &["monitor", "--offline", "--country-iso-code", "CAN", "--"];

/// Bytes that are not UTF-8 reach the command unchanged, in its name and its arguments.
#[test]
fn the_command_line_after_the_separator_passes_byte_for_byte() {
    let sandbox = Sandbox::new();
    let program: &[u8] = b"./echo-\xff";
    let script = sandbox.work().join(OsStr::from_bytes(&program[2..]));
    std::fs::write(&script, "#!/bin/sh\nprintf '%s|%s' \"$1\" \"$2\" > args\n").unwrap();
    std::fs::set_permissions(&script, std::fs::Permissions::from_mode(0o755)).unwrap();
    let arguments: [&[u8]; 2] = [b"\xff\xfe", b"caf\xe9 \n\x80"];

    let out = sandbox
        .command(CAN)
        .arg(OsStr::from_bytes(program))
        .args(arguments.map(OsStr::from_bytes))
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    let got = std::fs::read(sandbox.work().join("args")).unwrap();
    assert_eq!(got, [arguments[0], b"|", arguments[1]].concat());
    assert_eq!(sandbox.csv("emissions.csv").len(), 2);

    // A program that is not there, under such a name: the shell's 127, with its name shown.
    let out = sandbox
        .command(CAN)
        .arg(OsStr::from_bytes(b"./missing-\xff"))
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(127), "{}", stderr(&out));
    assert!(stderr(&out).contains("missing-"), "{}", stderr(&out));
}

/// The command turns `emissions.csv` into a directory, so the row cannot be written at stop:
/// the summary says it was not saved and where the totals wait, there is no `saved to:` line,
/// and the exit code says so (74) when the command itself succeeded. The next run adds the row.
#[test]
fn a_row_that_cannot_be_written_is_reported_and_fails_the_run() {
    let sandbox = Sandbox::new();
    let block = "rm -f emissions.csv && mkdir emissions.csv";
    let out = sandbox
        .command(CAN)
        .args(["sh", "-c", block])
        .output()
        .unwrap();
    let report = stderr(&out);
    assert_eq!(out.status.code(), Some(74), "{report}");
    assert!(!report.contains("saved to:"), "{report}");
    let not_saved = report
        .lines()
        .find(|l| l.trim_start().starts_with("not saved:"))
        .unwrap_or_else(|| panic!("no `not saved:` line: {report}"));
    assert!(not_saved.contains("output `csv`"), "{not_saved}");
    assert!(
        not_saved.contains("the totals are kept in") && not_saved.contains(".checkpoint"),
        "{not_saved}"
    );

    // The command's own failure keeps its code. (This run writes the first run's row when it
    // starts: the command sets that file aside.)
    std::fs::remove_dir(sandbox.work().join("emissions.csv")).unwrap();
    let out = sandbox
        .command(CAN)
        .args([
            "sh",
            "-c",
            "mv emissions.csv aside.csv && mkdir emissions.csv; exit 5",
        ])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(5), "{}", stderr(&out));
    assert!(stderr(&out).contains("not saved:"), "{}", stderr(&out));

    // The totals were kept: the next run writes the second run's row before its own.
    std::fs::remove_dir(sandbox.work().join("emissions.csv")).unwrap();
    std::fs::rename(
        sandbox.work().join("aside.csv"),
        sandbox.work().join("emissions.csv"),
    )
    .unwrap();
    let out = sandbox.command(CAN).arg("true").output().unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(stderr(&out).contains("saved to:"), "{}", stderr(&out));
    assert_eq!(
        sandbox.csv("emissions.csv").len(),
        4,
        "header and three rows"
    );
}

/// Without a command, the run stopped by SIGTERM exits with 0, or with 74 when its row could
/// not be written.
#[test]
fn monitoring_the_machine_reports_a_row_it_could_not_write() {
    let sandbox = Sandbox::new();
    let child = sandbox
        .command(&[
            "monitor",
            "--offline",
            "--country-iso-code",
            "CAN",
            "--output-dir",
            "out",
            "--measure-power-secs",
            "1",
        ])
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let csv = sandbox.work().join("out/emissions.csv");
    let start = std::time::Instant::now();
    // The first checkpoint is saved once the tracker runs.
    let checkpointed = || {
        std::fs::read_dir(sandbox.work().join("out")).is_ok_and(|entries| {
            entries
                .flatten()
                .any(|e| e.file_name().to_string_lossy().ends_with(".checkpoint"))
        })
    };
    while !checkpointed() {
        assert!(start.elapsed().as_secs() < 30, "the tracker never started");
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
    let _ = std::fs::remove_file(&csv);
    std::fs::create_dir(&csv).unwrap();
    unsafe { libc::kill(child.id() as libc::pid_t, libc::SIGTERM) };
    let out = child.wait_with_output().unwrap();
    assert_eq!(out.status.code(), Some(74), "{}", stderr(&out));
    assert!(stderr(&out).contains("not saved:"), "{}", stderr(&out));
}
