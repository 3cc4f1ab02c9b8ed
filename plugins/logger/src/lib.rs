//! codecarbon plugin `logger`: each record as a `tracing` event, like CodeCarbon's
//! `LoggerOutput`.
//!
//! [`LoggerSink`] emits, at every record (each measure interval), flush and stop, one INFO
//! event with target [`TARGET`] (`codecarbon`) and fields `event` (`record`, `flush` or
//! `finish`) and `emissions`: the record's cumulative totals as CodeCarbon's JSON (the 38
//! fields of the CSV, with their names and units). [`json_to_stderr`] installs a subscriber
//! that prints such events as JSON lines on stderr, for programs that have none.

/// The Rust examples of this crate's README (shown on crates.io), compiled and run by
/// `cargo test --doc -p codecarbon-logger`.
#[cfg(doctest)]
#[doc = include_str!("../README.md")]
struct ReadmeDoctests;

mod sink;
mod stderr;

pub use sink::{LoggerSink, TARGET};
pub use stderr::{json_layer, json_to_stderr, InstallError};

use codecarbon_core::{Config, Probe};
use std::convert::Infallible;

fn probe(_config: &Config) -> Probe {
    Probe::Available
}

fn build(_config: &Config) -> Result<LoggerSink, Infallible> {
    Ok(LoggerSink)
}

codecarbon_core::register_plugins! {
    sink {
        name: "logger",
        priority: 0,
        summary: "each record as CodeCarbon's JSON in a tracing event (target `codecarbon`, INFO)",
        probe: probe,
        build: build,
    }
}
