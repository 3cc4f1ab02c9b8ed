//! Messages to people on standard error, written so that they can never panic.
//!
//! `eprintln!` panics when standard error cannot be written: a closed pipe
//! (`codecarbon monitor -- cmd 2>&1 | head -1`), `/dev/full`. A warning would then cost a run
//! its row and the tracked command its exit code. Every message of the library, the plugins and
//! the command line goes through [`line`] (or [`stderr_line!`](crate::stderr_line)) instead,
//! which drops a message that cannot be written: there is nowhere left to say so.
//!
//! ```
//! codecarbon_core::stderr_line!("codecarbon: warning: {}", "something to know");
//! ```

use std::fmt;
use std::io::Write;

/// Writes `message` and a newline to standard error, or nothing if it cannot be written.
///
/// The line goes out in one write, so lines of different threads do not interleave.
pub fn line(message: fmt::Arguments<'_>) {
    let mut text = fmt::format(message);
    text.push('\n');
    // A failure is dropped on purpose: see the module's documentation.
    let _ = std::io::stderr().lock().write_all(text.as_bytes());
}

/// `eprintln!` that never panics: formats its arguments and hands them to [`stderr::line`].
///
/// [`stderr::line`]: crate::stderr::line
#[macro_export]
macro_rules! stderr_line {
    ($($arg:tt)*) => {
        $crate::stderr::line(::std::format_args!($($arg)*))
    };
}
