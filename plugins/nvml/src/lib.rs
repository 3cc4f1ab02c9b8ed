//! codecarbon plugin `nvml` (being written).

/// The plugins this crate registers.
pub const PLUGINS: &[&str] = &[];
