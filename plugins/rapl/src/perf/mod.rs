//! RAPL through `perf_event_open`: the `power` PMU's energy events, one counter per CPU of its
//! cpumask (one per package). This needs no read access to powercap, only the right to open
//! system-wide events ([`PerfAccess`]).

mod access;
mod events;
mod sys;

pub use access::{parse_cap_eff, PerfAccess};
pub use events::{parse_cpumask, parse_event_config, read_event, read_pmu, PerfEvent, Pmu};

use crate::counters::{CounterSpec, RawCounters};
use crate::error::{RaplError, PERF_FIX};
use crate::files::Files;
use codecarbon_core::SourceError;
use std::fs::File;
use std::path::Path;

/// Where the RAPL PMU is on Linux.
pub const PMU_DIR: &str = "/sys/bus/event_source/devices/power";

/// What perf_event can do for one component on this machine.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum PerfStatus {
    /// No PMU, or it lacks the events.
    Absent,
    /// The PMU has the events but this process may not open them.
    Denied,
    /// Ready to open.
    Ready(PerfPlan),
}

/// The events to open.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct PerfPlan {
    pub(crate) pmu: Pmu,
    pub(crate) event: PerfEvent,
}

/// What perf_event offers for the first of `wanted` events the PMU in `dir` has.
pub(crate) fn plan(
    files: &dyn Files,
    dir: &Path,
    access: PerfAccess,
    wanted: &[&str],
) -> Result<PerfStatus, RaplError> {
    let Some(pmu) = read_pmu(files, dir)? else {
        return Ok(PerfStatus::Absent);
    };
    for name in wanted {
        if let Some(event) = read_event(files, dir, name)? {
            return Ok(if access.allowed() {
                PerfStatus::Ready(PerfPlan { pmu, event })
            } else {
                PerfStatus::Denied
            });
        }
    }
    Ok(PerfStatus::Absent)
}

impl PerfPlan {
    /// One counter per CPU of the cpumask.
    pub(crate) fn specs(&self) -> Vec<CounterSpec> {
        self.pmu
            .cpus
            .iter()
            .map(|cpu| {
                CounterSpec::perf(
                    format!("{} on CPU {cpu}", self.event.name),
                    self.event.scale,
                )
            })
            .collect()
    }

    /// For `SourceInfo::detail`.
    pub(crate) fn describe(&self) -> String {
        let cpus: Vec<String> = self.pmu.cpus.iter().map(i32::to_string).collect();
        format!(
            "perf_event (power PMU type {}): {} on CPU {}",
            self.pmu.pmu_type,
            self.event.name,
            cpus.join(", ")
        )
    }

    /// Opens every counter; any failure is an error naming the event, the CPU and the fix.
    pub(crate) fn open(&self) -> Result<PerfCounters, RaplError> {
        let mut fds = Vec::with_capacity(self.pmu.cpus.len());
        for &cpu in &self.pmu.cpus {
            let file =
                sys::open_counter(self.pmu.pmu_type, self.event.config, cpu).map_err(|source| {
                    RaplError::PerfOpen {
                        event: self.event.name.clone(),
                        cpu,
                        source,
                        hint: PERF_FIX.into(),
                    }
                })?;
            fds.push((cpu, file));
        }
        Ok(PerfCounters {
            event: self.event.name.clone(),
            fds,
        })
    }
}

/// Open perf_event counters.
#[derive(Debug)]
pub(crate) struct PerfCounters {
    event: String,
    fds: Vec<(i32, File)>,
}

impl RawCounters for PerfCounters {
    fn read(&mut self) -> Result<Vec<u64>, SourceError> {
        self.fds
            .iter()
            .map(|(cpu, file)| {
                sys::read_count(file).map_err(|e| {
                    SourceError::Other(format!(
                        "cannot read perf event {} on CPU {cpu}: {e}; restart the tracker",
                        self.event
                    ))
                })
            })
            .collect()
    }
}
