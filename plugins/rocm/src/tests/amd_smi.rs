//! The same source through AMD SMI: its names, its status codes, its UUIDs, and the choice
//! between the two libraries.

use super::{assert_close, config_with, no_env, tick, tick_in};
use crate::{
    build_with, probe_with, Api, MockGpu, MockSmi, Mode, RocmError, Smi, SmiError, Status,
};
use codecarbon_core::{Config, PowerSource, Probe, TrackingMode};

fn build(smi: &MockSmi, config: &Config) -> crate::RocmSource {
    build_with(config, Box::new(smi.clone()), &no_env).unwrap()
}

#[test]
fn the_source_is_the_amdsmi_plugin_and_counts_the_accumulator_delta() {
    let smi = MockSmi::amd(vec![MockGpu::new("AMD Instinct MI300X")
        .energy(7_000)
        .resolution(15.25)]);
    let mut source = build(&smi, &Config::default());
    let info = source.info();
    assert_eq!(info.source, "amdsmi");
    assert!(
        info.detail.starts_with("AMD SMI mock: GPU 0"),
        "{}",
        info.detail
    );
    source.sample(&tick(0.0)).unwrap();
    smi.set_energy(0, 7_000 + 1_000_000); // 1 M × 15.25 µJ
    assert_close(source.sample(&tick(1.0)).unwrap().energy.value(), 15.25);
    smi.set_energy(0, 7_000 + 3_000_000);
    assert_close(
        source.sample(&tick(1.0)).unwrap().energy.value(),
        2.0 * 15.25,
    );
}

#[test]
fn a_counter_that_goes_back_is_covered_by_the_power() {
    let smi = MockSmi::amd(vec![MockGpu::new("AMD Instinct MI210")
        .energy(u64::MAX - 10)
        .power(200.0)]);
    let mut source = build(&smi, &Config::default());
    source.sample(&tick(0.0)).unwrap();
    smi.set_energy(0, 5); // the accumulator restarted
    assert_close(source.sample(&tick(3.0)).unwrap().energy.value(), 600.0);
}

#[test]
fn not_init_reinitialises_once_and_the_reading_goes_on() {
    let smi = MockSmi::amd(vec![MockGpu::new("AMD Instinct MI250X")]);
    let mut source = build(&smi, &Config::default());
    source.sample(&tick(0.0)).unwrap();
    smi.lose_init();
    smi.set_energy(0, 1_000_000 + 2_000_000);
    assert_close(source.sample(&tick(1.0)).unwrap().energy.value(), 2.0);
    assert_eq!(smi.reinits(), 1);
    assert!(
        Status::AMD_NOT_INIT.is_not_initialised() && !Status::amdsmi(8).is_not_initialised(),
        "AMD SMI's 8 is TIMEOUT, not ROCm SMI's INIT_ERROR"
    );
}

#[test]
fn the_dual_gcd_odd_index_reading_zero_adds_nothing_and_is_no_failure() {
    let smi = MockSmi::amd(vec![
        MockGpu::new("AMD Instinct MI250X").energy(1_000),
        MockGpu::new("AMD Instinct MI250X").energy(0).power(0.0),
    ]);
    let mut source = build(&smi, &Config::default());
    assert!(matches!(
        source.devices()[1].mode(),
        Mode::SecondDie { primary: 0, .. }
    ));
    source.sample(&tick(0.0)).unwrap();
    smi.set_energy(0, 1_000 + 4_000_000);
    assert_close(source.sample(&tick(1.0)).unwrap().energy.value(), 4.0);
    assert!(source.devices().iter().all(|d| d.failure().is_none()));
}

#[test]
fn failures_carry_amd_smi_names_and_codes() {
    let smi = MockSmi::amd(vec![
        MockGpu::new("AMD Instinct MI300X"),
        MockGpu::new("AMD Instinct MI300X"),
    ]);
    let mut source = build(&smi, &Config::default());
    source.sample(&tick(0.0)).unwrap();
    smi.fail(1, Some(Status::AMD_NO_PERM));
    let err = source.sample(&tick(1.0)).unwrap_err().to_string();
    assert!(
        err.contains("amdsmi_get_energy_count returned AMDSMI_STATUS_NO_PERM (10)")
            && err.contains("render"),
        "{err}"
    );
}

#[test]
fn gpus_are_chosen_by_index_or_by_amd_smi_uuid() {
    let uuids = [
        "e4ff74a1-0000-1000-80e9-b0ceb79bab2c",
        "51ff74a1-0000-1000-8043-7a1b2c3d4e5f",
    ];
    let smi = MockSmi::amd(
        uuids
            .iter()
            .map(|u| MockGpu::new("AMD Instinct MI300X").uuid(u))
            .collect(),
    );
    let by_uuid = build(&smi, &config_with("gpu_ids", "GPU-51FF74A1"));
    let indices: Vec<u32> = by_uuid.devices().iter().map(|d| d.index).collect();
    assert_eq!(indices, [1]);
    let by_index = build(&smi, &config_with("gpu_ids", "0"));
    assert_eq!(by_index.devices()[0].index, 0);
    let env = |v: &str| (v == "ROCR_VISIBLE_DEVICES").then(|| uuids[0].to_string());
    let visible = build_with(&Config::default(), Box::new(smi.clone()), &env).unwrap();
    let indices: Vec<u32> = visible.devices().iter().map(|d| d.index).collect();
    assert_eq!(indices, [0]);
    assert!(visible
        .info()
        .detail
        .contains("chosen by ROCR_VISIBLE_DEVICES"));
}

#[test]
fn process_mode_reports_the_whole_gpu_and_says_so() {
    let smi = MockSmi::amd(vec![MockGpu::new("AMD Instinct MI300X")]);
    let config = config_with("tracking_mode", "process");
    let mut source = build(&smi, &config);
    assert!(source
        .info()
        .detail
        .contains("whole-GPU energy (AMD SMI gives no per-process energy)"));
    source.sample(&tick_in(0.0, TrackingMode::Process)).unwrap();
    smi.set_energy(0, 1_000_000 + 5_000_000);
    let r = source.sample(&tick_in(1.0, TrackingMode::Process)).unwrap();
    assert_close(r.energy.value(), 5.0);
    assert_close(source.machine_energy().unwrap().value(), 5.0);
}

#[test]
fn an_amd_smi_that_does_not_load_or_start_is_a_probe_answer_with_the_fix() {
    let err = RocmError::NotFound {
        api: Api::AmdSmi,
        tried: vec!["libamd_smi.so".into()],
        first_error: "libamd_smi.so: cannot open shared object file".into(),
    };
    let Probe::Unavailable(why) = probe_with(&Config::default(), Err(err), &no_env) else {
        panic!("expected Unavailable");
    };
    assert!(
        why.starts_with("AMD SMI library not found (tried libamd_smi.so;")
            && why.contains("amd_smi_library"),
        "{why}"
    );
    let refused = RocmError::Init {
        library: "/opt/rocm/lib/libamd_smi.so".into(),
        source: SmiError::new("amdsmi_init", Status::AMD_NO_PERM),
    };
    let Probe::Blocked(why) = probe_with(&Config::default(), Err(refused), &no_env) else {
        panic!("expected Blocked");
    };
    assert!(
        why.starts_with("AMD SMI (/opt/rocm/lib/libamd_smi.so) could not start"),
        "{why}"
    );
    let none = MockSmi::amd(vec![]);
    assert_eq!(none.api(), Api::AmdSmi);
    let Probe::Unavailable(why) = probe_with(&Config::default(), Ok(Box::new(none)), &no_env)
    else {
        panic!("expected Unavailable");
    };
    assert!(why.starts_with("AMD SMI (mock) found no AMD GPU"), "{why}");
}

#[test]
fn amd_smi_status_codes_are_named() {
    assert_eq!(
        Status::AMD_NOT_INIT.to_string(),
        "AMDSMI_STATUS_NOT_INIT (32)"
    );
    assert_eq!(
        Status::amdsmi(41).name(),
        Some("AMDSMI_STATUS_INSUFFICIENT_SIZE")
    );
    assert_eq!(Status::amdsmi(47).to_string(), "AMD SMI status 47");
    assert!(Status::AMD_NOT_SUPPORTED.is_unsupported());
}
