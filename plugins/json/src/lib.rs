//! codecarbon plugin `json`: one JSON line per record, with its provenance.
//!
//! [`JsonSink`] writes `emissions.jsonl` (the output file's name with its extension replaced)
//! beside the CSV: a line per flush and one at stop, each a JSON object with CodeCarbon's 38
//! fields, in the CSV's order, then `provenance`:
//!
//! ```text
//! {"timestamp":"2025-01-02T03:04:05",...,"wue":0.0,
//!  "provenance":{"cpu":{"method":"estimated","source":"tdp"},
//!                "intensity":{"basis":"country","source":"Our World in Data","year":2023,"g_per_kwh":56.0},
//!                "allocation":{"cpus":8,"cpus_from":"machine","machine_cpus":8,
//!                              "ram_gb":31.2,"ram_from":"machine","machine_ram_gb":31.2}}}
//! ```
//!
//! Like the CSV, it survives a killed run: the run's latest line waits in a checkpoint, and the
//! next sink built for the same file writes it.
//!
//! The sink registers itself as `json`; [`PLUGINS`] lists the names, so that a crate
//! referencing it keeps the registration linked.

/// The Rust examples of this crate's README (shown on crates.io), compiled and run by
/// `cargo test --doc -p codecarbon-json`.
#[cfg(doctest)]
#[doc = include_str!("../README.md")]
struct ReadmeDoctests;

mod error;
mod line;
mod sink;

pub use error::JsonSinkError;
pub use sink::JsonSink;

use codecarbon_core::{BuildError, Config, IntoBuildError, Probe};

fn probe(_config: &Config) -> Probe {
    Probe::Available
}

/// Every error of building the sink is the user's to fix: the run does not start without the
/// output they asked for.
impl IntoBuildError for JsonSinkError {
    fn into_build_error(self, plugin: &'static str) -> BuildError {
        BuildError::invalid(plugin, self)
    }
}

/// Tells the user about something they should know but that does not stop the sink.
/// A `tracing` event (target `codecarbon::json`, field `plugin`): the program's subscriber, or
/// the tracker's stand-in for one, decides where it goes.
pub(crate) fn warn(message: &str) {
    codecarbon_core::tracing::warn!(target: "codecarbon::json", plugin = "json", "json: {message}");
}

codecarbon_core::register_plugins! {
    sink {
        name: "json",
        priority: 0,
        summary: "JSON Lines beside the CSV: a line per flush and at stop, with provenance",
        probe: probe,
        build: JsonSink::new,
    }
}
