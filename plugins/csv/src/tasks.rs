//! CodeCarbon's task file: `emissions_<experiment_name>_<run_id>.csv` beside the run's CSV, one
//! row per finished task, with the columns of its `TaskEmissionsData`.
//!
//! CodeCarbon rewrites the file with every task at stop; a row appended at each `stop_task`
//! keeps the finished tasks of a killed run. Its header is always the full one (CodeCarbon drops
//! columns that are empty in every row, so its header changes from run to run). Rows are
//! appended by core's rule: never through a link or into a FIFO, wholly or not at all; a torn
//! last row left by something else is cut off into `{file}.torn`, as for the CSV, so that the
//! next row is not merged into it.

use crate::error::CsvSinkError;
use crate::paths::OutputPaths;
use crate::row::encode;
use crate::table::{warn_torn, MAX_CSV_BYTES};
use codecarbon_core::output::{
    append_whole, cut_torn_tail, open_append, read_output, run_key, unterminated_tail, OutputError,
    Tail,
};
use codecarbon_core::{TaskReport, TASK_CSV_COLUMNS};
use std::fs::File;
use std::path::{Path, PathBuf};

/// The task file of a run; names are reduced to letters, digits, `-` and `_`.
pub(crate) fn task_file(paths: &OutputPaths, experiment_name: &str, run_id: &str) -> PathBuf {
    paths.dir().join(format!(
        "emissions_{}_{}.csv",
        run_key(experiment_name),
        run_key(run_id)
    ))
}

/// Appends `task`'s row, with the header first in a new file, under the run CSV's lock.
pub(crate) fn append(
    paths: &OutputPaths,
    experiment_name: &str,
    task: &TaskReport,
) -> Result<PathBuf, CsvSinkError> {
    let path = task_file(paths, experiment_name, &task.data.run_id);
    let _lock = paths.acquire_lock()?;
    let mut file = open_append(&path)?;
    let mut text = Vec::new();
    let fresh = match end_of(&path, &mut file)? {
        End::Whole { empty } => empty,
        End::MissingLineBreak => {
            text.push(b'\n');
            false
        }
        End::Torn(tail) => {
            let kept = cut_torn_tail(&path, &tail)?;
            warn_torn(&path, &kept);
            tail.offset == 0
        }
    };
    let row = task.data.task_csv_fields(&task.task_name);
    let records = if fresh {
        encode([TASK_CSV_COLUMNS.map(String::from), row])
    } else {
        encode([row])
    };
    text.extend(records.map_err(CsvSinkError::encode(&path))?);
    append_whole(&path, &mut file, &text)?;
    Ok(path)
}

/// How the task file ends.
#[derive(Debug, PartialEq, Eq)]
enum End {
    /// With a line break (`empty`: nothing at all, so the header goes first).
    Whole { empty: bool },
    /// With a whole record (the header or a row) that lacks only its line break.
    MissingLineBreak,
    /// With a record cut short, to cut off.
    Torn(Tail),
}

/// How the task file `path` (opened as `file`) ends. Only a file whose last line lacks its
/// line break is read whole, as CSV, to find where its last record starts (a quoted task
/// name may hold a line break) and whether it has every field.
fn end_of(path: &Path, file: &mut File) -> Result<End, CsvSinkError> {
    if unterminated_tail(path, file)?.is_none() {
        let empty = file.metadata().map_err(OutputError::read(path))?;
        return Ok(End::Whole {
            empty: empty.len() == 0,
        });
    }
    let bytes = read_output(path, MAX_CSV_BYTES)?;
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .from_reader(bytes.as_slice());
    let mut fields = None;
    let mut last = None;
    for record in reader.byte_records().flatten() {
        fields.get_or_insert(record.len());
        last = Some(record);
    }
    let (Some(fields), Some(last)) = (fields, last) else {
        return Ok(End::Whole { empty: true });
    };
    let offset = last.position().map_or(0, csv::Position::byte);
    let whole = if offset == 0 {
        last.iter()
            .eq(TASK_CSV_COLUMNS.iter().map(|c| c.as_bytes()))
    } else {
        last.len() == fields
    };
    if whole {
        return Ok(End::MissingLineBreak);
    }
    Ok(End::Torn(Tail::within(path, &bytes, offset)?))
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::panic)]
    use super::*;
    use codecarbon_core::{EmissionsData, Provenance};
    use std::fs;

    fn task(name: &str) -> TaskReport {
        TaskReport::new(
            name,
            {
                let mut data = EmissionsData::default();
                data.run_id = "run-1".into();
                data
            },
            Provenance::default(),
        )
    }

    /// The task file after `names`' rows, its path and its directory.
    fn written(names: &[&str]) -> (tempfile::TempDir, OutputPaths, PathBuf) {
        let dir = tempfile::tempdir().unwrap();
        let paths = OutputPaths::new(dir.path(), "emissions.csv").unwrap();
        let mut path = PathBuf::new();
        for name in names {
            path = append(&paths, "base", &task(name)).unwrap();
        }
        (dir, paths, path)
    }

    /// The records of a task file; each must have every column.
    fn records(path: &Path) -> Vec<Vec<String>> {
        let mut reader = csv::ReaderBuilder::new()
            .has_headers(false)
            .from_path(path)
            .unwrap();
        reader
            .records()
            .map(|r| r.unwrap().iter().map(String::from).collect())
            .collect()
    }

    #[test]
    fn a_torn_last_row_is_cut_off_and_never_merged_with_the_next() {
        // A quoted name holding a line break: the torn row starts before the last one.
        let (dir, paths, path) = written(&["first", "two\nlines"]);
        let whole = fs::read(&path).unwrap();
        let second = whole.windows(4).position(|w| w == b"\"two").unwrap();
        for cut in [second + 2, second + 7, whole.len() - 5] {
            fs::write(&path, &whole[..cut]).unwrap();
            let _ = fs::remove_file(dir.path().join(format!("{}.torn", path.display())));
            append(&paths, "base", &task("next")).unwrap();
            let rows = records(&path);
            let names: Vec<&str> = rows.iter().map(|r| r[0].as_str()).collect();
            assert_eq!(names, ["task_name", "first", "next"], "cut at {cut}");
            let torn = fs::read(format!("{}.torn", path.display())).unwrap();
            assert_eq!(torn, [&whole[second..cut], b"\n"].concat(), "cut at {cut}");
        }
    }

    #[test]
    fn a_whole_row_or_header_lacking_only_its_line_break_gets_one() {
        let (_d, paths, path) = written(&["first"]);
        let whole = fs::read(&path).unwrap();
        fs::write(&path, &whole[..whole.len() - 1]).unwrap();
        append(&paths, "base", &task("next")).unwrap();
        assert_eq!(records(&path).len(), 3);
        let header = encode([TASK_CSV_COLUMNS]).unwrap();
        fs::write(&path, &header[..header.len() - 1]).unwrap();
        append(&paths, "base", &task("only")).unwrap();
        let rows = records(&path);
        assert_eq!(rows.len(), 2, "{rows:?}");
        assert_eq!(rows[1][0], "only");
    }

    #[test]
    fn a_torn_header_is_cut_off_and_written_whole() {
        let (_d, paths, _) = written(&[]);
        let header = encode([TASK_CSV_COLUMNS]).unwrap();
        let path = task_file(&paths, "base", "run-1");
        fs::write(&path, &header[..20]).unwrap();
        append(&paths, "base", &task("t")).unwrap();
        let rows = records(&path);
        assert_eq!(rows.len(), 2);
        assert_eq!(rows[0][0], "task_name");
    }

    #[test]
    fn a_last_row_of_a_megabyte_of_zeros_is_refused_and_left_as_it_was() {
        let (_d, paths, path) = written(&["first"]);
        let mut broken = fs::read(&path).unwrap();
        let good = broken.len();
        broken.resize(good + (2 << 20), 0);
        fs::write(&path, &broken).unwrap();
        let err = append(&paths, "base", &task("next"))
            .unwrap_err()
            .to_string();
        assert!(err.contains(&format!("truncate -s {good} ")), "{err}");
        assert_eq!(fs::read(&path).unwrap(), broken);
    }
}
