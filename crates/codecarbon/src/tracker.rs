//! `EmissionsTracker` and its builder, with CodeCarbon's parameter names.

use crate::config::{resolve, ConfigLoadError, ConfigSources, Resolved, Setting};
use crate::diagnostics::{Route, CONFIG};
use crate::engine::explicit::{Explicit, Lent};
use crate::engine::sampler::Sampler;
use crate::engine::OutputFailure;
use crate::error::TrackerError;
use crate::setters::SettingInput;
use codecarbon_core::{Config, EmissionsData, IntensityProvider, Locator, PowerSource, Sink};
use std::sync::{Arc, Mutex};

/// Builds an [`EmissionsTracker`]. Settings given here override config files and environment.
///
/// ```no_run
/// use codecarbon::EmissionsTracker;
/// let mut tracker = EmissionsTracker::builder()
///     .project_name("training")
///     .measure_power_secs(1.0)
///     .country_iso_code("CAN")
///     .build()?;
/// tracker.start()?;
/// // ... the work to measure ...
/// let data = tracker.stop()?;
/// println!("{} kg CO2eq", data.emissions.value());
/// # Ok::<(), codecarbon::TrackerError>(())
/// ```
#[derive(Debug)]
pub struct TrackerBuilder {
    sources: ConfigSources,
    settings: Vec<Setting>,
    explicit: Explicit,
}

/// One setter per setting of the tracker, from its declaration: the setter's name is the key,
/// its documentation the setting's.
macro_rules! builder_setters {
    ($( $(#[doc = $doc:literal])* $field:ident : $ty:ty = $spec:expr; )*) => {
        impl TrackerBuilder {
            $(
                #[doc = concat!("`", stringify!($field), "`: ")]
                $(#[doc = $doc])*
                pub fn $field(self, value: impl SettingInput<$ty>) -> Self {
                    self.set(stringify!($field), value.into_text())
                }
            )*
        }
    };
}

codecarbon_core::core_settings!(builder_setters);

impl TrackerBuilder {
    fn new() -> Self {
        Self {
            sources: ConfigSources::from_process(),
            settings: Vec::new(),
            explicit: Explicit::default(),
        }
    }

    /// Sets any setting by its CodeCarbon key; the value is parsed and checked at `build()`.
    pub fn set(mut self, key: &str, value: impl Into<String>) -> Self {
        self.settings.push(Setting {
            key: key.to_string(),
            value: value.into(),
            origin: format!("builder method {key}()"),
        });
        self
    }

    /// Adds a setting with its origin (`--pue`), as a command line does.
    pub fn setting(mut self, setting: Setting) -> Self {
        self.settings.push(setting);
        self
    }

    /// A default of the calling program: below config files and environment, so they win.
    pub fn default_value(mut self, key: &str, value: &str) -> Self {
        self.sources.defaults.push(Setting {
            key: key.to_string(),
            value: value.to_string(),
            origin: format!("the default {key} = {value}"),
        });
        self
    }

    /// Reads settings from these files and environment instead of the process's own.
    pub fn config_sources(mut self, sources: ConfigSources) -> Self {
        self.sources = sources;
        self
    }

    /// Uses `source` for its component instead of the registry's choice.
    ///
    /// ```
    /// use codecarbon::core::{Component, Method, PowerSource, Reading, SampleContext,
    ///     SourceError, SourceInfo, Watts};
    ///
    /// /// A board whose power is known to be 3 W.
    /// struct Board;
    /// impl PowerSource for Board {
    ///     fn info(&self) -> SourceInfo {
    ///         SourceInfo::new(Component::Cpu, "board", Method::Estimated, "3 W").with_count(1)
    ///     }
    ///     fn sample(&mut self, ctx: &SampleContext) -> Result<Reading, SourceError> {
    ///         Ok(Reading::estimated(Watts(3.0), ctx.elapsed))
    ///     }
    /// }
    /// let builder = codecarbon::EmissionsTracker::builder().with_power_source(Board);
    /// ```
    pub fn with_power_source(mut self, source: impl PowerSource + 'static) -> Self {
        self.explicit.power_sources.push(Box::new(source));
        self
    }

    /// Uses `locator` instead of the registry's. Like theirs, it is asked on the run's location
    /// thread, so `start()` does not wait for it; a failure is a warning, and the intensity
    /// falls back as when no place is found.
    pub fn with_locator(mut self, locator: impl Locator + 'static) -> Self {
        self.explicit.locator = Some(std::sync::Arc::new(locator));
        self
    }

    /// Asks `provider` for the carbon intensity before the registry's providers.
    pub fn with_intensity_provider(mut self, provider: impl IntensityProvider + 'static) -> Self {
        self.explicit.intensity.push(std::sync::Arc::new(provider));
        self
    }

    /// Names the version of the Python interpreter the tracker runs in, for the
    /// `python_version` column, which is empty otherwise: for a binding such as the
    /// `codecarbon-rs` Python package, whose rows Python tools read as CodeCarbon's.
    pub fn python_version(mut self, version: impl Into<String>) -> Self {
        self.explicit.python_version = Some(version.into());
        self
    }

    /// Sends the totals to `sink` too, beside those of `output_methods`.
    pub fn with_sink(mut self, sink: impl Sink + 'static) -> Self {
        self.explicit.sinks.push(Box::new(sink));
        self
    }

    /// Builds and starts the tracker: the value it returns stops the run when dropped.
    pub fn start(self) -> Result<EmissionsTracker, TrackerError> {
        let mut tracker = self.build()?;
        tracker.start()?;
        Ok(tracker)
    }

    /// The settings [`build`](Self::build) would resolve, and their warnings, read without
    /// building anything or telling anyone: a command line reads `log_level` here to set up its
    /// `tracing` subscriber before the tracker's first message.
    pub fn resolve(&self) -> Result<Resolved, ConfigLoadError> {
        resolve(&self.sources, &self.settings)
    }

    /// Resolves and checks the configuration, and that each output `output_methods` names is in
    /// this build and can work with it (`api` offline cannot); the tracker is not started yet.
    pub fn build(self) -> Result<EmissionsTracker, TrackerError> {
        let resolved = resolve(&self.sources, &self.settings)?;
        let config = resolved.config;
        let route = Route::new(&config.log_level);
        let _route = route.enter();
        for warning in &resolved.warnings {
            tracing::warn!(
                target: CONFIG,
                key = warning.key.as_deref(),
                origin = warning.origin.as_deref(),
                "{warning}"
            );
        }
        let has_locator =
            self.explicit.locator.is_some() || crate::engine::selection::any_locator(&config);
        if config.offline && !has_locator {
            return Err(TrackerError::OfflineNeedsLocation);
        }
        crate::engine::selection::outputs(&config)?;
        Ok(EmissionsTracker {
            config,
            route,
            explicit: Arc::new(Mutex::new(self.explicit)),
            sampler: None,
            last: None,
            output_errors: Vec::new(),
        })
    }
}

/// Measures the energy and emissions of the code that runs between `start()` and `stop()`.
///
/// One background thread samples every power source at least once a second and hands the
/// cumulative totals to the outputs every `measure_power_secs` (or every `api_call_interval`-th
/// time) and at stop. A tracker can be started again after `stop()`: that is a new run, with a
/// new `run_id` and totals from zero.
/// Dropping a running tracker stops it, so its last row is written even when the tracked code
/// panics.
pub struct EmissionsTracker {
    config: Config,
    /// Where its messages go: the caller's subscriber, else stderr at `log_level`.
    route: Route,
    explicit: Lent,
    sampler: Option<Sampler>,
    last: Option<EmissionsData>,
    output_errors: Vec<OutputFailure>,
}

impl EmissionsTracker {
    /// A builder that reads `~/.codecarbon.config`, `./.codecarbon.config` and `CODECARBON_*`.
    pub fn builder() -> TrackerBuilder {
        TrackerBuilder::new()
    }

    /// The resolved settings.
    pub fn config(&self) -> &Config {
        &self.config
    }

    /// Whether a run is in progress.
    pub fn is_running(&self) -> bool {
        self.sampler.is_some()
    }

    /// The current run's id.
    pub fn run_id(&self) -> Option<&str> {
        self.sampler.as_ref().map(Sampler::run_id)
    }

    /// Starts a run: chooses the power sources, the place and its intensity, opens the outputs,
    /// and takes the first sample. Starting a running tracker does nothing.
    pub fn start(&mut self) -> Result<(), TrackerError> {
        let _route = self.route.enter();
        if self.sampler.is_some() {
            tracing::warn!(
                target: crate::diagnostics::ENGINE,
                "start() on a running tracker is ignored"
            );
            return Ok(());
        }
        let lent = Arc::clone(&self.explicit);
        self.sampler = Some(Sampler::spawn(self.config.clone(), lent)?);
        Ok(())
    }

    /// Starts a task inside the run: its totals are what happens until `stop_task(name)`.
    /// Tasks of different names may overlap. Starting one takes a sample and nothing else.
    pub fn start_task(&mut self, name: &str) -> Result<(), TrackerError> {
        let _route = self.route.enter();
        let sampler = self.sampler.as_ref().ok_or(TrackerError::NotStarted)?;
        sampler.start_task(name)
    }

    /// Ends the task `name` and returns its totals (`duration` is the task's wall time). The
    /// CSV output adds its row to `emissions_<experiment_name>_<run_id>.csv`, as CodeCarbon.
    pub fn stop_task(&mut self, name: &str) -> Result<EmissionsData, TrackerError> {
        let _route = self.route.enter();
        let sampler = self.sampler.as_ref().ok_or(TrackerError::NotStarted)?;
        sampler.stop_task(Some(name))
    }

    /// Ends the task started last, as CodeCarbon's `stop_task()` without a name.
    pub fn stop_last_task(&mut self) -> Result<EmissionsData, TrackerError> {
        let _route = self.route.enter();
        let sampler = self.sampler.as_ref().ok_or(TrackerError::NotStarted)?;
        sampler.stop_task(None)
    }

    /// Writes a row with the totals so far (CSV: a new row, or this run's row in `update` mode)
    /// and returns them. An output that could not write is logged and listed by
    /// [`output_errors`](Self::output_errors); the totals are returned all the same.
    pub fn flush(&mut self) -> Result<EmissionsData, TrackerError> {
        let _route = self.route.enter();
        let sampler = self.sampler.as_ref().ok_or(TrackerError::NotStarted)?;
        let (data, errors) = sampler.flush()?;
        self.output_errors = errors;
        Ok(data)
    }

    /// Ends the run, writes its final row and returns its totals. Stopping again returns the
    /// same totals. Outputs that could not write are listed by
    /// [`output_errors`](Self::output_errors).
    pub fn stop(&mut self) -> Result<EmissionsData, TrackerError> {
        let _route = self.route.enter();
        match self.sampler.take() {
            Some(sampler) => {
                let (data, errors) = sampler.stop()?;
                self.output_errors = errors;
                self.last = Some(data.clone());
                Ok(data)
            }
            None => self.last.clone().ok_or(TrackerError::NotStarted),
        }
    }

    /// The outputs that could not take the row of the last `flush()` or `stop()`, each with
    /// its name (as in `output_methods`) and why: empty when the row reached every output.
    /// (Tasks and interval records an output cannot write are logged.) The CSV and JSON Lines
    /// outputs keep a row they could not write in their checkpoints, which the next tracker
    /// writing that file adds.
    pub fn output_errors(&self) -> &[OutputFailure] {
        &self.output_errors
    }

    /// Whether the output `name` (as in `output_methods`) could not take the row at the last
    /// `flush()` or `stop()`: it is then in [`output_errors`](Self::output_errors).
    pub fn output_failed(&self, name: &str) -> bool {
        self.output_errors.iter().any(|e| e.output == name)
    }
}

impl Drop for EmissionsTracker {
    fn drop(&mut self) {
        if self.sampler.is_some() {
            let _route = self.route.enter();
            if let Err(e) = self.stop() {
                tracing::error!(target: crate::diagnostics::ENGINE, "{e}");
            }
        }
    }
}

/// Runs `work` under a tracker configured by the config files and environment, and returns its
/// value with the run's totals.
///
/// ```no_run
/// let (sum, data) = codecarbon::track(|| (1..=1_000_000u64).sum::<u64>())?;
/// println!("{sum}: {} kWh", data.energy_consumed.value());
/// # Ok::<(), codecarbon::TrackerError>(())
/// ```
pub fn track<T>(work: impl FnOnce() -> T) -> Result<(T, EmissionsData), TrackerError> {
    track_with(EmissionsTracker::builder(), work)
}

/// Runs `work` under a tracker made by `builder`, and returns its value with the run's totals.
/// If `work` panics, the tracker's drop still writes the row.
pub fn track_with<T>(
    builder: TrackerBuilder,
    work: impl FnOnce() -> T,
) -> Result<(T, EmissionsData), TrackerError> {
    let mut tracker = builder.start()?;
    let value = work();
    let data = tracker.stop()?;
    Ok((value, data))
}

/// A tracker that never uses the network: the place comes from `country_iso_code` (and
/// `region`) or from `cloud_provider` and `cloud_region`, as in CodeCarbon.
///
/// ```no_run
/// use codecarbon::OfflineEmissionsTracker;
/// let mut tracker = OfflineEmissionsTracker::builder().country_iso_code("FRA").build()?;
/// tracker.start()?;
/// let data = tracker.stop()?;
/// # Ok::<(), codecarbon::TrackerError>(())
/// ```
pub struct OfflineEmissionsTracker;

impl OfflineEmissionsTracker {
    /// A builder with `offline` set: `build()` fails without a country or cloud region.
    pub fn builder() -> TrackerBuilder {
        EmissionsTracker::builder().offline(true)
    }
}
