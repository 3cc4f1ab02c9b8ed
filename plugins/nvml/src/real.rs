//! The real [`Nvml`]: `libnvidia-ml.so.1` loaded at run time through `nvml-wrapper`.
//!
//! Nothing NVIDIA is linked into the binary: the library is opened with `dlopen` when the
//! plugin probes, so a machine without the driver only gets a clear "not found".

use crate::api::{ComputeProcess, Nvml, NvmlDevice, NvmlError, ProcessSample};
use crate::error::LoadError;
use nvml_wrapper::enums::device::UsedGpuMemory;
use nvml_wrapper::error::NvmlError as WrapperError;
use std::ffi::OsStr;
use std::sync::{Arc, Mutex};

/// The library's soname, which the NVIDIA driver installs (the unversioned `libnvidia-ml.so`
/// comes only with development packages).
pub const DEFAULT_LIBRARY: &str = "libnvidia-ml.so.1";

/// NVML as loaded from one library file; clones share it.
#[derive(Clone)]
pub struct RealNvml {
    nvml: Arc<nvml_wrapper::Nvml>,
    library: String,
}

impl std::fmt::Debug for RealNvml {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RealNvml")
            .field("library", &self.library)
            .finish_non_exhaustive()
    }
}

/// NVML as already loaded in this process, by the name asked: `nvmlInit` can take a second on
/// a GPU without persistence mode, and the probe and the build both need it. Failures are not
/// kept (they are cheap, and the driver may come).
static LOADED: Mutex<Vec<(String, RealNvml)>> = Mutex::new(Vec::new());

/// Loads NVML from `library` (a soname searched as `dlopen` does, or a path) and initialises
/// it, once per process and library.
///
/// ```
/// // This fails cleanly on a machine without the driver, as on any without this file.
/// let err = codecarbon_nvml::load("/nonexistent/libnvidia-ml.so.1").unwrap_err();
/// assert!(err.to_string().contains("/nonexistent/libnvidia-ml.so.1"));
/// ```
pub fn load(library: &str) -> Result<RealNvml, LoadError> {
    let mut loaded = LOADED.lock().unwrap_or_else(|p| p.into_inner());
    if let Some((_, nvml)) = loaded.iter().find(|(name, _)| name == library) {
        return Ok(nvml.clone());
    }
    let nvml = nvml_wrapper::Nvml::builder()
        .lib_path(OsStr::new(library))
        .init()
        .map_err(|e| load_error(library, e))?;
    let nvml = RealNvml {
        nvml: Arc::new(nvml),
        library: loaded_path(library),
    };
    loaded.push((library.to_string(), nvml.clone()));
    Ok(nvml)
}

/// [`load`], boxed as the plugin's trait object.
pub fn load_boxed(library: &str) -> Result<Box<dyn Nvml>, LoadError> {
    Ok(Box::new(load(library)?))
}

fn load_error(library: &str, e: WrapperError) -> LoadError {
    match e {
        WrapperError::LibloadingError(e) => LoadError::LibraryMissing {
            library: library.to_string(),
            reason: e.to_string(),
        },
        WrapperError::FailedToLoadSymbol(reason) => LoadError::OldDriver {
            library: library.to_string(),
            reason,
        },
        WrapperError::DriverNotLoaded => LoadError::DriverNotLoaded,
        WrapperError::NoPermission => LoadError::NoPermission,
        other => LoadError::Init(other.to_string()),
    }
}

/// The file the dynamic loader picked for `library`, from this process's memory map; the name
/// as given when that cannot be read.
fn loaded_path(library: &str) -> String {
    let Ok(maps) = std::fs::read_to_string("/proc/self/maps") else {
        return library.to_string();
    };
    maps.lines()
        .filter_map(|line| line.split_whitespace().nth(5))
        .find(|path| path.contains("libnvidia-ml"))
        .map_or_else(|| library.to_string(), str::to_string)
}

/// The plugin's class of a wrapper error.
fn classify(e: WrapperError) -> NvmlError {
    match e {
        WrapperError::NotSupported => NvmlError::NotSupported,
        WrapperError::NotFound => NvmlError::NotFound,
        WrapperError::GpuLost => NvmlError::GpuLost,
        WrapperError::NoPermission => NvmlError::NoPermission,
        other => NvmlError::Other(other.to_string()),
    }
}

impl Nvml for RealNvml {
    fn library(&self) -> String {
        self.library.clone()
    }

    fn device_count(&self) -> Result<u32, NvmlError> {
        self.nvml.device_count().map_err(classify)
    }

    fn device(&self, index: u32) -> Result<Box<dyn NvmlDevice>, NvmlError> {
        // Check the handle once now, so that a bad index fails here.
        self.nvml.device_by_index(index).map_err(classify)?;
        Ok(Box::new(RealDevice {
            nvml: Arc::clone(&self.nvml),
            index,
        }))
    }
}

/// One GPU; a handle is looked up per call (a cheap table lookup in NVML), so the device does
/// not borrow the library.
struct RealDevice {
    nvml: Arc<nvml_wrapper::Nvml>,
    index: u32,
}

impl RealDevice {
    fn with<T>(
        &self,
        call: impl FnOnce(&nvml_wrapper::Device<'_>) -> Result<T, WrapperError>,
    ) -> Result<T, NvmlError> {
        let device = self.nvml.device_by_index(self.index).map_err(classify)?;
        call(&device).map_err(classify)
    }
}

/// `NVML_DEVICE_MIG_ENABLE`.
const MIG_ENABLED: u32 = 1;

impl NvmlDevice for RealDevice {
    fn index(&self) -> u32 {
        self.index
    }

    fn name(&self) -> Result<String, NvmlError> {
        self.with(|d| d.name())
    }

    fn uuid(&self) -> Result<String, NvmlError> {
        self.with(|d| d.uuid())
    }

    fn mig_uuids(&self) -> Result<Vec<String>, NvmlError> {
        let result = self.with(|d| {
            if d.mig_mode()?.current != MIG_ENABLED {
                return Ok(Vec::new());
            }
            let mut uuids = Vec::new();
            for i in 0..d.mig_device_count()? {
                match d.mig_device_by_index(i).and_then(|m| m.uuid()) {
                    Ok(uuid) => uuids.push(uuid),
                    // An empty slot.
                    Err(WrapperError::NotFound | WrapperError::InvalidArg) => {}
                    Err(e) => return Err(e),
                }
            }
            Ok(uuids)
        });
        match result {
            Err(NvmlError::NotSupported) => Ok(Vec::new()),
            other => other,
        }
    }

    fn total_energy_mj(&self) -> Result<u64, NvmlError> {
        self.with(|d| d.total_energy_consumption())
    }

    fn power_mw(&self) -> Result<u32, NvmlError> {
        self.with(|d| d.power_usage())
    }

    fn utilization(&self) -> Result<u32, NvmlError> {
        self.with(|d| d.utilization_rates().map(|u| u.gpu))
    }

    fn running_compute_processes(&self) -> Result<Vec<ComputeProcess>, NvmlError> {
        let processes = self.with(|d| d.running_compute_processes())?;
        Ok(processes
            .into_iter()
            .map(|p| ComputeProcess {
                pid: p.pid,
                used_memory: match p.used_gpu_memory {
                    UsedGpuMemory::Used(bytes) => Some(bytes),
                    UsedGpuMemory::Unavailable => None,
                },
            })
            .collect())
    }

    fn process_utilization(&self, since_us: Option<u64>) -> Result<Vec<ProcessSample>, NvmlError> {
        match self.with(|d| d.process_utilization_stats(since_us)) {
            Ok(samples) => Ok(samples
                .into_iter()
                .map(|s| ProcessSample {
                    pid: s.pid,
                    timestamp_us: s.timestamp,
                    sm_util: s.sm_util,
                })
                .collect()),
            // NVML's answer when no sample is newer than `since_us`.
            Err(NvmlError::NotFound) => Ok(Vec::new()),
            Err(e) => Err(e),
        }
    }
}
