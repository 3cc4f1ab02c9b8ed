//! The signals that end a run: passed on to the tracked command from codecarbon's first instant,
//! or, without a command, waited for.
//!
//! [`catch_for_command`] or [`StopSignals::catch`] runs before anything else (before the tracker
//! is built), so no signal is lost at any moment of the run. With a command (SIGINT, SIGTERM,
//! SIGHUP and SIGQUIT):
//!
//! - while the command runs, a signal sent to codecarbon by a process is passed on to it (one
//!   from the terminal, Ctrl-C, already reached the command's process group);
//! - one that arrives before the command is started is remembered: the command is then not
//!   started at all ([`pending`]), and the run ends with its row;
//! - one that arrives while the command is being started is delivered the moment its process
//!   id is known ([`attach`]);
//! - once the command has ended, a signal is caught and dropped while the row is written.
//!
//! Without a command, the first SIGINT or SIGTERM ends the run ([`StopSignals::wait`]).
//!
//! Whenever no command runs, a **second** signal of a kind already received then ends
//! codecarbon at once, by that signal, without its row: the way out of a start or an end that
//! hangs (an output's lock held by another process, say), as Ctrl-C pressed twice.
//!
//! The handler runs in any thread, at any instruction: it uses only atomics and
//! async-signal-safe system calls (`kill`, `write`, `sigaction`, `raise`).

use std::io;
use std::os::fd::{AsRawFd, OwnedFd};
use std::sync::atomic::{AtomicI32, AtomicU32, Ordering};

/// The signals passed on to the command.
const FORWARDED: [libc::c_int; 4] = [libc::SIGINT, libc::SIGTERM, libc::SIGHUP, libc::SIGQUIT];

/// The signals that stop `monitor` without a command.
const STOP: [libc::c_int; 2] = [libc::SIGINT, libc::SIGTERM];

/// The command's process id while it runs, else 0.
static CHILD: AtomicI32 = AtomicI32::new(0);

/// The first signal that arrived while no command ran, else 0.
static PENDING: AtomicI32 = AtomicI32::new(0);

/// The kinds of signal received while no command ran (bit `1 << signal`), since codecarbon
/// started or the command ended: one received again ends codecarbon.
static SEEN: AtomicU32 = AtomicU32::new(0);

/// The write end of the pipe that wakes [`StopSignals::wait`], else -1.
static WAKE: AtomicI32 = AtomicI32::new(-1);

extern "C" fn on_signal(signal: libc::c_int, info: *mut libc::siginfo_t, _: *mut libc::c_void) {
    // A signal from the terminal (Ctrl-C) has a positive code: it reached the whole foreground
    // process group. One sent by a process (`kill`, a scheduler) reached only us.
    // SAFETY: the kernel hands a valid siginfo to an SA_SIGINFO handler.
    let from_process = unsafe { info.as_ref() }.is_none_or(|i| i.si_code <= 0);
    received(signal, from_process);
}

/// What a signal does, in the handler.
fn received(signal: libc::c_int, from_process: bool) {
    let pid = CHILD.load(Ordering::SeqCst);
    if pid > 0 {
        if from_process {
            // SAFETY: kill(2) is async-signal-safe.
            unsafe { libc::kill(pid, signal) };
        }
        return;
    }
    if !first_of_its_kind(signal) {
        end_by(signal);
        return;
    }
    remember(signal);
}

/// Whether no signal of this kind came before while no command ran; it counts as come now.
fn first_of_its_kind(signal: libc::c_int) -> bool {
    let bit = u32::try_from(signal)
        .ok()
        .and_then(|s| 1u32.checked_shl(s))
        .unwrap_or(0);
    SEEN.fetch_or(bit, Ordering::SeqCst) & bit == 0
}

/// Keeps the first signal that came while no command ran: for [`pending`], for the command
/// being started, and to wake [`StopSignals::wait`].
fn remember(signal: libc::c_int) {
    let _ = PENDING.compare_exchange(0, signal, Ordering::SeqCst, Ordering::SeqCst);
    let wake = WAKE.load(Ordering::SeqCst);
    if wake >= 0 {
        // SAFETY: write(2) is async-signal-safe; the end is non-blocking, and a full pipe
        // already holds a wake-up.
        unsafe { libc::write(wake, [1u8].as_ptr().cast(), 1) };
    }
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

/// Ends codecarbon by `signal`'s default action, as if it were not caught: the exit status
/// says which signal, and a command being started gets its SIGTERM from the kernel
/// ([`child`](crate::child)).
fn end_by(signal: libc::c_int) {
    let message: &[u8] = match signal {
        libc::SIGINT => b"codecarbon: a second SIGINT: ending now, without the run's row\n",
        libc::SIGTERM => b"codecarbon: a second SIGTERM: ending now, without the run's row\n",
        libc::SIGHUP => b"codecarbon: a second SIGHUP: ending now, without the run's row\n",
        libc::SIGQUIT => b"codecarbon: a second SIGQUIT: ending now, without the run's row\n",
        _ => b"codecarbon: a second signal: ending now, without the run's row\n",
    };
    // SAFETY: sigaction, write and raise are async-signal-safe. The signal is blocked in this
    // thread until the handler returns: then its default action ends the process.
    unsafe {
        let mut action: libc::sigaction = std::mem::zeroed();
        action.sa_sigaction = libc::SIG_DFL;
        libc::sigemptyset(&mut action.sa_mask);
        libc::sigaction(signal, &action, std::ptr::null_mut());
        libc::write(libc::STDERR_FILENO, message.as_ptr().cast(), message.len());
        libc::raise(signal);
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

/// Installs the handler for `signals` and unblocks them in this thread, whose mask the threads
/// started afterwards inherit: a signal the parent left blocked must be seen.
fn catch(signals: &[libc::c_int]) {
    // SAFETY: installs a handler that only uses atomics and async-signal-safe calls, then
    // unblocks its signals in this thread.
    unsafe {
        let mut action: libc::sigaction = std::mem::zeroed();
        action.sa_sigaction = on_signal as *const () as usize;
        action.sa_flags = libc::SA_SIGINFO | libc::SA_RESTART;
        libc::sigemptyset(&mut action.sa_mask);
        for &signal in signals {
            libc::sigaction(signal, &action, std::ptr::null_mut());
        }
        let set = set_of(signals);
        libc::pthread_sigmask(libc::SIG_UNBLOCK, &set, std::ptr::null_mut());
    }
}

/// Catches SIGINT, SIGTERM, SIGHUP and SIGQUIT for the command to come. Call it first, before
/// any thread starts: the threads inherit the mask, and a signal that arrives before the
/// command exists is remembered instead of killing codecarbon without its row.
///
/// A signal ignored when codecarbon started stays ignored, so the command inherits that, as
/// under a shell (`nohup codecarbon monitor -- CMD` survives the terminal's SIGHUP).
pub fn catch_for_command() {
    let caught: Vec<libc::c_int> = FORWARDED.into_iter().filter(|&s| !ignored(s)).collect();
    catch(&caught);
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
/// longer passed on, and the count towards a second signal starts again.
pub fn detach() {
    SEEN.store(0, Ordering::SeqCst);
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

/// The signals that stop `monitor` without a command, caught from its first instant.
pub struct StopSignals {
    /// The read end of the pipe the handler writes to; `None` if it could not be made, when
    /// [`StopSignals::wait`] looks every few milliseconds instead.
    wake: Option<OwnedFd>,
}

impl StopSignals {
    /// Catches SIGINT and SIGTERM. Call it first, before any thread starts: one that arrives
    /// while the tracker starts ends the run as soon as it has started.
    ///
    /// One ignored when codecarbon started stays ignored (`codecarbon monitor &` in a script
    /// ignores SIGINT, and then SIGTERM alone stops it). When both were ignored, SIGTERM still
    /// stops the run: a run that nothing but SIGKILL ends would never write its row.
    pub fn catch() -> Self {
        let mut caught: Vec<libc::c_int> = STOP.into_iter().filter(|&s| !ignored(s)).collect();
        if caught.is_empty() {
            caught.push(libc::SIGTERM);
        }
        let wake = wake_pipe().ok();
        catch(&caught);
        Self { wake }
    }

    /// Blocks until a stop signal has arrived (at once if one came since [`StopSignals::catch`])
    /// and returns it.
    pub fn wait(&self) -> i32 {
        loop {
            if let Some(signal) = pending() {
                return signal;
            }
            let mut byte = [0u8];
            let read = match &self.wake {
                // SAFETY: reads one byte into a live buffer from an open descriptor.
                Some(fd) => unsafe { libc::read(fd.as_raw_fd(), byte.as_mut_ptr().cast(), 1) },
                None => -1,
            };
            if read < 0 && io::Error::last_os_error().kind() != io::ErrorKind::Interrupted {
                std::thread::sleep(std::time::Duration::from_millis(50));
            }
        }
    }
}

/// A pipe whose write end the handler uses (non-blocking, kept open for the life of the
/// process); the read end is returned.
fn wake_pipe() -> io::Result<OwnedFd> {
    let (reader, writer) = io::pipe()?;
    let writer = OwnedFd::from(writer);
    // SAFETY: sets a flag on a descriptor this function owns.
    if unsafe { libc::fcntl(writer.as_raw_fd(), libc::F_SETFL, libc::O_NONBLOCK) } == -1 {
        return Err(io::Error::last_os_error());
    }
    WAKE.store(
        std::os::fd::IntoRawFd::into_raw_fd(writer),
        Ordering::SeqCst,
    );
    Ok(OwnedFd::from(reader))
}

#[cfg(test)]
mod tests;
