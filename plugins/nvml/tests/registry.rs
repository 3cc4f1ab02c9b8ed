//! The registry holds this crate's plugin, as promised; without the driver it says so in one
//! line and the build fails cleanly.

use codecarbon_core::registry::plugins;
use codecarbon_core::{Component, Config, PluginKind, Probe};

#[test]
fn registry_holds_exactly_the_exported_names() {
    let got: Vec<&str> = plugins()
        .into_iter()
        .filter(|p| p.name == "nvml")
        .map(|p| p.name)
        .collect();
    assert_eq!(got, codecarbon_nvml::PLUGINS);
}

#[test]
fn the_descriptor_has_the_promised_kind_priority_and_settings() {
    let d = plugins()
        .into_iter()
        .find(|p| p.name == "nvml")
        .expect("registered");
    assert_eq!(d.kind(), PluginKind::PowerSource(Component::Gpu));
    assert_eq!(d.priority, 50);
    let owner = |key| codecarbon_core::settings::find(key).map(|s| s.owner_name());
    assert_eq!(owner("nvml_library"), Some("nvml"));
    // `gpu_ids` is CodeCarbon's and the tracker's own setting: not declared twice.
    assert!(codecarbon_core::Config::SPECS
        .iter()
        .any(|s| s.key() == "gpu_ids"));
    assert_eq!(owner("gpu_ids"), Some("core"));
}

#[test]
fn without_the_library_the_probe_says_so_in_one_line() {
    let mut config = Config::default();
    config
        .set("nvml_library", "/nonexistent/libnvidia-ml.so.1", "test")
        .unwrap();
    let d = plugins().into_iter().find(|p| p.name == "nvml").unwrap();
    match (d.probe)(&config) {
        Probe::Unavailable(why) => {
            // (Unless this environment hides every GPU with an empty CUDA_VISIBLE_DEVICES.)
            let hidden = std::env::var("CUDA_VISIBLE_DEVICES").is_ok_and(|v| v.trim().is_empty());
            assert!(hidden || why.starts_with("no NVIDIA driver"), "{why}");
            assert!(!why.contains('\n'));
        }
        other => panic!("{other:?}"),
    }
    let gpu = codecarbon_core::registry::power_sources(Component::Gpu);
    let nvml = gpu.iter().find(|c| c.name == "nvml").unwrap();
    assert!((nvml.build)(&config).is_err());
}
