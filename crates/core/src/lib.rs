//! Core types of codecarbon: what a plugin author needs, and nothing else.
//!
//! - [`units`]: `Joules`, `Watts`, `KilowattHours`, `GramsPerKwh`, `KgCo2eq`, ...
//! - the four plugin traits: [`PowerSource`], [`Locator`], [`IntensityProvider`], [`Sink`];
//! - [`EnergyCounter`], which owns counter wrap-around;
//! - [`Allocation`]: the CPUs and memory a run may use (a SLURM job's, a cgroup's, or the
//!   whole machine), found by the engine and handed to the sources in [`Config`];
//! - [`EmissionsData`], CodeCarbon's 38-column record, and its [`Provenance`]; its columns
//!   described once, from which every output is derived, in [`record`];
//! - the [`registry`] of plugin descriptors and [`register_plugins!`], the plugin kit's
//!   registration macro, the resolved [`Config`], and the [`settings`](mod@settings) declared once, each
//!   with its kind, default, documentation and owner;
//! - [`Secret`] and [`redact_url`], which keep credentials out of messages, and
//!   [`Credentials`], through which every text from a server is quoted;
//! - [`body`]: what a server answers, read only up to a bound;
//! - [`offline`], what `offline` means for outputs;
//! - [`diagnostics`]: how the library and the plugins tell people things (`tracing` events
//!   under `codecarbon::…` targets), and [`tracing`] itself, re-exported for plugin authors;
//! - [`stderr_line!`], the binaries' messages to people on standard error, which never panic.
//!
//! The structs and enums a plugin builds or matches are `#[non_exhaustive]`, so this crate can
//! grow a field or a variant without breaking a plugin: build them with their constructors and
//! `with_*` methods ([`SourceInfo::new`], [`Reading::measured`], [`Intensity::new`],
//! [`Location::default`] and its `with_*`, [`SampleContext::new`], [`Report::new`], ...), and
//! end a `match` on one of its enums with a `_` arm. `docs/plugins.md` lists how to build each.
//!
//! # Cargo features
//!
//! - `tls` (off by default): the `tls` module, which makes rustls's `ring` provider the
//!   process's own before an HTTPS client is built. Every plugin that speaks HTTPS turns it on;
//!   a plugin that never touches the network needs nothing but the default.

/// The Rust examples of this crate's README (shown on crates.io), compiled and run by
/// `cargo test --doc -p codecarbon-core`.
#[cfg(doctest)]
#[doc = include_str!("../README.md")]
struct ReadmeDoctests;

pub mod allocation;
pub mod body;
pub mod config;
pub mod counter;
pub mod diagnostics;
pub mod emissions;
pub mod equivalents;
pub mod intensity;
pub mod location;
pub mod offline;
pub mod output;
pub mod power;
pub mod quote;
pub mod record;
pub mod registry;
pub mod secret;
pub mod settings;
pub mod sink;
pub mod stderr;
#[cfg(feature = "tls")]
pub mod tls;
pub mod units;

pub use allocation::{AllocatedBy, Allocation};
pub use async_trait::async_trait;
pub use config::{Config, ConfigError, CsvWriteMode, Extra, KeyStatus, TrackingMode};
pub use counter::{CounterRegression, EnergyCounter};
pub use emissions::{
    ComponentProvenance, EmissionsData, Provenance, Report, TaskReport, CSV_COLUMNS,
    TASK_CSV_COLUMNS,
};
pub use intensity::{Intensity, IntensityBasis, IntensityError, IntensityProvider, WORLD_AVERAGE};
pub use inventory;
pub use location::{LocateError, Location, Locator};
pub use power::{
    Component, Method, PowerSource, ProcessUsage, Reading, SampleContext, SourceError, SourceInfo,
};
pub use quote::{percent_decode, Credentials, QUOTE_CHARS, SHORT_SECRET};
pub use record::{Cell, Column, Kind};
pub use registry::{BuildError, Builder, IntoBuildError, PluginDescriptor, PluginKind, Probe};
pub use secret::{redact_url, Secret};
pub use sink::{Sink, SinkError};
pub use tracing;
pub use units::{
    Gigabytes, GramsPerKwh, Joules, KgCo2eq, KgCo2eqPerSecond, KilowattHours, Liters, LitersPerKwh,
    Percent, Watts,
};

/// This project's version, written in the CSV's `codecarbon_version` column.
pub const VERSION: &str = env!("CARGO_PKG_VERSION");
