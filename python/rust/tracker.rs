//! `Tracker`: the engine's `EmissionsTracker`, shared by Python threads and safe across `fork`.
//!
//! - Every method releases the GIL while it waits for the engine (a stop joins the run's
//!   threads, which may be logging through Python) and enters the tracker's [`Bridge`].
//! - A `Mutex` makes the calls of several Python threads take turns.
//! - A child made by `fork` (a `DataLoader` worker) has a copy of the tracker but none of the
//!   run's threads: every call there is refused, and dropping the copy forgets it rather than
//!   stopping it, so the child never writes a row of the parent's run.

use crate::logging::{Bridge, RecordsTo};
use crate::record::to_dict;
use codecarbon::config::Setting;
use codecarbon::{EmissionsData, EmissionsTracker, TrackerError};
use pyo3::exceptions::{PyRuntimeError, PyValueError};
use pyo3::prelude::*;
use pyo3::types::PyDict;
use std::sync::{Mutex, MutexGuard, PoisonError};

/// The engine's tracker, for the Python layer's `EmissionsTracker`.
#[pyclass(frozen, module = "codecarbon_rs._native")]
pub struct Tracker {
    /// `None` only while it is dropped.
    inner: Mutex<Option<EmissionsTracker>>,
    bridge: Bridge,
    /// The process that built it: the only one whose calls it takes.
    owner: u32,
}

#[pymethods]
impl Tracker {
    /// Resolves the settings (defaults, config files, `CODECARBON_*`, then `settings`, each a
    /// `(key, value, origin)` with the origin named in errors). A value that does not fit its
    /// key, an unknown output or offline mode without a place raise `ValueError`.
    #[new]
    #[pyo3(signature = (settings, python_version, records_logger=None, records_level=20))]
    fn new(
        py: Python<'_>,
        settings: Vec<(String, String, String)>,
        python_version: String,
        records_logger: Option<Py<PyAny>>,
        records_level: i32,
    ) -> PyResult<Self> {
        let records = records_logger.map(|logger| RecordsTo {
            logger,
            level: records_level,
        });
        let bridge = Bridge::new(py, records);
        let built = py.detach(|| {
            bridge.scope(|| {
                let builder = settings.into_iter().fold(
                    EmissionsTracker::builder().python_version(python_version),
                    |builder, (key, value, origin)| builder.setting(Setting { key, value, origin }),
                );
                builder.build()
            })
        });
        match built {
            Ok(tracker) => Ok(Self {
                inner: Mutex::new(Some(tracker)),
                bridge,
                owner: std::process::id(),
            }),
            Err(e) => Err(construction_error(&e)),
        }
    }

    /// Starts a run (nothing if one is running).
    fn start(&self, py: Python<'_>) -> PyResult<()> {
        self.call(py, |tracker| tracker.start())
    }

    /// Writes a row of the totals so far and returns them.
    fn flush<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyDict>> {
        let data = self.call(py, EmissionsTracker::flush)?;
        to_dict(py, &data)
    }

    /// Ends the run, writes its row and returns its totals (again at a second call).
    fn stop<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyDict>> {
        let data = self.call(py, EmissionsTracker::stop)?;
        to_dict(py, &data)
    }

    /// Starts the task `name`.
    fn start_task(&self, py: Python<'_>, name: String) -> PyResult<()> {
        self.call(py, |tracker| tracker.start_task(&name))
    }

    /// Ends the task `name`, or the last one started, and returns its totals.
    #[pyo3(signature = (name=None))]
    fn stop_task<'py>(
        &self,
        py: Python<'py>,
        name: Option<String>,
    ) -> PyResult<Bound<'py, PyDict>> {
        let data: EmissionsData = self.call(py, |tracker| match &name {
            Some(name) => tracker.stop_task(name),
            None => tracker.stop_last_task(),
        })?;
        to_dict(py, &data)
    }

    /// Whether a run is in progress.
    fn is_running(&self, py: Python<'_>) -> PyResult<bool> {
        self.call(py, |tracker| Ok(tracker.is_running()))
    }

    /// The current run's id, `None` between runs.
    fn run_id(&self, py: Python<'_>) -> PyResult<Option<String>> {
        self.call(py, |tracker| Ok(tracker.run_id().map(str::to_owned)))
    }

    /// The outputs that could not take the row of the last flush or stop: `(name, why)`.
    fn output_errors(&self, py: Python<'_>) -> PyResult<Vec<(String, String)>> {
        self.call(py, |tracker| {
            Ok(tracker
                .output_errors()
                .iter()
                .map(|e| (e.output.clone(), e.message.clone()))
                .collect())
        })
    }
}

impl Tracker {
    /// Runs `work` on the tracker: in the process that built it only, with the GIL released
    /// and the tracker's bridge entered.
    fn call<T: Send>(
        &self,
        py: Python<'_>,
        work: impl FnOnce(&mut EmissionsTracker) -> Result<T, TrackerError> + Send,
    ) -> PyResult<T> {
        if std::process::id() != self.owner {
            return Err(PyRuntimeError::new_err(format!(
                "this tracker belongs to process {}; a forked child cannot use it (start a \
                 tracker of its own there)",
                self.owner
            )));
        }
        self.bridge.refresh(py);
        let result = py.detach(|| {
            self.bridge.scope(|| {
                let mut inner = lock(&self.inner);
                match inner.as_mut() {
                    Some(tracker) => work(tracker),
                    None => Err(TrackerError::NotStarted),
                }
            })
        });
        result.map_err(|e| PyRuntimeError::new_err(e.to_string()))
    }
}

impl Drop for Tracker {
    fn drop(&mut self) {
        let inner = self
            .inner
            .get_mut()
            .unwrap_or_else(PoisonError::into_inner)
            .take();
        let Some(tracker) = inner else { return };
        if std::process::id() != self.owner {
            // A forked child's copy: its run's threads are the parent's. Stopping it here would
            // write a row of the parent's run.
            std::mem::forget(tracker);
            return;
        }
        // Stopping a running tracker joins its threads, which may be waiting for the GIL to log:
        // release it meanwhile. While Python shuts down no thread can take it, and the bridge
        // drops their events instead.
        let mut tracker = Some(tracker);
        let bridge = &self.bridge;
        let _ = Python::try_attach(|py| {
            let held = tracker.take();
            py.detach(|| bridge.scope(|| drop(held)));
        });
        if let Some(held) = tracker {
            bridge.scope(|| drop(held));
        }
    }
}

/// The error of a tracker that could not be built: a setting that does not fit (from an
/// argument, a config file or a variable), an unknown output, offline without a place, or a
/// plugin that refused its settings are the caller's to fix: `ValueError`.
fn construction_error(error: &TrackerError) -> PyErr {
    if error.is_settings_error() {
        PyValueError::new_err(error.to_string())
    } else {
        PyRuntimeError::new_err(error.to_string())
    }
}

/// The lock, even if a panic poisoned it (the tracker's state is kept consistent by the engine).
fn lock(inner: &Mutex<Option<EmissionsTracker>>) -> MutexGuard<'_, Option<EmissionsTracker>> {
    inner.lock().unwrap_or_else(PoisonError::into_inner)
}
