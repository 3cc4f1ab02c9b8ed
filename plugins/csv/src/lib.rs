//! codecarbon plugin `csv`: CodeCarbon's `emissions.csv`.
//!
//! [`CsvSink`] writes one row per flush and one at stop, with CodeCarbon's 38 columns, in
//! `append` or `update` mode (`on_csv_write`). It is safe with several writers of one file
//! (an advisory lock), never loses what a user wrote (incompatible files are kept under
//! CodeCarbon's backup names), and survives a killed run (a checkpoint every measure interval, at
//! most once every 5 s, written as a row by the next sink built for the same file).
//!
//! The sink registers itself as `csv`; [`PLUGINS`] lists the names, so that a crate referencing
//! it keeps the registration linked.

/// The Rust examples of this crate's README (shown on crates.io), compiled and run by
/// `cargo test --doc -p codecarbon-csv`.
#[cfg(doctest)]
#[doc = include_str!("../README.md")]
struct ReadmeDoctests;

mod checkpoint;
mod error;
mod paths;
mod row;
mod scan;
mod sink;
mod table;
mod tasks;

pub use error::CsvSinkError;
pub use sink::CsvSink;

use codecarbon_core::{BuildError, Config, IntoBuildError, Probe};

fn probe(_config: &Config) -> Probe {
    Probe::Available
}

/// Every error of building the sink is the user's to fix: the run does not start without the
/// output they asked for.
impl IntoBuildError for CsvSinkError {
    fn into_build_error(self, plugin: &'static str) -> BuildError {
        BuildError::invalid(plugin, self)
    }
}

codecarbon_core::register_plugins! {
    sink {
        name: "csv",
        priority: 0,
        summary: "CodeCarbon's emissions.csv: a row per flush and at stop (append or update)",
        probe: probe,
        build: CsvSink::new,
    }
}

/// Tells the user about something they should know but that does not stop the sink.
/// A `tracing` event (target `codecarbon::csv`, field `plugin`): the program's subscriber, or
/// the tracker's stand-in for one, decides where it goes.
pub(crate) fn warn(message: &str) {
    codecarbon_core::tracing::warn!(target: "codecarbon::csv", plugin = "csv", "csv: {message}");
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn registers_the_csv_sink() {
        let found = codecarbon_core::registry::plugins_of(codecarbon_core::PluginKind::Sink);
        let csv = found.iter().find(|p| p.name == "csv").expect("registered");
        assert_eq!((csv.probe)(&Config::default()), Probe::Available);
        assert_eq!(PLUGINS, ["csv"]);
    }
}
