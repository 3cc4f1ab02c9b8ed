//! The probe and the build of both plugins: open the library, pick the GPUs, decide how each
//! is read. `amdsmi` and `rocm` differ only in the library they open.

use crate::api::Api;
use crate::classify::{classify, source_model};
use crate::device::Device;
use crate::error::RocmError;
use crate::ffi::{AmdSmiLib, RocmSmiLib};
use crate::loader::{candidates, load};
use crate::select::{select, DeviceId, Selection};
use crate::settings::{AmdSmiSettings, RocmSettings};
use crate::smi::{retrying, Smi};
use crate::source::RocmSource;
use codecarbon_core::settings::Settings as _;
use codecarbon_core::{BuildError, Component, Config, Method, Probe, SourceInfo, TrackingMode};

/// The ROCm SMI plugin's name.
pub const NAME: &str = "rocm";

/// The AMD SMI plugin's name.
pub const AMD_SMI_NAME: &str = "amdsmi";

/// Reads an environment variable; tests pass their own.
pub type Env<'a> = &'a dyn Fn(&str) -> Option<String>;

/// This process's environment.
pub fn process_env(name: &str) -> Option<String> {
    std::env::var_os(name).map(|v| v.to_string_lossy().into_owned())
}

/// Loads ROCm SMI from `rocm_smi_library`, else the loader's path, else `ROCM_PATH`'s `lib/`.
pub fn open(settings: &RocmSettings, env: Env<'_>) -> Result<RocmSmiLib, RocmError> {
    let files = candidates(
        Api::RocmSmi,
        settings.rocm_smi_library.as_deref(),
        env("ROCM_PATH").as_deref(),
    );
    load(Api::RocmSmi, &files, RocmSmiLib::open)
}

/// Loads AMD SMI from `amd_smi_library`, else the loader's path, else `ROCM_PATH`'s `lib/`.
pub fn open_amd_smi(settings: &AmdSmiSettings, env: Env<'_>) -> Result<AmdSmiLib, RocmError> {
    let files = candidates(
        Api::AmdSmi,
        settings.amd_smi_library.as_deref(),
        env("ROCM_PATH").as_deref(),
    );
    load(Api::AmdSmi, &files, AmdSmiLib::open)
}

/// Whether AMD GPUs can be tracked here through AMD SMI (the `amdsmi` plugin).
pub fn probe_amd_smi(config: &Config, settings: &AmdSmiSettings) -> Probe {
    let smi = open_amd_smi(settings, &process_env).map(|lib| Box::new(lib) as Box<dyn Smi>);
    probe_with(config, smi, &process_env)
}

/// The AMD SMI source with this configuration and its parsed settings.
pub fn build_amd_smi_source(
    config: &Config,
    settings: &AmdSmiSettings,
) -> Result<RocmSource, BuildError> {
    let unavailable = |e: RocmError| BuildError::unavailable(AMD_SMI_NAME, e);
    let smi = open_amd_smi(settings, &process_env).map_err(unavailable)?;
    build_with(config, Box::new(smi), &process_env).map_err(unavailable)
}

/// Whether AMD GPUs can be tracked here through ROCm SMI (the `rocm` plugin): the library
/// loads and initialises, and at least one GPU is left after `gpu_ids` and the visible-devices
/// variables.
///
/// Where AMD SMI reads the GPUs (the `amdsmi` plugin is available), `rocm` steps aside: the
/// engine builds every available GPU source (one per vendor), so two libraries for the same
/// GPUs would count them twice.
pub fn probe(config: &Config, settings: &RocmSettings) -> Probe {
    if let Some(why) = outranked(&amd_smi_probe(config)) {
        return Probe::Unavailable(why);
    }
    let smi = open(settings, &process_env).map(|lib| Box::new(lib) as Box<dyn Smi>);
    probe_with(config, smi, &process_env)
}

/// [`probe`] with a given library (or the error of loading it) and environment.
pub fn probe_with(config: &Config, smi: Result<Box<dyn Smi>, RocmError>, env: Env<'_>) -> Probe {
    let result = smi.and_then(|smi| selected(config, smi.as_ref(), env));
    match result {
        Ok(_) => Probe::Available,
        Err(e) => probe_of(e),
    }
}

/// What the `amdsmi` plugin's probe answers with this configuration.
fn amd_smi_probe(config: &Config) -> Probe {
    match AmdSmiSettings::from_config(config) {
        Ok(settings) => probe_amd_smi(config, &settings),
        Err(e) => Probe::Unavailable(e.to_string()),
    }
}

/// Why the `rocm` plugin steps aside, given the `amdsmi` plugin's probe: when AMD SMI reads the
/// GPUs, ROCm SMI would read the same ones again.
///
/// ```
/// use codecarbon_core::Probe;
/// use codecarbon_rocm::outranked;
/// assert_eq!(
///     outranked(&Probe::Available).as_deref(),
///     Some("outranked by amdsmi, which reads the same AMD GPUs through AMD SMI")
/// );
/// assert_eq!(outranked(&Probe::Unavailable("no libamd_smi.so".into())), None);
/// ```
pub fn outranked(amd_smi: &Probe) -> Option<String> {
    (*amd_smi == Probe::Available).then(|| {
        format!("outranked by {AMD_SMI_NAME}, which reads the same AMD GPUs through AMD SMI")
    })
}

/// The probe's answer for an error: the library refusing this user is [`Probe::Blocked`],
/// anything else [`Probe::Unavailable`].
fn probe_of(error: RocmError) -> Probe {
    match &error {
        RocmError::Init { source, .. } if source.status.is_permission() => {
            Probe::Blocked(error.to_string())
        }
        _ => Probe::Unavailable(error.to_string()),
    }
}

/// The ROCm SMI source with this configuration and its parsed settings.
pub fn build_source(config: &Config, settings: &RocmSettings) -> Result<RocmSource, BuildError> {
    if let Some(why) = outranked(&amd_smi_probe(config)) {
        return Err(BuildError::unavailable(NAME, why));
    }
    let unavailable = |e: RocmError| BuildError::unavailable(NAME, e);
    let smi = open(settings, &process_env).map_err(unavailable)?;
    build_with(config, Box::new(smi), &process_env).map_err(unavailable)
}

/// The GPUs that `gpu_ids` or the environment select.
fn selected(config: &Config, smi: &dyn Smi, env: Env<'_>) -> Result<Selection, RocmError> {
    let count = retrying(smi, |s| s.device_count()).map_err(|source| RocmError::Init {
        library: smi.library(),
        source,
    })?;
    if count == 0 {
        return Err(RocmError::NoDevices {
            api: smi.api(),
            library: smi.library(),
        });
    }
    let ids: Vec<DeviceId> = (0..count)
        .map(|index| DeviceId {
            index,
            uuid: smi.uuid(index).ok(),
        })
        .collect();
    let selection = select(config.gpu_ids.as_deref(), env, &ids);
    if selection.indices.is_empty() {
        let mut reason = selection.notes.join("; ");
        if reason.is_empty() {
            reason = "the selection is empty".into();
        }
        return Err(RocmError::NoneSelected {
            reason: format!("{reason} ({count} AMD GPUs seen)"),
        });
    }
    Ok(selection)
}

/// [`build_source`] or [`build_amd_smi_source`] with a given library and environment; the
/// source is named after the library's plugin.
pub fn build_with(
    config: &Config,
    smi: Box<dyn Smi>,
    env: Env<'_>,
) -> Result<RocmSource, RocmError> {
    let selection = selected(config, smi.as_ref(), env)?;
    let mut devices = Vec::new();
    let mut skipped = Vec::new();
    for &index in &selection.indices {
        let name = smi
            .name(index)
            .ok()
            .filter(|n| !n.is_empty())
            .unwrap_or_else(|| "AMD GPU".into());
        match classify(smi.as_ref(), index, &name, &selection.indices) {
            Ok((mode, joules_per_unit)) => {
                devices.push(Device::new(index, name, mode, joules_per_unit));
            }
            Err(why) => skipped.push(why),
        }
    }
    if devices.is_empty() {
        return Err(RocmError::NoneSelected {
            reason: skipped.join("; "),
        });
    }
    let names: Vec<&str> = devices.iter().map(|d| d.name.as_str()).collect();
    let info = SourceInfo::new(
        Component::Gpu,
        smi.api().plugin(),
        Method::Measured,
        detail(smi.as_ref(), &devices, &selection, &skipped, config),
    )
    .with_model_opt(source_model(&names))
    .with_count(devices.len());
    Ok(RocmSource::new(info, smi, devices))
}

/// One line for `codecarbon detect`: the library, each GPU and how it is read, what chose them.
fn detail(
    smi: &dyn Smi,
    devices: &[Device],
    selection: &Selection,
    skipped: &[String],
    config: &Config,
) -> String {
    let gpus: Vec<String> = devices.iter().map(Device::describe).collect();
    let api = smi.api().name();
    let mut detail = format!("{api} {}: {}", smi.library(), gpus.join("; "));
    if let Some(by) = &selection.by {
        detail.push_str(&format!("; chosen by {by}"));
    }
    for note in selection.notes.iter().chain(skipped) {
        detail.push_str("; ");
        detail.push_str(note);
    }
    if config.tracking_mode == TrackingMode::Process {
        detail.push_str(&format!(
            "; process mode: whole-GPU energy ({api} gives no per-process energy)"
        ));
    }
    detail
}
