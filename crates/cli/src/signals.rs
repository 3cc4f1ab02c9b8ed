//! The signals that end a run: passed on to the tracked command from codecarbon's first instant,
//! or, without a command, waited for.
//!
//! With a command, [`catch_for_command`] runs before anything else (before the tracker is
//! built), so no SIGINT, SIGTERM, SIGHUP or SIGQUIT is lost at any moment of the run:
//!
//! - while the command runs, a signal sent to codecarbon by a process is passed on to it (one
//!   from the terminal, Ctrl-C, already reached the command's process group);
//! - one that arrives before the command is started is remembered: the command is then not
//!   started at all ([`pending`]), and the run ends with its row;
//! - one that arrives while the command is being started is delivered the moment its process
//!   id is known ([`attach`]);
//! - once the command has ended, signals are caught and dropped while the row is written.

use std::sync::atomic::{AtomicI32, Ordering};

/// The signals passed on to the command.
const FORWARDED: [libc::c_int; 4] = [libc::SIGINT, libc::SIGTERM, libc::SIGHUP, libc::SIGQUIT];

/// The command's process id while it runs, else 0.
static CHILD: AtomicI32 = AtomicI32::new(0);

/// The first signal that arrived while no command ran, else 0.
static PENDING: AtomicI32 = AtomicI32::new(0);

extern "C" fn on_signal(signal: libc::c_int, info: *mut libc::siginfo_t, _: *mut libc::c_void) {
    let pid = CHILD.load(Ordering::SeqCst);
    if pid > 0 {
        // A signal from the terminal (Ctrl-C) already reached the command's process group; one
        // sent by a process (`kill`, a scheduler) reached only us, so pass it on.
        // SAFETY: the kernel hands a valid siginfo to an SA_SIGINFO handler.
        let from_process = unsafe { info.as_ref() }.is_none_or(|i| i.si_code <= 0);
        if from_process {
            // SAFETY: kill(2) is async-signal-safe.
            unsafe { libc::kill(pid, signal) };
        }
        return;
    }
    let _ = PENDING.compare_exchange(0, signal, Ordering::SeqCst, Ordering::SeqCst);
    // The command may have been attached since CHILD was read (the handler runs on any thread):
    // then `attach` may have looked for a pending signal before this one was stored.
    deliver_pending();
}

/// Hands the pending signal, if any, to the attached command: exactly once, whether the
/// handler or `attach` gets here first.
fn deliver_pending() {
    let pid = CHILD.load(Ordering::SeqCst);
    if pid > 0 {
        let signal = PENDING.swap(0, Ordering::SeqCst);
        if signal != 0 {
            // SAFETY: kill(2) is async-signal-safe.
            unsafe { libc::kill(pid, signal) };
        }
    }
}

/// A set of these signals.
fn set_of(signals: &[libc::c_int]) -> libc::sigset_t {
    // SAFETY: sigemptyset initialises the set before use.
    unsafe {
        let mut set: libc::sigset_t = std::mem::zeroed();
        libc::sigemptyset(&mut set);
        for &signal in signals {
            libc::sigaddset(&mut set, signal);
        }
        set
    }
}

/// Whether `signal` was ignored when codecarbon started (`nohup`, `&` in a script).
fn ignored(signal: libc::c_int) -> bool {
    // SAFETY: reads the current action into a zeroed struct; nothing is changed.
    unsafe {
        let mut current: libc::sigaction = std::mem::zeroed();
        libc::sigaction(signal, std::ptr::null(), &mut current);
        current.sa_sigaction == libc::SIG_IGN
    }
}

/// Catches SIGINT, SIGTERM, SIGHUP and SIGQUIT for the command to come. Call it first, before
/// any thread starts: the threads inherit the mask, and a signal that arrives before the
/// command exists is remembered instead of killing codecarbon without its row.
///
/// A signal ignored when codecarbon started stays ignored, so the command inherits that, as
/// under a shell (`nohup codecarbon monitor -- CMD` survives the terminal's SIGHUP). A signal
/// the parent left blocked is unblocked: codecarbon must see it to pass it on.
pub fn catch_for_command() {
    let caught: Vec<libc::c_int> = FORWARDED.into_iter().filter(|&s| !ignored(s)).collect();
    // SAFETY: installs a handler that only uses atomics and kill(2), then unblocks its signals
    // in this thread.
    unsafe {
        let mut action: libc::sigaction = std::mem::zeroed();
        action.sa_sigaction = on_signal as *const () as usize;
        action.sa_flags = libc::SA_SIGINFO | libc::SA_RESTART;
        libc::sigemptyset(&mut action.sa_mask);
        for &signal in &caught {
            libc::sigaction(signal, &action, std::ptr::null_mut());
        }
        let set = set_of(&caught);
        libc::pthread_sigmask(libc::SIG_UNBLOCK, &set, std::ptr::null_mut());
    }
}

/// The signal that arrived before the command was started, if one did.
pub fn pending() -> Option<i32> {
    Some(PENDING.load(Ordering::SeqCst)).filter(|&s| s != 0)
}

/// Signals go to `pid` from now on, and one that arrived while it was being started goes now.
pub fn attach(pid: libc::pid_t) {
    CHILD.store(pid, Ordering::SeqCst);
    deliver_pending();
}

/// The command has ended (not yet reaped, so its id cannot have been reused): signals are no
/// longer passed on.
pub fn detach() {
    CHILD.store(0, Ordering::SeqCst);
}

/// A signal's name, for messages.
pub fn name(signal: i32) -> String {
    match signal {
        libc::SIGINT => "SIGINT".into(),
        libc::SIGTERM => "SIGTERM".into(),
        libc::SIGHUP => "SIGHUP".into(),
        libc::SIGQUIT => "SIGQUIT".into(),
        other => format!("signal {other}"),
    }
}

/// The signals that stop `monitor` without a command.
fn stop_signals() -> libc::sigset_t {
    set_of(&[libc::SIGINT, libc::SIGTERM])
}

/// Blocks SIGINT and SIGTERM in this thread and every thread it starts afterwards, so that one
/// arriving at any moment waits for [`wait_for_stop_signal`]. Call it first, before any thread
/// starts.
pub fn block_stop_signals() {
    // SAFETY: sets this thread's mask from an initialised set.
    unsafe {
        let set = stop_signals();
        libc::pthread_sigmask(libc::SIG_BLOCK, &set, std::ptr::null_mut());
    }
}

/// Blocks until SIGINT or SIGTERM arrives (at once if one came since [`block_stop_signals`]).
pub fn wait_for_stop_signal() -> i32 {
    // SAFETY: sigwait on an initialised set.
    unsafe {
        let set = stop_signals();
        let mut signal = 0;
        libc::sigwait(&set, &mut signal);
        signal
    }
}
