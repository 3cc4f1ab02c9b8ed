//! Signals and `codecarbon monitor [-- CMD]`: a signal at any moment ends the command and the run
//! keeps its row; a signal ignored on entry stays ignored; a second signal gets out of a start or
//! an end that hangs; a killed tracker does not orphan its command.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use common::{stderr, Sandbox};
use std::fs::File;
use std::os::unix::process::{CommandExt, ExitStatusExt};
use std::path::Path;
use std::process::{Child, Command, ExitStatus, Stdio};
use std::time::{Duration, Instant};

/// Generous: the machine running the tests may be small and busy.
const LIMIT: Duration = Duration::from_secs(30);

/// How long a signal that must change nothing is given to change something.
const GRACE: Duration = Duration::from_millis(1500);

fn tracker_args<'a>(command: &[&'a str]) -> Vec<&'a str> {
    let mut args = vec!["monitor", "--offline", "--country-iso-code", "CAN", "--"];
    args.extend_from_slice(command);
    args
}

/// `monitor` without a command.
const MACHINE: [&str; 6] = [
    "monitor",
    "--offline",
    "--country-iso-code",
    "CAN",
    "--measure-power-secs",
    "1",
];

/// The stop signals at their default action in codecarbon, whatever the test runner ignores
/// (`cargo test &` in a script ignores SIGINT), and `ignore` ignored, as `nohup` or `&` would.
fn entry_signals(cmd: &mut Command, ignore: &'static [libc::c_int]) {
    unsafe {
        cmd.pre_exec(move || {
            for signal in [libc::SIGINT, libc::SIGTERM, libc::SIGHUP, libc::SIGQUIT] {
                let action = if ignore.contains(&signal) {
                    libc::SIG_IGN
                } else {
                    libc::SIG_DFL
                };
                libc::signal(signal, action);
            }
            Ok(())
        });
    }
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

/// Whether `signal` is in the mask `field` (`SigCgt`, `ShdPnd`...) of the process, from /proc.
fn in_mask(pid: u32, field: &str, signal: libc::c_int) -> bool {
    let Ok(status) = std::fs::read_to_string(format!("/proc/{pid}/status")) else {
        return false;
    };
    status
        .lines()
        .find_map(|l| l.strip_prefix(field)?.strip_prefix(':'))
        .and_then(|mask| u64::from_str_radix(mask.trim(), 16).ok())
        .is_some_and(|mask| mask & (1 << (signal - 1)) != 0)
}

/// Whether the process catches `signal` (its handler is installed).
fn catches(pid: u32, signal: libc::c_int) -> bool {
    in_mask(pid, "SigCgt", signal)
}

/// Polls `done` until it holds; fails, killing `child`, after [`LIMIT`].
fn poll(child: &mut Child, what: &str, mut done: impl FnMut(&mut Child) -> bool) {
    let start = Instant::now();
    while !done(child) {
        if start.elapsed() > LIMIT {
            let _ = child.kill();
            let _ = child.wait();
            panic!("{what}: not within {LIMIT:?}");
        }
        std::thread::sleep(Duration::from_millis(10));
    }
}

/// Sends `signal` and waits until the process has taken it (it is no longer pending), so that
/// a second one is a second one and not merged with it by the kernel.
fn send_and_wait_taken(child: &mut Child, signal: libc::c_int) {
    send(child.id(), signal);
    poll(child, "the signal taken", |c| {
        !in_mask(c.id(), "ShdPnd", signal) || c.try_wait().unwrap().is_some()
    });
}

/// Whether the process holds a `flock` (a held lock is listed in /proc/locks as
/// `1: FLOCK ADVISORY WRITE <pid> ...`; one waited for has `->` before `FLOCK`).
fn holds_a_lock(pid: u32) -> bool {
    let locks = std::fs::read_to_string("/proc/locks").unwrap_or_default();
    let pid = pid.to_string();
    locks.lines().any(|line| {
        let fields: Vec<&str> = line.split_whitespace().collect();
        fields.get(1) == Some(&"FLOCK") && fields.get(4) == Some(&pid.as_str())
    })
}

/// Whether any process has `pid` as its parent (a zombie not yet reaped counts), from /proc.
fn has_children(pid: u32) -> bool {
    let parent = pid.to_string();
    std::fs::read_dir("/proc").unwrap().flatten().any(|entry| {
        let Ok(stat) = std::fs::read_to_string(entry.path().join("stat")) else {
            return false;
        };
        // `pid (comm) state ppid ...`: the command name may hold spaces and parentheses.
        stat.rsplit_once(')')
            .and_then(|(_, rest)| rest.split_whitespace().nth(1))
            == Some(parent.as_str())
    })
}

/// The lock every writer of `emissions.csv` takes, held as another process would hold it.
fn hold_the_csv_lock(sandbox: &Sandbox) -> File {
    let lock = File::options()
        .create(true)
        .append(true)
        .open(sandbox.work().join(".emissions.csv.lock"))
        .unwrap();
    lock.lock().unwrap();
    lock
}

/// The run ids of the checkpoints in the sandbox (`.emissions.csv.<run id>.checkpoint`).
fn checkpointed_runs(sandbox: &Sandbox) -> Vec<String> {
    std::fs::read_dir(sandbox.work())
        .unwrap()
        .flatten()
        .filter_map(|e| {
            let name = e.file_name().to_string_lossy().into_owned();
            let run = name.strip_prefix(".emissions.csv.")?;
            Some(run.strip_suffix(".checkpoint")?.to_owned())
        })
        .collect()
}

/// Leaves the checkpoint of a run killed with SIGKILL in the sandbox, and returns its run id:
/// the next start writes its row, under the CSV's lock.
fn leave_a_killed_runs_checkpoint(sandbox: &Sandbox) -> String {
    let mut run = sandbox
        .command(&[&MACHINE[..], &["--", "sleep", "60"]].concat())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    poll(&mut run, "the run's first checkpoint", |_| {
        !checkpointed_runs(sandbox).is_empty()
    });
    run.kill().unwrap();
    run.wait().unwrap();
    checkpointed_runs(sandbox).remove(0)
}

/// Sends `signal` to a codecarbon stuck with no command running, checks that it does not end
/// it, then sends it again, which must end codecarbon by that signal, saying so.
fn a_second_signal_ends_it(mut child: Child, signal: libc::c_int, case: &str) {
    send_and_wait_taken(&mut child, signal);
    std::thread::sleep(Duration::from_millis(100));
    assert!(
        child.try_wait().unwrap().is_none(),
        "{case}: the first signal is kept for when the run can end, it does not end codecarbon"
    );
    send(child.id(), signal);
    let status = wait_bounded(&mut child, case);
    let out = child.wait_with_output().unwrap();
    assert_eq!(status.signal(), Some(signal), "{case}: {}", stderr(&out));
    assert!(
        stderr(&out).contains("a second SIG") && stderr(&out).contains("without the run's row"),
        "{case}: {}",
        stderr(&out)
    );
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
///
/// Which of these moments the signal hit is up to the machine (nearly always while the tracker
/// starts): the test says which, on its output. The moment the command is being started is
/// tested on its own, by the unit tests of `crates/cli/src/signals.rs`.
#[test]
fn a_signal_as_early_as_codecarbon_catches_it_ends_the_command() {
    for signal in [libc::SIGINT, libc::SIGTERM, libc::SIGHUP] {
        let sandbox = Sandbox::new();
        let mut cmd = sandbox.command(&tracker_args(&["sh", "-c", "touch started; exec sleep 60"]));
        entry_signals(&mut cmd, &[]);
        let mut child = cmd.stderr(Stdio::piped()).spawn().unwrap();
        let start = Instant::now();
        while !catches(child.id(), signal) {
            assert!(start.elapsed() < LIMIT, "codecarbon never caught {signal}");
            std::thread::yield_now();
        }
        send(child.id(), signal);
        let status = wait_bounded(&mut child, "the command (sleep 60)");
        let out = child.wait_with_output().unwrap();
        let not_started = stderr(&out).contains("arrived before the command started");
        let started = sandbox.work().join("started").exists();
        let path = match (not_started, started) {
            (true, false) => "before the command was started: it was not started",
            (false, true) => "while the command was being started or ran: it reached the command",
            _ => panic!("signal {signal}: started {started}, {}", stderr(&out)),
        };
        eprintln!("signal {signal} came {path}");
        assert_eq!(status.code(), Some(128 + signal), "signal {signal}");
        assert_eq!(sandbox.csv("emissions.csv").len(), 2, "signal {signal}");
    }
}

/// A start that hangs (here the CSV's lock, held by another process while codecarbon must write
/// an earlier run's row) is not a trap: the first SIGINT or SIGTERM is kept for when the run can
/// end, a second of the same kind ends codecarbon at once, by that signal, with and without a
/// command. The command is not started, and the totals the earlier run left are still there for
/// the next run.
#[test]
fn a_second_signal_ends_a_start_that_hangs() {
    let sandbox = Sandbox::new();
    let killed = leave_a_killed_runs_checkpoint(&sandbox);
    let lock = hold_the_csv_lock(&sandbox);
    let with_command = [&MACHINE[..], &["--", "touch", "ran"]].concat();
    for (args, signal, case) in [
        (&with_command, libc::SIGINT, "a command, SIGINT"),
        (&with_command, libc::SIGTERM, "a command, SIGTERM"),
        (&MACHINE.to_vec(), libc::SIGINT, "no command, SIGINT"),
        (&MACHINE.to_vec(), libc::SIGTERM, "no command, SIGTERM"),
    ] {
        let mut cmd = sandbox.command(args);
        entry_signals(&mut cmd, &[]);
        let mut child = cmd.stderr(Stdio::piped()).spawn().unwrap();
        // The first lock codecarbon holds is the killed run's checkpoint's, taken to write its
        // row; it then waits (3 s at most) for the CSV's lock, held here: the start hangs.
        poll(&mut child, "the start waiting for the lock", |c| {
            holds_a_lock(c.id())
        });
        a_second_signal_ends_it(child, signal, case);
        assert!(!sandbox.work().join("ran").exists(), "{case}: started");
    }
    drop(lock);
    let out = sandbox.run(&tracker_args(&["true"]));
    assert!(out.status.success(), "{}", stderr(&out));
    let rows = sandbox.csv("emissions.csv");
    assert!(
        rows.iter().any(|row| row.contains(&killed)),
        "the killed run's row, kept through the ended starts: {rows:?}"
    );
}

/// The same when the end hangs, while the row is written (the CSV's lock held by another
/// process): a second signal ends codecarbon at once, once the command has ended or, without
/// a command, after the signal that stopped the run. The run's totals wait in its checkpoint,
/// and the next run writes its row.
#[test]
fn a_second_signal_ends_an_end_that_hangs() {
    for (command, signal) in [(true, libc::SIGTERM), (false, libc::SIGINT)] {
        let case = if command { "a command" } else { "no command" };
        let sandbox = Sandbox::new();
        let lock = hold_the_csv_lock(&sandbox);
        let args = if command {
            [&MACHINE[..], &["--", "sh", "-c", "sleep 1.5; touch ran"]].concat()
        } else {
            MACHINE.to_vec()
        };
        let mut cmd = sandbox.command(&args);
        entry_signals(&mut cmd, &[]);
        let mut child = cmd.stderr(Stdio::piped()).spawn().unwrap();
        // The run's totals are in its checkpoint (written at the first measurement, whatever
        // the lock).
        poll(&mut child, "the run's first checkpoint", |_| {
            !checkpointed_runs(&sandbox).is_empty()
        });
        if command {
            // The command has ended and been reaped (until then a signal is passed on to it
            // and does not count towards a second): the run writes its row, waiting (5 s at
            // most) for the CSV's lock, held here.
            poll(&mut child, "the command ended", |c| {
                sandbox.work().join("ran").exists() && !has_children(c.id())
            });
        }
        // Without a command, the first signal stops the run, whose row then waits the same.
        a_second_signal_ends_it(child, signal, case);
        drop(lock);
        let out = sandbox.run(&tracker_args(&["true"]));
        assert!(out.status.success(), "{}", stderr(&out));
        assert_eq!(
            sandbox.csv("emissions.csv").len(),
            3,
            "{case}: the ended run's row, from its checkpoint, and this run's"
        );
    }
}

/// Without a command, a stop signal ignored when codecarbon starts (`codecarbon monitor &` in a
/// script ignores SIGINT) stays ignored: it does not stop the run, the other one does. When both
/// are ignored, SIGTERM still stops the run, which would otherwise never write its row.
#[test]
fn without_a_command_a_stop_signal_ignored_on_entry_stays_ignored() {
    const INT: &[libc::c_int] = &[libc::SIGINT];
    const TERM: &[libc::c_int] = &[libc::SIGTERM];
    const BOTH: &[libc::c_int] = &[libc::SIGINT, libc::SIGTERM];
    for (ignored, unheard, stop) in [
        (INT, libc::SIGINT, libc::SIGTERM),
        (TERM, libc::SIGTERM, libc::SIGINT),
        (BOTH, libc::SIGINT, libc::SIGTERM),
    ] {
        let sandbox = Sandbox::new();
        let mut cmd = sandbox.command(&MACHINE);
        entry_signals(&mut cmd, ignored);
        let mut child = cmd.stderr(Stdio::piped()).spawn().unwrap();
        // The first checkpoint is saved once the run has started and waits for its end.
        poll(&mut child, "the run started", |_| {
            std::fs::read_dir(sandbox.work())
                .unwrap()
                .flatten()
                .any(|e| e.file_name().to_string_lossy().ends_with(".checkpoint"))
        });
        send(child.id(), unheard);
        std::thread::sleep(GRACE);
        assert!(
            child.try_wait().unwrap().is_none(),
            "ignored {ignored:?}: signal {unheard} stopped the run"
        );
        send(child.id(), stop);
        let status = wait_bounded(&mut child, "codecarbon");
        let out = child.wait_with_output().unwrap();
        assert_eq!(
            status.code(),
            Some(0),
            "ignored {ignored:?}: {}",
            stderr(&out)
        );
        assert_eq!(sandbox.csv("emissions.csv").len(), 2, "ignored {ignored:?}");
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
