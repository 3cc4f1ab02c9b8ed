//! The tracker's messages to people, on standard error, filtered by `log_level`; written by
//! [`codecarbon_core::stderr`], so a closed standard error never costs a run its row.

use std::fmt::Display;

/// Severity, lowest first.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) enum Level {
    Debug,
    Info,
    Warning,
    Error,
}

/// Writes `codecarbon: level: message` lines at or above a level, in the format of the command
/// line's own messages.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Logger {
    min: Level,
}

impl Logger {
    /// A logger for CodeCarbon's `log_level` names.
    pub(crate) fn new(log_level: &str) -> Self {
        let min = match log_level {
            "debug" => Level::Debug,
            "info" => Level::Info,
            "warning" | "warn" => Level::Warning,
            _ => Level::Error,
        };
        Self { min }
    }

    fn write(&self, level: Level, message: impl Display) {
        if level >= self.min {
            let name = match level {
                Level::Debug => "debug",
                Level::Info => "info",
                Level::Warning => "warning",
                Level::Error => "error",
            };
            codecarbon_core::stderr_line!("codecarbon: {name}: {message}");
        }
    }

    pub(crate) fn debug(&self, message: impl Display) {
        self.write(Level::Debug, message);
    }

    pub(crate) fn info(&self, message: impl Display) {
        self.write(Level::Info, message);
    }

    pub(crate) fn warn(&self, message: impl Display) {
        self.write(Level::Warning, message);
    }

    pub(crate) fn error(&self, message: impl Display) {
        self.write(Level::Error, message);
    }
}
