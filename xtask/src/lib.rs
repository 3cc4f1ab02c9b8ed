//! The library side of `cargo xtask`, so that its chores can be tested like any other code.
//!
//! [`data`] holds `refresh-data` (download the upstream datasets and regenerate `data/`) and
//! `check-data` (validate every file under `data/`); [`dist`] makes the release archive
//! (`cargo xtask dist`). The benchmarks stay in the binary.

pub mod data;
pub mod dist;
