//! Domain selection: packages, psys, DRAM, MMIO twins, several sockets.

use super::{close, machine, Tree};
use crate::domain::{select, CpuDomain};
use crate::files::RealFiles;
use crate::plugin::build_with;
use crate::zone::{discover_zones, Interface};
use codecarbon_core::{Component, Method, PowerSource};

const RANGE: Option<u64> = Some(262_143_328_849);

fn names(zones: &[crate::Zone]) -> Vec<String> {
    zones
        .iter()
        .map(|z| format!("{} {}", z.id, z.name))
        .collect()
}

/// Two sockets, each with core, uncore and dram subzones.
fn two_sockets() -> Tree {
    let tree = Tree::new();
    for s in 0..2 {
        tree.zone(
            &format!("intel-rapl:{s}"),
            &format!("package-{s}"),
            1_000_000,
            RANGE,
        );
        tree.zone(&format!("intel-rapl:{s}:0"), "core", 1_000_000, RANGE);
        tree.zone(&format!("intel-rapl:{s}:1"), "uncore", 1_000_000, RANGE);
        tree.zone(&format!("intel-rapl:{s}:2"), "dram", 1_000_000, RANGE);
    }
    tree
}

#[test]
fn cpu_is_the_packages_and_ram_the_dram_zones() {
    let tree = two_sockets();
    let selection = select(discover_zones(&RealFiles, tree.root()).unwrap(), false);
    let (domain, cpu) = selection.cpu.unwrap();
    assert_eq!(domain, CpuDomain::Packages);
    assert_eq!(
        names(&cpu),
        ["intel-rapl:0 package-0", "intel-rapl:1 package-1"]
    );
    assert_eq!(
        names(&selection.dram),
        ["intel-rapl:0:2 dram", "intel-rapl:1:2 dram"]
    );
}

#[test]
fn core_and_uncore_are_never_added_and_sockets_are_summed() {
    let tree = two_sockets();
    let env = tree.env();
    let mut cpu = build_with(&env, Component::Cpu).unwrap();
    let mut ram = build_with(&env, Component::Ram).unwrap();
    assert_eq!(cpu.info().count, 2);
    assert!(cpu
        .info()
        .detail
        .contains("package-0 (intel-rapl:0) + package-1 (intel-rapl:1)"));
    cpu.sample(&machine(0.0)).unwrap();
    ram.sample(&machine(0.0)).unwrap();
    // Socket 0: package +10 J (core +7, uncore +2), dram +3 J; socket 1: package +5 J, dram +1 J.
    tree.set("intel-rapl:0", 11_000_000);
    tree.set("intel-rapl:0:0", 8_000_000);
    tree.set("intel-rapl:0:1", 3_000_000);
    tree.set("intel-rapl:0:2", 4_000_000);
    tree.set("intel-rapl:1", 6_000_000);
    tree.set("intel-rapl:1:0", 5_000_000);
    tree.set("intel-rapl:1:2", 2_000_000);
    let c = cpu.sample(&machine(1.0)).unwrap();
    let r = ram.sample(&machine(1.0)).unwrap();
    assert!(close(c.energy.value(), 15.0), "{c:?}");
    assert!(close(c.power.value(), 15.0), "{c:?}");
    assert!(close(r.energy.value(), 4.0), "{r:?}");
    assert_eq!((c.method, r.method), (Method::Measured, Method::Measured));
    assert_eq!(ram.info().source, "rapl_dram");
}

#[test]
fn psys_only_when_preferred_or_without_packages() {
    let tree = Tree::new();
    tree.zone("intel-rapl:0", "package-0", 1, RANGE);
    tree.zone("intel-rapl:1", "psys", 1, RANGE);
    let zones = discover_zones(&RealFiles, tree.root()).unwrap();
    let (domain, cpu) = select(zones.clone(), false).cpu.unwrap();
    assert_eq!(
        (domain, names(&cpu)),
        (CpuDomain::Packages, vec!["intel-rapl:0 package-0".into()])
    );
    let (domain, cpu) = select(zones.clone(), true).cpu.unwrap();
    assert_eq!(
        (domain, names(&cpu)),
        (CpuDomain::Psys, vec!["intel-rapl:1 psys".into()])
    );

    let without_package: Vec<_> = zones.into_iter().filter(|z| z.name == "psys").collect();
    let (domain, _) = select(without_package, false).cpu.unwrap();
    assert_eq!(domain, CpuDomain::Psys);

    // Through the configuration key.
    let mut config = codecarbon_core::Config::default();
    config
        .set("rapl_root", &tree.root().display().to_string(), "t")
        .unwrap();
    config.set("rapl_prefer_psys", "true", "t").unwrap();
    let source = crate::build_source(&config, Component::Cpu).unwrap();
    assert!(
        source.info().detail.contains("psys (intel-rapl:1)"),
        "{}",
        source.info().detail
    );
    // A bad value is refused where it is set, with its origin.
    let err = config
        .set("rapl_prefer_psys", "maybe", "--rapl-prefer-psys")
        .unwrap_err()
        .to_string();
    assert!(
        err.contains("rapl_prefer_psys")
            && err.contains("true or false")
            && err.contains("--rapl-prefer-psys"),
        "{err}"
    );
    // One that got past `set` (written into `extra` directly) is the build's error.
    config
        .extra
        .0
        .insert("rapl_prefer_psys".into(), "maybe".into());
    let err = crate::build_source(&config, Component::Cpu)
        .unwrap_err()
        .to_string();
    assert!(
        err.contains("rapl_prefer_psys") && err.contains("true or false"),
        "{err}"
    );
}

#[test]
fn no_package_and_no_psys_means_no_cpu_zones() {
    let tree = Tree::new();
    tree.zone("intel-rapl:0:0", "core", 1, RANGE);
    tree.zone("intel-rapl:0:1", "dram", 1, RANGE);
    let selection = select(discover_zones(&RealFiles, tree.root()).unwrap(), false);
    assert!(selection.cpu.is_none());
    assert_eq!(selection.dram.len(), 1);
}

#[test]
fn an_mmio_zone_and_its_msr_twin_count_once() {
    let tree = Tree::new();
    tree.zone("intel-rapl/intel-rapl:0", "package-0", 1_000_000, RANGE);
    tree.zone(
        "intel-rapl/intel-rapl:0/intel-rapl:0:0",
        "core",
        1_000_000,
        RANGE,
    );
    tree.zone(
        "intel-rapl-mmio/intel-rapl-mmio:0",
        "package-0",
        1_000_000,
        RANGE,
    );
    let selection = select(discover_zones(&RealFiles, tree.root()).unwrap(), false);
    let (_, cpu) = selection.cpu.unwrap();
    assert_eq!(cpu.len(), 1);
    assert_eq!(cpu[0].id.interface, Interface::Mmio);

    let mut source = build_with(&tree.env(), Component::Cpu).unwrap();
    source.sample(&machine(0.0)).unwrap();
    tree.set("intel-rapl/intel-rapl:0", 3_000_000);
    tree.set("intel-rapl-mmio/intel-rapl-mmio:0", 3_000_000);
    let reading = source.sample(&machine(1.0)).unwrap();
    assert!(close(reading.energy.value(), 2.0), "{reading:?}");
}
