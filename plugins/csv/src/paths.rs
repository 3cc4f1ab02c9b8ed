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
//!
//! The output file, its lock and [`OutputPaths::prepare`] are core's
//! ([`codecarbon_core::output`]); the checkpoint names are the CSV sink's own, added to
//! [`OutputPaths`] by [`CsvSideFiles`].

pub(crate) use codecarbon_core::output::OutputPaths;
use std::fs;
use std::io;
use std::path::{Path, PathBuf};

const CHECKPOINT_SUFFIX: &str = ".checkpoint";
const LOCK_SUFFIX: &str = ".lock";

/// The CSV sink's own side files, beside the CSV's lock.
pub(crate) trait CsvSideFiles {
    /// The checkpoint of one run.
    fn checkpoint(&self, key: &str) -> PathBuf;
    /// The lock a run's sink holds for as long as it lives.
    fn checkpoint_lock(&self, key: &str) -> PathBuf;
    /// Prefix of temporary files, so a stray one is recognisably ours.
    fn temp_prefix(&self) -> String;
    /// The run keys that have a checkpoint or a checkpoint lock in the directory.
    fn run_keys(&self) -> io::Result<Vec<String>>;
}

impl CsvSideFiles for OutputPaths {
    fn checkpoint(&self, key: &str) -> PathBuf {
        self.side_file(&format!(".{key}{CHECKPOINT_SUFFIX}"))
    }

    fn checkpoint_lock(&self, key: &str) -> PathBuf {
        self.side_file(&format!(".{key}{CHECKPOINT_SUFFIX}{LOCK_SUFFIX}"))
    }

    fn temp_prefix(&self) -> String {
        format!(".{}.", self.name())
    }

    fn run_keys(&self) -> io::Result<Vec<String>> {
        let prefix = self.temp_prefix();
        let mut keys = Vec::new();
        for entry in fs::read_dir(self.dir())? {
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
        assert_eq!(
            p.checkpoint("ab-1"),
            Path::new("/out/.emissions.csv.ab-1.checkpoint")
        );
        assert_eq!(
            p.checkpoint_lock("ab-1"),
            Path::new("/out/.emissions.csv.ab-1.checkpoint.lock")
        );
        assert_eq!(p.temp_prefix(), ".emissions.csv.");
        let sub = OutputPaths::new(Path::new("out"), "sub/e.csv").unwrap();
        assert_eq!(
            sub.checkpoint("a"),
            Path::new("out/sub/.e.csv.a.checkpoint")
        );
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
