//! One run: its sources, place, intensity and outputs, and the totals it accumulates.
//!
//! Energy is integrated over wall time with no gaps: each sample covers exactly the time since
//! the previous one. Emissions are added per measure interval (and at every task boundary) at the
//! intensity of that moment, so a live intensity provider changes only later energy. A run and
//! each of its tasks are differences of two [`Snapshot`]s.

mod report;
mod start;

use super::explicit::{self, Explicit, Lent};
use super::outlet::{Outlet, Receipt};
use super::place::Place;
use super::selection;
use super::setup::SourcePart;
use super::timestamp::LocalClock;
use super::totals::{Snapshot, Utilisation};
use crate::diagnostics::ENGINE;
use crate::error::TrackerError;
use crate::system::{MachineLoad, MemInfo, ProcFile, ProcessTree};
use codecarbon_core::{
    Allocation, Component, Config, EmissionsData, GramsPerKwh, IntensityProvider, Joules, KgCo2eq,
    KilowattHours, Reading, SampleContext, SourceError, TaskReport, WORLD_AVERAGE,
};
use std::path::PathBuf;
use std::sync::Arc;
use std::time::{Duration, Instant};

/// A power source in use and the energy it has accounted for.
struct Active {
    part: SourcePart,
    energy: Joules,
    /// The machine's energy when `energy` is an attributed share, PUE included.
    machine_energy: Option<Joules>,
    failing: bool,
}

impl Active {
    /// Adds a reading's energy, PUE included.
    fn count(&mut self, reading: &Reading, pue: f64) {
        self.energy += reading.energy * pue;
        self.machine_energy = self.part.source.machine_energy().map(|e| e * pue);
        self.part.info.method = reading.method;
        self.failing = false;
    }

    /// A failed sample: warned once until the source reads again.
    fn fail(&mut self, e: &SourceError) {
        if !self.failing {
            let info = &self.part.info;
            tracing::warn!(
                target: ENGINE,
                component = %info.component,
                source = info.source,
                "{}: {e}",
                info.source
            );
        }
        self.failing = true;
    }

    /// Puts the next candidate for its component in the place of a source that turned out
    /// unusable, and lets it cover this interval, so the run goes on measuring or estimating
    /// rather than counting zero. The energy counted so far stays.
    fn replace(&mut self, config: &Config, why: &str, ctx: &SampleContext, pue: f64) {
        let (component, gone) = (self.part.info.component, self.part.info.source);
        let next = match selection::next_power_source(config, component, gone) {
            Ok(next) => next,
            Err(e) => {
                tracing::warn!(target: ENGINE, component = %component, source = gone, "{e}");
                None
            }
        };
        let Some(source) = next else {
            tracing::warn!(
                target: ENGINE,
                component = %component,
                source = gone,
                "{gone}: {why}; no other {component} power source, so its energy is not counted \
                 from now on"
            );
            self.failing = true;
            return;
        };
        let info = source.info();
        tracing::warn!(
            target: ENGINE,
            component = %component,
            source = gone,
            "{gone}: {why}; {component} power from {} ({}) instead: {}",
            info.source,
            info.method,
            info.detail
        );
        self.part = SourcePart {
            source,
            info,
            explicit: false,
        };
        self.failing = false;
        match self.part.source.sample(ctx) {
            Ok(reading) => self.count(&reading, pue),
            Err(e) => self.fail(&e),
        }
    }
}

/// The state of a running tracker, owned by the sampler thread.
pub(crate) struct Run {
    config: Config,
    run_id: String,
    origin: Snapshot,
    last_sample: Instant,
    machine: MachineLoad,
    meminfo: (ProcFile, PathBuf),
    tree: Option<ProcessTree>,
    /// The CPUs and memory the run may use (also in `config.allocation`, for the sources).
    allocation: Allocation,
    sources: Vec<Active>,
    place: Place,
    /// The user's intensity providers, shared with the place thread, handed back at the end.
    providers: Vec<Arc<dyn IntensityProvider>>,
    outputs: Vec<Outlet>,
    utilisation: Utilisation,
    emissions: KgCo2eq,
    energy_covered: KilowattHours,
    tasks: Vec<(String, Snapshot)>,
    lent: Lent,
    os: String,
    /// The `python_version` column: set by a Python binding, empty otherwise.
    python_version: Option<String>,
    clock: LocalClock,
    unsettled_warned: bool,
}

/// How long a flush or the stop waits for the location and a first intensity.
const SETTLE_LIMIT: Duration = Duration::from_secs(5);

/// How long the end of a run waits for the place thread to hand the user's providers back.
const PLACE_END_LIMIT: Duration = Duration::from_secs(1);

impl Run {
    /// Waits until `deadline` for the outputs to finish, then hands the user's explicit
    /// components back to the tracker.
    pub(crate) fn end(self, deadline: Instant) {
        self.place.end(PLACE_END_LIMIT);
        let back = Explicit {
            intensity: self.providers,
            power_sources: self
                .sources
                .into_iter()
                .filter(|a| a.part.explicit)
                .map(|a| a.part.source)
                .collect(),
            sinks: self
                .outputs
                .into_iter()
                .filter_map(|o| o.end(deadline))
                .collect(),
            ..Explicit::default()
        };
        explicit::give_back(&self.lent, back);
    }

    /// The run's id.
    pub(crate) fn run_id(&self) -> &str {
        &self.run_id
    }

    /// The longest wait between samples: one second, shorter if the user or a counter asks.
    pub(crate) fn tick_period(&self) -> Duration {
        self.sources
            .iter()
            .map(|s| s.part.source.max_interval())
            .chain([Duration::from_secs(1), self.config.measure_power_secs])
            .min()
            .unwrap_or(Duration::from_secs(1))
            .max(Duration::from_millis(10))
    }

    /// How often the energy is priced at the intensity of its time.
    pub(crate) fn measure_interval(&self) -> Duration {
        self.config.measure_power_secs
    }

    /// Every how many measurements the outputs get the running totals (`None`: only at flush and
    /// stop), CodeCarbon's `api_call_interval`.
    pub(crate) fn live_every(&self) -> Option<std::num::NonZeroU32> {
        self.config.api_call_interval
    }

    /// Reads every source once, covering the time since the previous sample.
    pub(crate) fn sample(&mut self) {
        let now = Instant::now();
        let elapsed = now.saturating_duration_since(self.last_sample);
        let load = match self.machine.refresh() {
            Ok(load) => load,
            Err(e) => {
                tracing::debug!(target: ENGINE, "{e}");
                None
            }
        };
        let mem = MemInfo::read_with(&mut self.meminfo.0, &self.meminfo.1).ok();
        let forks = self.machine.forks();
        let process = self.tree.as_mut().map(|tree| tree.usage(forks));
        let ctx = SampleContext::new(
            elapsed,
            self.config.tracking_mode,
            self.machine.logical_cpus(),
        )
        .with_machine_cpu_load(load)
        .with_process(process);
        let pue = self.config.pue;
        for active in &mut self.sources {
            match active.part.source.sample(&ctx) {
                Ok(reading) => active.count(&reading, pue),
                // A registry's CPU or RAM source has others ranked below it; GPU sources each
                // cover their own devices, and a user's source is the user's choice.
                Err(SourceError::Unusable(why))
                    if !active.failing
                        && !active.part.explicit
                        && active.part.info.component != Component::Gpu =>
                {
                    active.replace(&self.config, &why, &ctx, pue);
                }
                Err(e) => active.fail(&e),
            }
        }
        let gpus: Vec<f64> = self
            .sources
            .iter()
            .filter(|s| s.part.info.component == Component::Gpu)
            .filter_map(|s| s.part.source.utilization())
            .map(|p| p.value())
            .collect();
        let gpu = (!gpus.is_empty()).then(|| gpus.iter().sum::<f64>() / gpus.len() as f64);
        self.utilisation.add(elapsed, load, mem, gpu);
        self.last_sample = now;
    }

    /// The cumulative totals at the last sample; emissions include the energy not yet priced,
    /// at the current intensity, so energy and emissions always describe the same instant.
    fn snapshot(&self) -> Snapshot {
        let mut energy = [Joules::ZERO; 3];
        for (slot, component) in energy.iter_mut().zip(Component::ALL) {
            *slot = self
                .sources
                .iter()
                .filter(|s| s.part.info.component == component)
                .fold(Joules::ZERO, |sum, s| sum + s.energy);
        }
        let mut snapshot = Snapshot {
            at: self.last_sample,
            energy,
            emissions: self.emissions,
            unpriced: KilowattHours::ZERO,
            price: GramsPerKwh(0.0),
            utilisation: self.utilisation,
        };
        // The energy since the last pricing is provisional, at the current intensity (the
        // world average until the place thread has one).
        let price = self.place.price().unwrap_or(WORLD_AVERAGE);
        snapshot.unpriced = snapshot.total_energy().to_kwh() - self.energy_covered;
        snapshot.price = price;
        snapshot.emissions += snapshot.unpriced * price;
        snapshot
    }

    /// Prices the energy used since the previous update at the current intensity, once one is
    /// known; the intensity it priced at. Task starts taken since the previous update are
    /// repriced at it too, so tasks add up to the run.
    pub(crate) fn update_emissions(&mut self) -> Option<GramsPerKwh> {
        let price = self.place.price()?;
        let mut now = self.snapshot();
        now.reprice(price);
        self.emissions = now.emissions;
        self.energy_covered = now.total_energy().to_kwh();
        self.origin.reprice(price);
        for (_, start) in &mut self.tasks {
            start.reprice(price);
        }
        Some(price)
    }

    /// Waits, within a bound, for the location and the intensity, so that a row written at a
    /// flush or the stop has them; a short run would otherwise end before a lookup answers.
    pub(crate) fn settle(&mut self) {
        if !self.place.settle(SETTLE_LIMIT) && !self.unsettled_warned {
            tracing::warn!(
                target: ENGINE,
                "the location or carbon intensity is still unknown after {SETTLE_LIMIT:?}: \
                 this row uses the world average, {} g CO2eq/kWh",
                WORLD_AVERAGE.value()
            );
            self.unsettled_warned = true;
        }
    }

    /// Samples now and returns the totals at `at` (a moment since the previous sample).
    pub(crate) fn boundary(&mut self, at: Instant) -> Snapshot {
        let mut before = self.snapshot();
        self.sample();
        if let Some(price) = self.update_emissions() {
            before.reprice(price);
        }
        before.interpolate(&self.snapshot(), at)
    }

    /// Hands the totals of the `measure`-th interval (from 1) to the outputs that take them:
    /// every output when `live` (each `api_call_interval`-th), except that an output that
    /// keeps a checkpoint takes them when one is due ([`checkpoint_due`]), live or not.
    /// Builds no record when no output takes it. Only enqueues: the outputs write on their own
    /// threads.
    pub(crate) fn record(&mut self, measure: u32, live: bool) {
        let checkpoint = checkpoint_due(measure, self.config.measure_power_secs);
        let takes = |o: &&Outlet| {
            if o.checkpoints() {
                checkpoint
            } else {
                live
            }
        };
        let mut takers = self.outputs.iter().filter(takes).peekable();
        if takers.peek().is_none() {
            return;
        }
        let (origin, end) = (self.origin, self.snapshot());
        let report = Arc::new(self.report_between(&origin, &end));
        takers.for_each(|o| o.record(&report));
    }

    /// Hands the run's totals up to `end` to every output, for a row the user asked for (a
    /// flush, the stop). Only enqueues; the receipts tell when each output has written it.
    pub(crate) fn deliver(&mut self, stage: Stage, end: Snapshot) -> (EmissionsData, Vec<Receipt>) {
        let origin = self.origin;
        let report = Arc::new(self.report_between(&origin, &end));
        let receipts = match stage {
            Stage::Flush => self.outputs.iter().map(|o| o.flush(&report)).collect(),
            Stage::Finish => self.outputs.iter().map(|o| o.finish(&report)).collect(),
        };
        (report.data.clone(), receipts)
    }

    /// Starts a task named `name` at `at`, the instant its caller asked.
    pub(crate) fn start_task(&mut self, name: String, at: Instant) -> Result<(), TrackerError> {
        if self.tasks.iter().any(|(n, _)| *n == name) {
            return Err(TrackerError::TaskRunning(name));
        }
        let start = self.boundary(at);
        self.tasks.push((name, start));
        Ok(())
    }

    /// Ends the task named `name` (the latest started when `None`) at `at` and returns its
    /// totals; [`Run::deliver_task`] then hands them to the outputs, after the caller has its
    /// answer, so writing files never delays the caller's next task.
    pub(crate) fn stop_task(
        &mut self,
        name: Option<String>,
        at: Instant,
    ) -> Result<TaskReport, TrackerError> {
        let index = match &name {
            Some(name) => self.tasks.iter().position(|(n, _)| n == name),
            None => self.tasks.len().checked_sub(1),
        }
        .ok_or_else(|| TrackerError::NoSuchTask(name.unwrap_or_default()))?;
        // The boundary first: pricing there reprices the task's start too.
        let end = self.boundary(at);
        Ok(self.end_task(index, &end))
    }

    fn end_task(&mut self, index: usize, end: &Snapshot) -> TaskReport {
        let (task_name, start) = self.tasks.remove(index);
        let report = self.report_between(&start, end);
        TaskReport::new(task_name, report.data, report.provenance)
    }

    /// Hands a finished task to every output.
    pub(crate) fn deliver_task(&mut self, task: TaskReport) {
        let task = Arc::new(task);
        self.outputs.iter().for_each(|o| o.task(&task));
    }

    /// Ends every task still running at `end` (the run's own end), oldest first.
    pub(crate) fn stop_all_tasks(&mut self, end: &Snapshot) {
        while !self.tasks.is_empty() {
            let task = self.end_task(0, end);
            self.deliver_task(task);
        }
    }
}

/// The shortest time between two crash checkpoints. A checkpoint is a wake of the output's
/// thread and a write: every second, that was more than half of what a run at a one-second
/// interval cost (`docs/benchmarks.md`). A run killed (SIGKILL, the out-of-memory killer) loses
/// at most this, or one measure interval when that is longer.
pub(crate) const CHECKPOINT_PERIOD: Duration = Duration::from_secs(5);

/// Whether the `measure`-th measurement (from 1) of a run measuring every `interval` saves a
/// checkpoint: the first, then one every [`CHECKPOINT_PERIOD`] (every measurement when the
/// interval is that long or longer).
pub(crate) fn checkpoint_due(measure: u32, interval: Duration) -> bool {
    // Whole measurements: a period that is not a multiple of the interval is rounded down.
    let every = CHECKPOINT_PERIOD.as_nanos() / interval.as_nanos().max(1);
    let every = u32::try_from(every).unwrap_or(u32::MAX).max(1);
    measure.saturating_sub(1).is_multiple_of(every)
}

/// Which row the user asked for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Stage {
    /// The user's flush.
    Flush,
    /// The end of the run.
    Finish,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn due(interval_ms: u64) -> Vec<u32> {
        (1..=25)
            .filter(|&m| checkpoint_due(m, Duration::from_millis(interval_ms)))
            .collect()
    }

    #[test]
    fn a_checkpoint_at_the_first_measurement_then_every_period() {
        assert_eq!(due(1000), [1, 6, 11, 16, 21]);
        assert_eq!(due(2000), [1, 3, 5, 7, 9, 11, 13, 15, 17, 19, 21, 23, 25]);
        assert_eq!(due(500), [1, 11, 21]);
        // A period that is no multiple of the interval: never longer than the period.
        assert_eq!(&due(3000)[..3], [1, 2, 3]);
        assert_eq!(&due(1500)[..3], [1, 4, 7]);
        // Intervals of the period or longer: every measurement.
        assert_eq!(due(5000).len(), 25);
        assert_eq!(due(15_000).len(), 25);
        assert!(checkpoint_due(1, Duration::from_millis(100)));
        assert!(!checkpoint_due(2, Duration::from_millis(100)));
        assert!(checkpoint_due(51, Duration::from_millis(100)));
    }
}
