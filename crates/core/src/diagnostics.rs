//! How the library and the plugins tell people things: `tracing` events, never text on stderr.
//!
//! A program that embeds codecarbon decides where its messages go by installing a `tracing`
//! subscriber; the command line installs one that prints `codecarbon: warning: …` lines. So
//! that every subscriber can route and filter them, a message follows three rules:
//!
//! - its **target** starts with [`TARGET`]: `codecarbon::config`, `codecarbon::engine`, and for
//!   a plugin `codecarbon::<plugin name>` (`codecarbon::csv`). The bare target `codecarbon` is
//!   the `logger` output's records, data rather than messages;
//! - its **message** is the whole sentence a person reads, the plugin's name first for a
//!   plugin (`csv: cannot write …`), as the console prints only the message;
//! - what a program may want to act on is also a **field**: `plugin` (the plugin's name),
//!   `output` (an output's name in `output_methods`), `key` and `origin` (a setting and where it
//!   was set), `component`, `source`.
//!
//! A plugin logs with the `tracing` this crate re-exports:
//!
//! ```
//! use codecarbon_core::tracing;
//!
//! tracing::warn!(target: "codecarbon::example", plugin = "example", "example: the probe is slow");
//! ```
//!
//! Severities are CodeCarbon's (`log_level`): [`level_filter`] maps its names onto `tracing`'s
//! levels, [`level_name`] back.

use tracing::level_filters::LevelFilter;
use tracing::Level;

/// The start of every diagnostic's target: `RUST_LOG=codecarbon=debug` selects them all.
pub const TARGET: &str = "codecarbon";

/// The most detailed level `log_level` lets through, for CodeCarbon's names (`debug`, `info`,
/// `warning`, `error`, `critical`); `warn` is taken for `warning`. `critical`, and a name this
/// build does not know, keep errors: an error is never silenced by a typo.
pub fn level_filter(log_level: &str) -> LevelFilter {
    match log_level.trim().to_ascii_lowercase().as_str() {
        "debug" => LevelFilter::DEBUG,
        "info" => LevelFilter::INFO,
        "warning" | "warn" => LevelFilter::WARN,
        _ => LevelFilter::ERROR,
    }
}

/// A level's name in the console's lines, as Python's `logging` names it (`warning`, not `warn`).
pub fn level_name(level: &Level) -> &'static str {
    match *level {
        Level::TRACE => "trace",
        Level::DEBUG => "debug",
        Level::INFO => "info",
        Level::WARN => "warning",
        Level::ERROR => "error",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codecarbon_names_map_onto_tracing_levels_and_back() {
        for (name, filter) in [
            ("debug", LevelFilter::DEBUG),
            ("info", LevelFilter::INFO),
            ("warning", LevelFilter::WARN),
            ("warn", LevelFilter::WARN),
            ("WARNING", LevelFilter::WARN),
            ("error", LevelFilter::ERROR),
            ("critical", LevelFilter::ERROR),
            ("nonsense", LevelFilter::ERROR),
        ] {
            assert_eq!(level_filter(name), filter, "{name}");
        }
        assert_eq!(level_name(&Level::WARN), "warning");
        assert_eq!(level_name(&Level::ERROR), "error");
    }
}
