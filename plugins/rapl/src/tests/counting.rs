//! Wrap-around, the read bound, mirrored dies, a missing range, failed reads.

use super::{close, machine, Tree};
use crate::counters::{read_interval, CounterSpec, Meter, ASSUMED_MAX_POWER, MAX_READ_INTERVAL};
use crate::dedupe::{MirrorFilter, MIRROR_WINDOW};
use crate::plugin::build_with;
use codecarbon_core::{Component, Joules, PowerSource, SourceError, Watts};
use std::time::Duration;

fn spec(modulus: Option<u64>) -> CounterSpec {
    CounterSpec {
        label: "test".into(),
        joules_per_unit: 1e-6,
        modulus,
        max_interval: MAX_READ_INTERVAL,
    }
}

#[test]
fn one_wrap_is_counted_modulo_range_plus_one() {
    // max_energy_range_uj = 1 000 000: the counter holds 0..=1 000 000, 1 000 001 values.
    let tree = Tree::new();
    tree.zone("intel-rapl:0", "package-0", 900_000, Some(1_000_000));
    let mut source = build_with(&tree.env(), Component::Cpu).unwrap();
    source.sample(&machine(0.0)).unwrap();
    tree.set("intel-rapl:0", 100_000);
    let reading = source.sample(&machine(0.5)).unwrap();
    // 100 000 µJ to the top, 1 µJ to zero, 100 000 µJ past it.
    assert!(close(reading.energy.value(), 0.200_001), "{reading:?}");
    tree.set("intel-rapl:0", 150_000);
    let reading = source.sample(&machine(0.5)).unwrap();
    assert!(close(reading.energy.value(), 0.05), "{reading:?}");
}

#[test]
fn reads_twice_per_wrap_at_the_zones_maximum_power() {
    let tree = Tree::new();
    // 100 J wrapping at 50 W: every 2 s, so read every second.
    tree.zone("intel-rapl:0", "package-0", 0, Some(99_999_999));
    tree.max_power("intel-rapl:0", 0, 50_000_000);
    let source = build_with(&tree.env(), Component::Cpu).unwrap();
    assert_eq!(source.max_interval(), Duration::from_secs(1));

    // A second socket at up to 200 W on the same range: every 250 ms, for both.
    tree.zone("intel-rapl:1", "package-1", 0, Some(99_999_999));
    tree.max_power("intel-rapl:1", 0, 100_000_000);
    tree.max_power("intel-rapl:1", 1, 200_000_000);
    let source = build_with(&tree.env(), Component::Cpu).unwrap();
    assert_eq!(source.max_interval(), Duration::from_millis(250));
    assert!(
        source.info().detail.contains("read every 250 ms"),
        "{}",
        source.info().detail
    );

    // No constraint: the assumed 1000 W.
    tree.zone("intel-rapl:2", "package-2", 0, Some(99_999_999));
    let source = build_with(&tree.env(), Component::Cpu).unwrap();
    assert_eq!(source.max_interval(), Duration::from_millis(50));
    assert_eq!(ASSUMED_MAX_POWER, Watts(1000.0));

    // A real range (262 kJ) never asks for more than once a second.
    assert_eq!(
        read_interval(Some(Joules(262_143.0)), Watts(500.0)),
        MAX_READ_INTERVAL
    );
}

#[test]
fn reading_at_the_bound_sees_every_wrap() {
    // 100 J range at 50 W: reads every second (half a wrap) always move forward by 50 J.
    let tree = Tree::new();
    let range = 99_999_999u64;
    tree.zone("intel-rapl:0", "package-0", 0, Some(range));
    tree.max_power("intel-rapl:0", 0, 50_000_000);
    let mut source = build_with(&tree.env(), Component::Cpu).unwrap();
    let step = source.max_interval().as_secs_f64();
    source.sample(&machine(0.0)).unwrap();
    let mut total = 0.0;
    for i in 1..=9u64 {
        let truth = i as f64 * step * 50.0; // joules since start
        tree.set("intel-rapl:0", (truth * 1e6) as u64 % (range + 1));
        total += source.sample(&machine(step)).unwrap().energy.value();
        assert!(
            (total - truth).abs() < 1e-6,
            "after {i} reads: {total} vs {truth}"
        );
    }
}

#[test]
fn a_missing_range_reports_each_decrease_and_rebaselines() {
    let tree = Tree::new();
    tree.zone("intel-rapl:0", "package-0", 5_000_000, None);
    let mut source = build_with(&tree.env(), Component::Cpu).unwrap();
    assert_eq!(source.max_interval(), MAX_READ_INTERVAL);
    source.sample(&machine(0.0)).unwrap();
    tree.set("intel-rapl:0", 6_000_000);
    assert!(close(
        source.sample(&machine(1.0)).unwrap().energy.value(),
        1.0
    ));
    tree.set("intel-rapl:0", 1_000_000); // wrapped, but to what range?
    let err = source.sample(&machine(1.0)).unwrap_err();
    assert!(matches!(err, SourceError::Counter(_)), "{err:?}");
    tree.set("intel-rapl:0", 3_000_000);
    assert!(close(
        source.sample(&machine(1.0)).unwrap().energy.value(),
        2.0
    ));
}

#[test]
fn a_failed_read_keeps_the_baseline_so_the_gap_is_counted() {
    let tree = Tree::new();
    tree.zone(
        "intel-rapl:0",
        "package-0",
        1_000_000,
        Some(262_143_328_849),
    );
    let mut source = build_with(&tree.env(), Component::Cpu).unwrap();
    source.sample(&machine(0.0)).unwrap();
    std::fs::write(tree.root().join("intel-rapl:0/energy_uj"), "garbage").unwrap();
    let err = source.sample(&machine(1.0)).unwrap_err().to_string();
    assert!(err.contains("energy_uj"), "{err}");
    tree.set("intel-rapl:0", 4_000_000);
    assert!(close(
        source.sample(&machine(1.0)).unwrap().energy.value(),
        3.0
    ));
}

#[test]
fn a_regression_on_one_counter_carries_the_others_energy() {
    let mut meter = Meter::new(vec![spec(Some(1_000_000)), spec(None)], false);
    assert_eq!(
        meter.update(&[0, 500], Duration::ZERO).unwrap(),
        Joules::ZERO
    );
    // Counter 1 has no range and goes back: an error, but counter 0's 0.1 J is kept.
    let err = meter
        .update(&[100_000, 100], Duration::from_secs(1))
        .unwrap_err();
    assert!(matches!(err, SourceError::Counter(_)));
    let energy = meter
        .update(&[200_000, 300], Duration::from_secs(1))
        .unwrap();
    assert!(close(energy.value(), 0.2 + 0.0002), "{energy:?}");
}

#[test]
fn mirrored_dies_count_once() {
    // Four die counters: 0 and 1 mirror socket A, 2 and 3 mirror socket B.
    let start = [
        50_000_000_000u64,
        50_000_000_300,
        80_000_000_000,
        80_000_000_000,
    ];
    let mut meter = Meter::new(vec![spec(None); 4], true);
    meter.update(&start, Duration::ZERO).unwrap();
    let mut total = 0.0;
    let mut raw = start;
    for _ in 0..4 {
        // A +30 J, B +20 J per half second, read a few microseconds apart.
        raw = [
            raw[0] + 30_000_000,
            raw[1] + 30_000_100,
            raw[2] + 20_000_000,
            raw[3] + 20_000_000,
        ];
        total += meter
            .update(&raw, Duration::from_millis(500))
            .unwrap()
            .value();
    }
    assert!(close(total, 4.0 * 50.0), "{total}");
    assert_eq!(meter.mirrors(), ["test", "test"]);
}

#[test]
fn equal_start_values_with_different_deltas_are_both_counted() {
    // Two real sockets that happen to start equal (a fake tree, a fresh boot).
    let mut meter = Meter::new(vec![spec(None); 2], true);
    meter.update(&[0, 0], Duration::ZERO).unwrap();
    // Over 0.1 s both move less than 1 J: still undecided, socket 1's energy is held.
    let first = meter
        .update(&[400_000, 300_000], Duration::from_millis(100))
        .unwrap();
    assert!(close(first.value(), 0.4), "{first:?}");
    // Then they part: socket 1's held energy is released with this interval's.
    let second = meter
        .update(&[4_400_000, 2_300_000], Duration::from_millis(900))
        .unwrap();
    assert!(close(second.value(), 4.0 + 2.3), "{second:?}");
    assert!(meter.mirrors().is_empty());
}

#[test]
fn the_mirror_rule_is_codecarbons() {
    let j = |x: f64| Joules(x);
    let mut f = MirrorFilter::at_start(&[j(1e6), j(1e6 + 0.9), j(2e6)]);
    // Counter 1 matches counter 0 within 1 J; its deltas match too for the whole window.
    let half = MIRROR_WINDOW / 2;
    assert!(close(
        f.filter(&[j(10.0), j(10.5), j(7.0)], half).value(),
        17.0
    ));
    assert!(f.mirrors().is_empty());
    assert!(close(
        f.filter(&[j(10.0), j(10.4), j(7.0)], half).value(),
        17.0
    ));
    assert_eq!(f.mirrors(), [1]);
    assert!(close(
        f.filter(&[j(10.0), j(99.0), j(7.0)], half).value(),
        17.0
    ));
}

#[test]
fn counters_that_never_move_make_the_source_unusable() {
    // A virtual machine that exposes a zone and never counts.
    let tree = Tree::new();
    tree.zone("intel-rapl:0", "package-0", 5_000, Some(1_000_000));
    let mut source = build_with(&tree.env(), Component::Cpu).unwrap();
    source.sample(&machine(0.0)).unwrap();
    let still = source.sample(&machine(0.6)).unwrap();
    assert_eq!(still.energy, Joules::ZERO);
    let Err(SourceError::Unusable(why)) = source.sample(&machine(0.6)) else {
        panic!("counters still for 1.2 s must make the source unusable");
    };
    assert!(
        why.contains("package-0") && why.contains("1.2 s") && why.contains("virtual machines"),
        "{why}"
    );
}

#[test]
fn counters_that_have_moved_may_stand_still() {
    // An idle DRAM zone may rest for a while once it has shown that it counts.
    let tree = Tree::new();
    tree.zone("intel-rapl:0", "package-0", 5_000, Some(1_000_000));
    let mut source = build_with(&tree.env(), Component::Cpu).unwrap();
    source.sample(&machine(0.0)).unwrap();
    tree.set("intel-rapl:0", 6_000);
    assert!(source.sample(&machine(0.5)).unwrap().energy > Joules::ZERO);
    for _ in 0..10 {
        assert_eq!(source.sample(&machine(0.5)).unwrap().energy, Joules::ZERO);
    }
}
