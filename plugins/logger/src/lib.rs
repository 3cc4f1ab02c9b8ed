//! codecarbon plugin: logger, JSON records through tracing (being built).

/// The names of the plugins this crate registers.
pub const PLUGINS: &[&str] = &[];
