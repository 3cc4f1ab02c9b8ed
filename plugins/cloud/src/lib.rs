//! codecarbon plugin: cloud, the provider and region from instance metadata, and their intensity (being built).

/// The names of the plugins this crate registers.
pub const PLUGINS: &[&str] = &[];
