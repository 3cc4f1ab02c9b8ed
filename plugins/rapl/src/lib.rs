//! Measured CPU and RAM energy from Intel and AMD RAPL counters.
//!
//! Two plugins are registered, at priority 50 (above the `tdp` and `ram_dimm` models):
//!
//! - `rapl` (CPU): the sum of the package zones (`package-N`), never their `core` and `uncore`
//!   subzones; `psys` instead with `rapl_prefer_psys = true`, or when there is no package zone.
//!   `force_cpu_power` rules it out, as in CodeCarbon.
//! - `rapl_dram` (RAM): the sum of the `dram` zones, where the machine has them;
//!   `force_ram_power` rules it out. `rapl_include_dram` has no effect: DRAM, when measured, is
//!   always the RAM column. With `psys` as the CPU domain, note that psys includes memory.
//!
//! **Reading.** Without `rapl_root`, the RAPL PMU through `perf_event_open` when this process
//! may open system-wide events (`kernel.perf_event_paranoid` ≤ 0, CAP_PERFMON, or root), else
//! the powercap files under `/sys/class/powercap` (root-only on current kernels). With
//! `rapl_root`, powercap under that root and nothing else. Present but unreadable RAPL is
//! [`Probe::Blocked`], whose message gives the fix (`chmod`, a
//! udev rule, or the sysctl); the engine warns and uses the models.
//!
//! **Counting.** Zones are found in the flat class layout and the nested devices layout
//! ([`discover_zones`]); an MMIO zone and its MSR twin count once ([`dedupe_mmio`]); counters
//! that mirror another (multi-die parts) count once ([`MirrorFilter`]). Deltas are taken modulo
//! `max_energy_range_uj + 1`, and the engine reads at least twice per wrap at the zone's
//! maximum power ([`read_interval`]).
//!
//! **Process mode.** The tracked tree gets the share of the measured energy that its CPU time
//! is of the machine's busy CPU time ([`cpu_share`]); the machine's whole energy is reported
//! beside it ([`PowerSource::machine_energy`](codecarbon_core::PowerSource::machine_energy)).
//!
//! ```
//! use codecarbon_core::{Component, Config, PowerSource, Probe, SampleContext, TrackingMode};
//! use std::time::Duration;
//!
//! // A fake powercap tree: one package at 2 000 000 µJ.
//! let root = tempfile::tempdir().unwrap();
//! let zone = root.path().join("intel-rapl:0");
//! std::fs::create_dir(&zone).unwrap();
//! std::fs::write(zone.join("name"), "package-0\n").unwrap();
//! std::fs::write(zone.join("max_energy_range_uj"), "262143328850\n").unwrap();
//! std::fs::write(zone.join("energy_uj"), "2000000\n").unwrap();
//!
//! let mut config = Config::default();
//! config.set("rapl_root", &root.path().display().to_string(), "example").unwrap();
//! assert_eq!(codecarbon_rapl::probe(&config, Component::Cpu), Probe::Available);
//! let mut source = codecarbon_rapl::build_source(&config, Component::Cpu).unwrap();
//! let ctx = SampleContext::new(Duration::from_secs(1), TrackingMode::Machine, 2);
//! source.sample(&ctx).unwrap(); // the baseline
//! std::fs::write(zone.join("energy_uj"), "12000000\n").unwrap();
//! let reading = source.sample(&ctx).unwrap();
//! assert!((reading.energy.value() - 10.0).abs() < 1e-9);
//! assert!(source.info().detail.starts_with("powercap at "));
//! ```

/// The Rust examples of this crate's README (shown on crates.io), compiled and run by
/// `cargo test --doc -p codecarbon-rapl`.
#[cfg(doctest)]
#[doc = include_str!("../README.md")]
struct ReadmeDoctests;

mod attribution;
mod counters;
mod dedupe;
mod domain;
mod error;
mod files;
mod perf;
mod plugin;
mod powercap;
mod settings;
mod source;
mod zone;

#[cfg(test)]
mod tests;

pub use attribution::{cpu_share, Attribution};
pub use counters::{
    read_interval, CounterSpec, Meter, RawCounters, ASSUMED_MAX_POWER, MAX_READ_INTERVAL,
};
pub use dedupe::{counters_match, dedupe_mmio, MirrorFilter, MIRROR_WINDOW};
pub use domain::{classify, select, CpuDomain, Domain, Selection};
pub use error::RaplError;
pub use files::{Files, RealFiles};
pub use perf::{
    parse_cap_eff, parse_cpumask, parse_event_config, read_event, read_pmu, PerfAccess, PerfEvent,
    Pmu, PMU_DIR,
};
pub use plugin::{build_parsed, build_source, probe, probe_parsed, DEFAULT_ROOT};
pub use powercap::PowercapCounters;
pub use settings::RaplSettings;
pub use source::RaplSource;
pub use zone::{discover_zones, Interface, Zone, ZoneId};

use codecarbon_core::{BuildError, Component, Config, Probe};

fn probe_cpu(config: &Config, settings: &RaplSettings) -> Probe {
    probe_parsed(config, settings, Component::Cpu)
}

fn probe_ram(config: &Config, settings: &RaplSettings) -> Probe {
    probe_parsed(config, settings, Component::Ram)
}

fn build_cpu(config: &Config, settings: &RaplSettings) -> Result<RaplSource, BuildError> {
    build_parsed(config, settings, Component::Cpu)
}

fn build_ram(config: &Config, settings: &RaplSettings) -> Result<RaplSource, BuildError> {
    build_parsed(config, settings, Component::Ram)
}

codecarbon_core::register_plugins! {
    power_source(Component::Cpu) {
        name: "rapl",
        priority: 50,
        summary: "CPU energy measured by RAPL (package zones), through perf_event or powercap",
        settings: RaplSettings,
        probe: probe_cpu,
        build: build_cpu,
    },
    power_source(Component::Ram) {
        name: "rapl_dram",
        priority: 50,
        summary: "RAM energy measured by RAPL (dram zones), through perf_event or powercap",
        settings: RaplSettings,
        probe: probe_ram,
        build: build_ram,
    },
}
