//! The plugin's own view of NVML: two small traits, so every path runs without a GPU.
//!
//! [`Nvml`] is the loaded library, [`NvmlDevice`] one physical GPU. The real implementation is
//! [`crate::RealNvml`] (over `nvml-wrapper`), the test one [`crate::mock::MockNvml`]. Nothing
//! else in the crate calls NVML.

use thiserror::Error;

/// Why one NVML call failed, classed the way the plugin reacts to it.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum NvmlError {
    /// The device does not have this feature (an energy counter before Volta, per-process
    /// utilisation on a MIG instance).
    #[error("not supported by this GPU or driver")]
    NotSupported,
    /// Nothing matched the query (no process sample since the given time, no such handle).
    #[error("not found")]
    NotFound,
    /// The device fell off the bus or is otherwise gone until a reset.
    #[error(
        "the GPU is lost (fallen off the bus); it stops counting. Check `dmesg` for Xid errors \
         and reset or reseat the GPU"
    )]
    GpuLost,
    /// This user may not make the call.
    #[error("no permission for this NVML call; run as a user in the group that owns /dev/nvidia*")]
    NoPermission,
    /// Any other failure, in NVML's words.
    #[error("{0}")]
    Other(String),
}

/// One per-process utilisation sample (`nvmlDeviceGetProcessUtilization`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ProcessSample {
    /// The process (as the host sees it).
    pub pid: u32,
    /// When the driver took the sample, in CPU microseconds.
    pub timestamp_us: u64,
    /// SM (compute and 3D) utilisation of this process, percent of the sample period.
    pub sm_util: u32,
}

/// One process with a compute context on a device
/// (`nvmlDeviceGetComputeRunningProcesses`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ComputeProcess {
    /// The process (as the host sees it).
    pub pid: u32,
    /// The device memory it uses, in bytes, when the driver reports it.
    pub used_memory: Option<u64>,
}

/// The loaded NVML library.
///
/// ```
/// use codecarbon_nvml::mock::{MockDevice, MockNvml};
/// use codecarbon_nvml::Nvml;
///
/// let nvml = MockNvml::new(vec![MockDevice::new("NVIDIA A100", "GPU-aaaa")]);
/// assert_eq!(nvml.device_count(), Ok(1));
/// let device = nvml.device(0).unwrap();
/// assert_eq!(device.name().unwrap(), "NVIDIA A100");
/// ```
pub trait Nvml: Send {
    /// Where the library was loaded from (a path, or the soname when the path is unknown).
    fn library(&self) -> String;

    /// How many physical GPUs the driver sees.
    fn device_count(&self) -> Result<u32, NvmlError>;

    /// The GPU of NVML index `index`.
    fn device(&self, index: u32) -> Result<Box<dyn NvmlDevice>, NvmlError>;
}

/// One physical GPU. Each method is one NVML call.
pub trait NvmlDevice: Send {
    /// The device's NVML index.
    fn index(&self) -> u32;

    /// Its product name (`NVIDIA A100-SXM4-40GB`).
    fn name(&self) -> Result<String, NvmlError>;

    /// Its UUID (`GPU-…`).
    fn uuid(&self) -> Result<String, NvmlError>;

    /// The UUIDs (`MIG-…`) of its MIG instances; empty when MIG is off or unsupported.
    fn mig_uuids(&self) -> Result<Vec<String>, NvmlError>;

    /// Energy since the driver loaded, in millijoules (Volta and later).
    fn total_energy_mj(&self) -> Result<u64, NvmlError>;

    /// Power draw now, in milliwatts.
    fn power_mw(&self) -> Result<u32, NvmlError>;

    /// Percent of the last sample period during which a kernel ran
    /// (`nvmlDeviceGetUtilizationRates().gpu`).
    fn utilization(&self) -> Result<u32, NvmlError>;

    /// The processes with a compute context on the device.
    fn running_compute_processes(&self) -> Result<Vec<ComputeProcess>, NvmlError>;

    /// Per-process utilisation samples taken after `since_us` (all buffered ones for `None`);
    /// an empty list when there are none.
    fn process_utilization(&self, since_us: Option<u64>) -> Result<Vec<ProcessSample>, NvmlError>;
}
