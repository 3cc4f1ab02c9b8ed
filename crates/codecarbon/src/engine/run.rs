//! One run: its sources, place, intensity and outputs, and the totals it accumulates.
//!
//! Energy is integrated over wall time with no gaps: each sample covers exactly the time since
//! the previous one. Emissions are added per measure interval (and at every task boundary) at the
//! intensity of that moment, so a live intensity provider changes only later energy. A run and
//! each of its tasks are differences of two [`Snapshot`]s.

use super::explicit::{self, Explicit, Lent};
use super::setup::{self, SinkPart, SourcePart};
use super::totals::{Snapshot, Utilisation};
use crate::error::TrackerError;
use crate::log::Logger;
use crate::system::{os_description, MachineLoad, MemInfo, ProcFile, ProcessTree};
use codecarbon_core::{
    Component, ComponentProvenance, Config, EmissionsData, Gigabytes, Intensity, Joules, KgCo2eq,
    KgCo2eqPerSecond, KilowattHours, Location, Percent, Provenance, Report, SampleContext,
    TaskReport, TrackingMode, Watts, VERSION,
};
use std::path::PathBuf;
use std::time::{Duration, Instant};

/// A power source in use and the energy it has accounted for.
struct Active {
    part: SourcePart,
    energy: Joules,
    /// The machine's energy when `energy` is an attributed share, PUE included.
    machine_energy: Option<Joules>,
    failing: bool,
}

/// An output and whether its last call failed, so a dead endpoint is reported once, not every
/// interval.
struct Output {
    part: SinkPart,
    failing: bool,
}

/// The state of a running tracker, owned by the sampler thread.
pub(crate) struct Run {
    config: Config,
    log: Logger,
    runtime: tokio::runtime::Runtime,
    run_id: String,
    origin: Snapshot,
    last_sample: Instant,
    machine: MachineLoad,
    meminfo: (ProcFile, PathBuf),
    tree: Option<ProcessTree>,
    ram_total: Gigabytes,
    sources: Vec<Active>,
    location: Location,
    intensity: Intensity,
    outputs: Vec<Output>,
    utilisation: Utilisation,
    emissions: KgCo2eq,
    energy_covered: KilowattHours,
    tasks: Vec<(String, Snapshot)>,
    /// Errors of the outputs since the last flush or stop, for the caller.
    failures: Vec<String>,
    lent: Lent,
    os: String,
}

impl Run {
    /// Chooses and builds everything, then takes the baseline sample. The user's explicit
    /// components are borrowed from `lent` and given back by [`Run::end`] (or on error).
    pub(crate) fn start(config: Config, log: Logger, lent: Lent) -> Result<Run, TrackerError> {
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()?;
        let machine = MachineLoad::new(&config.proc_root)?;
        let mut meminfo = (ProcFile::default(), config.proc_root.join("meminfo"));
        let ram_total = MemInfo::read_with(&mut meminfo.0, &meminfo.1)?.total;
        let tree = (config.tracking_mode == TrackingMode::Process)
            .then(|| ProcessTree::new(&config.proc_root, std::process::id()));

        let mut borrowed = explicit::borrow(&lent);
        let assembled = setup::assemble(&config, &log, &runtime, &mut borrowed);
        // What the run did not take in (all of it on error) goes straight back.
        explicit::give_back(&lent, borrowed);
        let parts = assembled?;

        let now = Instant::now();
        let mut run = Run {
            run_id: uuid::Uuid::new_v4().to_string(),
            origin: Snapshot::zero(now),
            last_sample: now,
            os: os_description(),
            config,
            log,
            runtime,
            machine,
            meminfo,
            tree,
            ram_total,
            sources: parts
                .sources
                .into_iter()
                .map(|part| Active {
                    part,
                    energy: Joules::ZERO,
                    machine_energy: None,
                    failing: false,
                })
                .collect(),
            location: parts.location,
            intensity: parts.intensity,
            outputs: parts
                .sinks
                .into_iter()
                .map(|part| Output {
                    part,
                    failing: false,
                })
                .collect(),
            utilisation: Utilisation::default(),
            emissions: KgCo2eq::ZERO,
            energy_covered: KilowattHours::ZERO,
            tasks: Vec::new(),
            failures: Vec::new(),
            lent,
        };
        run.sample();
        Ok(run)
    }

    /// Hands the user's explicit components back to the tracker.
    pub(crate) fn end(self) {
        let back = Explicit {
            power_sources: self
                .sources
                .into_iter()
                .filter(|a| a.part.explicit)
                .map(|a| a.part.source)
                .collect(),
            sinks: self
                .outputs
                .into_iter()
                .filter(|o| o.part.explicit)
                .map(|o| o.part.sink)
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

    /// How often sinks get the totals.
    pub(crate) fn measure_interval(&self) -> Duration {
        self.config.measure_power_secs
    }

    /// Reads every source once, covering the time since the previous sample.
    pub(crate) fn sample(&mut self) {
        let now = Instant::now();
        let elapsed = now.saturating_duration_since(self.last_sample);
        let load = match self.machine.refresh() {
            Ok(load) => load,
            Err(e) => {
                self.log.debug(e);
                None
            }
        };
        let mem = MemInfo::read_with(&mut self.meminfo.0, &self.meminfo.1).ok();
        let process = self.tree.as_mut().map(ProcessTree::usage);
        let ctx = SampleContext {
            elapsed,
            tracking_mode: self.config.tracking_mode,
            logical_cpus: self.machine.logical_cpus(),
            machine_cpu_load: load,
            process,
        };
        let pue = self.config.pue;
        for active in &mut self.sources {
            match active.part.source.sample(&ctx) {
                Ok(reading) => {
                    active.energy += reading.energy * pue;
                    active.machine_energy = active.part.source.machine_energy().map(|e| e * pue);
                    active.part.info.method = reading.method;
                    active.failing = false;
                }
                Err(e) => {
                    if !active.failing {
                        self.log
                            .warn(format_args!("{}: {e}", active.part.info.source));
                    }
                    active.failing = true;
                }
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
            utilisation: self.utilisation,
        };
        let unpriced = snapshot.total_energy().to_kwh() - self.energy_covered;
        snapshot.emissions += unpriced * self.intensity.value;
        snapshot
    }

    /// Prices the energy used since the previous update at the current intensity.
    pub(crate) fn update_emissions(&mut self) {
        let now = self.snapshot();
        self.emissions = now.emissions;
        self.energy_covered = now.total_energy().to_kwh();
    }

    /// Samples now and prices the energy at the current intensity.
    fn checkpoint(&mut self) {
        self.sample();
        self.update_emissions();
    }

    /// Samples now and returns the totals at `at` (a moment since the previous sample).
    pub(crate) fn boundary(&mut self, at: Instant) -> Snapshot {
        let before = self.snapshot();
        self.checkpoint();
        before.interpolate(&self.snapshot(), at)
    }

    /// What happened from `origin` to `end`.
    fn report_between(&self, origin: &Snapshot, end: &Snapshot) -> Report {
        let (duration, delta) = end.since(origin);
        let (cpu, gpu, ram) = (
            delta.energy_of(Component::Cpu),
            delta.energy_of(Component::Gpu),
            delta.energy_of(Component::Ram),
        );
        let secs = duration.as_secs_f64();
        let of = |c: Component| {
            self.sources
                .iter()
                .filter(move |s| s.part.info.component == c)
        };
        let gpus: Vec<String> = of(Component::Gpu)
            .filter_map(|s| {
                let info = &s.part.info;
                info.model.as_deref().map(|m| gpu_model(info.count, m))
            })
            .collect();
        let u = &delta.utilisation;
        let energy = delta.total_energy().to_kwh();
        let data = EmissionsData {
            timestamp: chrono::Local::now().format("%Y-%m-%dT%H:%M:%S").to_string(),
            project_name: self.config.project_name.clone(),
            run_id: self.run_id.clone(),
            experiment_id: self.config.experiment_id.clone(),
            duration,
            emissions: delta.emissions,
            emissions_rate: KgCo2eqPerSecond(if secs > 0.0 {
                delta.emissions.value() / secs
            } else {
                0.0
            }),
            cpu_power: Watts::mean(cpu, duration),
            gpu_power: Watts::mean(gpu, duration),
            ram_power: Watts::mean(ram, duration),
            cpu_energy: cpu.to_kwh(),
            gpu_energy: gpu.to_kwh(),
            ram_energy: ram.to_kwh(),
            energy_consumed: energy,
            water_consumed: energy * self.config.wue,
            country_name: self.location.country_name.clone(),
            country_iso_code: self.location.country_iso_code.clone(),
            region: self.location.region.clone(),
            cloud_provider: self.location.cloud_provider.clone(),
            cloud_region: self.location.cloud_region.clone(),
            os: self.os.clone(),
            python_version: None,
            codecarbon_version: VERSION.to_string(),
            cpu_count: self.machine.logical_cpus(),
            cpu_model: of(Component::Cpu).find_map(|s| s.part.info.model.clone()),
            gpu_count: of(Component::Gpu).map(|s| s.part.info.count).sum(),
            gpu_model: (!gpus.is_empty()).then(|| gpus.join(", ")),
            longitude: self.location.longitude,
            latitude: self.location.latitude,
            ram_total_size: self.ram_total,
            tracking_mode: self.config.tracking_mode,
            cpu_utilization_percent: Percent(u.mean(u.cpu_percent)),
            gpu_utilization_percent: Percent(u.gpu_mean()),
            ram_utilization_percent: Percent(u.mean(u.ram_percent)),
            ram_used_gb: Gigabytes(u.mean(u.ram_used_gb)),
            on_cloud: self.location.on_cloud(),
            pue: self.config.pue,
            wue: self.config.wue,
        };
        let provenance = Provenance {
            components: self
                .sources
                .iter()
                .map(|s| ComponentProvenance {
                    component: s.part.info.component,
                    method: s.part.info.method,
                    source: s.part.info.source.to_string(),
                    machine_energy: s.machine_energy.map(|e| e.to_kwh()),
                })
                .collect(),
            intensity: Some(self.intensity.clone()),
        };
        Report { data, provenance }
    }

    /// Calls one hook of every output; one output's failure never stops another. A failure is
    /// reported when it starts and when the output recovers; rows and tasks are reported always.
    fn each_output(&mut self, hook: Hook<'_>) {
        for output in &mut self.outputs {
            let sink = &mut output.part.sink;
            let result = self.runtime.block_on(async {
                match hook {
                    Hook::Record(report) => sink.record(report).await,
                    Hook::Flush(report) => sink.flush(report).await,
                    Hook::Finish(report) => sink.finish(report).await,
                    Hook::Task(task) => sink.task(task).await,
                }
            });
            if let (Err(e), false) = (&result, matches!(hook, Hook::Record(_))) {
                self.failures
                    .push(format!("output `{}`: {e}", output.part.name));
            }
            match result {
                Err(e) if !output.failing || !matches!(hook, Hook::Record(_)) => {
                    self.log
                        .error(format_args!("output `{}` failed: {e}", output.part.name));
                    output.failing = true;
                }
                Err(_) => {}
                Ok(()) if output.failing => {
                    self.log
                        .warn(format_args!("output `{}` works again", output.part.name));
                    output.failing = false;
                }
                Ok(()) => {}
            }
        }
    }

    /// Hands the run's totals up to `end` to every output (the latest sample when `None`).
    pub(crate) fn deliver(&mut self, stage: Stage, end: Option<Snapshot>) -> EmissionsData {
        let end = end.unwrap_or_else(|| self.snapshot());
        let origin = self.origin;
        let report = self.report_between(&origin, &end);
        self.each_output(match stage {
            Stage::Record => Hook::Record(&report),
            Stage::Flush => Hook::Flush(&report),
            Stage::Finish => Hook::Finish(&report),
        });
        report.data
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
        let (task_name, start) = self.tasks.remove(index);
        let end = self.boundary(at);
        let Report { data, provenance } = self.report_between(&start, &end);
        Ok(TaskReport {
            task_name,
            data,
            provenance,
        })
    }

    /// The outputs' errors since the last call: rows and tasks they could not write.
    pub(crate) fn take_failures(&mut self) -> Vec<String> {
        std::mem::take(&mut self.failures)
    }

    /// Hands a finished task to every output.
    pub(crate) fn deliver_task(&mut self, task: &TaskReport) {
        self.each_output(Hook::Task(task));
    }

    /// Ends every task still running at `at`, oldest first.
    pub(crate) fn stop_all_tasks(&mut self, at: Instant) {
        while !self.tasks.is_empty() {
            let first = self.tasks[0].0.clone();
            match self.stop_task(Some(first), at) {
                Ok(task) => self.deliver_task(&task),
                Err(e) => {
                    self.log.error(e);
                    break;
                }
            }
        }
    }
}

/// CodeCarbon's `gpu_model` text for one source: `N x name`, or the source's own text when it
/// already has that form (a source covering several models writes `1 x A, 2 x B`).
fn gpu_model(count: usize, model: &str) -> String {
    let counted = model
        .split_once(" x ")
        .is_some_and(|(n, _)| !n.is_empty() && n.chars().all(|c| c.is_ascii_digit()));
    if counted {
        model.to_string()
    } else {
        format!("{count} x {model}")
    }
}

/// A sink hook and what it is given.
#[derive(Clone, Copy)]
enum Hook<'a> {
    Record(&'a Report),
    Flush(&'a Report),
    Finish(&'a Report),
    Task(&'a TaskReport),
}

/// Which sink hook to call.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Stage {
    /// Every measure interval.
    Record,
    /// The user's flush.
    Flush,
    /// The end of the run.
    Finish,
}

#[cfg(test)]
mod tests {
    #[test]
    fn gpu_model_is_counted_once() {
        assert_eq!(super::gpu_model(2, "A100"), "2 x A100");
        assert_eq!(
            super::gpu_model(3, "1 x MI210, 2 x MI250X"),
            "1 x MI210, 2 x MI250X"
        );
        assert_eq!(super::gpu_model(1, "Box x 2"), "1 x Box x 2");
    }
}
