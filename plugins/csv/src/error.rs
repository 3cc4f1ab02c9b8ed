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
    /// A row could not be encoded as CSV (not expected: it is encoded in memory).
    #[error("cannot encode a row of {path} as CSV: {source}")]
    Encode {
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
    /// The row could not be written; the totals wait in the checkpoint.
    #[error("{source}; {} are kept in {checkpoint} and the next tracker writing {csv} will add them", if *latest { "the totals" } else { "the totals of the last checkpoint (an interval earlier)" })]
    RowKept {
        /// Why the row was not written.
        source: Box<CsvSinkError>,
        /// Where the totals are.
        checkpoint: PathBuf,
        /// Whether the checkpoint holds this row's totals (else an earlier interval's, when
        /// saving it failed too).
        latest: bool,
        /// The CSV they belong to.
        csv: PathBuf,
    },
}

impl CsvSinkError {
    pub(crate) fn encode(path: impl Into<PathBuf>) -> impl FnOnce(io::Error) -> Self {
        let path = path.into();
        move |source| CsvSinkError::Encode { path, source }
    }
}

impl From<CsvSinkError> for SinkError {
    fn from(e: CsvSinkError) -> Self {
        SinkError::Other(format!("csv: {e}"))
    }
}
