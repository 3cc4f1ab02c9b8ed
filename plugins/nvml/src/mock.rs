//! A scriptable [`Nvml`] for tests: GPUs whose readings a test sets between samples.
//!
//! A [`MockDevice`] is a handle on shared state: keep a clone, give one to [`MockNvml`], and
//! change the readings (or make a call fail) while the plugin uses it.
//!
//! ```
//! use codecarbon_nvml::mock::{MockDevice, MockNvml};
//! use codecarbon_nvml::{Nvml, NvmlError};
//!
//! let gpu = MockDevice::new("Tesla T4", "GPU-t4").energy_mj(Err(NvmlError::NotSupported));
//! let nvml = MockNvml::new(vec![gpu.clone()]);
//! gpu.set_power_mw(70_000);
//! assert_eq!(nvml.device(0).unwrap().power_mw(), Ok(70_000));
//! ```

use crate::api::{ComputeProcess, Nvml, NvmlDevice, NvmlError, ProcessSample};
use crate::error::LoadError;
use std::sync::{Arc, Mutex, MutexGuard};

/// What a mock GPU answers.
#[derive(Debug, Clone)]
struct State {
    name: String,
    uuid: String,
    mig: Vec<String>,
    energy_mj: Result<u64, NvmlError>,
    power_mw: Result<u32, NvmlError>,
    utilization: Result<u32, NvmlError>,
    processes: Result<Vec<ComputeProcess>, NvmlError>,
    samples: Result<Vec<ProcessSample>, NvmlError>,
    /// Every call fails with this (a lost GPU).
    broken: Option<NvmlError>,
}

/// A mock GPU; clones share their state.
#[derive(Debug, Clone)]
pub struct MockDevice {
    state: Arc<Mutex<State>>,
}

impl MockDevice {
    /// A GPU with an energy counter at 0 mJ, drawing 0 mW, idle, with no processes.
    pub fn new(name: &str, uuid: &str) -> MockDevice {
        MockDevice {
            state: Arc::new(Mutex::new(State {
                name: name.into(),
                uuid: uuid.into(),
                mig: Vec::new(),
                energy_mj: Ok(0),
                power_mw: Ok(0),
                utilization: Ok(0),
                processes: Ok(Vec::new()),
                samples: Ok(Vec::new()),
                broken: None,
            })),
        }
    }

    fn state(&self) -> MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// With MIG instances of these UUIDs.
    pub fn mig(self, uuids: &[&str]) -> MockDevice {
        self.state().mig = uuids.iter().map(|u| u.to_string()).collect();
        self
    }

    /// With this answer to the energy counter.
    pub fn energy_mj(self, value: Result<u64, NvmlError>) -> MockDevice {
        self.state().energy_mj = value;
        self
    }

    /// With this answer to per-process utilisation.
    pub fn process_samples(self, value: Result<Vec<ProcessSample>, NvmlError>) -> MockDevice {
        self.state().samples = value;
        self
    }

    /// Sets the energy counter, in mJ.
    pub fn set_energy_mj(&self, mj: u64) {
        self.state().energy_mj = Ok(mj);
    }

    /// Sets the power, in mW.
    pub fn set_power_mw(&self, mw: u32) {
        self.state().power_mw = Ok(mw);
    }

    /// Sets the power reading's answer.
    pub fn set_power(&self, value: Result<u32, NvmlError>) {
        self.state().power_mw = value;
    }

    /// Sets the utilisation's answer, in percent.
    pub fn set_utilization(&self, value: Result<u32, NvmlError>) {
        self.state().utilization = value;
    }

    /// Sets the running compute processes.
    pub fn set_processes(&self, processes: Vec<ComputeProcess>) {
        self.state().processes = Ok(processes);
    }

    /// Sets the per-process utilisation samples the next calls return (those after the
    /// timestamp asked).
    pub fn set_samples(&self, samples: Vec<ProcessSample>) {
        self.state().samples = Ok(samples);
    }

    /// From now on every call fails with `error` (`GpuLost` for a GPU off the bus).
    pub fn break_with(&self, error: NvmlError) {
        self.state().broken = Some(error);
    }

    fn answer<T>(&self, pick: impl FnOnce(&State) -> Result<T, NvmlError>) -> Result<T, NvmlError> {
        let state = self.state();
        if let Some(e) = &state.broken {
            return Err(e.clone());
        }
        pick(&state)
    }
}

/// A [`NvmlDevice`] over a mock GPU's state.
struct Handle {
    index: u32,
    mock: MockDevice,
}

impl NvmlDevice for Handle {
    fn index(&self) -> u32 {
        self.index
    }

    fn name(&self) -> Result<String, NvmlError> {
        self.mock.answer(|s| Ok(s.name.clone()))
    }

    fn uuid(&self) -> Result<String, NvmlError> {
        self.mock.answer(|s| Ok(s.uuid.clone()))
    }

    fn mig_uuids(&self) -> Result<Vec<String>, NvmlError> {
        self.mock.answer(|s| Ok(s.mig.clone()))
    }

    fn total_energy_mj(&self) -> Result<u64, NvmlError> {
        self.mock.answer(|s| s.energy_mj.clone())
    }

    fn power_mw(&self) -> Result<u32, NvmlError> {
        self.mock.answer(|s| s.power_mw.clone())
    }

    fn utilization(&self) -> Result<u32, NvmlError> {
        self.mock.answer(|s| s.utilization.clone())
    }

    fn running_compute_processes(&self) -> Result<Vec<ComputeProcess>, NvmlError> {
        self.mock.answer(|s| s.processes.clone())
    }

    fn process_utilization(&self, since_us: Option<u64>) -> Result<Vec<ProcessSample>, NvmlError> {
        let samples = self.mock.answer(|s| s.samples.clone())?;
        let since = since_us.unwrap_or(0);
        Ok(samples
            .into_iter()
            .filter(|s| since_us.is_none() || s.timestamp_us > since)
            .collect())
    }
}

/// A mock NVML over a list of mock GPUs (index = position); clones share the GPUs.
#[derive(Debug, Clone)]
pub struct MockNvml {
    devices: Vec<MockDevice>,
    library: String,
}

impl MockNvml {
    /// NVML with these GPUs, "loaded" from `/mock/libnvidia-ml.so.1`.
    pub fn new(devices: Vec<MockDevice>) -> MockNvml {
        MockNvml {
            devices,
            library: "/mock/libnvidia-ml.so.1".into(),
        }
    }

    /// A loader that hands out this NVML, whatever library is asked for.
    pub fn loader(&self) -> impl Fn(&str) -> Result<Box<dyn Nvml>, LoadError> {
        let nvml = self.clone();
        move |_| Ok(Box::new(nvml.clone()) as Box<dyn Nvml>)
    }
}

impl Nvml for MockNvml {
    fn library(&self) -> String {
        self.library.clone()
    }

    fn device_count(&self) -> Result<u32, NvmlError> {
        u32::try_from(self.devices.len()).map_err(|e| NvmlError::Other(e.to_string()))
    }

    fn device(&self, index: u32) -> Result<Box<dyn NvmlDevice>, NvmlError> {
        let mock = usize::try_from(index)
            .ok()
            .and_then(|i| self.devices.get(i))
            .ok_or(NvmlError::NotFound)?;
        if let Some(e) = &mock.state().broken {
            return Err(e.clone());
        }
        Ok(Box::new(Handle {
            index,
            mock: mock.clone(),
        }))
    }
}
