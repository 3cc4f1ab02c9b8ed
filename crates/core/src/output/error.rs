//! [`OutputError`]: why a file could not be written or read, in words that say how to fix it.

use std::io;
use std::path::{Path, PathBuf};
use std::time::Duration;
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
    #[non_exhaustive]
    BadFileName {
        /// The resolved path.
        path: PathBuf,
    },
    /// The output directory could not be created (or a file is where it should be).
    #[error("cannot create the output directory {path}: {source}; set `output_dir` to a directory you can write (or move away the file that is in its way)")]
    #[non_exhaustive]
    CreateDir {
        /// The directory.
        path: PathBuf,
        /// The underlying error.
        source: io::Error,
    },
    /// A file in the output directory could not be opened for writing, or no new file can be
    /// made there.
    #[error("cannot write {path}: {source}; set `output_dir` to a directory you can write, or fix the permissions of that file")]
    #[non_exhaustive]
    Unwritable {
        /// The file (or the directory, when no new file can be made in it).
        path: PathBuf,
        /// The underlying error.
        source: io::Error,
    },
    /// The output file is a directory, so nothing can ever be appended to it.
    #[error("the output file {path} is a directory; set `output_file` to another name, or move the directory away")]
    #[non_exhaustive]
    FileIsDir {
        /// The path.
        path: PathBuf,
    },
    /// An advisory lock could not be taken.
    #[error("cannot lock {path}: {source}; the file system may not support locks (some network mounts do not): use a local `output_dir`")]
    #[non_exhaustive]
    Lock {
        /// The lock file.
        path: PathBuf,
        /// The underlying error.
        source: io::Error,
    },
    /// A symbolic link is where a file we write (or read back) should be. Followed, a link
    /// planted there would make us write into whatever it points at.
    #[error("{path} is a symbolic link; codecarbon does not write or read back its files through a link at the file itself (one planted there could make it write into another file): remove the link, or name the real file (for an output, set `output_dir` to the directory the link points into)")]
    #[non_exhaustive]
    Symlink {
        /// The link.
        path: PathBuf,
    },
    /// A FIFO, socket, device or directory is where a regular file should be: writing would
    /// hang or go nowhere, reading would hang or never end.
    #[error("{path} is {kind}, not a regular file; codecarbon reads and writes only regular files (a FIFO would make it wait forever, a device swallow or flood it): remove it, or name another file")]
    #[non_exhaustive]
    NotRegular {
        /// The file.
        path: PathBuf,
        /// What it is instead (`a FIFO (named pipe)`, `a character device`, ...).
        kind: &'static str,
    },
    /// A file is larger than what is read of such a file.
    #[error("{path} is {size} bytes, more than the {limit} bytes codecarbon reads of such a file; move it away, or name another file")]
    #[non_exhaustive]
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
    #[non_exhaustive]
    Read {
        /// The file.
        path: PathBuf,
        /// The underlying error.
        source: io::Error,
    },
    /// A file ends with a last line, without a line break, longer than any record we write:
    /// not a record cut short but something else (the zeros a crash can leave, another
    /// program's data). It is neither appended to, which would merge our record into it, nor
    /// moved aside, which would copy all of it.
    #[error("{path} ends with more than {limit} bytes without a line break, far more than any line codecarbon writes: not a line cut short but something else (zeros left by a crash, or another program's data), so nothing is added to the file until it is repaired: {}", cut_back(path, *offset))]
    #[non_exhaustive]
    OverlongLastLine {
        /// The file.
        path: PathBuf,
        /// Where its last line starts (just after the last line break), if found near enough
        /// to the end.
        offset: Option<u64>,
        /// The longest last line that is repaired.
        limit: u64,
    },
    /// Another process held an output's lock for longer than a writer waits for it.
    #[error("another process has held the lock {path} for over {} s, so nothing was written: a tracker rewriting a very large file, or a stuck process (`fuser -v {path}` names it); if it stays, end that process, or set `output_dir` to a directory that only you write", waited.as_secs())]
    #[non_exhaustive]
    LockBusy {
        /// The lock file.
        path: PathBuf,
        /// How long we waited.
        waited: Duration,
    },
    /// The records of earlier runs could not be written now (the output's lock stayed busy):
    /// they stay in their checkpoints for the next run.
    #[error("{source}; the records of earlier runs stay in their checkpoints for the next run")]
    #[non_exhaustive]
    RecoveryPostponed {
        /// Why.
        source: Box<OutputError>,
    },
    /// A file could not be written. A record is written wholly or not at all, and a replaced
    /// file is either the old one or the new one; only if cutting a partial record back
    /// failed too (the message then says so) can part of it be left.
    #[error(
        "cannot write {path}: {source}; check the free space and the permissions of its directory"
    )]
    #[non_exhaustive]
    Write {
        /// The file.
        path: PathBuf,
        /// The underlying error.
        source: io::Error,
    },
    /// Another live sink holds this run's checkpoint.
    #[error("another tracker holds the checkpoint lock {path} of run {run_id}; two trackers must not share a run id")]
    #[non_exhaustive]
    RunBusy {
        /// The run.
        run_id: String,
        /// Its checkpoint lock.
        path: PathBuf,
    },
    /// A checkpoint left by an earlier run could not be read; its record is not written.
    #[error("the checkpoint {path} of an earlier run cannot be read ({reason}), so its run gets no record from it; {}", kept(kept_as.as_deref()))]
    #[non_exhaustive]
    BadCheckpoint {
        /// The checkpoint.
        path: PathBuf,
        /// Where it was moved, for a person to look at (`None`: it could not be moved).
        kept_as: Option<PathBuf>,
        /// What is wrong.
        reason: String,
    },
}

fn cut_back(path: &Path, offset: Option<u64>) -> String {
    match offset {
        Some(offset) => format!(
            "cut it back to its last whole line with `truncate -s {offset} {}`, or move it away",
            path.display()
        ),
        None => "move it away, or cut it back to its last whole line".into(),
    }
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

    /// What `map_err` needs when `path` cannot be read: `.map_err(OutputError::read(&path))`.
    /// Variants are built through such functions, so a field added to one breaks no sink.
    pub fn read(path: &Path) -> impl FnOnce(io::Error) -> Self {
        let path = path.to_path_buf();
        move |source| Self::Read { path, source }
    }

    /// What `map_err` needs when `path` cannot be written: `.map_err(OutputError::write(&path))`.
    pub fn write(path: &Path) -> impl FnOnce(io::Error) -> Self {
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
