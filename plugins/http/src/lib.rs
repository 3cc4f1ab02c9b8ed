//! codecarbon plugin: http and api, JSON records to an endpoint or the CodeCarbon API (being built).

/// The names of the plugins this crate registers.
pub const PLUGINS: &[&str] = &[];
