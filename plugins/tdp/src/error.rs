//! Errors of this crate: a kernel file that cannot be read or understood.

use codecarbon_core::BuildError;
use std::path::PathBuf;
use thiserror::Error;

/// Why the CPU or memory description could not be obtained.
#[derive(Debug, Error)]
pub enum TdpError {
    /// A file under `proc_root` could not be read.
    ///
    /// `source` already names the file (`cannot read <path>: <why>`, as `codecarbon-system`
    /// reports it), so the message does not repeat it.
    #[error("{source}. {hint}")]
    Read {
        /// The file.
        path: PathBuf,
        /// The underlying error.
        source: std::io::Error,
        /// How to fix it.
        hint: String,
    },
    /// A file was read but does not say what we need.
    #[error("{}: {message}", path.display())]
    Invalid {
        /// The file.
        path: PathBuf,
        /// What is missing or wrong, and how to fix it.
        message: String,
    },
}

impl TdpError {
    /// The registry's form of this error, for plugin `plugin`.
    ///
    /// An unreadable file makes the plugin unavailable (the engine tries the next candidate);
    /// a file without the expected content means `proc_root` points at the wrong place.
    pub fn into_build_error(self, plugin: &'static str) -> BuildError {
        match self {
            TdpError::Read { .. } => BuildError::Unavailable {
                plugin,
                message: self.to_string(),
            },
            TdpError::Invalid { .. } => BuildError::Invalid {
                plugin,
                message: self.to_string(),
            },
        }
    }
}

/// The hint attached to an unreadable file under `proc_root`.
pub(crate) fn proc_hint(force_key: &str) -> String {
    format!(
        "Point `proc_root` at a Linux /proc tree, or set `{force_key}` to give the power yourself"
    )
}
