//! Errors of this crate, each saying what failed and how to fix it.

use thiserror::Error;

/// Why NVML could not be loaded or initialised.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum LoadError {
    /// The library file is not there: no NVIDIA driver on this machine.
    #[error(
        "no NVIDIA driver: cannot load {library} ({reason}); GPU energy is not counted. \
         Install the NVIDIA driver, or set `nvml_library` to the path of libnvidia-ml.so.1"
    )]
    LibraryMissing {
        /// The name or path that was tried.
        library: String,
        /// The loader's message.
        reason: String,
    },
    /// The library lacks a function NVML needs at start: a driver too old.
    #[error("{library} is too old ({reason}); update the NVIDIA driver")]
    OldDriver {
        /// The library.
        library: String,
        /// The missing symbol, in the loader's words.
        reason: String,
    },
    /// The library is there but the kernel driver is not running.
    #[error(
        "libnvidia-ml is installed but the NVIDIA kernel driver is not loaded; load it \
         (`sudo modprobe nvidia`, or reboot after installing the driver)"
    )]
    DriverNotLoaded,
    /// This user may not talk to the driver.
    #[error(
        "NVML may not talk to the NVIDIA driver as this user; run as a user who can open \
         /dev/nvidia* (often the `video` group)"
    )]
    NoPermission,
    /// `nvmlInit` failed otherwise.
    #[error("NVML failed to start: {0}; check `nvidia-smi` and the driver's installation")]
    Init(String),
}

/// A `gpu_ids` entry that names no GPU, or names several.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum SelectionError {
    /// Nothing matches.
    #[error(
        "`gpu_ids` entry {id:?} matches no GPU; give NVML indices or UUID prefixes, \
         comma-separated. The GPUs are: {known}"
    )]
    NoMatch {
        /// The entry.
        id: String,
        /// The GPUs there are, for the fix.
        known: String,
    },
    /// A UUID prefix that several GPUs share.
    #[error("`gpu_ids` entry {id:?} is ambiguous: it matches {matches}; give more of the UUID")]
    Ambiguous {
        /// The entry.
        id: String,
        /// The GPUs it matches.
        matches: String,
    },
}
