//! The datasets under `data/`: `cargo xtask refresh-data` and `cargo xtask check-data`.
//!
//! [`refresh::refresh`] downloads the upstream sources (one module each: [`owid`], [`egrid`],
//! [`cer`], and [`npm`] + [`ccf`] + [`cloud`] for the cloud tables; every URL in [`sources`]),
//! rebuilds the files in the exact format they are committed in, checks them, prints what
//! changed ([`diff`]), and only then writes them (each to a temporary file renamed into place)
//! together with their sections of `SOURCES.md` ([`sources_md`]). [`check::check_dir`]
//! validates every data file; refresh runs the same checks on what it is about to write.

pub mod ccf;
pub mod cer;
pub mod check;
pub mod cloud;
pub mod cloud_regions;
pub mod diff;
pub mod egrid;
pub mod fetch;
pub mod npm;
pub mod num;
pub mod owid;
pub mod pyjson;
pub mod refresh;
pub mod sources;
pub mod sources_md;
pub mod tables;

use std::path::PathBuf;

/// One regenerated data file, ready to be written.
#[derive(Debug, Clone, PartialEq)]
pub struct Built {
    /// Its path under the data directory (`intensity/usa_emissions.json`).
    pub path: &'static str,
    /// Its full contents.
    pub bytes: Vec<u8>,
    /// Its section of `SOURCES.md`: the bullet list under its heading.
    pub section: String,
    /// How many countries, states, provinces or regions it holds.
    pub entries: usize,
}

/// The data crate's `data/` directory (the default of `--out` and `--dir`): the files live in
/// the crate that embeds them, so that it carries them when packaged.
pub fn default_data_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../crates/data/data")
}
