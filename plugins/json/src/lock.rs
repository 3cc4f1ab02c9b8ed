//! The advisory lock writers take around each append (`File::lock`: `flock` on Unix,
//! `LockFileEx` on Windows), on a side file that is never deleted.

use crate::error::JsonSinkError;
use std::fs::{File, OpenOptions};
use std::io;
use std::path::Path;

/// An exclusive lock, held until dropped.
#[derive(Debug)]
pub(crate) struct LockFile {
    _file: File,
}

impl LockFile {
    /// Waits for the lock on `path`, creating the file if needed.
    pub(crate) fn acquire(path: &Path) -> Result<Self, JsonSinkError> {
        let rw = OpenOptions::new()
            .read(true)
            .write(true)
            .create(true)
            .truncate(false)
            .open(path);
        let file = match rw {
            // A lock file made by another user: a read-only handle locks just as well.
            Err(e) if e.kind() == io::ErrorKind::PermissionDenied && path.exists() => {
                File::open(path)
            }
            other => other,
        }
        .map_err(|source| JsonSinkError::Unwritable {
            path: path.to_path_buf(),
            source,
        })?;
        file.lock().map_err(|source| JsonSinkError::Lock {
            path: path.to_path_buf(),
            source,
        })?;
        Ok(Self { _file: file })
    }
}
