//! Where the sink's files live: `emissions.jsonl` beside the CSV, and its lock.

use crate::error::JsonSinkError;
use std::fs::{self, OpenOptions};
use std::io;
use std::path::{Path, PathBuf};

/// The JSON Lines file and its side files.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct OutputPaths {
    /// The directory holding the file.
    pub(crate) dir: PathBuf,
    /// The JSON Lines file.
    pub(crate) file: PathBuf,
    /// Its file name.
    pub(crate) name: String,
}

impl OutputPaths {
    /// `output_dir.join(output_file)` with the extension replaced by `.jsonl`
    /// (`emissions.csv` → `emissions.jsonl`).
    pub(crate) fn new(output_dir: &Path, output_file: &str) -> Result<Self, JsonSinkError> {
        let csv = output_dir.join(output_file);
        let bad = || JsonSinkError::BadFileName { path: csv.clone() };
        if csv.file_name().is_none() {
            return Err(bad());
        }
        let file = csv.with_extension("jsonl");
        let name = file
            .file_name()
            .and_then(|n| n.to_str())
            .map(str::to_owned)
            .ok_or_else(bad)?;
        let dir = match file.parent() {
            Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
            _ => PathBuf::from("."),
        };
        Ok(Self { dir, file, name })
    }

    /// The lock every writer of the file takes: a side file, so that whatever happens to the
    /// data file (a user moving it away) the writers still exclude each other.
    pub(crate) fn lock(&self) -> PathBuf {
        self.dir.join(format!(".{}.lock", self.name))
    }

    /// Creates the directory if needed and proves it writable: creates the lock file and a
    /// temporary file, and opens an existing output file for appending.
    pub(crate) fn prepare(&self) -> Result<(), JsonSinkError> {
        fs::create_dir_all(&self.dir).map_err(|source| JsonSinkError::CreateDir {
            path: self.dir.clone(),
            source,
        })?;
        let unwritable = |path: &Path| {
            let path = path.to_path_buf();
            move |source| JsonSinkError::Unwritable { path, source }
        };
        let lock = self.lock();
        OpenOptions::new()
            .read(true)
            .write(true)
            .create(true)
            .truncate(false)
            .open(&lock)
            .map_err(unwritable(&lock))?;
        probe_new_file(&self.dir).map_err(unwritable(&self.dir))?;
        if self.file.is_dir() {
            return Err(JsonSinkError::FileIsDir {
                path: self.file.clone(),
            });
        }
        if self.file.exists() {
            OpenOptions::new()
                .append(true)
                .open(&self.file)
                .map_err(unwritable(&self.file))?;
        }
        Ok(())
    }
}

/// Creates and deletes a uniquely named file in `dir`.
fn probe_new_file(dir: &Path) -> io::Result<()> {
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.subsec_nanos());
    let probe = dir.join(format!(
        ".codecarbon-json-probe-{}-{nanos}",
        std::process::id()
    ));
    OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(&probe)?;
    fs::remove_file(&probe)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn replaces_the_extension_with_jsonl() {
        let p = OutputPaths::new(Path::new("/out"), "emissions.csv").unwrap();
        assert_eq!(p.file, Path::new("/out/emissions.jsonl"));
        assert_eq!(p.lock(), Path::new("/out/.emissions.jsonl.lock"));
        let p = OutputPaths::new(Path::new("out"), "sub/runs").unwrap();
        assert_eq!(p.file, Path::new("out/sub/runs.jsonl"));
        assert_eq!(p.dir, Path::new("out/sub"));
        assert!(OutputPaths::new(Path::new("/"), "..").is_err());
    }

    #[test]
    fn prepare_leaves_only_the_lock_file() {
        let dir = tempfile::tempdir().unwrap();
        let p = OutputPaths::new(&dir.path().join("new"), "emissions.csv").unwrap();
        p.prepare().unwrap();
        let names: Vec<_> = fs::read_dir(&p.dir)
            .unwrap()
            .map(|e| e.unwrap().file_name())
            .collect();
        assert_eq!(names, [".emissions.jsonl.lock"]);
    }
}
