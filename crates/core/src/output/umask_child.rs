//! For tests of file modes: a test run again in a child process with another umask. The umask
//! belongs to the whole process, so it is never changed in the test process, whose other
//! threads create files meanwhile; the child runs the one test alone.

#![allow(clippy::unwrap_used, clippy::panic)]

/// Set in the child: the umask to run under, in octal.
const UMASK_VAR: &str = "CODECARBON_TEST_UMASK";

/// In the child (the test `test` of `module`, run again), sets the umask to `mask` and runs
/// `body`; in the test process, runs the child and checks that its test passed.
pub(crate) fn run(module: &str, test: &str, mask: libc::mode_t, body: impl FnOnce()) {
    if let Some(mask) = std::env::var_os(UMASK_VAR) {
        let mask = libc::mode_t::from_str_radix(mask.to_str().unwrap(), 8).unwrap();
        // SAFETY: umask only sets the mask of this process, which runs this one test.
        unsafe { libc::umask(mask) };
        body();
        return;
    }
    let module = module.split_once("::").unwrap().1;
    let out = std::process::Command::new(std::env::current_exe().unwrap())
        .args(["--exact", "--nocapture", "--test-threads=1"])
        .arg(format!("{module}::{test}"))
        .env(UMASK_VAR, format!("{mask:o}"))
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{text}{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(text.contains("1 passed"), "the child ran no test: {text}");
}
