//! The one rule for every file codecarbon writes or reads back: only regular files.
//!
//! - Never through a symbolic link at the file itself (`O_NOFOLLOW`): a link planted at
//!   `emissions.jsonl` must not make a run append to the file it points at. Directories above
//!   the file may be links (an `output_dir` the user named can be one).
//! - Never into, or out of, a FIFO, socket or device: such a file is refused before it is
//!   opened, and opened with `O_NONBLOCK` and checked again with `fstat` afterwards, so a FIFO
//!   swapped in between cannot hang us either; and with `O_NOCTTY`, so a terminal swapped in
//!   cannot become the controlling terminal of a tracker that leads its session.
//! - Created with mode 0644 (less the umask), like any file a user's program makes; a replaced
//!   file keeps its mode (see [`super::replace`]).
//! - Read with a size limit, so a huge file is an error rather than all of the memory.
//!
//! Files the user names as input (a config file, the board's CSVs) may be links to a regular
//! file ([`read_regular`]); files we write and read back may not ([`read_output`]).

use super::OutputError;
use std::fs::{self, File, Metadata, OpenOptions};
use std::io::{self, Read};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};

/// How many names [`create_unique`] tries before giving up.
const UNIQUE_TRIES: u32 = 16;

/// The mode of a file we create, before the umask.
#[cfg(unix)]
const CREATE_MODE: u32 = 0o644;

/// Opens `path` to append to it, creating it (0644) if missing.
pub fn open_append(path: &Path) -> Result<File, OutputError> {
    open_output(
        path,
        OpenOptions::new().read(true).append(true).create(true),
        OutputError::write(path),
    )
}

/// Opens the existing `path` to change it in place (to cut a torn line off).
pub(crate) fn open_existing(path: &Path) -> Result<File, OutputError> {
    open_output(
        path,
        OpenOptions::new().read(true).write(true),
        OutputError::write(path),
    )
}

/// Creates `path`, which must not exist (0644, never through a link): for temporary and
/// probe files, whose names are ours alone.
pub(crate) fn create_new(path: &Path) -> io::Result<File> {
    let mut options = OpenOptions::new();
    options.write(true).create_new(true);
    rule_flags(&mut options);
    options.open(path)
}

/// Creates a new file `{dir}/{prefix}{pid}-{n}{suffix}` under the rule, trying further names
/// while one is taken: for temporary and probe files, which must never be someone else's.
pub(crate) fn create_unique(dir: &Path, prefix: &str, suffix: &str) -> io::Result<(File, PathBuf)> {
    static NEXT: AtomicU64 = AtomicU64::new(0);
    for _ in 0..UNIQUE_TRIES {
        let n = NEXT.fetch_add(1, Ordering::Relaxed);
        let path = dir.join(format!("{prefix}{}-{n}{suffix}", std::process::id()));
        match create_new(&path) {
            Ok(file) => return Ok((file, path)),
            // Another process with our pid (another container), or a link planted there.
            Err(e) if e.kind() == io::ErrorKind::AlreadyExists => {}
            Err(e) => return Err(e),
        }
    }
    Err(io::Error::new(
        io::ErrorKind::AlreadyExists,
        "no free name for a new file",
    ))
}

/// Opens (creating if needed) a lock file: read and write, or read only for a lock file made
/// by another user (a read-only handle locks just as well).
pub(crate) fn open_lock(path: &Path) -> Result<File, OutputError> {
    let read_write = open_output(
        path,
        OpenOptions::new()
            .read(true)
            .write(true)
            .create(true)
            .truncate(false),
        OutputError::unwritable(path),
    );
    match read_write {
        Err(OutputError::Unwritable { source, .. })
            if source.kind() == io::ErrorKind::PermissionDenied && path.exists() =>
        {
            open_output(
                path,
                OpenOptions::new().read(true),
                OutputError::unwritable(path),
            )
        }
        other => other,
    }
}

/// Reads the whole file `path`, which the user named: a link to a regular file is followed,
/// anything else (a FIFO, `/dev/zero`) is refused without waiting, and a file over `max_bytes`
/// is [`OutputError::TooLarge`]. A missing file is [`OutputError::Read`] with
/// [`io::ErrorKind::NotFound`] (see [`OutputError::is_not_found`]).
///
/// ```
/// use codecarbon_core::output::{read_regular, OutputError};
/// let err = read_regular(std::path::Path::new("/dev/zero"), 1 << 20).unwrap_err();
/// assert!(matches!(err, OutputError::NotRegular { .. }), "{err}");
/// ```
pub fn read_regular(path: &Path, max_bytes: u64) -> Result<Vec<u8>, OutputError> {
    read_limited(path, open_regular(path, max_bytes)?, max_bytes)
}

/// Opens the file `path`, which the user named, to read it in pieces (a reader that streams a
/// large file): the rule of [`read_regular`], a link to a regular file followed, anything else
/// refused without waiting, and a file over `max_bytes` is [`OutputError::TooLarge`]. (Reading
/// it, take at most `max_bytes`: it may grow meanwhile.)
pub fn open_regular(path: &Path, max_bytes: u64) -> Result<File, OutputError> {
    match fs::metadata(path) {
        Ok(meta) => regular(path, &meta)?,
        Err(e) => return Err(OutputError::read(path)(e)),
    }
    let file = open_input(path).map_err(OutputError::read(path))?;
    // What was opened, not what was checked: a FIFO swapped in meanwhile is refused too.
    let meta = file.metadata().map_err(OutputError::read(path))?;
    regular(path, &meta)?;
    if meta.len() > max_bytes {
        return Err(OutputError::TooLarge {
            path: path.to_path_buf(),
            size: meta.len(),
            limit: max_bytes,
        });
    }
    Ok(file)
}

/// Opens a file the user named, for reading: links followed, but neither waiting for a FIFO's
/// writer nor taking a terminal, in case one was swapped in after the check.
fn open_input(path: &Path) -> io::Result<File> {
    let mut options = OpenOptions::new();
    options.read(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.custom_flags(NEVER_WAIT_NOR_TAKE_A_TERMINAL);
    }
    options.open(path)
}

/// Reads back the whole file `path` that codecarbon writes (a CSV, a checkpoint): like
/// [`read_regular`], but a link at the file itself is refused, not followed.
pub fn read_output(path: &Path, max_bytes: u64) -> Result<Vec<u8>, OutputError> {
    let file = open_output(path, OpenOptions::new().read(true), OutputError::read(path))?;
    read_limited(path, file, max_bytes)
}

/// Opens the file `path` that codecarbon writes, to read it back in pieces (its header and its
/// end, not the whole): the rule of [`read_output`], a link or a FIFO refused.
pub fn open_output_read(path: &Path) -> Result<File, OutputError> {
    open_output(path, OpenOptions::new().read(true), OutputError::read(path))
}

/// What is at `path`, without following a link there: `None` if nothing, an error if it is
/// something we must not open (a link, a FIFO, a device, a directory).
pub fn check_output(path: &Path) -> Result<Option<Metadata>, OutputError> {
    match fs::symlink_metadata(path) {
        Ok(meta) if meta.file_type().is_symlink() => Err(OutputError::symlink(path)),
        Ok(meta) => regular(path, &meta).map(|()| Some(meta)),
        Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(None),
        // Cannot tell (a directory we may not search): the open that follows will say why.
        Err(_) => Ok(None),
    }
}

/// Opens a file we write (or read back) under the rule: refused if it is a link or not a
/// regular file, before and after opening. `fail` words any other error.
pub(crate) fn open_output(
    path: &Path,
    options: &mut OpenOptions,
    fail: impl FnOnce(io::Error) -> OutputError,
) -> Result<File, OutputError> {
    check_output(path)?;
    open_checked(path, options, fail)
}

/// The open of [`open_output`] after its check: whatever was swapped in since (a link, a FIFO,
/// a device) is refused here, by the flags, by naming what now stands there when the open
/// fails (`ELOOP` for a link, `ENXIO` for a FIFO without a reader opened to write), and by
/// `fstat` on the file opened.
fn open_checked(
    path: &Path,
    options: &mut OpenOptions,
    fail: impl FnOnce(io::Error) -> OutputError,
) -> Result<File, OutputError> {
    rule_flags(options);
    let file = match options.open(path) {
        Ok(file) => file,
        Err(e) => {
            check_output(path)?;
            return Err(fail(e));
        }
    };
    let meta = file.metadata().map_err(OutputError::read(path))?;
    regular(path, &meta)?;
    Ok(file)
}

/// Reads at most `max_bytes` of the opened `file`, which must be a regular file (checked on the
/// open file, so one swapped in after the check of the path is caught); more is
/// [`OutputError::TooLarge`] (checked on the size first, and on what is read, since a file can
/// grow while it is read).
fn read_limited(path: &Path, file: File, max_bytes: u64) -> Result<Vec<u8>, OutputError> {
    let too_large = |size| OutputError::TooLarge {
        path: path.to_path_buf(),
        size,
        limit: max_bytes,
    };
    let meta = file.metadata().map_err(OutputError::read(path))?;
    regular(path, &meta)?;
    let size = meta.len();
    if size > max_bytes {
        return Err(too_large(size));
    }
    let mut bytes = Vec::with_capacity(usize::try_from(size).unwrap_or(0));
    file.take(max_bytes.saturating_add(1))
        .read_to_end(&mut bytes)
        .map_err(OutputError::read(path))?;
    if bytes.len() as u64 > max_bytes {
        return Err(too_large(bytes.len() as u64));
    }
    Ok(bytes)
}

/// Refuses anything but a regular file, naming what it is.
fn regular(path: &Path, meta: &Metadata) -> Result<(), OutputError> {
    if meta.file_type().is_file() {
        return Ok(());
    }
    Err(OutputError::NotRegular {
        path: path.to_path_buf(),
        kind: kind_of(meta),
    })
}

/// What a file that is not a regular one is, in words.
fn kind_of(meta: &Metadata) -> &'static str {
    let kind = meta.file_type();
    if kind.is_dir() {
        return "a directory";
    }
    if kind.is_symlink() {
        return "a symbolic link";
    }
    #[cfg(unix)]
    {
        use std::os::unix::fs::FileTypeExt;
        if kind.is_fifo() {
            return "a FIFO (named pipe)";
        }
        if kind.is_char_device() {
            return "a character device";
        }
        if kind.is_block_device() {
            return "a block device";
        }
        if kind.is_socket() {
            return "a socket";
        }
    }
    "not a regular file"
}

/// The flags of every open: a FIFO that appears between the check and the open does not
/// hang it (`O_NONBLOCK`), and a terminal that does is not made the controlling terminal of a
/// session leader (`O_NOCTTY`); the `fstat` after the open refuses either.
#[cfg(unix)]
const NEVER_WAIT_NOR_TAKE_A_TERMINAL: libc::c_int = libc::O_NONBLOCK | libc::O_NOCTTY;

/// The flags of every open, with `O_NOFOLLOW`, and mode 0644 for a file the open creates.
fn rule_flags(options: &mut OpenOptions) {
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options
            .custom_flags(libc::O_NOFOLLOW | NEVER_WAIT_NOR_TAKE_A_TERMINAL)
            .mode(CREATE_MODE);
    }
    #[cfg(not(unix))]
    let _ = options;
}

#[cfg(all(test, unix))]
mod tests {
    #![allow(clippy::unwrap_used, clippy::panic)]
    use super::*;
    use std::os::unix::fs::{symlink, PermissionsExt};
    use std::time::{Duration, Instant};

    fn mkfifo(path: &Path) {
        let c = std::ffi::CString::new(path.as_os_str().as_encoded_bytes()).unwrap();
        // SAFETY: a valid NUL-terminated path.
        assert_eq!(unsafe { libc::mkfifo(c.as_ptr(), 0o644) }, 0);
    }

    #[test]
    fn a_new_file_is_0644_less_the_umask() {
        // Under umask 0, where a file created without an explicit mode would be 0666.
        crate::output::test_child::with_umask(
            module_path!(),
            "a_new_file_is_0644_less_the_umask",
            0,
            || {
                let dir = tempfile::tempdir().unwrap();
                let mode = |p: &Path| fs::metadata(p).unwrap().permissions().mode() & 0o7777;
                let appended = dir.path().join("new.csv");
                open_append(&appended).unwrap();
                let lock = dir.path().join(".new.csv.lock");
                open_lock(&lock).unwrap();
                let (_, unique) = create_unique(dir.path(), ".new.csv.", ".tmp").unwrap();
                for path in [appended, lock, unique] {
                    assert_eq!(mode(&path), 0o644, "{}", path.display());
                }
            },
        );
    }

    #[test]
    fn a_link_at_the_file_is_refused_and_its_target_untouched() {
        let dir = tempfile::tempdir().unwrap();
        let target = dir.path().join("passwd");
        fs::write(&target, "root:x:0:0\n").unwrap();
        let link = dir.path().join("emissions.jsonl");
        symlink(&target, &link).unwrap();
        for err in [
            open_append(&link).unwrap_err(),
            open_existing(&link).unwrap_err(),
            open_lock(&link).unwrap_err(),
            read_output(&link, 100).unwrap_err(),
        ] {
            assert!(matches!(err, OutputError::Symlink { .. }), "{err:?}");
            let text = err.to_string();
            assert!(
                text.contains("emissions.jsonl") && text.contains("remove"),
                "{text}"
            );
        }
        // A dangling link is not followed to create its target either.
        let dangling = dir.path().join("dangling");
        symlink(dir.path().join("created-elsewhere"), &dangling).unwrap();
        assert!(open_append(&dangling).is_err());
        assert!(!dir.path().join("created-elsewhere").exists());
        assert!(create_new(&dangling).is_err());
        assert_eq!(fs::read_to_string(&target).unwrap(), "root:x:0:0\n");
        // The user's own input may be a link to a regular file.
        assert_eq!(read_regular(&link, 100).unwrap(), b"root:x:0:0\n");
    }

    #[test]
    fn a_directory_above_the_file_may_be_a_link() {
        let dir = tempfile::tempdir().unwrap();
        fs::create_dir(dir.path().join("real")).unwrap();
        symlink(dir.path().join("real"), dir.path().join("out")).unwrap();
        open_append(&dir.path().join("out/e.csv")).unwrap();
        assert!(dir.path().join("real/e.csv").exists());
    }

    #[test]
    fn a_fifo_or_a_device_is_refused_at_once() {
        let dir = tempfile::tempdir().unwrap();
        let fifo = dir.path().join("emissions.csv");
        mkfifo(&fifo);
        let start = Instant::now();
        for err in [
            open_append(&fifo).unwrap_err(),
            open_lock(&fifo).unwrap_err(),
            read_output(&fifo, 100).unwrap_err(),
            read_regular(&fifo, 100).unwrap_err(),
            read_regular(Path::new("/dev/zero"), 100).unwrap_err(),
        ] {
            assert!(matches!(err, OutputError::NotRegular { .. }), "{err:?}");
            let text = err.to_string();
            assert!(text.contains("not a regular file"), "{text}");
        }
        let text = read_regular(&fifo, 100).unwrap_err().to_string();
        assert!(
            text.contains("FIFO") && text.contains("emissions.csv"),
            "{text}"
        );
        assert!(start.elapsed() < Duration::from_secs(5));
    }

    #[test]
    fn a_fifo_is_refused_even_when_the_check_before_opening_passes() {
        // What catches a FIFO swapped in after the check: the open alone, without the check
        // before it. Opened to read (O_NONBLOCK: no writer needed), the fstat after it refuses
        // the FIFO; opened to write, the open fails (no reader: ENXIO), and the error names
        // what now stands there rather than calling the file unwritable.
        let dir = tempfile::tempdir().unwrap();
        let fifo = dir.path().join("f");
        mkfifo(&fifo);
        for options in [
            OpenOptions::new().read(true),
            OpenOptions::new().append(true),
            OpenOptions::new().read(true).write(true),
        ] {
            let err = open_checked(&fifo, options, OutputError::unwritable(&fifo)).unwrap_err();
            assert!(
                matches!(err, OutputError::NotRegular { kind, .. } if kind.contains("FIFO")),
                "{options:?}: {err:?}"
            );
        }
        // A file the user names: refused by the read, not read as an empty file.
        let input = open_input(&fifo).unwrap();
        let err = read_limited(&fifo, input, 100).unwrap_err();
        assert!(matches!(err, OutputError::NotRegular { .. }), "{err:?}");
    }

    #[cfg(target_os = "linux")]
    #[test]
    fn a_terminal_swapped_in_never_becomes_the_controlling_one() {
        use crate::output::test_child;
        use std::os::fd::{FromRawFd, OwnedFd};
        if let Some(terminal) = test_child::handed() {
            // The child: a session leader without a terminal, where opening one without
            // O_NOCTTY makes it the controlling terminal. Opened as every open of ours opens.
            let terminal = Path::new(&terminal);
            let _input = open_input(terminal).unwrap();
            let mut options = OpenOptions::new();
            options.read(true).write(true);
            rule_flags(&mut options);
            let _output = options.open(terminal).unwrap();
            let err = File::open("/dev/tty").unwrap_err();
            assert_eq!(
                err.raw_os_error(),
                Some(libc::ENXIO),
                "a controlling terminal"
            );
            return;
        }
        // SAFETY: plain calls on a descriptor we own; the name is read into our buffer.
        let (master, name) = unsafe {
            let fd = libc::posix_openpt(libc::O_RDWR | libc::O_NOCTTY);
            assert!(fd >= 0, "{}", io::Error::last_os_error());
            let master = OwnedFd::from_raw_fd(fd);
            assert_eq!(libc::grantpt(fd), 0);
            assert_eq!(libc::unlockpt(fd), 0);
            let mut name = [0 as libc::c_char; 128];
            assert_eq!(libc::ptsname_r(fd, name.as_mut_ptr(), name.len()), 0);
            let name = std::ffi::CStr::from_ptr(name.as_ptr());
            (master, name.to_string_lossy().into_owned())
        };
        test_child::run_alone(
            module_path!(),
            "a_terminal_swapped_in_never_becomes_the_controlling_one",
            &name,
            true,
        );
        drop(master);
    }

    #[test]
    fn a_file_over_the_limit_is_a_clear_error() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("big");
        fs::write(&path, vec![b'x'; 101]).unwrap();
        assert_eq!(read_output(&path, 101).unwrap().len(), 101);
        let err = read_output(&path, 100).unwrap_err();
        assert!(matches!(
            err,
            OutputError::TooLarge {
                size: 101,
                limit: 100,
                ..
            }
        ));
        assert!(err.to_string().contains("101 bytes"), "{err}");
    }

    #[test]
    fn a_missing_file_says_so() {
        let dir = tempfile::tempdir().unwrap();
        let err = read_regular(&dir.path().join("none"), 10).unwrap_err();
        assert!(err.is_not_found(), "{err:?}");
        assert!(read_output(&dir.path().join("none"), 10)
            .unwrap_err()
            .is_not_found());
        assert!(check_output(&dir.path().join("none")).unwrap().is_none());
    }
}
