//! Domain selection: which zones make the CPU's energy and which the memory's.
//!
//! - CPU = the sum of the package zones (`package-N`). `core` and `uncore` lie inside a package
//!   and are never added.
//! - `psys` (the whole platform) only with `rapl_prefer_psys`, or when there is no package zone.
//! - RAM = the sum of the `dram` zones, top-level or inside a package (a package's energy does
//!   not include its DRAM).
//! - A zone exposed through both MMIO and MSR is counted once ([`dedupe_mmio`]).

use crate::dedupe::dedupe_mmio;
use crate::zone::Zone;

/// What a zone measures, from its `name`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Domain {
    /// A processor package (`package-0`): cores, caches, uncore, integrated graphics.
    Package,
    /// The platform (`psys`): the package and more (memory, chipset, ...).
    Psys,
    /// Memory (`dram`).
    Dram,
    /// The cores inside a package (`core`, also `pp0`).
    Core,
    /// The rest of a package, often the integrated GPU (`uncore`, also `pp1`).
    Uncore,
    /// Anything else; never counted.
    Other,
}

/// The domain a zone named `name` measures.
///
/// ```
/// use codecarbon_rapl::{classify, Domain};
/// assert_eq!(classify("package-1"), Domain::Package);
/// assert_eq!(classify("core"), Domain::Core);
/// assert_eq!(classify("psys"), Domain::Psys);
/// ```
pub fn classify(name: &str) -> Domain {
    let name = name.trim().to_ascii_lowercase();
    match name.as_str() {
        n if n.starts_with("package") => Domain::Package,
        "psys" => Domain::Psys,
        "dram" => Domain::Dram,
        "core" | "pp0" => Domain::Core,
        "uncore" | "pp1" => Domain::Uncore,
        _ => Domain::Other,
    }
}

/// Which domain the CPU reading is made of.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CpuDomain {
    /// The sum of the package zones.
    Packages,
    /// The platform zone(s).
    Psys,
}

/// The zones chosen for each component.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Selection {
    /// The CPU's zones and what they are; `None` when there is no package and no psys zone.
    pub cpu: Option<(CpuDomain, Vec<Zone>)>,
    /// The memory's zones; empty when the machine has none.
    pub dram: Vec<Zone>,
}

/// Chooses the zones of each component from everything discovered.
pub fn select(zones: Vec<Zone>, prefer_psys: bool) -> Selection {
    let zones = dedupe_mmio(zones);
    let of = |domain: Domain| -> Vec<Zone> {
        zones
            .iter()
            .filter(|z| classify(&z.name) == domain)
            .cloned()
            .collect()
    };
    let (packages, psys) = (of(Domain::Package), of(Domain::Psys));
    let cpu = if prefer_psys && !psys.is_empty() {
        Some((CpuDomain::Psys, psys))
    } else if !packages.is_empty() {
        Some((CpuDomain::Packages, packages))
    } else if !psys.is_empty() {
        Some((CpuDomain::Psys, psys))
    } else {
        None
    };
    Selection {
        cpu,
        dram: of(Domain::Dram),
    }
}
