//! Lenient reading of emissions CSV files: by column name, row by row, every problem kept.
//!
//! CodeCarbon's column set grew over its versions (an old file lacks `water_consumed`, `pue`,
//! `cpu_utilization_percent`, ...), and people edit these files by hand. So a column is found by
//! its name, a missing one is unknown rather than an error, and a row that cannot be read is
//! skipped with a [`Problem`] naming its file and line. Reading never fails for the content of a
//! file: only for a file that cannot be opened.

use crate::columns::{Columns, NumberTally};
use crate::error::BoardError;
use crate::problem::Problem;
use crate::time::parse_timestamp;
use codecarbon_core::output::read_regular;
use codecarbon_core::{Cell, Column, KgCo2eq, KilowattHours};
use std::path::Path;

/// One run's row, with what the board uses of it.
#[derive(Debug, Clone, PartialEq)]
pub struct Row {
    /// Index of the file among those read (their order on the command line).
    pub file: usize,
    /// 1-based line of the row in its file.
    pub line: u64,
    /// Milliseconds since the Unix epoch, when the timestamp could be read.
    pub time_ms: Option<i64>,
    /// The timestamp as written.
    pub timestamp: String,
    /// `project_name`, or `(no project)` when empty or missing.
    pub project: String,
    /// `run_id`; empty when missing.
    pub run_id: String,
    /// Seconds the run lasted (0 when unknown).
    pub duration_s: f64,
    /// The run's emissions.
    pub emissions: KgCo2eq,
    /// The run's energy.
    pub energy: KilowattHours,
    /// CPU, GPU and RAM energy, when known.
    pub cpu_energy: Option<KilowattHours>,
    /// GPU energy, when known.
    pub gpu_energy: Option<KilowattHours>,
    /// RAM energy, when known.
    pub ram_energy: Option<KilowattHours>,
    /// Country name, as written.
    pub country_name: String,
    /// ISO 3166-1 alpha-3 code, upper case.
    pub country_iso_code: String,
    /// Region, lower case.
    pub region: String,
    /// Cloud provider, lower case.
    pub cloud_provider: String,
    /// Cloud region, as written.
    pub cloud_region: String,
    /// Whether the run was on a cloud (`on_cloud` is `Y`, or a provider and region are set).
    pub on_cloud: bool,
}

/// The name the board shows for rows without a project.
pub const NO_PROJECT: &str = "(no project)";

/// What was read from one file: its rows, and the explanation of everything left out.
#[derive(Debug, Clone, Default)]
pub struct FileRead {
    /// The path as given, for messages.
    pub name: String,
    /// The rows that could be read, in file order.
    pub rows: Vec<Row>,
    /// Rows that could not be read (each has a [`Problem`] with its line).
    pub skipped: usize,
    /// File-level notes (missing or unknown columns, empty file) and one per skipped row.
    pub problems: Vec<Problem>,
}

/// The largest file read: about two million rows. A larger one is an error that says so,
/// rather than all of the memory.
pub const MAX_FILE_BYTES: u64 = 1 << 30;

/// Reads `path`; only a file that cannot be opened or read is an error, and anything but a
/// regular file (a FIFO, `/dev/zero`) or one over [`MAX_FILE_BYTES`] is refused without
/// waiting.
pub fn read_path(path: &Path, index: usize) -> Result<FileRead, BoardError> {
    let bytes = read_regular(path, MAX_FILE_BYTES)?;
    Ok(read_bytes(&path.display().to_string(), &bytes, index))
}

/// Reads the CSV text `bytes` of the file called `name` (the `index`-th file read).
pub fn read_bytes(name: &str, bytes: &[u8], index: usize) -> FileRead {
    let mut out = FileRead {
        name: name.to_string(),
        ..FileRead::default()
    };
    let bytes = bytes.strip_prefix(b"\xef\xbb\xbf").unwrap_or(bytes);
    if bytes.iter().all(u8::is_ascii_whitespace) {
        out.problems.push(Problem::file(
            name,
            "the file is empty: no header and no rows (was the run stopped before it wrote?)",
        ));
        return out;
    }
    let mut reader = csv::ReaderBuilder::new()
        .flexible(true)
        .has_headers(true)
        .from_reader(bytes);
    let header = match reader.byte_headers() {
        Ok(h) => h.clone(),
        Err(e) => {
            out.problems.push(Problem::file(
                name,
                format!("the header cannot be read: {e}"),
            ));
            return out;
        }
    };
    let columns = Columns::new(&header);
    out.problems.extend(columns.notes(name));
    if !columns.usable() {
        return out;
    }
    let mut tally = NumberTally::default();
    let mut record = csv::ByteRecord::new();
    loop {
        let line = reader.position().line() + 1;
        match reader.read_byte_record(&mut record) {
            Ok(false) => break,
            Ok(true) => {
                let line = record.position().map_or(line, csv::Position::line);
                match columns.row(&record, index, line, &mut tally) {
                    Ok(row) => out.rows.push(row),
                    Err(message) => {
                        out.skipped += 1;
                        out.problems.push(Problem::line(name, line, message));
                    }
                }
            }
            Err(e) => {
                // csv's own errors are about the bytes (an unterminated quote, I/O): the rest
                // of the file cannot be split into rows reliably.
                out.problems.push(Problem::line(
                    name,
                    line,
                    format!("reading stopped here: {e}"),
                ));
                break;
            }
        }
    }
    out.problems.extend(tally.notes(name));
    if out.rows.is_empty() && out.skipped == 0 {
        out.problems
            .push(Problem::file(name, "the file has a header but no rows"));
    }
    out
}

/// Fills the fields of a row that come from text columns.
pub(crate) fn text_fields(row: &mut Row, columns: &Columns, record: &csv::ByteRecord) {
    let text = |column: Column| -> String {
        columns
            .of(column)
            .and_then(|i| record.get(i))
            .map(|b| String::from_utf8_lossy(b).trim().to_string())
            .unwrap_or_default()
    };
    row.timestamp = text(Column::Timestamp);
    row.time_ms = parse_timestamp(&row.timestamp);
    let project = text(Column::ProjectName);
    row.project = if project.is_empty() {
        NO_PROJECT.to_string()
    } else {
        project
    };
    row.run_id = text(Column::RunId);
    row.country_name = text(Column::CountryName);
    row.country_iso_code = text(Column::CountryIsoCode).to_ascii_uppercase();
    row.region = text(Column::Region).to_lowercase();
    row.cloud_provider = text(Column::CloudProvider).to_lowercase();
    row.cloud_region = text(Column::CloudRegion);
    let on_cloud = text(Column::OnCloud);
    row.on_cloud = Column::OnCloud.kind().parse(&on_cloud) == Ok(Cell::Flag(true))
        || (columns.of(Column::OnCloud).is_none()
            && !row.cloud_provider.is_empty()
            && !row.cloud_region.is_empty());
}

#[cfg(test)]
mod tests;
