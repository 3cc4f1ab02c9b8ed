//! For tests of what belongs to the whole process (its umask, its controlling terminal): the
//! test runs again, alone, in a child process, so the test process, whose other threads make
//! files meanwhile, never changes it.

#![allow(clippy::unwrap_used, clippy::panic)]

use std::os::unix::process::CommandExt;

/// Set in the child: what the parent hands it (a umask, a terminal's name).
const CHILD_VAR: &str = "CODECARBON_TEST_CHILD";

/// In the child, what the parent handed it; `None` in the test process.
pub(crate) fn handed() -> Option<String> {
    std::env::var(CHILD_VAR).ok()
}

/// Runs the test `test` of `module` (its `module_path!()`) again, alone, in a child process
/// that gets `value` (see [`handed`]) and, if `new_session`, a session of its own without a
/// terminal; fails unless that test ran and passed there.
pub(crate) fn run_alone(module: &str, test: &str, value: &str, new_session: bool) {
    let module = module.split_once("::").unwrap().1;
    let mut child = std::process::Command::new(std::env::current_exe().unwrap());
    child
        .args(["--exact", "--nocapture", "--test-threads=1"])
        .arg(format!("{module}::{test}"))
        .env(CHILD_VAR, value);
    if new_session {
        // SAFETY: setsid is async-signal-safe.
        unsafe {
            child.pre_exec(|| match libc::setsid() {
                -1 => Err(std::io::Error::last_os_error()),
                _ => Ok(()),
            });
        }
    }
    let out = child.output().unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{text}{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(text.contains("1 passed"), "the child ran no test: {text}");
}

/// Runs `body` under the umask `mask`: in the test process, reruns the test `test` of `module`
/// in a child, where this sets the umask and runs `body`.
pub(crate) fn with_umask(module: &str, test: &str, mask: libc::mode_t, body: impl FnOnce()) {
    match handed() {
        Some(mask) => {
            let mask = libc::mode_t::from_str_radix(&mask, 8).unwrap();
            // SAFETY: umask only sets the mask of this process, which runs this one test.
            unsafe { libc::umask(mask) };
            body();
        }
        None => run_alone(module, test, &format!("{mask:o}"), false),
    }
}
