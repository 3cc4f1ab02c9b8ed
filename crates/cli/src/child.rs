//! Runs the tracked command: spawn, forward signals, reap, and turn its end into an exit code.
//!
//! codecarbon becomes a child subreaper, so descendants orphaned by the command are re-parented
//! to it and their CPU time still reaches the tracked tree when they are reaped here.

use std::io;
use std::process::Command;
use std::sync::atomic::{AtomicI32, Ordering};

/// The command's process id, for the signal handler.
static CHILD: AtomicI32 = AtomicI32::new(0);

/// How the command ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    /// It exited with this code.
    Exited(i32),
    /// A signal killed it.
    Signalled(i32),
}

impl Outcome {
    /// The shell's convention: the code, or 128 + the signal.
    pub fn exit_code(self) -> i32 {
        match self {
            Outcome::Exited(code) => code,
            Outcome::Signalled(signal) => 128 + signal,
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

extern "C" fn forward(signal: libc::c_int, info: *mut libc::siginfo_t, _: *mut libc::c_void) {
    let pid = CHILD.load(Ordering::SeqCst);
    // A signal from the terminal (Ctrl-C) already reached the command's process group; one sent
    // by a process (`kill`, a scheduler) reached only us, so pass it on.
    // SAFETY: the kernel hands a valid siginfo to an SA_SIGINFO handler; kill is signal-safe.
    let from_process = unsafe { info.as_ref() }.is_none_or(|i| i.si_code <= 0);
    if pid > 0 && from_process {
        unsafe { libc::kill(pid, signal) };
    }
}

fn install_forwarding() {
    // SAFETY: installs a handler that only reads an atomic and calls kill(2).
    unsafe {
        let mut action: libc::sigaction = std::mem::zeroed();
        action.sa_sigaction = forward as *const () as usize;
        action.sa_flags = libc::SA_SIGINFO | libc::SA_RESTART;
        libc::sigemptyset(&mut action.sa_mask);
        for signal in [libc::SIGINT, libc::SIGTERM, libc::SIGHUP, libc::SIGQUIT] {
            libc::sigaction(signal, &action, std::ptr::null_mut());
        }
        libc::prctl(libc::PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0);
    }
}

/// Runs `argv` to its end, forwarding SIGINT, SIGTERM, SIGHUP and SIGQUIT to it.
pub fn run(argv: &[String]) -> Result<Outcome, SpawnError> {
    let (program, args) = argv.split_first().ok_or_else(|| SpawnError {
        exit_code: 2,
        message: "no command given after --".into(),
    })?;
    install_forwarding();
    let child = Command::new(program).args(args).spawn().map_err(|e| {
        let (exit_code, what) = match e.kind() {
            io::ErrorKind::NotFound => (127, "command not found"),
            io::ErrorKind::PermissionDenied => (126, "permission denied"),
            _ => (126, "cannot execute"),
        };
        SpawnError {
            exit_code,
            message: format!("{program}: {what} ({e})"),
        }
    })?;
    let pid = child.id() as libc::pid_t;
    CHILD.store(pid, Ordering::SeqCst);
    let outcome = reap_until(pid);
    CHILD.store(0, Ordering::SeqCst);
    Ok(outcome)
}

/// Reaps every child (orphans included) until `pid` ends.
fn reap_until(pid: libc::pid_t) -> Outcome {
    loop {
        let mut status = 0;
        // SAFETY: plain waitpid on any child, with a valid status pointer.
        let reaped = unsafe { libc::waitpid(-1, &mut status, 0) };
        if reaped == -1 {
            if io::Error::last_os_error().kind() == io::ErrorKind::Interrupted {
                continue;
            }
            // No child left: it was reaped elsewhere; nothing more can be known.
            return Outcome::Exited(1);
        }
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

/// Blocks until SIGINT or SIGTERM arrives. Call `block_stop_signals` first, before any thread
/// starts, so every thread inherits the mask and the signal waits for us here.
pub fn wait_for_stop_signal() -> i32 {
    // SAFETY: sigwait on an initialised set.
    unsafe {
        let set = stop_signals();
        let mut signal = 0;
        libc::sigwait(&set, &mut signal);
        signal
    }
}

fn stop_signals() -> libc::sigset_t {
    // SAFETY: sigemptyset initialises the set before use.
    unsafe {
        let mut set: libc::sigset_t = std::mem::zeroed();
        libc::sigemptyset(&mut set);
        libc::sigaddset(&mut set, libc::SIGINT);
        libc::sigaddset(&mut set, libc::SIGTERM);
        set
    }
}

/// Blocks SIGINT and SIGTERM in this thread and every thread it starts afterwards.
pub fn block_stop_signals() {
    // SAFETY: sets this thread's mask from an initialised set.
    unsafe {
        let set = stop_signals();
        libc::pthread_sigmask(libc::SIG_BLOCK, &set, std::ptr::null_mut());
    }
}
