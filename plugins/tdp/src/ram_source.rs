//! The `ram_dimm` power source: RAM power from the DIMM model, or a forced constant.

use crate::error::TdpError;
use crate::meminfo::read_mem_total;
use crate::ram::{dimm_count, ram_power, Arch};
use crate::units::{format_watts, plural};
use codecarbon_core::{
    AllocatedBy, Allocation, BuildError, Component, Config, Gigabytes, Method, PowerSource,
    Reading, SampleContext, SourceError, SourceInfo, TrackingMode, Watts,
};

/// Where the power comes from.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Basis {
    /// `force_ram_power`.
    Forced(Watts),
    /// The DIMM model, with the machine's total memory or the run's allocation.
    Model { total: Gigabytes, arch: Arch },
}

/// RAM power estimated from the memory size (CodeCarbon's DIMM model), or a forced constant.
///
/// Machine mode uses the total memory (the run's allocation on a shared node), a constant
/// power. Process mode uses the tracked tree's resident memory at each sample, and the total
/// when the engine has no process usage.
#[derive(Debug, Clone)]
pub struct RamSource {
    basis: Basis,
    detail: String,
}

impl RamSource {
    /// A source drawing `power` at all times (`force_ram_power`).
    pub fn forced(power: Watts) -> RamSource {
        RamSource {
            basis: Basis::Forced(power),
            detail: format!("RAM {}: set by force_ram_power", format_watts(power)),
        }
    }

    /// A source using the DIMM model for a machine with `total` memory; `mode` only chooses the
    /// wording of the detail line (each sample follows its context's mode).
    pub fn model(total: Gigabytes, arch: Arch, mode: TrackingMode) -> RamSource {
        RamSource::sized(total, &AllocatedBy::Machine, arch, mode)
    }

    /// A source using the DIMM model for the memory the run may use (a SLURM job's, a
    /// cgroup's), in place of the machine's total.
    pub fn allocated(allocation: &Allocation, arch: Arch, mode: TrackingMode) -> RamSource {
        RamSource::sized(allocation.memory, &allocation.memory_from, arch, mode)
    }

    fn sized(total: Gigabytes, by: &AllocatedBy, arch: Arch, mode: TrackingMode) -> RamSource {
        let family = match arch {
            Arch::X86 => "x86",
            Arch::Arm => "ARM",
        };
        let rule = format!(
            "{family}: {} per DIMM, less from the 5th, at least {}",
            format_watts(arch.watts_per_dimm()),
            format_watts(arch.floor())
        );
        let size = match by {
            AllocatedBy::Machine => format!("{:.2} GB total", total.value()),
            by => format!("{:.2} GB ({by})", total.value()),
        };
        let machine = format!(
            "{} for {size} → {}",
            format_watts(ram_power(total, arch)),
            plural(dimm_count(total.value()) as usize, "DIMM")
        );
        let detail = match mode {
            TrackingMode::Process => format!(
                "RAM from the tracked processes' resident memory; DIMM model ({rule}); \
                 {machine} when unknown"
            ),
            // The whole machine, and any mode a later core adds.
            _ => format!("RAM {machine}; DIMM model ({rule})"),
        };
        RamSource {
            basis: Basis::Model { total, arch },
            detail,
        }
    }

    /// The source `config` asks for: forced when `force_ram_power` is set, else the model with
    /// the run's allocated memory (`config.allocation`), or without one `MemTotal` from
    /// `<proc_root>/meminfo`, and this build's architecture.
    pub fn from_config(config: &Config) -> Result<RamSource, TdpError> {
        let (arch, mode) = (Arch::current(), config.tracking_mode);
        match (config.force_ram_power, &config.allocation) {
            (Some(power), _) => Ok(RamSource::forced(power)),
            (None, Some(allocation)) => Ok(RamSource::allocated(allocation, arch, mode)),
            (None, None) => {
                let total = read_mem_total(&config.proc_root)?;
                Ok(RamSource::model(total, arch, mode))
            }
        }
    }

    /// The memory the model is sized on (the machine's, or the run's allocation), when it is
    /// used.
    pub fn total(&self) -> Option<Gigabytes> {
        match self.basis {
            Basis::Forced(_) => None,
            Basis::Model { total, .. } => Some(total),
        }
    }

    /// The power for the sample described by `ctx`.
    pub fn power(&self, ctx: &SampleContext) -> Watts {
        match (self.basis, ctx.tracking_mode, ctx.process) {
            (Basis::Forced(power), _, _) => power,
            (Basis::Model { arch, .. }, TrackingMode::Process, Some(usage)) => {
                ram_power(usage.resident, arch)
            }
            (Basis::Model { total, arch }, _, _) => ram_power(total, arch),
        }
    }
}

impl PowerSource for RamSource {
    fn info(&self) -> SourceInfo {
        SourceInfo::new(
            Component::Ram,
            "ram_dimm",
            Method::Estimated,
            self.detail.clone(),
        )
        .with_count(self.total().map_or(0, |t| dimm_count(t.value()) as usize))
    }

    fn sample(&mut self, ctx: &SampleContext) -> Result<Reading, SourceError> {
        Ok(Reading::estimated(self.power(ctx), ctx.elapsed))
    }
}

/// Builds the `ram_dimm` plugin.
pub(crate) fn build(config: &Config) -> Result<RamSource, BuildError> {
    RamSource::from_config(config).map_err(|e| e.into_build_error("ram_dimm"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use codecarbon_core::ProcessUsage;
    use std::time::Duration;

    fn ctx(mode: TrackingMode, resident_gb: Option<f64>) -> SampleContext {
        SampleContext::new(Duration::from_secs(3), mode, 2)
            .with_machine_cpu_load(0.5)
            .with_process(resident_gb.map(|gb| ProcessUsage::new(Duration::ZERO, Gigabytes(gb))))
    }

    fn fake_proc(meminfo: &str, mode: TrackingMode) -> (tempfile::TempDir, Config) {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("meminfo"), meminfo).unwrap();
        let config = Config {
            proc_root: dir.path().to_path_buf(),
            tracking_mode: mode,
            ..Config::default()
        };
        (dir, config)
    }

    // 23.54 GB, the reference VM.
    const MEMINFO: &str = "MemTotal:       24686112 kB\nMemFree:         1000000 kB\n";

    #[test]
    fn machine_mode_is_constant_from_mem_total() {
        let (_dir, config) = fake_proc(MEMINFO, TrackingMode::Machine);
        let mut source = RamSource::from_config(&config).unwrap();
        let expected = ram_power(source.total().unwrap(), Arch::current());
        let reading = source
            .sample(&ctx(TrackingMode::Machine, Some(0.1)))
            .unwrap();
        assert_eq!(reading.power, expected);
        assert_eq!(reading.energy.value(), expected.value() * 3.0);
        assert_eq!(reading.method, Method::Estimated);
        let info = source.info();
        assert_eq!(
            (info.component, info.source, info.count),
            (Component::Ram, "ram_dimm", 4)
        );
    }

    #[test]
    fn reference_vm_is_20_w_on_x86() {
        let source = RamSource::model(
            Gigabytes(23.540576934814453),
            Arch::X86,
            TrackingMode::Machine,
        );
        assert_eq!(source.power(&ctx(TrackingMode::Machine, None)), Watts(20.0));
        assert_eq!(
            source.info().detail,
            "RAM 20 W for 23.54 GB total → 4 DIMMs; DIMM model (x86: 5 W per DIMM, less from the \
             5th, at least 10 W)"
        );
    }

    #[test]
    fn process_mode_follows_resident_memory() {
        let source = RamSource::model(Gigabytes(256.0), Arch::X86, TrackingMode::Process);
        assert_eq!(
            source.power(&ctx(TrackingMode::Process, Some(0.2))),
            Watts(10.0)
        );
        assert_eq!(
            source.power(&ctx(TrackingMode::Process, Some(30.0))),
            Watts(20.0)
        );
        assert_eq!(source.power(&ctx(TrackingMode::Process, None)), Watts(70.0));
        assert_eq!(
            source.power(&ctx(TrackingMode::Machine, Some(0.2))),
            Watts(70.0)
        );
        let arm = RamSource::model(Gigabytes(256.0), Arch::Arm, TrackingMode::Process);
        assert_eq!(
            arm.power(&ctx(TrackingMode::Process, Some(0.2))),
            Watts(3.0)
        );
    }

    #[test]
    fn forced_power_needs_no_meminfo() {
        let dir = tempfile::tempdir().unwrap();
        let mut config = Config {
            proc_root: dir.path().join("missing"),
            force_ram_power: Some(Watts(12.5)),
            ..Config::default()
        };
        let mut source = RamSource::from_config(&config).unwrap();
        let reading = source
            .sample(&ctx(TrackingMode::Process, Some(100.0)))
            .unwrap();
        assert_eq!(reading.power, Watts(12.5));
        assert_eq!(source.info().detail, "RAM 12.5 W: set by force_ram_power");

        config.force_ram_power = None;
        match build(&config) {
            Err(BuildError::Unavailable { plugin, message }) => {
                assert_eq!(plugin, "ram_dimm");
                assert!(message.contains("missing/meminfo"), "{message}");
            }
            Err(other) => panic!("unexpected error {other}"),
            Ok(_) => panic!("built without meminfo"),
        }
    }

    #[test]
    fn machine_mode_sizes_the_allocated_memory_without_reading_meminfo() {
        let dir = tempfile::tempdir().unwrap();
        let job = Allocation::machine(64, Gigabytes(256.0))
            .with_memory(Gigabytes(16.0), AllocatedBy::Slurm("4242".into()));
        let config = Config {
            proc_root: dir.path().join("missing"),
            allocation: Some(job),
            ..Config::default()
        };
        let mut source = RamSource::from_config(&config).unwrap();
        assert_eq!(source.total(), Some(Gigabytes(16.0)));
        let reading = source
            .sample(&ctx(TrackingMode::Machine, Some(0.1)))
            .unwrap();
        // 16 GB is 2 DIMMs, the 10 W floor on x86; the machine's 256 GB would be 38 W.
        assert_eq!(reading.power, ram_power(Gigabytes(16.0), Arch::current()));
        assert_ne!(reading.power, ram_power(Gigabytes(256.0), Arch::current()));
        assert!(
            source
                .info()
                .detail
                .contains("for 16.00 GB (slurm job 4242) → 2 DIMMs"),
            "{}",
            source.info().detail
        );
        // The machine's own figure reads as before.
        let machine = RamSource::allocated(
            &Allocation::machine(8, Gigabytes(23.540576934814453)),
            Arch::X86,
            TrackingMode::Machine,
        );
        assert_eq!(
            machine.info().detail,
            RamSource::model(
                Gigabytes(23.540576934814453),
                Arch::X86,
                TrackingMode::Machine
            )
            .info()
            .detail
        );
    }

    #[test]
    fn malformed_meminfo_is_invalid() {
        let (_dir, config) = fake_proc("Nothing: here\n", TrackingMode::Machine);
        assert!(matches!(
            build(&config),
            Err(BuildError::Invalid {
                plugin: "ram_dimm",
                ..
            })
        ));
    }
}
