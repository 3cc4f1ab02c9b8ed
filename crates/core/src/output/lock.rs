//! [`LockFile`]: an exclusive advisory lock on a side file (`File::try_lock`: `flock` on Unix,
//! `LockFileEx` on Windows), which the kernel drops when the holder dies, even by SIGKILL.
//! Never waited for without a bound: a lock file can be locked by anyone who can read it.

use super::file::open_lock;
use super::OutputError;
use std::fs::{self, File, TryLockError};
use std::io;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

/// The first pause between tries of a busy lock: most holds (a row appended) last less.
const FIRST_PAUSE: Duration = Duration::from_millis(2);

/// The longest pause between tries: a lock freed is taken within this.
const LONGEST_PAUSE: Duration = Duration::from_millis(50);

/// An exclusive advisory lock on a side file, held until dropped (or [`LockFile::remove`]d).
///
/// Writers of one output, in threads or processes, take it around each write so that rows are
/// never torn, interleaved or lost. The kernel drops it when the holder dies, even by SIGKILL,
/// so a lock that can be taken also proves its last holder is gone.
///
/// Lock files may be deleted ([`LockFile::remove`]). The classic race — B opens the file, A
/// deletes it and unlocks, B locks an inode no longer reachable while C creates and locks a new
/// one — is closed by checking, after locking, that the path still names the locked file, and
/// starting again if not.
#[derive(Debug)]
pub struct LockFile {
    file: File,
    path: PathBuf,
}

impl LockFile {
    /// Takes the lock on `path`, creating the file if needed, waiting for it at most
    /// `patience`: `None` if it is still held then. Never an unbounded wait, since any local
    /// user who can open the file (a lock file is 0644, and a read-only handle locks) can
    /// hold it for ever.
    pub fn acquire_within(path: &Path, patience: Duration) -> Result<Option<Self>, OutputError> {
        let give_up = Instant::now() + patience;
        let mut pause = FIRST_PAUSE;
        loop {
            if let Some(lock) = Self::try_acquire(path)? {
                return Ok(Some(lock));
            }
            let left = give_up.saturating_duration_since(Instant::now());
            if left.is_zero() {
                return Ok(None);
            }
            std::thread::sleep(pause.min(left));
            pause = (pause * 2).min(LONGEST_PAUSE);
        }
    }

    /// Takes the lock on `path` if nobody holds it, `None` when someone does: for telling
    /// whether the holder is still alive without waiting for it.
    pub fn try_acquire(path: &Path) -> Result<Option<Self>, OutputError> {
        let fail = |source| OutputError::Lock {
            path: path.to_path_buf(),
            source,
        };
        loop {
            let file = open_lock(path)?;
            match file.try_lock() {
                Ok(()) => {}
                Err(TryLockError::WouldBlock) => return Ok(None),
                Err(TryLockError::Error(e)) => return Err(fail(e)),
            }
            if still_named(&file, path).map_err(fail)? {
                return Ok(Some(Self {
                    file,
                    path: path.to_path_buf(),
                }));
            }
        }
    }

    /// The lock file.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Whether the lock file is still the one locked: false once it was deleted (its
    /// directory removed during the run), when a new lock on the path would exclude nobody.
    pub fn is_current(&self) -> bool {
        still_named(&self.file, &self.path).unwrap_or(false)
    }

    /// Deletes the lock file, then releases the lock: for a lock that is done with (a run that
    /// is over). Safe against the race above: whoever opened the old file finds, once it gets
    /// the lock, that the path no longer names it.
    pub fn remove(self) {
        // Nothing to do if it is already gone; a leftover lock file is harmless.
        let _ = fs::remove_file(&self.path);
        drop(self.file);
    }
}

/// Whether `path` still names the open `file`.
#[cfg(unix)]
pub(super) fn still_named(file: &File, path: &Path) -> io::Result<bool> {
    use std::os::unix::fs::MetadataExt;
    let held = file.metadata()?;
    match fs::metadata(path) {
        Ok(now) => Ok(now.dev() == held.dev() && now.ino() == held.ino()),
        Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(false),
        Err(e) => Err(e),
    }
}

/// Whether `path` still names the open `file`.
#[cfg(not(unix))]
pub(super) fn still_named(_file: &File, path: &Path) -> io::Result<bool> {
    // Windows refuses to delete an open file, so the race cannot happen there.
    Ok(path.exists())
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::panic)]
    use super::*;

    fn take(path: &Path) -> LockFile {
        LockFile::try_acquire(path).unwrap().unwrap()
    }

    #[test]
    fn excludes_other_handles_until_dropped() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join(".x.lock");
        let held = take(&path);
        assert_eq!(held.path(), path);
        assert!(LockFile::try_acquire(&path).unwrap().is_none());
        drop(held);
        assert!(LockFile::try_acquire(&path).unwrap().is_some());
    }

    #[test]
    fn remove_deletes_the_file_and_a_new_lock_starts_fresh() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join(".x.lock");
        take(&path).remove();
        assert!(!path.exists());
        let again = LockFile::try_acquire(&path).unwrap();
        assert!(again.is_some() && path.exists());
    }

    #[test]
    fn a_lock_whose_file_was_deleted_is_no_longer_current() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join(".x.lock");
        let held = take(&path);
        assert!(held.is_current());
        fs::remove_file(&path).unwrap();
        assert!(!held.is_current());
    }

    #[test]
    fn a_lock_in_a_missing_directory_is_unwritable() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("missing/.x.lock");
        let err = LockFile::try_acquire(&path).unwrap_err();
        assert!(matches!(err, OutputError::Unwritable { .. }), "{err:?}");
    }

    #[test]
    fn a_held_lock_is_waited_for_only_as_long_as_asked() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join(".x.lock");
        let held = take(&path);
        let start = Instant::now();
        let got = LockFile::acquire_within(&path, Duration::from_millis(300)).unwrap();
        assert!(got.is_none());
        let waited = start.elapsed();
        assert!(
            waited >= Duration::from_millis(300) && waited < Duration::from_secs(3),
            "{waited:?}"
        );
        // Released while waited for: taken.
        let release = std::thread::spawn(move || {
            std::thread::sleep(Duration::from_millis(100));
            drop(held);
        });
        let got = LockFile::acquire_within(&path, Duration::from_secs(10)).unwrap();
        assert!(got.is_some());
        release.join().unwrap();
    }
}
