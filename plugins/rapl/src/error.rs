//! Errors of this crate, each saying what failed and how to fix it.

use codecarbon_core::SourceError;
use std::path::{Path, PathBuf};
use thiserror::Error;

/// Why RAPL could not be found, read or understood.
#[derive(Debug, Error)]
pub enum RaplError {
    /// A file or directory could not be read.
    #[error("cannot read {}: {source}. {hint}", path.display())]
    Read {
        /// The file or directory.
        path: PathBuf,
        /// The underlying error.
        source: std::io::Error,
        /// How to fix it.
        hint: String,
    },
    /// A file was read but does not hold what the kernel writes there.
    #[error("{}: {message}", path.display())]
    Invalid {
        /// The file.
        path: PathBuf,
        /// What is wrong, and how to fix it.
        message: String,
    },
    /// A RAPL event of the `power` PMU could not be opened with `perf_event_open`.
    #[error("cannot open perf event {event} on CPU {cpu}: {source}. {hint}")]
    PerfOpen {
        /// The event's name (`energy-pkg`).
        event: String,
        /// The CPU it was opened on.
        cpu: i32,
        /// The error the kernel returned.
        source: std::io::Error,
        /// How to fix it.
        hint: String,
    },
}

impl RaplError {
    /// A [`RaplError::Read`] of `path`.
    pub(crate) fn read(path: &Path, source: std::io::Error, hint: impl Into<String>) -> Self {
        RaplError::Read {
            path: path.to_path_buf(),
            source,
            hint: hint.into(),
        }
    }

    /// A [`RaplError::Invalid`] of `path`.
    pub(crate) fn invalid(path: &Path, message: impl Into<String>) -> Self {
        RaplError::Invalid {
            path: path.to_path_buf(),
            message: message.into(),
        }
    }
}

impl From<RaplError> for SourceError {
    fn from(e: RaplError) -> Self {
        match e {
            RaplError::Read { path, source, hint } => SourceError::read(path, source, hint),
            other => SourceError::Other(other.to_string()),
        }
    }
}

/// The fix for powercap counters this user cannot read, zones under `root`; `perf` adds the
/// perf_event alternative when the machine has the RAPL PMU.
pub(crate) fn powercap_fix(root: &Path, perf: bool) -> String {
    let root = root.display();
    let mut fix = format!(
        "Let this user read the RAPL counters: `sudo chmod -R a+r {root}/intel-rapl*` (until \
         reboot), or keep it with a udev rule such as `SUBSYSTEM==\"powercap\", ACTION==\"add\", \
         RUN+=\"/bin/chmod a+r /sys%p/energy_uj\"` in /etc/udev/rules.d/"
    );
    if perf {
        fix.push_str(
            "; or let it read the RAPL PMU with `sudo sysctl kernel.perf_event_paranoid=0`",
        );
    }
    fix
}

/// The fix for a RAPL PMU that this user may not open.
pub(crate) const PERF_FIX: &str = "Allow system-wide perf events with `sudo sysctl \
     kernel.perf_event_paranoid=0` (or give the program CAP_PERFMON)";
