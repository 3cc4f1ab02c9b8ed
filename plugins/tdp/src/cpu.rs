//! The CPU model: a TDP from `cpu_power.csv` (or 4 W per thread), scaled by the CPU load.

use crate::cpuinfo::{read_cpuinfo, CpuInfo};
use crate::error::TdpError;
use crate::matching::{find_tdp, MatchKind};
use crate::units::{format_watts, plural};
use codecarbon_core::{
    AllocatedBy, Allocation, BuildError, Component, Config, Method, PowerSource, Reading,
    SampleContext, SourceError, SourceInfo, TrackingMode, Watts,
};
use std::time::Duration;

/// CodeCarbon's TDP for a CPU missing from `cpu_power.csv`, per logical thread.
pub const DEFAULT_WATTS_PER_THREAD: Watts = Watts(4.0);
/// The share of the TDP drawn at zero load in the load model.
pub const IDLE_FRACTION: f64 = 0.1;
/// The share of the TDP drawn when the load is unknown (CodeCarbon's `constant` mode).
pub const CONSTANT_FRACTION: f64 = 0.5;
/// The `cpu_model` of a CPU whose model cannot be read, as CodeCarbon's TDP fallback writes it
/// (`TDP._main` in `codecarbon/core/cpu.py`).
pub const UNKNOWN_MODEL: &str = "Unknown";

/// How the TDP was found.
#[derive(Debug, Clone, PartialEq)]
pub enum TdpOrigin {
    /// The model equals a row of `cpu_power.csv`, ignoring case.
    Exact {
        /// The row's name.
        name: &'static str,
        /// The row's TDP, for one socket.
        per_socket: Watts,
    },
    /// The cleaned model equals a row of `cpu_power.csv`.
    Cleaned {
        /// The row's name.
        name: &'static str,
        /// The row's TDP, for one socket.
        per_socket: Watts,
    },
    /// One row of `cpu_power.csv` has tokens nested with the model's.
    TokenSet {
        /// The row's name.
        name: &'static str,
        /// The row's TDP, for one socket.
        per_socket: Watts,
    },
    /// Unknown CPU: [`DEFAULT_WATTS_PER_THREAD`] for each logical thread (no socket factor, the
    /// threads already cover every socket).
    PerThread {
        /// The logical threads counted.
        threads: usize,
    },
    /// Set by `force_cpu_power`.
    Forced,
}

/// The machine's CPU and its TDP, as `codecarbon detect` shows it.
#[derive(Debug, Clone, PartialEq)]
pub struct CpuSpec {
    /// The model name from `/proc/cpuinfo`, when it gives one.
    pub model: Option<String>,
    /// Logical CPUs.
    pub logical_cpus: usize,
    /// Sockets.
    pub sockets: usize,
    /// The whole machine's TDP (all sockets).
    pub tdp: Watts,
    /// How `tdp` was found.
    pub origin: TdpOrigin,
}

impl CpuSpec {
    /// The TDP for `info`: `forced` when given, else the table's TDP × sockets, else 4 W per
    /// logical thread.
    pub fn from_info(info: CpuInfo, forced: Option<Watts>) -> CpuSpec {
        let CpuInfo {
            model,
            logical_cpus,
            sockets,
        } = info;
        let found = model.as_deref().and_then(find_tdp);
        let (tdp, origin) = match (forced, found) {
            (Some(watts), _) => (watts, TdpOrigin::Forced),
            (None, Some(m)) => {
                let (name, per_socket) = (m.name, m.tdp);
                let origin = match m.kind {
                    MatchKind::Exact => TdpOrigin::Exact { name, per_socket },
                    MatchKind::Cleaned => TdpOrigin::Cleaned { name, per_socket },
                    MatchKind::TokenSet => TdpOrigin::TokenSet { name, per_socket },
                };
                (per_socket * sockets as f64, origin)
            }
            (None, None) => (
                DEFAULT_WATTS_PER_THREAD * logical_cpus as f64,
                TdpOrigin::PerThread {
                    threads: logical_cpus,
                },
            ),
        };
        CpuSpec {
            model,
            logical_cpus,
            sockets,
            tdp,
            origin,
        }
    }

    /// One line on where the TDP comes from (`TDP 8 W: unknown CPU `AMD EPYC`, 4 W × 2 threads`).
    pub fn describe(&self) -> String {
        let tdp = format_watts(self.tdp);
        let model = self.model.as_deref().unwrap_or("(no model name)");
        let matched = |name: &str, per_socket: Watts, how: &str| {
            format!(
                "TDP {tdp}: `{model}` is `{name}` in cpu_power.csv ({how}), {} × {}",
                format_watts(per_socket),
                plural(self.sockets, "socket")
            )
        };
        match &self.origin {
            TdpOrigin::Exact { name, per_socket } => matched(name, *per_socket, "exact match"),
            TdpOrigin::Cleaned { name, per_socket } => {
                matched(name, *per_socket, "cleaned-name match")
            }
            TdpOrigin::TokenSet { name, per_socket } => {
                matched(name, *per_socket, "token-set match")
            }
            TdpOrigin::PerThread { threads } => format!(
                "TDP {tdp}: unknown CPU `{model}`, {} × {}",
                format_watts(DEFAULT_WATTS_PER_THREAD),
                plural(*threads, "thread")
            ),
            TdpOrigin::Forced => format!("TDP {tdp}: set by force_cpu_power"),
        }
    }
}

/// The machine's CPU spec, from `<config.proc_root>/cpuinfo` and `config.force_cpu_power`.
///
/// With `force_cpu_power` set, an unreadable `cpuinfo` is not an error: the model is then
/// unknown, with one socket and the OS's logical CPU count.
pub fn cpu_spec(config: &Config) -> Result<CpuSpec, TdpError> {
    let info = match (read_cpuinfo(&config.proc_root), config.force_cpu_power) {
        (Ok(info), _) => info,
        (Err(_), Some(_)) => CpuInfo {
            model: None,
            logical_cpus: std::thread::available_parallelism().map_or(1, |n| n.get()),
            sockets: 1,
        },
        (Err(e), None) => return Err(e),
    };
    Ok(CpuSpec::from_info(info, config.force_cpu_power))
}

/// Machine-mode power: `TDP × (0.1 + 0.9 × load³)` with `load` in 0..1 (clamped), or
/// `0.5 × TDP` when the load is unknown.
pub fn load_power(tdp: Watts, load: Option<f64>) -> Watts {
    match load.filter(|l| l.is_finite()) {
        Some(load) => {
            let load = load.clamp(0.0, 1.0);
            tdp * (IDLE_FRACTION + (1.0 - IDLE_FRACTION) * load.powi(3))
        }
        None => tdp * CONSTANT_FRACTION,
    }
}

/// Process-mode power: `TDP × cpu_time / (wall × logical_cpus)`, clamped to `[0, TDP]`; zero
/// over an empty interval.
pub fn process_power(tdp: Watts, cpu_time: Duration, wall: Duration, logical_cpus: usize) -> Watts {
    let wall = wall.as_secs_f64();
    if wall <= 0.0 {
        return Watts::ZERO;
    }
    let share = cpu_time.as_secs_f64() / (wall * logical_cpus.max(1) as f64);
    tdp * share.clamp(0.0, 1.0)
}

/// The `tdp` power source: CPU power estimated from the TDP and the load.
#[derive(Debug, Clone)]
pub struct TdpSource {
    spec: CpuSpec,
    mode: TrackingMode,
    /// The CPUs the run may use, when fewer than the machine's.
    allocation: Option<Allocation>,
    detail: String,
    /// The tree's CPU time at the previous process-mode sample.
    baseline: Option<Duration>,
}

impl TdpSource {
    /// A source for `spec`, for the whole machine; `mode` only chooses the wording of the
    /// detail line (each sample follows its context's mode).
    pub fn new(spec: CpuSpec, mode: TrackingMode) -> TdpSource {
        let mut source = TdpSource {
            spec,
            mode,
            allocation: None,
            detail: String::new(),
            baseline: None,
        };
        source.detail = source.describe();
        source
    }

    /// With the CPUs the run may use: in machine mode it is charged their share of the
    /// machine's TDP (4 of 64 CPUs: 1/16 of it), not the whole machine's. An allocation of the
    /// whole machine's CPUs, or none, changes nothing.
    pub fn with_allocation(mut self, allocation: Option<&Allocation>) -> TdpSource {
        self.allocation = allocation
            .filter(|a| a.cpus_from != AllocatedBy::Machine)
            .cloned();
        self.detail = self.describe();
        self
    }

    /// The share of the machine's TDP that machine mode charges: the allocated CPUs' share.
    fn share(&self) -> f64 {
        self.allocation.as_ref().map_or(1.0, Allocation::cpu_share)
    }

    fn describe(&self) -> String {
        let model = match (self.mode, &self.allocation) {
            (TrackingMode::Process, _) => {
                "process model TDP × CPU-time share of the tracked processes".to_string()
            }
            // The whole machine, and any mode a later core adds.
            (_, None) => "load model TDP × (0.1 + 0.9 × load³)".to_string(),
            (_, Some(a)) => format!(
                "load model TDP × {}/{} CPUs ({}) × (0.1 + 0.9 × load³)",
                a.cpus, a.machine_cpus, a.cpus_from
            ),
        };
        format!("{}; {model}", self.spec.describe())
    }

    /// The CPU and TDP this source uses.
    pub fn spec(&self) -> &CpuSpec {
        &self.spec
    }

    fn power(&mut self, ctx: &SampleContext) -> Watts {
        let tdp = self.spec.tdp;
        match (ctx.tracking_mode, ctx.process) {
            (TrackingMode::Process, None) => {
                self.baseline = None;
                tdp * CONSTANT_FRACTION
            }
            (TrackingMode::Process, Some(usage)) => match self.baseline.replace(usage.cpu_time) {
                None => Watts::ZERO,
                Some(previous) => process_power(
                    tdp,
                    usage.cpu_time.saturating_sub(previous),
                    ctx.elapsed,
                    ctx.logical_cpus,
                ),
            },
            // The whole machine (or the run's share of it), and any mode a later core adds.
            _ => {
                self.baseline = None;
                load_power(tdp * self.share(), ctx.machine_cpu_load)
            }
        }
    }
}

impl PowerSource for TdpSource {
    fn info(&self) -> SourceInfo {
        SourceInfo::new(
            Component::Cpu,
            "tdp",
            Method::Estimated,
            self.detail.clone(),
        )
        .with_model(self.spec.model.as_deref().unwrap_or(UNKNOWN_MODEL))
        .with_count(self.spec.sockets)
    }

    /// Machine mode: the load model, on the allocated CPUs' share of the TDP. Process mode: the tree's share of the machine's CPU time
    /// since the previous sample (the first sample sets the baseline and reads 0 W); `0.5 × TDP`
    /// when the engine knows no load or no process usage.
    fn sample(&mut self, ctx: &SampleContext) -> Result<Reading, SourceError> {
        Ok(Reading::estimated(self.power(ctx), ctx.elapsed))
    }
}

/// Builds the `tdp` plugin.
pub(crate) fn build(config: &Config) -> Result<TdpSource, BuildError> {
    let spec = cpu_spec(config).map_err(|e| e.into_build_error("tdp"))?;
    Ok(TdpSource::new(spec, config.tracking_mode).with_allocation(config.allocation.as_ref()))
}

#[cfg(test)]
#[path = "cpu_tests.rs"]
mod tests;
