//! Process mode: the tracked tree's share of each GPU's energy, on a fake proc tree.

use super::close;
use crate::mock::{MockDevice, MockNvml};
use crate::plugin::build_with;
use crate::share::{memory_share, utilization_share, Basis};
use crate::{ComputeProcess, Environment, NvmlError, ProcessSample};
use codecarbon_core::{Config, PowerSource, SampleContext, TrackingMode};
use codecarbon_system::descendants;
use std::path::Path;
use std::time::Duration;

fn write_stat(root: &Path, pid: u32, ppid: u32) {
    let dir = root.join(pid.to_string());
    std::fs::create_dir_all(&dir).unwrap();
    let stat = format!("{pid} (py (worker) 1) S {ppid} 0 0 0 -1 0 0 0 0 0 5 0 0 0 20 0 1 0");
    std::fs::write(dir.join("stat"), stat).unwrap();
}

/// 100 is the tracked root, 101 its child, 102 its grandchild; 200 is someone else's.
fn fake_proc() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    for (pid, ppid) in [(1, 0), (100, 1), (101, 100), (102, 101), (200, 1)] {
        write_stat(dir.path(), pid, ppid);
    }
    std::fs::write(dir.path().join("meminfo"), "MemTotal: 1 kB\n").unwrap();
    dir
}

fn process(secs: f64) -> SampleContext {
    SampleContext::new(Duration::from_secs_f64(secs), TrackingMode::Process, 2)
}

fn sample(pid: u32, timestamp_us: u64, sm_util: u32) -> ProcessSample {
    ProcessSample {
        pid,
        timestamp_us,
        sm_util,
    }
}

fn used(pid: u32, gib: Option<u64>) -> ComputeProcess {
    ComputeProcess {
        pid,
        used_memory: gib.map(|g| g << 30),
    }
}

#[test]
fn the_tree_is_the_root_and_its_descendants() {
    let proc = fake_proc();
    let tree = descendants(proc.path(), 100);
    let mut pids: Vec<u32> = tree.into_iter().collect();
    pids.sort_unstable();
    assert_eq!(pids, [100, 101, 102]);
    assert_eq!(
        descendants(&proc.path().join("missing"), 7)
            .into_iter()
            .collect::<Vec<_>>(),
        [7]
    );
}

#[test]
fn shares_by_utilisation_then_memory_then_process_count() {
    let tree = |pid: u32| pid == 101;
    assert_eq!(
        utilization_share(&[sample(101, 1, 30), sample(200, 1, 10)], tree),
        Some(0.75)
    );
    assert_eq!(utilization_share(&[], tree), None);
    assert_eq!(
        memory_share(&[used(101, Some(1)), used(200, Some(3))], tree),
        Some((0.25, Basis::Memory))
    );
    assert_eq!(
        memory_share(&[used(101, None), used(200, None), used(201, None)], tree).map(|(_, b)| b),
        Some(Basis::Processes)
    );
}

#[test]
fn a_process_mode_source_reports_the_trees_share_and_the_whole_gpus() {
    let proc = fake_proc();
    // GPU 0 has per-process samples; GPU 1 is a MIG GPU without them.
    let gpu0 =
        MockDevice::new("NVIDIA A100", "GPU-0000").process_samples(Ok(vec![sample(101, 5, 100)]));
    let gpu1 = MockDevice::new("NVIDIA A100", "GPU-1111")
        .mig(&["MIG-aaaa"])
        .process_samples(Err(NvmlError::NotSupported));
    let nvml = MockNvml::new(vec![gpu0.clone(), gpu1.clone()]);
    let mut config = Config::default();
    config.set("tracking_mode", "process", "test").unwrap();
    config
        .set("proc_root", &proc.path().display().to_string(), "test")
        .unwrap();
    let env = Environment {
        cuda_visible_devices: None,
        root_pid: 100,
    };
    let mut s = build_with(&config, &env, &nvml.loader()).unwrap();
    assert!(s.info().detail.contains("process mode"));
    // The baseline: the samples already buffered (timestamp 5) are history.
    assert_eq!(s.sample(&process(0.0)).unwrap().energy.value(), 0.0);
    assert_eq!(s.machine_energy().unwrap().value(), 0.0);

    gpu0.set_energy_mj(100_000);
    gpu0.set_samples(vec![
        sample(101, 5, 100), // seen already
        sample(101, 10, 60),
        sample(200, 10, 20),
        sample(102, 11, 20),
    ]);
    gpu1.set_energy_mj(40_000);
    gpu1.set_processes(vec![used(101, Some(3)), used(200, Some(1))]);
    let r = s.sample(&process(1.0)).unwrap();
    // 80 % of GPU 0's 100 J by SM utilisation, 75 % of GPU 1's 40 J by memory.
    assert!(close(r.energy.value(), 80.0 + 30.0), "{r:?}");
    assert!(close(s.machine_energy().unwrap().value(), 140.0));

    // No new samples and no process on GPU 0: idle, its energy unattributed. GPU 1's
    // processes report no memory: shared by count.
    gpu0.set_energy_mj(150_000);
    gpu1.set_energy_mj(60_000);
    gpu1.set_processes(vec![used(101, None), used(200, None)]);
    let r = s.sample(&process(1.0)).unwrap();
    assert!(close(r.energy.value(), 10.0), "{r:?}");
    assert!(close(s.machine_energy().unwrap().value(), 210.0));

    // GPU 0 without samples but with our compute process: by memory.
    gpu0.set_energy_mj(170_000);
    gpu0.set_processes(vec![used(102, Some(2))]);
    gpu1.set_energy_mj(60_000);
    assert!(close(s.sample(&process(1.0)).unwrap().energy.value(), 20.0));
}

#[test]
fn machine_mode_reports_everything_and_no_machine_total() {
    let gpu = MockDevice::new("NVIDIA A100", "GPU-0000");
    let nvml = MockNvml::new(vec![gpu.clone()]);
    let env = Environment {
        cuda_visible_devices: None,
        root_pid: 100,
    };
    let mut s = build_with(&Config::default(), &env, &nvml.loader()).unwrap();
    s.sample(&super::machine(0.0)).unwrap();
    gpu.set_energy_mj(5_000);
    assert!(close(
        s.sample(&super::machine(1.0)).unwrap().energy.value(),
        5.0
    ));
    assert_eq!(s.machine_energy(), None);
}
