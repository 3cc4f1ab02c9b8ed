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
pub use engine::selection::{power_sources, ChosenSource, Decision};
pub use engine::OutputFailure;
pub use error::TrackerError;
pub use setters::SettingInput;
pub use tracker::{track, track_with, EmissionsTracker, OfflineEmissionsTracker, TrackerBuilder};

// Each plugin crate, behind its feature, so that a program (the CLI, the board, a user's) reaches
// every plugin's own API through this crate and names one dependency.
#[cfg(feature = "cloud")]
pub use codecarbon_cloud as cloud;
#[cfg(feature = "comet")]
pub use codecarbon_comet as comet;
#[cfg(feature = "csv")]
pub use codecarbon_csv as csv;
#[cfg(feature = "electricitymaps")]
pub use codecarbon_electricitymaps as electricitymaps;
#[cfg(feature = "geoip")]
pub use codecarbon_geoip as geoip;
#[cfg(feature = "http")]
pub use codecarbon_http as http;
#[cfg(feature = "iso")]
pub use codecarbon_iso as iso;
#[cfg(feature = "json")]
pub use codecarbon_json as json;
#[cfg(feature = "logger")]
pub use codecarbon_logger as logger;
#[cfg(feature = "nvml")]
pub use codecarbon_nvml as nvml;
#[cfg(feature = "otlp")]
pub use codecarbon_otlp as otlp;
#[cfg(feature = "prometheus")]
pub use codecarbon_prometheus as prometheus;
#[cfg(feature = "rapl")]
pub use codecarbon_rapl as rapl;
#[cfg(feature = "rocm")]
pub use codecarbon_rocm as rocm;
#[cfg(feature = "tdp")]
pub use codecarbon_tdp as tdp;

/// The Rust examples of the README and of the user guide in `docs/`, compiled (and, unless
/// marked `no_run`, run) by `cargo test --doc -p codecarbon`, so they cannot drift from the API.
#[cfg(doctest)]
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
