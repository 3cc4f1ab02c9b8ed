//! The command line's own output, which never panics: results on standard output, messages on
//! standard error.
//!
//! Messages go through core's [`stderr_line!`](codecarbon::core::stderr_line), as the
//! library's do: one that cannot be written is dropped, so `monitor` still writes its row and
//! exits with the command's code when standard error is a closed pipe or `/dev/full`. A result
//! that cannot be written to standard output is the command's failure instead: the caller
//! reports it with [`stdout_failed`].

use codecarbon::core::stderr_line;
use std::io::{self, Write};

/// Writes `text` and a newline to standard output, flushed, so that a failure (a full disk, a
/// closed pipe) is known here and not lost at exit.
pub(crate) fn stdout_line(text: &str) -> io::Result<()> {
    let mut out = io::stdout().lock();
    out.write_all(text.as_bytes())?;
    out.write_all(b"\n")?;
    out.flush()
}

/// The result could not be written to standard output: exit code 1, and a message unless the
/// reader went away on purpose (`| head`), which needs none, as a program ended by SIGPIPE.
pub(crate) fn stdout_failed(error: &io::Error) -> u8 {
    if error.kind() != io::ErrorKind::BrokenPipe {
        stderr_line!("codecarbon: error: cannot write to standard output: {error}");
    }
    1
}
