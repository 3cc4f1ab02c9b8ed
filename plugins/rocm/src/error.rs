//! Errors of this crate, each saying what failed and how to fix it.

use std::fmt;
use thiserror::Error;

/// The fix when the library cannot be found.
pub(crate) const INSTALL_FIX: &str = "Install ROCm (its rocm-smi-lib package), or set \
     LD_LIBRARY_PATH to the directory that holds librocm_smi64.so.1 (usually /opt/rocm/lib), or \
     set `rocm_smi_library` to the file";

/// A status code returned by a ROCm SMI function (`rsmi_status_t`, an `enum` of C `int` size).
///
/// The values are those of `rocm_smi.h` in ROCm/rocm_smi_lib (the ROCm 6 line); codes this
/// crate does not know are shown as numbers.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Status(pub u32);

impl Status {
    /// `RSMI_STATUS_SUCCESS`.
    pub const SUCCESS: Status = Status(0);
    /// `RSMI_STATUS_INVALID_ARGS`.
    pub const INVALID_ARGS: Status = Status(1);
    /// `RSMI_STATUS_NOT_SUPPORTED`: this GPU or driver does not offer the reading.
    pub const NOT_SUPPORTED: Status = Status(2);
    /// `RSMI_STATUS_FILE_ERROR`.
    pub const FILE_ERROR: Status = Status(3);
    /// `RSMI_STATUS_PERMISSION`.
    pub const PERMISSION: Status = Status(4);
    /// `RSMI_STATUS_INIT_ERROR`: the library is not (or no longer) initialised. ROCm SMI's
    /// counterpart of AMD SMI's `AMDSMI_STATUS_NOT_INIT`, on which CodeCarbon re-initialises.
    pub const INIT_ERROR: Status = Status(8);
    /// `RSMI_STATUS_NOT_YET_IMPLEMENTED`.
    pub const NOT_YET_IMPLEMENTED: Status = Status(9);
    /// `RSMI_STATUS_INSUFFICIENT_SIZE`: a string was cut to the buffer.
    pub const INSUFFICIENT_SIZE: Status = Status(11);
    /// `RSMI_STATUS_UNKNOWN_ERROR`.
    pub const UNKNOWN_ERROR: Status = Status(0xFFFF_FFFF);

    /// The C name of the code, when known.
    pub fn name(self) -> Option<&'static str> {
        const NAMES: [&str; 23] = [
            "RSMI_STATUS_SUCCESS",
            "RSMI_STATUS_INVALID_ARGS",
            "RSMI_STATUS_NOT_SUPPORTED",
            "RSMI_STATUS_FILE_ERROR",
            "RSMI_STATUS_PERMISSION",
            "RSMI_STATUS_OUT_OF_RESOURCES",
            "RSMI_STATUS_INTERNAL_EXCEPTION",
            "RSMI_STATUS_INPUT_OUT_OF_BOUNDS",
            "RSMI_STATUS_INIT_ERROR",
            "RSMI_STATUS_NOT_YET_IMPLEMENTED",
            "RSMI_STATUS_NOT_FOUND",
            "RSMI_STATUS_INSUFFICIENT_SIZE",
            "RSMI_STATUS_INTERRUPT",
            "RSMI_STATUS_UNEXPECTED_SIZE",
            "RSMI_STATUS_NO_DATA",
            "RSMI_STATUS_UNEXPECTED_DATA",
            "RSMI_STATUS_BUSY",
            "RSMI_STATUS_REFCOUNT_OVERFLOW",
            "RSMI_STATUS_SETTING_UNAVAILABLE",
            "RSMI_STATUS_AMDGPU_RESTART_ERR",
            "RSMI_STATUS_DRM_ERROR",
            "RSMI_STATUS_FAIL_LOAD_MODULE",
            "RSMI_STATUS_FAIL_LOAD_SYMBOL",
        ];
        if self == Status::UNKNOWN_ERROR {
            return Some("RSMI_STATUS_UNKNOWN_ERROR");
        }
        usize::try_from(self.0)
            .ok()
            .and_then(|i| NAMES.get(i).copied())
    }

    /// Whether the code says the reading does not exist here (rather than that it failed).
    pub fn is_unsupported(self) -> bool {
        self == Status::NOT_SUPPORTED || self == Status::NOT_YET_IMPLEMENTED
    }
}

impl fmt::Display for Status {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.name() {
            Some(name) => write!(f, "{name} ({})", self.0),
            None => write!(f, "status {}", self.0),
        }
    }
}

/// A ROCm SMI call that did not succeed.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
#[error("{function} returned {status}{}", hint(*status))]
pub struct SmiError {
    /// The C function (`rsmi_dev_energy_count_get`).
    pub function: &'static str,
    /// What it returned.
    pub status: Status,
}

impl SmiError {
    /// `function` returned `status`.
    pub fn new(function: &'static str, status: Status) -> SmiError {
        SmiError { function, status }
    }
}

/// The fix for a status, as a sentence to append (empty when there is nothing to say).
fn hint(status: Status) -> &'static str {
    match status {
        Status::PERMISSION => {
            ": permission denied. Add this user to the `video` and `render` groups (then log in \
             again), or run as root"
        }
        Status::INIT_ERROR => {
            ": ROCm SMI is not initialised. Check that the amdgpu driver is loaded (`lsmod | \
             grep amdgpu`, /dev/kfd exists)"
        }
        s if s.is_unsupported() => ": this GPU or its driver does not offer it",
        _ => "",
    }
}

/// Why the ROCm plugin cannot track AMD GPUs here.
#[derive(Debug, Error)]
pub enum RocmError {
    /// No candidate library file could be opened.
    #[error("ROCm SMI library not found (tried {}; {first_error}). {INSTALL_FIX}", tried.join(", "))]
    NotFound {
        /// The names and paths tried, in order.
        tried: Vec<String>,
        /// What the dynamic loader said about the first one.
        first_error: String,
    },
    /// A file was opened but lacks a function this plugin needs.
    #[error(
        "{library} is not a usable ROCm SMI library: symbol `{symbol}` is missing ({message}). \
         Point `rocm_smi_library` at librocm_smi64.so.1 of ROCm 5 or later"
    )]
    MissingSymbol {
        /// The file opened.
        library: String,
        /// The function not found.
        symbol: &'static str,
        /// What the loader said.
        message: String,
    },
    /// `rsmi_init` or `rsmi_num_monitor_devices` failed.
    #[error("ROCm SMI ({library}) could not start: {source}")]
    Init {
        /// The library path.
        library: String,
        /// The failed call.
        source: SmiError,
    },
    /// The library works but sees no AMD GPU.
    #[error(
        "ROCm SMI ({library}) found no AMD GPU. If there is one, check that the amdgpu driver \
         is loaded and that /dev/kfd exists"
    )]
    NoDevices {
        /// The library path.
        library: String,
    },
    /// `gpu_ids` or the visible-devices variables leave no GPU to track, or none can be read.
    #[error("no AMD GPU to track: {reason}")]
    NoneSelected {
        /// Why, with the fix.
        reason: String,
    },
}
