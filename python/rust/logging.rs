//! The engine's `tracing` events, handed to Python's `logging`.
//!
//! Each tracker has its own `tracing` dispatch, entered around every call into the engine (the
//! run's threads keep the dispatch of the `start()` that began them). Its layer turns an event
//! of a `codecarbon…` target into a record of the Python logger `codecarbon_rs.<rest of the
//! target>` (`codecarbon::engine` → `codecarbon_rs.engine`), at the matching level, so that
//! `logging.getLogger("codecarbon_rs").setLevel(...)` and the program's own handlers decide
//! what is shown, as with CodeCarbon's `codecarbon` logger.
//!
//! Asking Python for every event would take the GIL on the sampler's thread each second; the
//! layer instead keeps the lowest level that logger lets through, read at every call into the
//! tracker ([`Bridge::refresh`]). A level lowered in the middle of a run applies from the next
//! call; raised, Python's own filter drops the records at once.
//!
//! The `logger` output's records (target `codecarbon`, a field `emissions` and no message) go
//! to the logger the tracker was given (`logging_logger`), at its severity, as the JSON text
//! CodeCarbon's `LoggerOutput` logs; to `codecarbon_rs.emissions` at INFO when none was given.
//!
//! An event raised while Python is shutting down (or before it could take the GIL) is dropped:
//! the run's numbers are in its outputs, not in its log.

use codecarbon::core::diagnostics::TARGET;
use pyo3::prelude::*;
use std::fmt::{self, Write as _};
use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::Arc;
use tracing::dispatcher::Dispatch;
use tracing::field::{Field, Visit};
use tracing::{Event, Level, Metadata, Subscriber};
use tracing_subscriber::layer::{Context, Layer, SubscriberExt};
use tracing_subscriber::registry::Registry;

/// The name of the package's logger, the parent of every logger this module writes to.
pub(crate) const LOGGER: &str = "codecarbon_rs";

/// Where the `logger` output's records go: a Python logger and the level to log them at.
pub(crate) struct RecordsTo {
    /// A `logging.Logger` (or anything with its `log(level, msg)`).
    pub(crate) logger: Py<PyAny>,
    /// The level of each record, e.g. `logging.INFO`.
    pub(crate) level: i32,
}

/// One tracker's bridge from `tracing` to Python's `logging`.
pub(crate) struct Bridge {
    dispatch: Dispatch,
    /// The lowest Python level (`logging.DEBUG` = 10, ...) that `codecarbon_rs` lets through.
    threshold: Arc<AtomicU32>,
}

impl Bridge {
    /// A bridge whose records of the `logger` output go to `records`.
    pub(crate) fn new(py: Python<'_>, records: Option<RecordsTo>) -> Self {
        let threshold = Arc::new(AtomicU32::new(python_level(&Level::WARN)));
        let layer = ToPython {
            threshold: Arc::clone(&threshold),
            records,
        };
        let bridge = Self {
            dispatch: Dispatch::new(Registry::default().with(layer)),
            threshold,
        };
        bridge.refresh(py);
        bridge
    }

    /// Reads again which levels the `codecarbon_rs` logger lets through.
    pub(crate) fn refresh(&self, py: Python<'_>) {
        let level = py
            .import("logging")
            .and_then(|logging| logging.getattr("getLogger")?.call1((LOGGER,)))
            .and_then(|logger| logger.call_method0("getEffectiveLevel")?.extract::<u32>());
        if let Ok(level) = level {
            self.threshold.store(level, Ordering::Relaxed);
        }
    }

    /// Runs `work` with this bridge as the thread's `tracing` dispatch.
    pub(crate) fn scope<T>(&self, work: impl FnOnce() -> T) -> T {
        tracing::dispatcher::with_default(&self.dispatch, work)
    }
}

/// Python's number for a `tracing` level (TRACE is below DEBUG, as `logging` allows).
fn python_level(level: &Level) -> u32 {
    match *level {
        Level::ERROR => 40,
        Level::WARN => 30,
        Level::INFO => 20,
        Level::DEBUG => 10,
        Level::TRACE => 5,
    }
}

/// The Python logger of a target: `codecarbon::engine` → `codecarbon_rs.engine`.
fn logger_name(target: &str) -> String {
    let rest = target.strip_prefix(TARGET).unwrap_or(target);
    let rest = rest.trim_start_matches(':');
    if rest.is_empty() {
        LOGGER.to_owned()
    } else {
        format!("{LOGGER}.{}", rest.replace("::", "."))
    }
}

/// Whether an event is a record of the `logger` output rather than a message.
fn is_record(meta: &Metadata<'_>) -> bool {
    meta.target() == TARGET && meta.fields().field("emissions").is_some()
}

/// The layer that logs through Python.
struct ToPython {
    threshold: Arc<AtomicU32>,
    records: Option<RecordsTo>,
}

impl<S: Subscriber> Layer<S> for ToPython {
    fn register_callsite(&self, meta: &'static Metadata<'static>) -> tracing::subscriber::Interest {
        if meta.target().starts_with(TARGET) {
            // The threshold can change: ask `enabled` each time.
            tracing::subscriber::Interest::sometimes()
        } else {
            tracing::subscriber::Interest::never()
        }
    }

    fn enabled(&self, meta: &Metadata<'_>, _: Context<'_, S>) -> bool {
        meta.target().starts_with(TARGET)
            && (is_record(meta)
                || python_level(meta.level()) >= self.threshold.load(Ordering::Relaxed))
    }

    fn on_event(&self, event: &Event<'_>, _: Context<'_, S>) {
        let meta = event.metadata();
        let mut fields = Fields::default();
        event.record(&mut fields);
        let _ = Python::try_attach(|py| {
            let logged = if is_record(meta) {
                match &self.records {
                    Some(to) => to
                        .logger
                        .bind(py)
                        .call_method1("log", (to.level, fields.emissions)),
                    None => log(py, &format!("{LOGGER}.emissions"), 20, &fields.emissions),
                }
            } else if fields.message.is_empty() {
                return;
            } else {
                log(
                    py,
                    &logger_name(meta.target()),
                    python_level(meta.level()),
                    &fields.message,
                )
            };
            // A handler that raised must not unwind into the engine's thread; Python's own
            // `logging` reports its handlers' errors on stderr already.
            drop(logged);
        });
    }
}

/// `logging.getLogger(name).log(level, message)`.
fn log<'py>(py: Python<'py>, name: &str, level: u32, message: &str) -> PyResult<Bound<'py, PyAny>> {
    py.import("logging")?
        .getattr("getLogger")?
        .call1((name,))?
        .call_method1("log", (level, message))
}

/// The fields this layer uses: the sentence, and a record's JSON.
#[derive(Default)]
struct Fields {
    message: String,
    emissions: String,
}

impl Visit for Fields {
    fn record_str(&mut self, field: &Field, value: &str) {
        match field.name() {
            "message" => self.message.push_str(value),
            "emissions" => self.emissions.push_str(value),
            _ => {}
        }
    }

    fn record_debug(&mut self, field: &Field, value: &dyn fmt::Debug) {
        match field.name() {
            "message" => {
                let _ = write!(self.message, "{value:?}");
            }
            "emissions" => {
                let _ = write!(self.emissions, "{value:?}");
            }
            _ => {}
        }
    }
}
