//! File plumbing for sinks that write into `output_dir`: where the output file and its side files
//! live, checking up front that they can be written, and the advisory lock writers share.
//!
//! A file sink needs the same few things, and getting them subtly wrong loses rows, so they live
//! here once:
//!
//! - [`OutputPaths`] resolves `output_dir`/`output_file` into the output file, its directory and
//!   its hidden side files (`.{file name}{suffix}`), all in one directory so that a rename between
//!   them stays atomic (same file system).
//! - [`OutputPaths::prepare`] creates the directory and proves it writable when the sink is
//!   built, so that a bad `output_dir` is a clear error at start rather than a lost row at stop.
//! - [`LockFile`] is an exclusive advisory lock on a side file (`File::lock`: `flock` on Unix,
//!   `LockFileEx` on Windows), which the kernel drops when the holder dies, even by SIGKILL.
//! - [`OutputError`] says what went wrong and how to fix it; wrap it in a sink's own error with
//!   `#[error(transparent)] Output(#[from] OutputError)`.
//!
//! ```no_run
//! use codecarbon_core::output::{LockFile, OutputError, OutputPaths};
//! use std::path::Path;
//!
//! // When the sink is built: resolve the names, and fail now on a bad `output_dir`.
//! let paths = OutputPaths::with_extension(Path::new("out"), "emissions.csv", "log")?;
//! paths.prepare()?;
//! // Around each write: the lock, then append to `paths.file()`.
//! let _lock = LockFile::acquire(&paths.lock())?;
//! # Ok::<(), OutputError>(())
//! ```

use std::fs::{self, File, OpenOptions, TryLockError};
use std::io;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use thiserror::Error;

/// Suffix of the lock file every writer of an output file takes (see [`OutputPaths::lock`]).
const LOCK_SUFFIX: &str = ".lock";

/// How many names [`OutputPaths::prepare`] tries for its probe file before giving up.
const PROBE_TRIES: u32 = 16;

/// Why an output file or its directory cannot be used, in words that say how to fix it.
///
/// A sink wraps it rather than repeating it, so that every file sink reports the same problem
/// the same way: `#[error(transparent)] Output(#[from] OutputError)`.
#[derive(Debug, Error)]
#[non_exhaustive]
pub enum OutputError {
    /// `output_file` has no file name (`..`, `/`, or not UTF-8): there is nothing to name the
    /// output and its side files after.
    #[error("`output_file` resolves to {path}, which is not a file name; set `output_file` to a file name such as `emissions.csv`")]
    BadFileName {
        /// The resolved path.
        path: PathBuf,
    },
    /// The output directory could not be created (or a file is where it should be).
    #[error("cannot create the output directory {path}: {source}; set `output_dir` to a directory you can write (or move away the file that is in its way)")]
    CreateDir {
        /// The directory.
        path: PathBuf,
        /// The underlying error.
        source: io::Error,
    },
    /// A file in the output directory could not be opened for writing, or no new file can be
    /// made there.
    #[error("cannot write {path}: {source}; set `output_dir` to a directory you can write, or fix the permissions of that file")]
    Unwritable {
        /// The file (or the directory, when no new file can be made in it).
        path: PathBuf,
        /// The underlying error.
        source: io::Error,
    },
    /// The output file is a directory, so nothing can ever be appended to it.
    #[error("the output file {path} is a directory; set `output_file` to another name, or move the directory away")]
    FileIsDir {
        /// The path.
        path: PathBuf,
    },
    /// An advisory lock could not be taken.
    #[error("cannot lock {path}: {source}; the file system may not support locks (some network mounts do not): use a local `output_dir`")]
    Lock {
        /// The lock file.
        path: PathBuf,
        /// The underlying error.
        source: io::Error,
    },
}

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
    /// is a directory, and opens an existing output file for appending.
    ///
    /// Call it when the sink is built, so that a bad `output_dir` or `output_file` fails there
    /// with a clear message rather than losing the first row. Afterwards the directory holds
    /// the lock file and nothing else new.
    pub fn prepare(&self) -> Result<(), OutputError> {
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
        let lock = self.lock();
        OpenOptions::new()
            .read(true)
            .write(true)
            .create(true)
            .truncate(false)
            .open(&lock)
            .map_err(unwritable(&lock))?;
        // The lock file may exist already: prove that new files can be made by making one.
        self.probe_new_file().map_err(unwritable(&self.dir))?;
        if self.file.is_dir() {
            return Err(OutputError::FileIsDir {
                path: self.file.clone(),
            });
        }
        if self.file.exists() {
            OpenOptions::new()
                .append(true)
                .open(&self.file)
                .map_err(unwritable(&self.file))?;
        }
        Ok(())
    }

    /// Creates and deletes a uniquely named side file, `.{name}.{pid}-{n}.probe`.
    fn probe_new_file(&self) -> io::Result<()> {
        static NEXT: AtomicU64 = AtomicU64::new(0);
        for _ in 0..PROBE_TRIES {
            let n = NEXT.fetch_add(1, Ordering::Relaxed);
            let probe = self.side_file(&format!(".{}-{n}.probe", std::process::id()));
            match OpenOptions::new().write(true).create_new(true).open(&probe) {
                Ok(file) => {
                    drop(file);
                    return fs::remove_file(&probe);
                }
                // Another process with our pid (another container) probing at the same time.
                Err(e) if e.kind() == io::ErrorKind::AlreadyExists => {}
                Err(e) => return Err(e),
            }
        }
        Err(io::Error::new(
            io::ErrorKind::AlreadyExists,
            "no free name for a probe file",
        ))
    }
}

/// The error for a file that could not be opened for writing.
fn unwritable(path: &Path) -> impl FnOnce(io::Error) -> OutputError {
    let path = path.to_path_buf();
    move |source| OutputError::Unwritable { path, source }
}

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
    /// Waits for the lock on `path`, creating the file if needed: for a writer that must write.
    pub fn acquire(path: &Path) -> Result<Self, OutputError> {
        Self::take(path, true)?.ok_or_else(|| OutputError::Lock {
            path: path.to_path_buf(),
            source: io::Error::other("lock unexpectedly busy"),
        })
    }

    /// Takes the lock on `path` if nobody holds it, `None` when someone does: for telling
    /// whether the holder is still alive without waiting for it.
    pub fn try_acquire(path: &Path) -> Result<Option<Self>, OutputError> {
        Self::take(path, false)
    }

    /// The lock file.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Deletes the lock file, then releases the lock: for a lock that is done with (a run that
    /// is over). Safe against the race above: whoever opened the old file finds, once it gets
    /// the lock, that the path no longer names it.
    pub fn remove(self) {
        // Nothing to do if it is already gone; a leftover lock file is harmless.
        let _ = fs::remove_file(&self.path);
        drop(self.file);
    }

    fn take(path: &Path, wait: bool) -> Result<Option<Self>, OutputError> {
        let fail = |source| OutputError::Lock {
            path: path.to_path_buf(),
            source,
        };
        loop {
            let file = open(path).map_err(unwritable(path))?;
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
}

/// Opens (creating if needed) a lock file.
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

/// Whether `path` still names the open `file`.
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

/// Whether `path` still names the open `file`.
#[cfg(not(unix))]
fn still_named(_file: &File, path: &Path) -> io::Result<bool> {
    // Windows refuses to delete an open file, so the race cannot happen there.
    Ok(path.exists())
}

#[cfg(test)]
mod tests {
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

    #[test]
    fn excludes_other_handles_until_dropped() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join(".x.lock");
        let held = LockFile::acquire(&path).unwrap();
        assert_eq!(held.path(), path);
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

    #[test]
    fn a_lock_in_a_missing_directory_is_unwritable() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("missing/.x.lock");
        let err = LockFile::acquire(&path).unwrap_err();
        assert!(matches!(err, OutputError::Unwritable { .. }), "{err:?}");
    }
}
