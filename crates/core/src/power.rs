//! The `PowerSource` trait: one piece of hardware whose energy is read or estimated.

use crate::config::TrackingMode;
use crate::counter::CounterRegression;
use crate::units::{Gigabytes, Joules, Percent, Watts};
use serde::Serialize;
use std::fmt;
use std::path::PathBuf;
use std::time::Duration;
use thiserror::Error;

/// Which part of the machine a source covers; the CSV has one energy column per component.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
#[non_exhaustive]
pub enum Component {
    /// Processors.
    Cpu,
    /// Graphics or accelerator cards.
    Gpu,
    /// Memory.
    Ram,
}

impl Component {
    /// Every component, in the CSV's order.
    pub const ALL: [Component; 3] = [Component::Cpu, Component::Gpu, Component::Ram];

    /// The lower-case name used in output and logs.
    pub fn name(self) -> &'static str {
        match self {
            Component::Cpu => "cpu",
            Component::Gpu => "gpu",
            Component::Ram => "ram",
        }
    }
}

impl fmt::Display for Component {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// Whether a number came from a hardware counter or from a model.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
#[non_exhaustive]
pub enum Method {
    /// Read from an energy or power counter.
    Measured,
    /// Computed from a model (TDP and load, DIMM count, a forced constant).
    Estimated,
}

impl fmt::Display for Method {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Method::Measured => "measured",
            Method::Estimated => "estimated",
        })
    }
}

/// What a source is, for the record and for `codecarbon detect`.
///
/// Built with [`SourceInfo::new`] and the `with_*` methods, so that a field added later (with
/// its default) breaks no plugin:
///
/// ```
/// use codecarbon_core::{Component, Method, SourceInfo};
///
/// let info = SourceInfo::new(Component::Gpu, "my-gpu", Method::Measured, "NVML energy counter")
///     .with_model("2 x Test GPU")
///     .with_count(2);
/// assert_eq!((info.count, info.model.as_deref()), (2, Some("2 x Test GPU")));
/// ```
#[derive(Debug, Clone, PartialEq, Serialize)]
#[non_exhaustive]
pub struct SourceInfo {
    /// The component this source covers.
    pub component: Component,
    /// The plugin's registered name (`tdp`, `rapl`, ...).
    pub source: &'static str,
    /// The hardware model, when known (`AMD EPYC 7763 64-Core Processor`).
    pub model: Option<String>,
    /// How many devices the source covers (GPUs, sockets); zero when not meaningful.
    pub count: usize,
    /// Measured or estimated.
    pub method: Method,
    /// One line on how the numbers are obtained, for people (`TDP 8 W: 4 W × 2 threads`).
    pub detail: String,
}

impl SourceInfo {
    /// A source of `component`, registered as `source`, whose numbers are `method`, with one
    /// line for people on how they are obtained (`detail`). No model, a count of zero.
    pub fn new(
        component: Component,
        source: &'static str,
        method: Method,
        detail: impl Into<String>,
    ) -> SourceInfo {
        SourceInfo {
            component,
            source,
            model: None,
            count: 0,
            method,
            detail: detail.into(),
        }
    }

    /// With the hardware model (`AMD EPYC 7763 64-Core Processor`, `2 x Tesla T4`).
    pub fn with_model(mut self, model: impl Into<String>) -> SourceInfo {
        self.model = Some(model.into());
        self
    }

    /// With the model when one is known, none otherwise.
    pub fn with_model_opt(mut self, model: Option<String>) -> SourceInfo {
        self.model = model;
        self
    }

    /// With how many devices the source covers (GPUs, sockets).
    pub fn with_count(mut self, count: usize) -> SourceInfo {
        self.count = count;
        self
    }
}

/// Energy used since the previous sample.
///
/// ```
/// use codecarbon_core::{Joules, Method, Reading, Watts};
/// use std::time::Duration;
///
/// let read = Reading::new(Joules(20.0), Watts(10.0), Method::Measured);
/// assert_eq!(read, Reading::measured(Joules(20.0), Duration::from_secs(2)));
/// assert_eq!(Reading::estimated(Watts(10.0), Duration::from_secs(2)).energy, Joules(20.0));
/// ```
#[derive(Debug, Clone, Copy, PartialEq)]
#[non_exhaustive]
pub struct Reading {
    /// Energy since the previous call to `sample`.
    pub energy: Joules,
    /// The power over that interval.
    pub power: Watts,
    /// Measured or estimated.
    pub method: Method,
}

impl Reading {
    /// `energy` over an interval at mean `power`, obtained by `method`.
    pub fn new(energy: Joules, power: Watts, method: Method) -> Reading {
        Reading {
            energy,
            power,
            method,
        }
    }

    /// A counter's reading: `energy` used over `elapsed`; the power is their quotient (zero
    /// over an empty interval, the first sample's).
    pub fn measured(energy: Joules, elapsed: Duration) -> Reading {
        Reading {
            energy,
            power: Watts::mean(energy, elapsed),
            method: Method::Measured,
        }
    }

    /// A model's reading: `power` held for `elapsed`.
    pub fn estimated(power: Watts, elapsed: Duration) -> Reading {
        Reading {
            energy: power.over(elapsed),
            power,
            method: Method::Estimated,
        }
    }
}

/// CPU time and memory of the tracked process tree, read once a tick by the engine.
#[derive(Debug, Clone, Copy, PartialEq)]
#[non_exhaustive]
pub struct ProcessUsage {
    /// CPU time (user + system) of the tree since its processes started; never decreases.
    pub cpu_time: Duration,
    /// Resident memory of the tree now.
    pub resident: Gigabytes,
}

impl ProcessUsage {
    /// The tree's CPU time since its processes started, and its resident memory now.
    pub fn new(cpu_time: Duration, resident: Gigabytes) -> ProcessUsage {
        ProcessUsage { cpu_time, resident }
    }
}

/// What the engine knows at a tick, shared by every source so nothing is read twice.
///
/// The engine builds it; a source's tests build one with [`SampleContext::new`] and the
/// `with_*` methods:
///
/// ```
/// use codecarbon_core::{Gigabytes, ProcessUsage, SampleContext, TrackingMode};
/// use std::time::Duration;
///
/// let ctx = SampleContext::new(Duration::from_secs(1), TrackingMode::Process, 4)
///     .with_machine_cpu_load(0.5)
///     .with_process(ProcessUsage::new(Duration::from_millis(300), Gigabytes(0.1)));
/// assert_eq!(ctx.machine_cpu_load, Some(0.5));
/// ```
#[derive(Debug, Clone, Copy, PartialEq)]
#[non_exhaustive]
pub struct SampleContext {
    /// Wall time since the previous sample (zero on the first).
    pub elapsed: Duration,
    /// Whole machine or the tracked process tree.
    pub tracking_mode: TrackingMode,
    /// Logical CPUs of the machine.
    pub logical_cpus: usize,
    /// Machine-wide CPU busy fraction (0 to 1) over `elapsed`, when known.
    pub machine_cpu_load: Option<f64>,
    /// Usage of the tracked process tree, in process mode.
    pub process: Option<ProcessUsage>,
}

impl SampleContext {
    /// A tick `elapsed` after the previous one (zero for the first), in `tracking_mode`, on a
    /// machine of `logical_cpus`; no CPU load and no process usage known.
    pub fn new(elapsed: Duration, tracking_mode: TrackingMode, logical_cpus: usize) -> Self {
        SampleContext {
            elapsed,
            tracking_mode,
            logical_cpus,
            machine_cpu_load: None,
            process: None,
        }
    }

    /// With the machine-wide CPU busy fraction (0 to 1) over `elapsed`.
    pub fn with_machine_cpu_load(mut self, load: impl Into<Option<f64>>) -> Self {
        self.machine_cpu_load = load.into();
        self
    }

    /// With the tracked process tree's usage.
    pub fn with_process(mut self, process: impl Into<Option<ProcessUsage>>) -> Self {
        self.process = process.into();
        self
    }
}

/// Why a source could not produce a sample.
#[derive(Debug, Error)]
#[non_exhaustive]
pub enum SourceError {
    /// A file could not be read; built with [`SourceError::read`].
    #[error("cannot read {path}: {source}. {hint}")]
    #[non_exhaustive]
    Read {
        /// The file.
        path: PathBuf,
        /// The underlying error.
        source: std::io::Error,
        /// How to fix it.
        hint: String,
    },
    /// A counter went backwards.
    #[error(transparent)]
    Counter(#[from] CounterRegression),
    /// Anything else, said in words that tell the fix.
    #[error("{0}")]
    Other(String),
    /// The source turns out not to measure this machine at all, although it probed available:
    /// a counter that never advances (RAPL exposed by a virtual machine that does not count).
    /// The engine then replaces a registry source with the next candidate for its component,
    /// from the interval that revealed it, instead of counting zero for the rest of the run.
    #[error("{0}")]
    Unusable(String),
}

impl SourceError {
    /// `path` could not be read because of `source`; `hint` says how to fix it.
    pub fn read(path: impl Into<PathBuf>, source: std::io::Error, hint: impl Into<String>) -> Self {
        SourceError::Read {
            path: path.into(),
            source,
            hint: hint.into(),
        }
    }
}

/// One piece of hardware whose energy we can read or estimate.
///
/// ```
/// use codecarbon_core::{Component, Method, PowerSource, Reading, SampleContext, SourceError,
///     SourceInfo, TrackingMode, Watts};
/// use std::time::Duration;
///
/// /// A source that always draws 10 W.
/// struct Constant;
/// impl PowerSource for Constant {
///     fn info(&self) -> SourceInfo {
///         SourceInfo::new(Component::Ram, "constant", Method::Estimated, "10 W")
///     }
///     fn sample(&mut self, ctx: &SampleContext) -> Result<Reading, SourceError> {
///         Ok(Reading::estimated(Watts(10.0), ctx.elapsed))
///     }
/// }
/// let ctx = SampleContext::new(Duration::from_secs(2), TrackingMode::Machine, 1);
/// assert_eq!(Constant.sample(&ctx).unwrap().energy.value(), 20.0);
/// ```
pub trait PowerSource: Send {
    /// What this source is.
    fn info(&self) -> SourceInfo;

    /// Energy since the previous call; the first call only sets the baseline.
    fn sample(&mut self, ctx: &SampleContext) -> Result<Reading, SourceError>;

    /// Longest gap between samples that keeps this source exact (counter wrap-around).
    fn max_interval(&self) -> Duration {
        Duration::from_secs(1)
    }

    /// Forgets every baseline: the next `sample` is a first one again. The engine calls it when
    /// a source given to the builder starts a new run, so the gap between runs is not counted.
    fn reset(&mut self) {}

    /// The devices' mean utilisation over the last sample's interval, in percent (GPUs report
    /// it; CodeCarbon's `gpu_utilization_percent` is its mean over the run). `None` by default.
    fn utilization(&self) -> Option<Percent> {
        None
    }

    /// When `sample` returns the tracked process tree's share of a whole-machine measurement,
    /// the whole machine's energy since the first sample, so the unattributed rest stays
    /// visible. `None` (the default) when readings are not shares.
    fn machine_energy(&self) -> Option<Joules> {
        None
    }
}
