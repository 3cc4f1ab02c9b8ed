//! File access behind a trait, so that tests can make any sysfs read fail (CI runs as root,
//! where `chmod` protects nothing).

use std::fmt;
use std::io;
use std::path::Path;

/// Reads sysfs and procfs: every file and directory access of this crate goes through it.
pub trait Files: Send + Sync + fmt::Debug {
    /// The whole content of the file at `path`.
    fn read_to_string(&self, path: &Path) -> io::Result<String>;

    /// The names of the entries of directory `dir`, sorted.
    fn list(&self, dir: &Path) -> io::Result<Vec<String>>;
}

/// The real file system.
#[derive(Debug, Clone, Copy, Default)]
pub struct RealFiles;

impl Files for RealFiles {
    fn read_to_string(&self, path: &Path) -> io::Result<String> {
        std::fs::read_to_string(path)
    }

    fn list(&self, dir: &Path) -> io::Result<Vec<String>> {
        let mut names = Vec::new();
        for entry in std::fs::read_dir(dir)? {
            names.push(entry?.file_name().to_string_lossy().into_owned());
        }
        names.sort_unstable();
        Ok(names)
    }
}

/// A whole number from a one-line kernel file.
pub(crate) fn parse_u64(text: &str) -> Option<u64> {
    text.trim().parse().ok()
}
