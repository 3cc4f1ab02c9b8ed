//! Advisory locks on side files (`File::lock`: `flock` on Unix, `LockFileEx` on Windows).
//!
//! A lock lives on a side file, never on the CSV: `update` mode replaces the CSV by rename, and
//! a lock on the old inode would no longer exclude anyone. The kernel drops the lock when the
//! holder dies (even by SIGKILL), which is what lets a later run recover a killed run's
//! checkpoint.
//!
//! Lock files may be deleted (a run's checkpoint lock is, once the run is over). The classic race
//! — B opens the file, A deletes it and unlocks, B locks an inode no longer reachable while C
//! creates and locks a new one — is closed by checking, after locking, that the path still
//! names the locked file, and starting again if not.

use crate::error::CsvSinkError;
use std::fs::{self, File, OpenOptions, TryLockError};
use std::io;
use std::path::{Path, PathBuf};

/// An exclusive advisory lock, held until dropped.
#[derive(Debug)]
pub(crate) struct LockFile {
    file: File,
    path: PathBuf,
}

impl LockFile {
    /// Waits for the lock on `path`, creating the file if needed.
    pub(crate) fn acquire(path: &Path) -> Result<Self, CsvSinkError> {
        Self::take(path, true)?.ok_or_else(|| CsvSinkError::Lock {
            path: path.to_path_buf(),
            source: io::Error::other("lock unexpectedly busy"),
        })
    }

    /// Takes the lock on `path` if nobody holds it; `None` when someone does.
    pub(crate) fn try_acquire(path: &Path) -> Result<Option<Self>, CsvSinkError> {
        Self::take(path, false)
    }

    fn take(path: &Path, wait: bool) -> Result<Option<Self>, CsvSinkError> {
        let fail = |source| CsvSinkError::Lock {
            path: path.to_path_buf(),
            source,
        };
        loop {
            let file = open(path).map_err(|source| CsvSinkError::Unwritable {
                path: path.to_path_buf(),
                source,
            })?;
            if wait {
                file.lock().map_err(fail)?;
            } else {
                match file.try_lock() {
                    Ok(()) => {}
                    Err(TryLockError::WouldBlock) => return Ok(None),
                    Err(TryLockError::Error(e)) => return Err(fail(e)),
                }
            }
            if still_named(&file, path).map_err(fail)? {
                return Ok(Some(Self {
                    file,
                    path: path.to_path_buf(),
                }));
            }
        }
    }

    /// Deletes the lock file, then releases the lock. Safe against the race above: whoever
    /// opened the old file finds, once it gets the lock, that the path no longer names it.
    pub(crate) fn remove(self) {
        // Nothing to do if it is already gone; a leftover lock file is harmless.
        let _ = fs::remove_file(&self.path);
        drop(self.file);
    }
}

fn open(path: &Path) -> io::Result<File> {
    let rw = OpenOptions::new()
        .read(true)
        .write(true)
        .create(true)
        .truncate(false)
        .open(path);
    match rw {
        // A lock file made by another user: a read-only handle locks just as well.
        Err(e) if e.kind() == io::ErrorKind::PermissionDenied && path.exists() => File::open(path),
        other => other,
    }
}

#[cfg(unix)]
fn still_named(file: &File, path: &Path) -> io::Result<bool> {
    use std::os::unix::fs::MetadataExt;
    let held = file.metadata()?;
    match fs::metadata(path) {
        Ok(now) => Ok(now.dev() == held.dev() && now.ino() == held.ino()),
        Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(false),
        Err(e) => Err(e),
    }
}

#[cfg(not(unix))]
fn still_named(_file: &File, path: &Path) -> io::Result<bool> {
    // Windows refuses to delete an open file, so the race cannot happen there.
    Ok(path.exists())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn excludes_other_handles_until_dropped() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join(".x.lock");
        let held = LockFile::acquire(&path).unwrap();
        assert!(LockFile::try_acquire(&path).unwrap().is_none());
        drop(held);
        assert!(LockFile::try_acquire(&path).unwrap().is_some());
    }

    #[test]
    fn remove_deletes_the_file_and_a_new_lock_starts_fresh() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join(".x.lock");
        LockFile::acquire(&path).unwrap().remove();
        assert!(!path.exists());
        let again = LockFile::try_acquire(&path).unwrap();
        assert!(again.is_some() && path.exists());
    }
}
