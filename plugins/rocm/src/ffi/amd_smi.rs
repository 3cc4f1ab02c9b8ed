//! AMD SMI's C functions, resolved at run time with `libloading`, behind the [`Smi`] trait.
//!
//! The declarations are written from `include/amd_smi/amdsmi.h` of ROCm/amdsmi at commit
//! 0ceca28f (library version 24.7.0, ROCm 6.3); the library of ROCm 7 (26.x) keeps these
//! functions and codes. Only scalar arguments and the start of each struct are read, because
//! the structs change between versions:
//!
//! - every struct is written into a zeroed, 8-aligned buffer larger than any version's struct;
//! - `amdsmi_asic_info_t` starts with `market_name` in every version (a NUL-terminated string);
//! - `amdsmi_engine_usage_t` starts with `gfx_activity` (`uint32_t`, %) in every version;
//! - `amdsmi_power_info_t` starts with `current_socket_power` and `average_socket_power`
//!   (`uint32_t`, W) up to 24.x, and with a `uint64_t socket_power` before them from 25.x on.
//!   The version comes from `amdsmi_get_lib_version`, whose struct starts with the year (24)
//!   up to 24.x and with the major version (25, 26) after.
//!
//! Devices are AMD SMI's processor handles, socket by socket (`amdsmi_get_socket_handles`,
//! `amdsmi_get_processor_handles`, after `amdsmi_init(AMDSMI_INIT_AMD_GPUS)`), numbered in that
//! order as `amd-smi list` numbers them. The handles are read again on every re-initialisation.

use super::{open_library, Symbols};
use crate::api::Api;
use crate::error::{RocmError, SmiError, Status};
use crate::smi::{EnergyCount, Smi};
use codecarbon_core::Watts;
use libloading::Library;
use std::ffi::{c_char, c_uint, c_void};
use std::mem::ManuallyDrop;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Mutex, PoisonError};

type AmdsmiStatus = u32;
/// `amdsmi_socket_handle` and `amdsmi_processor_handle`: `void *`.
type Handle = *mut c_void;

/// `amdsmi_status_t amdsmi_init(uint64_t init_flags)`
type InitFn = unsafe extern "C" fn(init_flags: u64) -> AmdsmiStatus;
/// `amdsmi_status_t amdsmi_shut_down(void)`
type ShutDownFn = unsafe extern "C" fn() -> AmdsmiStatus;
/// `amdsmi_status_t amdsmi_get_socket_handles(uint32_t *socket_count,
/// amdsmi_socket_handle *socket_handles)`
type SocketHandlesFn = unsafe extern "C" fn(count: *mut u32, handles: *mut Handle) -> AmdsmiStatus;
/// `amdsmi_status_t amdsmi_get_processor_handles(amdsmi_socket_handle socket_handle,
/// uint32_t *processor_count, amdsmi_processor_handle *processor_handles)`
type ProcessorHandlesFn =
    unsafe extern "C" fn(socket: Handle, count: *mut u32, handles: *mut Handle) -> AmdsmiStatus;
/// `amdsmi_status_t amdsmi_get_energy_count(amdsmi_processor_handle processor_handle,
/// uint64_t *energy_accumulator, float *counter_resolution, uint64_t *timestamp)`
type EnergyCountFn = unsafe extern "C" fn(
    handle: Handle,
    energy_accumulator: *mut u64,
    counter_resolution: *mut f32,
    timestamp: *mut u64,
) -> AmdsmiStatus;
/// The functions that fill a struct: `amdsmi_get_power_info(handle, amdsmi_power_info_t *)`,
/// `amdsmi_get_gpu_activity(handle, amdsmi_engine_usage_t *)`,
/// `amdsmi_get_gpu_asic_info(handle, amdsmi_asic_info_t *)`.
type InfoFn = unsafe extern "C" fn(handle: Handle, info: *mut c_void) -> AmdsmiStatus;
/// `amdsmi_status_t amdsmi_get_gpu_device_uuid(amdsmi_processor_handle processor_handle,
/// unsigned int *uuid_length, char *uuid)`
type UuidFn = unsafe extern "C" fn(
    handle: Handle,
    uuid_length: *mut c_uint,
    uuid: *mut c_char,
) -> AmdsmiStatus;
/// `amdsmi_status_t amdsmi_get_lib_version(amdsmi_version_t *version)`
type LibVersionFn = unsafe extern "C" fn(version: *mut c_void) -> AmdsmiStatus;

/// `AMDSMI_INIT_AMD_GPUS`.
const INIT_AMD_GPUS: u64 = 1 << 1;

/// The resolved functions; valid as long as the library stays loaded, which is for ever.
#[derive(Clone, Copy)]
struct Functions {
    init: InitFn,
    shut_down: ShutDownFn,
    socket_handles: SocketHandlesFn,
    processor_handles: ProcessorHandlesFn,
    energy_count: EnergyCountFn,
    power_info: InfoFn,
    activity: InfoFn,
    asic_info: InfoFn,
    uuid: Option<UuidFn>,
    lib_version: Option<LibVersionFn>,
}

/// Room for any version of a struct the library fills (the largest read here,
/// `amdsmi_asic_info_t`, is under 1 KiB), zeroed and aligned like its `uint64_t` fields.
#[repr(C, align(8))]
struct Buffer([u8; 4096]);

impl Buffer {
    fn new() -> Buffer {
        Buffer([0; 4096])
    }

    fn as_mut_ptr(&mut self) -> *mut c_void {
        self.0.as_mut_ptr().cast()
    }

    /// The native-endian `uint32_t` at byte `offset`.
    fn u32_at(&self, offset: usize) -> Option<u32> {
        let bytes = self.0.get(offset..offset + 4)?;
        Some(u32::from_ne_bytes(bytes.try_into().ok()?))
    }

    /// The NUL-terminated string at the start, at most `max` bytes.
    fn string(&self, max: usize) -> String {
        let bytes = self.0.get(..max).unwrap_or(&self.0);
        let end = bytes.iter().position(|&b| b == 0).unwrap_or(bytes.len());
        String::from_utf8_lossy(bytes.get(..end).unwrap_or_default())
            .trim()
            .to_string()
    }
}

/// The byte offsets of `current_socket_power` and `average_socket_power` in
/// `amdsmi_power_info_t`, for a library whose `amdsmi_version_t` starts with `first`.
fn power_offsets(first: u32) -> (usize, usize) {
    if first >= 25 {
        (8, 12)
    } else {
        (0, 4)
    }
}

/// AMD SMI, loaded and initialised. Shut down on drop; the library itself stays mapped for the
/// life of the process (unloading a C++ library can run destructors at unsafe times).
pub struct AmdSmiLib {
    api: Functions,
    path: String,
    /// Where the power fields are in `amdsmi_power_info_t` for this library's version.
    power_offsets: (usize, usize),
    /// The GPU processor handles, as addresses (a raw pointer is not `Send`; the library's
    /// handles are opaque and valid from any thread until it is shut down).
    handles: Mutex<Vec<usize>>,
    initialised: AtomicBool,
    _library: ManuallyDrop<Library>,
}

impl std::fmt::Debug for AmdSmiLib {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("AmdSmiLib")
            .field("path", &self.path)
            .finish_non_exhaustive()
    }
}

impl AmdSmiLib {
    /// Opens `file` (a name the dynamic loader looks up, or a path), resolves the functions,
    /// calls `amdsmi_init(AMDSMI_INIT_AMD_GPUS)` and reads the GPU handles. A file that cannot
    /// be opened is [`RocmError::NotFound`].
    pub fn open(file: &str) -> Result<AmdSmiLib, RocmError> {
        let library = open_library(Api::AmdSmi, file)?;
        let symbols = Symbols {
            api: Api::AmdSmi,
            library: &library,
            file,
        };
        // SAFETY: every type asked for is the `extern "C"` fn type written above from the
        // function's declaration in amdsmi.h.
        let api = unsafe {
            Functions {
                init: symbols.get("amdsmi_init\0")?,
                shut_down: symbols.get("amdsmi_shut_down\0")?,
                socket_handles: symbols.get("amdsmi_get_socket_handles\0")?,
                processor_handles: symbols.get("amdsmi_get_processor_handles\0")?,
                energy_count: symbols.get("amdsmi_get_energy_count\0")?,
                power_info: symbols.get("amdsmi_get_power_info\0")?,
                activity: symbols.get("amdsmi_get_gpu_activity\0")?,
                asic_info: symbols.get("amdsmi_get_gpu_asic_info\0")?,
                uuid: symbols.get("amdsmi_get_gpu_device_uuid\0").ok(),
                lib_version: symbols.get("amdsmi_get_lib_version\0").ok(),
            }
        };
        let mut lib = AmdSmiLib {
            api,
            path: crate::loader::loaded_path(file),
            power_offsets: power_offsets(0),
            handles: Mutex::new(Vec::new()),
            initialised: AtomicBool::new(false),
            _library: ManuallyDrop::new(library),
        };
        lib.reinit().map_err(|source| RocmError::Init {
            library: lib.path.clone(),
            source,
        })?;
        lib.power_offsets = power_offsets(lib.version_first_field());
        Ok(lib)
    }

    /// The first `uint32_t` of `amdsmi_version_t` (0 when unknown).
    fn version_first_field(&self) -> u32 {
        let Some(lib_version) = self.api.lib_version else {
            return 0;
        };
        let mut buffer = Buffer::new();
        // SAFETY: the buffer is larger than any version of `amdsmi_version_t` (at most 24
        // bytes) and aligned for its pointer field.
        let status = unsafe { lib_version(buffer.as_mut_ptr()) };
        match check("amdsmi_get_lib_version", status) {
            Ok(()) => buffer.u32_at(0).unwrap_or(0),
            Err(_) => 0,
        }
    }

    /// The handles of the GPUs, socket by socket.
    fn read_handles(&self) -> Result<Vec<usize>, SmiError> {
        let mut count = 0u32;
        // SAFETY: a null array asks for the count only, written into `count`.
        let status = unsafe { (self.api.socket_handles)(&mut count, std::ptr::null_mut()) };
        check("amdsmi_get_socket_handles", status)?;
        let mut sockets: Vec<Handle> = vec![std::ptr::null_mut(); count as usize];
        // SAFETY: `sockets` holds `count` writable handles.
        let status = unsafe { (self.api.socket_handles)(&mut count, sockets.as_mut_ptr()) };
        check("amdsmi_get_socket_handles", status)?;
        sockets.truncate(count as usize);
        let mut gpus = Vec::new();
        for socket in sockets {
            let mut count = 0u32;
            // SAFETY: as above, for the processors of a socket the library gave.
            let status =
                unsafe { (self.api.processor_handles)(socket, &mut count, std::ptr::null_mut()) };
            check("amdsmi_get_processor_handles", status)?;
            let mut processors: Vec<Handle> = vec![std::ptr::null_mut(); count as usize];
            // SAFETY: `processors` holds `count` writable handles.
            let status = unsafe {
                (self.api.processor_handles)(socket, &mut count, processors.as_mut_ptr())
            };
            check("amdsmi_get_processor_handles", status)?;
            processors.truncate(count as usize);
            gpus.extend(processors.into_iter().map(|h| h as usize));
        }
        Ok(gpus)
    }

    /// The handle of GPU `index`, or `AMDSMI_STATUS_INVAL` from `function`.
    fn handle(&self, function: &'static str, index: u32) -> Result<Handle, SmiError> {
        let handles = self.handles.lock().unwrap_or_else(PoisonError::into_inner);
        handles
            .get(index as usize)
            .map(|&h| h as Handle)
            .ok_or(SmiError::new(function, Status::AMD_INVAL))
    }

    /// Calls `function` (one that fills a struct) for GPU `index` into a fresh buffer.
    fn info(&self, function: &'static str, f: InfoFn, index: u32) -> Result<Buffer, SmiError> {
        let handle = self.handle(function, index)?;
        let mut buffer = Buffer::new();
        // SAFETY: the handle is one the library gave since its last initialisation; the buffer
        // is larger than any version of the struct and aligned for it.
        let status = unsafe { f(handle, buffer.as_mut_ptr()) };
        check(function, status).map(|()| buffer)
    }
}

/// `Ok` for success, else the error of `function`.
fn check(function: &'static str, status: AmdsmiStatus) -> Result<(), SmiError> {
    match Status::amdsmi(status) {
        Status::AMD_SUCCESS => Ok(()),
        status => Err(SmiError::new(function, status)),
    }
}

/// A power field that holds a reading: neither 0 nor `UINT32_MAX` (unsupported).
fn reading(watts: Option<u32>) -> Option<u32> {
    watts.filter(|&w| w != 0 && w != u32::MAX)
}

impl Smi for AmdSmiLib {
    fn api(&self) -> Api {
        Api::AmdSmi
    }

    fn library(&self) -> String {
        self.path.clone()
    }

    fn device_count(&self) -> Result<u32, SmiError> {
        let handles = self.handles.lock().unwrap_or_else(PoisonError::into_inner);
        Ok(u32::try_from(handles.len()).unwrap_or(u32::MAX))
    }

    fn name(&self, index: u32) -> Result<String, SmiError> {
        let info = self.info("amdsmi_get_gpu_asic_info", self.api.asic_info, index)?;
        // `market_name` is 256 bytes up to 24.x, 64 after; the string ends at its NUL.
        Ok(info.string(256))
    }

    fn uuid(&self, index: u32) -> Result<String, SmiError> {
        const FUNCTION: &str = "amdsmi_get_gpu_device_uuid";
        let Some(uuid) = self.api.uuid else {
            return Err(SmiError::new(FUNCTION, Status::AMD_NOT_SUPPORTED));
        };
        let handle = self.handle(FUNCTION, index)?;
        let mut buffer = Buffer::new();
        let mut length: c_uint = 64; // ≥ AMDSMI_GPU_UUID_SIZE (38)
                                     // SAFETY: the library writes at most `length` bytes into the buffer, which is larger.
        let status = unsafe { uuid(handle, &mut length, buffer.as_mut_ptr().cast()) };
        check(FUNCTION, status)?;
        let text = buffer.string(64).to_ascii_lowercase();
        Ok(text.strip_prefix("gpu-").unwrap_or(&text).to_string())
    }

    fn energy_count(&self, index: u32) -> Result<EnergyCount, SmiError> {
        const FUNCTION: &str = "amdsmi_get_energy_count";
        let handle = self.handle(FUNCTION, index)?;
        let (mut raw, mut resolution_uj, mut timestamp_ns) = (0u64, 0f32, 0u64);
        // SAFETY: the three pointers are to live, writable locals of the declared types.
        let status = unsafe {
            (self.api.energy_count)(handle, &mut raw, &mut resolution_uj, &mut timestamp_ns)
        };
        check(FUNCTION, status).map(|()| EnergyCount {
            raw,
            resolution_uj,
            timestamp_ns,
        })
    }

    /// `average_socket_power` (as CodeCarbon reads it), else `current_socket_power` (MI300
    /// parts give only that one); whole watts.
    fn power(&self, index: u32) -> Result<Watts, SmiError> {
        const FUNCTION: &str = "amdsmi_get_power_info";
        let info = self.info(FUNCTION, self.api.power_info, index)?;
        let (current, average) = self.power_offsets;
        reading(info.u32_at(average))
            .or(reading(info.u32_at(current)))
            .map(|w| Watts(f64::from(w)))
            .ok_or(SmiError::new(FUNCTION, Status::AMD_NOT_SUPPORTED))
    }

    fn busy_percent(&self, index: u32) -> Result<u32, SmiError> {
        const FUNCTION: &str = "amdsmi_get_gpu_activity";
        let info = self.info(FUNCTION, self.api.activity, index)?;
        match info.u32_at(0) {
            Some(percent) if percent != u32::MAX => Ok(percent),
            _ => Err(SmiError::new(FUNCTION, Status::AMD_NOT_SUPPORTED)),
        }
    }

    fn reinit(&self) -> Result<(), SmiError> {
        if self.initialised.swap(false, Ordering::SeqCst) {
            // SAFETY: takes no arguments; balances the successful `amdsmi_init` below. Its
            // status is of no use: the library is initialised again right after.
            let _ = unsafe { (self.api.shut_down)() };
        }
        // SAFETY: takes a plain integer.
        let status = unsafe { (self.api.init)(INIT_AMD_GPUS) };
        check("amdsmi_init", status)?;
        self.initialised.store(true, Ordering::SeqCst);
        let handles = self.read_handles()?;
        *self.handles.lock().unwrap_or_else(PoisonError::into_inner) = handles;
        Ok(())
    }
}

impl Drop for AmdSmiLib {
    fn drop(&mut self) {
        if self.initialised.swap(false, Ordering::SeqCst) {
            // SAFETY: takes no arguments; balances the successful `amdsmi_init`. The library
            // stays loaded (ManuallyDrop), so the pointer is valid.
            let _ = unsafe { (self.api.shut_down)() };
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_power_fields_move_after_24x() {
        assert_eq!(power_offsets(0), (0, 4), "unknown: the 24.x layout");
        assert_eq!(
            power_offsets(24),
            (0, 4),
            "24.x: the year first, no socket_power"
        );
        assert_eq!(
            power_offsets(26),
            (8, 12),
            "26.x: a uint64_t socket_power first"
        );
    }

    #[test]
    fn a_power_field_at_zero_or_unsupported_is_no_reading() {
        assert_eq!(reading(Some(0)), None);
        assert_eq!(reading(Some(u32::MAX)), None);
        assert_eq!(reading(Some(312)), Some(312));
    }

    #[test]
    fn buffer_fields_and_strings_are_read_in_bounds() {
        let mut buffer = Buffer::new();
        buffer.0[..20].copy_from_slice(b"AMD Instinct MI300X\0");
        buffer.0[300..304].copy_from_slice(&7u32.to_ne_bytes());
        assert_eq!(buffer.string(256), "AMD Instinct MI300X");
        assert_eq!(buffer.string(3), "AMD");
        assert_eq!(buffer.u32_at(300), Some(7));
        assert_eq!(buffer.u32_at(4094), None);
    }
}
