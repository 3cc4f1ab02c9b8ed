//! An explanation of something the board could not show, with where it comes from.

use serde::Serialize;
use std::fmt;

/// One problem of an input file: a row skipped (with its line) or a note on the whole file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Problem {
    /// The file, as given on the command line.
    pub file: String,
    /// The 1-based line of a skipped row; `None` for a note on the whole file.
    pub line: Option<u64>,
    /// What is wrong and what the board did about it.
    pub message: String,
}

impl Problem {
    /// A note on the whole file.
    pub fn file(file: &str, message: impl Into<String>) -> Self {
        Self {
            file: file.to_string(),
            line: None,
            message: message.into(),
        }
    }

    /// A problem of the row at `line`.
    pub fn line(file: &str, line: u64, message: impl Into<String>) -> Self {
        Self {
            file: file.to_string(),
            line: Some(line),
            message: message.into(),
        }
    }
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.line {
            Some(line) => write!(f, "{}:{line}: {}", self.file, self.message),
            None => write!(f, "{}: {}", self.file, self.message),
        }
    }
}
