//! codecarbon plugin: comet, emissions as Comet experiment metrics (being built).

/// The names of the plugins this crate registers.
pub const PLUGINS: &[&str] = &[];
