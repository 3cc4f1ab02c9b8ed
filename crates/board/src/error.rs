//! What can fail: only the files and the network socket, never the content of a file.

use codecarbon_core::output::OutputError;
use std::path::PathBuf;

/// An error of the board: a file that cannot be read or written, a port that cannot be bound.
#[derive(Debug, thiserror::Error)]
pub enum BoardError {
    /// An input file cannot be read.
    #[error("cannot read {}: {source} (check the path)", path.display())]
    Read {
        /// The file.
        path: PathBuf,
        /// Why.
        source: std::io::Error,
    },
    /// The report cannot be written.
    #[error("cannot write {}: {source} (check that its directory exists and is writable)", path.display())]
    Write {
        /// The file.
        path: PathBuf,
        /// Why.
        source: std::io::Error,
    },
    /// The page would be written over one of the files it is made from.
    #[error("cannot write the page to {}: it is the emissions file {} that the page is made from, and the page would replace its rows; write the page to another file (e.g. --output report.html)", output.display(), input.display())]
    OutputIsInput {
        /// The page's file, as given.
        output: PathBuf,
        /// The input it is, as given.
        input: PathBuf,
    },
    /// A file is not one the board may read or write: a link where the page goes, a FIFO or a
    /// device, a file too large (see [`OutputError`]).
    #[error(transparent)]
    File(OutputError),
    /// The server cannot listen.
    #[error("cannot listen on 127.0.0.1:{port}: {message} (is the port taken? leave out --port to get a free one)")]
    Bind {
        /// The port asked for (0: any free port).
        port: u16,
        /// Why.
        message: String,
    },
    /// The model cannot be turned into JSON (not expected: the model holds only numbers and
    /// strings).
    #[error("cannot encode the dashboard's data: {0}")]
    Encode(#[from] serde_json::Error),
}

impl From<OutputError> for BoardError {
    /// A file that cannot be read or written keeps the board's own words (and fix); the rule's
    /// refusals keep core's.
    fn from(e: OutputError) -> Self {
        match e {
            OutputError::Read { path, source, .. } => BoardError::Read { path, source },
            OutputError::Write { path, source, .. } => BoardError::Write { path, source },
            other => BoardError::File(other),
        }
    }
}
