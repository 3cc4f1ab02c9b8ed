//! The real loader, on a machine without ROCm: every way of not finding the library is a clean
//! error, and the probe says Unavailable with the fix.

#![allow(clippy::unwrap_used)] // a test helper, outside #[test] functions

use codecarbon_core::settings::Settings;
use codecarbon_core::{Config, Probe};
use codecarbon_rocm::{
    build_amd_smi_source, build_source, candidates, load, open, probe, probe_amd_smi, AmdSmiLib,
    AmdSmiSettings, Api, RocmError, RocmSettings, RocmSmiLib,
};
use std::path::Path;

/// The plugin's settings in `config`, as the registry hands them over.
fn settings(config: &Config) -> RocmSettings {
    RocmSettings::from_config(config).unwrap()
}

/// Whether this machine may have ROCm, in which case the "not found" tests prove nothing.
fn rocm_installed() -> bool {
    Path::new("/opt/rocm").exists() || Path::new("/dev/kfd").exists()
}

#[test]
fn the_library_is_not_found_through_the_loader_path() {
    if rocm_installed() {
        return;
    }
    let env = |v: &str| (v == "ROCM_PATH").then(|| "/nonexistent/rocm".to_string());
    let err = open(&settings(&Config::default()), &env).unwrap_err();
    let RocmError::NotFound {
        tried, first_error, ..
    } = &err
    else {
        panic!("expected NotFound, got {err}");
    };
    assert_eq!(tried[0], "librocm_smi64.so.1");
    assert_eq!(tried[2], "/nonexistent/rocm/lib/librocm_smi64.so.1");
    assert!(first_error.contains("librocm_smi64.so.1"), "{first_error}");
    let text = err.to_string();
    assert!(
        text.contains("Install ROCm") && text.contains("LD_LIBRARY_PATH"),
        "{text}"
    );
    assert!(!text.contains('\n'), "{text}");
}

#[test]
fn the_probe_is_unavailable_with_one_clear_reason_and_the_build_too() {
    if rocm_installed() {
        return;
    }
    let Probe::Unavailable(why) = probe(&Config::default(), &settings(&Config::default())) else {
        panic!("expected Unavailable");
    };
    assert!(why.starts_with("ROCm SMI library not found"), "{why}");
    assert!(
        why.contains("librocm_smi64.so.1") && why.contains("LD_LIBRARY_PATH"),
        "{why}"
    );
    let err = build_source(&Config::default(), &settings(&Config::default())).unwrap_err();
    assert!(err
        .to_string()
        .starts_with("rocm is unavailable: ROCm SMI library not found"));
}

#[test]
fn an_explicit_path_that_does_not_exist_is_the_only_one_tried() {
    let mut config = Config::default();
    config
        .set(
            "rocm_smi_library",
            "/nonexistent/librocm_smi64.so.1",
            "test",
        )
        .unwrap();
    let Probe::Unavailable(why) = probe(&config, &settings(&config)) else {
        panic!("expected Unavailable");
    };
    assert!(
        why.contains("tried /nonexistent/librocm_smi64.so.1;"),
        "{why}"
    );
}

#[test]
fn a_file_that_is_not_a_library_is_refused_cleanly() {
    let dir = tempfile::tempdir().unwrap();
    let fake = dir.path().join("librocm_smi64.so.1");
    std::fs::write(&fake, "not an ELF file").unwrap();
    let err = load(
        Api::RocmSmi,
        &candidates(Api::RocmSmi, Some(&fake.display().to_string()), None),
        RocmSmiLib::open,
    )
    .unwrap_err();
    assert!(matches!(err, RocmError::NotFound { .. }), "{err}");
}

#[test]
fn a_library_without_the_functions_names_the_missing_symbol() {
    // The C library is on every Linux machine and has no `rsmi_init`.
    let err = RocmSmiLib::open("libc.so.6").unwrap_err();
    let RocmError::MissingSymbol { symbol, .. } = &err else {
        panic!("expected MissingSymbol, got {err}");
    };
    assert_eq!(*symbol, "rsmi_init");
    assert!(err.to_string().contains("rocm_smi_library"));
}

#[test]
fn without_amd_smi_its_plugin_is_unavailable_with_the_files_tried_and_the_fix() {
    if rocm_installed() {
        return;
    }
    let config = Config::default();
    let settings = AmdSmiSettings::from_config(&config).unwrap();
    let Probe::Unavailable(why) = probe_amd_smi(&config, &settings) else {
        panic!("expected Unavailable");
    };
    assert!(why.starts_with("AMD SMI library not found"), "{why}");
    assert!(
        why.contains("tried libamd_smi.so, /opt/rocm/lib/libamd_smi.so;")
            && why.contains("amd-smi-lib")
            && why.contains("`amd_smi_library`"),
        "{why}"
    );
    let err = build_amd_smi_source(&config, &settings).unwrap_err();
    assert!(err
        .to_string()
        .starts_with("amdsmi is unavailable: AMD SMI library not found"));
}

#[test]
fn a_library_without_amd_smi_functions_names_the_missing_symbol() {
    let err = AmdSmiLib::open("libc.so.6").unwrap_err();
    let RocmError::MissingSymbol { symbol, .. } = &err else {
        panic!("expected MissingSymbol, got {err}");
    };
    assert_eq!(*symbol, "amdsmi_init");
    assert!(err.to_string().contains("`amd_smi_library`"), "{err}");
}
