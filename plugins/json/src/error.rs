//! What can go wrong, in words that say how to fix it.

use codecarbon_core::SinkError;
use std::io;
use std::path::PathBuf;
use thiserror::Error;

/// Why the JSON Lines sink could not do its work.
#[derive(Debug, Error)]
#[non_exhaustive]
pub enum JsonSinkError {
    /// `output_file` has no file name (`..`, `/`, or not UTF-8).
    #[error("`output_file` resolves to {path}, which is not a file name; set `output_file` to a file name such as `emissions.csv`")]
    BadFileName {
        /// The resolved path.
        path: PathBuf,
    },
    /// The output directory could not be created.
    #[error("cannot create the output directory {path}: {source}; set `output_dir` to a directory you can write (or move away the file that is in its way)")]
    CreateDir {
        /// The directory.
        path: PathBuf,
        /// The underlying error.
        source: io::Error,
    },
    /// A file in the output directory could not be opened for writing.
    #[error("cannot write {path}: {source}; set `output_dir` to a directory you can write, or fix the permissions of that file")]
    Unwritable {
        /// The file.
        path: PathBuf,
        /// The underlying error.
        source: io::Error,
    },
    /// The output file is a directory.
    #[error("the output file {path} is a directory; set `output_file` to another name, or move the directory away")]
    FileIsDir {
        /// The path.
        path: PathBuf,
    },
    /// The advisory lock could not be taken.
    #[error("cannot lock {path}: {source}; the file system may not support locks (some network mounts do not): use a local `output_dir`")]
    Lock {
        /// The lock file.
        path: PathBuf,
        /// The underlying error.
        source: io::Error,
    },
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
