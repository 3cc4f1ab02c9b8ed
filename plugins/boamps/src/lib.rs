//! codecarbon plugin `boamps`: the run's energy as a BoAmps report.
//!
//! [BoAmps](https://github.com/Boavizta/BoAmps) is Boavizta's open format for reporting the
//! energy of AI and machine-learning work. [`BoampsSink`] writes the run's report as Python
//! CodeCarbon's BoAmps output does: `boamps_report_<run_id>.json` in `output_dir`, at each
//! flush and at stop, filled from the run's totals and from what the user says in `metadata`
//! ([`BoampsSettings`]).
//!
//! # What the report holds
//!
//! From the run, as CodeCarbon 3.3.2 fills it:
//!
//! - `header`: `formatVersion` `0.1`, `formatVersionSpecificationUri`, `reportId` (the run id),
//!   `reportDatetime` (the record's time, `YYYY-MM-DD HH:MM:SS`);
//! - one of `measures`: `measurementMethod` `codecarbon`, `version` (this build's),
//!   `powerConsumption` (the energy, kWh), `measurementDuration` (s), `averageUtilizationCpu`
//!   and, with GPUs, `averageUtilizationGpu` (fractions of 1);
//! - `system.os`; `software` (`python` and its version) only under Python;
//! - `infrastructure`: `onPremise`, or `publicCloud` with its `cloudProvider`; `components`: the
//!   CPU (its model, and half the logical CPUs as cores, as CodeCarbon counts them), the GPUs
//!   (`N x model`, their number), the RAM (1, its size in GB);
//! - `environment`: `country`, `latitude`, `longitude`.
//!
//! And what CodeCarbon leaves out but the run knows: `cpuTrackingMode` and `gpuTrackingMode`
//! (the plugins that measured: `rapl`, `nvml`, `tdp`...), `powerSourceCarbonIntensity` (the
//! intensity used, g CO2eq/kWh), and `measurementDateTime` when the measure began, as the
//! schema defines it (CodeCarbon writes its end).
//!
//! From `metadata`: `task` (which the schema requires: without it the report does not
//! validate, and a warning says so), `quality`, and any field of `header`, `system`,
//! `software`, `infrastructure` and `environment`, which wins over the run's; the user's
//! `components` are filled in from the run's of the same `componentType`.
//!
//! The sink registers itself as `boamps`; [`PLUGINS`] lists the names, so that a crate
//! referencing it keeps the registration linked.

/// The Rust examples of this crate's README (shown on crates.io), compiled and run by
/// `cargo test --doc -p codecarbon-boamps`.
#[cfg(doctest)]
#[doc = include_str!("../README.md")]
struct ReadmeDoctests;

mod context;
mod error;
mod mapper;
mod model;
mod settings;
mod sink;

pub use error::BoampsError;
pub use settings::BoampsSettings;
pub use sink::BoampsSink;

use codecarbon_core::{BuildError, Config, IntoBuildError, Probe};

/// Local files only: always available, offline too.
fn probe(_config: &Config, _settings: &BoampsSettings) -> Probe {
    Probe::Available
}

/// Every error of building the sink is the user's to fix: the run does not start without the
/// output they asked for.
impl IntoBuildError for BoampsError {
    fn into_build_error(self, plugin: &'static str) -> BuildError {
        BuildError::invalid(plugin, self)
    }
}

/// Tells the user about something they should know but that does not stop the sink.
/// A `tracing` event (target `codecarbon::boamps`, field `plugin`): the program's subscriber,
/// or the tracker's stand-in for one, decides where it goes.
pub(crate) fn warn(message: &str) {
    codecarbon_core::tracing::warn!(target: "codecarbon::boamps", plugin = "boamps", "boamps: {message}");
}

codecarbon_core::register_plugins! {
    sink {
        name: "boamps",
        priority: 0,
        summary: "Boavizta's BoAmps report, boamps_report_<run_id>.json, at each flush and at stop (CodeCarbon's BoAmpsOutput)",
        settings: BoampsSettings,
        probe: probe,
        build: BoampsSink::new,
    }
}
