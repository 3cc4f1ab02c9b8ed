//! What can go wrong, in words that say how to fix it.

use codecarbon_core::output::OutputError;
use codecarbon_core::SinkError;
use std::io;
use std::path::PathBuf;
use thiserror::Error;

/// Why the JSON Lines sink could not do its work.
#[derive(Debug, Error)]
#[non_exhaustive]
pub enum JsonSinkError {
    /// The output file or its directory cannot be used (see [`OutputError`]).
    #[error(transparent)]
    Output(#[from] OutputError),
    /// A line could not be written.
    #[error("cannot write {path}: {source}; check the free space and permissions of the output directory")]
    Write {
        /// The file.
        path: PathBuf,
        /// The underlying error.
        source: io::Error,
    },
    /// The record could not be turned into JSON.
    #[error("cannot encode the record as JSON: {0}")]
    Encode(#[from] serde_json::Error),
}

impl From<JsonSinkError> for SinkError {
    fn from(e: JsonSinkError) -> Self {
        SinkError::Other(format!("json: {e}"))
    }
}
