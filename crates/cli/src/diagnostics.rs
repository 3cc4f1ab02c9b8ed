//! The command line's `tracing` subscriber: the tracker's and the plugins' messages as
//! `codecarbon: warning: …` lines on standard error, and the `logger` output's records as JSON
//! lines when that output is chosen.
//!
//! What is shown: with `--log-level`, that level; else `RUST_LOG` when set (directives such as
//! `codecarbon=debug` or `codecarbon::engine=info,codecarbon::csv=off`); else `log_level` from
//! `CODECARBON_LOG_LEVEL` or the config files; else warnings and errors only, so the command
//! stays quiet unless something needs attention.

use codecarbon::core::diagnostics::TARGET;
use codecarbon::core::stderr_line;
use codecarbon::diagnostics::{console_layer, level_filter};
use tracing_subscriber::filter::{filter_fn, Targets};
use tracing_subscriber::layer::{Layer, SubscriberExt};
use tracing_subscriber::Registry;

/// The command line's own default `log_level`.
pub(crate) const DEFAULT_LEVEL: &str = "warning";

/// How to set up the console.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Console<'a> {
    /// `log_level` as resolved (the flag, the environment, the config files or the default).
    pub log_level: &'a str,
    /// Whether `--log-level` was given: it then wins over `RUST_LOG`.
    pub flag: bool,
    /// Whether the `logger` output was chosen: its records go to stderr as JSON lines.
    pub logger_records: bool,
}

/// Installs the subscriber for the whole process, before anything logs. If the program that
/// called [`crate::main`] has installed one already, that one keeps the messages.
pub(crate) fn install(console: Console<'_>) {
    let rust_log = std::env::var("RUST_LOG").ok();
    let filter = filter(console, rust_log.as_deref());
    let records = console.logger_records.then(|| {
        codecarbon::logger::json_layer().with_filter(filter_fn(|meta| {
            meta.target() == codecarbon::logger::TARGET
        }))
    });
    let subscriber = Registry::default()
        .with(console_layer(filter))
        .with(records);
    // Failing means a subscriber of the calling program: it gets the events.
    let _ = tracing::subscriber::set_global_default(subscriber);
}

/// What the console shows: see the module's documentation.
fn filter(console: Console<'_>, rust_log: Option<&str>) -> Targets {
    let by_level = || Targets::new().with_target(TARGET, level_filter(console.log_level));
    let Some(directives) = rust_log.filter(|d| !d.trim().is_empty() && !console.flag) else {
        return by_level();
    };
    match directives.parse::<Targets>() {
        Ok(targets) => targets,
        Err(e) => {
            stderr_line!(
                "codecarbon: warning: RUST_LOG={} is not understood ({e}), so log_level {} is \
                 used; write directives such as codecarbon=debug or codecarbon::csv=off",
                directives.escape_debug(),
                console.log_level
            );
            by_level()
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use tracing::level_filters::LevelFilter;
    use tracing::Level;

    fn console(log_level: &str, flag: bool) -> Console<'_> {
        Console {
            log_level,
            flag,
            logger_records: false,
        }
    }

    #[test]
    fn the_flag_wins_then_rust_log_then_log_level() {
        let by_flag = filter(console("error", true), Some("codecarbon=debug"));
        assert!(!by_flag.would_enable("codecarbon::engine", &Level::WARN));
        let by_env = filter(console("error", false), Some("codecarbon=debug"));
        assert!(by_env.would_enable("codecarbon::engine", &Level::DEBUG));
        let by_config = filter(console("info", false), None);
        assert!(by_config.would_enable("codecarbon::csv", &Level::INFO));
        assert!(!by_config.would_enable("codecarbon::csv", &Level::DEBUG));
        assert!(!by_config.would_enable("hyper", &Level::ERROR));
    }

    #[test]
    fn a_blank_or_broken_rust_log_leaves_log_level() {
        for rust_log in ["", "  ", "codecarbon=loud"] {
            let targets = filter(console(DEFAULT_LEVEL, false), Some(rust_log));
            assert_eq!(
                targets.default_level(),
                None,
                "{rust_log:?}: only codecarbon's targets"
            );
            assert!(targets.would_enable("codecarbon::config", &Level::WARN));
            assert!(!targets.would_enable("codecarbon::config", &Level::INFO));
        }
        let off = filter(console(DEFAULT_LEVEL, false), Some("codecarbon::csv=off"));
        assert!(!off.would_enable("codecarbon::csv", &Level::ERROR));
        assert_eq!(level_filter(DEFAULT_LEVEL), LevelFilter::WARN);
    }
}
