//! [`move_aside`]: a file moved out of the way under the first free name, never over another.

use std::fs;
use std::io;
use std::path::{Path, PathBuf};

/// Moves `path` to the first of `names` that is free, never overwriting a file that is there
/// (one kept earlier for a person to look at, or one another process just took), and returns
/// it. A link or a FIFO at `path` is moved itself, never followed or opened.
///
/// A hard link cannot overwrite, so a name taken meanwhile is skipped; on a file system without
/// hard links, a rename to the name just seen free.
///
/// ```
/// use codecarbon_core::output::move_aside;
/// let dir = tempfile::tempdir().unwrap();
/// let old = dir.path().join("e.csv");
/// std::fs::write(&old, "old").unwrap();
/// std::fs::write(dir.path().join("e.csv.bak"), "older").unwrap();
/// let names = ["e.csv.bak", "e.csv_0.bak"].map(|n| dir.path().join(n));
/// assert_eq!(move_aside(&old, names).unwrap(), dir.path().join("e.csv_0.bak"));
/// assert_eq!(std::fs::read_to_string(dir.path().join("e.csv.bak")).unwrap(), "older");
/// ```
pub fn move_aside(path: &Path, names: impl IntoIterator<Item = PathBuf>) -> io::Result<PathBuf> {
    let mut tried = 0;
    for name in names {
        tried += 1;
        if fs::symlink_metadata(&name).is_ok() {
            continue;
        }
        match fs::hard_link(path, &name) {
            Ok(()) => {
                fs::remove_file(path)?;
                return Ok(name);
            }
            Err(e) if e.kind() == io::ErrorKind::AlreadyExists => {}
            Err(_) => {
                fs::rename(path, &name)?;
                return Ok(name);
            }
        }
    }
    Err(io::Error::new(
        io::ErrorKind::AlreadyExists,
        format!("the {tried} names it could be kept under are all taken"),
    ))
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::panic)]
    use super::*;

    #[test]
    fn never_overwrites_and_says_when_every_name_is_taken() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("f");
        let names: Vec<PathBuf> = (0..3).map(|i| dir.path().join(format!("f.{i}"))).collect();
        for (i, name) in names.iter().enumerate() {
            fs::write(&path, format!("v{i}")).unwrap();
            assert_eq!(move_aside(&path, names.clone()).unwrap(), *name);
        }
        fs::write(&path, "v3").unwrap();
        let err = move_aside(&path, names.clone()).unwrap_err();
        assert!(err.to_string().contains("3 names"), "{err}");
        for (i, name) in names.iter().enumerate() {
            assert_eq!(fs::read_to_string(name).unwrap(), format!("v{i}"));
        }
        assert_eq!(fs::read_to_string(&path).unwrap(), "v3");
    }

    #[cfg(unix)]
    #[test]
    fn a_link_is_moved_itself() {
        let dir = tempfile::tempdir().unwrap();
        let target = dir.path().join("passwd");
        fs::write(&target, "root").unwrap();
        let link = dir.path().join("l");
        std::os::unix::fs::symlink(&target, &link).unwrap();
        let moved = move_aside(&link, [dir.path().join("l.aside")]).unwrap();
        assert!(fs::symlink_metadata(&moved)
            .unwrap()
            .file_type()
            .is_symlink());
        assert_eq!(fs::read_to_string(&target).unwrap(), "root");
        assert!(fs::symlink_metadata(&link).is_err());
    }
}
