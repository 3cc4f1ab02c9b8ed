//! What can go wrong, in words that say how to fix it.

use codecarbon_core::output::OutputError;
use codecarbon_core::SinkError;
use std::io;
use std::path::PathBuf;
use thiserror::Error;

/// Why the CSV sink could not do its work.
#[derive(Debug, Error)]
#[non_exhaustive]
pub enum CsvSinkError {
    /// The CSV or its directory cannot be used, or its lock cannot be taken (see
    /// [`OutputError`]).
    #[error(transparent)]
    Output(#[from] OutputError),
    /// Another live sink holds this run's checkpoint.
    #[error("another tracker holds the checkpoint lock {path} of run {run_id}; two trackers must not share a run id")]
    RunBusy {
        /// The run.
        run_id: String,
        /// Its checkpoint lock.
        path: PathBuf,
    },
    /// An existing file could not be read.
    #[error("cannot read {path}: {source}; check its permissions")]
    Read {
        /// The file.
        path: PathBuf,
        /// The underlying error.
        source: io::Error,
    },
    /// A file could not be written.
    #[error("cannot write {path}: {source}; check the free space and permissions of the output directory")]
    Write {
        /// The file.
        path: PathBuf,
        /// The underlying error.
        source: io::Error,
    },
    /// An old file could not be set aside before starting a new one.
    #[error(
        "cannot keep {path} as a backup before starting a new file: {source}; move it away by hand"
    )]
    Backup {
        /// The old file.
        path: PathBuf,
        /// The underlying error.
        source: io::Error,
    },
    /// A checkpoint could not be parsed.
    #[error("the checkpoint {path} cannot be read as CSV: {reason}")]
    BadCheckpoint {
        /// The checkpoint.
        path: PathBuf,
        /// What is wrong.
        reason: String,
    },
    /// The row could not be written; the totals wait in the checkpoint.
    #[error("{source}; the totals are kept in {checkpoint} and the next tracker writing {csv} will add them")]
    RowKept {
        /// Why the row was not written.
        source: Box<CsvSinkError>,
        /// Where the totals are.
        checkpoint: PathBuf,
        /// The CSV they belong to.
        csv: PathBuf,
    },
}

impl CsvSinkError {
    pub(crate) fn write(path: impl Into<PathBuf>) -> impl FnOnce(io::Error) -> Self {
        let path = path.into();
        move |source| CsvSinkError::Write { path, source }
    }

    pub(crate) fn read(path: impl Into<PathBuf>) -> impl FnOnce(io::Error) -> Self {
        let path = path.into();
        move |source| CsvSinkError::Read { path, source }
    }
}

impl From<CsvSinkError> for SinkError {
    fn from(e: CsvSinkError) -> Self {
        SinkError::Other(format!("csv: {e}"))
    }
}
