//! Energy from the accumulator, from power samples, across a counter reset and a lost init.

use super::{assert_close, build, tick, tick_in};
use crate::{MockGpu, MockSmi, Mode, Status};
use codecarbon_core::{Method, PowerSource, TrackingMode};

#[test]
fn energy_is_the_counter_delta_times_its_resolution() {
    let smi = MockSmi::new(vec![MockGpu::new("AMD Instinct MI210")
        .energy(5_000)
        .resolution(15.25)]);
    let mut source = build(&smi);
    assert_eq!(
        source.devices()[0].mode(),
        &Mode::Counter {
            resolution_uj: 15.25
        }
    );
    let first = source.sample(&tick(0.0)).unwrap();
    assert_eq!(
        first.energy.value(),
        0.0,
        "the first sample is the baseline"
    );
    smi.set_energy(0, 5_000 + 2_000_000); // 2 M × 15.25 µJ = 30.5 J
    let r = source.sample(&tick(0.5)).unwrap();
    assert_close(r.energy.value(), 30.5);
    assert_close(r.power.value(), 61.0);
    assert_eq!(r.method, Method::Measured);
}

#[test]
fn without_a_counter_power_samples_are_integrated_by_trapezoids() {
    let smi = MockSmi::new(vec![MockGpu::new("Radeon RX 6800")
        .no_energy(Status::NOT_SUPPORTED)
        .power(100.0)]);
    let mut source = build(&smi);
    let Mode::Power { why } = source.devices()[0].mode() else {
        panic!("expected power sampling");
    };
    assert!(why.contains("RSMI_STATUS_NOT_SUPPORTED"), "{why}");
    assert_eq!(source.sample(&tick(0.0)).unwrap().energy.value(), 0.0);
    smi.set_power(0, 200.0);
    // (100 + 200) / 2 W over 2 s
    assert_close(source.sample(&tick(2.0)).unwrap().energy.value(), 300.0);
    smi.set_power(0, 200.0);
    assert_close(source.sample(&tick(1.0)).unwrap().energy.value(), 200.0);
    assert!(source.info().detail.contains("power sampling"));
}

#[test]
fn a_counter_at_zero_with_a_power_sensor_is_sampled_for_power() {
    let smi = MockSmi::new(vec![MockGpu::new("AMD Radeon Pro W6800")
        .energy(0)
        .power(50.0)]);
    let source = build(&smi);
    assert!(matches!(source.devices()[0].mode(), Mode::Power { why } if why.contains("reads 0")));
}

#[test]
fn a_counter_reset_rebaselines_and_the_interval_is_covered_by_power() {
    let smi = MockSmi::new(vec![MockGpu::new("AMD Instinct MI100")
        .energy(9_000_000)
        .power(250.0)]);
    let mut source = build(&smi);
    source.sample(&tick(0.0)).unwrap();
    smi.set_energy(0, 1_000); // the GPU was reset: the accumulator starts again
    let r = source.sample(&tick(2.0)).unwrap();
    assert_close(r.energy.value(), 500.0); // 250 W × 2 s, not lost, not negative
    smi.set_energy(0, 3_001_000);
    assert_close(source.sample(&tick(1.0)).unwrap().energy.value(), 3.0);
}

#[test]
fn a_failed_read_keeps_the_baseline_so_the_gap_is_counted_later() {
    let smi = MockSmi::new(vec![
        MockGpu::new("AMD Instinct MI210"),
        MockGpu::new("AMD Instinct MI210"),
    ]);
    let mut source = build(&smi);
    source.sample(&tick(0.0)).unwrap();
    smi.fail(1, Some(Status::FILE_ERROR));
    smi.set_energy(0, 2_000_000);
    assert!(source.sample(&tick(1.0)).is_err()); // GPU 1's first failure is reported once
    smi.set_energy(0, 3_000_000);
    smi.set_energy(1, 4_000_000);
    // GPU 0: 1 J now + the 1 J carried from the failed sample.
    assert_close(source.sample(&tick(1.0)).unwrap().energy.value(), 2.0);
    smi.fail(1, None);
    // GPU 1's counter covers the whole gap: 3 J over three ticks.
    assert_close(source.sample(&tick(1.0)).unwrap().energy.value(), 3.0);
}

#[test]
fn power_sampling_after_a_failure_spans_the_whole_gap() {
    let smi = MockSmi::new(vec![MockGpu::new("Radeon")
        .no_energy(Status::NOT_SUPPORTED)
        .power(100.0)]);
    let mut source = build(&smi);
    source.sample(&tick(0.0)).unwrap();
    smi.fail(0, Some(Status::rsmi(16)));
    assert!(source.sample(&tick(1.0)).is_err());
    assert!(source.sample(&tick(1.0)).is_err());
    smi.fail(0, None);
    smi.set_power(0, 300.0);
    // (100 + 300) / 2 W over the 3 s since the last good sample
    assert_close(source.sample(&tick(1.0)).unwrap().energy.value(), 600.0);
}

#[test]
fn init_error_reinitialises_once_and_retries() {
    let smi = MockSmi::new(vec![MockGpu::new("AMD Instinct MI300X").energy(10)]);
    let mut source = build(&smi);
    source.sample(&tick(0.0)).unwrap();
    smi.lose_init();
    smi.set_energy(0, 1_000_010);
    let r = source.sample(&tick(1.0)).unwrap();
    assert_close(r.energy.value(), 1.0);
    assert!(smi.reinits() >= 1);
}

#[test]
fn process_mode_reports_whole_gpus_and_machine_energy_equal_to_them() {
    let smi = MockSmi::new(vec![MockGpu::new("AMD Instinct MI210")
        .energy(0)
        .no_power(Status::NOT_SUPPORTED)]);
    let config = super::config_with("tracking_mode", "process");
    let mut source = crate::build_with(&config, Box::new(smi.clone()), &super::no_env).unwrap();
    assert!(source.info().detail.contains("no per-process energy"));
    let process = TrackingMode::Process;
    source.sample(&tick_in(0.0, process)).unwrap();
    smi.set_energy(0, 4_000_000);
    let r = source.sample(&tick_in(1.0, process)).unwrap();
    assert_close(r.energy.value(), 4.0);
    assert_eq!(source.machine_energy(), Some(r.energy));
    smi.set_energy(0, 5_000_000);
    let r2 = source.sample(&tick_in(1.0, process)).unwrap();
    assert_close(
        source.machine_energy().unwrap().value(),
        r.energy.value() + r2.energy.value(),
    );
    source.sample(&tick(1.0)).unwrap();
    assert_eq!(
        source.machine_energy(),
        None,
        "machine mode: readings are not shares"
    );
}
