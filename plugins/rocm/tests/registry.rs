//! The registry holds this crate's plugin, as promised.

use codecarbon_core::registry::{is_plugin_key, plugins};
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
fn the_descriptor_has_the_promised_kind_priority_and_keys() {
    let d = plugins()
        .into_iter()
        .find(|p| p.name == "rocm")
        .expect("registered");
    assert_eq!(d.kind(), PluginKind::PowerSource(Component::Gpu));
    assert_eq!(d.priority, 40);
    assert_eq!(d.keys, ["rocm_smi_library"]);
    assert!(!d.keys.contains(&"gpu_ids"), "gpu_ids is a core key");
    assert!(is_plugin_key("rocm_smi_library"));
}
