//! Track the energy use and carbon emissions of code.
//!
//! The API follows Python's CodeCarbon: an [`EmissionsTracker`] (or an
//! [`OfflineEmissionsTracker`], which never touches the network) is configured with CodeCarbon's
//! parameter names, started, flushed and stopped, and writes CodeCarbon's `emissions.csv`.
//!
//! ```no_run
//! use codecarbon::OfflineEmissionsTracker;
//!
//! let mut tracker = OfflineEmissionsTracker::builder()
//!     .country_iso_code("CAN")
//!     .project_name("my-model")
//!     .build()?;
//! tracker.start()?;
//! // ... the work to measure ...
//! let data = tracker.stop()?;
//! println!("{:.6} kg CO2eq for {:.6} kWh", data.emissions.value(), data.energy_consumed.value());
//! # Ok::<(), codecarbon::TrackerError>(())
//! ```
//!
//! Power sources, locators, intensity providers and outputs are plugins, chosen by cargo
//! features and registered in [`codecarbon_core::registry`].
//!
//! # Cargo features
//!
//! Each plugin crate is a feature of the same name and, when on, is re-exported as
//! `codecarbon::<feature>` (`codecarbon::csv`, ...), so a program reaches any plugin's own API
//! through this one dependency. `full`, the default, turns on all of them; a program that
//! wants fewer sets `default-features = false` and names the ones it needs.
//!
//! - `full` (default): every feature below.
//! - `tdp`: CPU power from its TDP and load, RAM power from its size (CodeCarbon's models, the
//!   fallback where nothing is measured).
//! - `rapl`: CPU and DRAM energy measured by RAPL (Linux).
//! - `nvml`: NVIDIA GPU energy through NVML, whose library is loaded at run time.
//! - `rocm`: AMD GPU energy through AMD SMI, else ROCm SMI, whose libraries are loaded at run
//!   time (plugins `amdsmi` and `rocm`).
//! - `iso`: the place from `country_iso_code` and `region` (or a cloud region), and the
//!   embedded carbon intensities.
//! - `cloud`: the cloud provider and region from instance metadata, and the intensity of AWS,
//!   Azure and GCP regions.
//! - `geoip`: the place from the public IP, online or from a local MaxMind database.
//! - `electricitymaps`: live carbon intensity from Electricity Maps.
//! - `csv`: the `csv` output, CodeCarbon's `emissions.csv`.
//! - `json`: the `json` output, `emissions.jsonl` with the provenance of each figure.
//! - `boamps`: the `boamps` output, the run's Boavizta BoAmps report
//!   (`boamps_report_<run_id>.json`).
//! - `comet`: the `comet` output, a Comet experiment.
//! - `prometheus`: the `prometheus` output, a Pushgateway or `/metrics` to scrape.
//! - `otlp`: the `otlp` output, OpenTelemetry metrics over OTLP/HTTP.
//! - `http`: the `http` output (a JSON POST per record) and the `api` output (the CodeCarbon
//!   API).
//! - `logger`: the `logger` output, records as `tracing` events.
//!
//! The network plugins (`cloud`, `geoip`, `electricitymaps` and the outputs that send) bring an
//! HTTP client; a build for offline use can leave them out.

pub mod config;
pub mod diagnostics;
mod engine;
mod error;
pub mod plugins;
#[doc(hidden)]
pub mod private;
mod setters;
mod tracker;

pub use codecarbon_core as core;
pub use codecarbon_core::{
    equivalents, Component, Config, CsvWriteMode, EmissionsData, Method, TrackingMode,
};
pub use codecarbon_macros::track_emissions;
/// What the engine reads from the kernel once a tick, so no plugin reads it twice.
pub use codecarbon_system as system;
pub use engine::allocation::allocation;
pub use engine::selection::{gpu_model, power_sources, ChosenSource, Decision};
pub use engine::OutputFailure;
pub use error::TrackerError;
pub use setters::SettingInput;
pub use tracker::{track, track_with, EmissionsTracker, OfflineEmissionsTracker, TrackerBuilder};

// Each plugin crate that an enabled feature links, as `codecarbon::csv`, …, so that a program
// (the CLI, the board, a user's) reaches every plugin's own API through this crate and names one
// dependency. Written by `build.rs` from the features in `Cargo.toml`.
include!(concat!(env!("OUT_DIR"), "/reexports.rs"));

/// The Rust examples of this crate's README (shown on crates.io), compiled and run by
/// `cargo test --doc -p codecarbon`.
#[cfg(doctest)]
#[doc = include_str!("../README.md")]
struct CrateReadme;

/// The Rust examples of the README and of the user guide in `docs/`, compiled (and, unless
/// marked `no_run`, run) by `cargo test --doc -p codecarbon`, so they cannot drift from the API.
#[cfg(all(doctest, repository_guide))]
mod doc_pages {
    #[doc = include_str!("../../../README.md")]
    struct ReadmeDoctests;
    #[doc = include_str!("../../../docs/README.md")]
    struct GuideIndex;
    #[doc = include_str!("../../../docs/install.md")]
    struct Install;
    #[doc = include_str!("../../../docs/quick-start.md")]
    struct QuickStart;
    #[doc = include_str!("../../../docs/location.md")]
    struct Location;
    #[doc = include_str!("../../../docs/configuration.md")]
    struct Configuration;
    #[doc = include_str!("../../../docs/outputs.md")]
    struct Outputs;
    #[doc = include_str!("../../../docs/library.md")]
    struct Library;
    #[doc = include_str!("../../../docs/cli.md")]
    struct Cli;
    #[doc = include_str!("../../../docs/troubleshooting.md")]
    struct Troubleshooting;
    #[doc = include_str!("../../../docs/from-python.md")]
    struct FromPython;
}
