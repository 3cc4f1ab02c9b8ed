//! A GPU that fails costs the others nothing, and nothing panics.

use super::{close, env, machine, source};
use crate::mock::{MockDevice, MockNvml};
use crate::plugin::build_with;
use crate::NvmlError;
use codecarbon_core::{Config, PowerSource};

#[test]
fn a_lost_gpu_stops_counting_with_one_warning_while_the_others_keep_reporting() {
    let a = MockDevice::new("NVIDIA A100", "GPU-aaaa1111");
    let b = MockDevice::new("NVIDIA A100", "GPU-bbbb2222");
    let mut s = source(vec![a.clone(), b.clone()]);
    s.sample(&machine(0.0)).unwrap();
    a.set_energy_mj(10_000);
    b.set_energy_mj(20_000);
    assert!(close(s.sample(&machine(1.0)).unwrap().energy.value(), 30.0));

    b.break_with(NvmlError::GpuLost);
    a.set_energy_mj(25_000);
    let warning = s.sample(&machine(1.0)).unwrap_err().to_string();
    assert!(
        warning.contains("GPU 1 NVIDIA A100 (GPU-bbbb2222) is lost") && warning.contains("dmesg"),
        "{warning}"
    );
    assert!(!warning.contains("GPU 0"), "{warning}");
    // GPU 0's 15 J of that interval come with the next reading, and it goes on alone.
    a.set_energy_mj(30_000);
    assert!(close(s.sample(&machine(1.0)).unwrap().energy.value(), 20.0));
    a.set_energy_mj(31_000);
    assert!(
        close(s.sample(&machine(1.0)).unwrap().energy.value(), 1.0),
        "said once"
    );
    let info = s.info();
    assert!(info
        .detail
        .contains("GPU 1 NVIDIA A100 (GPU-bbbb2222) energy counter, lost"));
    assert_eq!(info.count, 2, "a lost GPU was still detected");
}

#[test]
fn a_gpu_lost_before_the_start_is_skipped_and_said_in_the_detail() {
    let a = MockDevice::new("NVIDIA A100", "GPU-aaaa");
    let b = MockDevice::new("NVIDIA A100", "GPU-bbbb");
    b.break_with(NvmlError::GpuLost);
    let s = source(vec![a, b]);
    let info = s.info();
    assert_eq!(info.count, 1);
    assert!(
        info.detail.contains("GPU 1 skipped: the GPU is lost"),
        "{}",
        info.detail
    );
}

#[test]
fn a_gpu_with_neither_energy_nor_power_is_left_out() {
    let a = MockDevice::new("GRID K1", "GPU-aaaa").energy_mj(Err(NvmlError::NotSupported));
    a.set_power(Err(NvmlError::NotSupported));
    let nvml = MockNvml::new(vec![a]);
    let err = build_with(&Config::default(), &env(), &nvml.loader())
        .unwrap_err()
        .to_string();
    assert!(err.contains("reports neither energy"), "{err}");
    assert!(err.contains("nvml is unavailable"), "{err}");
}

#[test]
fn a_power_read_that_fails_holds_the_last_power() {
    let t4 = MockDevice::new("Tesla T4", "GPU-t4").energy_mj(Err(NvmlError::NotSupported));
    t4.set_power_mw(40_000);
    let mut s = source(vec![t4.clone()]);
    s.sample(&machine(0.0)).unwrap();
    t4.set_power(Err(NvmlError::Other("Unknown Error".into())));
    assert!(s.sample(&machine(1.0)).is_err());
    t4.set_power_mw(40_000);
    assert!(close(s.sample(&machine(1.0)).unwrap().energy.value(), 80.0));
}
