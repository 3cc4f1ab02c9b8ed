//! `codecarbon_rs._native`: the Rust engine under the `codecarbon-rs` Python package.
//!
//! The Python layer (`codecarbon_rs/`) speaks CodeCarbon's API: keyword arguments, the decorator,
//! the context manager, errors that never reach the training loop. This module gives it what
//! only Rust has: a [`tracker::Tracker`] around the engine's `EmissionsTracker`, the record's
//! columns, the `codecarbon` command line ([`run_cli`]), and a bridge that hands the engine's
//! `tracing` events to Python's `logging` ([`logging`]).
//!
//! Every call that waits on the engine releases the GIL: the run's threads may need it to log,
//! and the caller's other Python threads keep running.

mod logging;
mod record;
mod tracker;

use pyo3::prelude::*;
use std::ffi::OsString;

/// Runs the `codecarbon` command line with `argv` (the program's name first) and returns its
/// exit code: `codecarbon-rs` and `python -m codecarbon_rs` are the same Rust code as the
/// `codecarbon` binary.
#[pyfunction]
fn run_cli(py: Python<'_>, argv: Vec<OsString>) -> u8 {
    py.detach(|| codecarbon_cli::run(argv))
}

/// What this build does with a CodeCarbon key: `"setting"` (honoured), `"ignored"` (a
/// CodeCarbon key it accepts and does not act on) or `"unknown"`. The Python layer warns for an
/// argument that is not a setting, so that none is dropped in silence.
#[pyfunction]
fn key_status(key: &str) -> &'static str {
    let key = key.trim().to_ascii_lowercase();
    if codecarbon::core::settings::find(&key).is_some() {
        "setting"
    } else if codecarbon::core::config::PASSTHROUGH_KEYS.contains(&key.as_str()) {
        "ignored"
    } else {
        "unknown"
    }
}

/// The native module: the tracker, the command line and the record's description.
#[pymodule]
mod _native {
    use pyo3::prelude::*;

    #[pymodule_export]
    use super::key_status;
    #[pymodule_export]
    use super::run_cli;
    #[pymodule_export]
    use super::tracker::Tracker;

    #[pymodule_init]
    fn init(m: &Bound<'_, PyModule>) -> PyResult<()> {
        // The 38 columns of emissions.csv, in order: the attributes of `EmissionsData`.
        m.add("COLUMNS", codecarbon::core::record::CSV_COLUMNS.to_vec())?;
        m.add("VERSION", env!("CARGO_PKG_VERSION"))?;
        Ok(())
    }
}
