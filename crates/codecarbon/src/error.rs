//! What can go wrong when tracking, in words that say how to fix it.

use crate::config::ConfigLoadError;
use codecarbon_core::BuildError;
use thiserror::Error;

/// Why a tracker could not be built, started, flushed or stopped.
#[derive(Debug, Error)]
pub enum TrackerError {
    /// The configuration is wrong.
    #[error(transparent)]
    Config(#[from] ConfigLoadError),
    /// Offline mode was asked for without a place.
    #[error(
        "offline mode needs a location: set country_iso_code (e.g. `CAN`, or `--country-iso-code \
         CAN`), or cloud_provider and cloud_region"
    )]
    OfflineNeedsLocation,
    /// A plugin refused the configuration.
    #[error(transparent)]
    Plugin(#[from] BuildError),
    /// `output_methods` names a sink this build does not have.
    #[error("unknown output method `{name}`; this build has: {available}")]
    UnknownOutputMethod {
        /// The name given.
        name: String,
        /// The names this build has, comma-separated.
        available: String,
    },
    /// The kernel's files could not be read.
    #[error("{0}. codecarbon reads /proc on Linux; set proc_root if it is mounted elsewhere")]
    System(#[from] std::io::Error),
    /// `flush` or `stop` before `start`.
    #[error("the tracker is not running: call start() first")]
    NotStarted,
    /// `start_task` with the name of a task that is running.
    #[error("task `{0}` is already running: stop it first, or give the new task another name")]
    TaskRunning(String),
    /// `stop_task` with a name no running task has.
    #[error("no task `{0}` is running")]
    NoSuchTask(String),
    /// The sampler thread died (a plugin panicked).
    #[error("the sampler thread stopped unexpectedly: {0}")]
    Sampler(String),
}

impl TrackerError {
    /// Whether the settings cannot work (a bad value, offline without a place, an unknown
    /// output, a plugin that refused its settings): the caller's to fix, where any other error
    /// is the machine's (an unreadable `/proc`, a sampler that died). The command line exits
    /// with 2 for these, the Python package raises `ValueError`.
    pub fn is_settings_error(&self) -> bool {
        matches!(
            self,
            TrackerError::Config(_)
                | TrackerError::OfflineNeedsLocation
                | TrackerError::UnknownOutputMethod { .. }
                | TrackerError::Plugin(BuildError::Invalid { .. })
        )
    }
}
