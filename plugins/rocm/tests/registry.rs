//! The registry holds this crate's plugin, as promised.

use codecarbon_core::registry::plugins;
use codecarbon_core::{Component, PluginKind};

#[test]
fn registry_holds_exactly_the_exported_names() {
    let got: Vec<&str> = plugins()
        .into_iter()
        .filter(|p| p.name == "rocm")
        .map(|p| p.name)
        .collect();
    assert_eq!(got, codecarbon_rocm::PLUGINS);
}

#[test]
fn the_descriptor_has_the_promised_kind_priority_and_settings() {
    let d = plugins()
        .into_iter()
        .find(|p| p.name == "rocm")
        .expect("registered");
    assert_eq!(d.kind(), PluginKind::PowerSource(Component::Gpu));
    assert_eq!(d.priority, 40);
    let owner = |key| codecarbon_core::settings::find(key).map(|s| s.owner_name());
    assert_eq!(owner("rocm_smi_library"), Some("rocm"));
    assert_eq!(owner("gpu_ids"), Some("core"), "gpu_ids is a core key");
}
