//! The probe's answers, with the mock and with loading errors.

use super::{config_with, no_env};
use crate::{probe_with, Api, MockGpu, MockSmi, RocmError, Smi, SmiError, Status};
use codecarbon_core::{Config, Probe};

fn boxed(smi: MockSmi) -> Result<Box<dyn Smi>, RocmError> {
    Ok(Box::new(smi))
}

#[test]
fn available_with_a_gpu() {
    let smi = MockSmi::new(vec![MockGpu::new("AMD Instinct MI300X")]);
    assert_eq!(
        probe_with(&Config::default(), boxed(smi), &no_env),
        Probe::Available
    );
}

#[test]
fn unavailable_without_gpus_or_with_none_selected() {
    let Probe::Unavailable(why) =
        probe_with(&Config::default(), boxed(MockSmi::new(vec![])), &no_env)
    else {
        panic!("expected Unavailable");
    };
    assert!(why.contains("found no AMD GPU"), "{why}");
    let smi = MockSmi::new(vec![MockGpu::new("A")]);
    let Probe::Unavailable(why) = probe_with(&config_with("gpu_ids", "3"), boxed(smi), &no_env)
    else {
        panic!("expected Unavailable");
    };
    assert!(why.contains("no AMD GPU to track"), "{why}");
}

#[test]
fn a_missing_library_is_unavailable_with_the_fix() {
    let err = RocmError::NotFound {
        api: Api::RocmSmi,
        tried: vec!["librocm_smi64.so.1".into()],
        first_error: "librocm_smi64.so.1: cannot open shared object file".into(),
    };
    let Probe::Unavailable(why) = probe_with(&Config::default(), Err(err), &no_env) else {
        panic!("expected Unavailable");
    };
    assert!(
        why.contains("librocm_smi64.so.1") && why.contains("LD_LIBRARY_PATH"),
        "{why}"
    );
}

#[test]
fn a_library_that_refuses_this_user_is_blocked() {
    let err = RocmError::Init {
        library: "/opt/rocm/lib/librocm_smi64.so.1".into(),
        source: SmiError::new("rsmi_init", Status::PERMISSION),
    };
    let Probe::Blocked(why) = probe_with(&Config::default(), Err(err), &no_env) else {
        panic!("expected Blocked");
    };
    assert!(why.contains("render"), "{why}");
}

#[test]
fn status_codes_are_named() {
    assert_eq!(
        Status::NOT_SUPPORTED.to_string(),
        "RSMI_STATUS_NOT_SUPPORTED (2)"
    );
    assert_eq!(
        Status::rsmi(22).name(),
        Some("RSMI_STATUS_FAIL_LOAD_SYMBOL")
    );
    assert_eq!(Status::rsmi(99).to_string(), "ROCm SMI status 99");
    assert_eq!(
        Status::UNKNOWN_ERROR.name(),
        Some("RSMI_STATUS_UNKNOWN_ERROR")
    );
}
