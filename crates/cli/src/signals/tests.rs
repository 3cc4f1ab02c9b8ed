//! The handler's logic, driven directly (no real signal reaches the test process), against a
//! real command that says each SIGTERM or SIGINT it gets.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use super::*;
use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};
use std::sync::mpsc::{self, Receiver, RecvTimeoutError};
use std::sync::Mutex;
use std::time::Duration;

/// The handler's state is process-wide: one test at a time.
static ONE_AT_A_TIME: Mutex<()> = Mutex::new(());

/// Generous: the machine running the tests may be small and busy.
const LIMIT: Duration = Duration::from_secs(30);

/// How long a signal that should not come is waited for.
const GRACE: Duration = Duration::from_millis(500);

/// The state of a codecarbon that has not yet received anything.
fn fresh() {
    CHILD.store(0, Ordering::SeqCst);
    PENDING.store(0, Ordering::SeqCst);
    SEEN.store(0, Ordering::SeqCst);
}

/// A command that prints a line for each SIGTERM and SIGINT it gets, and the lines.
struct Counter {
    child: Child,
    lines: Receiver<String>,
}

impl Counter {
    fn start() -> Self {
        let mut child = Command::new("sh")
            .args([
                "-c",
                "trap 'echo TERM' TERM; trap 'echo INT' INT; echo ready; \
                 while :; do sleep 0.02; done",
            ])
            .stdout(Stdio::piped())
            .spawn()
            .unwrap();
        let (send, lines) = mpsc::channel();
        let out = BufReader::new(child.stdout.take().unwrap());
        std::thread::spawn(move || {
            for line in out.lines().map_while(Result::ok) {
                let _ = send.send(line);
            }
        });
        let counter = Self { child, lines };
        assert_eq!(counter.next(LIMIT).as_deref(), Some("ready"));
        counter
    }

    fn pid(&self) -> libc::pid_t {
        libc::pid_t::try_from(self.child.id()).unwrap()
    }

    fn next(&self, within: Duration) -> Option<String> {
        match self.lines.recv_timeout(within) {
            Ok(line) => Some(line),
            Err(RecvTimeoutError::Timeout) => None,
            Err(RecvTimeoutError::Disconnected) => panic!("the command ended"),
        }
    }

    fn got(&self, signal: &str) {
        assert_eq!(self.next(LIMIT).as_deref(), Some(signal));
    }

    fn got_nothing(&self) {
        assert_eq!(self.next(GRACE), None, "a signal too many");
    }
}

impl Drop for Counter {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// A signal that arrives while the command is being started (no process id yet) is kept, and
/// reaches the command once when it is attached; the handler's own late look finds nothing more.
#[test]
fn a_signal_during_the_start_of_the_command_reaches_it_once_at_attach() {
    let _one = ONE_AT_A_TIME.lock().unwrap_or_else(|e| e.into_inner());
    fresh();
    let command = Counter::start();
    received(libc::SIGTERM, true);
    assert_eq!(pending(), Some(libc::SIGTERM));
    command.got_nothing();
    attach(command.pid());
    command.got("TERM");
    assert_eq!(pending(), None);
    deliver_pending(); // a handler that stored the signal just as `attach` ran looks again
    command.got_nothing();
    detach();
}

/// The other order of the race: the handler saw no command, then `attach` ran to its end and
/// found nothing pending, then the handler stored the signal. The handler delivers it, once.
#[test]
fn a_signal_stored_after_attach_looked_reaches_the_command_once() {
    let _one = ONE_AT_A_TIME.lock().unwrap_or_else(|e| e.into_inner());
    fresh();
    let command = Counter::start();
    attach(command.pid());
    command.got_nothing();
    remember(libc::SIGTERM); // the rest of a handler that read CHILD before `attach`
    command.got("TERM");
    assert_eq!(pending(), None);
    attach(command.pid());
    deliver_pending();
    command.got_nothing();
    detach();
}

/// While the command runs, a signal sent by a process is passed on; one from the terminal
/// (Ctrl-C) already reached the command's process group and is not sent again.
#[test]
fn while_the_command_runs_only_signals_from_processes_are_passed_on() {
    let _one = ONE_AT_A_TIME.lock().unwrap_or_else(|e| e.into_inner());
    fresh();
    let command = Counter::start();
    attach(command.pid());
    received(libc::SIGINT, false);
    command.got_nothing();
    received(libc::SIGINT, true);
    command.got("INT");
    received(libc::SIGINT, true);
    command.got("INT");
    assert_eq!(
        SEEN.load(Ordering::SeqCst),
        0,
        "nothing counts while it runs"
    );
    detach();
}

/// Only a signal of a kind already received while no command ran is a second one; the count
/// starts again when the command ends.
#[test]
fn a_second_signal_is_one_of_a_kind_already_received_while_no_command_ran() {
    let _one = ONE_AT_A_TIME.lock().unwrap_or_else(|e| e.into_inner());
    fresh();
    assert!(first_of_its_kind(libc::SIGINT));
    assert!(first_of_its_kind(libc::SIGTERM));
    assert!(!first_of_its_kind(libc::SIGINT));
    assert!(!first_of_its_kind(libc::SIGTERM));
    assert!(first_of_its_kind(libc::SIGQUIT));
    detach();
    assert!(first_of_its_kind(libc::SIGINT));
    assert!(!first_of_its_kind(libc::SIGINT));
    fresh();
}
