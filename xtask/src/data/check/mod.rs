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

use super::pyjson::{self, Value};
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

/// Collects the problems of one file, with checks shared by the file kinds.
pub(crate) struct Sink<'a> {
    file: &'a str,
    problems: Vec<Problem>,
}

impl Sink<'_> {
    fn bad(&mut self, key: &str, message: &str) {
        self.problems.push(Problem {
            file: self.file.to_owned(),
            key: key.to_owned(),
            message: message.to_owned(),
        });
    }

    /// The members of an object, or a problem.
    fn object<'v>(&mut self, key: &str, v: &'v Value) -> &'v [(String, Value)] {
        match v.as_object() {
            Some(m) => m,
            None => {
                self.bad(key, "expected a JSON object");
                &[]
            }
        }
    }

    /// Reports keys that appear more than once.
    fn unique<'k>(&mut self, what: &str, keys: impl IntoIterator<Item = &'k str>) {
        let mut seen = std::collections::BTreeSet::new();
        for k in keys {
            if !seen.insert(k) {
                self.bad(k, &format!("duplicate {what}"));
            }
        }
    }

    /// A number field: present, finite, and in `min..max` (`max` excluded when `open`).
    fn number(
        &mut self,
        key: &str,
        field: &str,
        v: Option<&Value>,
        min: f64,
        max: f64,
        open: bool,
    ) -> Option<f64> {
        let Some(x) = v.and_then(Value::as_f64) else {
            self.bad(key, &format!("`{field}` is missing or not a number"));
            return None;
        };
        let above = if open { x >= max } else { x > max };
        if !x.is_finite() || x < min || above {
            let bound = if open { ")" } else { "]" };
            self.bad(
                key,
                &format!("`{field}` = {x} is outside [{min}, {max}{bound}"),
            );
        }
        Some(x)
    }

    /// A carbon intensity in g/kWh.
    fn intensity(&mut self, key: &str, field: &str, v: Option<&Value>) -> Option<f64> {
        self.intensity_value(key, field, v.and_then(Value::as_f64))
    }

    fn intensity_value(&mut self, key: &str, field: &str, x: Option<f64>) -> Option<f64> {
        let Some(x) = x else {
            self.bad(key, &format!("`{field}` is missing or not a number"));
            return None;
        };
        if !x.is_finite() || x < 0.0 {
            self.bad(
                key,
                &format!("`{field}` = {x} g/kWh: an intensity is finite and >= 0"),
            );
        } else if x >= MAX_INTENSITY {
            self.bad(
                key,
                &format!("`{field}` = {x} g/kWh is absurd (>= {MAX_INTENSITY}): a unit slip?"),
            );
        }
        Some(x)
    }

    /// A year in [`YEARS`].
    fn year(&mut self, key: &str, field: &str, v: Option<&Value>) {
        match v.and_then(Value::as_i64) {
            Some(y) if YEARS.contains(&y) => {}
            Some(y) => self.bad(
                key,
                &format!("`{field}` = {y} is not a plausible year (1990..=2100)"),
            ),
            None => self.bad(key, &format!("`{field}` is missing or not an integer year")),
        }
    }

    /// A string field that must equal `want`.
    fn equals(&mut self, key: &str, field: &str, v: Option<&Value>, want: &str) {
        match v.and_then(Value::as_str) {
            Some(got) if got == want => {}
            Some(got) => self.bad(key, &format!("`{field}` is `{got}`, expected `{want}`")),
            None => self.bad(
                key,
                &format!("`{field}` is missing or not a string (expected `{want}`)"),
            ),
        }
    }

    /// A non-empty string field.
    fn text<'v>(&mut self, key: &str, field: &str, v: Option<&'v Value>) -> Option<&'v str> {
        match v.and_then(Value::as_str) {
            Some(t) if !t.trim().is_empty() => Some(t),
            _ => {
                self.bad(key, &format!("`{field}` is missing or empty"));
                None
            }
        }
    }

    /// An upper-case ASCII code of `len` letters.
    fn code(&mut self, key: &str, field: &str, code: &str, len: usize) {
        if code.len() != len || !code.bytes().all(|b| b.is_ascii_uppercase()) {
            self.bad(
                key,
                &format!("`{field}` = `{code}` is not {len} upper-case letters"),
            );
        }
    }
}
