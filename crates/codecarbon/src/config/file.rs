//! Reading a config file without trusting what is at its path: only a regular file (or a
//! symlink to one, as dotfile managers make) is read, and only up to a size. A FIFO would hang
//! the start, `/dev/zero` would fill the memory, and opening some devices does things.

use std::fs::{File, FileType, Metadata, OpenOptions};
use std::io::{self, Read};
use std::path::Path;
use thiserror::Error;

/// The largest config file read: a real one is a few hundred bytes.
pub const MAX_BYTES: u64 = 1 << 20;

/// Why a config file's bytes could not be had.
#[derive(Debug, Error)]
pub enum ReadError {
    /// The system refused (a missing file is `NotFound`).
    #[error("{0}")]
    Io(#[from] io::Error),
    /// A FIFO, a device, a directory or a socket where a file should be.
    #[error(
        "it is {kind}, not a regular file (only regular files, or symlinks to them, are read)"
    )]
    NotRegular {
        /// What it is, with its article (`a FIFO`).
        kind: &'static str,
    },
    /// Larger than the limit.
    #[error("it is larger than {limit} bytes, the most a config file may have")]
    TooLarge {
        /// The limit, in bytes.
        limit: u64,
    },
}

/// What a file type is, in words.
fn kind_of(file_type: FileType) -> &'static str {
    #[cfg(unix)]
    {
        use std::os::unix::fs::FileTypeExt;
        if file_type.is_fifo() {
            return "a FIFO (named pipe)";
        }
        if file_type.is_char_device() {
            return "a character device";
        }
        if file_type.is_block_device() {
            return "a block device";
        }
        if file_type.is_socket() {
            return "a socket";
        }
    }
    if file_type.is_dir() {
        "a directory"
    } else {
        "not a regular file"
    }
}

fn regular(meta: &Metadata, max_bytes: u64) -> Result<(), ReadError> {
    if !meta.is_file() {
        return Err(ReadError::NotRegular {
            kind: kind_of(meta.file_type()),
        });
    }
    if meta.len() > max_bytes {
        return Err(ReadError::TooLarge { limit: max_bytes });
    }
    Ok(())
}

/// Opens `path` for reading without waiting for a FIFO's writer, nor taking a terminal.
fn open(path: &Path) -> io::Result<File> {
    let mut options = OpenOptions::new();
    options.read(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.custom_flags(libc::O_NONBLOCK | libc::O_NOCTTY);
    }
    options.open(path)
}

/// The bytes of the regular file at `path` (symlinks followed), at most `max_bytes` of them.
///
/// What the path names is checked before it is opened, so a device is never opened, and again
/// on the open file, so a file swapped in between is caught too; a file that grows past the
/// limit while it is read is refused as well.
///
/// (`codecarbon_core::output` is to get a general `read_regular`; this one can become it.)
pub(super) fn read_regular(path: &Path, max_bytes: u64) -> Result<Vec<u8>, ReadError> {
    regular(&std::fs::metadata(path)?, max_bytes)?;
    let file = open(path)?;
    regular(&file.metadata()?, max_bytes)?;
    let mut bytes = Vec::new();
    file.take(max_bytes.saturating_add(1))
        .read_to_end(&mut bytes)?;
    if bytes.len() as u64 > max_bytes {
        return Err(ReadError::TooLarge { limit: max_bytes });
    }
    Ok(bytes)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_a_regular_file_and_through_a_symlink() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("real");
        std::fs::write(&file, "[codecarbon]\n").unwrap();
        assert_eq!(read_regular(&file, 100).unwrap(), b"[codecarbon]\n");
        #[cfg(unix)]
        {
            let link = dir.path().join("link");
            std::os::unix::fs::symlink(&file, &link).unwrap();
            assert_eq!(read_regular(&link, 100).unwrap(), b"[codecarbon]\n");
        }
    }

    #[test]
    fn refuses_what_is_not_a_regular_file() {
        let dir = tempfile::tempdir().unwrap();
        let err = read_regular(dir.path(), 100).unwrap_err();
        assert!(err.to_string().contains("a directory"), "{err}");
        #[cfg(unix)]
        {
            let err = read_regular(Path::new("/dev/zero"), 100).unwrap_err();
            assert!(err.to_string().contains("a character device"), "{err}");
            let link = dir.path().join("zero");
            std::os::unix::fs::symlink("/dev/zero", &link).unwrap();
            assert!(matches!(
                read_regular(&link, 100),
                Err(ReadError::NotRegular { .. })
            ));
            // A FIFO with no writer: refused at once, where reading it would wait forever.
            let fifo = dir.path().join("fifo");
            let name = std::ffi::CString::new(fifo.as_os_str().as_encoded_bytes()).unwrap();
            assert_eq!(unsafe { libc::mkfifo(name.as_ptr(), 0o600) }, 0);
            let err = read_regular(&fifo, 100).unwrap_err();
            assert!(err.to_string().contains("a FIFO"), "{err}");
        }
        let missing = read_regular(&dir.path().join("absent"), 100).unwrap_err();
        assert!(matches!(missing, ReadError::Io(e) if e.kind() == io::ErrorKind::NotFound));
    }

    #[test]
    fn refuses_a_file_over_the_limit() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("big");
        std::fs::write(&file, [b'#'; 101]).unwrap();
        let err = read_regular(&file, 100).unwrap_err();
        assert!(err.to_string().contains("larger than 100 bytes"), "{err}");
        assert_eq!(read_regular(&file, 101).unwrap().len(), 101);
    }
}
