//! What the engine reads from the kernel once a tick, so no plugin reads it twice.

mod cpu_times;
mod meminfo;
mod os;
mod process_tree;

pub use cpu_times::{CpuTimes, MachineLoad};
pub use meminfo::MemInfo;
pub use os::os_description;
pub use process_tree::ProcessTree;

use std::io::{self, Read};
use std::path::Path;

/// Reads kernel files into one reused buffer.
///
/// `/proc` files report a size of zero, so a plain `read_to_string` starts with tiny reads and
/// doubles: eight system calls for `/proc/stat`. A buffer kept between ticks reads each file in
/// one call, and allocates nothing once warm.
#[derive(Debug, Default)]
pub(crate) struct ProcFile {
    buffer: String,
}

impl ProcFile {
    /// The contents of `path`, naming it in the error.
    pub(crate) fn read(&mut self, path: &Path) -> io::Result<&str> {
        self.buffer.clear();
        self.buffer.reserve(16 * 1024);
        std::fs::File::open(path)
            .and_then(|mut f| f.read_to_string(&mut self.buffer))
            .map_err(|e| {
                io::Error::new(e.kind(), format!("cannot read {}: {e}", path.display()))
            })?;
        Ok(&self.buffer)
    }
}
