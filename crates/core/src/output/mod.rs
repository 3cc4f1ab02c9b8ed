//! Files: everything codecarbon writes (the CSV, JSON Lines, task files, checkpoints, backups,
//! the board's page) goes through here, so that one set of rules holds for all of them.
//!
//! - The rule (`file`): only regular files are written or read back. Never through a symbolic
//!   link at the file itself, never into a FIFO or device (refused, never waited on), created
//!   0644; files the user names are read only if regular and not too large ([`read_regular`]).
//! - Appending: a record is appended wholly or not at all ([`append_whole`]), and a torn last
//!   line left by something else is moved to a side file ([`cut_torn_tail`]), if it is not
//!   too long to be a record of ours ([`MAX_TAIL_BYTES`]).
//! - [`move_aside`]: a file moved out of the way (a backup, an unreadable checkpoint), never
//!   over another.
//! - [`replace`]: a whole file replaced atomically, keeping the old one's mode.
//! - [`OutputPaths`] resolves `output_dir`/`output_file` into the output file, its directory
//!   and its hidden side files (`.{file name}{suffix}`), all in one directory so that a rename
//!   between them stays atomic; [`OutputPaths::prepare`] proves them writable when the sink is
//!   built, so a bad `output_dir` is a clear error at start rather than a lost row at stop.
//! - [`LockFile`] is an exclusive advisory lock on a side file, which the kernel drops when
//!   the holder dies, even by SIGKILL; it is never waited for without a bound
//!   ([`LOCK_PATIENCE`]), since anyone who can read a lock file can hold it.
//! - [`Checkpoint`] and [`recover_all`]: every file output survives SIGKILL the same way; the
//!   next sink writes the record of a run killed before it wrote its own.
//! - [`OutputError`] says what went wrong and how to fix it.
//!
//! ```no_run
//! use codecarbon_core::output::{append_to, Checkpoint, OutputError, OutputPaths};
//! use std::path::Path;
//!
//! // When the sink is built: resolve the names, and fail now on a bad `output_dir`.
//! let paths = OutputPaths::with_extension(Path::new("out"), "emissions.csv", "log")?;
//! paths.prepare()?;
//! let mut checkpoint = Checkpoint::new(paths.clone());
//! // Every interval: keep the latest record where a killed run's successor finds it.
//! checkpoint.save("run-1", b"run-1 0.5 kWh\n")?;
//! // At the end: the record, under the lock, wholly or not at all; then the checkpoint goes.
//! let lock = paths.acquire_lock()?;
//! append_to(paths.file(), b"run-1 0.5 kWh\n")?;
//! drop(lock);
//! checkpoint.done()?;
//! # Ok::<(), OutputError>(())
//! ```

mod append;
mod aside;
mod checkpoint;
mod error;
mod file;
mod lock;
mod paths;
mod replace;
mod slots;
#[cfg(all(test, unix))]
mod test_child;

pub use append::{append_to, append_whole, cut_torn_tail, unterminated_tail, Tail, MAX_TAIL_BYTES};
pub use aside::move_aside;
pub use checkpoint::{
    read_checkpoint, recover_all, run_key, Checkpoint, Kept, Recovery, MAX_CHECKPOINT_BYTES,
};
pub use error::OutputError;
pub use file::{
    check_output, open_append, open_output_read, open_regular, read_output, read_regular,
};
pub use lock::LockFile;
pub use paths::{OutputPaths, LOCK_PATIENCE};
pub use replace::{replace, replace_with, Durability};
