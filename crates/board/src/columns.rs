//! Which column holds what, found by name in a file's header, and how one row is read.

use crate::problem::Problem;
use crate::read::{text_fields, Row};
use codecarbon_core::record::{Cell, COLUMN_COUNT, TASK_NAME};
use codecarbon_core::{Column, KgCo2eq, KilowattHours, CSV_COLUMNS};
use std::collections::BTreeMap;

/// The columns the board uses, with what a missing one costs.
const USED: &[(Column, &str)] = &[
    (Column::Timestamp, "no timeline"),
    (Column::ProjectName, "every row in one project"),
    (Column::RunId, "each row counts as its own run"),
    (Column::Duration, "durations unknown"),
    (Column::EnergyConsumed, "energy unknown (counted as 0)"),
    (Column::Emissions, "emissions unknown (counted as 0)"),
    (Column::CpuEnergy, "no CPU share"),
    (Column::GpuEnergy, "no GPU share"),
    (Column::RamEnergy, "no RAM share"),
    (Column::CountryIsoCode, "no country on the maps"),
    (Column::Region, "no region maps"),
    (Column::CloudProvider, "no cloud comparison"),
    (Column::CloudRegion, "no cloud comparison"),
];

/// Where each of the record's columns is in a file, found by name in its header.
#[derive(Debug, Clone)]
pub(crate) struct Columns {
    width: usize,
    missing: Vec<Column>,
    extra: Vec<String>,
    /// By [`Column::index`]: the column's index in the file; `None` when the file lacks it.
    index: [Option<usize>; COLUMN_COUNT],
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
            .filter(|n| !CSV_COLUMNS.contains(&n.as_str()) && n.as_str() != TASK_NAME)
            .cloned()
            .collect();
        Self {
            width: names.len(),
            missing: USED
                .iter()
                .map(|(column, _)| *column)
                .filter(|column| find(column.name()).is_none())
                .collect(),
            extra,
            index: Column::ALL.map(|column| find(column.name())),
        }
    }

    /// The index of `column` in the file, if it has it.
    pub fn of(&self, column: Column) -> Option<usize> {
        self.index.get(column.index()).copied().flatten()
    }

    /// Whether rows can mean anything: without emissions and energy there is nothing to show.
    pub fn usable(&self) -> bool {
        self.of(Column::Emissions).is_some() || self.of(Column::EnergyConsumed).is_some()
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
                .map(|column| {
                    let cost = USED
                        .iter()
                        .find(|(c, _)| c == column)
                        .map_or("", |(_, cost)| *cost);
                    format!("`{}` ({cost})", column.name())
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
        let emissions = required(record, self.of(Column::Emissions), Column::Emissions)?;
        let energy = required(
            record,
            self.of(Column::EnergyConsumed),
            Column::EnergyConsumed,
        )?;
        let mut optional = |column: Column| -> Option<f64> {
            let raw = field(record, self.of(column)?);
            if raw.is_empty() {
                return None;
            }
            match number(column, &raw) {
                Ok(value) => Some(value),
                Err(_) => {
                    tally.add(column.name(), line, &raw);
                    None
                }
            }
        };
        let duration_s = optional(Column::Duration).unwrap_or(0.0);
        let cpu_energy = optional(Column::CpuEnergy).map(KilowattHours);
        let gpu_energy = optional(Column::GpuEnergy).map(KilowattHours);
        let ram_energy = optional(Column::RamEnergy).map(KilowattHours);
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

/// A non-negative finite number, read as the record's description reads `column`.
fn number(column: Column, raw: &str) -> Result<f64, String> {
    match column.kind().parse(raw).map(|cell| (cell, cell.number())) {
        Ok((Cell::Number(v), _)) if v.is_finite() && v >= 0.0 => Ok(v),
        Ok((_, Some(v))) => Err(format!(
            "`{raw}` ({v} is not a finite, non-negative number)"
        )),
        Ok((_, None)) | Err(_) => Err(format!("`{raw}`, not a number")),
    }
}

/// A number the row cannot go without; a missing column counts as 0 (noted once per file).
fn required(record: &csv::ByteRecord, index: Option<usize>, column: Column) -> Result<f64, String> {
    let Some(index) = index else { return Ok(0.0) };
    let name = column.name();
    let raw = field(record, index);
    if raw.is_empty() {
        return Err(format!("`{name}` is empty"));
    }
    number(column, &raw).map_err(|why| format!("`{name}` is {why}"))
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
