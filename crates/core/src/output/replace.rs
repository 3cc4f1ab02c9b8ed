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
#[non_exhaustive]
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
    replace_with(target, durability, |out| out.write_all(bytes))
}

/// [`replace`], with the new content written by `write` (through a buffer) rather than given
/// whole: a large file is rewritten by streaming, without being held in memory. An error of
/// `write` leaves `target` as it was.
pub fn replace_with(
    target: &Path,
    durability: Durability,
    write: impl FnOnce(&mut dyn Write) -> io::Result<()>,
) -> Result<(), OutputError> {
    replace_returning(target, durability, write).map(drop)
}

/// [`replace`], returning the new file, open for writing: for a file then written in place
/// (a checkpoint, [`super::slots`]).
pub(crate) fn replace_keeping(
    target: &Path,
    bytes: &[u8],
    durability: Durability,
) -> Result<File, OutputError> {
    replace_returning(target, durability, |out| out.write_all(bytes))
}

fn replace_returning(
    target: &Path,
    durability: Durability,
    write: impl FnOnce(&mut dyn Write) -> io::Result<()>,
) -> Result<File, OutputError> {
    let fail = OutputError::write(target);
    let existing = check_output(target)?;
    let dir = dir_of(target);
    let (mut file, temp) =
        create_unique(dir, &temporary_prefix(target), TEMPORARY_SUFFIX).map_err(fail)?;
    let written = fill(&mut file, existing.as_ref(), write, durability)
        .and_then(|()| fs::rename(&temp, target));
    if let Err(e) = written {
        let _ = fs::remove_file(&temp);
        return Err(OutputError::write(target)(e));
    }
    if durability == Durability::PowerLoss {
        sync_dir(dir);
    }
    Ok(file)
}

/// Suffix of a temporary file of [`replace`].
const TEMPORARY_SUFFIX: &str = ".tmp";

/// The directory `target` is in (`.` for a bare name).
fn dir_of(target: &Path) -> &Path {
    match target.parent() {
        Some(p) if !p.as_os_str().is_empty() => p,
        _ => Path::new("."),
    }
}

/// What the name of every temporary file of `target` starts with: `.{name}.`, then
/// `{pid}-{n}.tmp`.
fn temporary_prefix(target: &Path) -> String {
    let name = target
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    format!(".{name}.")
}

/// Deletes the temporary files of [`replace`] that a process killed while replacing `target`
/// left behind (`.{name}.{pid}-{n}.tmp`, and nothing else).
///
/// Call it only while holding what every writer of `target` holds around its replace (the
/// output's lock, a run's checkpoint lock): no live writer's temporary file can then exist.
/// Best effort: one that cannot be deleted stays, harmless.
pub(crate) fn remove_stale_temporaries(target: &Path) {
    let prefix = temporary_prefix(target);
    let Ok(entries) = fs::read_dir(dir_of(target)) else {
        return;
    };
    for entry in entries.flatten() {
        let name = entry.file_name();
        let is_ours = name
            .to_str()
            .and_then(|n| n.strip_prefix(&prefix))
            .and_then(|n| n.strip_suffix(TEMPORARY_SUFFIX))
            .and_then(|n| n.split_once('-'))
            .is_some_and(|(pid, n)| is_number(pid) && is_number(n));
        if is_ours {
            let _ = fs::remove_file(entry.path());
        }
    }
}

fn is_number(text: &str) -> bool {
    !text.is_empty() && text.bytes().all(|b| b.is_ascii_digit())
}

/// Gives the temporary file the old file's mode and owner, then the new content.
fn fill(
    file: &mut File,
    existing: Option<&Metadata>,
    write: impl FnOnce(&mut dyn Write) -> io::Result<()>,
    durability: Durability,
) -> io::Result<()> {
    if let Some(old) = existing {
        file.set_permissions(permissions_kept(old))?;
        keep_owner(file, old);
    }
    let mut buffered = io::BufWriter::with_capacity(1 << 16, &mut *file);
    write(&mut buffered)?;
    buffered.flush()?;
    drop(buffered);
    if durability == Durability::PowerLoss {
        file.sync_data()?;
    }
    Ok(())
}

/// The old file's read, write and execute bits, never its setuid, setgid or sticky bit: a
/// file we write is data, never a program to run with its owner's rights.
#[cfg(unix)]
fn permissions_kept(old: &Metadata) -> fs::Permissions {
    use std::os::unix::fs::PermissionsExt;
    fs::Permissions::from_mode(old.permissions().mode() & 0o777)
}

#[cfg(not(unix))]
fn permissions_kept(old: &Metadata) -> fs::Permissions {
    old.permissions()
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
        // Under umask 0: a temporary file made without an explicit mode would be 0666
        // (tempfile's would be 0600).
        let test = "a_new_file_is_0644_and_a_replaced_one_keeps_its_mode";
        crate::output::test_child::with_umask(module_path!(), test, 0, || {
            let dir = tempfile::tempdir().unwrap();
            let path = dir.path().join("e.csv");
            replace(&path, b"a", Durability::ProcessKill).unwrap();
            assert_eq!(mode(&path), 0o644);
            fs::set_permissions(&path, fs::Permissions::from_mode(0o640)).unwrap();
            replace(&path, b"b", Durability::ProcessKill).unwrap();
            assert_eq!(mode(&path), 0o640);
        });
    }

    fn mode(path: &Path) -> u32 {
        fs::metadata(path).unwrap().permissions().mode() & 0o7777
    }

    #[test]
    fn a_replaced_file_never_keeps_a_setuid_setgid_or_sticky_bit() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("e.csv");
        fs::write(&path, "old").unwrap();
        fs::set_permissions(&path, fs::Permissions::from_mode(0o7755)).unwrap();
        assert_eq!(mode(&path) & 0o7000, 0o7000, "the bits were set");
        replace(&path, b"new", Durability::ProcessKill).unwrap();
        assert_eq!(mode(&path), 0o755);
    }

    #[test]
    fn stale_temporary_files_of_the_target_and_only_those_are_removed() {
        let dir = tempfile::tempdir().unwrap();
        let target = dir.path().join(".e.csv.run-1.checkpoint");
        let stale = [
            "..e.csv.run-1.checkpoint.123-0.tmp",
            "..e.csv.run-1.checkpoint.4-17.tmp",
        ];
        let others = [
            ".e.csv.run-1.checkpoint",
            "..e.csv.run-1.checkpoint.x-0.tmp",
            "..e.csv.run-1.checkpoint.12.tmp",
            "..e.csv.run-2.checkpoint.123-0.tmp",
            "..e.csv.run-1.checkpoint.123-0.probe",
            ".e.csv.123-0.tmp",
            "e.csv",
        ];
        for name in stale.iter().chain(&others) {
            fs::write(dir.path().join(name), "").unwrap();
        }
        remove_stale_temporaries(&target);
        let mut left: Vec<String> = fs::read_dir(dir.path())
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        left.sort();
        let mut expected: Vec<String> = others.iter().map(|n| n.to_string()).collect();
        expected.sort();
        assert_eq!(left, expected);
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
