//! A ready-made subscriber for programs without one (the CLI): JSON lines on stderr.

use thiserror::Error;
use tracing::Level;

/// A global subscriber was already installed.
#[derive(Debug, Error)]
#[error(
    "cannot install the JSON log subscriber: {0}; install only one tracing subscriber per process"
)]
pub struct InstallError(String);

/// Installs, as the process's global `tracing` subscriber, one that writes every INFO (and
/// more severe) event as one JSON object per line to stderr, its fields at the top level:
///
/// ```text
/// {"timestamp":"…","level":"INFO","event":"flush","emissions":"{\"timestamp\":…}","target":"codecarbon"}
/// ```
///
/// The `emissions` field holds the record as JSON text (parse it a second time). Fails if a
/// global subscriber is already set.
pub fn json_to_stderr() -> Result<(), InstallError> {
    tracing_subscriber::fmt()
        .json()
        .flatten_event(true)
        .with_target(true)
        .with_current_span(false)
        .with_span_list(false)
        .with_max_level(Level::INFO)
        .with_writer(std::io::stderr)
        // Its own complaint about a failed write is an `eprintln!`, which panics then.
        .log_internal_errors(false)
        .try_init()
        .map_err(|e| InstallError(e.to_string()))
}
