//! [`OutputPaths`]: where an output file and its side files live, and checking up front that
//! they can be written.

use super::file::{check_output, create_unique, open_lock, open_output};
use super::{LockFile, OutputError};
use std::fs::{self, OpenOptions};
use std::io;
use std::path::{Path, PathBuf};
use std::time::Duration;

/// Suffix of the lock file every writer of an output file takes (see [`OutputPaths::lock`]).
const LOCK_SUFFIX: &str = ".lock";

/// How long a writer waits for the output's lock ([`OutputPaths::acquire_lock`]): far longer
/// than a write of ours holds it (a row appended takes milliseconds, a CSV of a million rows
/// rewritten in `update` mode a few seconds), yet shorter than the 10 s a run's end waits for
/// its outputs, so that a lock held for ever (a stuck or hostile process: a lock file can be
/// locked by anyone who can read it) is a clear error, the record kept in its checkpoint,
/// rather than an output that never answers.
pub const LOCK_PATIENCE: Duration = Duration::from_secs(5);

/// The resolved names of one output file: the file, its directory, and its side files.
///
/// Side files (locks, checkpoints, temporary files) are hidden files named after the output
/// file and kept in its directory: a user sees which output they belong to, and a rename from
/// one onto the output never crosses file systems.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OutputPaths {
    dir: PathBuf,
    file: PathBuf,
    name: String,
}

impl OutputPaths {
    /// `output_dir.join(output_file)`, split into directory and file name.
    ///
    /// `output_file` may hold directories (`sub/emissions.csv`); the output's directory is then
    /// `output_dir/sub`. Fails with [`OutputError::BadFileName`] when the result has no UTF-8
    /// file name (`..`, `/`), since side files are named after it.
    pub fn new(output_dir: &Path, output_file: &str) -> Result<Self, OutputError> {
        Self::from_file(output_dir.join(output_file), None)
    }

    /// Like [`OutputPaths::new`], with the extension replaced by `extension`
    /// (`emissions.csv` → `emissions.jsonl`): for a sink that writes beside the CSV under the
    /// same `output_dir`/`output_file` settings. A name without extension gains one.
    pub fn with_extension(
        output_dir: &Path,
        output_file: &str,
        extension: &str,
    ) -> Result<Self, OutputError> {
        Self::from_file(output_dir.join(output_file), Some(extension))
    }

    /// Splits `path` (with its extension replaced, if asked) into directory and file name;
    /// an error names `path` as the user wrote it.
    fn from_file(path: PathBuf, extension: Option<&str>) -> Result<Self, OutputError> {
        if path.file_name().is_none() {
            return Err(OutputError::BadFileName { path });
        }
        let file = match extension {
            Some(ext) => path.with_extension(ext),
            None => path.clone(),
        };
        let Some(name) = file.file_name().and_then(|n| n.to_str()).map(str::to_owned) else {
            return Err(OutputError::BadFileName { path });
        };
        let dir = match file.parent() {
            Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
            _ => PathBuf::from("."),
        };
        Ok(Self { dir, file, name })
    }

    /// The directory holding the output file and its side files (`.` for a bare file name),
    /// where temporary files must be made for a rename onto the output to be atomic.
    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// The output file itself.
    pub fn file(&self) -> &Path {
        &self.file
    }

    /// The output file's name, the stem of every side file.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// The side file `.{name}{suffix}` in [`OutputPaths::dir`]: hidden, and recognisably the
    /// output's. `suffix` should start with `.`.
    pub fn side_file(&self, suffix: &str) -> PathBuf {
        self.dir.join(format!(".{}{suffix}", self.name))
    }

    /// `.{name}.lock`, the lock every writer of the output takes with [`LockFile`]. A side file
    /// rather than the output itself: the output may be replaced by rename or moved away by a
    /// user, and a lock on a replaced inode would exclude nobody.
    pub fn lock(&self) -> PathBuf {
        self.side_file(LOCK_SUFFIX)
    }

    /// Creates the directory if needed and proves it writable: creates the lock file, creates
    /// and deletes a probe file (so new side files can be made), refuses an output file that
    /// is a directory, a link, a FIFO or a device, and opens an existing output file for
    /// appending.
    ///
    /// Call it when the sink is built, so that a bad `output_dir` or `output_file` fails there
    /// with a clear message rather than losing the first row. Afterwards the directory holds
    /// the lock file and nothing else new.
    pub fn prepare(&self) -> Result<(), OutputError> {
        self.ensure_dir()?;
        open_lock(&self.lock())?;
        // The lock file may exist already: prove that new files can be made by making one.
        let (probe, path) = create_unique(&self.dir, &format!(".{}.", self.name), ".probe")
            .map_err(OutputError::unwritable(&self.dir))?;
        drop(probe);
        fs::remove_file(&path).map_err(OutputError::unwritable(&self.dir))?;
        if fs::symlink_metadata(&self.file).is_ok_and(|m| m.is_dir()) {
            return Err(OutputError::FileIsDir {
                path: self.file.clone(),
            });
        }
        if check_output(&self.file)?.is_some() {
            open_output(
                &self.file,
                OpenOptions::new().append(true),
                OutputError::unwritable(&self.file),
            )?;
        }
        Ok(())
    }

    /// Creates the output's directory if it is missing: at start, and before each write,
    /// since a directory deleted during the run (a cleanup script) must not cost the run its
    /// record.
    pub fn ensure_dir(&self) -> Result<(), OutputError> {
        let create_dir = |source| OutputError::CreateDir {
            path: self.dir.clone(),
            source,
        };
        fs::create_dir_all(&self.dir).map_err(create_dir)?;
        if !self.dir.is_dir() {
            return Err(create_dir(io::Error::new(
                io::ErrorKind::NotADirectory,
                "not a directory",
            )));
        }
        Ok(())
    }

    /// Takes the output's lock ([`OutputPaths::lock`]), waiting for it at most
    /// [`LOCK_PATIENCE`], after making the directory again if it vanished: what every writer of
    /// the output does around a write. Still busy then: [`OutputError::LockBusy`].
    pub fn acquire_lock(&self) -> Result<LockFile, OutputError> {
        self.acquire_lock_within(LOCK_PATIENCE)
    }

    /// [`OutputPaths::acquire_lock`], waiting at most `patience`.
    pub fn acquire_lock_within(&self, patience: Duration) -> Result<LockFile, OutputError> {
        self.ensure_dir()?;
        let path = self.lock();
        match LockFile::acquire_within(&path, patience)? {
            Some(lock) => Ok(lock),
            None => Err(OutputError::LockBusy {
                path,
                waited: patience,
            }),
        }
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::panic)]
    use super::*;

    #[test]
    fn names_side_files_after_the_output() {
        let p = OutputPaths::new(Path::new("/out"), "emissions.csv").unwrap();
        assert_eq!(p.dir(), Path::new("/out"));
        assert_eq!(p.file(), Path::new("/out/emissions.csv"));
        assert_eq!(p.name(), "emissions.csv");
        assert_eq!(p.lock(), Path::new("/out/.emissions.csv.lock"));
        assert_eq!(
            p.side_file(".a.checkpoint"),
            Path::new("/out/.emissions.csv.a.checkpoint")
        );
        let sub = OutputPaths::new(Path::new("out"), "sub/e.csv").unwrap();
        assert_eq!(sub.dir(), Path::new("out/sub"));
        assert_eq!(sub.name(), "e.csv");
        let bare = OutputPaths::new(Path::new(""), "e.csv").unwrap();
        assert_eq!(bare.dir(), Path::new("."));
        assert!(matches!(
            OutputPaths::new(Path::new("/"), ".."),
            Err(OutputError::BadFileName { .. })
        ));
    }

    #[test]
    fn replaces_the_extension() {
        let p = OutputPaths::with_extension(Path::new("/out"), "emissions.csv", "jsonl").unwrap();
        assert_eq!(p.file(), Path::new("/out/emissions.jsonl"));
        assert_eq!(p.lock(), Path::new("/out/.emissions.jsonl.lock"));
        let p = OutputPaths::with_extension(Path::new("out"), "sub/runs", "jsonl").unwrap();
        assert_eq!(p.file(), Path::new("out/sub/runs.jsonl"));
        assert_eq!(p.dir(), Path::new("out/sub"));
        match OutputPaths::with_extension(Path::new("/"), "..", "jsonl") {
            // The error names what the user wrote, not the derived name.
            Err(OutputError::BadFileName { path }) => assert_eq!(path, Path::new("/..")),
            other => panic!("expected BadFileName, got {other:?}"),
        }
    }

    #[test]
    fn prepare_creates_the_directory_and_leaves_only_the_lock_file() {
        let dir = tempfile::tempdir().unwrap();
        let p = OutputPaths::new(&dir.path().join("new/sub"), "emissions.csv").unwrap();
        p.prepare().unwrap();
        p.prepare().unwrap(); // again, with the lock file already there
        let names: Vec<_> = fs::read_dir(p.dir())
            .unwrap()
            .map(|e| e.unwrap().file_name())
            .collect();
        assert_eq!(names, [".emissions.csv.lock"]);
    }

    #[test]
    fn prepare_opens_an_existing_output_and_leaves_it_alone() {
        let dir = tempfile::tempdir().unwrap();
        let p = OutputPaths::new(dir.path(), "emissions.csv").unwrap();
        fs::write(p.file(), "kept").unwrap();
        p.prepare().unwrap();
        assert_eq!(fs::read_to_string(p.file()).unwrap(), "kept");
    }

    #[test]
    fn prepare_refuses_a_file_in_place_of_the_directory() {
        let dir = tempfile::tempdir().unwrap();
        let blocker = dir.path().join("out");
        fs::write(&blocker, "x").unwrap();
        for output_dir in [blocker.clone(), blocker.join("sub")] {
            let err = OutputPaths::new(&output_dir, "emissions.csv")
                .unwrap()
                .prepare()
                .unwrap_err();
            assert!(matches!(err, OutputError::CreateDir { .. }), "{err:?}");
            let text = err.to_string();
            assert!(text.contains(&output_dir.display().to_string()), "{text}");
            assert!(
                text.contains("set `output_dir` to a directory you can write"),
                "{text}"
            );
        }
        assert_eq!(fs::read_to_string(&blocker).unwrap(), "x");
    }

    #[test]
    fn prepare_refuses_an_output_file_that_is_a_directory() {
        let dir = tempfile::tempdir().unwrap();
        let p = OutputPaths::new(dir.path(), "emissions.csv").unwrap();
        fs::create_dir(p.file()).unwrap();
        let err = p.prepare().unwrap_err();
        assert!(matches!(err, OutputError::FileIsDir { .. }), "{err:?}");
        assert!(err.to_string().contains("set `output_file`"), "{err}");
    }

    #[cfg(unix)]
    #[test]
    fn prepare_refuses_a_read_only_output() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        let p = OutputPaths::new(dir.path(), "emissions.csv").unwrap();
        fs::write(p.file(), "").unwrap();
        fs::set_permissions(p.file(), fs::Permissions::from_mode(0o444)).unwrap();
        // Root may write anyway; the check only means something for other users.
        if OpenOptions::new().append(true).open(p.file()).is_ok() {
            return;
        }
        let err = p.prepare().unwrap_err();
        assert!(matches!(err, OutputError::Unwritable { .. }), "{err:?}");
        assert!(err.to_string().contains("fix the permissions"), "{err}");
    }

    #[cfg(unix)]
    #[test]
    fn prepare_refuses_a_link_or_a_fifo_at_the_output_or_its_lock() {
        let dir = tempfile::tempdir().unwrap();
        let p = OutputPaths::new(dir.path(), "emissions.jsonl").unwrap();
        let passwd = dir.path().join("passwd");
        fs::write(&passwd, "root:x:0:0\n").unwrap();
        std::os::unix::fs::symlink(&passwd, p.file()).unwrap();
        let err = p.prepare().unwrap_err();
        assert!(matches!(err, OutputError::Symlink { .. }), "{err:?}");
        fs::remove_file(p.file()).unwrap();
        fs::remove_file(p.lock()).unwrap();
        std::os::unix::fs::symlink(&passwd, p.lock()).unwrap();
        let err = p.prepare().unwrap_err();
        assert!(matches!(err, OutputError::Symlink { .. }), "{err:?}");
        assert_eq!(fs::read_to_string(&passwd).unwrap(), "root:x:0:0\n");
        fs::remove_file(p.lock()).unwrap();
        let fifo = std::ffi::CString::new(p.file().as_os_str().as_encoded_bytes()).unwrap();
        // SAFETY: a valid NUL-terminated path.
        assert_eq!(unsafe { libc::mkfifo(fifo.as_ptr(), 0o644) }, 0);
        let err = p.prepare().unwrap_err(); // at once: no reader is waited for
        assert!(matches!(err, OutputError::NotRegular { .. }), "{err:?}");
    }

    #[test]
    fn a_vanished_directory_is_made_again_for_the_lock() {
        let dir = tempfile::tempdir().unwrap();
        let p = OutputPaths::new(&dir.path().join("out"), "e.csv").unwrap();
        p.prepare().unwrap();
        fs::remove_dir_all(p.dir()).unwrap();
        let lock = p.acquire_lock().unwrap();
        assert!(lock.path().exists());
    }

    #[test]
    fn a_lock_held_elsewhere_is_a_clear_error_after_the_patience() {
        let dir = tempfile::tempdir().unwrap();
        let p = OutputPaths::new(dir.path(), "e.csv").unwrap();
        let _held = p.acquire_lock().unwrap();
        let err = p
            .acquire_lock_within(Duration::from_millis(100))
            .unwrap_err();
        assert!(matches!(err, OutputError::LockBusy { .. }), "{err:?}");
        let text = err.to_string();
        assert!(
            text.contains(".e.csv.lock") && text.contains("fuser"),
            "{text}"
        );
    }
}
