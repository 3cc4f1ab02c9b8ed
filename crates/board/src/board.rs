//! A board: the files read, the model built from them, and what to tell the terminal.

use crate::error::BoardError;
use crate::html::render;
use crate::model::{build, Model};
use crate::problem::Problem;
use crate::read::{read_path, FileRead};
use crate::runs::Runs;
use codecarbon_core::output::{replace, Durability};
use std::path::{Path, PathBuf};
use std::time::SystemTime;

/// At most this many skipped rows are named per file on the terminal.
const LINES_PER_FILE: usize = 3;

/// The size and modification time of each file, to notice a change.
type Fingerprint = Vec<Option<(u64, SystemTime)>>;

fn fingerprint(paths: &[PathBuf]) -> Fingerprint {
    paths
        .iter()
        .map(|p| {
            let m = std::fs::metadata(p).ok()?;
            Some((m.len(), m.modified().ok()?))
        })
        .collect()
}

/// Whether `a` and `b` name the same file (following links), by device and inode; false when
/// either does not exist.
#[cfg(unix)]
fn same_file(a: &Path, b: &Path) -> bool {
    use std::os::unix::fs::MetadataExt;
    match (std::fs::metadata(a), std::fs::metadata(b)) {
        (Ok(a), Ok(b)) => (a.dev(), a.ino()) == (b.dev(), b.ino()),
        _ => false,
    }
}

/// Whether `a` and `b` name the same file (following links); false when either does not exist.
#[cfg(not(unix))]
fn same_file(a: &Path, b: &Path) -> bool {
    match (std::fs::canonicalize(a), std::fs::canonicalize(b)) {
        (Ok(a), Ok(b)) => a == b,
        _ => false,
    }
}

/// Hands the memory freed after a load back to the system. glibc keeps freed blocks of the
/// sizes a load uses (its mmap threshold rises as large blocks are freed) for the process's
/// next allocations, so a server that loaded a million rows would keep their memory though it
/// keeps none of them.
fn give_back_freed_memory() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    // SAFETY: malloc_trim only releases free memory of the allocator; it takes no pointer.
    unsafe {
        libc::malloc_trim(0);
    }
}

/// Emissions files, read and aggregated for the page. It keeps the page's data, not the rows:
/// its memory does not grow with the files.
#[derive(Debug, Clone)]
pub struct Board {
    paths: Vec<PathBuf>,
    focus: Option<String>,
    files: Vec<FileRead>,
    model: Model,
    fingerprint: Fingerprint,
}

impl Board {
    /// Reads every file; a file that cannot be opened is an error (its content never is: the
    /// rows that cannot be read are explained in [`Board::problems`]).
    pub fn load(paths: &[PathBuf]) -> Result<Self, BoardError> {
        Self::load_focused(paths, None)
    }

    /// Like [`Board::load`], with the project `focus` given an entry of its own however small
    /// it is among many (see [`MAX_PROJECTS`](crate::MAX_PROJECTS)).
    pub fn load_focused(paths: &[PathBuf], focus: Option<&str>) -> Result<Self, BoardError> {
        let fingerprint = fingerprint(paths);
        let mut runs = Runs::default();
        let mut files = Vec::with_capacity(paths.len());
        for (index, path) in paths.iter().enumerate() {
            files.push(read_path(path, index, &mut |row| runs.add(row))?);
        }
        let model = build(&mut files, &runs, focus);
        drop(runs);
        give_back_freed_memory();
        Ok(Self {
            paths: paths.to_vec(),
            focus: focus.map(str::to_owned),
            files,
            model,
            fingerprint,
        })
    }

    /// The same files read again, with the same focus.
    pub fn reload(&self) -> Result<Self, BoardError> {
        Self::load_focused(&self.paths, self.focus.as_deref())
    }

    /// The files read, in order.
    pub fn paths(&self) -> &[PathBuf] {
        &self.paths
    }

    /// What each file gave.
    pub fn files(&self) -> &[FileRead] {
        &self.files
    }

    /// The page's data.
    pub fn model(&self) -> &Model {
        &self.model
    }

    /// Every problem of every file, in order.
    pub fn problems(&self) -> impl Iterator<Item = &Problem> {
        self.files.iter().flat_map(|f| f.problems.iter())
    }

    /// The page.
    pub fn html(&self) -> Result<String, BoardError> {
        render(&self.model)
    }

    /// Writes the page to `path`, one self-contained file, replaced atomically: a full disk
    /// leaves the previous page whole.
    ///
    /// Refused: `path` being one of the files read (by device and inode, so through a link,
    /// `./`, or another name of the file too), a link, a FIFO or a device (core's rule,
    /// [`codecarbon_core::output`]).
    pub fn write_report(&self, path: &Path) -> Result<(), BoardError> {
        if let Some(input) = self.paths.iter().find(|input| same_file(input, path)) {
            return Err(BoardError::OutputIsInput {
                output: path.to_path_buf(),
                input: input.clone(),
            });
        }
        let html = self.html()?;
        replace(path, html.as_bytes(), Durability::PowerLoss)?;
        Ok(())
    }

    /// Whether a file changed (size or time) since it was read.
    pub fn changed(&self) -> bool {
        fingerprint(&self.paths) != self.fingerprint
    }

    /// Lines for the terminal: per file, the rows skipped (the first few named by line) and
    /// the notes on the file. Empty when every row was read and nothing is worth saying.
    pub fn summary(&self) -> Vec<String> {
        let mut out = Vec::new();
        for file in &self.files {
            let skipped: Vec<&Problem> =
                file.problems.iter().filter(|p| p.line.is_some()).collect();
            if file.skipped > 0 {
                let rows = if file.skipped == 1 { "row" } else { "rows" };
                let mut text: Vec<String> = skipped
                    .iter()
                    .take(LINES_PER_FILE)
                    .map(|p| format!("line {}: {}", p.line.unwrap_or(0), p.message))
                    .collect();
                let named = skipped.len().min(LINES_PER_FILE);
                if file.skipped > named {
                    text.push(format!(
                        "and {} more (listed on the page)",
                        file.skipped - named
                    ));
                }
                out.push(format!(
                    "{} {rows} of {} skipped: {}",
                    file.skipped,
                    file.name,
                    text.join("; ")
                ));
            }
            for p in file.problems.iter().filter(|p| p.line.is_none()) {
                out.push(p.to_string());
            }
            // A stop in the middle (csv's own error) has a line but skips no counted row.
            if file.skipped == 0 {
                for p in &skipped {
                    out.push(p.to_string());
                }
            }
        }
        out
    }
}
