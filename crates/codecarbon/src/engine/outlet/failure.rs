//! [`OutputFailure`]: an output that could not take a row, by name, for the caller to act on.

use std::fmt;

/// An output that could not take the row of the last `flush()` or `stop()`, as listed by
/// [`EmissionsTracker::output_errors`](crate::EmissionsTracker::output_errors).
///
/// The output's name and the reason are kept apart, so that a caller can tell which output
/// failed without reading the message; `Display` joins them as they are shown to users:
/// ``output `csv`: cannot write ./emissions.csv: ...``.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct OutputFailure {
    /// The output's name, as in `output_methods` (a sink added with `with_sink` is named
    /// `custom sink N`).
    pub output: String,
    /// What went wrong, in the output's own words: for the CSV, also where the totals wait
    /// for the next run when its checkpoint kept them.
    pub message: String,
}

impl OutputFailure {
    pub(crate) fn new(output: impl Into<String>, message: impl Into<String>) -> Self {
        Self {
            output: output.into(),
            message: message.into(),
        }
    }
}

impl fmt::Display for OutputFailure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "output `{}`: {}", self.output, self.message)
    }
}
