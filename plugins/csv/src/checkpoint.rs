//! Crash safety: each run keeps its latest totals in a checkpoint file, and a later sink writes
//! the row of any run that died before writing it.
//!
//! A live run holds an exclusive lock on its checkpoint lock file for as long as its sink lives;
//! the kernel releases it when the process dies, even by SIGKILL. So a checkpoint whose lock can
//! be taken belongs to a run that is over: [`recover_all`] writes its row and deletes it.
//! The checkpoint itself is replaced atomically (temporary file and rename), so it is always
//! either the previous or the latest totals, never a torn mix.

use crate::atomic::{self, Durability};
use crate::error::CsvSinkError;
use crate::paths::{run_key, CsvSideFiles, OutputPaths};
use crate::row::{encode, Row};
use crate::table;
use codecarbon_core::output::LockFile;
use codecarbon_core::{CsvWriteMode, CSV_COLUMNS};
use std::fs;
use std::io;
use std::path::{Path, PathBuf};

/// A run's claim on its checkpoint: the lock, held until drop.
#[derive(Debug)]
pub(crate) struct RunCheckpoint {
    run_id: String,
    path: PathBuf,
    lock: Option<LockFile>,
}

impl RunCheckpoint {
    /// Takes the lock of `run_id`'s checkpoint; fails if a live sink holds it.
    pub(crate) fn claim(paths: &OutputPaths, run_id: &str) -> Result<Self, CsvSinkError> {
        let key = run_key(run_id);
        let lock_path = paths.checkpoint_lock(&key);
        let lock = LockFile::try_acquire(&lock_path)?.ok_or_else(|| CsvSinkError::RunBusy {
            run_id: run_id.to_owned(),
            path: lock_path,
        })?;
        Ok(Self {
            run_id: run_id.to_owned(),
            path: paths.checkpoint(&key),
            lock: Some(lock),
        })
    }

    /// The run this claim is for.
    pub(crate) fn run_id(&self) -> &str {
        &self.run_id
    }

    /// The checkpoint file.
    pub(crate) fn path(&self) -> &Path {
        &self.path
    }

    /// Replaces the checkpoint with `row`: our header line, then the row.
    pub(crate) fn save(&self, paths: &OutputPaths, row: &Row) -> Result<(), CsvSinkError> {
        let text = encode([
            CSV_COLUMNS.to_vec(),
            row.fields().iter().map(String::as_str).collect(),
        ])
        .map_err(CsvSinkError::write(&self.path))?;
        atomic::replace(paths, &self.path, &text, None, Durability::ProcessKill)
    }

    /// The run's row is written: deletes the checkpoint, then the lock file, then unlocks.
    pub(crate) fn discard(self) {
        // Already gone is fine; a failure leaves a checkpoint the next sink adds again, which
        // duplicates a row rather than losing one.
        if let Err(e) = fs::remove_file(&self.path) {
            if e.kind() != io::ErrorKind::NotFound {
                crate::warn(&format!("cannot delete {}: {e}", self.path.display()));
            }
        }
    }
}

impl Drop for RunCheckpoint {
    fn drop(&mut self) {
        if let Some(lock) = self.lock.take() {
            lock.remove();
        }
    }
}

/// Reads a checkpoint back into a row.
pub(crate) fn read(path: &Path) -> Result<Row, CsvSinkError> {
    let bytes = fs::read(path).map_err(CsvSinkError::read(path))?;
    let bad = |reason: String| CsvSinkError::BadCheckpoint {
        path: path.to_path_buf(),
        reason,
    };
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .from_reader(bytes.as_slice());
    let mut records = reader.records();
    let mut next = || match records.next() {
        Some(Ok(r)) => Ok(r.iter().map(str::to_owned).collect::<Vec<_>>()),
        Some(Err(e)) => Err(bad(e.to_string())),
        None => Err(bad("it needs a header line and a row".into())),
    };
    let header = next()?;
    let values = next()?;
    Ok(Row::from_named(&header, &values))
}

/// What [`recover_all`] did.
#[derive(Debug, Default)]
pub(crate) struct Recovery {
    /// The runs whose rows were written.
    pub(crate) recovered: Vec<String>,
    /// What failed; the checkpoints stay for the next try.
    pub(crate) problems: Vec<CsvSinkError>,
}

/// Writes the row of every run that left a checkpoint and is no longer alive, then deletes
/// the checkpoint. Runs still alive (their lock is held) are left alone.
pub(crate) fn recover_all(paths: &OutputPaths, mode: CsvWriteMode) -> Recovery {
    let mut done = Recovery::default();
    let keys = match paths.run_keys() {
        Ok(keys) => keys,
        Err(source) => {
            done.problems.push(CsvSinkError::Read {
                path: paths.dir().to_path_buf(),
                source,
            });
            return done;
        }
    };
    for key in keys {
        match recover_one(paths, &key, mode) {
            Ok(Some(run_id)) => done.recovered.push(run_id),
            Ok(None) => {}
            Err(e) => done.problems.push(e),
        }
    }
    done
}

fn recover_one(
    paths: &OutputPaths,
    key: &str,
    mode: CsvWriteMode,
) -> Result<Option<String>, CsvSinkError> {
    let Some(lock) = LockFile::try_acquire(&paths.checkpoint_lock(key))? else {
        return Ok(None); // its run is alive
    };
    let path = paths.checkpoint(key);
    if !path.exists() {
        lock.remove(); // a run killed before its first checkpoint
        return Ok(None);
    }
    let row = match read(&path) {
        Ok(row) => row,
        Err(e) => {
            let mut aside = path.clone().into_os_string();
            aside.push(".unreadable");
            // Keep it for a person to look at, out of the way of the next recovery.
            let _ = fs::rename(&path, &aside);
            lock.remove();
            return Err(e);
        }
    };
    {
        let _csv = LockFile::acquire(&paths.lock())?;
        table::write_row(paths, &row, mode)?;
    }
    fs::remove_file(&path).map_err(CsvSinkError::write(&path))?;
    lock.remove();
    Ok(Some(row.run_id().to_owned()))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn setup() -> (tempfile::TempDir, OutputPaths) {
        let dir = tempfile::tempdir().unwrap();
        let paths = OutputPaths::new(dir.path(), "emissions.csv").unwrap();
        (dir, paths)
    }

    fn row(run: &str) -> Row {
        let header = vec!["run_id".to_string(), "duration".into()];
        Row::from_named(&header, &[run.into(), "2.5".into()])
    }

    #[test]
    fn saves_and_reads_back() {
        let (_d, p) = setup();
        let claim = RunCheckpoint::claim(&p, "run-1").unwrap();
        claim.save(&p, &row("run-1")).unwrap();
        let back = read(claim.path()).unwrap();
        assert_eq!(back, row("run-1"));
    }

    #[test]
    fn a_live_claim_is_not_recovered_and_cannot_be_claimed_twice() {
        let (_d, p) = setup();
        let claim = RunCheckpoint::claim(&p, "run-1").unwrap();
        claim.save(&p, &row("run-1")).unwrap();
        assert!(matches!(
            RunCheckpoint::claim(&p, "run-1"),
            Err(CsvSinkError::RunBusy { .. })
        ));
        let done = recover_all(&p, CsvWriteMode::Append);
        assert!(done.recovered.is_empty() && done.problems.is_empty());
        assert!(!p.file().exists() && claim.path().exists());
    }

    #[test]
    fn a_dropped_claim_is_recovered_once() {
        let (_d, p) = setup();
        let claim = RunCheckpoint::claim(&p, "run-1").unwrap();
        claim.save(&p, &row("run-1")).unwrap();
        let cp = claim.path().to_path_buf();
        drop(claim);
        let done = recover_all(&p, CsvWriteMode::Append);
        assert_eq!(done.recovered, ["run-1"]);
        assert!(!cp.exists() && !p.checkpoint_lock("run-1").exists());
        assert_eq!(fs::read_to_string(p.file()).unwrap().lines().count(), 2);
        assert!(recover_all(&p, CsvWriteMode::Append).recovered.is_empty());
    }

    #[test]
    fn an_unreadable_checkpoint_is_set_aside() {
        let (_d, p) = setup();
        let cp = p.checkpoint("run-2");
        fs::write(&cp, "only a header\n").unwrap();
        let done = recover_all(&p, CsvWriteMode::Append);
        assert_eq!(done.problems.len(), 1);
        assert!(!cp.exists());
        assert!(p
            .dir()
            .join(".emissions.csv.run-2.checkpoint.unreadable")
            .exists());
    }
}
