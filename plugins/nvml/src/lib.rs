//! Measured energy of NVIDIA GPUs through NVML, loaded at run time.
//!
//! One plugin is registered, `nvml` (GPU power source, priority 50). It opens
//! `libnvidia-ml.so.1` with `dlopen` when it probes (or the file `nvml_library` names), so a
//! binary built with it starts on machines without NVIDIA: there the probe says, in one line,
//! that the driver is missing, and the GPU is skipped. `force_*` settings do not apply to GPUs.
//!
//! **Which GPUs** ([`select`]): `gpu_ids` (NVML indices or UUID prefixes, comma-separated),
//! else `CUDA_VISIBLE_DEVICES` (indices, `GPU-…` or `MIG-…` UUIDs; empty means none), else
//! every GPU. A MIG instance selects the physical GPU that holds it.
//!
//! **Energy** ([`DeviceMeter`]): deltas of `nvmlDeviceGetTotalEnergyConsumption` (mJ, Volta
//! and later), else `nvmlDeviceGetPowerUsage` read at every sample (at least once a second)
//! and integrated by the [`trapezoid`] rule. A counter that goes backwards is re-baselined and
//! that interval comes from the power readings. A GPU that is lost or fails is reported once
//! and stops counting (or, for a passing failure, is caught up by the next read); the others go
//! on. Utilisation is the mean of `nvmlDeviceGetUtilizationRates().gpu` over the GPUs.
//!
//! **Process mode** ([`ShareTracker`]): each GPU's energy times the tracked tree's share of its
//! per-process SM utilisation, else of its compute processes' device memory; the GPUs' whole
//! energy is reported through
//! [`PowerSource::machine_energy`](codecarbon_core::PowerSource::machine_energy).
//!
//! Every NVML call goes through the small traits [`Nvml`] and [`NvmlDevice`]; [`RealNvml`]
//! implements them over `nvml-wrapper`, [`mock::MockNvml`] for tests.
//!
//! ```
//! use codecarbon_core::{Config, PowerSource, Probe, SampleContext, TrackingMode};
//! use codecarbon_nvml::mock::{MockDevice, MockNvml};
//! use codecarbon_nvml::{build_with, probe_with, Environment};
//! use std::time::Duration;
//!
//! let a100 = MockDevice::new("NVIDIA A100", "GPU-0a1b2c3d-0000");
//! let nvml = MockNvml::new(vec![a100.clone()]);
//! let env = Environment { cuda_visible_devices: None, root_pid: 1 };
//! let config = Config::default();
//! assert_eq!(probe_with(&config, &env, &nvml.loader()), Probe::Available);
//! let mut source = build_with(&config, &env, &nvml.loader()).unwrap();
//! let ctx = SampleContext::new(Duration::from_secs(1), TrackingMode::Machine, 2);
//! source.sample(&ctx).unwrap(); // the baseline
//! a100.set_energy_mj(250_000);
//! assert_eq!(source.sample(&ctx).unwrap().energy.value(), 250.0);
//! assert!(source.info().detail.starts_with("GPU 0 NVIDIA A100 (GPU-0a1b2c3d) energy counter"));
//! ```

/// The Rust examples of this crate's README (shown on crates.io), compiled and run by
/// `cargo test --doc -p codecarbon-nvml`.
#[cfg(doctest)]
#[doc = include_str!("../README.md")]
struct ReadmeDoctests;

mod api;
mod env;
mod error;
mod integrate;
mod meter;
pub mod mock;
mod model;
mod plugin;
mod real;
mod selection;
mod settings;
mod share;
mod source;

#[cfg(test)]
mod tests;

pub use api::{ComputeProcess, Nvml, NvmlDevice, NvmlError, ProcessSample};
pub use codecarbon_system::descendants;
pub use env::Environment;
pub use error::{LoadError, SelectionError};
pub use integrate::trapezoid;
pub use meter::{DeviceMeter, DeviceSample, Event, Measure};
pub use model::{gpu_model, model_and_count};
pub use plugin::{build_source, build_with, probe, probe_with, Loader};
pub use real::{load, load_boxed, RealNvml, DEFAULT_LIBRARY};
pub use selection::{request, select, DeviceId, Request, Selection};
pub use settings::NvmlSettings;
pub use share::{memory_share, utilization_share, Basis, Share, ShareTracker, TreeView};
pub use source::{Gpu, NvmlSource, Origin};

use codecarbon_core::Component;

codecarbon_core::register_plugins! {
    power_source(Component::Gpu) {
        name: "nvml",
        priority: 50,
        summary: "NVIDIA GPU energy measured by NVML (energy counter, else power sampling), \
                  libnvidia-ml loaded at run time",
        // `gpu_ids` is one of CodeCarbon's own keys, the tracker's setting.
        settings: NvmlSettings,
        probe: probe,
        build: build_source,
    }
}
