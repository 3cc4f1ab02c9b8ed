//! codecarbon plugin `rocm` (being written).

/// The plugins this crate registers.
pub const PLUGINS: &[&str] = &[];
