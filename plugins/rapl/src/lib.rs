//! codecarbon plugin `rapl` (being written).

/// The plugins this crate registers.
pub const PLUGINS: &[&str] = &[];
