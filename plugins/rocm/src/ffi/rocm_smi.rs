//! ROCm SMI's C functions, resolved at run time with `libloading`, behind the [`Smi`] trait.
//!
//! The function types are written from `include/rocm_smi/rocm_smi.h` of ROCm/rocm_smi_lib at
//! commit fb22d777 (the ROCm 6 line). `rsmi_dev_power_get` is a recent addition and
//! `rsmi_dev_unique_id_get` may be absent from odd builds: both are optional here (power then
//! comes from `rsmi_dev_power_ave_get`, and UUIDs in `gpu_ids` match nothing); every other
//! function is required, and a library without one is refused with the symbol's name. `rsmi_status_t` and `RSMI_POWER_TYPE` are C enums whose values fit
//! an `unsigned int`, so they travel as `u32`.

use super::{open_library, Symbols};
use crate::api::Api;
use crate::error::{RocmError, SmiError, Status};
use crate::smi::{EnergyCount, Smi};
use codecarbon_core::Watts;
use libloading::Library;
use std::ffi::{c_char, CStr};
use std::mem::ManuallyDrop;
use std::sync::atomic::{AtomicBool, Ordering};

type RsmiStatus = u32;
/// `rsmi_status_t rsmi_init(uint64_t init_flags)`
type InitFn = unsafe extern "C" fn(init_flags: u64) -> RsmiStatus;
/// `rsmi_status_t rsmi_shut_down(void)`
type ShutDownFn = unsafe extern "C" fn() -> RsmiStatus;
/// `rsmi_status_t rsmi_num_monitor_devices(uint32_t *num_devices)`
type NumDevicesFn = unsafe extern "C" fn(num_devices: *mut u32) -> RsmiStatus;
/// `rsmi_status_t rsmi_dev_name_get(uint32_t dv_ind, char *name, size_t len)`
type NameFn = unsafe extern "C" fn(dv_ind: u32, name: *mut c_char, len: usize) -> RsmiStatus;
/// `rsmi_status_t rsmi_dev_unique_id_get(uint32_t dv_ind, uint64_t *id)`
type UniqueIdFn = unsafe extern "C" fn(dv_ind: u32, id: *mut u64) -> RsmiStatus;
/// `rsmi_status_t rsmi_dev_energy_count_get(uint32_t dv_ind, uint64_t *power,
/// float *counter_resolution, uint64_t *timestamp)`
type EnergyCountFn = unsafe extern "C" fn(
    dv_ind: u32,
    power: *mut u64,
    counter_resolution: *mut f32,
    timestamp: *mut u64,
) -> RsmiStatus;
/// `rsmi_status_t rsmi_dev_power_ave_get(uint32_t dv_ind, uint32_t sensor_ind, uint64_t *power)`
type PowerAveFn = unsafe extern "C" fn(dv_ind: u32, sensor_ind: u32, power: *mut u64) -> RsmiStatus;
/// `rsmi_status_t rsmi_dev_power_get(uint32_t dv_ind, uint64_t *power, RSMI_POWER_TYPE *type)`
type PowerFn = unsafe extern "C" fn(dv_ind: u32, power: *mut u64, kind: *mut u32) -> RsmiStatus;
/// `rsmi_status_t rsmi_dev_busy_percent_get(uint32_t dv_ind, uint32_t *busy_percent)`
type BusyPercentFn = unsafe extern "C" fn(dv_ind: u32, busy_percent: *mut u32) -> RsmiStatus;

/// The resolved functions; valid as long as the library stays loaded, which is for ever.
#[derive(Clone, Copy)]
struct Functions {
    init: InitFn,
    shut_down: ShutDownFn,
    num_devices: NumDevicesFn,
    name: NameFn,
    unique_id: Option<UniqueIdFn>,
    energy_count: EnergyCountFn,
    power_ave: PowerAveFn,
    power: Option<PowerFn>,
    busy_percent: BusyPercentFn,
}

/// ROCm SMI, loaded and initialised. Shut down on drop; the library itself stays mapped for
/// the life of the process (unloading a C++ library can run destructors at unsafe times).
pub struct RocmSmiLib {
    api: Functions,
    path: String,
    initialised: AtomicBool,
    _library: ManuallyDrop<Library>,
}

impl std::fmt::Debug for RocmSmiLib {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RocmSmiLib")
            .field("path", &self.path)
            .finish_non_exhaustive()
    }
}

impl RocmSmiLib {
    /// Opens `file` (a name the dynamic loader looks up, or a path), resolves the functions and
    /// calls `rsmi_init(0)`. A file that cannot be opened is [`RocmError::NotFound`].
    pub fn open(file: &str) -> Result<RocmSmiLib, RocmError> {
        let library = open_library(Api::RocmSmi, file)?;
        let symbols = Symbols {
            api: Api::RocmSmi,
            library: &library,
            file,
        };
        // SAFETY: every type asked for is one of the `extern "C"` fn types above, written from
        // the function's declaration in rocm_smi.h.
        let api = unsafe {
            Functions {
                init: symbols.get("rsmi_init\0")?,
                shut_down: symbols.get("rsmi_shut_down\0")?,
                num_devices: symbols.get("rsmi_num_monitor_devices\0")?,
                name: symbols.get("rsmi_dev_name_get\0")?,
                unique_id: symbols.get("rsmi_dev_unique_id_get\0").ok(),
                energy_count: symbols.get("rsmi_dev_energy_count_get\0")?,
                power_ave: symbols.get("rsmi_dev_power_ave_get\0")?,
                power: symbols.get("rsmi_dev_power_get\0").ok(),
                busy_percent: symbols.get("rsmi_dev_busy_percent_get\0")?,
            }
        };
        let lib = RocmSmiLib {
            api,
            path: crate::loader::loaded_path(file),
            initialised: AtomicBool::new(false),
            _library: ManuallyDrop::new(library),
        };
        lib.reinit().map_err(|source| RocmError::Init {
            library: lib.path.clone(),
            source,
        })?;
        Ok(lib)
    }
}

/// `Ok` for success, else the error of `function`.
fn check(function: &'static str, status: RsmiStatus) -> Result<(), SmiError> {
    match Status::rsmi(status) {
        Status::SUCCESS => Ok(()),
        status => Err(SmiError::new(function, status)),
    }
}

impl Smi for RocmSmiLib {
    fn api(&self) -> Api {
        Api::RocmSmi
    }

    fn library(&self) -> String {
        self.path.clone()
    }

    fn device_count(&self) -> Result<u32, SmiError> {
        let mut count = 0u32;
        // SAFETY: `count` is a live, writable u32 for the duration of the call.
        let status = unsafe { (self.api.num_devices)(&mut count) };
        check("rsmi_num_monitor_devices", status).map(|()| count)
    }

    fn name(&self, index: u32) -> Result<String, SmiError> {
        let mut buffer = [0u8; 256];
        // SAFETY: the library writes at most `len` bytes into `buffer`, which has that length.
        let status =
            unsafe { (self.api.name)(index, buffer.as_mut_ptr().cast::<c_char>(), buffer.len()) };
        // A name cut to the buffer is still a name.
        if Status::rsmi(status) != Status::INSUFFICIENT_SIZE {
            check("rsmi_dev_name_get", status)?;
        }
        if let Some(last) = buffer.last_mut() {
            *last = 0;
        }
        let name = CStr::from_bytes_until_nul(&buffer)
            .map(|s| s.to_string_lossy().trim().to_string())
            .unwrap_or_default();
        Ok(name)
    }

    fn uuid(&self, index: u32) -> Result<String, SmiError> {
        let Some(unique_id) = self.api.unique_id else {
            return Err(SmiError::new(
                "rsmi_dev_unique_id_get",
                Status::NOT_SUPPORTED,
            ));
        };
        let mut id = 0u64;
        // SAFETY: `id` is a live, writable u64 for the duration of the call.
        let status = unsafe { unique_id(index, &mut id) };
        check("rsmi_dev_unique_id_get", status).map(|()| format!("{id:016x}"))
    }

    fn energy_count(&self, index: u32) -> Result<EnergyCount, SmiError> {
        let (mut raw, mut resolution_uj, mut timestamp_ns) = (0u64, 0f32, 0u64);
        // SAFETY: the three pointers are to live, writable locals of the declared types.
        let status = unsafe {
            (self.api.energy_count)(index, &mut raw, &mut resolution_uj, &mut timestamp_ns)
        };
        check("rsmi_dev_energy_count_get", status).map(|()| EnergyCount {
            raw,
            resolution_uj,
            timestamp_ns,
        })
    }

    fn power(&self, index: u32) -> Result<Watts, SmiError> {
        let mut microwatts = 0u64;
        if let Some(power) = self.api.power {
            let mut kind = u32::MAX;
            // SAFETY: both pointers are to live, writable locals of the declared types.
            let status = unsafe { power(index, &mut microwatts, &mut kind) };
            if check("rsmi_dev_power_get", status).is_ok() {
                return Ok(Watts(microwatts as f64 / 1e6));
            }
        }
        // SAFETY: `microwatts` is a live, writable u64 for the duration of the call.
        let status = unsafe { (self.api.power_ave)(index, 0, &mut microwatts) };
        check("rsmi_dev_power_ave_get", status).map(|()| Watts(microwatts as f64 / 1e6))
    }

    fn busy_percent(&self, index: u32) -> Result<u32, SmiError> {
        let mut busy = 0u32;
        // SAFETY: `busy` is a live, writable u32 for the duration of the call.
        let status = unsafe { (self.api.busy_percent)(index, &mut busy) };
        check("rsmi_dev_busy_percent_get", status).map(|()| busy)
    }

    fn reinit(&self) -> Result<(), SmiError> {
        if self.initialised.swap(false, Ordering::SeqCst) {
            // SAFETY: takes no arguments; balances the successful `rsmi_init` below.
            // Its status is of no use: the library is initialised again right after.
            let _ = unsafe { (self.api.shut_down)() };
        }
        // SAFETY: takes a plain integer; 0 asks for AMD GPUs only.
        let status = unsafe { (self.api.init)(0) };
        check("rsmi_init", status)?;
        self.initialised.store(true, Ordering::SeqCst);
        Ok(())
    }
}

impl Drop for RocmSmiLib {
    fn drop(&mut self) {
        if self.initialised.swap(false, Ordering::SeqCst) {
            // SAFETY: takes no arguments; balances the successful `rsmi_init`. The library
            // stays loaded (ManuallyDrop), so the pointer is valid.
            let _ = unsafe { (self.api.shut_down)() };
        }
    }
}
