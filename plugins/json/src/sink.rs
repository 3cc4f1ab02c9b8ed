//! The sink: one JSON line per flush and one at stop.

use crate::error::JsonSinkError;
use crate::line;
use codecarbon_core::output::{LockFile, OutputPaths};
use codecarbon_core::{async_trait, Config, Report, Sink, SinkError};
use std::fs::{File, OpenOptions};
use std::io::{self, Read, Seek, SeekFrom, Write};
use std::path::Path;

/// The extension that replaces the CSV's in the file's name (`emissions.csv` → `emissions.jsonl`).
const EXTENSION: &str = "jsonl";

/// Writes `emissions.jsonl` beside the CSV: one JSON object per line, per flush and at stop,
/// with CodeCarbon's 38 fields (same names and units as the CSV, `null` for a missing value)
/// and a `provenance` object saying how each number was obtained.
///
/// Writers of one file, in threads or processes, take the advisory lock `.{file}.lock` and
/// write each line with one `write_all`, so lines are never torn or interleaved.
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
}

impl JsonSink {
    /// Prepares the file beside `output_dir`/`output_file`: creates the directory if missing
    /// and checks that it can be written.
    pub fn new(config: &Config) -> Result<Self, JsonSinkError> {
        let paths =
            OutputPaths::with_extension(&config.output_dir, &config.output_file, EXTENSION)?;
        paths.prepare()?;
        Ok(Self { paths })
    }

    /// The JSON Lines file this sink writes.
    pub fn path(&self) -> &Path {
        self.paths.file()
    }

    /// Appends one line under the lock, after a line break if the file lacks a final one.
    fn append(&self, report: &Report) -> Result<(), JsonSinkError> {
        let mut bytes = line::encode(&report.data, &report.provenance)?;
        let path = self.paths.file();
        let fail = |source| JsonSinkError::Write {
            path: path.to_path_buf(),
            source,
        };
        let _lock = LockFile::acquire(&self.paths.lock())?;
        let mut file = OpenOptions::new()
            .read(true)
            .append(true)
            .create(true)
            .open(path)
            .map_err(fail)?;
        if !ends_with_newline(&mut file).map_err(fail)? {
            bytes.insert(0, b'\n');
        }
        file.write_all(&bytes)
            .and_then(|()| file.sync_data())
            .map_err(fail)
    }
}

/// Whether the file is empty or ends with `\n`.
fn ends_with_newline(file: &mut File) -> io::Result<bool> {
    if file.metadata()?.len() == 0 {
        return Ok(true);
    }
    file.seek(SeekFrom::End(-1))?;
    let mut last = [0u8; 1];
    file.read_exact(&mut last)?;
    Ok(last[0] == b'\n')
}

#[async_trait]
impl Sink for JsonSink {
    async fn flush(&mut self, report: &Report) -> Result<(), SinkError> {
        Ok(self.append(report)?)
    }
}

#[cfg(test)]
mod tests {
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
}
