//! codecarbon plugin: geoip, where the machine is from its public IP (being built).

/// The names of the plugins this crate registers.
pub const PLUGINS: &[&str] = &[];
