//! Finding the GPUs for the probe and the build: load NVML, open every GPU, pick the selected
//! ones, and decide how each is measured.

use crate::api::{Nvml, NvmlDevice, NvmlError};
use crate::env::Environment;
use crate::error::LoadError;
use crate::meter::Measure;
use crate::real::{load_boxed, DEFAULT_LIBRARY};
use crate::selection::{request, select, DeviceId, Request};
use crate::settings::NvmlSettings;
use crate::source::{Gpu, NvmlSource, Origin};
use codecarbon_core::settings::Settings;
use codecarbon_core::{BuildError, Config, Probe};

/// What loads NVML: [`load_boxed`] for real, a closure returning a mock in tests.
pub type Loader<'a> = &'a dyn Fn(&str) -> Result<Box<dyn Nvml>, LoadError>;

/// Why there is no source.
#[derive(Debug, Clone, PartialEq, Eq)]
enum NoGpu {
    /// Nothing to measure here.
    Unavailable(String),
    /// GPUs are there but cannot be used as things stand; the message says the fix.
    Blocked(String),
    /// The configuration is wrong.
    Invalid(String),
}

impl From<LoadError> for NoGpu {
    fn from(e: LoadError) -> Self {
        match e {
            LoadError::LibraryMissing { .. } | LoadError::DriverNotLoaded => {
                NoGpu::Unavailable(e.to_string())
            }
            _ => NoGpu::Blocked(e.to_string()),
        }
    }
}

/// What the probe found.
struct Found {
    nvml: Box<dyn Nvml>,
    gpus: Vec<Gpu>,
    origin: Origin,
}

/// A GPU opened, before selection.
struct Opened {
    id: DeviceId,
    name: String,
    device: Box<dyn NvmlDevice>,
}

fn open(nvml: &dyn Nvml, index: u32) -> Result<Opened, NvmlError> {
    let device = nvml.device(index)?;
    let uuid = device.uuid()?;
    let name = device
        .name()
        .unwrap_or_else(|_| "unknown NVIDIA GPU".into());
    let mig = device.mig_uuids().unwrap_or_default();
    Ok(Opened {
        id: DeviceId { index, uuid, mig },
        name,
        device,
    })
}

/// How `device` can be measured: its counter, else its power; `None` with neither.
fn measure_of(device: &dyn NvmlDevice) -> Result<Measure, String> {
    let counter = match device.total_energy_mj() {
        Ok(_) => return Ok(Measure::Counter),
        Err(e) => e,
    };
    match device.power_mw() {
        Ok(_) => Ok(Measure::Power),
        Err(power) => Err(format!(
            "reports neither energy ({counter}) nor power ({power}): not counted"
        )),
    }
}

fn discover(
    config: &Config,
    settings: &NvmlSettings,
    env: &Environment,
    loader: Loader<'_>,
) -> Result<Found, NoGpu> {
    let request = request(
        config.gpu_ids.as_deref(),
        env.cuda_visible_devices.as_deref(),
    );
    if let Request::CudaVisibleDevices(value) = request {
        if value.trim().is_empty() {
            return Err(NoGpu::Unavailable(
                "CUDA_VISIBLE_DEVICES is set and empty: no GPU is visible to this process".into(),
            ));
        }
    }
    let library = settings.nvml_library.as_deref().unwrap_or(DEFAULT_LIBRARY);
    let nvml = loader(library)?;
    let count = nvml
        .device_count()
        .map_err(|e| NoGpu::Blocked(format!("NVML cannot count the GPUs: {e}")))?;
    if count == 0 {
        return Err(NoGpu::Unavailable(format!(
            "NVML ({}) found no NVIDIA GPU",
            nvml.library()
        )));
    }
    let mut notes = Vec::new();
    let mut opened = Vec::new();
    for index in 0..count {
        match open(nvml.as_ref(), index) {
            Ok(gpu) => opened.push(gpu),
            Err(e) => notes.push(format!("GPU {index} skipped: {e}")),
        }
    }
    let ids: Vec<DeviceId> = opened.iter().map(|o| o.id.clone()).collect();
    let selection = select(&ids, &request).map_err(|e| NoGpu::Invalid(e.to_string()))?;
    notes.extend(selection.notes);
    let mut gpus = Vec::new();
    for index in selection.indices {
        let Some(at) = opened.iter().position(|o| o.id.index == index) else {
            continue;
        };
        let gpu = opened.swap_remove(at);
        match measure_of(gpu.device.as_ref()) {
            Ok(measure) => gpus.push(Gpu::new(gpu.device, gpu.name, gpu.id.uuid, measure)),
            Err(why) => notes.push(format!("GPU {index} {} {why}", gpu.name)),
        }
    }
    if gpus.is_empty() {
        let mut reason = format!("no NVIDIA GPU to measure ({})", selection.origin);
        for note in &notes {
            reason.push_str("; ");
            reason.push_str(note);
        }
        return Err(NoGpu::Unavailable(reason));
    }
    Ok(Found {
        origin: Origin {
            library: nvml.library(),
            selection: selection.origin,
            notes,
        },
        nvml,
        gpus,
    })
}

/// Whether NVIDIA GPUs can be measured with this configuration and its parsed settings, in
/// this process: the registered probe.
pub fn probe(config: &Config, settings: &NvmlSettings) -> Probe {
    probe_of(discover(
        config,
        settings,
        &Environment::from_process(),
        &load_boxed,
    ))
}

/// [`probe`] with the environment and loader given; the settings are parsed from `config`.
pub fn probe_with(config: &Config, env: &Environment, loader: Loader<'_>) -> Probe {
    match NvmlSettings::from_config(config) {
        Ok(settings) => probe_of(discover(config, &settings, env, loader)),
        Err(e) => Probe::unavailable(e.to_string()),
    }
}

fn probe_of(found: Result<Found, NoGpu>) -> Probe {
    match found {
        Ok(_) => Probe::Available,
        Err(NoGpu::Unavailable(reason)) => Probe::Unavailable(reason),
        Err(NoGpu::Blocked(reason)) => Probe::Blocked(reason),
        // A setting to fix: the build reports it.
        Err(NoGpu::Invalid(_)) => Probe::Available,
    }
}

/// The NVIDIA GPUs' source with this configuration and its parsed settings, in this process:
/// the registered build.
pub fn build_source(config: &Config, settings: &NvmlSettings) -> Result<NvmlSource, BuildError> {
    let env = Environment::from_process();
    source_of(config, discover(config, settings, &env, &load_boxed), &env)
}

/// [`build_source`] with the environment and loader given; the settings are parsed from
/// `config`.
pub fn build_with(
    config: &Config,
    env: &Environment,
    loader: Loader<'_>,
) -> Result<NvmlSource, BuildError> {
    let settings = NvmlSettings::from_config(config).map_err(|e| BuildError::invalid(NAME, e))?;
    source_of(config, discover(config, &settings, env, loader), env)
}

/// The plugin's name.
const NAME: &str = "nvml";

fn source_of(
    config: &Config,
    found: Result<Found, NoGpu>,
    env: &Environment,
) -> Result<NvmlSource, BuildError> {
    let found = found.map_err(|e| match e {
        NoGpu::Invalid(message) => BuildError::invalid(NAME, message),
        NoGpu::Unavailable(message) | NoGpu::Blocked(message) => {
            BuildError::unavailable(NAME, message)
        }
    })?;
    Ok(NvmlSource::new(
        found.nvml,
        found.gpus,
        found.origin,
        config.tracking_mode,
        config.proc_root.clone(),
        env.root_pid,
    ))
}
