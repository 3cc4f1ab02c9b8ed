//! The CSV file on disk: what is already there, repairing a torn last row, setting an
//! incompatible file aside under CodeCarbon's backup names, and adding or replacing one row.
//!
//! Every function here expects the caller to hold the CSV's lock
//! ([`OutputPaths::acquire_lock`]). Files are opened, appended and replaced by core's rule
//! ([`codecarbon_core::output`]): never through a link, never a FIFO, a row wholly or not at
//! all.

use crate::error::CsvSinkError;
use crate::paths::{backup_candidates, OutputPaths};
use crate::row::{encode, Row, RUN_ID};
use crate::scan;
use codecarbon_core::output::{
    append_whole, cut_torn_tail, move_aside, open_append, open_output_read, read_output,
    replace_with, Durability, OutputError, Tail, MAX_TAIL_BYTES,
};
use codecarbon_core::{CsvWriteMode, CSV_COLUMNS};
use std::io::{BufReader, Read, Seek, SeekFrom};
use std::path::{Path, PathBuf};

/// The largest CSV read: about two million rows. A larger file is an error that says to move
/// it away, rather than all of the memory.
pub(crate) const MAX_CSV_BYTES: u64 = 1 << 30;

/// How many backup names are tried (`emissions.csv.bak`, `emissions.csv_0.bak`, ...): with that
/// many old files kept, it is time someone looked at them, and the error says so.
const MAX_BACKUPS: usize = 1000;

/// What the output file holds before we write.
#[derive(Debug)]
pub(crate) enum Existing {
    /// No file, or an empty one: it gets our header.
    New,
    /// A CSV with our columns, perhaps in another order.
    Compatible(Table),
    /// Something we must not write into; the reason, for the warning.
    Incompatible(String),
}

/// A parsed CSV whose header has our columns.
#[derive(Debug)]
pub(crate) struct Table {
    /// The header as found.
    header: csv::ByteRecord,
    /// For each column of the file, its index in [`CSV_COLUMNS`].
    order: Vec<usize>,
    /// Whether the file ends with a line break (else an append must add one first).
    ends_with_newline: bool,
}

/// Writes `row` into the CSV as `mode` says: first cuts off a torn last row (kept in
/// `emissions.csv.torn`), or sets an incompatible file aside.
///
/// Returns the backup's path when an existing file was set aside.
pub(crate) fn write_row(
    paths: &OutputPaths,
    row: &Row,
    mode: CsvWriteMode,
) -> Result<Option<PathBuf>, CsvSinkError> {
    let mut backup = None;
    let (existing, torn) = inspect_ends(paths.file())?;
    if let Some(tail) = torn {
        let kept = cut_torn_tail(paths.file(), &tail)?;
        warn_torn(paths.file(), &kept);
    }
    // An update rewrites every row: each is checked first, as strictly as a file read whole.
    let (existing, matching) = match (existing, mode) {
        (Existing::Compatible(table), CsvWriteMode::Update) => {
            match rows_of_run(paths.file(), &table, row.run_id())? {
                Ok(matching) => (Existing::Compatible(table), matching),
                Err(reason) => (Existing::Incompatible(reason), 0),
            }
        }
        (existing, _) => (existing, 0),
    };
    let table = match existing {
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
            let header = encode([CSV_COLUMNS]).map_err(CsvSinkError::encode(paths.file()))?;
            append(paths.file(), header, row, &identity(), true)?
        }
        (Some(t), CsvWriteMode::Update) => update(paths, &t, row, matching)?,
        // `append`, CodeCarbon's default, and any mode a later core adds until this sink
        // learns it.
        (Some(t), _) => append(paths.file(), Vec::new(), row, &t.order, t.ends_with_newline)?,
    }
    Ok(backup)
}

/// Tells the user that a torn last row of `file` was moved to `kept`.
pub(crate) fn warn_torn(file: &Path, kept: &Path) {
    crate::warn(&format!(
        "{} ended with an incomplete row (a write cut short by a crash or a full disk, or another program's); it was moved to {} for you to look at, and the rows before it are kept",
        file.display(),
        kept.display()
    ));
}

fn identity() -> Vec<usize> {
    (0..CSV_COLUMNS.len()).collect()
}

/// Appends `prefix` then the row, wholly or not at all, and syncs it.
fn append(
    path: &Path,
    mut bytes: Vec<u8>,
    row: &Row,
    order: &[usize],
    ends_with_newline: bool,
) -> Result<(), CsvSinkError> {
    if !ends_with_newline {
        bytes.insert(0, b'\n');
    }
    let line = encode([row.reordered(order)]).map_err(CsvSinkError::encode(path))?;
    bytes.extend(line);
    let mut file = open_append(path)?;
    append_whole(path, &mut file, &bytes)?;
    Ok(())
}

/// Checks every row of the compatible file `path`, reading it as a stream: each has the
/// header's number of fields, as [`classify`] requires of a file read whole. Returns how many
/// rows are run `run_id`'s, or why the file cannot be rewritten.
fn rows_of_run(
    path: &Path,
    table: &Table,
    run_id: &str,
) -> Result<Result<usize, String>, CsvSinkError> {
    let file = open_output_read(path)?;
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .from_reader(BufReader::with_capacity(1 << 16, file));
    let run_column = table.header.iter().position(|c| c == RUN_ID.as_bytes());
    let mut record = csv::ByteRecord::new();
    let mut matching = 0;
    let mut header = true;
    loop {
        match reader.read_byte_record(&mut record) {
            Ok(false) => return Ok(Ok(matching)),
            Ok(true) if std::mem::take(&mut header) => {}
            Ok(true) if record.len() != table.header.len() => {
                let line = record.position().map_or(0, csv::Position::line);
                return Ok(Err(fields_differ(line, record.len(), table.header.len())));
            }
            Ok(true) => {
                if run_column.and_then(|c| record.get(c)) == Some(run_id.as_bytes()) {
                    matching += 1;
                }
            }
            Err(e) if e.is_io_error() => {
                return Err(OutputError::read(path)(std::io::Error::from(e)).into())
            }
            Err(e) => return Ok(Err(format!("cannot be parsed as CSV ({e})"))),
        }
    }
}

/// Why a row cannot be kept: its number of fields is not the header's.
fn fields_differ(line: u64, fields: usize, header: usize) -> String {
    format!("cannot be parsed as CSV (line {line} has {fields} fields, the header {header})")
}

/// Replaces this run's row, or adds it when the file has none or several (`matching`, from
/// [`rows_of_run`]), rewriting the file atomically (its mode kept) by streaming it through:
/// memory does not grow with the file.
fn update(
    paths: &OutputPaths,
    table: &Table,
    row: &Row,
    matching: usize,
) -> Result<(), CsvSinkError> {
    if matching > 1 {
        // CodeCarbon's behaviour: it cannot tell which row to replace, so it adds one.
        crate::warn(&format!(
            "{} has {matching} rows for run {}; a new row is added instead of replacing one",
            paths.file().display(),
            row.run_id()
        ));
    }
    let ours = row.reordered(&table.order);
    let run_column = table.header.iter().position(|c| c == RUN_ID.as_bytes());
    let source = open_output_read(paths.file())?;
    replace_with(paths.file(), Durability::PowerLoss, |out| {
        let mut reader = csv::ReaderBuilder::new()
            .has_headers(false)
            .flexible(true)
            .from_reader(BufReader::with_capacity(1 << 16, source));
        let mut writer = csv::Writer::from_writer(out);
        let mut record = csv::ByteRecord::new();
        let mut header = true;
        let mut replaced = false;
        while reader.read_byte_record(&mut record)? {
            let is_ours = !std::mem::take(&mut header)
                && run_column.and_then(|c| record.get(c)) == Some(row.run_id().as_bytes());
            if is_ours && matching == 1 {
                writer.write_record(&ours)?;
                replaced = true;
            } else {
                writer.write_byte_record(&record)?;
            }
        }
        if !replaced {
            writer.write_record(&ours)?;
        }
        writer.flush()
    })?;
    Ok(())
}

/// Reads and classifies the existing file (see [`classify`]); a link, FIFO or device there is
/// an error, never followed or waited on, and so is a torn last line too long to be a row cut
/// short (core's `MAX_TAIL_BYTES`: the zeros a crash can leave), which is never copied aside.
pub(crate) fn inspect(path: &Path) -> Result<(Existing, Option<Tail>), CsvSinkError> {
    let bytes = match read_output(path, MAX_CSV_BYTES) {
        Ok(bytes) => bytes,
        Err(e) if e.is_not_found() => return Ok((Existing::New, None)),
        Err(e) => return Err(e.into()),
    };
    let (existing, torn) = classify(&bytes);
    let tail = torn
        .map(|offset| Tail::within(path, &bytes, offset))
        .transpose()?;
    Ok((existing, tail))
}

/// Classifies the existing file as [`inspect`] does from its header line and its last line
/// only, found by [`scan::ends`] without parsing the rows between: appending to a long-lived
/// file costs a scan of it, not a table of it in memory. The rows between are not checked
/// (their field counts): an append does not touch them. A file the scan does not describe
/// plainly (no header line within [`scan::MAX_HEADER_BYTES`], a quote out of place or open at
/// its end, a last line longer than a torn row can be) is read whole as before.
pub(crate) fn inspect_ends(path: &Path) -> Result<(Existing, Option<Tail>), CsvSinkError> {
    let mut file = match open_output_read(path) {
        Ok(file) => file,
        Err(e) if e.is_not_found() => return Ok((Existing::New, None)),
        Err(e) => return Err(e.into()),
    };
    let ends = scan::ends(&mut file).map_err(OutputError::read(path))?;
    let header = match ends.header {
        Some(header) if ends.plain && ends.len - ends.last_line <= MAX_TAIL_BYTES => header,
        _ => return inspect(path),
    };
    let mut last = Vec::new();
    file.seek(SeekFrom::Start(ends.last_line))
        .and_then(|_| file.take(MAX_TAIL_BYTES).read_to_end(&mut last))
        .map_err(OutputError::read(path))?;
    // The header line then the last line, as if they were the whole file: the same verdict on
    // the header and on a torn end, with the torn line's offset moved back into the file.
    let outline = [header.as_slice(), &last].concat();
    let (existing, torn) = classify(&outline);
    let tail = match torn {
        Some(at) => {
            let at = usize::try_from(at)
                .unwrap_or(outline.len())
                .max(header.len());
            Some(Tail::at(
                path,
                ends.last_line + (at - header.len()) as u64,
                outline[at..].to_vec(),
            )?)
        }
        None => None,
    };
    Ok((existing, tail))
}

/// What `bytes`, the content of the CSV, are to us, and where the torn last line to cut off
/// first starts.
///
/// A last line without a line break whose row is not complete (too few or too many fields) is
/// a write cut short: the file is what comes before it, and the line is returned to be cut
/// off, rather than a reason to set the whole file aside. So is a file that holds only the
/// start of our header (a first write cut short).
pub(crate) fn classify(bytes: &[u8]) -> (Existing, Option<u64>) {
    if bytes.is_empty() {
        return (Existing::New, None);
    }
    let ends_with_newline = bytes.ends_with(b"\n") || bytes.ends_with(b"\r");
    if !ends_with_newline && is_start_of_our_header(bytes) {
        return (Existing::New, Some(0));
    }
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .from_reader(bytes);
    let mut records = Vec::new();
    for record in reader.byte_records() {
        match record {
            Ok(r) => records.push(r),
            Err(e) => return incompatible(format!("cannot be parsed as CSV ({e})")),
        }
    }
    let mut records = records.into_iter();
    let Some(header) = records.next() else {
        return incompatible("has no header line".into());
    };
    let Some(order) = column_order(&header) else {
        return incompatible("has other columns than CodeCarbon's 38".into());
    };
    // Every row is checked, then dropped: only an append's or an update's own pass keeps one.
    let mut rows: Vec<csv::ByteRecord> = records.collect();
    let torn = match rows.last() {
        Some(last) if !ends_with_newline && last.len() != header.len() => {
            let offset = last.position().map_or(0, csv::Position::byte);
            rows.pop();
            Some(offset)
        }
        _ => None,
    };
    if let Some(bad) = rows.iter().find(|r| r.len() != header.len()) {
        let line = bad.position().map_or(0, csv::Position::line);
        return incompatible(fields_differ(line, bad.len(), header.len()));
    }
    let table = Table {
        header,
        order,
        // Cut off, the torn line leaves the file ending at the line break before it.
        ends_with_newline: ends_with_newline || torn.is_some(),
    };
    (Existing::Compatible(table), torn)
}

fn incompatible(reason: String) -> (Existing, Option<u64>) {
    (Existing::Incompatible(reason), None)
}

/// Whether `bytes` are the start of our header line (all of it but its line break at most).
fn is_start_of_our_header(bytes: &[u8]) -> bool {
    encode([CSV_COLUMNS]).is_ok_and(|header| header.starts_with(bytes))
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
    move_aside(path, backup_candidates(path).take(MAX_BACKUPS)).map_err(|source| {
        CsvSinkError::Backup {
            path: path.to_path_buf(),
            source,
        }
    })
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::panic)]
    use super::*;
    use proptest::prelude::*;
    use std::fs;

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
            fs::set_permissions(p.file(), fs::Permissions::from_mode(0o640)).unwrap();
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

    /// The file after rows `a` and `b`, and the bytes of a third row `c`.
    fn two_rows_and_a_third() -> (tempfile::TempDir, OutputPaths, Vec<u8>, Vec<u8>) {
        let (d, p) = paths();
        write_row(&p, &row("a"), CsvWriteMode::Append).unwrap();
        write_row(&p, &row("b"), CsvWriteMode::Append).unwrap();
        let good = fs::read(p.file()).unwrap();
        let third = encode([row("c").reordered(&identity())]).unwrap();
        (d, p, good, third)
    }

    #[test]
    fn a_torn_last_row_is_cut_off_into_the_torn_file_and_every_row_before_it_kept() {
        for mode in [CsvWriteMode::Append, CsvWriteMode::Update] {
            let (d, p, good, third) = two_rows_and_a_third();
            let torn = &third[..third.len() / 2];
            fs::write(p.file(), [good.as_slice(), torn].concat()).unwrap();
            let backup = write_row(&p, &row("d"), mode).unwrap();
            assert_eq!(backup, None, "{mode:?}: no backup of good rows");
            let text = fs::read(p.file()).unwrap();
            assert!(text.starts_with(&good), "{mode:?}");
            let lines: Vec<_> = text
                .split(|&b| b == b'\n')
                .filter(|l| !l.is_empty())
                .collect();
            assert_eq!(lines.len(), 4, "{mode:?}: header, a, b, d");
            assert!(lines.iter().all(|l| l.split(|&b| b == b',').count() == 38));
            let kept = fs::read(d.path().join("emissions.csv.torn")).unwrap();
            assert_eq!(kept, [torn, b"\n"].concat(), "{mode:?}");
        }
    }

    #[test]
    fn a_last_row_of_a_megabyte_of_zeros_is_refused_and_the_file_left_as_it_was() {
        for mode in [CsvWriteMode::Append, CsvWriteMode::Update] {
            let (d, p, good, _) = two_rows_and_a_third();
            let zeros = vec![0u8; (2 << 20) + 1];
            let broken = [good.as_slice(), &zeros].concat();
            fs::write(p.file(), &broken).unwrap();
            let err = write_row(&p, &row("d"), mode).unwrap_err().to_string();
            assert!(
                err.contains(&format!("truncate -s {} ", good.len())),
                "{mode:?}: {err}"
            );
            assert_eq!(fs::read(p.file()).unwrap(), broken, "{mode:?}");
            assert!(!d.path().join("emissions.csv.torn").exists(), "{mode:?}");
            assert!(!d.path().join("emissions.csv.bak").exists(), "{mode:?}");
        }
    }

    #[test]
    fn backups_are_never_overwritten_and_their_number_is_bounded() {
        let (_d, p) = paths();
        let names: Vec<PathBuf> = backup_candidates(p.file()).take(MAX_BACKUPS).collect();
        for name in &names {
            fs::write(name, "kept").unwrap();
        }
        fs::write(p.file(), "name,age\n").unwrap();
        let err = write_row(&p, &row("a"), CsvWriteMode::Append)
            .unwrap_err()
            .to_string();
        assert!(err.contains("move it away by hand"), "{err}");
        assert!(names.iter().all(|n| fs::read(n).unwrap() == b"kept"));
        fs::remove_file(&names[500]).unwrap();
        let kept = write_row(&p, &row("a"), CsvWriteMode::Append).unwrap();
        assert_eq!(kept.as_ref(), Some(&names[500]));
    }

    #[test]
    fn a_torn_first_write_starts_a_new_file() {
        let (d, p) = paths();
        let header = encode([CSV_COLUMNS]).unwrap();
        fs::write(p.file(), &header[..40]).unwrap();
        assert_eq!(
            write_row(&p, &row("a"), CsvWriteMode::Append).unwrap(),
            None
        );
        let text = fs::read_to_string(p.file()).unwrap();
        assert_eq!(text.lines().count(), 2);
        assert!(text.starts_with("timestamp,project_name,run_id,"));
        assert!(d.path().join("emissions.csv.torn").exists());
    }

    #[test]
    fn a_short_row_in_the_middle_sets_the_file_aside_when_the_table_is_rewritten() {
        let (_d, p, good, _) = two_rows_and_a_third();
        let file = [good.as_slice(), b"x,y\n", &good[good.len() - 10..]].concat();
        fs::write(p.file(), &file).unwrap();
        let text = |e: (Existing, Option<Tail>)| match e {
            (Existing::Incompatible(reason), None) => reason,
            other => panic!("{other:?}"),
        };
        let reason = text(inspect(p.file()).unwrap());
        assert!(reason.contains("line 4 has 2 fields"), "{reason}");
        assert!(write_row(&p, &row("c"), CsvWriteMode::Update)
            .unwrap()
            .is_some());

        // An append reads the header and the last line only: the rows between stay as they
        // are, the new row goes after them.
        fs::write(p.file(), &file).unwrap();
        assert!(write_row(&p, &row("d"), CsvWriteMode::Append)
            .unwrap()
            .is_none());
        let now = fs::read(p.file()).unwrap();
        assert!(now.starts_with(&file), "the rows before are kept");
        assert!(String::from_utf8_lossy(&now[file.len()..]).contains(",d,"));
    }

    #[cfg(unix)]
    #[test]
    fn a_link_or_a_fifo_as_the_csv_is_refused_in_both_modes() {
        let (d, p) = paths();
        let passwd = d.path().join("passwd");
        fs::write(&passwd, "root:x:0:0:root:/root:/bin/sh\n").unwrap();
        std::os::unix::fs::symlink(&passwd, p.file()).unwrap();
        for mode in [CsvWriteMode::Append, CsvWriteMode::Update] {
            let err = write_row(&p, &row("a"), mode).unwrap_err();
            assert!(err.to_string().contains("symbolic link"), "{err}");
        }
        assert_eq!(
            fs::read_to_string(&passwd).unwrap(),
            "root:x:0:0:root:/root:/bin/sh\n"
        );
        assert!(fs::symlink_metadata(p.file())
            .unwrap()
            .file_type()
            .is_symlink());
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(64))]

        /// Any bytes: classified, never a panic; a torn line is always the file's end.
        #[test]
        fn any_bytes_are_classified(bytes in proptest::collection::vec(any::<u8>(), 0..3000)) {
            check_classified(&bytes)?;
        }

        /// Our header, then CSV-ish lines (quotes, commas, line breaks).
        #[test]
        fn csv_like_files_are_classified(body in "[a-z0-9,\"\r\n.]{0,600}") {
            let header = encode([CSV_COLUMNS]).unwrap();
            check_classified(&[header.as_slice(), body.as_bytes()].concat())?;
        }

        /// A file of whole rows cut anywhere in its last row: the rows before it are kept and
        /// the cut-off bytes are exactly the rest, or the row was whole but for its end.
        #[test]
        fn a_file_cut_anywhere_in_its_last_row_keeps_the_rows_before(
            fields in proptest::collection::vec("[a-z ,\"]{0,6}", CSV_COLUMNS.len()),
            cut in 0usize..1000,
        ) {
            let header = encode([CSV_COLUMNS]).unwrap();
            let earlier = encode([vec!["1"; CSV_COLUMNS.len()]]).unwrap();
            let last = encode([fields]).unwrap();
            let cut = cut % last.len(); // never the whole row with its line break
            let start = [header.as_slice(), &earlier].concat();
            let file = [start.as_slice(), &last[..cut]].concat();
            match classify(&file) {
                (Existing::Compatible(_), Some(offset)) => {
                    prop_assert_eq!(offset as usize, start.len());
                    prop_assert_eq!(&file[start.len()..], &last[..cut]);
                }
                (Existing::Compatible(table), None) => {
                    // Nothing cut, or cut inside the last field: a whole row lacking its end.
                    prop_assert_eq!(table.ends_with_newline, cut == 0);
                }
                other => prop_assert!(false, "{:?}", other),
            }
        }
    }

    /// What an append learns from a file, from its ends, against the whole-file parse: the same
    /// verdict on the header, the same torn end (offset and bytes), the same last line break,
    /// wherever the whole-file parse does not object to a row in the middle.
    fn check_ends_agree(bytes: &[u8]) -> Result<(), TestCaseError> {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("emissions.csv");
        fs::write(&path, bytes).unwrap();
        let (whole, whole_tail) = inspect(&path).unwrap();
        let (ends, ends_tail) = inspect_ends(&path).unwrap();
        match (whole, ends) {
            (Existing::New, Existing::New) => {}
            (Existing::Compatible(a), Existing::Compatible(b)) => {
                prop_assert_eq!(a.order, b.order);
                prop_assert_eq!(a.ends_with_newline, b.ends_with_newline);
            }
            // Set aside both ways; the line named may differ (the whole parse names the first
            // bad row, the ends the last).
            (Existing::Incompatible(_), Existing::Incompatible(_)) => {}
            (Existing::Incompatible(reason), _) if reason.contains(" fields, the header ") => {
                return Ok(());
            }
            (a, b) => prop_assert!(false, "whole: {:?}, ends: {:?}", a, b),
        }
        // The whole parse counts blank lines before a torn row into it (the CSV reader skips
        // them); the ends start at the row itself. Either cut keeps every row.
        let blank_lead = |t: Option<Tail>| {
            t.map(|t| {
                let lead = t
                    .bytes
                    .iter()
                    .take_while(|b| matches!(b, b'\r' | b'\n'))
                    .count();
                (t.offset + lead as u64, t.bytes[lead..].to_vec())
            })
        };
        prop_assert_eq!(blank_lead(whole_tail), blank_lead(ends_tail));
        Ok(())
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(128))]

        /// Our header, then CSV-ish lines: the ends tell an append what the whole file does.
        #[test]
        fn the_ends_of_a_file_tell_what_the_whole_does(body in "[a-z0-9,\"\r\n.]{0,600}") {
            let header = encode([CSV_COLUMNS]).unwrap();
            check_ends_agree(&[header.as_slice(), body.as_bytes()].concat())?;
        }

        /// Whole rows, the last cut anywhere.
        #[test]
        fn the_ends_of_a_file_cut_in_its_last_row_tell_the_same(
            fields in proptest::collection::vec("[a-z ,\"\n]{0,6}", CSV_COLUMNS.len()),
            cut in 0usize..1000,
        ) {
            let header = encode([CSV_COLUMNS]).unwrap();
            let earlier = encode([vec!["a\nb"; CSV_COLUMNS.len()]]).unwrap();
            let last = encode([fields]).unwrap();
            let cut = cut % (last.len() + 1);
            check_ends_agree(&[header.as_slice(), &earlier, &earlier, &last[..cut]].concat())?;
        }

        /// Any bytes at all.
        #[test]
        fn the_ends_of_any_bytes_tell_the_same(bytes in proptest::collection::vec(any::<u8>(), 0..2000)) {
            check_ends_agree(&bytes)?;
        }
    }

    fn check_classified(bytes: &[u8]) -> Result<(), TestCaseError> {
        match classify(bytes) {
            (Existing::Incompatible(reason), torn) => {
                prop_assert!(!reason.is_empty());
                prop_assert!(torn.is_none());
            }
            (_, Some(offset)) => {
                prop_assert!(!bytes.ends_with(b"\n") && !bytes.ends_with(b"\r"));
                prop_assert!(offset as usize <= bytes.len());
            }
            (_, None) => {}
        }
        Ok(())
    }
}
