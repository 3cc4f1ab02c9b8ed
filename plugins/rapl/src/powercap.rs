//! The powercap reader: each chosen zone's `energy_uj`, read through [`Files`].

use crate::counters::RawCounters;
use crate::error::{powercap_fix, RaplError};
use crate::files::{parse_u64, Files};
use crate::zone::Zone;
use codecarbon_core::SourceError;
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// Reads the `energy_uj` of a fixed list of zones.
#[derive(Debug, Clone)]
pub struct PowercapCounters {
    files: Arc<dyn Files>,
    paths: Vec<PathBuf>,
    fix: String,
}

impl PowercapCounters {
    /// A reader of `zones`, discovered under `root` (named in the fix of a read error);
    /// `perf` says whether the fix may also mention perf_event.
    pub fn new(files: Arc<dyn Files>, root: &Path, zones: &[Zone], perf: bool) -> Self {
        PowercapCounters {
            files,
            paths: zones.iter().map(Zone::energy_file).collect(),
            fix: powercap_fix(root, perf),
        }
    }

    /// Reads every counter once, in microjoules; the first failure is an error with the fix.
    pub fn read_all(&self) -> Result<Vec<u64>, RaplError> {
        self.paths
            .iter()
            .map(|path| read_energy(self.files.as_ref(), path, &self.fix))
            .collect()
    }
}

impl RawCounters for PowercapCounters {
    fn read(&mut self) -> Result<Vec<u64>, SourceError> {
        Ok(self.read_all()?)
    }
}

/// One `energy_uj` file, in microjoules.
pub(crate) fn read_energy(files: &dyn Files, path: &Path, fix: &str) -> Result<u64, RaplError> {
    let text = files
        .read_to_string(path)
        .map_err(|e| RaplError::read(path, e, fix))?;
    parse_u64(&text).ok_or_else(|| {
        RaplError::invalid(
            path,
            format!("{:?} is not a count of microjoules", text.trim()),
        )
    })
}
