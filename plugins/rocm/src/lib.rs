//! Measured energy of AMD GPUs through ROCm SMI, loaded at run time.
//!
//! One plugin is registered: `rocm`, the GPU power source at priority 40 (below `nvml`'s 50).
//!
//! **Library.** `librocm_smi64.so.1` is opened with `libloading` when the plugin is probed or
//! built, never linked: a build without ROCm runs everywhere, and a machine without it skips
//! the plugin with one reason that names the files tried and the fix (install ROCm, or set
//! `LD_LIBRARY_PATH`, or `rocm_smi_library`). ROCm SMI is used rather than AMD SMI
//! (`libamd_smi.so`) because its C API is smaller, takes plain device indices, and ships with
//! ROCm 5 and 6. All unsafe code is in one module (`ffi`), behind the [`Smi`] trait.
//!
//! **Energy.** Energy = Δ accumulator × its resolution (µJ), through
//! [`EnergyCounter`](codecarbon_core::EnergyCounter) (`rsmi_dev_energy_count_get`; 64-bit, no
//! wrap). Where a GPU has no accumulator, its power (`rsmi_dev_power_get`, else
//! `rsmi_dev_power_ave_get`) is sampled at every tick and integrated by trapezoids. An
//! accumulator that goes back (a GPU reset) is re-baselined, and that interval is covered by the
//! power then. `RSMI_STATUS_INIT_ERROR` re-initialises the library once and retries.
//!
//! **Dual-die parts.** On MI250 and MI250X each die is a device; the second (odd index) reads 0
//! by design and the package's energy is in the first. Such a die is recognised (odd index,
//! same name as the even one before it, whose accumulator moves), adds nothing, is no failure,
//! and `codecarbon detect` says so.
//!
//! **Devices.** `gpu_ids` (indices or UUIDs), else `ROCR_VISIBLE_DEVICES` and then
//! `HIP_VISIBLE_DEVICES` within it, else all ([`select`]). `gpu_count` counts the tracked
//! devices; `gpu_model` is `N x name` per model ([`gpu_model`]); utilisation is the mean busy
//! percentage of the tracked devices.
//!
//! **Process mode.** ROCm SMI has no per-process energy: the tracked GPUs' whole energy is
//! reported, and [`machine_energy`](codecarbon_core::PowerSource::machine_energy) is equal to it.
//!
//! ```
//! use codecarbon_core::{Config, PowerSource, Probe, SampleContext, TrackingMode};
//! use codecarbon_rocm::{build_with, probe_with, MockGpu, MockSmi, Smi};
//! use std::time::Duration;
//!
//! let no_env = |_: &str| None;
//! let smi = MockSmi::new(vec![MockGpu::new("AMD Instinct MI210").energy(1_000).resolution(15.3)]);
//! let config = Config::default();
//! assert_eq!(probe_with(&config, Ok(Box::new(smi.clone())), &no_env), Probe::Available);
//! let mut source = build_with(&config, Box::new(smi.clone()), &no_env).unwrap();
//! let ctx = SampleContext::new(Duration::from_secs(1), TrackingMode::Machine, 2);
//! source.sample(&ctx).unwrap(); // the baseline
//! smi.set_energy(0, 1_000 + 10_000_000); // 10 M units of 15.3 µJ: 153 J
//! let reading = source.sample(&ctx).unwrap();
//! assert!((reading.energy.value() - 153.0).abs() < 1e-3);
//! assert_eq!(source.info().model.as_deref(), Some("AMD Instinct MI210"));
//! ```

/// The Rust examples of this crate's README (shown on crates.io), compiled and run by
/// `cargo test --doc -p codecarbon-rocm`.
#[cfg(doctest)]
#[doc = include_str!("../README.md")]
struct ReadmeDoctests;

mod classify;
mod device;
mod error;
mod ffi;
mod loader;
mod mock;
mod plugin;
mod select;
mod settings;
mod smi;
mod source;

#[cfg(test)]
mod tests;

pub use classify::{classify, gpu_model, source_model};
pub use device::{Device, Mode};
pub use error::{RocmError, SmiError, Status};
pub use ffi::RocmSmiLib;
pub use loader::{candidates, find_mapping, load, loaded_path, DEFAULT_ROCM_PATH, LIBRARY};
pub use mock::{MockGpu, MockSmi};
pub use plugin::{build_source, build_with, open, probe, probe_with, process_env, Env, NAME};
pub use select::{parse_list, select, DeviceId, DeviceRef, Selection};
pub use settings::RocmSettings;
pub use smi::{retrying, EnergyCount, Smi, DEFAULT_RESOLUTION_UJ};
pub use source::RocmSource;

use codecarbon_core::Component;

codecarbon_core::register_plugins! {
    power_source(Component::Gpu) {
        name: NAME,
        priority: 40,
        summary: "AMD GPU energy measured through ROCm SMI (librocm_smi64, loaded at run time)",
        settings: RocmSettings,
        probe: plugin::probe,
        build: plugin::build_source,
    }
}
