//! Messages to people on standard error, written so that they can never panic.
//!
//! `eprintln!` panics when standard error cannot be written: a closed pipe
//! (`codecarbon monitor -- cmd 2>&1 | head -1`), `/dev/full`. A warning would then cost a run
//! its row and the tracked command its exit code. Every message of the library, the plugins and
//! the command line goes through [`line`](fn@line) (or [`stderr_line!`](crate::stderr_line)) or
//! [`Quiet`] instead, which drop a message that cannot be written: there is nowhere left to say
//! so. (The library and the plugins do not write here themselves: their messages are `tracing`
//! events, see [`crate::diagnostics`]; a subscriber writes them, through [`Quiet`].)
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

/// Standard error as an [`std::io::Write`] that never fails: what cannot be written is dropped,
/// as [`line`](fn@line) drops it. A `tracing` subscriber writes through it (`.with_writer(|| Quiet)`), so a
/// diagnostic on a closed pipe costs nothing but the diagnostic.
///
/// Each `write` goes out in one locked `write_all`: a subscriber that hands over a whole line at
/// once (as `tracing-subscriber`'s `fmt` does) never has it interleaved with another thread's.
#[derive(Debug, Default, Clone, Copy)]
pub struct Quiet;

impl Write for Quiet {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        // A failure is dropped on purpose: see the module's documentation.
        let _ = std::io::stderr().lock().write_all(buf);
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
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
