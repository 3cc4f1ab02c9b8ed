//! The RAPL PMU's files and the permission decision, on fake trees (this VM has no PMU).

use super::Tree;
use crate::files::RealFiles;
use crate::perf::{self, PerfStatus};
use crate::{parse_cap_eff, read_event, read_pmu, PerfAccess};

fn pmu(tree: &Tree) {
    tree.file("power/type", "23\n");
    tree.file("power/cpumask", "0,24\n");
    tree.file("power/format/event", "config:0-7\n");
    tree.file("power/events/energy-pkg", "event=0x02\n");
    tree.file(
        "power/events/energy-pkg.scale",
        "2.3283064365386962890625e-10\n",
    );
    tree.file("power/events/energy-pkg.unit", "Joules\n");
    tree.file("power/events/energy-ram", "event=0x03\n");
    tree.file("power/events/energy-ram.scale", "1.52587890625e-05\n");
    tree.file("power/events/energy-ram.unit", "Joules\n");
}

#[test]
fn reads_the_pmu_and_its_events() {
    let tree = Tree::new();
    pmu(&tree);
    let dir = tree.root().join("power");
    let found = read_pmu(&RealFiles, &dir).unwrap().unwrap();
    assert_eq!((found.pmu_type, found.cpus.as_slice()), (23, &[0, 24][..]));
    let pkg = read_event(&RealFiles, &dir, "energy-pkg").unwrap().unwrap();
    assert_eq!(pkg.config, 2);
    assert!((pkg.scale - 2.3283064365386963e-10).abs() < 1e-24);
    let ram = read_event(&RealFiles, &dir, "energy-ram").unwrap().unwrap();
    assert_eq!((ram.config, ram.scale), (3, 1.52587890625e-05));
    assert_eq!(read_event(&RealFiles, &dir, "energy-psys").unwrap(), None);
    assert_eq!(
        read_pmu(&RealFiles, &tree.root().join("none")).unwrap(),
        None
    );
}

#[test]
fn malformed_event_files_are_errors_that_name_the_file() {
    let tree = Tree::new();
    pmu(&tree);
    let dir = tree.root().join("power");
    tree.file("power/events/energy-pkg.unit", "Watts\n");
    let err = read_event(&RealFiles, &dir, "energy-pkg")
        .unwrap_err()
        .to_string();
    assert!(
        err.contains("energy-pkg.unit") && err.contains("Joules"),
        "{err}"
    );
    tree.file("power/events/energy-pkg.unit", "Joules\n");
    tree.file("power/events/energy-pkg.scale", "-1\n");
    let err = read_event(&RealFiles, &dir, "energy-pkg")
        .unwrap_err()
        .to_string();
    assert!(err.contains("energy-pkg.scale"), "{err}");
    tree.file("power/events/energy-pkg", "umask=0x1\n");
    assert!(read_event(&RealFiles, &dir, "energy-pkg").is_err());
    tree.file("power/cpumask", "\n");
    let err = read_pmu(&RealFiles, &dir).unwrap_err().to_string();
    assert!(err.contains("cpumask"), "{err}");
    tree.file("power/type", "power\n");
    assert!(read_pmu(&RealFiles, &dir).is_err());
}

#[test]
fn the_permission_decision_follows_paranoid_and_capabilities() {
    let tree = Tree::new();
    let proc = tree.root().join("proc");
    let access = |paranoid: &str, cap_eff: &str| {
        tree.file("proc/sys/kernel/perf_event_paranoid", paranoid);
        tree.file(
            "proc/self/status",
            &format!("Name:\tcodecarbon\nCapEff:\t{cap_eff}\n"),
        );
        PerfAccess::read(&RealFiles, &proc)
    };
    assert!(access("0\n", "0000000000000000").allowed());
    assert!(access("-1\n", "0000000000000000").allowed());
    assert!(!access("2\n", "0000000000000000").allowed());
    assert!(!access("1\n", "0000000000000000").allowed());
    // CAP_PERFMON (bit 38) alone, CAP_SYS_ADMIN (bit 21) alone, root's full set.
    assert!(access("2\n", "0000004000000000").allowed());
    assert!(access("2\n", "0000000000200000").allowed());
    assert!(access("4\n", "000001ffffffffff").allowed());
    // Nothing readable: not allowed.
    assert!(!PerfAccess::read(&RealFiles, &tree.root().join("nothing")).allowed());
    assert_eq!(
        parse_cap_eff("CapInh:\t0\nCapEff:\t0000000000000010\n"),
        Some(16)
    );
    assert_eq!(parse_cap_eff("Name:\tx\n"), None);
}

#[test]
fn the_plan_is_absent_denied_or_ready() {
    let tree = Tree::new();
    let dir = tree.root().join("power");
    let open = PerfAccess {
        paranoid: Some(0),
        capabilities: None,
    };
    let closed = PerfAccess {
        paranoid: Some(2),
        capabilities: Some(0),
    };
    let plan = |access, wanted: &[&str]| perf::plan(&RealFiles, &dir, access, wanted).unwrap();
    assert_eq!(plan(open, &["energy-pkg"]), PerfStatus::Absent);
    pmu(&tree);
    assert_eq!(plan(closed, &["energy-pkg"]), PerfStatus::Denied);
    assert_eq!(plan(open, &["energy-psys"]), PerfStatus::Absent);
    let PerfStatus::Ready(ready) = plan(open, &["energy-psys", "energy-pkg"]) else {
        panic!("energy-pkg is there");
    };
    assert_eq!(ready.event.name, "energy-pkg");
    let specs = ready.specs();
    assert_eq!(specs.len(), 2);
    assert_eq!(specs[1].label, "energy-pkg on CPU 24");
    assert_eq!(specs[1].modulus, None);
    assert_eq!(
        ready.describe(),
        "perf_event (power PMU type 23): energy-pkg on CPU 0, 24"
    );
}
