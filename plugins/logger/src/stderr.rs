//! A ready-made subscriber for programs without one (the CLI): JSON lines on stderr.

use codecarbon_core::stderr::Quiet;
use thiserror::Error;
use tracing::Level;
use tracing::Subscriber;
use tracing_subscriber::layer::{Layer, SubscriberExt};
use tracing_subscriber::registry::LookupSpan;
use tracing_subscriber::util::SubscriberInitExt;

/// A global subscriber was already installed.
#[derive(Debug, Error)]
#[error(
    "cannot install the JSON log subscriber: {0}; install only one tracing subscriber per process"
)]
pub struct InstallError(String);

/// A layer that writes each event it is given as one JSON object per line to stderr, its fields
/// at the top level:
///
/// ```text
/// {"timestamp":"…","level":"INFO","event":"flush","emissions":"{\"timestamp\":…}","target":"codecarbon"}
/// ```
///
/// The `emissions` field holds the record as JSON text (parse it a second time). A line that
/// cannot be written is dropped. Filter it to choose the events: the command line gives it only
/// the records (target exactly [`crate::TARGET`]), beside its own console of messages.
pub fn json_layer<S>() -> impl Layer<S>
where
    S: Subscriber + for<'a> LookupSpan<'a>,
{
    tracing_subscriber::fmt::layer()
        .json()
        .flatten_event(true)
        .with_target(true)
        .with_current_span(false)
        .with_span_list(false)
        .with_writer(|| Quiet)
        // Its own complaint about a failed write is an `eprintln!`, which panics then.
        .log_internal_errors(false)
}

/// Installs, as the process's global `tracing` subscriber, [`json_layer`] for every INFO (and
/// more severe) event: the records, and the tracker's messages too. Fails if a global
/// subscriber is already set.
pub fn json_to_stderr() -> Result<(), InstallError> {
    tracing_subscriber::registry()
        .with(
            json_layer().with_filter(tracing_subscriber::filter::LevelFilter::from_level(
                Level::INFO,
            )),
        )
        .try_init()
        .map_err(|e| InstallError(e.to_string()))
}
