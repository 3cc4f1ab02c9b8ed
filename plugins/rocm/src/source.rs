//! The power source: every tracked GPU, summed.

use crate::device::Device;
use crate::smi::Smi;
use codecarbon_core::{
    Joules, Percent, PowerSource, Reading, SampleContext, SourceError, SourceInfo, TrackingMode,
};
use std::fmt;

/// AMD GPUs read through ROCm SMI.
///
/// A GPU whose read fails does not stop the others: the first failure of a streak makes the
/// sample an error (so the engine warns once) and the other GPUs' energy of that sample is
/// carried into the next one; while it keeps failing, the others are reported without it, and
/// when it recovers its counter covers the whole gap.
pub struct RocmSource {
    info: SourceInfo,
    smi: Box<dyn Smi>,
    devices: Vec<Device>,
    carried: Joules,
    utilization: Option<Percent>,
    machine: Option<Joules>,
}

impl fmt::Debug for RocmSource {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("RocmSource")
            .field("info", &self.info)
            .field("devices", &self.devices)
            .finish_non_exhaustive()
    }
}

impl RocmSource {
    /// A source described by `info` that reads `devices` through `smi`.
    pub fn new(info: SourceInfo, smi: Box<dyn Smi>, devices: Vec<Device>) -> RocmSource {
        RocmSource {
            info,
            smi,
            devices,
            carried: Joules::ZERO,
            utilization: None,
            machine: None,
        }
    }

    /// The tracked GPUs.
    pub fn devices(&self) -> &[Device] {
        &self.devices
    }

    /// The mean busy share of the GPUs that answered, over those that did.
    fn read_utilization(&self) -> Option<Percent> {
        let busy: Vec<f64> = self
            .devices
            .iter()
            .filter_map(|d| self.smi.busy_percent(d.index).ok())
            .map(|b| f64::from(b.min(100)))
            .collect();
        (!busy.is_empty()).then(|| Percent(busy.iter().sum::<f64>() / busy.len() as f64))
    }
}

impl PowerSource for RocmSource {
    fn info(&self) -> SourceInfo {
        self.info.clone()
    }

    /// The tracked GPUs' energy since the previous call, whole devices in both tracking modes.
    fn sample(&mut self, ctx: &SampleContext) -> Result<Reading, SourceError> {
        let mut energy = Joules::ZERO;
        let mut answered = false;
        let mut new_failures = Vec::new();
        for device in &mut self.devices {
            let was_failing = device.failure().is_some();
            match device.sample(self.smi.as_ref(), ctx.elapsed) {
                Ok(e) => {
                    energy += e;
                    answered |= !device.is_second_die();
                }
                Err(e) if !was_failing => {
                    new_failures.push(format!("GPU {} {}: {e}", device.index, device.name));
                }
                Err(_) => {}
            }
        }
        self.utilization = self.read_utilization();
        if !answered && self.devices.iter().any(|d| !d.is_second_die()) {
            let why: Vec<String> = self
                .devices
                .iter()
                .filter_map(|d| Some(format!("GPU {}: {}", d.index, d.failure()?)))
                .collect();
            return Err(SourceError::Other(format!(
                "no AMD GPU could be read ({}); each is counted again when it answers",
                why.join("; ")
            )));
        }
        if !new_failures.is_empty() {
            self.carried += energy;
            return Err(SourceError::Other(format!(
                "{}; the other AMD GPUs keep reporting, and this one's energy is counted again \
                 when it answers",
                new_failures.join("; ")
            )));
        }
        let energy = energy + std::mem::take(&mut self.carried);
        self.machine = match ctx.tracking_mode {
            TrackingMode::Process => Some(self.machine.unwrap_or(Joules::ZERO) + energy),
            // The whole machine (and any mode a later core adds): readings are not shares.
            _ => None,
        };
        Ok(Reading::measured(energy, ctx.elapsed))
    }

    fn utilization(&self) -> Option<Percent> {
        self.utilization
    }

    /// In process mode, the GPUs' whole energy since the first sample: equal to what `sample`
    /// reported, since ROCm SMI gives no per-process energy. `None` in machine mode.
    fn machine_energy(&self) -> Option<Joules> {
        self.machine
    }
}
