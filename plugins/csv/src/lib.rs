//! codecarbon plugin `csv`: CodeCarbon's `emissions.csv`.
//!
//! [`CsvSink`] writes one row per flush and one at stop, with CodeCarbon's 38 columns, in
//! `append` or `update` mode (`on_csv_write`). It is safe with several writers of one file
//! (an advisory lock), never loses what a user wrote (incompatible files are kept under
//! CodeCarbon's backup names), and survives a killed run (a checkpoint every measure interval,
//! written as a row by the next sink built for the same file).
//!
//! The sink registers itself as `csv`; [`PLUGINS`] lists the names, so that a crate referencing
//! it keeps the registration linked.

mod checkpoint;
mod error;
mod paths;
mod row;
mod sink;
mod table;
mod tasks;

pub use error::CsvSinkError;
pub use sink::CsvSink;

use codecarbon_core::{BuildError, Config, Plugin, PluginDescriptor, PluginKind, Probe};

/// The plugins this crate registers.
pub const PLUGINS: &[&str] = &["csv"];

fn probe(_config: &Config) -> Probe {
    Probe::Available
}

fn build(config: &Config) -> Result<Plugin, BuildError> {
    match CsvSink::new(config) {
        Ok(sink) => Ok(Plugin::Sink(Box::new(sink))),
        Err(e) => Err(BuildError::Invalid {
            plugin: "csv",
            message: e.to_string(),
        }),
    }
}

inventory::submit! {
    PluginDescriptor {
        name: "csv",
        kind: PluginKind::Sink,
        priority: 0,
        summary: "CodeCarbon's emissions.csv: a row per flush and at stop (append or update)",
        keys: &[],
        probe,
        build,
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
        let found = codecarbon_core::registry::plugins_of(PluginKind::Sink);
        let csv = found.iter().find(|p| p.name == "csv").expect("registered");
        assert_eq!((csv.probe)(&Config::default()), Probe::Available);
        assert_eq!(PLUGINS, ["csv"]);
    }
}
