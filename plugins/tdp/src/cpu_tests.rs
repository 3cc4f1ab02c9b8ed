use super::*;
use codecarbon_core::ProcessUsage;
use codecarbon_core::{AllocatedBy, Allocation, Gigabytes, Joules};

fn info(model: Option<&str>, logical_cpus: usize, sockets: usize) -> CpuInfo {
    CpuInfo {
        model: model.map(str::to_string),
        logical_cpus,
        sockets,
    }
}

fn close(a: Watts, b: f64) -> bool {
    (a.value() - b).abs() < 1e-9
}

fn ctx(
    mode: TrackingMode,
    elapsed_ms: u64,
    load: Option<f64>,
    cpu_ms: Option<u64>,
) -> SampleContext {
    SampleContext::new(Duration::from_millis(elapsed_ms), mode, 2)
        .with_machine_cpu_load(load)
        .with_process(cpu_ms.map(|ms| ProcessUsage::new(Duration::from_millis(ms), Gigabytes(1.0))))
}

#[test]
fn known_cpu_is_table_tdp_times_sockets() {
    let spec = CpuSpec::from_info(
        info(Some("Intel(R) Xeon(R) Gold 5220R CPU @ 2.20GHz"), 96, 2),
        None,
    );
    assert_eq!(spec.tdp, Watts(300.0));
    assert_eq!(
        spec.origin,
        TdpOrigin::Cleaned {
            name: "Intel Xeon Gold 5220R",
            per_socket: Watts(150.0)
        }
    );
    assert!(
        spec.describe().contains("150 W × 2 sockets"),
        "{}",
        spec.describe()
    );
}

#[test]
fn token_set_match_keeps_the_matched_name() {
    let spec = CpuSpec::from_info(info(Some("AMD EPYC 7763 64-Core Processor"), 128, 1), None);
    assert_eq!(spec.tdp, Watts(280.0));
    assert!(matches!(
        spec.origin,
        TdpOrigin::TokenSet {
            name: "AMD EPYC 7763",
            ..
        }
    ));
}

#[test]
fn unknown_cpu_is_4_w_per_thread_without_socket_factor() {
    let spec = CpuSpec::from_info(info(Some("AMD EPYC"), 2, 1), None);
    assert_eq!(spec.tdp, Watts(8.0));
    assert_eq!(spec.origin, TdpOrigin::PerThread { threads: 2 });
    assert_eq!(
        spec.describe(),
        "TDP 8 W: unknown CPU `AMD EPYC`, 4 W × 2 threads"
    );

    let two_sockets = CpuSpec::from_info(info(Some("AMD EPYC"), 8, 2), None);
    assert_eq!(two_sockets.tdp, Watts(32.0));

    let no_model = CpuSpec::from_info(info(None, 4, 1), None);
    assert_eq!(no_model.tdp, Watts(16.0));
}

#[test]
fn forced_power_replaces_the_tdp() {
    let spec = CpuSpec::from_info(info(Some("Apple M2 Pro"), 12, 1), Some(Watts(45.0)));
    assert_eq!(spec.tdp, Watts(45.0));
    assert_eq!(spec.origin, TdpOrigin::Forced);
    assert_eq!(spec.describe(), "TDP 45 W: set by force_cpu_power");
}

#[test]
fn load_model_is_cubic_with_a_floor() {
    let tdp = Watts(8.0);
    assert!(close(load_power(tdp, Some(0.0)), 0.8));
    assert!(close(load_power(tdp, Some(1.0)), 8.0));
    assert!(close(load_power(tdp, Some(0.5)), 8.0 * (0.1 + 0.9 * 0.125)));
    assert!(close(load_power(tdp, Some(1.7)), 8.0));
    assert!(close(load_power(tdp, Some(-0.2)), 0.8));
    assert!(close(load_power(tdp, None), 4.0));
    assert!(close(load_power(tdp, Some(f64::NAN)), 4.0));
}

#[test]
fn process_model_is_a_clamped_share() {
    let tdp = Watts(8.0);
    let s = Duration::from_secs;
    assert!(close(process_power(tdp, s(1), s(2), 2), 2.0));
    assert!(close(process_power(tdp, s(10), s(2), 2), 8.0));
    assert!(close(process_power(tdp, s(1), Duration::ZERO, 2), 0.0));
    assert!(close(process_power(tdp, s(1), s(1), 0), 8.0));
}

fn fake_proc(cpuinfo: &str) -> (tempfile::TempDir, Config) {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("cpuinfo"), cpuinfo).unwrap();
    let config = Config {
        proc_root: dir.path().to_path_buf(),
        ..Config::default()
    };
    (dir, config)
}

const EPYC_2: &str =
    "processor\t: 0\nmodel name\t: AMD EPYC\n\nprocessor\t: 1\nmodel name\t: AMD EPYC\n";

#[test]
fn machine_mode_samples_through_a_fake_proc_tree() {
    let (_dir, config) = fake_proc(EPYC_2);
    let spec = cpu_spec(&config).unwrap();
    let mut source = TdpSource::new(spec, TrackingMode::Machine);
    let info = source.info();
    assert_eq!(info.component, Component::Cpu);
    assert_eq!(info.method, Method::Estimated);
    assert_eq!(info.model.as_deref(), Some("AMD EPYC"));
    assert_eq!(
        info.detail,
        "TDP 8 W: unknown CPU `AMD EPYC`, 4 W × 2 threads; load model TDP × (0.1 + 0.9 × load³)"
    );

    let first = source
        .sample(&ctx(TrackingMode::Machine, 0, Some(0.0), None))
        .unwrap();
    assert_eq!(first.energy, Joules(0.0));
    let busy = source
        .sample(&ctx(TrackingMode::Machine, 2000, Some(1.0), None))
        .unwrap();
    assert!(close(busy.power, 8.0));
    assert!((busy.energy.value() - 16.0).abs() < 1e-9);
    assert_eq!(busy.method, Method::Estimated);
    let unknown = source
        .sample(&ctx(TrackingMode::Machine, 1000, None, None))
        .unwrap();
    assert!(close(unknown.power, 4.0));
}

/// CodeCarbon's TDP fallback writes `Unknown` when it cannot read the model; a model it cannot
/// find in the table is written as read.
#[test]
fn the_row_model_is_codecarbons() {
    let (_dir, config) = fake_proc("processor\t: 0\nflags\t: fpu\n");
    let spec = cpu_spec(&config).unwrap();
    assert_eq!(spec.model, None);
    let info = TdpSource::new(spec, TrackingMode::Machine).info();
    assert_eq!(info.model.as_deref(), Some(UNKNOWN_MODEL));
    assert_eq!(UNKNOWN_MODEL, "Unknown");
    let (_dir, config) = fake_proc("processor\t: 0\nmodel name\t: Zorblax 9000 CPU @ 1.00GHz\n");
    let info = TdpSource::new(cpu_spec(&config).unwrap(), TrackingMode::Machine).info();
    assert_eq!(info.model.as_deref(), Some("Zorblax 9000 CPU @ 1.00GHz"));
}

#[test]
fn process_mode_uses_cpu_time_deltas() {
    let (_dir, config) = fake_proc(EPYC_2);
    let mut source = TdpSource::new(cpu_spec(&config).unwrap(), TrackingMode::Process);
    assert!(source
        .info()
        .detail
        .ends_with("process model TDP × CPU-time share of the tracked processes"));
    let p = TrackingMode::Process;

    let first = source.sample(&ctx(p, 0, None, Some(5_000))).unwrap();
    assert_eq!((first.power, first.energy), (Watts(0.0), Joules(0.0)));
    // 1 s of CPU in 2 s of wall on 2 CPUs: a quarter of 8 W.
    let second = source
        .sample(&ctx(p, 2000, Some(1.0), Some(6_000)))
        .unwrap();
    assert!(close(second.power, 2.0));
    assert!((second.energy.value() - 4.0).abs() < 1e-9);
    // More CPU time than the machine has: clamped to the TDP.
    let third = source.sample(&ctx(p, 1000, None, Some(16_000))).unwrap();
    assert!(close(third.power, 8.0));
    // No process usage: half the TDP, and the baseline starts again.
    let lost = source.sample(&ctx(p, 1000, None, None)).unwrap();
    assert!(close(lost.power, 4.0));
    let again = source.sample(&ctx(p, 1000, None, Some(20_000))).unwrap();
    assert!(close(again.power, 0.0));
    let next = source.sample(&ctx(p, 1000, None, Some(20_500))).unwrap();
    assert!(close(next.power, 2.0));
}

#[test]
fn unreadable_cpuinfo_is_an_error_unless_forced() {
    let dir = tempfile::tempdir().unwrap();
    let mut config = Config {
        proc_root: dir.path().join("missing"),
        ..Config::default()
    };
    let err = cpu_spec(&config).unwrap_err();
    assert!(err.to_string().contains("missing/cpuinfo"), "{err}");
    let build_err = match build(&config) {
        Err(e) => e,
        Ok(_) => panic!("built without cpuinfo"),
    };
    assert!(matches!(
        build_err,
        BuildError::Unavailable { plugin: "tdp", .. }
    ));

    config.force_cpu_power = Some(Watts(30.0));
    let spec = cpu_spec(&config).unwrap();
    assert_eq!((spec.tdp, spec.model, spec.sockets), (Watts(30.0), None, 1));
}

fn slurm_job(cpus: usize, machine_cpus: usize) -> Allocation {
    Allocation::machine(machine_cpus, Gigabytes(256.0))
        .with_cpus(cpus, AllocatedBy::Slurm("4242".into()))
}

#[test]
fn machine_mode_charges_the_allocated_cpus_share_of_the_tdp() {
    // A known 280 W CPU, 64 threads; the job has 16 of them.
    let spec = CpuSpec::from_info(info(Some("AMD EPYC 7763 64-Core Processor"), 64, 1), None);
    let job = slurm_job(16, 64);
    let mut source =
        TdpSource::new(spec.clone(), TrackingMode::Machine).with_allocation(Some(&job));
    assert!(
        source
            .info()
            .detail
            .ends_with("load model TDP × 16/64 CPUs (slurm job 4242) × (0.1 + 0.9 × load³)"),
        "{}",
        source.info().detail
    );
    let busy = source
        .sample(&ctx(TrackingMode::Machine, 1000, Some(1.0), None))
        .unwrap();
    assert!(close(busy.power, 70.0), "{}", busy.power);
    let idle = source
        .sample(&ctx(TrackingMode::Machine, 1000, Some(0.0), None))
        .unwrap();
    assert!(close(idle.power, 7.0), "{}", idle.power);

    // Process mode is the tree's share of the machine's CPU time already: unchanged.
    let mut process =
        TdpSource::new(spec.clone(), TrackingMode::Process).with_allocation(Some(&job));
    let mut whole = TdpSource::new(spec, TrackingMode::Process);
    for source in [&mut process, &mut whole] {
        source
            .sample(&ctx(TrackingMode::Process, 0, None, Some(0)))
            .unwrap();
    }
    let p = process
        .sample(&ctx(TrackingMode::Process, 1000, None, Some(500)))
        .unwrap();
    let w = whole
        .sample(&ctx(TrackingMode::Process, 1000, None, Some(500)))
        .unwrap();
    assert_eq!(p.power, w.power);
    assert!(p.power > Watts::ZERO);
}

#[test]
fn an_unknown_cpu_in_a_job_is_4_w_per_allocated_thread_as_in_codecarbon() {
    // CodeCarbon counts SLURM's NumCPUs as the threads of an unknown CPU: 4 W × 4.
    let spec = CpuSpec::from_info(info(Some("AMD EPYC"), 32, 1), None);
    let mut source =
        TdpSource::new(spec, TrackingMode::Machine).with_allocation(Some(&slurm_job(4, 32)));
    let busy = source
        .sample(&ctx(TrackingMode::Machine, 1000, Some(1.0), None))
        .unwrap();
    assert!(close(busy.power, 16.0), "{}", busy.power);
}

#[test]
fn the_whole_machine_or_no_allocation_changes_nothing() {
    let (_dir, mut config) = fake_proc(EPYC_2);
    let plain = build(&config).unwrap();
    config.allocation = Some(Allocation::machine(2, Gigabytes(8.0)));
    let whole = build(&config).unwrap();
    assert_eq!(plain.info(), whole.info());
    config.allocation = Some(slurm_job(1, 2));
    let mut job = build(&config).unwrap();
    assert_ne!(plain.info().detail, job.info().detail);
    let busy = job
        .sample(&ctx(TrackingMode::Machine, 1000, Some(1.0), None))
        .unwrap();
    assert!(close(busy.power, 4.0), "{}", busy.power);
}
