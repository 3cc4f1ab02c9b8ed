//! Which column holds what, found by name in a file's header, and how one row is read.

use crate::problem::Problem;
use crate::read::{text_fields, Row};
use codecarbon_core::{KgCo2eq, KilowattHours, CSV_COLUMNS};
use std::collections::BTreeMap;

/// Columns of task files (`emissions_<experiment>_<run_id>.csv`) that are known, not extra.
const TASK_ONLY: &[&str] = &["task_name"];

/// The columns the board uses, with what a missing one costs.
const USED: &[(&str, &str)] = &[
    ("timestamp", "no timeline"),
    ("project_name", "every row in one project"),
    ("run_id", "each row counts as its own run"),
    ("duration", "durations unknown"),
    ("energy_consumed", "energy unknown (counted as 0)"),
    ("emissions", "emissions unknown (counted as 0)"),
    ("cpu_energy", "no CPU share"),
    ("gpu_energy", "no GPU share"),
    ("ram_energy", "no RAM share"),
    ("country_iso_code", "no country on the maps"),
    ("region", "no region maps"),
    ("cloud_provider", "no cloud comparison"),
    ("cloud_region", "no cloud comparison"),
];

/// Column indices, by name; `None` when the file lacks the column.
#[derive(Debug, Clone, Default)]
pub(crate) struct Columns {
    width: usize,
    missing: Vec<&'static str>,
    extra: Vec<String>,
    pub timestamp: Option<usize>,
    pub project_name: Option<usize>,
    pub run_id: Option<usize>,
    pub duration: Option<usize>,
    pub emissions: Option<usize>,
    pub energy_consumed: Option<usize>,
    pub cpu_energy: Option<usize>,
    pub gpu_energy: Option<usize>,
    pub ram_energy: Option<usize>,
    pub country_name: Option<usize>,
    pub country_iso_code: Option<usize>,
    pub region: Option<usize>,
    pub cloud_provider: Option<usize>,
    pub cloud_region: Option<usize>,
    pub on_cloud: Option<usize>,
}

impl Columns {
    /// Finds the columns of `header` (names trimmed, case-insensitive).
    pub fn new(header: &csv::ByteRecord) -> Self {
        let names: Vec<String> = header
            .iter()
            .map(|b| String::from_utf8_lossy(b).trim().to_ascii_lowercase())
            .collect();
        let find = |name: &str| names.iter().position(|n| n == name);
        let extra = names
            .iter()
            .filter(|n| !CSV_COLUMNS.contains(&n.as_str()) && !TASK_ONLY.contains(&n.as_str()))
            .cloned()
            .collect();
        Self {
            width: names.len(),
            missing: USED
                .iter()
                .map(|(name, _)| *name)
                .filter(|name| find(name).is_none())
                .collect(),
            extra,
            timestamp: find("timestamp"),
            project_name: find("project_name"),
            run_id: find("run_id"),
            duration: find("duration"),
            emissions: find("emissions"),
            energy_consumed: find("energy_consumed"),
            cpu_energy: find("cpu_energy"),
            gpu_energy: find("gpu_energy"),
            ram_energy: find("ram_energy"),
            country_name: find("country_name"),
            country_iso_code: find("country_iso_code"),
            region: find("region"),
            cloud_provider: find("cloud_provider"),
            cloud_region: find("cloud_region"),
            on_cloud: find("on_cloud"),
        }
    }

    /// Whether rows can mean anything: without emissions and energy there is nothing to show.
    pub fn usable(&self) -> bool {
        self.emissions.is_some() || self.energy_consumed.is_some()
    }

    /// What the header means for the reader: unusable file, missing and unknown columns.
    pub fn notes(&self, file: &str) -> Vec<Problem> {
        let mut notes = Vec::new();
        if !self.usable() {
            notes.push(Problem::file(
                file,
                "no `emissions` or `energy_consumed` column: is this an emissions file? \
                 (its rows are not shown)",
            ));
            return notes;
        }
        if !self.missing.is_empty() {
            let list: Vec<String> = self
                .missing
                .iter()
                .map(|name| {
                    let cost = USED.iter().find(|(n, _)| n == name).map_or("", |(_, c)| *c);
                    format!("`{name}` ({cost})")
                })
                .collect();
            notes.push(Problem::file(
                file,
                format!(
                    "columns missing (an older CodeCarbon version, or an edited file): {}",
                    list.join(", ")
                ),
            ));
        }
        if !self.extra.is_empty() {
            let list: Vec<String> = self.extra.iter().map(|n| format!("`{n}`")).collect();
            notes.push(Problem::file(
                file,
                format!("columns not used by the board: {}", list.join(", ")),
            ));
        }
        notes
    }

    /// Reads one record; `Err` says why the row is skipped.
    pub fn row(
        &self,
        record: &csv::ByteRecord,
        file: usize,
        line: u64,
        tally: &mut NumberTally,
    ) -> Result<Row, String> {
        if record.len() != self.width {
            return Err(format!(
                "{} fields where the header has {}: which value belongs to which column is \
                 unclear (a row cut short by a crash, or written under another header)",
                record.len(),
                self.width
            ));
        }
        let emissions = required(record, self.emissions, "emissions")?;
        let energy = required(record, self.energy_consumed, "energy_consumed")?;
        let mut optional = |index: Option<usize>, name: &'static str| -> Option<f64> {
            let raw = field(record, index?);
            if raw.is_empty() {
                return None;
            }
            match number(&raw) {
                Ok(value) => Some(value),
                Err(_) => {
                    tally.add(name, line, &raw);
                    None
                }
            }
        };
        let duration_s = optional(self.duration, "duration").unwrap_or(0.0);
        let cpu_energy = optional(self.cpu_energy, "cpu_energy").map(KilowattHours);
        let gpu_energy = optional(self.gpu_energy, "gpu_energy").map(KilowattHours);
        let ram_energy = optional(self.ram_energy, "ram_energy").map(KilowattHours);
        let mut row = Row {
            file,
            line,
            time_ms: None,
            timestamp: String::new(),
            project: String::new(),
            run_id: String::new(),
            duration_s,
            emissions: KgCo2eq(emissions),
            energy: KilowattHours(energy),
            cpu_energy,
            gpu_energy,
            ram_energy,
            country_name: String::new(),
            country_iso_code: String::new(),
            region: String::new(),
            cloud_provider: String::new(),
            cloud_region: String::new(),
            on_cloud: false,
        };
        text_fields(&mut row, self, record);
        if row.time_ms.is_none() && !row.timestamp.is_empty() {
            tally.add("timestamp", line, &row.timestamp);
        }
        Ok(row)
    }
}

fn field(record: &csv::ByteRecord, index: usize) -> String {
    record
        .get(index)
        .map(|b| String::from_utf8_lossy(b).trim().to_string())
        .unwrap_or_default()
}

/// A non-negative finite number.
fn number(raw: &str) -> Result<f64, String> {
    match raw.parse::<f64>() {
        Ok(v) if v.is_finite() && v >= 0.0 => Ok(v),
        Ok(v) => Err(format!(
            "`{raw}` ({v} is not a finite, non-negative number)"
        )),
        Err(_) => Err(format!("`{raw}`, not a number")),
    }
}

/// A number the row cannot go without; a missing column counts as 0 (noted once per file).
fn required(record: &csv::ByteRecord, index: Option<usize>, name: &str) -> Result<f64, String> {
    let Some(index) = index else { return Ok(0.0) };
    let raw = field(record, index);
    if raw.is_empty() {
        return Err(format!("`{name}` is empty"));
    }
    number(&raw).map_err(|why| format!("`{name}` is {why}"))
}

/// Unreadable values of optional columns, counted per column so a file with a thousand bad
/// durations gets one note, not a thousand.
#[derive(Debug, Default)]
pub(crate) struct NumberTally {
    /// Column → (count, first line, first value).
    bad: BTreeMap<&'static str, (usize, u64, String)>,
}

impl NumberTally {
    fn add(&mut self, column: &'static str, line: u64, raw: &str) {
        let entry = self
            .bad
            .entry(column)
            .or_insert_with(|| (0, line, raw.to_string()));
        entry.0 += 1;
    }

    /// One note per column with unreadable values.
    pub fn notes(&self, file: &str) -> Vec<Problem> {
        self.bad
            .iter()
            .map(|(column, (count, line, raw))| {
                let shown = if *column == "timestamp" {
                    "rows kept, left out of the timeline"
                } else {
                    "rows kept, value unknown"
                };
                let rows = if *count == 1 { "row" } else { "rows" };
                Problem::file(
                    file,
                    format!(
                        "`{column}` unreadable in {count} {rows} (first: line {line}, `{raw}`): \
                         {shown}"
                    ),
                )
            })
            .collect()
    }
}
