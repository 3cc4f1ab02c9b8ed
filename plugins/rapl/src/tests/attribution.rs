//! Process mode: the tracked tree's share of the measured energy.

use super::{close, machine, Tree};
use crate::attribution::{cpu_share, Attribution};
use crate::plugin::{build_with, Env};
use codecarbon_core::{
    Component, Gigabytes, Joules, PowerSource, ProcessUsage, SampleContext, TrackingMode,
};
use std::time::Duration;

fn process(cpu_secs: f64, load: Option<f64>, elapsed: f64) -> SampleContext {
    SampleContext::new(Duration::from_secs_f64(elapsed), TrackingMode::Process, 4)
        .with_machine_cpu_load(load)
        .with_process(ProcessUsage::new(
            Duration::from_secs_f64(cpu_secs),
            Gigabytes(0.1),
        ))
}

#[test]
fn the_share_is_tree_cpu_over_machine_busy_cpu_clamped() {
    let s = |cpu: f64, load: Option<f64>| {
        cpu_share(
            Duration::from_secs_f64(cpu),
            load,
            Duration::from_secs(2),
            4,
        )
    };
    // 2 of 4 CPUs busy for 2 s is 4 CPU-seconds; the tree used 1.
    assert!(close(s(1.0, Some(0.5)), 0.25));
    assert!(close(s(4.0, Some(0.5)), 1.0));
    assert!(close(s(9.0, Some(0.5)), 1.0), "clamped");
    assert_eq!(s(1.0, Some(0.0)), 0.0);
    assert_eq!(s(1.0, None), 0.0);
    assert_eq!(s(1.0, Some(f64::NAN)), 0.0);
}

#[test]
fn attribution_keeps_the_machine_total() {
    let mut a = Attribution::default();
    assert_eq!(
        a.attribute(&process(10.0, Some(0.5), 0.0), Joules(0.0)),
        Joules::ZERO
    );
    // 1 CPU-second of 2 busy: half of 40 J.
    let got = a.attribute(&process(11.0, Some(0.5), 1.0), Joules(40.0));
    assert!(close(got.value(), 20.0), "{got:?}");
    let got = a.attribute(&process(11.0, None, 1.0), Joules(30.0));
    assert_eq!(got, Joules::ZERO);
    assert!(close(a.machine_energy().unwrap().value(), 70.0));
    // Machine mode: everything, and no machine total.
    assert_eq!(a.attribute(&machine(1.0), Joules(5.0)), Joules(5.0));
    assert_eq!(a.machine_energy(), None);
}

#[test]
fn a_process_mode_source_reports_the_share_and_the_machine_energy() {
    let tree = Tree::new();
    tree.zone("intel-rapl:0", "package-0", 0, Some(262_143_328_849));
    tree.zone("intel-rapl:0:0", "dram", 0, Some(262_143_328_849));
    let env = Env {
        mode: TrackingMode::Process,
        ..tree.env()
    };
    let mut cpu = build_with(&env, Component::Cpu).unwrap();
    let mut ram = build_with(&env, Component::Ram).unwrap();
    assert!(cpu.info().detail.contains("process mode"));
    cpu.sample(&process(1.0, None, 0.0)).unwrap();
    ram.sample(&process(1.0, None, 0.0)).unwrap();
    assert_eq!(cpu.machine_energy(), Some(Joules::ZERO));
    tree.set("intel-rapl:0", 60_000_000);
    tree.set("intel-rapl:0:0", 8_000_000);
    // The tree used 1.5 of the 3 busy CPU-seconds (load 0.75 × 1 s × 4 CPUs).
    let ctx = process(2.5, Some(0.75), 1.0);
    let c = cpu.sample(&ctx).unwrap();
    let r = ram.sample(&ctx).unwrap();
    assert!(close(c.energy.value(), 30.0), "{c:?}");
    assert!(close(r.energy.value(), 4.0), "{r:?}");
    assert!(close(cpu.machine_energy().unwrap().value(), 60.0));
    assert!(close(ram.machine_energy().unwrap().value(), 8.0));
}
