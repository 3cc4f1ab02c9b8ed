//! Unit tests, on mock GPUs and fake proc trees in temporary directories.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod counting;
mod failures;
mod probe;
mod process;
mod selection;

use crate::env::Environment;
use crate::mock::{MockDevice, MockNvml};
use crate::plugin::build_with;
use crate::source::NvmlSource;
use codecarbon_core::{Config, SampleContext, TrackingMode};
use std::time::Duration;

pub(crate) fn machine(secs: f64) -> SampleContext {
    SampleContext::new(Duration::from_secs_f64(secs), TrackingMode::Machine, 2)
}

/// No CUDA_VISIBLE_DEVICES, tree rooted at pid 1.
pub(crate) fn env() -> Environment {
    Environment {
        cuda_visible_devices: None,
        root_pid: 1,
    }
}

pub(crate) fn cuda(value: &str) -> Environment {
    Environment {
        cuda_visible_devices: Some(value.into()),
        root_pid: 1,
    }
}

/// A source over `devices` with the default configuration.
pub(crate) fn source(devices: Vec<MockDevice>) -> NvmlSource {
    let nvml = MockNvml::new(devices);
    build_with(&Config::default(), &env(), &nvml.loader()).unwrap()
}

pub(crate) fn close(a: f64, b: f64) -> bool {
    (a - b).abs() < 1e-9
}
