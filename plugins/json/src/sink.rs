//! The sink: one JSON line per flush and one at stop.

use crate::error::JsonSinkError;
use crate::line;
use crate::lock::LockFile;
use crate::paths::OutputPaths;
use codecarbon_core::{async_trait, Config, Report, Sink, SinkError};
use std::fs::{File, OpenOptions};
use std::io::{self, Read, Seek, SeekFrom, Write};
use std::path::Path;

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
        let paths = OutputPaths::new(&config.output_dir, &config.output_file)?;
        paths.prepare()?;
        Ok(Self { paths })
    }

    /// The JSON Lines file this sink writes.
    pub fn path(&self) -> &Path {
        &self.paths.file
    }

    /// Appends one line under the lock, after a line break if the file lacks a final one.
    fn append(&self, report: &Report) -> Result<(), JsonSinkError> {
        let mut bytes = line::encode(&report.data, &report.provenance)?;
        let path = &self.paths.file;
        let fail = |source| JsonSinkError::Write {
            path: path.clone(),
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
