//! What can go wrong, in words that say how to fix it.

use codecarbon_core::output::OutputError;
use codecarbon_core::SinkError;
use std::path::PathBuf;
use thiserror::Error;

/// Why the JSON Lines sink could not do its work.
#[derive(Debug, Error)]
#[non_exhaustive]
pub enum JsonSinkError {
    /// The output file or its directory cannot be used (see [`OutputError`]).
    #[error(transparent)]
    Output(#[from] OutputError),
    /// `output_file` already ends in `.jsonl`, so the JSON Lines file would be the CSV.
    #[error("`output_file` {path} ends in `.jsonl`, so the `json` output would write into the very file the `csv` output writes; set `output_file` to the CSV's name (such as `emissions.csv`: the JSON Lines file is then `emissions.jsonl`), or leave out one of the two outputs")]
    SameFileAsCsv {
        /// The file both would write.
        path: PathBuf,
    },
    /// The record could not be turned into JSON.
    #[error("cannot encode the record as JSON: {0}")]
    Encode(#[from] serde_json::Error),
    /// The line could not be written; it waits in the checkpoint.
    #[error("{source}; {} kept in {checkpoint} and the next tracker writing {file} will add it", if *latest { "the line is" } else { "the line of the last checkpoint (an interval earlier) is" })]
    LineKept {
        /// Why the line was not written.
        source: Box<JsonSinkError>,
        /// Where the line is.
        checkpoint: PathBuf,
        /// Whether the checkpoint holds this line (else an earlier interval's, when saving it
        /// failed too).
        latest: bool,
        /// The file it belongs to.
        file: PathBuf,
    },
}

impl From<JsonSinkError> for SinkError {
    fn from(e: JsonSinkError) -> Self {
        SinkError::Other(format!("json: {e}"))
    }
}
