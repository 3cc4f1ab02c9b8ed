//! One run: its sources, place, intensity and sinks, and the totals it accumulates.
//!
//! Energy is integrated over wall time with no gaps: each tick covers exactly the time since the
//! previous tick. Emissions are added per measure interval at the intensity of that moment, so a
//! live intensity provider later changes only the energy used after the change.

use super::selection;
use crate::error::TrackerError;
use crate::log::Logger;
use crate::system::{os_description, MachineLoad, MemInfo, ProcFile, ProcessTree};
use codecarbon_core::{
    Component, ComponentProvenance, Config, EmissionsData, Gigabytes, Intensity, IntensityProvider,
    Joules, KgCo2eq, KgCo2eqPerSecond, KilowattHours, Location, Percent, PowerSource, Provenance,
    Report, SampleContext, SourceInfo, TrackingMode, Watts, VERSION, WORLD_AVERAGE,
};
use std::path::PathBuf;
use std::time::{Duration, Instant, SystemTime};

/// A power source in use and the energy it has accounted for.
struct Active {
    source: Box<dyn PowerSource>,
    info: SourceInfo,
    energy: Joules,
    failing: bool,
}

/// An output and whether its last call failed, so a dead endpoint is reported once, not every
/// interval.
struct Output {
    name: &'static str,
    sink: Box<dyn codecarbon_core::Sink>,
    failing: bool,
}

/// Time-weighted means of the utilisation columns.
#[derive(Default)]
struct Utilisation {
    seconds: f64,
    cpu_percent: f64,
    ram_percent: f64,
    ram_used_gb: f64,
}

impl Utilisation {
    fn add(&mut self, weight: Duration, cpu: Option<f64>, mem: Option<MemInfo>) {
        let w = weight.as_secs_f64();
        if w <= 0.0 {
            return;
        }
        self.seconds += w;
        self.cpu_percent += w * 100.0 * cpu.unwrap_or(0.0);
        if let Some(m) = mem {
            self.ram_percent += w * m.percent.value();
            self.ram_used_gb += w * m.used.value();
        }
    }

    fn mean(&self, sum: f64) -> f64 {
        if self.seconds > 0.0 {
            sum / self.seconds
        } else {
            0.0
        }
    }
}

/// The state of a running tracker, owned by the sampler thread.
pub(crate) struct Run {
    config: Config,
    log: Logger,
    runtime: tokio::runtime::Runtime,
    run_id: String,
    started: Instant,
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
    os: String,
}

impl Run {
    /// Chooses and builds everything, then takes the baseline sample.
    pub(crate) fn start(config: Config, log: Logger) -> Result<Run, TrackerError> {
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()?;
        let machine = MachineLoad::new(&config.proc_root)?;
        let mut meminfo = (ProcFile::default(), config.proc_root.join("meminfo"));
        let ram_total = MemInfo::read_with(&mut meminfo.0, &meminfo.1)?.total;
        let tree = (config.tracking_mode == TrackingMode::Process)
            .then(|| ProcessTree::new(&config.proc_root, std::process::id()));

        let mut sources = Vec::new();
        for chosen in selection::power_sources(&config)? {
            for d in chosen.decisions.iter().filter(|d| !d.taken) {
                log.debug(format_args!(
                    "{}: skipped {}: {}",
                    chosen.component,
                    d.plugin,
                    d.reason.as_deref().unwrap_or("")
                ));
            }
            match chosen.source {
                Some(source) => {
                    let info = source.info();
                    log.info(format_args!(
                        "{}: {} ({}): {}",
                        chosen.component, info.source, info.method, info.detail
                    ));
                    sources.push(Active {
                        source,
                        info,
                        energy: Joules::ZERO,
                        failing: false,
                    });
                }
                None if chosen.component == Component::Gpu => log.debug("no GPU found"),
                None => log.warn(format_args!(
                    "no power source for {}: its energy is not counted",
                    chosen.component
                )),
            }
        }

        let location = Self::locate(&config, &log, &runtime)?;
        let intensity = Self::intensity(&config, &log, &runtime, &location)?;
        let outputs = selection::sinks(&config)?
            .into_iter()
            .map(|(name, sink)| Output {
                name,
                sink,
                failing: false,
            })
            .collect();

        let now = Instant::now();
        let mut run = Run {
            run_id: uuid::Uuid::new_v4().to_string(),
            started: now,
            last_sample: now,
            os: os_description(),
            config,
            log,
            runtime,
            machine,
            meminfo,
            tree,
            ram_total,
            sources,
            location,
            intensity,
            outputs,
            utilisation: Utilisation::default(),
            emissions: KgCo2eq::ZERO,
            energy_covered: KilowattHours::ZERO,
        };
        run.sample();
        Ok(run)
    }

    fn locate(
        config: &Config,
        log: &Logger,
        runtime: &tokio::runtime::Runtime,
    ) -> Result<Location, TrackerError> {
        if let Some(locator) = selection::locator(config)? {
            return Ok(runtime.block_on(locator.locate())?);
        }
        if config.offline {
            return Err(TrackerError::OfflineNeedsLocation);
        }
        log.warn(
            "no location known: the world average intensity is used; set country_iso_code \
             (and region) for a figure that fits where this machine runs",
        );
        Ok(Location::default())
    }

    fn intensity(
        config: &Config,
        log: &Logger,
        runtime: &tokio::runtime::Runtime,
        at: &Location,
    ) -> Result<Intensity, TrackerError> {
        if let Some(forced) = config.force_carbon_intensity_g_co2e_kwh {
            return Ok(Intensity {
                value: forced,
                source: "force_carbon_intensity_g_co2e_kwh".into(),
                year: None,
            });
        }
        let chain: Vec<Box<dyn IntensityProvider>> = selection::intensity_chain(config)?;
        for provider in &chain {
            if let Some(found) = runtime.block_on(provider.intensity(at, SystemTime::now()))? {
                return Ok(found);
            }
        }
        if at.country_iso_code.is_some() {
            log.warn(format_args!(
                "no carbon intensity data for {}: using the world average, {} g CO2eq/kWh",
                at.country_iso_code.as_deref().unwrap_or_default(),
                WORLD_AVERAGE.value()
            ));
        }
        Ok(Intensity {
            value: WORLD_AVERAGE,
            source: "world average (IEA Global Energy & CO2 Status Report 2019)".into(),
            year: Some(2019),
        })
    }

    /// The run's id.
    pub(crate) fn run_id(&self) -> &str {
        &self.run_id
    }

    /// The longest wait between samples: one second, shorter if the user or a counter asks.
    pub(crate) fn tick_period(&self) -> Duration {
        self.sources
            .iter()
            .map(|s| s.source.max_interval())
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
            match active.source.sample(&ctx) {
                Ok(reading) => {
                    active.energy += reading.energy * pue;
                    active.info.method = reading.method;
                    active.failing = false;
                }
                Err(e) => {
                    if !active.failing {
                        self.log.warn(format_args!("{}: {e}", active.info.source));
                    }
                    active.failing = true;
                }
            }
        }
        self.utilisation.add(elapsed, load, mem);
        self.last_sample = now;
    }

    fn energy(&self, component: Component) -> Joules {
        self.sources
            .iter()
            .filter(|s| s.info.component == component)
            .fold(Joules::ZERO, |sum, s| sum + s.energy)
    }

    /// Adds the emissions of the energy used since the previous update.
    pub(crate) fn update_emissions(&mut self) {
        let total = Component::ALL
            .into_iter()
            .fold(Joules::ZERO, |sum, c| sum + self.energy(c))
            .to_kwh();
        self.emissions += (total - self.energy_covered) * self.intensity.value;
        self.energy_covered = total;
    }

    /// The cumulative totals as sinks see them.
    pub(crate) fn report(&self) -> Report {
        let duration = self.last_sample.saturating_duration_since(self.started);
        let energy = |c| self.energy(c);
        let (cpu, gpu, ram) = (
            energy(Component::Cpu),
            energy(Component::Gpu),
            energy(Component::Ram),
        );
        let secs = duration.as_secs_f64();
        let info = |c: Component| self.sources.iter().filter(move |s| s.info.component == c);
        let gpus: Vec<String> = info(Component::Gpu)
            .filter_map(|s| Some(format!("{} x {}", s.info.count, s.info.model.as_ref()?)))
            .collect();
        let u = &self.utilisation;
        let data = EmissionsData {
            timestamp: chrono::Local::now().format("%Y-%m-%dT%H:%M:%S").to_string(),
            project_name: self.config.project_name.clone(),
            run_id: self.run_id.clone(),
            experiment_id: self.config.experiment_id.clone(),
            duration,
            emissions: self.emissions,
            emissions_rate: KgCo2eqPerSecond(if secs > 0.0 {
                self.emissions.value() / secs
            } else {
                0.0
            }),
            cpu_power: Watts::mean(cpu, duration),
            gpu_power: Watts::mean(gpu, duration),
            ram_power: Watts::mean(ram, duration),
            cpu_energy: cpu.to_kwh(),
            gpu_energy: gpu.to_kwh(),
            ram_energy: ram.to_kwh(),
            energy_consumed: (cpu + gpu + ram).to_kwh(),
            water_consumed: (cpu + gpu + ram).to_kwh() * self.config.wue,
            country_name: self.location.country_name.clone(),
            country_iso_code: self.location.country_iso_code.clone(),
            region: self.location.region.clone(),
            cloud_provider: self.location.cloud_provider.clone(),
            cloud_region: self.location.cloud_region.clone(),
            os: self.os.clone(),
            python_version: None,
            codecarbon_version: VERSION.to_string(),
            cpu_count: self.machine.logical_cpus(),
            cpu_model: info(Component::Cpu).find_map(|s| s.info.model.clone()),
            gpu_count: info(Component::Gpu).map(|s| s.info.count).sum(),
            gpu_model: (!gpus.is_empty()).then(|| gpus.join(", ")),
            longitude: self.location.longitude,
            latitude: self.location.latitude,
            ram_total_size: self.ram_total,
            tracking_mode: self.config.tracking_mode,
            cpu_utilization_percent: Percent(u.mean(u.cpu_percent)),
            gpu_utilization_percent: Percent(0.0),
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
                    component: s.info.component,
                    method: s.info.method,
                    source: s.info.source.to_string(),
                })
                .collect(),
            intensity: Some(self.intensity.clone()),
        };
        Report { data, provenance }
    }

    /// Hands the totals to every output; one output's failure never stops another. A failure
    /// is reported when it starts and when the output recovers; the final row's always.
    pub(crate) fn deliver(&mut self, stage: Stage) -> EmissionsData {
        let report = self.report();
        for output in &mut self.outputs {
            let sink = &mut output.sink;
            let result = self.runtime.block_on(async {
                match stage {
                    Stage::Record => sink.record(&report).await,
                    Stage::Flush => sink.flush(&report).await,
                    Stage::Finish => sink.finish(&report).await,
                }
            });
            match result {
                Err(e) if !output.failing || stage != Stage::Record => {
                    self.log
                        .error(format_args!("output `{}` failed: {e}", output.name));
                    output.failing = true;
                }
                Err(_) => {}
                Ok(()) if output.failing => {
                    self.log
                        .warn(format_args!("output `{}` works again", output.name));
                    output.failing = false;
                }
                Ok(()) => {}
            }
        }
        report.data
    }
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
