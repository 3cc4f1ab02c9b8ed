//! The `Sink` trait: where the numbers go.

use crate::emissions::{Report, TaskReport};
use async_trait::async_trait;
use std::path::PathBuf;
use thiserror::Error;

/// Why a sink could not write.
#[derive(Debug, Error)]
#[non_exhaustive]
pub enum SinkError {
    /// A file could not be written or read; built with [`SinkError::io`].
    #[error("{action} {path}: {source}")]
    #[non_exhaustive]
    Io {
        /// What was being done (`cannot write`).
        action: &'static str,
        /// The file.
        path: PathBuf,
        /// The underlying error.
        source: std::io::Error,
    },
    /// Anything else, in words that tell the fix.
    #[error("{0}")]
    Other(String),
}

impl SinkError {
    /// Doing `action` (`cannot write`) on `path` failed with `source`.
    pub fn io(action: &'static str, path: impl Into<PathBuf>, source: std::io::Error) -> Self {
        SinkError::Io {
            action,
            path: path.into(),
            source,
        }
    }
}

/// Receives the run's cumulative totals.
///
/// The engine calls `record` every `api_call_interval` measure intervals (every one by default),
/// `flush` when the user flushes, and `finish` once at stop. Each call carries cumulative totals
/// since the run started. Sinks are isolated: an error in one never keeps another from its row.
///
/// ```
/// use codecarbon_core::{async_trait, Report, Sink, SinkError};
///
/// #[derive(Default)]
/// struct Count(usize);
/// #[async_trait]
/// impl Sink for Count {
///     async fn flush(&mut self, _report: &Report) -> Result<(), SinkError> {
///         self.0 += 1;
///         Ok(())
///     }
/// }
/// ```
#[async_trait]
pub trait Sink: Send {
    /// The running totals, every `api_call_interval` measure intervals. The default does
    /// nothing; a file sink can checkpoint here ([`Sink::checkpoints`]), so that a killed run
    /// loses little.
    async fn record(&mut self, _report: &Report) -> Result<(), SinkError> {
        Ok(())
    }

    /// True for a sink whose `record` keeps a local checkpoint rather than sending the totals
    /// anywhere: it gets them at the first measurement, then once every 5 s (at every
    /// measurement when `measure_power_secs` is 5 s or longer), whatever `api_call_interval`
    /// says, since that setting spares services calls, not a run its crash safety. A killed run
    /// loses at most that. Asked once, at start.
    fn checkpoints(&self) -> bool {
        false
    }

    /// A row of cumulative totals, at the user's `flush()`.
    async fn flush(&mut self, report: &Report) -> Result<(), SinkError>;

    /// A task's totals, at `stop_task` (CodeCarbon writes them to a task file). The default
    /// does nothing.
    async fn task(&mut self, _task: &TaskReport) -> Result<(), SinkError> {
        Ok(())
    }

    /// The run's final row, at stop. Defaults to `flush`.
    async fn finish(&mut self, report: &Report) -> Result<(), SinkError> {
        self.flush(report).await
    }
}
