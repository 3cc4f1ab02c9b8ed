//! The CSV sink through its public API: file contents, errors, concurrency, crash recovery.

#![allow(clippy::unwrap_used, clippy::panic)] // test helpers, outside #[test] functions

mod concurrency;
mod errors;
mod output;
mod recovery;
mod support;

/// Not a test on its own: the body of the child processes that `concurrency` and `recovery`
/// spawn (this binary, filtered to this test, with `CHILD_ENV` set).
#[test]
fn child_process() {
    if let Ok(task) = std::env::var(support::CHILD_ENV) {
        support::run_child(&task);
    }
}
