//! Power where nothing is measured: CodeCarbon's CPU TDP-and-load model and RAM DIMM model.
//!
//! Two plugins are registered:
//!
//! - `tdp` ([`TdpSource`]): the CPU's TDP from `data/hardware/cpu_power.csv` (matched as
//!   CodeCarbon does, see [`find_tdp`]) times the sockets, or 4 W per logical thread for an
//!   unknown CPU, or `force_cpu_power`. Power is `TDP × (0.1 + 0.9 × load³)` in machine mode
//!   (times the allocated CPUs' share of the machine's, in a SLURM job or a cgroup that limits
//!   them) and the tracked processes' share of CPU time × TDP in process mode.
//! - `ram_dimm` ([`RamSource`]): the memory size (the run's allocation in machine mode) gives a
//!   DIMM count, which gives a power ([`ram_power`]), or `force_ram_power`.
//!
//! Both read only `<proc_root>/cpuinfo` and `<proc_root>/meminfo`, and the allocation the
//! engine found (`Config::allocation`); both are always available, at priority 0, so that any
//! measuring plugin wins over them.
//!
//! ```
//! use codecarbon_tdp::{cpu_spec, TdpOrigin};
//! use codecarbon_core::Config;
//!
//! let dir = tempfile::tempdir().unwrap();
//! std::fs::write(dir.path().join("cpuinfo"), "processor : 0\nmodel name : Apple M2 Pro\n").unwrap();
//! let config = Config { proc_root: dir.path().to_path_buf(), ..Config::default() };
//! let spec = cpu_spec(&config).unwrap();
//! assert_eq!(spec.tdp.value(), 35.0);
//! assert!(matches!(spec.origin, TdpOrigin::Exact { name: "Apple M2 Pro", .. }));
//! ```

/// The Rust examples of this crate's README (shown on crates.io), compiled and run by
/// `cargo test --doc -p codecarbon-tdp`.
#[cfg(doctest)]
#[doc = include_str!("../README.md")]
struct ReadmeDoctests;

mod cpu;
mod cpuinfo;
mod error;
mod matching;
mod meminfo;
mod ram;
mod ram_source;
mod units;

pub use cpu::{
    cpu_spec, load_power, process_power, CpuSpec, TdpOrigin, TdpSource, CONSTANT_FRACTION,
    DEFAULT_WATTS_PER_THREAD, IDLE_FRACTION,
};
pub use cpuinfo::{parse_cpuinfo, read_cpuinfo, CpuInfo};
pub use error::TdpError;
pub use matching::{
    clean_model, default_process, find_tdp, table_len, token_set_full_match, MatchKind, TdpMatch,
};
pub use meminfo::{parse_mem_total, read_mem_total};
pub use ram::{codecarbon_dimm_count, dimm_count, dimm_power, ram_power, Arch};
pub use ram_source::RamSource;

use codecarbon_core::{Component, Config, Probe};

fn always_available(_: &Config) -> Probe {
    Probe::Available
}

codecarbon_core::register_plugins! {
    power_source(Component::Cpu) {
        name: "tdp",
        priority: 0,
        summary: "CPU power estimated from its TDP (cpu_power.csv) and the CPU load",
        probe: always_available,
        build: cpu::build,
    },
    power_source(Component::Ram) {
        name: "ram_dimm",
        priority: 0,
        summary: "RAM power estimated from the memory size (DIMM model)",
        probe: always_available,
        build: ram_source::build,
    },
}
