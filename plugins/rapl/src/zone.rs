//! Zone discovery: the powercap zones under a root, in the flat class layout
//! (`intel-rapl:0`, `intel-rapl:0:0`, ... side by side, as in `/sys/class/powercap`) and in the
//! nested devices layout (`intel-rapl/intel-rapl:0/intel-rapl:0:0`, as in
//! `/sys/devices/virtual/powercap`), MSR (`intel-rapl`) and MMIO (`intel-rapl-mmio`) alike.

use crate::error::RaplError;
use crate::files::{parse_u64, Files};
use codecarbon_core::Watts;
use std::collections::BTreeMap;
use std::fmt;
use std::path::{Path, PathBuf};

/// How deep zones may nest below the root: control type, package, subzone, with room to spare.
const MAX_DEPTH: usize = 6;

/// The interface a zone's counter is read through.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Interface {
    /// Model-specific registers: control type `intel-rapl`.
    Msr,
    /// Memory-mapped I/O: control type `intel-rapl-mmio`.
    Mmio,
}

impl Interface {
    /// The powercap control type's name.
    pub fn control_type(self) -> &'static str {
        match self {
            Interface::Msr => "intel-rapl",
            Interface::Mmio => "intel-rapl-mmio",
        }
    }
}

/// A zone's identity, from its directory name: `intel-rapl:0:1` is subzone 1 of MSR zone 0.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct ZoneId {
    /// MSR or MMIO.
    pub interface: Interface,
    /// The indices after the control type: `[0, 1]` for `intel-rapl:0:1`.
    pub indices: Vec<u32>,
}

impl ZoneId {
    /// Parses a directory name; `None` for anything that is not a RAPL zone.
    ///
    /// ```
    /// use codecarbon_rapl::{Interface, ZoneId};
    /// let id = ZoneId::parse("intel-rapl-mmio:0").unwrap();
    /// assert_eq!((id.interface, id.indices.as_slice()), (Interface::Mmio, &[0][..]));
    /// assert_eq!(ZoneId::parse("intel-rapl:1:0").unwrap().depth(), 2);
    /// assert!(ZoneId::parse("intel-rapl").is_none());
    /// assert!(ZoneId::parse("subsystem").is_none());
    /// ```
    pub fn parse(dir_name: &str) -> Option<ZoneId> {
        let (interface, rest) = if let Some(rest) = dir_name.strip_prefix("intel-rapl-mmio:") {
            (Interface::Mmio, rest)
        } else {
            (Interface::Msr, dir_name.strip_prefix("intel-rapl:")?)
        };
        let indices = rest
            .split(':')
            .map(|i| i.parse().ok())
            .collect::<Option<Vec<u32>>>()?;
        Some(ZoneId { interface, indices })
    }

    /// 1 for a top-level zone (a package, psys), 2 for its subzones (core, uncore, dram).
    pub fn depth(&self) -> usize {
        self.indices.len()
    }
}

impl fmt::Display for ZoneId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.interface.control_type())?;
        for i in &self.indices {
            write!(f, ":{i}")?;
        }
        Ok(())
    }
}

/// One powercap zone with an energy counter.
#[derive(Debug, Clone, PartialEq)]
pub struct Zone {
    /// Its identity.
    pub id: ZoneId,
    /// Its directory (where `energy_uj` is).
    pub dir: PathBuf,
    /// The content of its `name` file (`package-0`, `core`, `dram`, `psys`), or the directory
    /// name when `name` cannot be read.
    pub name: String,
    /// `max_energy_range_uj`: the counter's highest value; it wraps to 0 after it. `None` when
    /// the file is missing or unreadable: then every decrease is reported, never guessed at.
    pub range_uj: Option<u64>,
    /// The highest of the zone's `constraint_N_max_power_uw`, when any is present and non-zero.
    pub max_power: Option<Watts>,
}

impl Zone {
    /// The file holding the counter, in microjoules.
    pub fn energy_file(&self) -> PathBuf {
        self.dir.join("energy_uj")
    }
}

/// Every RAPL zone under `root`, each once (a zone reached both as a flat entry and nested in
/// its parent is the same zone), ordered MSR before MMIO and by index.
///
/// A directory is a zone when its name parses as a [`ZoneId`] and it holds `energy_uj`. The
/// control type directories (`intel-rapl`, `intel-rapl-mmio`) are entered; nothing else is
/// (sysfs' `subsystem` and `device` links lead back up). A root that cannot be listed is an
/// error; a zone directory that cannot be listed is skipped.
pub fn discover_zones(files: &dyn Files, root: &Path) -> Result<Vec<Zone>, RaplError> {
    let names = files.list(root).map_err(|e| {
        RaplError::read(
            root,
            e,
            "Point `rapl_root` at the powercap directory (/sys/class/powercap)",
        )
    })?;
    let mut found = BTreeMap::new();
    walk(files, root, names, 0, &mut found);
    Ok(found.into_values().collect())
}

fn walk(
    files: &dyn Files,
    dir: &Path,
    names: Vec<String>,
    depth: usize,
    found: &mut BTreeMap<ZoneId, Zone>,
) {
    if depth > MAX_DEPTH {
        return;
    }
    for name in names {
        let path = dir.join(&name);
        let is_control_type =
            name == Interface::Msr.control_type() || name == Interface::Mmio.control_type();
        let id = ZoneId::parse(&name);
        if !is_control_type && id.is_none() {
            continue;
        }
        let Ok(entries) = files.list(&path) else {
            continue;
        };
        if let Some(id) = id {
            if !found.contains_key(&id) && entries.iter().any(|e| e == "energy_uj") {
                let zone = read_zone(files, id.clone(), &path, &name, &entries);
                found.insert(id, zone);
            }
        }
        walk(files, &path, entries, depth + 1, found);
    }
}

fn read_zone(
    files: &dyn Files,
    id: ZoneId,
    dir: &Path,
    dir_name: &str,
    entries: &[String],
) -> Zone {
    let name = files
        .read_to_string(&dir.join("name"))
        .map(|n| n.trim().to_string())
        .ok()
        .filter(|n| !n.is_empty())
        .unwrap_or_else(|| dir_name.to_string());
    let range_uj = files
        .read_to_string(&dir.join("max_energy_range_uj"))
        .ok()
        .and_then(|t| parse_u64(&t));
    let max_power = entries
        .iter()
        .filter(|e| e.starts_with("constraint_") && e.ends_with("_max_power_uw"))
        .filter_map(|e| files.read_to_string(&dir.join(e)).ok())
        .filter_map(|t| parse_u64(&t))
        .filter(|uw| *uw > 0)
        .max()
        .map(|uw| Watts(uw as f64 * 1e-6));
    Zone {
        id,
        dir: dir.to_path_buf(),
        name,
        range_uj,
        max_power,
    }
}
