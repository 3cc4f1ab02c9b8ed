//! The CSV file on disk: what is already there, setting an incompatible file aside under
//! CodeCarbon's backup names, and adding or replacing one row.
//!
//! Every function here expects the caller to hold the CSV's lock
//! ([`codecarbon_core::output::LockFile`] on [`OutputPaths::lock`]).

use crate::atomic::{self, Durability};
use crate::error::CsvSinkError;
use crate::paths::{backup_candidates, OutputPaths};
use crate::row::{encode, Row, RUN_ID};
use codecarbon_core::{CsvWriteMode, CSV_COLUMNS};
use std::fs::{self, OpenOptions, Permissions};
use std::io::{self, Write};
use std::path::{Path, PathBuf};

/// What the output file holds before we write.
#[derive(Debug)]
enum Existing {
    /// No file, or an empty one: it gets our header.
    New,
    /// A CSV with our columns, perhaps in another order.
    Compatible(Table),
    /// Something we must not write into; the reason, for the warning.
    Incompatible(String),
}

/// A parsed CSV whose header has our columns.
#[derive(Debug)]
struct Table {
    /// The header as found.
    header: csv::ByteRecord,
    /// For each column of the file, its index in [`CSV_COLUMNS`].
    order: Vec<usize>,
    /// The data rows, verbatim.
    rows: Vec<csv::ByteRecord>,
    /// Whether the file ends with a line break (else an append must add one first).
    ends_with_newline: bool,
    /// The file's permissions, kept when it is rewritten.
    permissions: Permissions,
}

/// Writes `row` into the CSV as `mode` says, setting aside an incompatible file first.
///
/// Returns the backup's path when an existing file was set aside.
pub(crate) fn write_row(
    paths: &OutputPaths,
    row: &Row,
    mode: CsvWriteMode,
) -> Result<Option<PathBuf>, CsvSinkError> {
    let mut backup = None;
    let table = match inspect(paths.file())? {
        Existing::New => None,
        Existing::Compatible(table) => Some(table),
        Existing::Incompatible(reason) => {
            let kept = set_aside(paths.file())?;
            crate::warn(&format!(
                "{} {reason}; it is kept as {} and a new file is started",
                paths.file().display(),
                kept.display()
            ));
            backup = Some(kept);
            None
        }
    };
    match (table, mode) {
        (None, _) => {
            let header = encode([CSV_COLUMNS]).map_err(CsvSinkError::write(paths.file()))?;
            append(paths.file(), header, row, &identity(), true)?
        }
        (Some(t), CsvWriteMode::Append) => {
            append(paths.file(), Vec::new(), row, &t.order, t.ends_with_newline)?
        }
        (Some(t), CsvWriteMode::Update) => update(paths, t, row)?,
    }
    Ok(backup)
}

fn identity() -> Vec<usize> {
    (0..CSV_COLUMNS.len()).collect()
}

/// Appends `prefix` then the row in one `write_all`, and syncs it.
fn append(
    path: &Path,
    mut bytes: Vec<u8>,
    row: &Row,
    order: &[usize],
    ends_with_newline: bool,
) -> Result<(), CsvSinkError> {
    let fail = CsvSinkError::write(path);
    if !ends_with_newline {
        bytes.insert(0, b'\n');
    }
    let line = encode([row.reordered(order)]).map_err(CsvSinkError::write(path))?;
    bytes.extend(line);
    let mut file = OpenOptions::new()
        .append(true)
        .create(true)
        .open(path)
        .map_err(CsvSinkError::write(path))?;
    file.write_all(&bytes)
        .and_then(|()| file.sync_data())
        .map_err(fail)
}

/// Replaces this run's row (or adds it), rewriting the file atomically.
fn update(paths: &OutputPaths, mut table: Table, row: &Row) -> Result<(), CsvSinkError> {
    let ours = csv::ByteRecord::from(row.reordered(&table.order));
    let run_column = table.header.iter().position(|c| c == RUN_ID.as_bytes());
    let matching: Vec<usize> = match run_column {
        Some(col) => (0..table.rows.len())
            .filter(|&i| table.rows[i].get(col) == Some(row.run_id().as_bytes()))
            .collect(),
        None => Vec::new(),
    };
    match matching.as_slice() {
        [only] => table.rows[*only] = ours,
        [] => table.rows.push(ours),
        _ => {
            // CodeCarbon's behaviour: it cannot tell which row to replace, so it adds one.
            crate::warn(&format!(
                "{} has {} rows for run {}; a new row is added instead of replacing one",
                paths.file().display(),
                matching.len(),
                row.run_id()
            ));
            table.rows.push(ours);
        }
    }
    let text = encode(std::iter::once(&table.header).chain(&table.rows))
        .map_err(CsvSinkError::write(paths.file()))?;
    atomic::replace(
        paths,
        paths.file(),
        &text,
        Some(table.permissions),
        Durability::PowerLoss,
    )
}

/// Reads and classifies the existing file.
fn inspect(path: &Path) -> Result<Existing, CsvSinkError> {
    let bytes = match fs::read(path) {
        Ok(bytes) => bytes,
        Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(Existing::New),
        Err(e) => return Err(CsvSinkError::read(path)(e)),
    };
    if bytes.is_empty() {
        return Ok(Existing::New);
    }
    let permissions = fs::metadata(path)
        .map_err(CsvSinkError::read(path))?
        .permissions();
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .from_reader(bytes.as_slice());
    let mut records = Vec::new();
    for record in reader.byte_records() {
        match record {
            Ok(r) => records.push(r),
            Err(e) => {
                return Ok(Existing::Incompatible(format!(
                    "cannot be parsed as CSV ({e})"
                )))
            }
        }
    }
    let mut records = records.into_iter();
    let Some(header) = records.next() else {
        return Ok(Existing::Incompatible("has no header line".into()));
    };
    let Some(order) = column_order(&header) else {
        return Ok(Existing::Incompatible(
            "has other columns than CodeCarbon's 38".into(),
        ));
    };
    Ok(Existing::Compatible(Table {
        header,
        order,
        rows: records.collect(),
        ends_with_newline: bytes.ends_with(b"\n") || bytes.ends_with(b"\r"),
        permissions,
    }))
}

/// Where each of the header's columns is in [`CSV_COLUMNS`], if the header is the same set.
fn column_order(header: &csv::ByteRecord) -> Option<Vec<usize>> {
    if header.len() != CSV_COLUMNS.len() {
        return None;
    }
    let mut order = Vec::with_capacity(header.len());
    for name in header {
        let i = CSV_COLUMNS.iter().position(|c| c.as_bytes() == name)?;
        if order.contains(&i) {
            return None;
        }
        order.push(i);
    }
    Some(order)
}

/// Moves `path` to the first free backup name, never overwriting a file.
fn set_aside(path: &Path) -> Result<PathBuf, CsvSinkError> {
    let fail = |source| CsvSinkError::Backup {
        path: path.to_path_buf(),
        source,
    };
    for candidate in backup_candidates(path) {
        if fs::symlink_metadata(&candidate).is_ok() {
            continue;
        }
        // A hard link cannot overwrite: if another process took the name meanwhile, go on.
        match fs::hard_link(path, &candidate) {
            Ok(()) => {
                fs::remove_file(path).map_err(fail)?;
                return Ok(candidate);
            }
            Err(e) if e.kind() == io::ErrorKind::AlreadyExists => continue,
            // No hard links on this file system: a rename to the name just seen free.
            Err(_) => {
                fs::rename(path, &candidate).map_err(fail)?;
                return Ok(candidate);
            }
        }
    }
    Err(fail(io::Error::other("no free backup name")))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn paths() -> (tempfile::TempDir, OutputPaths) {
        let dir = tempfile::tempdir().unwrap();
        let paths = OutputPaths::new(dir.path(), "emissions.csv").unwrap();
        (dir, paths)
    }

    fn row(run: &str) -> Row {
        let header: Vec<String> = CSV_COLUMNS.iter().map(|c| c.to_string()).collect();
        let values: Vec<String> = CSV_COLUMNS
            .iter()
            .map(|c| {
                if *c == "run_id" {
                    run.into()
                } else {
                    "1".into()
                }
            })
            .collect();
        Row::from_named(&header, &values)
    }

    #[test]
    fn empty_file_gets_the_header() {
        let (_d, p) = paths();
        fs::write(p.file(), "").unwrap();
        assert_eq!(
            write_row(&p, &row("a"), CsvWriteMode::Append).unwrap(),
            None
        );
        let text = fs::read_to_string(p.file()).unwrap();
        assert!(text.starts_with("timestamp,project_name,run_id,"));
        assert_eq!(text.lines().count(), 2);
    }

    #[test]
    fn a_missing_final_newline_is_added_before_appending() {
        let (_d, p) = paths();
        write_row(&p, &row("a"), CsvWriteMode::Append).unwrap();
        let text = fs::read_to_string(p.file()).unwrap();
        fs::write(p.file(), text.trim_end()).unwrap();
        write_row(&p, &row("b"), CsvWriteMode::Append).unwrap();
        let text = fs::read_to_string(p.file()).unwrap();
        assert_eq!(text.lines().count(), 3);
        assert!(text.lines().all(|l| l.split(',').count() == 38));
    }

    #[test]
    fn update_with_duplicate_run_rows_adds_one_like_codecarbon() {
        let (_d, p) = paths();
        write_row(&p, &row("a"), CsvWriteMode::Append).unwrap();
        write_row(&p, &row("a"), CsvWriteMode::Append).unwrap();
        write_row(&p, &row("a"), CsvWriteMode::Update).unwrap();
        assert_eq!(fs::read_to_string(p.file()).unwrap().lines().count(), 4);
    }

    #[test]
    fn update_keeps_the_files_permissions() {
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let (_d, p) = paths();
            write_row(&p, &row("a"), CsvWriteMode::Append).unwrap();
            fs::set_permissions(p.file(), Permissions::from_mode(0o640)).unwrap();
            write_row(&p, &row("a"), CsvWriteMode::Update).unwrap();
            let mode = fs::metadata(p.file()).unwrap().permissions().mode();
            assert_eq!(mode & 0o777, 0o640);
        }
    }

    #[test]
    fn blank_only_file_is_set_aside() {
        let (_d, p) = paths();
        fs::write(p.file(), "\n\n").unwrap();
        let kept = write_row(&p, &row("a"), CsvWriteMode::Append).unwrap();
        assert_eq!(fs::read_to_string(kept.unwrap()).unwrap(), "\n\n");
    }
}
