//! The power source: the selected GPUs' energy, summed, and in process mode the tracked tree's
//! share of it.

use crate::api::{Nvml, NvmlDevice};
use crate::meter::{DeviceMeter, Event, Measure};
use crate::model::model_and_count;
use crate::share::{ShareTracker, TreeView};
use codecarbon_core::{
    Component, Joules, Method, Percent, PowerSource, Reading, SampleContext, SourceError,
    SourceInfo, TrackingMode,
};
use std::fmt;
use std::path::PathBuf;
use std::time::Duration;

/// Characters of a UUID shown in the detail (`GPU-` and 8 hex digits).
const UUID_SHOWN: usize = 12;

/// One selected GPU and its state.
pub struct Gpu {
    device: Box<dyn NvmlDevice>,
    name: String,
    uuid: String,
    meter: DeviceMeter,
    share: ShareTracker,
    /// A read failed and was reported; cleared by a good read, so each bout is reported once.
    failing: bool,
}

impl fmt::Debug for Gpu {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Gpu")
            .field("index", &self.device.index())
            .field("name", &self.name)
            .field("uuid", &self.uuid)
            .field("meter", &self.meter)
            .finish_non_exhaustive()
    }
}

impl Gpu {
    /// `device`, called `name` with `uuid`, measured by `measure`.
    pub fn new(device: Box<dyn NvmlDevice>, name: String, uuid: String, measure: Measure) -> Gpu {
        Gpu {
            device,
            name,
            uuid,
            meter: DeviceMeter::new(measure),
            share: ShareTracker::default(),
            failing: false,
        }
    }

    /// The GPU's NVML index.
    pub fn index(&self) -> u32 {
        self.device.index()
    }

    /// Its product name.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// Its UUID.
    pub fn uuid(&self) -> &str {
        &self.uuid
    }

    /// How it is measured now.
    pub fn measure(&self) -> Measure {
        self.meter.measure()
    }

    /// Whether it was lost.
    pub fn is_lost(&self) -> bool {
        self.meter.is_lost()
    }

    fn label(&self) -> String {
        let uuid: String = self.uuid.chars().take(UUID_SHOWN).collect();
        format!("GPU {} {} ({uuid})", self.device.index(), self.name)
    }

    /// A sentence for people about `event`, `None` when it was already said.
    fn report(&mut self, event: Option<Event>) -> Option<String> {
        let label = self.label();
        let Some(event) = event else {
            self.failing = false;
            return None;
        };
        Some(match event {
            Event::Lost => format!(
                "{label} is lost (fallen off the bus): it stops counting, the other GPUs go on; \
                 check `dmesg` for Xid errors and reset the GPU"
            ),
            Event::CounterReset { previous, current } => format!(
                "{label}: the energy counter went back from {previous} to {current} mJ (driver \
                 reloaded?); that interval comes from power readings and the counter is \
                 re-baselined"
            ),
            Event::CounterUnsupported => format!(
                "{label}: the energy counter is no longer supported; power sampling from now on"
            ),
            Event::ReadFailed(e) => {
                if std::mem::replace(&mut self.failing, true) {
                    return None;
                }
                format!("{label}: reading failed ({e}); the next good read covers the gap")
            }
        })
    }
}

/// How the GPUs were found, for the detail.
#[derive(Debug, Clone, Default)]
pub struct Origin {
    /// The NVML library file.
    pub library: String,
    /// How the GPUs were chosen (`all GPUs`, `CUDA_VISIBLE_DEVICES=0`).
    pub selection: String,
    /// Remarks: MIG instances, skipped GPUs, ignored entries.
    pub notes: Vec<String>,
}

/// The NVIDIA GPUs' power source.
pub struct NvmlSource {
    /// Kept so the library stays loaded while devices are read.
    _nvml: Box<dyn Nvml>,
    gpus: Vec<Gpu>,
    origin: Origin,
    mode: TrackingMode,
    tree: (PathBuf, u32),
    machine: Option<Joules>,
    /// Energy and time of samples that returned an error to report an event, handed over with
    /// the next good sample so nothing is lost.
    carried: (Joules, Duration),
    utilization: Option<Percent>,
}

impl fmt::Debug for NvmlSource {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("NvmlSource")
            .field("gpus", &self.gpus)
            .field("origin", &self.origin)
            .field("mode", &self.mode)
            .finish_non_exhaustive()
    }
}

impl NvmlSource {
    /// A source over `gpus` of `nvml`. In process mode the tree is `root` and its descendants,
    /// read under `proc_root`.
    pub fn new(
        nvml: Box<dyn Nvml>,
        gpus: Vec<Gpu>,
        origin: Origin,
        mode: TrackingMode,
        proc_root: PathBuf,
        root: u32,
    ) -> NvmlSource {
        NvmlSource {
            _nvml: nvml,
            gpus,
            origin,
            mode,
            tree: (proc_root, root),
            machine: None,
            carried: (Joules::ZERO, Duration::ZERO),
            utilization: None,
        }
    }

    /// The GPUs measured.
    pub fn gpus(&self) -> &[Gpu] {
        &self.gpus
    }

    fn detail(&self) -> String {
        let devices: Vec<String> = self
            .gpus
            .iter()
            .map(|g| {
                let state = if g.meter.is_lost() { ", lost" } else { "" };
                format!("{} {}{state}", g.label(), g.meter.measure())
            })
            .collect();
        let mut detail = format!(
            "{}; NVML from {}; {}",
            devices.join("; "),
            self.origin.library,
            self.origin.selection
        );
        for note in &self.origin.notes {
            detail.push_str("; ");
            detail.push_str(note);
        }
        if self.mode == TrackingMode::Process {
            detail.push_str(
                "; process mode: the tracked processes' share of each GPU (SM utilisation, else \
                 device memory)",
            );
        }
        detail
    }
}

impl PowerSource for NvmlSource {
    fn info(&self) -> SourceInfo {
        let names: Vec<String> = self.gpus.iter().map(|g| g.name.clone()).collect();
        let (model, count) = model_and_count(&names);
        SourceInfo::new(Component::Gpu, "nvml", Method::Measured, self.detail())
            .with_model_opt(model)
            .with_count(count)
    }

    /// The GPUs' energy since the previous call (in process mode, the tree's share). A GPU
    /// that fails or is lost costs the others nothing: when something must be reported, this
    /// returns the error once and the energy read meanwhile comes with the next reading.
    fn sample(&mut self, ctx: &SampleContext) -> Result<Reading, SourceError> {
        let process = ctx.tracking_mode == TrackingMode::Process;
        let mut tree = TreeView::new(self.tree.0.clone(), self.tree.1);
        let (mut attributed, mut whole) = (Joules::ZERO, Joules::ZERO);
        let mut utilization = Vec::new();
        let mut warnings = Vec::new();
        for gpu in &mut self.gpus {
            let sample = gpu.meter.sample(gpu.device.as_ref(), ctx.elapsed);
            if let Some(warning) = gpu.report(sample.event) {
                warnings.push(warning);
            }
            if gpu.meter.is_lost() {
                continue;
            }
            if let Ok(percent) = gpu.device.utilization() {
                utilization.push(f64::from(percent));
            }
            whole += sample.energy;
            attributed += if process {
                sample.energy * gpu.share.share(gpu.device.as_ref(), &mut tree).fraction
            } else {
                sample.energy
            };
        }
        self.utilization = (!utilization.is_empty())
            .then(|| Percent(utilization.iter().sum::<f64>() / utilization.len() as f64));
        self.machine = process.then(|| self.machine.unwrap_or(Joules::ZERO) + whole);
        let energy = attributed + self.carried.0;
        let elapsed = ctx.elapsed + self.carried.1;
        if !warnings.is_empty() {
            self.carried = (energy, elapsed);
            return Err(SourceError::Other(warnings.join("; ")));
        }
        self.carried = (Joules::ZERO, Duration::ZERO);
        Ok(Reading::measured(energy, elapsed))
    }

    fn utilization(&self) -> Option<Percent> {
        self.utilization
    }

    fn machine_energy(&self) -> Option<Joules> {
        self.machine
    }
}
