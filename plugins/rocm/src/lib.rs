//! Measured energy of AMD GPUs through AMD SMI or ROCm SMI, loaded at run time.
//!
//! Two plugins are registered, both GPU power sources: `amdsmi` at priority 45 and `rocm` at
//! 40 (both below `nvml`'s 50). Where both libraries load (ROCm 6 ships both), the registry
//! picks `amdsmi`, the library CodeCarbon 3.3.2 reads, and `rocm` steps aside ([`outranked`]:
//! the engine builds every available GPU source, so both would count the same GPUs); `rocm`
//! serves older installs.
//!
//! **Libraries.** `libamd_smi.so` and `librocm_smi64.so.1` are opened with `libloading` when a
//! plugin is probed or built, never linked: a build without ROCm runs everywhere, and a machine
//! without them skips each plugin with one reason that names the files tried and the fix
//! (install ROCm, or set `LD_LIBRARY_PATH`, or `amd_smi_library` / `rocm_smi_library`). All
//! unsafe code is in one module (`ffi`, one file per library), behind the [`Smi`] trait; both
//! libraries give the same readings by device index, so everything above the trait is shared.
//!
//! **Energy.** Energy = Δ accumulator × its resolution (µJ), through
//! [`EnergyCounter`](codecarbon_core::EnergyCounter) (`amdsmi_get_energy_count`,
//! `rsmi_dev_energy_count_get`; 64-bit, no wrap). Where a GPU has no accumulator, its power
//! (AMD SMI's `average_socket_power`, else `current_socket_power`; ROCm SMI's
//! `rsmi_dev_power_get`, else `rsmi_dev_power_ave_get`) is sampled at every tick and integrated
//! by trapezoids. An accumulator that goes back (a GPU reset) is re-baselined, and that
//! interval is covered by the power then. `AMDSMI_STATUS_NOT_INIT` (and ROCm SMI's
//! `RSMI_STATUS_INIT_ERROR`) re-initialises the library once and retries.
//!
//! **Dual-die parts.** On MI250 and MI250X each die is a device; the second (odd index) reads 0
//! by design and the package's energy is in the first. Such a die is recognised (odd index,
//! same name as the even one before it, whose accumulator moves), adds nothing, is no failure,
//! and `codecarbon detect` says so.
//!
//! **Devices.** `gpu_ids` (indices or UUIDs), else `ROCR_VISIBLE_DEVICES` and then
//! `HIP_VISIBLE_DEVICES` within it, else all ([`select`]). `gpu_count` counts the tracked
//! devices; `gpu_model` is `N x name` per model ([`gpu_model`]); utilisation is the mean busy
//! percentage of the tracked devices (AMD SMI's `gfx_activity`).
//!
//! **Process mode.** Neither library gives per-process energy (AMD SMI's process list gives
//! each process's GPU time and memory, not its energy): the tracked GPUs' whole energy is
//! reported, as CodeCarbon does, and
//! [`machine_energy`](codecarbon_core::PowerSource::machine_energy) is equal to it.
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

mod api;
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

pub use api::Api;
pub use classify::{classify, gpu_model, source_model};
pub use device::{Device, Mode};
pub use error::{RocmError, SmiError, Status};
pub use ffi::{AmdSmiLib, RocmSmiLib};
pub use loader::{candidates, find_mapping, load, loaded_path, DEFAULT_ROCM_PATH, LIBRARY};
pub use mock::{MockGpu, MockSmi};
pub use plugin::{
    build_amd_smi_source, build_source, build_with, open, open_amd_smi, outranked, probe,
    probe_amd_smi, probe_with, process_env, Env, AMD_SMI_NAME, NAME,
};
pub use select::{parse_list, select, DeviceId, DeviceRef, Selection};
pub use settings::{AmdSmiSettings, RocmSettings};
pub use smi::{retrying, EnergyCount, Smi, DEFAULT_RESOLUTION_UJ};
pub use source::RocmSource;

use codecarbon_core::Component;

codecarbon_core::register_plugins! {
    power_source(Component::Gpu) {
        name: AMD_SMI_NAME,
        priority: 45,
        summary: "AMD GPU energy measured through AMD SMI (libamd_smi, loaded at run time)",
        settings: AmdSmiSettings,
        probe: plugin::probe_amd_smi,
        build: plugin::build_amd_smi_source,
    },
    power_source(Component::Gpu) {
        name: NAME,
        priority: 40,
        summary: "AMD GPU energy measured through ROCm SMI (librocm_smi64, loaded at run time)",
        settings: RocmSettings,
        probe: plugin::probe,
        build: plugin::build_source,
    }
}
