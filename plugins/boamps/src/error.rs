//! What can go wrong, in words that say how to fix it.

use codecarbon_core::output::OutputError;
use codecarbon_core::SinkError;
use std::path::PathBuf;
use thiserror::Error;

/// Why the BoAmps output could not do its work.
#[derive(Debug, Error)]
#[non_exhaustive]
pub enum BoampsError {
    /// The report, its directory or a checkpoint cannot be used (see [`OutputError`]).
    #[error(transparent)]
    Output(#[from] OutputError),
    /// The `metadata` file cannot be read.
    #[error("`metadata`: {source}; set `metadata` to the JSON file of the BoAmps report's context, or unset it")]
    MetadataFile {
        /// Why.
        source: OutputError,
    },
    /// `metadata` is not a BoAmps context.
    #[error("`metadata` ({origin}) is not a BoAmps context: {reason}; give a JSON object with the report's sections (task, header, quality, system, software, infrastructure, environment), in BoAmps' camelCase, at the top or under `boamps`")]
    Metadata {
        /// The file, or the setting's value.
        origin: String,
        /// What is wrong.
        reason: String,
    },
    /// The report could not be turned into JSON.
    #[error("cannot encode the BoAmps report as JSON: {0}")]
    Encode(#[from] serde_json::Error),
    /// The report could not be written; it waits in the checkpoint.
    #[error("{source}; {} kept in {checkpoint} and the next tracker with this `output_dir` and the `boamps` output will write it to {file}", if *latest { "the report is" } else { "the report of the last checkpoint (an interval earlier) is" })]
    ReportKept {
        /// Why the report was not written.
        source: Box<BoampsError>,
        /// Where the report is.
        checkpoint: PathBuf,
        /// Whether the checkpoint holds this report (else an earlier interval's, when saving
        /// it failed too).
        latest: bool,
        /// The file it belongs in.
        file: PathBuf,
    },
}

impl From<BoampsError> for SinkError {
    fn from(e: BoampsError) -> Self {
        SinkError::Other(format!("boamps: {e}"))
    }
}
