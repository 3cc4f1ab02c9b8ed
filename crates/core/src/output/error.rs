//! [`OutputError`]: why a file could not be written or read, in words that say how to fix it.

use std::io;
use std::path::{Path, PathBuf};
use thiserror::Error;

/// Why an output file, one of its side files or its directory cannot be used, or a file
/// cannot be read, in words that say how to fix it.
///
/// A sink wraps it rather than repeating it, so that every file output reports the same problem
/// the same way: `#[error(transparent)] Output(#[from] OutputError)`.
#[derive(Debug, Error)]
#[non_exhaustive]
pub enum OutputError {
    /// `output_file` has no file name (`..`, `/`, or not UTF-8): there is nothing to name the
    /// output and its side files after.
    #[error("`output_file` resolves to {path}, which is not a file name; set `output_file` to a file name such as `emissions.csv`")]
    BadFileName {
        /// The resolved path.
        path: PathBuf,
    },
    /// The output directory could not be created (or a file is where it should be).
    #[error("cannot create the output directory {path}: {source}; set `output_dir` to a directory you can write (or move away the file that is in its way)")]
    CreateDir {
        /// The directory.
        path: PathBuf,
        /// The underlying error.
        source: io::Error,
    },
    /// A file in the output directory could not be opened for writing, or no new file can be
    /// made there.
    #[error("cannot write {path}: {source}; set `output_dir` to a directory you can write, or fix the permissions of that file")]
    Unwritable {
        /// The file (or the directory, when no new file can be made in it).
        path: PathBuf,
        /// The underlying error.
        source: io::Error,
    },
    /// The output file is a directory, so nothing can ever be appended to it.
    #[error("the output file {path} is a directory; set `output_file` to another name, or move the directory away")]
    FileIsDir {
        /// The path.
        path: PathBuf,
    },
    /// An advisory lock could not be taken.
    #[error("cannot lock {path}: {source}; the file system may not support locks (some network mounts do not): use a local `output_dir`")]
    Lock {
        /// The lock file.
        path: PathBuf,
        /// The underlying error.
        source: io::Error,
    },
    /// A symbolic link is where a file we write (or read back) should be. Followed, a link
    /// planted there would make us write into whatever it points at.
    #[error("{path} is a symbolic link; codecarbon does not write or read back its files through a link at the file itself (one planted there could make it write into another file): remove the link, or name the real file (for an output, set `output_dir` to the directory the link points into)")]
    Symlink {
        /// The link.
        path: PathBuf,
    },
    /// A FIFO, socket, device or directory is where a regular file should be: writing would
    /// hang or go nowhere, reading would hang or never end.
    #[error("{path} is {kind}, not a regular file; codecarbon reads and writes only regular files (a FIFO would make it wait forever, a device swallow or flood it): remove it, or name another file")]
    NotRegular {
        /// The file.
        path: PathBuf,
        /// What it is instead (`a FIFO (named pipe)`, `a character device`, ...).
        kind: &'static str,
    },
    /// A file is larger than what is read of such a file.
    #[error("{path} is {size} bytes, more than the {limit} bytes codecarbon reads of such a file; move it away, or name another file")]
    TooLarge {
        /// The file.
        path: PathBuf,
        /// Its size (or what was read before giving up).
        size: u64,
        /// The limit.
        limit: u64,
    },
    /// A file could not be read.
    #[error("cannot read {path}: {source}; check that it exists and that you may read it")]
    Read {
        /// The file.
        path: PathBuf,
        /// The underlying error.
        source: io::Error,
    },
    /// A file could not be written. Nothing partial was left in it: a record is written
    /// wholly or not at all, and a replaced file is either the old one or the new one.
    #[error(
        "cannot write {path}: {source}; check the free space and the permissions of its directory"
    )]
    Write {
        /// The file.
        path: PathBuf,
        /// The underlying error.
        source: io::Error,
    },
    /// Another live sink holds this run's checkpoint.
    #[error("another tracker holds the checkpoint lock {path} of run {run_id}; two trackers must not share a run id")]
    RunBusy {
        /// The run.
        run_id: String,
        /// Its checkpoint lock.
        path: PathBuf,
    },
    /// A checkpoint left by an earlier run could not be read; its record is not written.
    #[error("the checkpoint {path} of an earlier run cannot be read ({reason}), so its run gets no record from it; {}", kept(kept_as.as_deref()))]
    BadCheckpoint {
        /// The checkpoint.
        path: PathBuf,
        /// Where it was moved, for a person to look at (`None`: it could not be moved).
        kept_as: Option<PathBuf>,
        /// What is wrong.
        reason: String,
    },
}

fn kept(kept_as: Option<&Path>) -> String {
    match kept_as {
        Some(p) => format!("it is kept as {} for you to look at", p.display()),
        None => "it could not be moved aside either: move it away by hand".into(),
    }
}

impl OutputError {
    /// Whether the file (or its directory) does not exist.
    pub fn is_not_found(&self) -> bool {
        match self {
            Self::Read { source, .. }
            | Self::Write { source, .. }
            | Self::Unwritable { source, .. } => source.kind() == io::ErrorKind::NotFound,
            _ => false,
        }
    }

    pub(crate) fn read(path: &Path) -> impl FnOnce(io::Error) -> Self {
        let path = path.to_path_buf();
        move |source| Self::Read { path, source }
    }

    pub(crate) fn write(path: &Path) -> impl FnOnce(io::Error) -> Self {
        let path = path.to_path_buf();
        move |source| Self::Write { path, source }
    }

    pub(crate) fn unwritable(path: &Path) -> impl FnOnce(io::Error) -> Self {
        let path = path.to_path_buf();
        move |source| Self::Unwritable { path, source }
    }

    pub(crate) fn symlink(path: &Path) -> Self {
        Self::Symlink {
            path: path.to_path_buf(),
        }
    }
}
