//! codecarbon plugin: otlp, OpenTelemetry metrics over OTLP/HTTP (being built).

/// The names of the plugins this crate registers.
pub const PLUGINS: &[&str] = &[];
