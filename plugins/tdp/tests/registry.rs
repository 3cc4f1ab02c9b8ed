//! The registry holds this crate's plugins, and they build against a fake proc tree.

use codecarbon_core::registry::{self, plugins};
use codecarbon_core::{Component, Config, Method, PluginKind, Probe, SampleContext, TrackingMode};
use std::time::Duration;

#[test]
fn registry_holds_exactly_the_exported_names() {
    let names: Vec<&str> = plugins()
        .into_iter()
        .filter(|p| codecarbon_tdp::PLUGINS.contains(&p.name))
        .map(|p| p.name)
        .collect();
    let mut expected = codecarbon_tdp::PLUGINS.to_vec();
    let mut got = names.clone();
    expected.sort_unstable();
    got.sort_unstable();
    assert_eq!(got, expected);
}

#[test]
fn descriptors_have_the_promised_kind_priority_and_probe() {
    let config = Config::default();
    for (name, component) in [("tdp", Component::Cpu), ("ram_dimm", Component::Ram)] {
        let d = plugins()
            .into_iter()
            .find(|p| p.name == name)
            .expect("registered");
        assert_eq!(d.kind(), PluginKind::PowerSource(component));
        assert_eq!(d.priority, 0);
        assert_eq!((d.probe)(&config), Probe::Available);
    }
}

#[test]
fn both_plugins_build_and_sample_from_a_fake_proc_tree() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("cpuinfo"),
        "processor\t: 0\nmodel name\t: AMD EPYC\n\nprocessor\t: 1\nmodel name\t: AMD EPYC\n",
    )
    .unwrap();
    std::fs::write(dir.path().join("meminfo"), "MemTotal: 24686112 kB\n").unwrap();
    let config = Config {
        proc_root: dir.path().to_path_buf(),
        ..Config::default()
    };
    let ctx = SampleContext::new(Duration::from_secs(10), TrackingMode::Machine, 2)
        .with_machine_cpu_load(0.0);
    for (name, component) in [("tdp", Component::Cpu), ("ram_dimm", Component::Ram)] {
        let d = registry::power_sources(component)
            .into_iter()
            .find(|p| p.name == name)
            .unwrap();
        let Ok(mut source) = (d.build)(&config) else {
            panic!("{name} did not build a power source");
        };
        let info = source.info();
        assert_eq!(info.method, Method::Estimated);
        assert!(!info.detail.contains('\n'));
        let reading = source.sample(&ctx).unwrap();
        assert_eq!(reading.method, Method::Estimated);
        if name == "tdp" {
            // 8 W TDP at zero load: 0.8 W for 10 s.
            assert!((reading.energy.value() - 8.0).abs() < 1e-9);
            assert!(info.detail.starts_with("TDP 8 W: unknown CPU `AMD EPYC`"));
        }
    }
}
