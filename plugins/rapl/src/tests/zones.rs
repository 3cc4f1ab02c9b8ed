//! Zone discovery in both layouts.

use super::Tree;
use crate::files::RealFiles;
use crate::zone::{discover_zones, Interface};
use codecarbon_core::Watts;

fn ids(tree: &Tree) -> Vec<(String, String)> {
    discover_zones(&RealFiles, tree.root())
        .unwrap()
        .into_iter()
        .map(|z| (z.id.to_string(), z.name))
        .collect()
}

fn expected(pairs: &[(&str, &str)]) -> Vec<(String, String)> {
    pairs
        .iter()
        .map(|(a, b)| (a.to_string(), b.to_string()))
        .collect()
}

#[test]
fn finds_zones_in_the_flat_class_layout() {
    let tree = Tree::new();
    tree.zone("intel-rapl:0", "package-0", 1, Some(100));
    tree.zone("intel-rapl:0:0", "core", 1, Some(100));
    tree.zone("intel-rapl:1", "package-1", 1, Some(100));
    tree.zone("intel-rapl-mmio:0", "package-0", 1, Some(100));
    std::fs::create_dir(tree.root().join("intel-rapl")).unwrap(); // the control type
    assert_eq!(
        ids(&tree),
        expected(&[
            ("intel-rapl:0", "package-0"),
            ("intel-rapl:0:0", "core"),
            ("intel-rapl:1", "package-1"),
            ("intel-rapl-mmio:0", "package-0"),
        ])
    );
}

#[test]
fn finds_zones_in_the_nested_devices_layout() {
    let tree = Tree::new();
    tree.zone("intel-rapl/intel-rapl:0", "package-0", 1, Some(100));
    tree.zone(
        "intel-rapl/intel-rapl:0/intel-rapl:0:0",
        "core",
        1,
        Some(100),
    );
    tree.zone(
        "intel-rapl/intel-rapl:0/intel-rapl:0:1",
        "dram",
        1,
        Some(100),
    );
    tree.zone(
        "intel-rapl-mmio/intel-rapl-mmio:0",
        "package-0",
        1,
        Some(100),
    );
    assert_eq!(
        ids(&tree),
        expected(&[
            ("intel-rapl:0", "package-0"),
            ("intel-rapl:0:0", "core"),
            ("intel-rapl:0:1", "dram"),
            ("intel-rapl-mmio:0", "package-0"),
        ])
    );
}

#[test]
fn a_zone_reached_flat_and_nested_is_found_once() {
    // /sys/class/powercap: flat links whose targets also hold their subzones.
    let tree = Tree::new();
    tree.zone("intel-rapl:0", "package-0", 1, Some(100));
    tree.zone("intel-rapl:0/intel-rapl:0:0", "core", 1, Some(100));
    tree.zone("intel-rapl:0:0", "core", 1, Some(100));
    assert_eq!(
        ids(&tree),
        expected(&[("intel-rapl:0", "package-0"), ("intel-rapl:0:0", "core")])
    );
}

#[test]
fn ignores_other_entries_and_zones_without_a_counter() {
    let tree = Tree::new();
    tree.zone("intel-rapl:0", "package-0", 1, Some(100));
    // sysfs links back up: never followed.
    tree.zone(
        "intel-rapl:0/subsystem/intel-rapl:7",
        "package-7",
        1,
        Some(100),
    );
    tree.file("intel-rapl:1/name", "package-1\n"); // no energy_uj
    tree.zone("dtpm/dtpm:0", "package-9", 1, Some(100));
    assert_eq!(ids(&tree), expected(&[("intel-rapl:0", "package-0")]));
}

#[test]
fn reads_range_power_and_falls_back_to_the_directory_name() {
    let tree = Tree::new();
    tree.zone("intel-rapl:0", "package-0", 5, Some(262_143_328_850));
    tree.max_power("intel-rapl:0", 0, 125_000_000);
    tree.max_power("intel-rapl:0", 1, 200_000_000);
    tree.max_power("intel-rapl:0", 2, 0);
    let dir = tree.zone("intel-rapl-mmio:0", "x", 5, None);
    std::fs::remove_file(dir.join("name")).unwrap();
    let zones = discover_zones(&RealFiles, tree.root()).unwrap();
    assert_eq!(zones[0].range_uj, Some(262_143_328_850));
    assert_eq!(zones[0].max_power, Some(Watts(200.0)));
    assert_eq!(
        zones[0].energy_file(),
        tree.root().join("intel-rapl:0/energy_uj")
    );
    assert_eq!(zones[1].id.interface, Interface::Mmio);
    assert_eq!(zones[1].name, "intel-rapl-mmio:0");
    assert_eq!((zones[1].range_uj, zones[1].max_power), (None, None));
}

#[test]
fn a_missing_root_is_an_error_that_names_it() {
    let tree = Tree::new();
    let missing = tree.root().join("nothing-here");
    let err = discover_zones(&RealFiles, &missing)
        .unwrap_err()
        .to_string();
    assert!(
        err.contains("nothing-here") && err.contains("rapl_root"),
        "{err}"
    );
}
