//! Energy: the counter path, the power fallback, a counter reset, utilisation, the model text.

use super::{close, machine, source};
use crate::integrate::trapezoid;
use crate::meter::Measure;
use crate::mock::MockDevice;
use crate::model::{gpu_model, model_and_count};
use crate::NvmlError;
use codecarbon_core::{Component, Method, PowerSource, Watts};
use std::time::Duration;

#[test]
fn the_counter_path_sums_millijoule_deltas_of_every_gpu() {
    let a = MockDevice::new("NVIDIA A100", "GPU-aaaa");
    let b = MockDevice::new("NVIDIA A100", "GPU-bbbb");
    a.set_energy_mj(1_000_000);
    b.set_energy_mj(5_000);
    let mut s = source(vec![a.clone(), b.clone()]);
    assert_eq!(
        s.sample(&machine(0.0)).unwrap().energy.value(),
        0.0,
        "baseline"
    );
    a.set_energy_mj(1_300_000); // 300 J
    b.set_energy_mj(105_000); // 100 J
    let r = s.sample(&machine(2.0)).unwrap();
    assert!(close(r.energy.value(), 400.0), "{r:?}");
    assert!(close(r.power.value(), 200.0));
    assert_eq!(r.method, Method::Measured);
    let info = s.info();
    assert_eq!(info.component, Component::Gpu);
    assert_eq!(
        (info.model.as_deref(), info.count),
        (Some("NVIDIA A100"), 2)
    );
    assert!(info
        .detail
        .contains("GPU 0 NVIDIA A100 (GPU-aaaa) energy counter"));
    assert!(info
        .detail
        .contains("NVML from /mock/libnvidia-ml.so.1; all GPUs"));
    assert!(!info.detail.contains('\n'));
    assert_eq!(s.max_interval(), Duration::from_secs(1));
}

#[test]
fn without_a_counter_power_is_integrated_by_the_trapezoid_rule() {
    let t4 = MockDevice::new("Tesla T4", "GPU-t4").energy_mj(Err(NvmlError::NotSupported));
    t4.set_power_mw(40_000);
    let mut s = source(vec![t4.clone()]);
    assert!(s.info().detail.contains("power sampling"));
    assert_eq!(s.sample(&machine(0.0)).unwrap().energy.value(), 0.0);
    t4.set_power_mw(60_000);
    // (40 + 60) / 2 W for 1 s.
    assert!(close(s.sample(&machine(1.0)).unwrap().energy.value(), 50.0));
    t4.set_power_mw(70_000);
    // (60 + 70) / 2 W for 0.5 s.
    assert!(close(s.sample(&machine(0.5)).unwrap().energy.value(), 32.5));
    assert!(s.gpus().iter().all(|g| g.measure() == Measure::Power));
}

#[test]
fn trapezoid_holds_one_reading_and_gives_up_with_none() {
    let second = Duration::from_secs(2);
    assert_eq!(
        trapezoid(Some(Watts(10.0)), Some(Watts(30.0)), second)
            .unwrap()
            .value(),
        40.0
    );
    assert_eq!(
        trapezoid(Some(Watts(10.0)), None, second).unwrap().value(),
        20.0
    );
    assert_eq!(trapezoid(None, None, second), None);
}

#[test]
fn a_counter_that_goes_back_rebaselines_and_keeps_the_interval_from_power() {
    let gpu = MockDevice::new("NVIDIA H100", "GPU-h100");
    gpu.set_energy_mj(9_000_000);
    gpu.set_power_mw(100_000);
    let mut s = source(vec![gpu.clone()]);
    s.sample(&machine(0.0)).unwrap();
    gpu.set_energy_mj(9_100_000);
    gpu.set_power_mw(100_000);
    assert!(close(
        s.sample(&machine(1.0)).unwrap().energy.value(),
        100.0
    ));
    // The driver reloads: the counter restarts near zero.
    gpu.set_energy_mj(2_000);
    gpu.set_power_mw(300_000);
    let err = s.sample(&machine(1.0)).unwrap_err().to_string();
    assert!(err.contains("went back from 9100000 to 2000 mJ"), "{err}");
    // The interval was (100 + 300) / 2 W × 1 s, carried to the next reading; then the new
    // baseline counts.
    gpu.set_energy_mj(252_000);
    let r = s.sample(&machine(1.0)).unwrap();
    assert!(close(r.energy.value(), 200.0 + 250.0), "{r:?}");
    assert!(close(r.power.value(), 225.0), "mean over the two intervals");
    gpu.set_energy_mj(352_000);
    assert!(close(
        s.sample(&machine(1.0)).unwrap().energy.value(),
        100.0
    ));
}

#[test]
fn a_counter_that_stops_being_supported_turns_to_power_sampling() {
    let gpu = MockDevice::new("NVIDIA V100", "GPU-v100");
    gpu.set_power_mw(50_000);
    let mut s = source(vec![gpu.clone()]);
    s.sample(&machine(0.0)).unwrap();
    let gpu = gpu.energy_mj(Err(NvmlError::NotSupported));
    let err = s.sample(&machine(1.0)).unwrap_err().to_string();
    assert!(err.contains("power sampling from now on"), "{err}");
    let r = s.sample(&machine(1.0)).unwrap();
    assert!(
        close(r.energy.value(), 100.0),
        "both intervals at 50 W: {r:?}"
    );
    assert!(s.info().detail.contains("power sampling"));
    drop(gpu);
}

#[test]
fn a_passing_read_failure_is_reported_once_and_the_next_read_covers_the_gap() {
    let gpu = MockDevice::new("NVIDIA A10", "GPU-a10");
    let mut s = source(vec![gpu.clone()]);
    s.sample(&machine(0.0)).unwrap();
    let gpu = gpu.energy_mj(Err(NvmlError::Other("Unknown Error".into())));
    assert!(s
        .sample(&machine(1.0))
        .unwrap_err()
        .to_string()
        .contains("Unknown Error"));
    // Still failing: not said again.
    assert_eq!(s.sample(&machine(1.0)).unwrap().energy.value(), 0.0);
    gpu.set_energy_mj(3_000);
    assert!(close(s.sample(&machine(1.0)).unwrap().energy.value(), 3.0));
}

#[test]
fn utilization_is_the_mean_over_the_gpus_that_report_it() {
    let a = MockDevice::new("A", "GPU-a");
    let b = MockDevice::new("A", "GPU-b");
    let c = MockDevice::new("A", "GPU-c");
    a.set_utilization(Ok(90));
    b.set_utilization(Ok(30));
    c.set_utilization(Err(NvmlError::NotSupported));
    let mut s = source(vec![a, b, c.clone()]);
    assert_eq!(s.utilization(), None, "nothing before the first sample");
    s.sample(&machine(0.0)).unwrap();
    assert_eq!(s.utilization().unwrap().value(), 60.0);
}

#[test]
fn gpu_model_is_codecarbons_n_x_name_per_model() {
    let names = ["NVIDIA A100", "NVIDIA A100", "Tesla T4"].map(String::from);
    assert_eq!(gpu_model(&names), "2 x NVIDIA A100, 1 x Tesla T4");
    assert_eq!(
        model_and_count(&names),
        (Some("2 x NVIDIA A100, 1 x Tesla T4".into()), 3)
    );
    assert_eq!(
        model_and_count(&names[..2]),
        (Some("NVIDIA A100".into()), 2)
    );
    assert_eq!(model_and_count(&[]), (None, 0));
    let s = source(vec![
        MockDevice::new("NVIDIA A100", "GPU-1"),
        MockDevice::new("Tesla T4", "GPU-2"),
        MockDevice::new("NVIDIA A100", "GPU-3"),
    ]);
    let info = s.info();
    assert_eq!(info.count, 3);
    assert_eq!(info.model.as_deref(), Some("2 x NVIDIA A100, 1 x Tesla T4"));
    assert_eq!(Measure::Counter.to_string(), "energy counter");
}
