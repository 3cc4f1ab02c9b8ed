//! codecarbon plugin: prometheus, Pushgateway push and a /metrics endpoint (being built).

/// The names of the plugins this crate registers.
pub const PLUGINS: &[&str] = &[];
