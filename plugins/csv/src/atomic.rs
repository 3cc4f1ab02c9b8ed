//! Whole-file replacement that readers never see half done: write a temporary file in the same
//! directory, flush it to disk when asked, rename it over the target.

use crate::error::CsvSinkError;
use crate::paths::{CsvSideFiles, OutputPaths};
use std::fs::{self, File, Permissions};
use std::io::Write;
use std::path::Path;

/// How long a replaced file must last.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Durability {
    /// Across power loss: flushed to disk before and after the rename (the user's CSV).
    PowerLoss,
    /// Across a killed process only, whose writes the kernel keeps: no flush, so a checkpoint
    /// every second costs microseconds rather than a disk flush.
    ProcessKill,
}

/// Replaces `target` (in `paths.dir()`) with `bytes`, keeping `permissions` when given.
pub(crate) fn replace(
    paths: &OutputPaths,
    target: &Path,
    bytes: &[u8],
    permissions: Option<Permissions>,
    durability: Durability,
) -> Result<(), CsvSinkError> {
    let mut tmp = tempfile::Builder::new()
        .prefix(&paths.temp_prefix())
        .suffix(".tmp")
        .tempfile_in(paths.dir())
        .map_err(CsvSinkError::write(paths.dir()))?;
    tmp.write_all(bytes)
        .map_err(CsvSinkError::write(tmp.path()))?;
    if durability == Durability::PowerLoss {
        tmp.as_file()
            .sync_data()
            .map_err(CsvSinkError::write(tmp.path()))?;
    }
    if let Some(perm) = permissions {
        fs::set_permissions(tmp.path(), perm).map_err(CsvSinkError::write(tmp.path()))?;
    }
    tmp.persist(target).map_err(|e| CsvSinkError::Write {
        path: target.to_path_buf(),
        source: e.error,
    })?;
    if durability == Durability::PowerLoss {
        sync_dir(paths.dir());
    }
    Ok(())
}

/// Makes a rename durable across power loss; best effort (not every platform can open a
/// directory), and not needed against a killed process, whose writes the kernel keeps.
pub(crate) fn sync_dir(dir: &Path) {
    if cfg!(unix) {
        if let Ok(d) = File::open(dir) {
            let _ = d.sync_all();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn replaces_whole_file_and_leaves_no_temporary() {
        let dir = tempfile::tempdir().unwrap();
        let paths = OutputPaths::new(dir.path(), "e.csv").unwrap();
        fs::write(paths.file(), "old").unwrap();
        replace(&paths, paths.file(), b"new", None, Durability::PowerLoss).unwrap();
        assert_eq!(fs::read_to_string(paths.file()).unwrap(), "new");
        assert_eq!(fs::read_dir(dir.path()).unwrap().count(), 1);
    }
}
