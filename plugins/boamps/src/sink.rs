//! The sink: `boamps_report_<run_id>.json` at each flush and at stop, and a checkpoint every
//! interval.

use crate::context::Context;
use crate::error::BoampsError;
use crate::mapper;
use crate::settings::BoampsSettings;
use codecarbon_core::output::{recover_all, replace, run_key, Checkpoint, Durability, OutputPaths};
use codecarbon_core::{async_trait, Config, Report, Sink, SinkError};
use serde_json::Map;
use std::path::{Path, PathBuf};

/// The stem of the side files (`.boamps_report.lock`, `.boamps_report.<run>.checkpoint`).
const SIDE_FILE_STEM: &str = "boamps_report";

/// Writes the run's BoAmps report, `boamps_report_<run_id>.json` in `output_dir`, as
/// CodeCarbon's BoAmps output does: at each flush and at stop, each time the whole report of
/// the totals so far, replacing the last one.
///
/// - The report is the run's totals ([what it holds](crate#what-the-report-holds)) with the user's
///   context from `metadata` ([`BoampsSettings`]), which is read once, when the sink is built:
///   a file that cannot be read or is no BoAmps context stops the start.
/// - Files are written by core's rule ([`codecarbon_core::output`]): never through a link or
///   into a FIFO, and replaced whole, so a reader sees the old report or the new one.
/// - Every `record` saves the run's latest report to `.boamps_report.{run_id}.checkpoint`; if
///   the process is killed, the next sink built for the same `output_dir` writes it.
///
/// ```no_run
/// use codecarbon_boamps::{BoampsSettings, BoampsSink};
/// use codecarbon_core::settings::Settings;
/// use codecarbon_core::Config;
///
/// let config = Config { output_dir: "out".into(), ..Config::default() };
/// let sink = BoampsSink::new(&config, &BoampsSettings::from_config(&config)?)?;
/// assert!(sink.report_path("run-1").ends_with("out/boamps_report_run-1.json"));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug)]
pub struct BoampsSink {
    paths: OutputPaths,
    context: Context,
    checkpoint: Checkpoint,
}

impl BoampsSink {
    /// Reads `metadata`, creates `output_dir` if missing and checks that it can be written, and
    /// writes the reports of runs that were killed before writing theirs.
    pub fn new(config: &Config, settings: &BoampsSettings) -> Result<Self, BoampsError> {
        let context = Context::from_setting(settings.metadata.as_deref())?;
        for warning in context.warnings() {
            crate::warn(&warning);
        }
        let paths = OutputPaths::new(&config.output_dir, SIDE_FILE_STEM)?;
        paths.prepare()?;
        let done = recover_all(&paths, parse_checkpoint, |(run_id, report)| {
            write_report(&report_path(&paths, &run_id), &report)?;
            Ok::<_, BoampsError>(run_id)
        });
        for run in &done.recovered {
            crate::warn(&format!(
                "run {run} did not write its BoAmps report (it was killed, or its write failed); its last totals were written to {}",
                report_path(&paths, run).display()
            ));
        }
        for problem in &done.problems {
            crate::warn(&format!("cannot recover an earlier run: {problem}"));
        }
        Ok(Self {
            checkpoint: Checkpoint::new(paths.clone()),
            paths,
            context,
        })
    }

    /// The report of the run `run_id`: `boamps_report_<run_id>.json` in `output_dir` (a run id
    /// that is no file name has its other characters replaced by `_`).
    pub fn report_path(&self, run_id: &str) -> PathBuf {
        report_path(&self.paths, run_id)
    }

    /// The report of `report`, pretty-printed as CodeCarbon writes it (2 spaces), with a final
    /// line break.
    fn encode(&self, report: &Report) -> Result<Vec<u8>, BoampsError> {
        let mut bytes = serde_json::to_vec_pretty(&mapper::report(report, &self.context))?;
        bytes.push(b'\n');
        Ok(bytes)
    }

    /// Saves the run's report in its checkpoint.
    fn save_checkpoint(&mut self, report: &Report) -> Result<(), BoampsError> {
        let bytes = self.encode(report)?;
        self.checkpoint.save(
            &report.data.run_id,
            &checkpoint_bytes(&report.data.run_id, &bytes),
        )?;
        Ok(())
    }

    /// Saves the checkpoint, then replaces the report; on failure the report waits in the
    /// checkpoint. Once the report is written, a checkpoint that could not be saved is only a
    /// warning.
    fn write(&mut self, report: &Report) -> Result<(), BoampsError> {
        let run_id = &report.data.run_id;
        let bytes = self.encode(report)?;
        let saved = self
            .checkpoint
            .save(run_id, &checkpoint_bytes(run_id, &bytes));
        let path = self.report_path(run_id);
        let written = self
            .paths
            .acquire_lock()
            .map_err(BoampsError::from)
            .and_then(|_lock| write_report(&path, &bytes));
        if let Err(e) = written {
            return Err(match self.checkpoint.kept() {
                Some(kept) => BoampsError::ReportKept {
                    source: Box::new(e),
                    checkpoint: kept.path,
                    latest: kept.latest,
                    file: path,
                },
                None => e,
            });
        }
        if let Err(e) = saved {
            crate::warn(&format!(
                "{e}; the report was written to {} all the same",
                path.display()
            ));
        }
        Ok(())
    }
}

fn report_path(paths: &OutputPaths, run_id: &str) -> PathBuf {
    paths
        .dir()
        .join(format!("boamps_report_{}.json", run_key(run_id)))
}

/// Replaces the report at `path` with `bytes`, flushed to disk: it is the user's file.
fn write_report(path: &Path, bytes: &[u8]) -> Result<(), BoampsError> {
    replace(path, bytes, Durability::PowerLoss)?;
    Ok(())
}

/// A checkpoint: the run id as a JSON string on the first line (the file's name needs it, and
/// the report's own `reportId` may be the user's), then the report.
fn checkpoint_bytes(run_id: &str, report: &[u8]) -> Vec<u8> {
    let mut bytes = serde_json::Value::from(run_id).to_string().into_bytes();
    bytes.push(b'\n');
    bytes.extend_from_slice(report);
    bytes
}

/// A checkpoint's run id and report; or why it is not one of ours.
fn parse_checkpoint(bytes: &[u8]) -> Result<(String, Vec<u8>), String> {
    let newline = bytes
        .iter()
        .position(|&b| b == b'\n')
        .ok_or("it has no run id line")?;
    let (first, report) = (&bytes[..newline], &bytes[newline + 1..]);
    let run_id: String =
        serde_json::from_slice(first).map_err(|e| format!("its first line is no run id: {e}"))?;
    serde_json::from_slice::<Map<String, serde_json::Value>>(report)
        .map_err(|e| format!("its report is not a JSON object: {e}"))?;
    Ok((run_id, report.to_vec()))
}

#[async_trait]
impl Sink for BoampsSink {
    async fn record(&mut self, report: &Report) -> Result<(), SinkError> {
        Ok(self.save_checkpoint(report)?)
    }

    fn checkpoints(&self) -> bool {
        true
    }

    async fn flush(&mut self, report: &Report) -> Result<(), SinkError> {
        Ok(self.write(report)?)
    }

    async fn finish(&mut self, report: &Report) -> Result<(), SinkError> {
        self.write(report)?;
        if let Err(e) = self.checkpoint.done() {
            crate::warn(&format!(
                "{e}; the next tracker with this `output_dir` and the `boamps` output will write this run's report again"
            ));
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::panic)]
    use super::*;

    #[test]
    fn a_checkpoint_is_the_run_id_then_the_report() {
        let bytes = checkpoint_bytes("run \"1\"\n", b"{\n  \"a\": 1\n}\n");
        let (run_id, report) = parse_checkpoint(&bytes).unwrap();
        assert_eq!(run_id, "run \"1\"\n");
        assert_eq!(report, b"{\n  \"a\": 1\n}\n");
        for bad in [
            b"".as_slice(),
            b"\"run\"",
            b"run\n{}",
            b"\"run\"\n[1]",
            b"\"run\"\n{\"a\":",
            b"\"run\"\n{} {}",
        ] {
            let reason = parse_checkpoint(bad).unwrap_err();
            assert!(!reason.is_empty());
        }
    }

    #[test]
    fn the_report_is_named_after_the_run_in_output_dir() {
        let paths = OutputPaths::new(Path::new("/out"), SIDE_FILE_STEM).unwrap();
        assert_eq!(
            report_path(&paths, "5b0fa12a-3dd7-45bb-9766-cc326314d9f1"),
            Path::new("/out/boamps_report_5b0fa12a-3dd7-45bb-9766-cc326314d9f1.json")
        );
        assert_eq!(
            report_path(&paths, "../etc/passwd"),
            Path::new("/out/boamps_report____etc_passwd.json")
        );
    }
}
