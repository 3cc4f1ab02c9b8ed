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
#[derive(Debug, Clone, PartialEq, Serialize)]
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

/// Energy used since the previous sample.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Reading {
    /// Energy since the previous call to `sample`.
    pub energy: Joules,
    /// The power over that interval.
    pub power: Watts,
    /// Measured or estimated.
    pub method: Method,
}

impl Reading {
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
pub struct ProcessUsage {
    /// CPU time (user + system) of the tree since its processes started; never decreases.
    pub cpu_time: Duration,
    /// Resident memory of the tree now.
    pub resident: Gigabytes,
}

/// What the engine knows at a tick, shared by every source so nothing is read twice.
#[derive(Debug, Clone, Copy, PartialEq)]
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

/// Why a source could not produce a sample.
#[derive(Debug, Error)]
pub enum SourceError {
    /// A file could not be read.
    #[error("cannot read {path}: {source}. {hint}")]
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
///         SourceInfo { component: Component::Ram, source: "constant", model: None, count: 0,
///             method: Method::Estimated, detail: "10 W".into() }
///     }
///     fn sample(&mut self, ctx: &SampleContext) -> Result<Reading, SourceError> {
///         Ok(Reading::estimated(Watts(10.0), ctx.elapsed))
///     }
/// }
/// let ctx = SampleContext { elapsed: Duration::from_secs(2), tracking_mode: TrackingMode::Machine,
///     logical_cpus: 1, machine_cpu_load: None, process: None };
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
