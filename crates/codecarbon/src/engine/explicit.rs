//! Components the user hands to the builder (`with_power_source`, `with_sink`, ...), used instead
//! of or beside the registry's.
//!
//! They are lent to each run and handed back when it ends, so a tracker that is started again
//! uses them again.

use super::place::UsersLocator;
use codecarbon_core::{Component, IntensityProvider, PowerSource, Sink};
use std::fmt;
use std::sync::{Arc, Mutex, PoisonError};

/// What the user supplied.
#[derive(Default)]
pub(crate) struct Explicit {
    /// Each replaces the registry's choice for its component.
    pub(crate) power_sources: Vec<Box<dyn PowerSource>>,
    /// Replaces the registry's locator. Shared with the run's place thread, which asks it.
    pub(crate) locator: Option<UsersLocator>,
    /// Asked before the registry's providers, in this order.
    /// Shared with the run's place thread, which may still be asking one when the run ends.
    pub(crate) intensity: Vec<Arc<dyn IntensityProvider>>,
    /// Added to the sinks of `output_methods`.
    pub(crate) sinks: Vec<Box<dyn Sink>>,
    /// The version of the Python that runs the tracker, when a binding says so: the
    /// `python_version` column, empty otherwise.
    pub(crate) python_version: Option<String>,
}

impl Explicit {
    /// The components that explicit power sources cover.
    pub(crate) fn components(&self) -> Vec<Component> {
        self.power_sources
            .iter()
            .map(|s| s.info().component)
            .collect()
    }
}

impl fmt::Debug for Explicit {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Explicit")
            .field("power_sources", &self.components())
            .field("locator", &self.locator.is_some())
            .field("intensity", &self.intensity.len())
            .field("sinks", &self.sinks.len())
            .field("python_version", &self.python_version)
            .finish()
    }
}

/// The user's components, shared between the tracker and its running sampler.
pub(crate) type Lent = Arc<Mutex<Explicit>>;

/// Takes everything out, leaving the holder empty until `give_back`.
pub(crate) fn borrow(lent: &Lent) -> Explicit {
    std::mem::take(&mut *lent.lock().unwrap_or_else(PoisonError::into_inner))
}

/// Returns what a run borrowed.
pub(crate) fn give_back(lent: &Lent, parts: Explicit) {
    let mut held = lent.lock().unwrap_or_else(PoisonError::into_inner);
    held.power_sources.extend(parts.power_sources);
    held.locator = held.locator.take().or(parts.locator);
    held.intensity.extend(parts.intensity);
    held.sinks.extend(parts.sinks);
    held.python_version = held.python_version.take().or(parts.python_version);
}
