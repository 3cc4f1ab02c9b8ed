//! Probes and builds: absent, blocked with the fix, forced off, perf_event or powercap.

use super::{env_with, Denied, Tree};
use crate::plugin::{build_with, probe_with, Env};
use codecarbon_core::{BuildError, Component, Config, PowerSource, Probe, Watts};
use std::path::Path;
use std::sync::Arc;
use std::time::{Duration, Instant};

const RANGE: Option<u64> = Some(262_143_328_849);

fn package(tree: &Tree) {
    tree.zone("intel-rapl:0", "package-0", 1_000_000, RANGE);
}

fn blocked(probe: Probe) -> String {
    match probe {
        Probe::Blocked(message) => message,
        other => panic!("expected Blocked, got {other:?}"),
    }
}

fn unavailable(probe: Probe) -> String {
    match probe {
        Probe::Unavailable(message) => message,
        other => panic!("expected Unavailable, got {other:?}"),
    }
}

#[test]
fn an_unreadable_counter_is_blocked_with_the_fix() {
    let tree = Tree::new();
    package(&tree);
    tree.zone("intel-rapl:0:0", "dram", 1_000_000, RANGE);
    let files = Arc::new(Denied {
        suffix: "energy_uj".into(),
    });
    let env = env_with(files, tree.root(), true);
    for component in [Component::Cpu, Component::Ram] {
        let message = blocked(probe_with(&env, component));
        assert!(message.contains("energy_uj"), "{message}");
        assert!(message.contains("sudo chmod -R a+r"), "{message}");
        assert!(message.contains("udev"), "{message}");
        assert!(message.contains("estimated"), "{message}");
        let Err(BuildError::Unavailable { message, .. }) = build_with(&env, component) else {
            panic!("the build must fail so that the engine takes the next candidate");
        };
        assert!(message.contains("chmod"), "{message}");
    }
}

#[test]
fn a_directory_in_place_of_the_counter_is_blocked() {
    let tree = Tree::new();
    std::fs::create_dir_all(tree.root().join("intel-rapl:0/energy_uj")).unwrap();
    tree.file("intel-rapl:0/name", "package-0\n");
    let message = blocked(probe_with(&tree.env(), Component::Cpu));
    assert!(message.contains("chmod"), "{message}");
}

#[test]
fn no_zones_is_unavailable() {
    let tree = Tree::new();
    let message = unavailable(probe_with(&tree.env(), Component::Cpu));
    assert!(message.contains("no package or psys zone"), "{message}");
    package(&tree);
    assert_eq!(probe_with(&tree.env(), Component::Cpu), Probe::Available);
    let message = unavailable(probe_with(&tree.env(), Component::Ram));
    assert!(message.contains("no dram zone"), "{message}");

    let missing = env_with(
        Arc::new(crate::RealFiles),
        &tree.root().join("absent"),
        true,
    );
    let message = unavailable(probe_with(&missing, Component::Cpu));
    assert!(
        message.starts_with("no RAPL") && message.contains("absent"),
        "{message}"
    );
}

#[test]
fn forced_powers_rule_the_plugins_out() {
    let tree = Tree::new();
    package(&tree);
    tree.zone("intel-rapl:0:0", "dram", 1, RANGE);
    let mut config = Config::default();
    config
        .set("rapl_root", &tree.root().display().to_string(), "t")
        .unwrap();
    assert_eq!(crate::probe(&config, Component::Cpu), Probe::Available);
    assert_eq!(crate::probe(&config, Component::Ram), Probe::Available);
    config.force_cpu_power = Some(Watts(45.0));
    assert_eq!(
        crate::probe(&config, Component::Cpu),
        Probe::Unavailable("force_cpu_power disables measured CPU power".into())
    );
    assert_eq!(crate::probe(&config, Component::Ram), Probe::Available);
    config.force_ram_power = Some(Watts(10.0));
    assert_eq!(
        crate::probe(&config, Component::Ram),
        Probe::Unavailable("force_ram_power disables measured RAM power".into())
    );
}

#[test]
fn force_mode_cpu_load_asks_for_the_model() {
    let tree = Tree::new();
    package(&tree);
    let mut config = Config::default();
    config
        .set("rapl_root", &tree.root().display().to_string(), "t")
        .unwrap();
    config.set("force_mode_cpu_load", "True", "t").unwrap();
    assert_eq!(
        crate::probe(&config, Component::Cpu),
        Probe::Unavailable("force_mode_cpu_load asks for the TDP and load model".into())
    );
    config.set("force_mode_cpu_load", "false", "t").unwrap();
    assert_eq!(crate::probe(&config, Component::Cpu), Probe::Available);
}

#[test]
fn the_default_probe_is_quick_where_there_is_no_rapl() {
    let has_rapl = Path::new(crate::DEFAULT_ROOT).exists() || Path::new(crate::PMU_DIR).exists();
    if has_rapl {
        eprintln!("this machine has RAPL; the no-RAPL check does not apply");
        return;
    }
    let started = Instant::now();
    let probe = crate::probe(&Config::default(), Component::Cpu);
    assert!(started.elapsed() < Duration::from_millis(100));
    let message = unavailable(probe);
    assert!(message.starts_with("no RAPL"), "{message}");
    assert!(matches!(
        crate::probe(&Config::default(), Component::Ram),
        Probe::Unavailable(_)
    ));
}

/// A fake RAPL PMU (type 999999, which no kernel has) and proc tree under `tree`.
fn fake_pmu(tree: &Tree, paranoid: i32, cap_eff: &str) -> Env {
    tree.file("pmu/type", "999999\n");
    tree.file("pmu/cpumask", "0,2\n");
    tree.file("pmu/format/event", "config:0-7\n");
    tree.file("pmu/events/energy-pkg", "event=0x02\n");
    tree.file(
        "pmu/events/energy-pkg.scale",
        "2.3283064365386962890625e-10\n",
    );
    tree.file("pmu/events/energy-pkg.unit", "Joules\n");
    tree.file(
        "proc/sys/kernel/perf_event_paranoid",
        &format!("{paranoid}\n"),
    );
    tree.file(
        "proc/self/status",
        &format!("Name:\tx\nCapEff:\t{cap_eff}\n"),
    );
    Env {
        root: tree.root().join("powercap"),
        explicit_root: false,
        pmu_dir: tree.root().join("pmu"),
        proc_root: tree.root().join("proc"),
        ..tree.env()
    }
}

#[test]
fn perf_event_when_allowed_and_powercap_when_it_fails() {
    let tree = Tree::new();
    let env = fake_pmu(&tree, 0, "0000000000000000");
    assert_eq!(probe_with(&env, Component::Cpu), Probe::Available);
    // The kernel refuses the fake PMU type: an error, never a panic.
    let Err(BuildError::Unavailable { message, .. }) = build_with(&env, Component::Cpu) else {
        panic!("no perf and no powercap must not build");
    };
    assert!(
        message.contains("energy-pkg") && message.contains("perf_event_paranoid"),
        "{message}"
    );
    // With powercap beside it, the build falls back to powercap.
    tree.zone("powercap/intel-rapl:0", "package-0", 5, RANGE);
    let source = build_with(&env, Component::Cpu).unwrap();
    assert!(
        source.info().detail.starts_with("powercap at "),
        "{}",
        source.info().detail
    );
    // No energy-ram event and no dram zone: nothing for RAM.
    assert!(matches!(
        probe_with(&env, Component::Ram),
        Probe::Unavailable(_)
    ));
}

#[test]
fn a_pmu_this_user_may_not_open_is_blocked_with_the_sysctl() {
    let tree = Tree::new();
    let env = fake_pmu(&tree, 2, "0000000000000000");
    let message = blocked(probe_with(&env, Component::Cpu));
    assert!(
        message.contains("sysctl kernel.perf_event_paranoid=0"),
        "{message}"
    );
    // Unreadable powercap as well: both fixes.
    tree.zone("powercap/intel-rapl:0", "package-0", 5, RANGE);
    let env = Env {
        files: Arc::new(Denied {
            suffix: "energy_uj".into(),
        }),
        ..env
    };
    let message = blocked(probe_with(&env, Component::Cpu));
    assert!(
        message.contains("chmod") && message.contains("perf_event_paranoid=0"),
        "{message}"
    );
    // Readable powercap: used.
    let env = Env {
        files: Arc::new(crate::RealFiles),
        ..env
    };
    assert_eq!(probe_with(&env, Component::Cpu), Probe::Available);
}

#[test]
fn an_explicit_root_never_uses_perf() {
    let tree = Tree::new();
    let env = Env {
        explicit_root: true,
        ..fake_pmu(&tree, 0, "000001ffffffffff")
    };
    assert!(matches!(
        probe_with(&env, Component::Cpu),
        Probe::Unavailable(_)
    ));
}
