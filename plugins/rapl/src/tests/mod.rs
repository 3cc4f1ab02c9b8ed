//! Unit tests, on fake powercap, PMU and proc trees in temporary directories.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod attribution;
mod counting;
mod perf;
mod probe;
mod selection;
mod zones;

use crate::files::{Files, RealFiles};
use crate::plugin::Env;
use codecarbon_core::{SampleContext, TrackingMode};
use std::io;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

/// A fake sysfs tree in a temporary directory.
pub(crate) struct Tree {
    pub(crate) dir: tempfile::TempDir,
}

impl Tree {
    pub(crate) fn new() -> Tree {
        Tree {
            dir: tempfile::tempdir().unwrap(),
        }
    }

    pub(crate) fn root(&self) -> &Path {
        self.dir.path()
    }

    /// A zone at `rel` (`intel-rapl:0`, `intel-rapl/intel-rapl:0/intel-rapl:0:0`).
    pub(crate) fn zone(&self, rel: &str, name: &str, energy: u64, range: Option<u64>) -> PathBuf {
        let dir = self.root().join(rel);
        std::fs::create_dir_all(&dir).unwrap();
        std::fs::write(dir.join("name"), format!("{name}\n")).unwrap();
        if let Some(range) = range {
            std::fs::write(dir.join("max_energy_range_uj"), format!("{range}\n")).unwrap();
        }
        self.set(rel, energy);
        dir
    }

    /// The zone's `constraint_N_max_power_uw`.
    pub(crate) fn max_power(&self, rel: &str, n: u32, microwatts: u64) {
        let path = self
            .root()
            .join(rel)
            .join(format!("constraint_{n}_max_power_uw"));
        std::fs::write(path, format!("{microwatts}\n")).unwrap();
    }

    pub(crate) fn set(&self, rel: &str, energy: u64) {
        std::fs::write(
            self.root().join(rel).join("energy_uj"),
            format!("{energy}\n"),
        )
        .unwrap();
    }

    /// A writable file anywhere in the tree.
    pub(crate) fn file(&self, rel: &str, text: &str) {
        let path = self.root().join(rel);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, text).unwrap();
    }

    /// An environment reading powercap under this tree (as `rapl_root` would), no perf.
    pub(crate) fn env(&self) -> Env {
        env_with(Arc::new(RealFiles), self.root(), true)
    }
}

/// An environment over `root` with `files`; `explicit` as if `rapl_root` were set. The PMU and
/// proc roots point at paths that do not exist.
pub(crate) fn env_with(files: Arc<dyn Files>, root: &Path, explicit: bool) -> Env {
    Env {
        files,
        root: root.to_path_buf(),
        explicit_root: explicit,
        pmu_dir: root.join("no-such-pmu"),
        proc_root: root.join("no-such-proc"),
        prefer_psys: false,
        mode: TrackingMode::Machine,
    }
}

/// Real files, except that reading any path ending with `suffix` fails with "permission
/// denied", as `energy_uj` does for a user on current kernels.
#[derive(Debug)]
pub(crate) struct Denied {
    pub(crate) suffix: String,
}

impl Files for Denied {
    fn read_to_string(&self, path: &Path) -> io::Result<String> {
        if path.to_string_lossy().ends_with(&self.suffix) {
            return Err(io::Error::from(io::ErrorKind::PermissionDenied));
        }
        RealFiles.read_to_string(path)
    }

    fn list(&self, dir: &Path) -> io::Result<Vec<String>> {
        RealFiles.list(dir)
    }
}

pub(crate) fn machine(secs: f64) -> SampleContext {
    SampleContext::new(Duration::from_secs_f64(secs), TrackingMode::Machine, 2)
}

pub(crate) fn close(a: f64, b: f64) -> bool {
    (a - b).abs() < 1e-9
}
