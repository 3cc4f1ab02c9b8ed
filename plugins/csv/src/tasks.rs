//! CodeCarbon's task file: `emissions_<experiment_name>_<run_id>.csv` beside the run's CSV, one
//! row per finished task, with the columns of its `TaskEmissionsData`.
//!
//! CodeCarbon rewrites the file with every task at stop; a row appended at each `stop_task`
//! keeps the finished tasks of a killed run. Its header is always the full one (CodeCarbon drops
//! columns that are empty in every row, so its header changes from run to run). Rows are
//! appended by core's rule: never through a link or into a FIFO, wholly or not at all.

use crate::error::CsvSinkError;
use crate::paths::OutputPaths;
use crate::row::encode;
use codecarbon_core::output::{append_to, check_output, run_key};
use codecarbon_core::{TaskReport, TASK_CSV_COLUMNS};
use std::path::PathBuf;

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
    let fresh = check_output(&path)?.is_none_or(|m| m.len() == 0);
    let row = task.data.task_csv_fields(&task.task_name);
    let text = if fresh {
        encode([TASK_CSV_COLUMNS.map(String::from), row])
    } else {
        encode([row])
    }
    .map_err(CsvSinkError::encode(&path))?;
    append_to(&path, &text)?;
    Ok(path)
}
