//! Lenient reading of emissions CSV files: by column name, row by row, every problem kept.
//!
//! CodeCarbon's column set grew over its versions (an old file lacks `water_consumed`, `pue`,
//! `cpu_utilization_percent`, ...), and people edit these files by hand. So a column is found by
//! its name, a missing one is unknown rather than an error, and a row that cannot be read is
//! skipped with a [`Problem`] naming its file and line. Reading never fails for the content of a
//! file: only for a file that cannot be opened.

use crate::columns::{Columns, NumberTally};
use crate::error::BoardError;
use crate::model::MAX_PROBLEMS;
use crate::problem::Problem;
use crate::time::parse_timestamp;
use codecarbon_core::output::{open_regular, OutputError};
use codecarbon_core::{Cell, Column, KgCo2eq, KilowattHours};
use std::io::{self, BufRead, BufReader, Read};
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

/// What was read from one file: how many rows, and the explanation of everything left out.
/// The rows themselves go to the caller as they are read, so that no table of them is kept.
#[derive(Debug, Clone, Default)]
pub struct FileRead {
    /// The path as given, for messages.
    pub name: String,
    /// The rows that could be read.
    pub rows: usize,
    /// Rows that could not be read (the first [`MAX_PROBLEMS`] have a [`Problem`] with their
    /// line).
    pub skipped: usize,
    /// File-level notes (missing or unknown columns, empty file) and one per skipped row, up
    /// to [`MAX_PROBLEMS`] of those.
    pub problems: Vec<Problem>,
}

/// The largest file read: about two million rows. A larger one is an error that says so, rather
/// than minutes of reading. (Memory does not grow with the file: rows are aggregated as they
/// are read.)
pub const MAX_FILE_BYTES: u64 = 1 << 30;

/// Reads `path`, handing each row to `on_row` in file order; only a file that cannot be opened
/// or read is an error, and anything but a regular file (a FIFO, `/dev/zero`) or one over
/// [`MAX_FILE_BYTES`] is refused without waiting.
pub fn read_path(
    path: &Path,
    index: usize,
    on_row: &mut dyn FnMut(Row),
) -> Result<FileRead, BoardError> {
    let file = open_regular(path, MAX_FILE_BYTES)?;
    let reader = BufReader::with_capacity(1 << 16, file.take(MAX_FILE_BYTES));
    read_from(&path.display().to_string(), reader, index, on_row)
        .map_err(|e| OutputError::read(path)(e).into())
}

/// Reads the CSV text `bytes` of the file called `name` (the `index`-th file read), handing each
/// row to `on_row`.
pub fn read_bytes(name: &str, bytes: &[u8], index: usize, on_row: &mut dyn FnMut(Row)) -> FileRead {
    // Reading a slice cannot fail.
    read_from(name, bytes, index, on_row).unwrap_or_else(|_| FileRead {
        name: name.to_string(),
        ..FileRead::default()
    })
}

/// Reads CSV text from `input`; an error only when `input` cannot be read.
fn read_from(
    name: &str,
    mut input: impl BufRead,
    index: usize,
    on_row: &mut dyn FnMut(Row),
) -> io::Result<FileRead> {
    let mut out = FileRead {
        name: name.to_string(),
        ..FileRead::default()
    };
    skip_bom(&mut input)?;
    let mut reader = csv::ReaderBuilder::new()
        .flexible(true)
        .has_headers(true)
        .from_reader(input);
    let header = match reader.byte_headers() {
        Ok(h) => h.clone(),
        Err(e) if e.is_io_error() => return Err(io_error(e)),
        Err(e) => {
            out.problems.push(Problem::file(
                name,
                format!("the header cannot be read: {e}"),
            ));
            return Ok(out);
        }
    };
    let mut record = csv::ByteRecord::new();
    if header.iter().all(|field| field.trim_ascii().is_empty()) {
        // Nothing but white space so far: an empty file, unless rows follow a blank header.
        match reader.read_byte_record(&mut record) {
            Ok(true) => {}
            Err(e) if e.is_io_error() => return Err(io_error(e)),
            Ok(false) | Err(_) => {
                out.problems.push(Problem::file(
                    name,
                    "the file is empty: no header and no rows (was the run stopped before it \
                     wrote?)",
                ));
                return Ok(out);
            }
        }
    }
    let columns = Columns::new(&header);
    out.problems.extend(columns.notes(name));
    if !columns.usable() {
        return Ok(out);
    }
    let mut tally = NumberTally::default();
    loop {
        let line = reader.position().line() + 1;
        match reader.read_byte_record(&mut record) {
            Ok(false) => break,
            Ok(true) => {
                let line = record.position().map_or(line, csv::Position::line);
                match columns.row(&record, index, line, &mut tally) {
                    Ok(row) => {
                        out.rows += 1;
                        on_row(row);
                    }
                    Err(message) => {
                        out.skipped += 1;
                        if out.skipped <= MAX_PROBLEMS {
                            out.problems.push(Problem::line(name, line, message));
                        }
                    }
                }
            }
            Err(e) if e.is_io_error() => return Err(io_error(e)),
            Err(e) => {
                // csv's own errors are about the bytes (an unterminated quote): the rest of
                // the file cannot be split into rows reliably.
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
    if out.rows == 0 && out.skipped == 0 {
        out.problems
            .push(Problem::file(name, "the file has a header but no rows"));
    }
    Ok(out)
}

/// The I/O error inside a csv error that [`csv::Error::is_io_error`].
fn io_error(e: csv::Error) -> io::Error {
    match e.into_kind() {
        csv::ErrorKind::Io(e) => e,
        other => io::Error::other(format!("{other:?}")),
    }
}

/// Steps over a UTF-8 byte-order mark at the start, as spreadsheets write one.
fn skip_bom(input: &mut impl BufRead) -> io::Result<()> {
    if input.fill_buf()?.starts_with(b"\xef\xbb\xbf") {
        input.consume(3);
    }
    Ok(())
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
