//! Core types of codecarbon: what a plugin author needs, and nothing else.
//!
//! - [`units`]: `Joules`, `Watts`, `KilowattHours`, `GramsPerKwh`, `KgCo2eq`, ...
//! - the four plugin traits: [`PowerSource`], [`Locator`], [`IntensityProvider`], [`Sink`];
//! - [`EnergyCounter`], which owns counter wrap-around;
//! - [`EmissionsData`], CodeCarbon's 38-column record, and its [`Provenance`];
//! - the [`registry`] of plugin descriptors, the resolved [`Config`], and the [`settings`]
//!   declared once, each with its kind, default, documentation and owner;
//! - [`Secret`] and [`redact_url`], which keep credentials out of messages, and
//!   [`Credentials`], through which every text from a server is quoted;
//! - [`body`]: what a server answers, read only up to a bound;
//! - [`offline`], what `offline` means for outputs;
//! - [`stderr_line!`], the messages to people on standard error, which never panic.

pub mod body;
pub mod config;
pub mod counter;
pub mod emissions;
pub mod equivalents;
pub mod intensity;
pub mod location;
pub mod offline;
pub mod output;
pub mod power;
pub mod quote;
pub mod registry;
pub mod secret;
pub mod settings;
pub mod sink;
pub mod stderr;
pub mod units;

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
pub use registry::{BuildError, Plugin, PluginDescriptor, PluginKind, Probe};
pub use secret::{redact_url, Secret};
pub use sink::{Sink, SinkError};
pub use units::{
    Gigabytes, GramsPerKwh, Joules, KgCo2eq, KgCo2eqPerSecond, KilowattHours, Liters, LitersPerKwh,
    Percent, Watts,
};

/// This project's version, written in the CSV's `codecarbon_version` column.
pub const VERSION: &str = env!("CARGO_PKG_VERSION");
