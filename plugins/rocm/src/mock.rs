//! A scripted stand-in for ROCm SMI or AMD SMI, for tests and examples without an AMD GPU.

use crate::api::Api;
use crate::error::{SmiError, Status};
use crate::smi::{EnergyCount, Smi};
use codecarbon_core::Watts;
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};

/// One GPU of a [`MockSmi`]: what each call about it returns.
#[derive(Debug, Clone, PartialEq)]
pub struct MockGpu {
    /// Its name.
    pub name: String,
    /// Its UUID as [`Smi::uuid`] gives it (`Err(NOT_SUPPORTED)` when `None`).
    pub uuid: Option<String>,
    /// The raw energy accumulator, or its failure.
    pub energy: Result<u64, Status>,
    /// Microjoules per accumulator unit.
    pub resolution_uj: f32,
    /// Its power, in watts, or its failure.
    pub power: Result<f64, Status>,
    /// Its busy percentage, or its failure.
    pub busy: Result<u32, Status>,
    /// When set, every call about this GPU fails with it.
    pub failure: Option<Status>,
}

impl MockGpu {
    /// A working GPU: accumulator at 1 000 000 units of 1 µJ, 100 W, idle, no unique id.
    pub fn new(name: &str) -> MockGpu {
        MockGpu {
            name: name.to_string(),
            uuid: None,
            energy: Ok(1_000_000),
            resolution_uj: 1.0,
            power: Ok(100.0),
            busy: Ok(0),
            failure: None,
        }
    }

    /// With this accumulator value.
    pub fn energy(mut self, raw: u64) -> MockGpu {
        self.energy = Ok(raw);
        self
    }

    /// Without an accumulator: reading it returns `status`.
    pub fn no_energy(mut self, status: Status) -> MockGpu {
        self.energy = Err(status);
        self
    }

    /// With this resolution, in µJ.
    pub fn resolution(mut self, uj: f32) -> MockGpu {
        self.resolution_uj = uj;
        self
    }

    /// Drawing `watts`.
    pub fn power(mut self, watts: f64) -> MockGpu {
        self.power = Ok(watts);
        self
    }

    /// Without a power sensor: the power functions return `status`.
    pub fn no_power(mut self, status: Status) -> MockGpu {
        self.power = Err(status);
        self
    }

    /// Busy `percent` of the time.
    pub fn busy(mut self, percent: u32) -> MockGpu {
        self.busy = Ok(percent);
        self
    }

    /// With ROCm SMI's unique id `id` (its UUID is `GPU-` and the id in 16 hex digits).
    pub fn unique_id(self, id: u64) -> MockGpu {
        self.uuid(&format!("{id:016x}"))
    }

    /// With this UUID (AMD SMI's form, `e4ff74a1-0000-1000-80e9-b0ceb79bab2c`).
    pub fn uuid(mut self, uuid: &str) -> MockGpu {
        self.uuid = Some(uuid.to_ascii_lowercase());
        self
    }
}

#[derive(Debug)]
struct State {
    api: Api,
    gpus: Vec<MockGpu>,
    uninitialised: bool,
    reinits: u32,
}

/// A scripted [`Smi`]. Clones share their state, so a test keeps one to change readings after
/// handing the other to the plugin.
///
/// ```
/// use codecarbon_rocm::{MockGpu, MockSmi, Smi};
/// let smi = MockSmi::new(vec![MockGpu::new("AMD Instinct MI210").energy(5)]);
/// let handle = smi.clone();
/// handle.set_energy(0, 9);
/// assert_eq!(smi.energy_count(0).unwrap().raw, 9);
/// ```
#[derive(Debug, Clone)]
pub struct MockSmi {
    state: Arc<Mutex<State>>,
}

impl MockSmi {
    /// ROCm SMI monitoring `gpus`, indices in order.
    pub fn new(gpus: Vec<MockGpu>) -> MockSmi {
        MockSmi::of(Api::RocmSmi, gpus)
    }

    /// AMD SMI monitoring `gpus`, indices in order: its function names and status codes.
    pub fn amd(gpus: Vec<MockGpu>) -> MockSmi {
        MockSmi::of(Api::AmdSmi, gpus)
    }

    fn of(api: Api, gpus: Vec<MockGpu>) -> MockSmi {
        MockSmi {
            state: Arc::new(Mutex::new(State {
                api,
                gpus,
                uninitialised: false,
                reinits: 0,
            })),
        }
    }

    fn lock(&self) -> MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Changes GPU `index` (nothing when there is no such GPU).
    pub fn update(&self, index: u32, change: impl FnOnce(&mut MockGpu)) {
        if let Some(gpu) = self.lock().gpus.get_mut(index as usize) {
            change(gpu);
        }
    }

    /// Sets GPU `index`'s accumulator.
    pub fn set_energy(&self, index: u32, raw: u64) {
        self.update(index, |g| g.energy = Ok(raw));
    }

    /// Sets GPU `index`'s power.
    pub fn set_power(&self, index: u32, watts: f64) {
        self.update(index, |g| g.power = Ok(watts));
    }

    /// Sets GPU `index`'s busy percentage.
    pub fn set_busy(&self, index: u32, percent: u32) {
        self.update(index, |g| g.busy = Ok(percent));
    }

    /// Makes every call about GPU `index` fail with `status`, or work again with `None`.
    pub fn fail(&self, index: u32, status: Option<Status>) {
        self.update(index, |g| g.failure = status);
    }

    /// Makes every call return `RSMI_STATUS_INIT_ERROR` (ROCm SMI) or `AMDSMI_STATUS_NOT_INIT`
    /// (AMD SMI) until [`Smi::reinit`].
    pub fn lose_init(&self) {
        self.lock().uninitialised = true;
    }

    /// How many times [`Smi::reinit`] was called.
    pub fn reinits(&self) -> u32 {
        self.lock().reinits
    }

    /// What `read` gives for GPU `index`, after the library's and the GPU's failures;
    /// `functions` are the C functions of ROCm SMI and AMD SMI that the call stands for.
    fn read<T>(
        &self,
        functions: (&'static str, &'static str),
        index: u32,
        read: impl FnOnce(&MockGpu) -> Result<T, Status>,
    ) -> Result<T, SmiError> {
        let state = self.lock();
        let (function, not_init, invalid) = match state.api {
            Api::RocmSmi => (functions.0, Status::INIT_ERROR, Status::INVALID_ARGS),
            Api::AmdSmi => (functions.1, Status::AMD_NOT_INIT, Status::AMD_INVAL),
        };
        if state.uninitialised {
            return Err(SmiError::new(function, not_init));
        }
        let gpu = state
            .gpus
            .get(index as usize)
            .ok_or(SmiError::new(function, invalid))?;
        if let Some(status) = gpu.failure {
            return Err(SmiError::new(function, status));
        }
        read(gpu).map_err(|status| SmiError::new(function, status))
    }
}

impl Smi for MockSmi {
    fn api(&self) -> Api {
        self.lock().api
    }

    fn library(&self) -> String {
        "mock".into()
    }

    /// Fails when the library is not initialised, as `rsmi_num_monitor_devices` does (AMD SMI
    /// counts the handles read at initialisation).
    fn device_count(&self) -> Result<u32, SmiError> {
        let state = self.lock();
        if state.uninitialised && state.api == Api::RocmSmi {
            return Err(SmiError::new(
                "rsmi_num_monitor_devices",
                Status::INIT_ERROR,
            ));
        }
        Ok(u32::try_from(state.gpus.len()).unwrap_or(u32::MAX))
    }

    fn name(&self, index: u32) -> Result<String, SmiError> {
        let functions = ("rsmi_dev_name_get", "amdsmi_get_gpu_asic_info");
        self.read(functions, index, |g| Ok(g.name.clone()))
    }

    fn uuid(&self, index: u32) -> Result<String, SmiError> {
        let functions = ("rsmi_dev_unique_id_get", "amdsmi_get_gpu_device_uuid");
        let unsupported = match self.api() {
            Api::RocmSmi => Status::NOT_SUPPORTED,
            Api::AmdSmi => Status::AMD_NOT_SUPPORTED,
        };
        self.read(functions, index, |g| g.uuid.clone().ok_or(unsupported))
    }

    fn energy_count(&self, index: u32) -> Result<EnergyCount, SmiError> {
        let functions = ("rsmi_dev_energy_count_get", "amdsmi_get_energy_count");
        self.read(functions, index, |g| {
            g.energy.map(|raw| EnergyCount {
                raw,
                resolution_uj: g.resolution_uj,
                timestamp_ns: 0,
            })
        })
    }

    fn power(&self, index: u32) -> Result<Watts, SmiError> {
        let functions = ("rsmi_dev_power_get", "amdsmi_get_power_info");
        self.read(functions, index, |g| g.power.map(Watts))
    }

    fn busy_percent(&self, index: u32) -> Result<u32, SmiError> {
        let functions = ("rsmi_dev_busy_percent_get", "amdsmi_get_gpu_activity");
        self.read(functions, index, |g| g.busy)
    }

    fn reinit(&self) -> Result<(), SmiError> {
        let mut state = self.lock();
        state.uninitialised = false;
        state.reinits += 1;
        Ok(())
    }
}
