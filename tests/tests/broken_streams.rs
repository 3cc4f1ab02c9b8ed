//! No print may panic: with standard output or standard error a closed pipe or `/dev/full`,
//! `monitor` still writes its row and exits with the command's code, and the other commands end
//! quietly or with an error, never with a panic (exit code 101).

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use common::{stderr, Sandbox};
use std::fs::File;
use std::os::fd::{FromRawFd, OwnedFd};
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

/// The two broken destinations: a pipe nobody reads any more, and a full device.
#[derive(Debug, Clone, Copy)]
enum Broken {
    ClosedPipe,
    FullDevice,
}

const BROKEN: [Broken; 2] = [Broken::ClosedPipe, Broken::FullDevice];

impl Broken {
    fn stdio(self) -> Stdio {
        match self {
            Broken::ClosedPipe => {
                let mut fds = [0; 2];
                assert_eq!(unsafe { libc::pipe(fds.as_mut_ptr()) }, 0);
                // The read end closed before codecarbon starts: every write fails (EPIPE).
                drop(unsafe { OwnedFd::from_raw_fd(fds[0]) });
                Stdio::from(unsafe { OwnedFd::from_raw_fd(fds[1]) })
            }
            Broken::FullDevice => File::options()
                .write(true)
                .open("/dev/full")
                .unwrap()
                .into(),
        }
    }
}

/// Runs `cmd` to its end (bounded: a broken stream must not hang it either).
fn finish(mut cmd: Command) -> Output {
    let mut child = cmd.spawn().unwrap();
    let start = Instant::now();
    while child.try_wait().unwrap().is_none() {
        if start.elapsed() > Duration::from_secs(60) {
            let _ = child.kill();
            panic!("codecarbon did not end: {cmd:?}");
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    child.wait_with_output().unwrap()
}

fn no_panic(out: &Output, what: &str) {
    assert_ne!(out.status.code(), Some(101), "{what} panicked");
    assert!(!stderr(out).contains("panicked"), "{what}: {}", stderr(out));
}

fn monitor(sandbox: &Sandbox, extra: &[&str], command: &[&str]) -> Command {
    let mut args = vec![
        "monitor",
        "--offline",
        "--country-iso-code",
        "CAN",
        // As many messages as possible, each a chance to panic.
        "--log-level",
        "debug",
    ];
    args.extend_from_slice(extra);
    args.push("--");
    args.extend_from_slice(command);
    let mut cmd = sandbox.command(&args);
    cmd.stderr(Stdio::null());
    cmd
}

#[test]
fn monitor_with_a_broken_stderr_keeps_the_commands_code_and_writes_its_row() {
    for broken in BROKEN {
        let sandbox = Sandbox::new();
        let mut cmd = monitor(&sandbox, &[], &["sh", "-c", "exit 3"]);
        cmd.stderr(broken.stdio());
        let out = finish(cmd);
        assert_eq!(out.status.code(), Some(3), "{broken:?}");
        assert_eq!(sandbox.csv("emissions.csv").len(), 2, "{broken:?}");

        // The logger output writes its JSON lines to stderr too.
        let mut cmd = monitor(&sandbox, &["--output-methods", "csv,logger"], &["true"]);
        cmd.stderr(broken.stdio());
        let out = finish(cmd);
        assert_eq!(out.status.code(), Some(0), "{broken:?}, logger output");
        assert_eq!(sandbox.csv("emissions.csv").len(), 3, "{broken:?}");
    }
}

#[test]
fn monitor_with_a_broken_stdout_is_untouched() {
    // Standard output is the command's: codecarbon writes nothing there.
    for broken in BROKEN {
        let sandbox = Sandbox::new();
        let mut cmd = monitor(&sandbox, &[], &["true"]);
        cmd.stdout(broken.stdio());
        let out = finish(cmd);
        assert_eq!(out.status.code(), Some(0), "{broken:?}: {}", stderr(&out));
    }
}

/// The commands that print a result. When it cannot be written they exit with 1: quietly when
/// the reader went away (`| head`), with a message when the disk is full.
fn results_commands(sandbox: &Sandbox) -> Vec<Vec<String>> {
    let csv = sandbox.work().join("emissions.csv").display().to_string();
    [
        vec!["detect", "--offline", "--country-iso-code", "CAN"],
        vec!["detect", "--json"],
        vec!["intensity", "--country-iso-code", "CAN"],
        vec!["intensity", "--list"],
        vec!["intensity", "--list", "--json"],
        vec!["board", &csv],
        vec!["--help"],
        vec!["monitor", "--help"],
        vec!["--version"],
    ]
    .into_iter()
    .map(|args| args.into_iter().map(String::from).collect())
    .collect()
}

#[test]
fn commands_with_a_broken_stdout_end_without_panic() {
    let sandbox = Sandbox::new();
    let made = finish(monitor(&sandbox, &[], &["true"]));
    assert!(made.status.success());
    for args in results_commands(&sandbox) {
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        for broken in BROKEN {
            let mut cmd = sandbox.command(&args);
            cmd.stdout(broken.stdio()).stderr(Stdio::piped());
            let out = finish(cmd);
            let what = format!("{args:?} with {broken:?}");
            no_panic(&out, &what);
            match broken {
                Broken::ClosedPipe => {
                    assert_eq!(out.status.code(), Some(1), "{what}: {}", stderr(&out));
                    assert!(
                        !stderr(&out).contains("cannot write"),
                        "{what}: {}",
                        stderr(&out)
                    );
                }
                Broken::FullDevice => {
                    assert_eq!(out.status.code(), Some(1), "{what}: {}", stderr(&out));
                    assert!(
                        stderr(&out).contains("cannot write to standard output"),
                        "{what}: {}",
                        stderr(&out)
                    );
                }
            }
        }
    }
}

#[test]
fn board_output_with_a_broken_stdout_still_writes_the_page_and_succeeds() {
    let sandbox = Sandbox::new();
    let made = finish(monitor(&sandbox, &[], &["true"]));
    assert!(made.status.success());
    let csv = sandbox.work().join("emissions.csv").display().to_string();
    for broken in BROKEN {
        let html = sandbox.work().join(format!("board-{broken:?}.html"));
        let mut cmd = sandbox.command(&["board", &csv, "--output", &html.display().to_string()]);
        cmd.stdout(broken.stdio()).stderr(Stdio::piped());
        let out = finish(cmd);
        let what = format!("board --output with {broken:?}");
        no_panic(&out, &what);
        // The page is the result: only its confirmation was lost.
        assert_eq!(out.status.code(), Some(0), "{what}: {}", stderr(&out));
        let page = std::fs::read_to_string(&html).unwrap();
        assert!(page.contains("<html"), "{what}: no page");
    }
}

#[test]
fn commands_with_a_broken_stderr_end_without_panic() {
    let sandbox = Sandbox::new();
    let made = finish(monitor(&sandbox, &[], &["true"]));
    assert!(made.status.success());
    let missing = sandbox.work().join("missing.csv").display().to_string();
    // Each says something on stderr: an error, a warning or the board's summary.
    let cases: [(&[&str], i32); 6] = [
        (&["intensity", "--country-iso-code", "XYZ"], 2),
        (&["intensity", "--country-iso-code", "ATA"], 0),
        (&["detect", "--offline"], 2),
        (&["board", &missing, "--output", "x.html"], 2),
        (&["board", "emissions.csv", "--output", "x.html"], 0),
        (&["monitor", "--offline", "--", "true"], 2),
    ];
    for (args, code) in cases {
        for broken in BROKEN {
            let mut cmd = sandbox.command(args);
            cmd.stderr(broken.stdio()).stdout(Stdio::null());
            let out = finish(cmd);
            assert_eq!(out.status.code(), Some(code), "{args:?} with {broken:?}");
        }
    }
}
