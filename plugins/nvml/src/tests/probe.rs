//! The probe: a missing library, a driver not loaded, no permission, no GPU.

use super::env;
use crate::error::LoadError;
use crate::mock::MockNvml;
use crate::plugin::{build_with, probe_with};
use crate::real::load;
use crate::Nvml;
use codecarbon_core::{BuildError, Config, Probe};

fn failing(e: LoadError) -> impl Fn(&str) -> Result<Box<dyn Nvml>, LoadError> {
    move |_| Err(e.clone())
}

#[test]
fn a_missing_library_is_unavailable_in_one_clear_line_for_real() {
    let mut config = Config::default();
    config
        .set("nvml_library", "/nonexistent/libnvidia-ml.so.1", "test")
        .unwrap();
    let probe = probe_with(&config, &env(), &crate::load_boxed);
    let Probe::Unavailable(why) = probe else {
        panic!("{probe:?}")
    };
    assert!(why.starts_with("no NVIDIA driver: cannot load /nonexistent/libnvidia-ml.so.1"));
    assert!(why.contains("set `nvml_library`"), "{why}");
    assert!(!why.contains('\n'), "{why}");
    let err = build_with(&config, &env(), &crate::load_boxed).unwrap_err();
    assert!(
        matches!(err, BuildError::Unavailable { plugin: "nvml", .. }),
        "{err}"
    );
}

#[test]
fn the_default_soname_loads_or_fails_cleanly() {
    // On a machine without the driver (as CI) this is the real missing-library path.
    match load(crate::DEFAULT_LIBRARY) {
        Ok(nvml) => eprintln!("this machine has NVML at {}", nvml.library()),
        Err(e) => assert!(
            matches!(
                e,
                LoadError::LibraryMissing { .. } | LoadError::DriverNotLoaded
            ),
            "{e}"
        ),
    }
}

#[test]
fn load_errors_map_to_unavailable_or_blocked() {
    let config = Config::default();
    let probe = |e| probe_with(&config, &env(), &failing(e));
    assert!(
        matches!(probe(LoadError::DriverNotLoaded), Probe::Unavailable(m) if m.contains("modprobe"))
    );
    assert!(
        matches!(probe(LoadError::NoPermission), Probe::Blocked(m) if m.contains("/dev/nvidia"))
    );
    assert!(matches!(
        probe(LoadError::OldDriver { library: "x".into(), reason: "no nvmlInit_v2".into() }),
        Probe::Blocked(m) if m.contains("update the NVIDIA driver")
    ));
    assert!(matches!(
        probe(LoadError::Init("Unknown Error".into())),
        Probe::Blocked(_)
    ));
}

#[test]
fn no_gpu_is_unavailable() {
    let nvml = MockNvml::new(vec![]);
    let probe = probe_with(&Config::default(), &env(), &nvml.loader());
    assert_eq!(
        probe,
        Probe::Unavailable("NVML (/mock/libnvidia-ml.so.1) found no NVIDIA GPU".into())
    );
    assert!(build_with(&Config::default(), &env(), &nvml.loader()).is_err());
}

#[test]
fn force_settings_do_not_apply_to_gpus() {
    let nvml = MockNvml::new(vec![crate::mock::MockDevice::new("A", "GPU-a")]);
    let mut config = Config::default();
    config.set("force_cpu_power", "10", "test").unwrap();
    config.set("force_ram_power", "10", "test").unwrap();
    assert_eq!(
        probe_with(&config, &env(), &nvml.loader()),
        Probe::Available
    );
}
