//! The sink: one JSON line per flush and one at stop, and a checkpoint every interval.

use crate::error::JsonSinkError;
use crate::line;
use codecarbon_core::output::{
    append_whole, cut_torn_tail, open_append, recover_all, unterminated_tail, Checkpoint,
    OutputPaths,
};
use codecarbon_core::{async_trait, Config, Report, Sink, SinkError};
use serde::de::IgnoredAny;
use std::path::Path;

/// The extension that replaces the CSV's in the file's name (`emissions.csv` → `emissions.jsonl`).
const EXTENSION: &str = "jsonl";

/// Writes `emissions.jsonl` beside the CSV: one JSON object per line, per flush and at stop,
/// with CodeCarbon's 38 fields (same names and units as the CSV, `null` for a missing value)
/// and a `provenance` object saying how each number was obtained.
///
/// - Writers of one file, in threads or processes, take the advisory lock `.{file}.lock` and
///   write each line wholly or not at all, so lines are never torn or interleaved, not even
///   by a full disk.
/// - Every `record` saves the run's latest line to `.{file}.{run_id}.checkpoint`; if the process
///   is killed, the next sink built for the same file writes that line (as the CSV does).
/// - Files are written by core's rule ([`codecarbon_core::output`]): never through a link or
///   into a FIFO. A torn last line left by something else is moved to `{file}.torn`.
/// - An `output_file` ending in `.jsonl` with the `csv` output on is refused: both would write
///   that one file.
///
/// ```no_run
/// use codecarbon_core::Config;
/// use codecarbon_json::JsonSink;
///
/// let config = Config { output_dir: "out".into(), ..Config::default() };
/// let sink = JsonSink::new(&config)?;
/// assert!(sink.path().ends_with("emissions.jsonl"));
/// # Ok::<(), codecarbon_json::JsonSinkError>(())
/// ```
#[derive(Debug)]
pub struct JsonSink {
    paths: OutputPaths,
    checkpoint: Checkpoint,
}

impl JsonSink {
    /// Prepares the file beside `output_dir`/`output_file`: creates the directory if missing,
    /// checks that it can be written, and writes the lines of runs that were killed before
    /// writing theirs.
    pub fn new(config: &Config) -> Result<Self, JsonSinkError> {
        let paths =
            OutputPaths::with_extension(&config.output_dir, &config.output_file, EXTENSION)?;
        refuse_the_csvs_file(config, &paths)?;
        paths.prepare()?;
        let done = recover_all(&paths, parse_checkpoint, |(line, run_id)| {
            append_line_locked(&paths, &line)?;
            Ok::<_, JsonSinkError>(run_id)
        });
        for message in done.messages("line", paths.file()) {
            crate::warn(&message);
        }
        for problem in &done.problems {
            crate::warn(&format!("cannot recover an earlier run: {problem}"));
        }
        Ok(Self {
            checkpoint: Checkpoint::new(paths.clone()),
            paths,
        })
    }

    /// The JSON Lines file this sink writes.
    pub fn path(&self) -> &Path {
        self.paths.file()
    }

    /// Saves the run's line in its checkpoint.
    fn save_checkpoint(&mut self, report: &Report) -> Result<(), JsonSinkError> {
        let line = line::encode(&report.data, &report.provenance)?;
        self.checkpoint.save(&report.data.run_id, &line)?;
        Ok(())
    }

    /// The write error, noting where the line waits if a checkpoint holds it.
    fn kept(&self, error: JsonSinkError) -> JsonSinkError {
        match self.checkpoint.kept() {
            Some(kept) => JsonSinkError::LineKept {
                source: Box::new(error),
                checkpoint: kept.path,
                latest: kept.latest,
                file: self.paths.file().to_path_buf(),
            },
            None => error,
        }
    }

    /// Saves the checkpoint, then appends the line; on failure the line waits in the
    /// checkpoint. Once the line is written, a checkpoint that could not be saved is only a
    /// warning: the line is not lost, and calling it so would make the caller keep it for the
    /// next run, which would add it a second time.
    fn write(&mut self, report: &Report) -> Result<(), JsonSinkError> {
        let line = line::encode(&report.data, &report.provenance)?;
        let saved = self.checkpoint.save(&report.data.run_id, &line);
        if let Err(e) = append_line(&self.paths, &line) {
            return Err(self.kept(e));
        }
        if let Err(e) = saved {
            crate::warn(&format!(
                "{e}; the line was written to {} all the same",
                self.paths.file().display()
            ));
        }
        Ok(())
    }
}

/// Refuses a JSON Lines file that is the CSV's own (`output_file` ending in `.jsonl` with the
/// `csv` output on): the two outputs would write into one file and share its lock and
/// checkpoints, each taking the other's for its own.
fn refuse_the_csvs_file(config: &Config, paths: &OutputPaths) -> Result<(), JsonSinkError> {
    let csv = config.output_dir.join(&config.output_file);
    if config.output_methods.iter().any(|m| m == "csv") && csv == paths.file() {
        return Err(JsonSinkError::SameFileAsCsv {
            path: paths.file().to_path_buf(),
        });
    }
    Ok(())
}

/// A checkpoint's line, and its run id for the message; or why it is not one of our lines.
fn parse_checkpoint(bytes: &[u8]) -> Result<(Vec<u8>, String), String> {
    let text = bytes.strip_suffix(b"\n").unwrap_or(bytes);
    if text.contains(&b'\n') {
        return Err("it holds more than one line".into());
    }
    let object: serde_json::Map<String, serde_json::Value> =
        serde_json::from_slice(text).map_err(|e| format!("not a JSON object: {e}"))?;
    let Some(run_id) = object.get("run_id").and_then(serde_json::Value::as_str) else {
        return Err("it has no `run_id`".into());
    };
    let mut line = text.to_vec();
    line.push(b'\n');
    Ok((line, run_id.to_owned()))
}

/// Appends one line under the lock, wholly or not at all (see [`append_line_locked`]).
fn append_line(paths: &OutputPaths, line: &[u8]) -> Result<(), JsonSinkError> {
    let _lock = paths.acquire_lock()?;
    append_line_locked(paths, line)
}

/// Appends one line, wholly or not at all; the caller holds the lock. A last line without its
/// line break gets one if it is whole JSON, and is moved to `{file}.torn` if it is not (or
/// refused, if it is too long to be a line cut short: [`MAX_TAIL_BYTES`]).
///
/// [`MAX_TAIL_BYTES`]: codecarbon_core::output::MAX_TAIL_BYTES
fn append_line_locked(paths: &OutputPaths, line: &[u8]) -> Result<(), JsonSinkError> {
    let path = paths.file();
    let mut file = open_append(path)?;
    let mut bytes = Vec::with_capacity(line.len() + 1);
    if let Some(tail) = unterminated_tail(path, &mut file)? {
        if serde_json::from_slice::<IgnoredAny>(&tail.bytes).is_ok() {
            bytes.push(b'\n');
        } else {
            let torn = cut_torn_tail(path, &tail)?;
            crate::warn(&format!(
                "{} ended with an incomplete line (a write cut short by a crash or a full disk, or another program's); it was moved to {} for you to look at, and the lines before it are kept",
                path.display(),
                torn.display()
            ));
        }
    }
    bytes.extend_from_slice(line);
    append_whole(path, &mut file, &bytes)?;
    Ok(())
}

#[async_trait]
impl Sink for JsonSink {
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
                "{e}; the next tracker writing {} will add this run's line again",
                self.paths.file().display()
            ));
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::panic)]
    use super::*;
    use codecarbon_core::output::OutputError;
    use std::fs;

    #[test]
    fn new_leaves_only_the_lock_file_beside_the_csv_name() {
        let dir = tempfile::tempdir().unwrap();
        let config = Config {
            output_dir: dir.path().join("new"),
            ..Config::default()
        };
        let sink = JsonSink::new(&config).unwrap();
        assert_eq!(sink.path(), dir.path().join("new/emissions.jsonl"));
        let names: Vec<_> = fs::read_dir(dir.path().join("new"))
            .unwrap()
            .map(|e| e.unwrap().file_name())
            .collect();
        assert_eq!(names, [".emissions.jsonl.lock"]);
    }

    #[test]
    fn a_name_that_is_not_a_file_name_is_refused() {
        let config = Config {
            output_dir: "/".into(),
            output_file: "..".into(),
            ..Config::default()
        };
        let err = JsonSink::new(&config).unwrap_err();
        assert!(
            matches!(err, JsonSinkError::Output(OutputError::BadFileName { .. })),
            "{err:?}"
        );
        assert!(err.to_string().contains("set `output_file`"), "{err}");
    }

    #[test]
    fn a_checkpoint_must_be_one_json_object_with_a_run_id() {
        let (line, run) = parse_checkpoint(b"{\"run_id\":\"r\",\"x\":1}\n").unwrap();
        assert_eq!(
            (line.as_slice(), run.as_str()),
            (b"{\"run_id\":\"r\",\"x\":1}\n".as_slice(), "r")
        );
        assert!(
            parse_checkpoint(b"{\"run_id\":\"r\"}").is_ok(),
            "the line break may be missing"
        );
        for bad in [
            b"".as_slice(),
            b"{\"run_id\":\"r\"}\n{\"run_id\":\"s\"}\n",
            b"[1,2]",
            b"{\"run_id\":3}",
            b"{\"run_id\":\"r\"",
            b"\xff\xfe",
        ] {
            let reason = parse_checkpoint(bad).unwrap_err();
            assert!(!reason.is_empty());
        }
    }
}
