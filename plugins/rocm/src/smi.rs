//! The plugin's view of ROCm SMI and AMD SMI: a small trait, so that everything above it is
//! tested with [`MockSmi`](crate::MockSmi) and only [`RocmSmiLib`](crate::RocmSmiLib) and
//! [`AmdSmiLib`](crate::AmdSmiLib) touch a library.

use crate::api::Api;
use crate::error::SmiError;
use codecarbon_core::Watts;

/// ROCm SMI's energy counter resolution when the library does not give one, in microjoules
/// (`kEnergyCounterResolution` in rocm_smi_lib: 15.3 µJ on every ASIC so far).
pub const DEFAULT_RESOLUTION_UJ: f32 = 15.3;

/// One reading of a device's energy accumulator (`rsmi_dev_energy_count_get`,
/// `amdsmi_get_energy_count`).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct EnergyCount {
    /// The raw accumulator, in units of `resolution_uj`.
    pub raw: u64,
    /// Microjoules per unit of `raw`.
    pub resolution_uj: f32,
    /// The device's time stamp of the reading, in nanoseconds.
    pub timestamp_ns: u64,
}

impl EnergyCount {
    /// Joules per raw unit; [`DEFAULT_RESOLUTION_UJ`] when the library gave no usable value.
    ///
    /// ```
    /// use codecarbon_rocm::EnergyCount;
    /// let c = EnergyCount { raw: 1, resolution_uj: 15.3, timestamp_ns: 0 };
    /// assert!((c.joules_per_unit() - 15.3e-6).abs() < 1e-12);
    /// let unset = EnergyCount { resolution_uj: 0.0, ..c };
    /// assert!((unset.joules_per_unit() - 15.3e-6).abs() < 1e-12);
    /// ```
    pub fn joules_per_unit(&self) -> f64 {
        let uj = if self.resolution_uj.is_finite() && self.resolution_uj > 0.0 {
            self.resolution_uj
        } else {
            DEFAULT_RESOLUTION_UJ
        };
        f64::from(uj) * 1e-6
    }
}

/// The library functions this plugin uses, by device index (from 0 to
/// [`device_count`](Smi::device_count) − 1: ROCm SMI's `dv_ind`, or the position in AMD SMI's
/// GPU processor handles, socket by socket, as `amd-smi list` numbers them).
///
/// Implemented by [`RocmSmiLib`](crate::RocmSmiLib) and [`AmdSmiLib`](crate::AmdSmiLib) (the
/// libraries, loaded at run time) and by [`MockSmi`](crate::MockSmi). Methods take `&self`: the
/// libraries lock internally, and the mock shares its state with the test that scripts it.
pub trait Smi: Send {
    /// Which library this is.
    fn api(&self) -> Api;

    /// The library file in use, for people (`/opt/rocm/lib/librocm_smi64.so.1`).
    fn library(&self) -> String;

    /// How many GPUs the library monitors.
    fn device_count(&self) -> Result<u32, SmiError>;

    /// The device's marketing name.
    fn name(&self, index: u32) -> Result<String, SmiError>;

    /// The device's UUID as `gpu_ids` and the visible-devices variables match it: lower case,
    /// without `GPU-`. ROCm SMI's unique id in 16 hex digits (`rsmi_dev_unique_id_get`), or
    /// AMD SMI's UUID (`amdsmi_get_gpu_device_uuid`, as `amd-smi list` shows it).
    fn uuid(&self, index: u32) -> Result<String, SmiError>;

    /// The energy accumulator.
    fn energy_count(&self, index: u32) -> Result<EnergyCount, SmiError>;

    /// The power now.
    fn power(&self, index: u32) -> Result<Watts, SmiError>;

    /// The share of time the device (its graphics engine) was busy, 0 to 100.
    fn busy_percent(&self, index: u32) -> Result<u32, SmiError>;

    /// Shuts the library down and initialises it again.
    fn reinit(&self) -> Result<(), SmiError>;
}

/// Runs `call`; when it fails because the library is not initialised (ROCm SMI's
/// `RSMI_STATUS_INIT_ERROR`, AMD SMI's `AMDSMI_STATUS_NOT_INIT`), re-initialises once and
/// retries, as CodeCarbon does on AMD SMI's `NOT_INIT`.
pub fn retrying<T>(
    smi: &dyn Smi,
    call: impl Fn(&dyn Smi) -> Result<T, SmiError>,
) -> Result<T, SmiError> {
    match call(smi) {
        Err(e) if e.status.is_not_initialised() => {
            smi.reinit()?;
            call(smi)
        }
        other => other,
    }
}
