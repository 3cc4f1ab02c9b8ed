//! Unit tests, on a scripted [`MockSmi`]; the real loader is tested in `tests/loader.rs`.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod amd_smi;
mod counting;
mod devices;
mod probe;
mod selection;

use crate::{build_with, MockSmi, RocmSource};
use codecarbon_core::{Config, SampleContext, TrackingMode};
use std::time::Duration;

/// A tick of `secs` seconds in `mode`.
pub(crate) fn tick_in(secs: f64, mode: TrackingMode) -> SampleContext {
    SampleContext::new(Duration::from_secs_f64(secs), mode, 2)
}

/// A tick of `secs` seconds in machine mode.
pub(crate) fn tick(secs: f64) -> SampleContext {
    tick_in(secs, TrackingMode::Machine)
}

/// An empty environment.
pub(crate) fn no_env(_: &str) -> Option<String> {
    None
}

/// A configuration with `key = value`.
pub(crate) fn config_with(key: &str, value: &str) -> Config {
    let mut config = Config::default();
    config.set(key, value, "test").unwrap();
    config
}

/// The source over `smi` with the default configuration and no environment.
pub(crate) fn build(smi: &MockSmi) -> RocmSource {
    build_with(&Config::default(), Box::new(smi.clone()), &no_env).unwrap()
}

/// `a` and `b` agree to 1e-9 relative.
#[track_caller]
pub(crate) fn assert_close(a: f64, b: f64) {
    assert!((a - b).abs() <= 1e-9 * b.abs().max(1.0), "{a} != {b}");
}
