//! codecarbon plugin: electricitymaps, live carbon intensity (being built).

/// The names of the plugins this crate registers.
pub const PLUGINS: &[&str] = &[];
