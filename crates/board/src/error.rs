//! What can fail: only the files and the network socket, never the content of a file.

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
