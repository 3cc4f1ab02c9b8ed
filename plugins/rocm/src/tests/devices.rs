//! Several GPUs: dual-die parts, failures, utilisation, the model line and the detail.

use super::{assert_close, build, config_with, no_env, tick};
use crate::{build_with, gpu_model, source_model, MockGpu, MockSmi, Mode, Status};
use codecarbon_core::{Component, Method, PowerSource};

const MI250X: &str = "AMD Instinct MI250X";

/// An MI250X: two devices, the second reading 0 by design.
fn mi250x() -> MockSmi {
    MockSmi::new(vec![
        MockGpu::new(MI250X).energy(1_000).power(300.0).busy(80),
        MockGpu::new(MI250X).energy(0).power(0.0).busy(40),
    ])
}

#[test]
fn the_second_die_reading_zero_is_recognised_not_failed_and_not_counted_twice() {
    let smi = mi250x();
    let mut source = build(&smi);
    assert_eq!(
        source.devices()[1].mode(),
        &Mode::SecondDie {
            primary: 0,
            primary_tracked: true
        }
    );
    let info = source.info();
    assert_eq!(info.count, 2);
    assert!(
        info.detail
            .contains("GPU 1 AMD Instinct MI250X (second die of GPU 0"),
        "{}",
        info.detail
    );
    source.sample(&tick(0.0)).unwrap();
    smi.set_energy(0, 1_000 + 5_000_000);
    let r = source.sample(&tick(1.0)).unwrap();
    assert_close(r.energy.value(), 5.0);
    assert!(source.devices().iter().all(|d| d.failure().is_none()));
}

#[test]
fn a_second_die_alone_says_its_energy_is_in_the_untracked_first_die() {
    let smi = mi250x();
    let config = config_with("gpu_ids", "1");
    let mut source = build_with(&config, Box::new(smi.clone()), &no_env).unwrap();
    assert!(source.info().detail.contains("is not tracked"));
    source.sample(&tick(0.0)).unwrap();
    smi.set_energy(0, 9_000_000);
    assert_eq!(source.sample(&tick(1.0)).unwrap().energy.value(), 0.0);
}

#[test]
fn a_zero_on_an_odd_index_of_another_model_is_not_a_second_die() {
    let smi = MockSmi::new(vec![
        MockGpu::new("AMD Instinct MI210"),
        MockGpu::new("AMD Instinct MI100").energy(0).power(90.0),
    ]);
    let source = build(&smi);
    assert!(matches!(source.devices()[1].mode(), Mode::Power { .. }));
}

#[test]
fn a_second_die_whose_counter_moves_becomes_a_counter() {
    let smi = mi250x();
    let mut source = build(&smi);
    source.sample(&tick(0.0)).unwrap();
    smi.set_energy(1, 7_000_000);
    assert_eq!(source.sample(&tick(1.0)).unwrap().energy.value(), 0.0);
    assert!(matches!(source.devices()[1].mode(), Mode::Counter { .. }));
    smi.set_energy(1, 9_000_000);
    assert_close(source.sample(&tick(1.0)).unwrap().energy.value(), 2.0);
}

#[test]
fn a_failing_gpu_is_reported_once_while_the_others_keep_reporting() {
    let smi = MockSmi::new(vec![
        MockGpu::new("AMD Instinct MI210"),
        MockGpu::new("AMD Instinct MI210"),
        MockGpu::new("AMD Instinct MI210"),
    ]);
    let mut source = build(&smi);
    source.sample(&tick(0.0)).unwrap();
    smi.fail(1, Some(Status::PERMISSION));
    smi.set_energy(0, 2_000_000);
    smi.set_energy(2, 2_000_000);
    let err = source.sample(&tick(1.0)).unwrap_err().to_string();
    assert!(
        err.contains("GPU 1") && err.contains("RSMI_STATUS_PERMISSION"),
        "{err}"
    );
    assert!(err.contains("render"), "the fix is given: {err}");
    assert!(err.contains("other AMD GPUs keep reporting"), "{err}");
    for step in 1..=3u64 {
        smi.set_energy(0, 2_000_000 + step * 1_000_000);
        smi.set_energy(2, 2_000_000 + step * 1_000_000);
        let r = source.sample(&tick(1.0)).unwrap();
        // The first Ok sample also carries the 2 J of the sample that reported the failure.
        let carried = if step == 1 { 2.0 } else { 0.0 };
        assert_close(r.energy.value(), 2.0 + carried);
    }
    assert!(source.devices()[1].failure().is_some());
}

#[test]
fn when_every_gpu_fails_the_sample_is_an_error_that_names_them() {
    let smi = MockSmi::new(vec![MockGpu::new("A"), MockGpu::new("B")]);
    let mut source = build(&smi);
    source.sample(&tick(0.0)).unwrap();
    smi.fail(0, Some(Status::FILE_ERROR));
    smi.fail(1, Some(Status::FILE_ERROR));
    for _ in 0..2 {
        let err = source.sample(&tick(1.0)).unwrap_err().to_string();
        assert!(err.contains("GPU 0") && err.contains("GPU 1"), "{err}");
    }
}

#[test]
fn utilisation_is_the_mean_busy_share_of_the_gpus_that_answer() {
    let smi = mi250x();
    let mut source = build(&smi);
    assert_eq!(
        source.utilization(),
        None,
        "nothing before the first sample"
    );
    source.sample(&tick(0.0)).unwrap();
    assert_close(source.utilization().unwrap().value(), 60.0);
    smi.update(1, |g| g.busy = Err(Status::NOT_SUPPORTED));
    source.sample(&tick(1.0)).unwrap();
    assert_close(source.utilization().unwrap().value(), 80.0);
}

#[test]
fn gpu_model_counts_each_model() {
    assert_eq!(gpu_model(&[MI250X, MI250X]), "2 x AMD Instinct MI250X");
    assert_eq!(
        gpu_model(&["AMD Instinct MI100", MI250X, "AMD Instinct MI100"]),
        "2 x AMD Instinct MI100, 1 x AMD Instinct MI250X"
    );
    assert_eq!(source_model(&[MI250X, MI250X]).as_deref(), Some(MI250X));
    assert_eq!(source_model(&[]), None);
    let smi = MockSmi::new(vec![
        MockGpu::new("AMD Instinct MI100"),
        MockGpu::new("AMD Instinct MI210"),
        MockGpu::new("AMD Instinct MI210"),
    ]);
    let info = build(&smi).info();
    assert_eq!(
        info.model.as_deref(),
        Some("1 x AMD Instinct MI100, 2 x AMD Instinct MI210")
    );
    assert_eq!(info.count, 3);
}

#[test]
fn the_detail_lists_each_gpu_with_the_library_and_how_it_is_read() {
    let smi = MockSmi::new(vec![
        MockGpu::new(MI250X).resolution(15.3),
        MockGpu::new(MI250X).energy(0),
        MockGpu::new("Radeon RX 7900 XTX").no_energy(Status::NOT_SUPPORTED),
        MockGpu::new("Broken")
            .no_energy(Status::NOT_SUPPORTED)
            .no_power(Status::NOT_SUPPORTED),
    ]);
    let info = build(&smi).info();
    assert_eq!(
        (info.component, info.source, info.method),
        (Component::Gpu, "rocm", Method::Measured)
    );
    assert_eq!(info.count, 3, "the unreadable GPU is not tracked");
    let d = &info.detail;
    assert!(
        d.starts_with("ROCm SMI mock: GPU 0 AMD Instinct MI250X (energy counter × 15.3 µJ)"),
        "{d}"
    );
    assert!(
        d.contains("GPU 1 AMD Instinct MI250X (second die of GPU 0"),
        "{d}"
    );
    assert!(
        d.contains("GPU 2 Radeon RX 7900 XTX (power sampling"),
        "{d}"
    );
    assert!(d.contains("GPU 3 Broken is not tracked"), "{d}");
    assert!(!d.contains('\n'));
}
