//! The sink: a checkpoint every interval, a row at each flush and at stop.

use crate::checkpoint;
use crate::error::CsvSinkError;
use crate::paths::OutputPaths;
use crate::row::Row;
use crate::table;
use codecarbon_core::output::Checkpoint;
use codecarbon_core::{async_trait, Config, CsvWriteMode, Report, Sink, SinkError, TaskReport};
use std::path::Path;

/// Writes CodeCarbon's `emissions.csv`: one row per flush and one at stop.
///
/// - `append` mode adds a row; `update` mode replaces the row of this run (by `run_id`).
/// - An existing file with other columns, or one that is not CSV, is kept under CodeCarbon's
///   backup names (`emissions.csv.bak`, `emissions.csv_0.bak`, ...) and a new file started.
/// - Writers of one file, in threads or processes, take the advisory lock
///   `.{output_file}.lock`, so rows are never torn, interleaved or lost.
/// - Every finished task adds a row to `emissions_<experiment_name>_<run_id>.csv`.
/// - Every `record` saves the totals to `.{output_file}.{run_id}.checkpoint`; if the process is
///   killed, the next sink built for the same file writes that run's row.
/// - Files are written by core's rule ([`codecarbon_core::output`]): never through a link or
///   into a FIFO; a row wholly or not at all, so a full disk never leaves a torn one; a torn
///   last row left by something else is moved to `{output_file}.torn`.
///
/// ```no_run
/// use codecarbon_core::Config;
/// use codecarbon_csv::CsvSink;
///
/// let config = Config { output_dir: "out".into(), ..Config::default() };
/// let sink = CsvSink::new(&config)?;
/// assert!(sink.path().ends_with("emissions.csv"));
/// # Ok::<(), codecarbon_csv::CsvSinkError>(())
/// ```
#[derive(Debug)]
pub struct CsvSink {
    paths: OutputPaths,
    mode: CsvWriteMode,
    experiment_name: String,
    checkpoint: Checkpoint,
}

impl CsvSink {
    /// Prepares `output_dir`/`output_file`: creates the directory if missing, checks that it can
    /// be written, and writes the rows of runs that were killed before writing theirs.
    pub fn new(config: &Config) -> Result<Self, CsvSinkError> {
        let paths = OutputPaths::new(&config.output_dir, &config.output_file)?;
        paths.prepare()?;
        let done = checkpoint::recover_all(&paths, config.on_csv_write);
        for message in done.messages("row", paths.file()) {
            crate::warn(&message);
        }
        for problem in &done.problems {
            crate::warn(&format!("cannot recover an earlier run: {problem}"));
        }
        Ok(Self {
            checkpoint: Checkpoint::new(paths.clone()),
            paths,
            mode: config.on_csv_write,
            experiment_name: config.experiment_name.clone(),
        })
    }

    /// The CSV file this sink writes.
    pub fn path(&self) -> &Path {
        self.paths.file()
    }

    /// Saves the totals in this run's checkpoint, claiming it on first use.
    fn save_checkpoint(&mut self, report: &Report) -> Result<(), CsvSinkError> {
        let row = Row::from_data(&report.data);
        let bytes = checkpoint::encode(&row).map_err(CsvSinkError::encode(self.path()))?;
        self.checkpoint.save(&report.data.run_id, &bytes)?;
        Ok(())
    }

    /// Writes the row under the file's lock.
    fn write_row(&self, report: &Report) -> Result<(), CsvSinkError> {
        let _lock = self.paths.acquire_lock()?;
        table::write_row(&self.paths, &Row::from_data(&report.data), self.mode)?;
        Ok(())
    }

    /// The row error, noting where the totals wait if a checkpoint holds them.
    fn kept(&self, row_error: CsvSinkError) -> CsvSinkError {
        match self.checkpoint.kept() {
            Some(kept) => CsvSinkError::RowKept {
                source: Box::new(row_error),
                checkpoint: kept.path,
                latest: kept.latest,
                csv: self.paths.file().to_path_buf(),
            },
            None => row_error,
        }
    }
}

#[async_trait]
impl Sink for CsvSink {
    async fn record(&mut self, report: &Report) -> Result<(), SinkError> {
        Ok(self.save_checkpoint(report)?)
    }

    fn checkpoints(&self) -> bool {
        true
    }

    async fn flush(&mut self, report: &Report) -> Result<(), SinkError> {
        let saved = self.save_checkpoint(report);
        self.write_row(report).map_err(|e| self.kept(e))?;
        if let Err(e) = saved {
            // The row is written: not lost, so not an error (see `finish`).
            crate::warn(&format!(
                "{e}; the row was written to {} all the same",
                self.path().display()
            ));
        }
        Ok(())
    }

    /// Appends the task's row to `emissions_<experiment_name>_<run_id>.csv`.
    async fn task(&mut self, task: &TaskReport) -> Result<(), SinkError> {
        crate::tasks::append(&self.paths, &self.experiment_name, task)?;
        Ok(())
    }

    /// Once the row is written, a checkpoint that could not be saved is not an error: the row
    /// is not lost, and calling it so would leave the checkpoint for the next run, which would
    /// add the row a second time.
    async fn finish(&mut self, report: &Report) -> Result<(), SinkError> {
        // A failed save leaves the previous checkpoint, which `kept` then names.
        let _ = self.save_checkpoint(report);
        match self.write_row(report) {
            Ok(()) => {
                if let Err(e) = self.checkpoint.done() {
                    crate::warn(&format!(
                        "{e}; the next tracker writing {} will add this run's row again",
                        self.paths.file().display()
                    ));
                }
                Ok(())
            }
            Err(e) => Err(self.kept(e).into()),
        }
    }
}
