//! Runs the tracked command: spawn, reap, and turn its end into an exit code. The signals it
//! gets from codecarbon are [`signals`](crate::signals)'.
//!
//! codecarbon becomes a child subreaper, so descendants orphaned by the command are re-parented
//! to it and their CPU time still reaches the tracked tree when they are reaped here.
//!
//! The command gets SIGTERM when codecarbon dies (`PR_SET_PDEATHSIG`), even by SIGKILL, which
//! cannot be caught: it is not left running with nobody to write its row or report its code.
//! SIGTERM rather than SIGKILL, so that it can clean up as it would when its tracker is stopped
//! and passes SIGTERM on. The kernel sends it when the *thread* that started the command ends:
//! [`run`] must be called on the main thread, which lives as long as codecarbon.

use crate::signals;
use std::ffi::OsString;
use std::io;
use std::os::unix::process::CommandExt;
use std::process::Command;

/// The signal the command gets when codecarbon dies.
const ON_TRACKER_DEATH: libc::c_int = libc::SIGTERM;

/// How the command ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    /// It exited with this code.
    Exited(i32),
    /// A signal killed it.
    Signalled(i32),
    /// This signal reached codecarbon before the command was started, which then was not.
    NotStarted(i32),
}

impl Outcome {
    /// The shell's convention: the code, or 128 + the signal (also one that came before the
    /// command started: the code is the one it would have had, killed by that signal).
    pub fn exit_code(self) -> i32 {
        match self {
            Outcome::Exited(code) => code,
            Outcome::Signalled(signal) | Outcome::NotStarted(signal) => 128 + signal,
        }
    }
}

/// Why the command could not start, with the shell's exit code.
#[derive(Debug)]
pub struct SpawnError {
    /// 127 when not found, 126 when not executable.
    pub exit_code: i32,
    /// What to tell the user.
    pub message: String,
}

/// Runs `argv` (passed to the command byte for byte) to its end. The signals must have been
/// caught before ([`signals::catch_for_command`]); one that came already means the command is
/// not started.
pub fn run(argv: &[OsString]) -> Result<Outcome, SpawnError> {
    let (program, args) = argv.split_first().ok_or_else(|| SpawnError {
        exit_code: 2,
        message: "no command given after --".into(),
    })?;
    if let Some(signal) = signals::pending() {
        return Ok(Outcome::NotStarted(signal));
    }
    // SAFETY: prctl on this process only.
    unsafe { libc::prctl(libc::PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0) };
    let tracker = std::process::id();
    let mut command = Command::new(program);
    command.args(args);
    // SAFETY: the closure makes only async-signal-safe system calls and does not allocate.
    unsafe { command.pre_exec(move || end_with(tracker)) };
    let child = command.spawn().map_err(|e| {
        let (exit_code, what) = match e.kind() {
            io::ErrorKind::NotFound => (127, "command not found"),
            io::ErrorKind::PermissionDenied => (126, "permission denied"),
            _ => (126, "cannot execute"),
        };
        SpawnError {
            exit_code,
            message: format!("{}: {what} ({e})", program.to_string_lossy()),
        }
    })?;
    let pid = child.id() as libc::pid_t;
    signals::attach(pid);
    Ok(reap_until(pid))
}

/// In the command's process, before exec: asks for [`ON_TRACKER_DEATH`] when `tracker` dies.
/// A tracker that died before the request would never send it, so that case fails the start.
fn end_with(tracker: u32) -> io::Result<()> {
    // SAFETY: prctl and getppid are plain system calls.
    unsafe {
        if libc::prctl(libc::PR_SET_PDEATHSIG, ON_TRACKER_DEATH, 0, 0, 0) == -1 {
            return Err(io::Error::last_os_error());
        }
        if libc::getppid() as u32 != tracker {
            return Err(io::Error::from_raw_os_error(libc::ESRCH));
        }
    }
    Ok(())
}

/// Reaps every child (orphans included) until `pid` ends. The command is seen ended before it
/// is reaped, so signals stop going to it while its process id cannot yet be reused.
fn reap_until(pid: libc::pid_t) -> Outcome {
    loop {
        // SAFETY: waitid into a zeroed siginfo; WNOWAIT leaves the child to be reaped below.
        let (ended, waited) = unsafe {
            let mut info: libc::siginfo_t = std::mem::zeroed();
            let waited = libc::waitid(libc::P_ALL, 0, &mut info, libc::WEXITED | libc::WNOWAIT);
            (info.si_pid(), waited)
        };
        if waited == -1 {
            if io::Error::last_os_error().kind() == io::ErrorKind::Interrupted {
                continue;
            }
            // No child left: it was reaped elsewhere; nothing more can be known.
            signals::detach();
            return Outcome::Exited(1);
        }
        if ended == pid {
            signals::detach();
        }
        let mut status = 0;
        // SAFETY: reaps the child just seen ended, with a valid status pointer.
        let reaped = unsafe { libc::waitpid(ended, &mut status, 0) };
        if reaped == pid {
            if libc::WIFEXITED(status) {
                return Outcome::Exited(libc::WEXITSTATUS(status));
            }
            if libc::WIFSIGNALED(status) {
                return Outcome::Signalled(libc::WTERMSIG(status));
            }
        }
    }
}
