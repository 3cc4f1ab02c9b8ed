//! Whole-file replacement that readers never see half done: a temporary file in the same
//! directory, flushed when asked, renamed over the target.
//!
//! The temporary file is made under the rule ([`super::file`]): new, never through a link,
//! 0644, and given the mode (and, where allowed, the owner) of the file it replaces. A target
//! that is a link, a FIFO or a device is refused rather than replaced. On any error the
//! temporary file is deleted and the target is as it was: a full disk costs the new content,
//! never the old.

use super::file::{check_output, create_unique};
use super::OutputError;
use std::fs::{self, File, Metadata};
use std::io::{self, Write};
use std::path::Path;

/// How long a replaced file must last.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Durability {
    /// Across power loss: flushed to disk before and after the rename (a user's file).
    PowerLoss,
    /// Across a killed process only, whose writes the kernel keeps: no flush, so a checkpoint
    /// every second costs microseconds rather than a disk flush.
    ProcessKill,
}

/// Replaces `target` with `bytes` by way of `.{target's name}.{pid}-{n}.tmp` beside it.
///
/// ```
/// use codecarbon_core::output::{replace, Durability};
/// let dir = tempfile::tempdir().unwrap();
/// let page = dir.path().join("report.html");
/// replace(&page, b"<!DOCTYPE html>", Durability::PowerLoss).unwrap();
/// assert_eq!(std::fs::read(&page).unwrap(), b"<!DOCTYPE html>");
/// ```
pub fn replace(target: &Path, bytes: &[u8], durability: Durability) -> Result<(), OutputError> {
    let fail = OutputError::write(target);
    let existing = check_output(target)?;
    let dir = match target.parent() {
        Some(p) if !p.as_os_str().is_empty() => p,
        _ => Path::new("."),
    };
    let name = target
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let (mut file, temp) = create_unique(dir, &format!(".{name}."), ".tmp").map_err(fail)?;
    let written = fill(&mut file, existing.as_ref(), bytes, durability)
        .and_then(|()| fs::rename(&temp, target));
    if let Err(e) = written {
        // Already gone is fine; the error that matters is the write's.
        let _ = fs::remove_file(&temp);
        return Err(OutputError::write(target)(e));
    }
    if durability == Durability::PowerLoss {
        sync_dir(dir);
    }
    Ok(())
}

/// Gives the temporary file the old file's mode and owner, then the new content.
fn fill(
    file: &mut File,
    existing: Option<&Metadata>,
    bytes: &[u8],
    durability: Durability,
) -> io::Result<()> {
    if let Some(old) = existing {
        file.set_permissions(old.permissions())?;
        keep_owner(file, old);
    }
    file.write_all(bytes)?;
    if durability == Durability::PowerLoss {
        file.sync_data()?;
    }
    Ok(())
}

/// Gives `file` the owner of the file it replaces: root replacing a user's CSV must not
/// leave it root's. Best effort: only root may give files away, and nobody else needs to.
#[cfg(unix)]
fn keep_owner(file: &File, old: &Metadata) {
    use std::os::unix::fs::MetadataExt;
    let Ok(new) = file.metadata() else { return };
    if (new.uid(), new.gid()) != (old.uid(), old.gid()) {
        let _ = std::os::unix::fs::fchown(file, Some(old.uid()), Some(old.gid()));
    }
}

#[cfg(not(unix))]
fn keep_owner(_file: &File, _old: &Metadata) {}

/// Makes a rename durable across power loss; best effort (not every platform can open a
/// directory), and not needed against a killed process, whose writes the kernel keeps.
fn sync_dir(dir: &Path) {
    if cfg!(unix) {
        if let Ok(d) = File::open(dir) {
            let _ = d.sync_all();
        }
    }
}

#[cfg(all(test, unix))]
mod tests {
    #![allow(clippy::unwrap_used, clippy::panic)]
    use super::*;
    use std::os::unix::fs::{symlink, PermissionsExt};

    #[test]
    fn replaces_the_whole_file_and_leaves_no_temporary() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("e.csv");
        fs::write(&path, "old").unwrap();
        replace(&path, b"new", Durability::PowerLoss).unwrap();
        assert_eq!(fs::read_to_string(&path).unwrap(), "new");
        assert_eq!(fs::read_dir(dir.path()).unwrap().count(), 1);
    }

    #[test]
    fn a_new_file_is_0644_and_a_replaced_one_keeps_its_mode() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("e.csv");
        replace(&path, b"a", Durability::ProcessKill).unwrap();
        let mode = |p: &Path| fs::metadata(p).unwrap().permissions().mode() & 0o777;
        // 0644 less a umask, never tempfile's 0600.
        assert_eq!(mode(&path) & 0o600, 0o600);
        assert_ne!(mode(&path), 0o600, "the mode of a private temporary file");
        fs::set_permissions(&path, fs::Permissions::from_mode(0o640)).unwrap();
        replace(&path, b"b", Durability::ProcessKill).unwrap();
        assert_eq!(mode(&path), 0o640);
    }

    #[test]
    fn a_link_or_a_fifo_at_the_target_is_refused_and_kept() {
        let dir = tempfile::tempdir().unwrap();
        let target = dir.path().join("passwd");
        fs::write(&target, "root:x:0:0\n").unwrap();
        let link = dir.path().join("report.html");
        symlink(&target, &link).unwrap();
        let err = replace(&link, b"<html>", Durability::PowerLoss).unwrap_err();
        assert!(matches!(err, OutputError::Symlink { .. }), "{err:?}");
        assert!(fs::symlink_metadata(&link)
            .unwrap()
            .file_type()
            .is_symlink());
        assert_eq!(fs::read_to_string(&target).unwrap(), "root:x:0:0\n");
        let err = replace(Path::new("/dev/null"), b"x", Durability::PowerLoss).unwrap_err();
        assert!(matches!(err, OutputError::NotRegular { .. }), "{err:?}");
    }

    #[test]
    fn a_missing_directory_is_a_write_error_naming_the_target() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("gone/report.html");
        let err = replace(&path, b"x", Durability::PowerLoss).unwrap_err();
        assert!(matches!(err, OutputError::Write { .. }), "{err:?}");
        assert!(err.to_string().contains("gone/report.html"), "{err}");
    }
}
