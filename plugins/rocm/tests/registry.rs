//! The registry holds this crate's plugins, as promised.

use codecarbon_core::registry::plugins;
use codecarbon_core::{Component, PluginKind};

#[test]
fn registry_holds_exactly_the_exported_names() {
    let got: Vec<&str> = plugins()
        .into_iter()
        .filter(|p| p.name == "rocm" || p.name == "amdsmi")
        .map(|p| p.name)
        .collect();
    let mut expected = codecarbon_rocm::PLUGINS.to_vec();
    let mut got_sorted = got.clone();
    expected.sort_unstable();
    got_sorted.sort_unstable();
    assert_eq!(got_sorted, expected);
}

#[test]
fn the_descriptors_have_the_promised_kind_priority_and_settings() {
    let find = |name| {
        plugins()
            .into_iter()
            .find(|p| p.name == name)
            .expect("registered")
    };
    let (amd, rocm) = (find("amdsmi"), find("rocm"));
    for d in [&amd, &rocm] {
        assert_eq!(d.kind(), PluginKind::PowerSource(Component::Gpu));
    }
    assert_eq!(rocm.priority, 40);
    assert!(
        amd.priority > rocm.priority,
        "AMD SMI is preferred where both load"
    );
    let owner = |key| codecarbon_core::settings::find(key).map(|s| s.owner_name());
    assert_eq!(owner("rocm_smi_library"), Some("rocm"));
    assert_eq!(owner("amd_smi_library"), Some("amdsmi"));
    assert_eq!(owner("gpu_ids"), Some("core"), "gpu_ids is a core key");
}
