//! The RAPL PMU's files under `/sys/bus/event_source/devices/power/`: `type`, `cpumask`,
//! `events/energy-pkg` (`event=0x02`), `events/energy-pkg.scale` (joules per count),
//! `events/energy-pkg.unit` (`Joules`) and `format/event` (`config:0-7`).

use crate::error::RaplError;
use crate::files::{parse_u64, Files};
use std::path::{Path, PathBuf};

/// The RAPL PMU: its perf type and the CPUs to open its events on (one per package).
#[derive(Debug, Clone, PartialEq)]
pub struct Pmu {
    /// Its directory (`/sys/bus/event_source/devices/power`).
    pub dir: PathBuf,
    /// The `type` to put in `perf_event_attr`.
    pub pmu_type: u32,
    /// The CPUs of `cpumask`: one per package (or die).
    pub cpus: Vec<i32>,
}

/// One energy event of the PMU.
#[derive(Debug, Clone, PartialEq)]
pub struct PerfEvent {
    /// Its name (`energy-pkg`, `energy-ram`, `energy-psys`).
    pub name: String,
    /// The `config` to put in `perf_event_attr`.
    pub config: u64,
    /// Joules per count.
    pub scale: f64,
}

/// The PMU under `dir`, or `None` when the machine has none (no `dir/type`).
pub fn read_pmu(files: &dyn Files, dir: &Path) -> Result<Option<Pmu>, RaplError> {
    let Ok(text) = files.read_to_string(&dir.join("type")) else {
        return Ok(None);
    };
    let pmu_type = parse_u64(&text)
        .and_then(|t| u32::try_from(t).ok())
        .ok_or_else(|| RaplError::invalid(&dir.join("type"), "not a PMU type number"))?;
    let mask_path = dir.join("cpumask");
    let mask = files.read_to_string(&mask_path).map_err(|e| {
        RaplError::read(
            &mask_path,
            e,
            "The power PMU's cpumask should be world-readable",
        )
    })?;
    let cpus = parse_cpumask(&mask)
        .filter(|c| !c.is_empty())
        .ok_or_else(|| RaplError::invalid(&mask_path, "not a list of CPUs"))?;
    Ok(Some(Pmu {
        dir: dir.to_path_buf(),
        pmu_type,
        cpus,
    }))
}

/// Event `name` of the PMU in `dir`, or `None` when the PMU lacks it.
pub fn read_event(
    files: &dyn Files,
    dir: &Path,
    name: &str,
) -> Result<Option<PerfEvent>, RaplError> {
    let events = dir.join("events");
    let path = events.join(name);
    let Ok(text) = files.read_to_string(&path) else {
        return Ok(None);
    };
    let format = files.read_to_string(&dir.join("format/event")).ok();
    let config = parse_event_config(&text, format.as_deref())
        .ok_or_else(|| RaplError::invalid(&path, "not an `event=0x..` description"))?;
    let scale_path = events.join(format!("{name}.scale"));
    let scale_text = files
        .read_to_string(&scale_path)
        .map_err(|e| RaplError::read(&scale_path, e, "The kernel writes it for RAPL events"))?;
    let scale = scale_text
        .trim()
        .parse::<f64>()
        .ok()
        .filter(|s| s.is_finite() && *s > 0.0)
        .ok_or_else(|| RaplError::invalid(&scale_path, "not a positive number"))?;
    let unit_path = events.join(format!("{name}.unit"));
    if let Ok(unit) = files.read_to_string(&unit_path) {
        if !unit.trim().eq_ignore_ascii_case("joules") {
            return Err(RaplError::invalid(
                &unit_path,
                format!("unit {:?}, expected Joules", unit.trim()),
            ));
        }
    }
    Ok(Some(PerfEvent {
        name: name.to_string(),
        config,
        scale,
    }))
}

/// The `config` of an event description such as `event=0x02`, placed by the PMU's
/// `format/event` (`config:0-7`: the value's lowest bit at bit 0).
///
/// ```
/// use codecarbon_rapl::parse_event_config;
/// assert_eq!(parse_event_config("event=0x02\n", Some("config:0-7")), Some(2));
/// assert_eq!(parse_event_config("event=0x03", Some("config:8-15")), Some(0x300));
/// assert_eq!(parse_event_config("event=5", None), Some(5));
/// assert_eq!(parse_event_config("umask=0x1", None), None);
/// ```
pub fn parse_event_config(text: &str, format: Option<&str>) -> Option<u64> {
    let shift = match format {
        Some(f) => {
            let bits = f.trim().strip_prefix("config:")?;
            bits.split('-').next()?.trim().parse::<u32>().ok()?
        }
        None => 0,
    };
    let mut config = None;
    for term in text.trim().split(',').filter(|t| !t.trim().is_empty()) {
        let (key, value) = term.split_once('=')?;
        let value = parse_number(value.trim())?;
        match key.trim() {
            "event" => config = Some(value.checked_shl(shift)?),
            "config" => config = Some(value),
            _ => return None,
        }
    }
    config
}

fn parse_number(text: &str) -> Option<u64> {
    match text.strip_prefix("0x").or_else(|| text.strip_prefix("0X")) {
        Some(hex) => u64::from_str_radix(hex, 16).ok(),
        None => text.parse().ok(),
    }
}

/// The CPUs of a cpumask file: `0`, `0,24`, `0-3,8`.
///
/// ```
/// use codecarbon_rapl::parse_cpumask;
/// assert_eq!(parse_cpumask("0,24\n"), Some(vec![0, 24]));
/// assert_eq!(parse_cpumask("0-2,8"), Some(vec![0, 1, 2, 8]));
/// assert_eq!(parse_cpumask("x"), None);
/// ```
pub fn parse_cpumask(text: &str) -> Option<Vec<i32>> {
    let mut cpus = Vec::new();
    for part in text.trim().split(',').filter(|p| !p.trim().is_empty()) {
        match part.split_once('-') {
            Some((a, b)) => {
                let (a, b): (i32, i32) = (a.trim().parse().ok()?, b.trim().parse().ok()?);
                if b < a || b - a > 65_536 {
                    return None;
                }
                cpus.extend(a..=b);
            }
            None => cpus.push(part.trim().parse().ok()?),
        }
    }
    Some(cpus)
}
