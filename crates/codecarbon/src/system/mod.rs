//! What the engine reads from the kernel once a tick, so no plugin reads it twice.

mod cpu_times;
mod meminfo;
mod os;
mod process_tree;

pub use cpu_times::{CpuTimes, MachineLoad};
pub use meminfo::MemInfo;
pub use os::os_description;
pub use process_tree::ProcessTree;

use std::io;
use std::path::Path;

/// Reads a file under the proc root, naming it in the error.
pub(crate) fn read(path: &Path) -> io::Result<String> {
    std::fs::read_to_string(path)
        .map_err(|e| io::Error::new(e.kind(), format!("cannot read {}: {e}", path.display())))
}
