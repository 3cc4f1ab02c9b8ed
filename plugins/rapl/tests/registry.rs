//! The registry holds this crate's two plugins, as promised, and they build on a fake tree.

use codecarbon_core::registry::{self, plugins};
use codecarbon_core::{Component, Config, Method, PluginKind, Probe};

#[test]
fn registry_holds_exactly_the_exported_names() {
    let mut got: Vec<&str> = plugins()
        .into_iter()
        .filter(|p| p.name.starts_with("rapl"))
        .map(|p| p.name)
        .collect();
    got.sort_unstable();
    assert_eq!(got, codecarbon_rapl::PLUGINS);
}

#[test]
fn descriptors_have_the_promised_kind_priority_and_settings() {
    for (name, component) in [("rapl", Component::Cpu), ("rapl_dram", Component::Ram)] {
        let d = plugins()
            .into_iter()
            .find(|p| p.name == name)
            .expect("registered");
        assert_eq!(d.kind(), PluginKind::PowerSource(component));
        assert_eq!(d.priority, 50);
    }
    for key in ["rapl_root", "rapl_prefer_psys", "force_mode_cpu_load"] {
        let owner = codecarbon_core::settings::find(key).map(|s| s.owner_name());
        assert_eq!(owner, Some("rapl"), "{key}");
    }
}

#[test]
fn both_build_from_a_fake_tree_given_as_rapl_root() {
    let root = tempfile::tempdir().unwrap();
    for (zone, name) in [("intel-rapl:0", "package-0"), ("intel-rapl:0:1", "dram")] {
        let dir = root.path().join(zone);
        std::fs::create_dir(&dir).unwrap();
        std::fs::write(dir.join("name"), name).unwrap();
        std::fs::write(dir.join("energy_uj"), "7").unwrap();
        std::fs::write(dir.join("max_energy_range_uj"), "262143328850").unwrap();
    }
    let mut config = Config::default();
    config
        .set("rapl_root", &root.path().display().to_string(), "test")
        .unwrap();
    for (name, component) in [("rapl", Component::Cpu), ("rapl_dram", Component::Ram)] {
        let d = registry::power_sources(component)
            .into_iter()
            .find(|p| p.name == name)
            .unwrap();
        assert_eq!(d.descriptor.probe(&config), Probe::Available, "{name}");
        let Ok(source) = (d.build)(&config) else {
            panic!("{name} did not build a power source");
        };
        let info = source.info();
        assert_eq!(
            (info.source, info.method, info.count),
            (name, Method::Measured, 1)
        );
        assert!(info.detail.starts_with("powercap at "), "{}", info.detail);
        assert!(!info.detail.contains('\n'));
    }
}
