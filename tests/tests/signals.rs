//! Signals and `codecarbon monitor -- CMD`: a signal at any moment ends the command and the run
//! keeps its row; a signal ignored on entry stays ignored; a killed tracker does not orphan its
//! command.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use common::{stderr, Sandbox};
use std::os::unix::process::{CommandExt, ExitStatusExt};
use std::path::Path;
use std::process::{Child, ExitStatus};
use std::time::{Duration, Instant};

/// Generous: the machine running the tests may be small and busy.
const LIMIT: Duration = Duration::from_secs(30);

fn tracker_args<'a>(command: &[&'a str]) -> Vec<&'a str> {
    let mut args = vec!["monitor", "--offline", "--country-iso-code", "CAN", "--"];
    args.extend_from_slice(command);
    args
}

fn wait_for(path: &Path) -> bool {
    let start = Instant::now();
    while !path.exists() {
        if start.elapsed() > LIMIT {
            return false;
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    true
}

/// Waits for `child` at most [`LIMIT`]; kills it and fails if it runs longer.
fn wait_bounded(child: &mut Child, what: &str) -> ExitStatus {
    let start = Instant::now();
    loop {
        if let Some(status) = child.try_wait().unwrap() {
            return status;
        }
        if start.elapsed() > LIMIT {
            let _ = child.kill();
            let _ = child.wait();
            panic!("{what} did not end within {LIMIT:?}");
        }
        std::thread::sleep(Duration::from_millis(20));
    }
}

fn send(pid: u32, signal: libc::c_int) {
    assert_eq!(unsafe { libc::kill(pid as libc::pid_t, signal) }, 0);
}

/// Whether the process catches `signal` (its handler is installed), from /proc.
fn catches(pid: u32, signal: libc::c_int) -> bool {
    let Ok(status) = std::fs::read_to_string(format!("/proc/{pid}/status")) else {
        return false;
    };
    status
        .lines()
        .find_map(|l| l.strip_prefix("SigCgt:"))
        .and_then(|mask| u64::from_str_radix(mask.trim(), 16).ok())
        .is_some_and(|mask| mask & (1 << (signal - 1)) != 0)
}

/// A signal sent the instant the tracker process exists (it waits, blocked, until codecarbon
/// can take it) ends the run: the command is not started, the row is written, and the exit code
/// is the one of a command killed by that signal.
#[test]
fn a_signal_before_the_command_starts_ends_the_run_with_its_row() {
    let sandbox = Sandbox::new();
    let mut cmd = sandbox.command(&tracker_args(&["touch", "ran"]));
    // The signal arrives before codecarbon's first instruction: blocked from exec on, it is
    // delivered as soon as codecarbon unblocks it.
    unsafe {
        cmd.pre_exec(|| {
            let mut set: libc::sigset_t = std::mem::zeroed();
            libc::sigemptyset(&mut set);
            libc::sigaddset(&mut set, libc::SIGTERM);
            libc::pthread_sigmask(libc::SIG_BLOCK, &set, std::ptr::null_mut());
            Ok(())
        });
    }
    let mut child = cmd.stderr(std::process::Stdio::piped()).spawn().unwrap();
    send(child.id(), libc::SIGTERM);
    let status = wait_bounded(&mut child, "codecarbon");
    let out = child.wait_with_output().unwrap();
    assert_eq!(status.code(), Some(128 + libc::SIGTERM), "{}", stderr(&out));
    assert!(
        !sandbox.work().join("ran").exists(),
        "a command asked to stop before it started must not run"
    );
    assert!(
        stderr(&out).contains("SIGTERM arrived before the command started"),
        "{}",
        stderr(&out)
    );
    assert_eq!(sandbox.csv("emissions.csv").len(), 2, "the run's row");
}

/// From the moment codecarbon catches signals (the first thing it does), SIGINT, SIGTERM and
/// SIGHUP end the command, whenever they come: while the tracker starts, while the command is
/// being started, or after. The run always writes its row.
#[test]
fn a_signal_as_early_as_codecarbon_catches_it_ends_the_command() {
    for signal in [libc::SIGINT, libc::SIGTERM, libc::SIGHUP] {
        let sandbox = Sandbox::new();
        let mut child = sandbox
            .command(&tracker_args(&["sleep", "60"]))
            .stderr(std::process::Stdio::null())
            .spawn()
            .unwrap();
        let start = Instant::now();
        while !catches(child.id(), signal) {
            assert!(start.elapsed() < LIMIT, "codecarbon never caught {signal}");
            std::thread::yield_now();
        }
        send(child.id(), signal);
        let status = wait_bounded(&mut child, "the command (sleep 60)");
        assert_eq!(status.code(), Some(128 + signal), "signal {signal}");
        assert_eq!(sandbox.csv("emissions.csv").len(), 2, "signal {signal}");
    }
}

/// `nohup codecarbon monitor -- CMD`, or `&` in a script: a signal ignored when codecarbon
/// starts stays ignored for the command, as under a shell, so the terminal's hangup does not
/// end it.
#[test]
fn a_signal_ignored_on_entry_stays_ignored_for_the_command() {
    let sandbox = Sandbox::new();
    let mut cmd = sandbox.command(&tracker_args(&[
        "sh",
        "-c",
        "touch started; sleep 1; touch survived",
    ]));
    cmd.process_group(0);
    unsafe {
        cmd.pre_exec(|| {
            libc::signal(libc::SIGHUP, libc::SIG_IGN);
            Ok(())
        });
    }
    let mut child = cmd.stderr(std::process::Stdio::piped()).spawn().unwrap();
    assert!(wait_for(&sandbox.work().join("started")));
    // The hangup of a terminal reaches the whole process group.
    assert_eq!(
        unsafe { libc::kill(-(child.id() as libc::pid_t), libc::SIGHUP) },
        0
    );
    let status = wait_bounded(&mut child, "codecarbon");
    let out = child.wait_with_output().unwrap();
    assert_eq!(status.code(), Some(0), "{}", stderr(&out));
    assert!(sandbox.work().join("survived").exists());
    assert_eq!(sandbox.csv("emissions.csv").len(), 2);
}

/// SIGKILL cannot be caught, so codecarbon cannot pass it on; the command gets SIGTERM from the
/// kernel instead when its tracker dies, and can end cleanly.
#[test]
fn a_killed_tracker_takes_its_command_down_with_sigterm() {
    let sandbox = Sandbox::new();
    let script = "echo $$ > pid; trap 'touch ended; exit 0' TERM; touch started; \
                  while :; do sleep 0.1; done";
    let mut child = sandbox
        .command(&tracker_args(&["sh", "-c", script]))
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    assert!(wait_for(&sandbox.work().join("started")));
    child.kill().unwrap();
    let status = child.wait().unwrap();
    assert_eq!(status.signal(), Some(libc::SIGKILL));
    let ended = wait_for(&sandbox.work().join("ended"));
    if !ended {
        // Do not leave the orphan looping forever.
        let pid = std::fs::read_to_string(sandbox.work().join("pid")).unwrap();
        send(pid.trim().parse().unwrap(), libc::SIGKILL);
    }
    assert!(ended, "the command outlived its tracker by {LIMIT:?}");
}
