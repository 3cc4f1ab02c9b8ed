//! Where the sink's files live: the CSV, its lock, the checkpoints and the backups.
//!
//! Everything sits in the CSV's own directory so renames stay atomic (same file system):
//!
//! | file | role |
//! |---|---|
//! | `emissions.csv` | the output (`output_dir`/`output_file`) |
//! | `.emissions.csv.lock` | advisory lock shared by every writer of `emissions.csv` |
//! | `.emissions.csv.<run>.checkpoint` | the latest totals of a live (or killed) run |
//! | `.emissions.csv.<run>.checkpoint.lock` | held by the run's sink while it lives |
//! | `emissions.csv.bak`, `emissions.csv_0.bak`, ... | an old file set aside (CodeCarbon's names) |

use crate::error::CsvSinkError;
use std::fs::{self, OpenOptions};
use std::io;
use std::path::{Path, PathBuf};

const CHECKPOINT_SUFFIX: &str = ".checkpoint";
const LOCK_SUFFIX: &str = ".lock";

/// The resolved file names of one output file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct OutputPaths {
    /// The directory holding the CSV and its side files.
    pub(crate) dir: PathBuf,
    /// The CSV itself.
    pub(crate) file: PathBuf,
    /// The CSV's file name, the stem of every side file.
    pub(crate) name: String,
}

impl OutputPaths {
    /// `output_dir.join(output_file)`, split into directory and file name.
    pub(crate) fn new(output_dir: &Path, output_file: &str) -> Result<Self, CsvSinkError> {
        let file = output_dir.join(output_file);
        let name = file
            .file_name()
            .and_then(|n| n.to_str())
            .map(str::to_owned)
            .ok_or_else(|| CsvSinkError::BadFileName { path: file.clone() })?;
        let dir = match file.parent() {
            Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
            _ => PathBuf::from("."),
        };
        Ok(Self { dir, file, name })
    }

    /// The lock every writer of the CSV takes: a side file, since the CSV itself is replaced by
    /// rename in `update` mode and a lock on a replaced inode would protect nothing.
    pub(crate) fn lock(&self) -> PathBuf {
        self.dir.join(format!(".{}{LOCK_SUFFIX}", self.name))
    }

    /// The checkpoint of one run.
    pub(crate) fn checkpoint(&self, key: &str) -> PathBuf {
        self.dir
            .join(format!(".{}.{key}{CHECKPOINT_SUFFIX}", self.name))
    }

    /// The lock a run's sink holds for as long as it lives.
    pub(crate) fn checkpoint_lock(&self, key: &str) -> PathBuf {
        self.dir.join(format!(
            ".{}.{key}{CHECKPOINT_SUFFIX}{LOCK_SUFFIX}",
            self.name
        ))
    }

    /// Prefix of temporary files, so a stray one is recognisably ours.
    pub(crate) fn temp_prefix(&self) -> String {
        format!(".{}.", self.name)
    }

    /// The run keys that have a checkpoint or a checkpoint lock in the directory.
    pub(crate) fn run_keys(&self) -> io::Result<Vec<String>> {
        let prefix = format!(".{}.", self.name);
        let mut keys = Vec::new();
        for entry in fs::read_dir(&self.dir)? {
            let entry = entry?;
            let Some(name) = entry.file_name().to_str().map(str::to_owned) else {
                continue;
            };
            let Some(rest) = name.strip_prefix(&prefix) else {
                continue;
            };
            let rest = rest.strip_suffix(LOCK_SUFFIX).unwrap_or(rest);
            let Some(key) = rest.strip_suffix(CHECKPOINT_SUFFIX) else {
                continue;
            };
            if is_key(key) && !keys.iter().any(|k| k == key) {
                keys.push(key.to_owned());
            }
        }
        keys.sort();
        Ok(keys)
    }

    /// Creates the directory if needed and proves it writable: creates the shared lock file and
    /// a temporary file, and opens an existing CSV for appending.
    pub(crate) fn prepare(&self) -> Result<(), CsvSinkError> {
        fs::create_dir_all(&self.dir).map_err(|source| CsvSinkError::CreateDir {
            path: self.dir.clone(),
            source,
        })?;
        if !self.dir.is_dir() {
            return Err(CsvSinkError::CreateDir {
                path: self.dir.clone(),
                source: io::Error::new(io::ErrorKind::NotADirectory, "not a directory"),
            });
        }
        let lock = self.lock();
        OpenOptions::new()
            .read(true)
            .write(true)
            .create(true)
            .truncate(false)
            .open(&lock)
            .map_err(|source| CsvSinkError::Unwritable { path: lock, source })?;
        // The lock file may exist already: prove that new files can be made (checkpoints,
        // temporary files) by making one, deleted at once.
        tempfile::Builder::new()
            .prefix(&self.temp_prefix())
            .suffix(".tmp")
            .tempfile_in(&self.dir)
            .map_err(|source| CsvSinkError::Unwritable {
                path: self.dir.clone(),
                source,
            })?;
        if self.file.is_dir() {
            return Err(CsvSinkError::FileIsDir {
                path: self.file.clone(),
            });
        }
        if self.file.exists() {
            OpenOptions::new()
                .append(true)
                .open(&self.file)
                .map_err(|source| CsvSinkError::Unwritable {
                    path: self.file.clone(),
                    source,
                })?;
        }
        Ok(())
    }
}

/// A run id as it may appear in a file name: ASCII letters, digits, `-` and `_` kept, anything
/// else (a `/`, a dot) replaced by `_`. UUIDs pass unchanged.
pub(crate) fn run_key(run_id: &str) -> String {
    let key: String = run_id
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '-' || c == '_' {
                c
            } else {
                '_'
            }
        })
        .collect();
    if key.is_empty() {
        "_".into()
    } else {
        key
    }
}

fn is_key(key: &str) -> bool {
    !key.is_empty()
        && key
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
}

/// CodeCarbon's backup names for `path`: `{path}.bak`, then `{path}_0.bak`, `{path}_1.bak`, ...
pub(crate) fn backup_candidates(path: &Path) -> impl Iterator<Item = PathBuf> + '_ {
    let with = move |suffix: String| {
        let mut s = path.as_os_str().to_owned();
        s.push(suffix);
        PathBuf::from(s)
    };
    std::iter::once(with(".bak".into())).chain((0u64..).map(move |i| with(format!("_{i}.bak"))))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_side_files_after_the_csv() {
        let p = OutputPaths::new(Path::new("/out"), "emissions.csv").unwrap();
        assert_eq!(p.dir, Path::new("/out"));
        assert_eq!(p.lock(), Path::new("/out/.emissions.csv.lock"));
        assert_eq!(
            p.checkpoint("ab-1"),
            Path::new("/out/.emissions.csv.ab-1.checkpoint")
        );
        assert_eq!(
            p.checkpoint_lock("ab-1"),
            Path::new("/out/.emissions.csv.ab-1.checkpoint.lock")
        );
        let sub = OutputPaths::new(Path::new("out"), "sub/e.csv").unwrap();
        assert_eq!(sub.dir, Path::new("out/sub"));
        assert_eq!(sub.name, "e.csv");
        assert!(OutputPaths::new(Path::new("/"), "..").is_err());
    }

    #[test]
    fn backup_names_are_codecarbons() {
        let names: Vec<_> = backup_candidates(Path::new("d/emissions.csv"))
            .take(3)
            .collect();
        assert_eq!(
            names,
            [
                PathBuf::from("d/emissions.csv.bak"),
                PathBuf::from("d/emissions.csv_0.bak"),
                PathBuf::from("d/emissions.csv_1.bak"),
            ]
        );
    }

    #[test]
    fn run_keys_are_file_name_safe() {
        assert_eq!(run_key("5b0fa12a-3dd7"), "5b0fa12a-3dd7");
        assert_eq!(run_key("../x.y"), "___x_y");
        assert_eq!(run_key(""), "_");
    }

    #[test]
    fn finds_run_keys() {
        let dir = tempfile::tempdir().unwrap();
        let p = OutputPaths::new(dir.path(), "emissions.csv").unwrap();
        for name in [
            ".emissions.csv.lock",
            ".emissions.csv.a.checkpoint",
            ".emissions.csv.a.checkpoint.lock",
            ".emissions.csv.b.checkpoint.lock",
            ".emissions.csv.x.y.checkpoint",
            ".other.csv.c.checkpoint",
        ] {
            fs::write(dir.path().join(name), "").unwrap();
        }
        assert_eq!(p.run_keys().unwrap(), ["a", "b"]);
    }
}
