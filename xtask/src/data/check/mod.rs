//! `cargo xtask check-data`: every data file parses and holds plausible values.
//!
//! Per file: it parses; required fields are there; units are the expected ones (`_unit` of
//! `usa_emissions.json`, `unit` fields); carbon intensities are finite, `>= 0` and `< 2000`
//! g/kWh; shares are 0..=100 and sum to about 100; energies are non-negative; years are
//! 1990..=2100; ISO codes are upper-case letters of the right length; no key or region
//! appears twice. Only the files that exist are checked (the report lists which); an empty or
//! wrong directory is itself a problem.

mod cloud;
mod intensity;
mod other;
mod sink;

use super::pyjson::{self, Value};
use sink::Sink;
use std::fmt;
use std::path::Path;

/// The highest plausible grid intensity, g CO2eq/kWh (coal plants are about 1000-1300).
pub const MAX_INTENSITY: f64 = 2000.0;

/// The plausible range of a data year.
pub const YEARS: std::ops::RangeInclusive<i64> = 1990..=2100;

/// Every data file `check-data` knows, relative to the data directory.
pub const FILES: [&str; 11] = [
    "cloud/aws.csv",
    "cloud/azure.csv",
    "cloud/impact.csv",
    "hardware/cpu_power.csv",
    "intensity/canada_energy_mix.json",
    "intensity/carbon_intensity_per_source.json",
    "intensity/china_provincial_emissions.json",
    "intensity/global_energy_mix.json",
    "intensity/nordic_emissions.json",
    "intensity/usa_emissions.json",
    "iso/iso_3166-1.json",
];

/// One thing wrong in one file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    /// The file, relative to the data directory.
    pub file: String,
    /// Where in it: a key, region, row or field (`-` for the whole file).
    pub key: String,
    /// What is wrong.
    pub message: String,
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}: {}", self.file, self.key, self.message)
    }
}

/// What `check-data` found.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Report {
    /// Files checked.
    pub checked: Vec<String>,
    /// Known files that are not in the directory.
    pub absent: Vec<String>,
    /// Other `.json` and `.csv` files, checked only to parse (maps, ...).
    pub parsed_only: Vec<String>,
    /// Everything wrong.
    pub problems: Vec<Problem>,
}

impl Report {
    /// No problem found.
    pub fn ok(&self) -> bool {
        self.problems.is_empty()
    }
}

/// Checks every known file that exists under `dir`.
pub fn check_dir(dir: &Path) -> Report {
    let mut report = Report::default();
    for file in FILES {
        let path = dir.join(file);
        if !path.exists() {
            report.absent.push(file.to_owned());
            continue;
        }
        report.checked.push(file.to_owned());
        match std::fs::read(&path) {
            Ok(bytes) => report.problems.extend(check_file(file, &bytes)),
            Err(e) => report.problems.push(Problem {
                file: file.to_owned(),
                key: "-".into(),
                message: format!("cannot read {}: {e}", path.display()),
            }),
        }
    }
    for file in other_files(dir) {
        let rel = file
            .strip_prefix(dir)
            .unwrap_or(&file)
            .to_string_lossy()
            .replace('\\', "/");
        if FILES.contains(&rel.as_str()) {
            continue;
        }
        let mut s = Sink {
            file: &rel,
            problems: Vec::new(),
        };
        match std::fs::read(&file) {
            Ok(bytes) if rel.ends_with(".csv") => {
                if let Err(e) = super::tables::Csv::parse(&bytes) {
                    s.bad("-", &format!("not valid CSV: {e:#}"));
                }
            }
            Ok(bytes) => {
                json(&mut s, &bytes);
            }
            Err(e) => s.bad("-", &format!("cannot read: {e}")),
        }
        report.problems.extend(s.problems);
        report.parsed_only.push(rel);
    }
    if report.checked.is_empty() {
        report.problems.push(Problem {
            file: dir.display().to_string(),
            key: "-".into(),
            message: "no data file found here: is this the data directory?".into(),
        });
    }
    report
}

/// The `.json` and `.csv` files under `dir`, sorted, hidden ones skipped.
fn other_files(dir: &Path) -> Vec<std::path::PathBuf> {
    let mut out = Vec::new();
    let Ok(entries) = std::fs::read_dir(dir) else {
        return out;
    };
    let mut paths: Vec<_> = entries.filter_map(|e| e.ok().map(|e| e.path())).collect();
    paths.sort();
    for path in paths {
        let hidden = path
            .file_name()
            .is_some_and(|n| n.to_string_lossy().starts_with('.'));
        if hidden {
            continue;
        }
        if path.is_dir() {
            out.extend(other_files(&path));
        } else if path.extension().is_some_and(|e| e == "json" || e == "csv") {
            out.push(path);
        }
    }
    out
}

/// Checks one file's contents; `path` (relative to the data directory) says which checks.
pub fn check_file(path: &str, bytes: &[u8]) -> Vec<Problem> {
    let mut s = Sink {
        file: path,
        problems: Vec::new(),
    };
    match path {
        "cloud/aws.csv" | "cloud/azure.csv" => cloud::region_table(&mut s, bytes),
        "cloud/impact.csv" => cloud::impact(&mut s, bytes),
        "hardware/cpu_power.csv" => cloud::cpu_power(&mut s, bytes),
        _ => match json(&mut s, bytes) {
            None => {}
            Some(doc) => match path {
                "intensity/global_energy_mix.json" => intensity::global(&mut s, &doc),
                "intensity/usa_emissions.json" => intensity::usa(&mut s, &doc),
                "intensity/canada_energy_mix.json" => intensity::canada(&mut s, &doc),
                "intensity/carbon_intensity_per_source.json" => other::per_source(&mut s, &doc),
                "intensity/china_provincial_emissions.json" => {
                    other::zones(&mut s, &doc, "gCO2/kWh")
                }
                "intensity/nordic_emissions.json" => other::zones(&mut s, &doc, "gCO2eq/kWh"),
                "iso/iso_3166-1.json" => other::iso(&mut s, &doc),
                _ => s.bad("-", "not a file check-data knows"),
            },
        },
    }
    s.problems
}

fn json(s: &mut Sink, bytes: &[u8]) -> Option<Value> {
    let text = match std::str::from_utf8(bytes) {
        Ok(t) => t,
        Err(e) => {
            s.bad("-", &format!("not UTF-8: {e}"));
            return None;
        }
    };
    match pyjson::parse(text) {
        Ok(v) => Some(v),
        Err(e) => {
            s.bad("-", &format!("not valid JSON: {e}"));
            None
        }
    }
}
