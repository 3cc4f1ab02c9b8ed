//! Errors of this crate, each saying what failed and how to fix it.

use std::fmt;
use thiserror::Error;

use crate::api::Api;

/// A status code returned by a ROCm SMI function (`rsmi_status_t`) or an AMD SMI one
/// (`amdsmi_status_t`): C enums of `unsigned int` size, numbered differently, so each code
/// carries its library.
///
/// The values are those of `rocm_smi.h` in ROCm/rocm_smi_lib (the ROCm 6 line) and of
/// `amdsmi.h` in ROCm/amdsmi (library version 24.7, whose codes 26.1 keeps); codes this crate
/// does not know are shown as numbers.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Status {
    /// The library that returned it.
    pub api: Api,
    /// The code.
    pub code: u32,
}

impl Status {
    /// ROCm SMI's `code`.
    pub const fn rsmi(code: u32) -> Status {
        Status {
            api: Api::RocmSmi,
            code,
        }
    }

    /// AMD SMI's `code`.
    pub const fn amdsmi(code: u32) -> Status {
        Status {
            api: Api::AmdSmi,
            code,
        }
    }

    /// `RSMI_STATUS_SUCCESS`.
    pub const SUCCESS: Status = Status::rsmi(0);
    /// `RSMI_STATUS_INVALID_ARGS`.
    pub const INVALID_ARGS: Status = Status::rsmi(1);
    /// `RSMI_STATUS_NOT_SUPPORTED`: this GPU or driver does not offer the reading.
    pub const NOT_SUPPORTED: Status = Status::rsmi(2);
    /// `RSMI_STATUS_FILE_ERROR`.
    pub const FILE_ERROR: Status = Status::rsmi(3);
    /// `RSMI_STATUS_PERMISSION`.
    pub const PERMISSION: Status = Status::rsmi(4);
    /// `RSMI_STATUS_INIT_ERROR`: the library is not (or no longer) initialised. ROCm SMI's
    /// counterpart of AMD SMI's [`AMD_NOT_INIT`](Status::AMD_NOT_INIT).
    pub const INIT_ERROR: Status = Status::rsmi(8);
    /// `RSMI_STATUS_NOT_YET_IMPLEMENTED`.
    pub const NOT_YET_IMPLEMENTED: Status = Status::rsmi(9);
    /// `RSMI_STATUS_INSUFFICIENT_SIZE`: a string was cut to the buffer.
    pub const INSUFFICIENT_SIZE: Status = Status::rsmi(11);
    /// `RSMI_STATUS_UNKNOWN_ERROR`.
    pub const UNKNOWN_ERROR: Status = Status::rsmi(0xFFFF_FFFF);

    /// `AMDSMI_STATUS_SUCCESS`.
    pub const AMD_SUCCESS: Status = Status::amdsmi(0);
    /// `AMDSMI_STATUS_INVAL`.
    pub const AMD_INVAL: Status = Status::amdsmi(1);
    /// `AMDSMI_STATUS_NOT_SUPPORTED`.
    pub const AMD_NOT_SUPPORTED: Status = Status::amdsmi(2);
    /// `AMDSMI_STATUS_NOT_YET_IMPLEMENTED`.
    pub const AMD_NOT_YET_IMPLEMENTED: Status = Status::amdsmi(3);
    /// `AMDSMI_STATUS_NO_PERM`.
    pub const AMD_NO_PERM: Status = Status::amdsmi(10);
    /// `AMDSMI_STATUS_FILE_ERROR`.
    pub const AMD_FILE_ERROR: Status = Status::amdsmi(14);
    /// `AMDSMI_STATUS_NOT_INIT`: on it CodeCarbon re-initialises the library once and retries.
    pub const AMD_NOT_INIT: Status = Status::amdsmi(32);
    /// `AMDSMI_STATUS_DRIVER_NOT_LOADED`.
    pub const AMD_DRIVER_NOT_LOADED: Status = Status::amdsmi(34);
    /// `AMDSMI_STATUS_INSUFFICIENT_SIZE`.
    pub const AMD_INSUFFICIENT_SIZE: Status = Status::amdsmi(41);

    /// The C name of the code, when known.
    pub fn name(self) -> Option<&'static str> {
        match self.api {
            Api::RocmSmi => rsmi_name(self.code),
            Api::AmdSmi => amdsmi_name(self.code),
        }
    }

    /// Whether the call succeeded.
    pub fn is_success(self) -> bool {
        self.code == 0
    }

    /// Whether the code says the reading does not exist here (rather than that it failed).
    pub fn is_unsupported(self) -> bool {
        [
            Status::NOT_SUPPORTED,
            Status::NOT_YET_IMPLEMENTED,
            Status::AMD_NOT_SUPPORTED,
            Status::AMD_NOT_YET_IMPLEMENTED,
        ]
        .contains(&self)
    }

    /// Whether the library is not (or no longer) initialised, so that initialising it again
    /// may help.
    pub fn is_not_initialised(self) -> bool {
        self == Status::INIT_ERROR || self == Status::AMD_NOT_INIT
    }

    /// Whether the library refuses this user.
    pub fn is_permission(self) -> bool {
        self == Status::PERMISSION || self == Status::AMD_NO_PERM
    }

    /// Whether a string was cut to the buffer given.
    pub fn is_insufficient_size(self) -> bool {
        self == Status::INSUFFICIENT_SIZE || self == Status::AMD_INSUFFICIENT_SIZE
    }
}

/// `rsmi_status_t`'s names.
fn rsmi_name(code: u32) -> Option<&'static str> {
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
    if code == Status::UNKNOWN_ERROR.code {
        return Some("RSMI_STATUS_UNKNOWN_ERROR");
    }
    usize::try_from(code)
        .ok()
        .and_then(|i| NAMES.get(i).copied())
}

/// `amdsmi_status_t`'s names (the GPU ones; the CPU driver codes 44 to 53 are left as numbers).
fn amdsmi_name(code: u32) -> Option<&'static str> {
    Some(match code {
        0 => "AMDSMI_STATUS_SUCCESS",
        1 => "AMDSMI_STATUS_INVAL",
        2 => "AMDSMI_STATUS_NOT_SUPPORTED",
        3 => "AMDSMI_STATUS_NOT_YET_IMPLEMENTED",
        4 => "AMDSMI_STATUS_FAIL_LOAD_MODULE",
        5 => "AMDSMI_STATUS_FAIL_LOAD_SYMBOL",
        6 => "AMDSMI_STATUS_DRM_ERROR",
        7 => "AMDSMI_STATUS_API_FAILED",
        8 => "AMDSMI_STATUS_TIMEOUT",
        9 => "AMDSMI_STATUS_RETRY",
        10 => "AMDSMI_STATUS_NO_PERM",
        11 => "AMDSMI_STATUS_INTERRUPT",
        12 => "AMDSMI_STATUS_IO",
        13 => "AMDSMI_STATUS_ADDRESS_FAULT",
        14 => "AMDSMI_STATUS_FILE_ERROR",
        15 => "AMDSMI_STATUS_OUT_OF_RESOURCES",
        16 => "AMDSMI_STATUS_INTERNAL_EXCEPTION",
        17 => "AMDSMI_STATUS_INPUT_OUT_OF_BOUNDS",
        18 => "AMDSMI_STATUS_INIT_ERROR",
        19 => "AMDSMI_STATUS_REFCOUNT_OVERFLOW",
        30 => "AMDSMI_STATUS_BUSY",
        31 => "AMDSMI_STATUS_NOT_FOUND",
        32 => "AMDSMI_STATUS_NOT_INIT",
        33 => "AMDSMI_STATUS_NO_SLOT",
        34 => "AMDSMI_STATUS_DRIVER_NOT_LOADED",
        40 => "AMDSMI_STATUS_NO_DATA",
        41 => "AMDSMI_STATUS_INSUFFICIENT_SIZE",
        42 => "AMDSMI_STATUS_UNEXPECTED_SIZE",
        43 => "AMDSMI_STATUS_UNEXPECTED_DATA",
        54 => "AMDSMI_STATUS_AMDGPU_RESTART_ERR",
        55 => "AMDSMI_STATUS_SETTING_UNAVAILABLE",
        0xFFFF_FFFE => "AMDSMI_STATUS_MAP_ERROR",
        0xFFFF_FFFF => "AMDSMI_STATUS_UNKNOWN_ERROR",
        _ => return None,
    })
}

impl fmt::Display for Status {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.name() {
            Some(name) => write!(f, "{name} ({})", self.code),
            None => write!(f, "{} status {}", self.api.name(), self.code),
        }
    }
}

/// A ROCm SMI or AMD SMI call that did not succeed.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
#[error("{function} returned {status}{}", hint(*status))]
pub struct SmiError {
    /// The C function (`rsmi_dev_energy_count_get`, `amdsmi_get_energy_count`).
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
    if status.is_permission() {
        ": permission denied. Add this user to the `video` and `render` groups (then log in \
         again), or run as root"
    } else if status.is_not_initialised() || status == Status::AMD_DRIVER_NOT_LOADED {
        ": the library is not initialised. Check that the amdgpu driver is loaded (`lsmod | \
         grep amdgpu`, /dev/kfd exists)"
    } else if status.is_unsupported() {
        ": this GPU or its driver does not offer it"
    } else {
        ""
    }
}

/// Why the `amdsmi` or `rocm` plugin cannot track AMD GPUs here.
#[derive(Debug, Error)]
pub enum RocmError {
    /// No candidate library file could be opened.
    #[error(
        "{} library not found (tried {}; {first_error}). {}",
        api.name(),
        tried.join(", "),
        api.install_fix()
    )]
    NotFound {
        /// The library looked for.
        api: Api,
        /// The names and paths tried, in order.
        tried: Vec<String>,
        /// What the dynamic loader said about the first one.
        first_error: String,
    },
    /// A file was opened but lacks a function this plugin needs.
    #[error(
        "{library} is not a usable {} library: symbol `{symbol}` is missing ({message}). \
         Point `{}` at {} of ROCm {} or later",
        api.name(),
        api.setting(),
        api.files()[0],
        match api { Api::RocmSmi => 5, Api::AmdSmi => 6 }
    )]
    MissingSymbol {
        /// The library looked for.
        api: Api,
        /// The file opened.
        library: String,
        /// The function not found.
        symbol: &'static str,
        /// What the loader said.
        message: String,
    },
    /// The library's initialisation or device count failed.
    #[error("{} ({library}) could not start: {source}", source.status.api.name())]
    Init {
        /// The library path.
        library: String,
        /// The failed call.
        source: SmiError,
    },
    /// The library works but sees no AMD GPU.
    #[error(
        "{} ({library}) found no AMD GPU. If there is one, check that the amdgpu driver \
         is loaded and that /dev/kfd exists",
        api.name()
    )]
    NoDevices {
        /// The library.
        api: Api,
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
