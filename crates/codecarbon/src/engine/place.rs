//! Where the machine is and how clean its electricity is, resolved on a thread of its own.
//!
//! Locators may ask the network (instance metadata, IP geolocation) and intensity providers may
//! ask a live service, so none of them runs on the start path: the run starts measuring at once
//! and prices its energy as soon as an intensity is known. During the run the intensity chain is
//! asked again every refresh period, so the energy of each interval is priced at the intensity
//! of its own time.
//!
//! The chain's order is fixed: a forced value, then the providers by priority (the user's own
//! first, then the cloud region's, a live service, the static regional and country data), then
//! the world average.

use crate::diagnostics::{self, ENGINE};
use codecarbon_core::{
    GramsPerKwh, Intensity, IntensityBasis, IntensityProvider, Location, Locator,
};
use std::panic::AssertUnwindSafe;
use std::sync::mpsc::{self, Receiver, RecvTimeoutError, Sender};
use std::sync::{Arc, Condvar, Mutex, MutexGuard, PoisonError};
use std::thread::JoinHandle;
use std::time::{Duration, Instant, SystemTime};

/// The longest one locator or provider may take before the chain moves on.
const ASK_LIMIT: Duration = Duration::from_secs(5);

/// The builder's locator, shared by the tracker and the run that asks it.
pub(crate) type UsersLocator = Arc<dyn Locator>;

/// A locator and its plugin name, for messages.
pub(crate) type NamedLocator = (String, Box<dyn Locator>);

/// What the place thread works from.
pub(crate) struct PlaceInputs {
    /// Asked in this order until one gives a country; their answers are merged, the first
    /// answer for each field winning.
    pub(crate) locators: Vec<NamedLocator>,
    /// The user's own locator, asked instead of `locators`.
    pub(crate) user_locator: Option<UsersLocator>,
    /// `force_carbon_intensity_g_co2e_kwh`, which overrides every provider.
    pub(crate) forced: Option<Intensity>,
    /// The user's providers, asked first and handed back at the end.
    /// Shared, so that the run hands them back even if this thread is stuck in a call.
    pub(crate) explicit: Vec<Arc<dyn IntensityProvider>>,
    /// The registry's providers, highest priority first.
    pub(crate) registry: Vec<(String, Box<dyn IntensityProvider>)>,
    /// How often the chain is asked again.
    pub(crate) refresh: Duration,
    /// Whether the user turned the network off (for the advice in the warning).
    pub(crate) offline: bool,
}

/// What is known so far.
#[derive(Debug, Clone, Default)]
struct Known {
    location: Option<Location>,
    intensity: Option<Intensity>,
}

type Shared = Arc<(Mutex<Known>, Condvar)>;

/// Handle to the place thread.
pub(crate) struct Place {
    shared: Shared,
    stop: Sender<()>,
    thread: Option<JoinHandle<()>>,
}

impl Place {
    /// Starts resolving in the background.
    pub(crate) fn start(inputs: PlaceInputs) -> std::io::Result<Place> {
        let shared: Shared = Arc::default();
        let (stop, stopped) = mpsc::channel();
        let thread = {
            let shared = shared.clone();
            let thread = std::thread::Builder::new().name("codecarbon-place".into());
            diagnostics::spawn(thread, move || {
                let resolved = std::panic::catch_unwind(AssertUnwindSafe(|| {
                    resolve(inputs, &shared, &stopped);
                }));
                if resolved.is_err() {
                    // A plugin panicked: what is known stays, the rest falls back.
                    tracing::error!(
                        target: ENGINE,
                        "the location thread failed: the world average is used"
                    );
                    publish(&shared, |k| {
                        k.location.get_or_insert_with(Location::default);
                        k.intensity.get_or_insert_with(Intensity::world_average);
                    });
                }
            })?
        };
        Ok(Place {
            shared,
            stop,
            thread: Some(thread),
        })
    }

    fn known(&self) -> MutexGuard<'_, Known> {
        self.shared.0.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// The location, empty until found.
    pub(crate) fn location(&self) -> Location {
        self.known().location.clone().unwrap_or_default()
    }

    /// The intensity to price energy at now, once known.
    pub(crate) fn intensity(&self) -> Option<Intensity> {
        self.known().intensity.clone()
    }

    /// Its value alone, which pricing needs (no copy of the rest).
    pub(crate) fn price(&self) -> Option<GramsPerKwh> {
        self.known().intensity.as_ref().map(|i| i.value)
    }

    /// Waits at most `limit` until the location and a first intensity are known; whether they
    /// are.
    pub(crate) fn settle(&self, limit: Duration) -> bool {
        let deadline = Instant::now() + limit;
        let (lock, changed) = &*self.shared;
        let mut known = lock.lock().unwrap_or_else(PoisonError::into_inner);
        while known.location.is_none() || known.intensity.is_none() {
            let left = deadline.saturating_duration_since(Instant::now());
            if left.is_zero() {
                return false;
            }
            known = changed
                .wait_timeout(known, left)
                .unwrap_or_else(PoisonError::into_inner)
                .0;
        }
        true
    }

    /// Stops the thread, waiting at most `limit`; a thread stuck in a call is left to finish
    /// it on its own.
    pub(crate) fn end(mut self, limit: Duration) {
        let _ = self.stop.send(());
        let Some(thread) = self.thread.take() else {
            return;
        };
        let deadline = Instant::now() + limit;
        while !thread.is_finished() && Instant::now() < deadline {
            std::thread::sleep(Duration::from_millis(2));
        }
        if thread.is_finished() {
            let _ = thread.join();
        }
    }
}

impl Drop for Place {
    fn drop(&mut self) {
        let _ = self.stop.send(());
    }
}

fn publish(shared: &Shared, update: impl FnOnce(&mut Known)) {
    let (lock, changed) = &**shared;
    update(&mut lock.lock().unwrap_or_else(PoisonError::into_inner));
    changed.notify_all();
}

/// The thread's work: locate once, then ask the chain every refresh period until stopped, or
/// until an answer is one that cannot change ([`IntensityProvider::is_static`]).
fn resolve(inputs: PlaceInputs, shared: &Shared, stopped: &Receiver<()>) {
    let runtime = match tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
    {
        Ok(runtime) => runtime,
        Err(e) => {
            tracing::error!(
                target: ENGINE,
                "cannot start the location thread's runtime ({e}): the world average is used"
            );
            publish(shared, |k| {
                k.location = Some(Location::default());
                k.intensity = Some(
                    inputs
                        .forced
                        .clone()
                        .unwrap_or_else(Intensity::world_average),
                );
            });
            return;
        }
    };
    let location = match &inputs.user_locator {
        Some(locator) => locate_with_users(&runtime, locator.as_ref()),
        None => locate(&runtime, &inputs.locators, inputs.offline),
    };
    publish(shared, |k| k.location = Some(location.clone()));

    let (explicit, registry) = (inputs.explicit, inputs.registry);
    let mut chain = Chain::new(explicit.len() + registry.len());
    loop {
        let (intensity, fixed) = match &inputs.forced {
            Some(forced) => (forced.clone(), true),
            None => chain.ask(&runtime, &location, &explicit, &registry),
        };
        publish(shared, |k| k.intensity = Some(intensity));
        if fixed {
            return;
        }
        match stopped.recv_timeout(inputs.refresh) {
            Err(RecvTimeoutError::Timeout) => {}
            Ok(()) | Err(RecvTimeoutError::Disconnected) => return,
        }
    }
}

/// Asks the user's locator (`with_locator`), whose answer is taken as it is.
fn locate_with_users(runtime: &tokio::runtime::Runtime, locator: &dyn Locator) -> Location {
    let failure =
        match runtime.block_on(async { tokio::time::timeout(ASK_LIMIT, locator.locate()).await }) {
            Ok(Ok(answer)) => {
                tracing::debug!(target: ENGINE, "location from the builder's locator: {answer:?}");
                return answer;
            }
            Ok(Err(e)) => e.to_string(),
            Err(_) => format!("no answer within {ASK_LIMIT:?}"),
        };
    tracing::warn!(
        target: ENGINE,
        "the locator given to the builder failed ({failure}), so the place is unknown: your \
         intensity providers are asked for an empty place, else the world average, {} g \
         CO2eq/kWh, is used",
        codecarbon_core::WORLD_AVERAGE.value()
    );
    Location::default()
}

/// Asks each locator in turn, merging their answers, until one gives a country.
fn locate(runtime: &tokio::runtime::Runtime, locators: &[NamedLocator], offline: bool) -> Location {
    let mut found = Location::default();
    let mut misses = Vec::new();
    for (name, locator) in locators {
        match runtime.block_on(async { tokio::time::timeout(ASK_LIMIT, locator.locate()).await }) {
            Ok(Ok(answer)) => {
                tracing::debug!(target: ENGINE, plugin = %name, "location from {name}: {answer:?}");
                merge(&mut found, answer);
                if found.country_iso_code.is_some() {
                    return found;
                }
            }
            Ok(Err(e)) => misses.push(format!("{name}: {e}")),
            Err(_) => misses.push(format!("{name}: no answer within {ASK_LIMIT:?}")),
        }
    }
    if !found.on_cloud() {
        let fix = if offline {
            "set country_iso_code (and region)"
        } else {
            "set country_iso_code (and region), e.g. --country-iso-code FRA"
        };
        let why = if misses.is_empty() {
            String::new()
        } else {
            format!(" [{}]", misses.join("; "))
        };
        tracing::warn!(
            target: ENGINE,
            "could not find where this machine runs, so the world average, {} g CO2eq/kWh, \
             is used; {fix}{why}",
            codecarbon_core::WORLD_AVERAGE.value()
        );
    }
    found
}

/// Fills the fields `into` lacks from `from`.
fn merge(into: &mut Location, from: Location) {
    fn fill<T>(slot: &mut Option<T>, value: Option<T>) {
        if slot.is_none() {
            *slot = value;
        }
    }
    // A region belongs to its country: take it only with the country, or for the same one.
    let same_country = into.country_iso_code.is_none()
        || into.country_iso_code.as_deref() == from.country_iso_code.as_deref();
    fill(&mut into.country_iso_code, from.country_iso_code);
    fill(&mut into.country_name, from.country_name);
    if same_country {
        fill(&mut into.region, from.region);
    }
    if into.cloud_provider.is_none() && into.cloud_region.is_none() {
        into.cloud_provider = from.cloud_provider;
        into.cloud_region = from.cloud_region;
    }
    if into.latitude.is_none() && into.longitude.is_none() {
        into.latitude = from.latitude;
        into.longitude = from.longitude;
    }
}

/// The intensity chain's memory: which providers are failing (each is reported once) and the
/// last answer (changes are logged).
struct Chain {
    failing: Vec<bool>,
    last: Option<Intensity>,
    warned_world_average: bool,
    warned_cloud: bool,
}

impl Chain {
    fn new(providers: usize) -> Chain {
        Chain {
            failing: vec![false; providers],
            last: None,
            warned_world_average: false,
            warned_cloud: false,
        }
    }

    /// The chain's answer, and whether it is fixed for the run: every provider asked (up to
    /// the one that answered) is static.
    fn ask(
        &mut self,
        runtime: &tokio::runtime::Runtime,
        at: &Location,
        explicit: &[Arc<dyn IntensityProvider>],
        registry: &[(String, Box<dyn IntensityProvider>)],
    ) -> (Intensity, bool) {
        // Whether every provider asked answers the same at any time: then so does the chain.
        let mut fixed = true;
        let providers = explicit
            .iter()
            .enumerate()
            .map(|(i, p)| (format!("custom intensity provider {}", i + 1), &**p))
            .chain(registry.iter().map(|(n, p)| (n.clone(), &**p)));
        let mut answer = None;
        for (i, (name, provider)) in providers.enumerate() {
            fixed &= provider.is_static();
            let asked = async {
                tokio::time::timeout(ASK_LIMIT, provider.intensity(at, SystemTime::now())).await
            };
            let outcome = match runtime.block_on(asked) {
                Ok(Ok(found)) => Ok(found),
                Ok(Err(e)) => Err(e.to_string()),
                Err(_) => Err(format!("no answer within {ASK_LIMIT:?}")),
            };
            let failing = &mut self.failing[i];
            match outcome {
                // "Nothing for this place" says nothing of a failing provider's health (one
                // backing off answers so): only an answer ends its failure.
                Ok(None) => {}
                Ok(Some(found)) => {
                    if *failing {
                        tracing::info!(target: ENGINE, plugin = %name, "intensity: {name} answers again");
                    }
                    *failing = false;
                    answer = Some(found);
                    break;
                }
                Err(e) => {
                    if !*failing {
                        tracing::warn!(
                            target: ENGINE,
                            plugin = %name,
                            "intensity: {name} failed ({e}); the next source is used"
                        );
                    }
                    *failing = true;
                }
            }
        }
        if at.on_cloud()
            && !self.warned_cloud
            && answer.as_ref().is_none_or(|a| {
                !matches!(
                    a.basis,
                    IntensityBasis::CloudRegion | IntensityBasis::Custom
                )
            })
        {
            tracing::warn!(
                target: ENGINE,
                "no carbon intensity for cloud region {} of {}: the next source is used",
                at.cloud_region.as_deref().unwrap_or_default(),
                at.cloud_provider.as_deref().unwrap_or_default()
            );
            self.warned_cloud = true;
        }
        let intensity = answer.unwrap_or_else(|| {
            if at.country_iso_code.is_some() && !self.warned_world_average {
                tracing::warn!(
                    target: ENGINE,
                    "no carbon intensity data for {}: using the world average, {} g CO2eq/kWh",
                    at.country_iso_code.as_deref().unwrap_or_default(),
                    codecarbon_core::WORLD_AVERAGE.value()
                );
                self.warned_world_average = true;
            }
            Intensity::world_average()
        });
        if self.last.as_ref() != Some(&intensity) {
            tracing::info!(
                target: ENGINE,
                plugin = %intensity.source,
                "carbon intensity: {:.3} g CO2eq/kWh ({}: {})",
                intensity.value.value(),
                intensity.basis.as_str().replace('_', " "),
                intensity.source
            );
            self.last = Some(intensity.clone());
        }
        (intensity, fixed)
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
    use super::*;

    fn at(country: Option<&str>, region: Option<&str>) -> Location {
        let mut at = Location::default();
        at.country_iso_code = country.map(Into::into);
        at.region = region.map(Into::into);
        at
    }

    #[test]
    fn merging_keeps_the_first_answer_and_regions_with_their_country() {
        let mut cloud = Location::default().with_cloud("aws", "eu-west-3");
        merge(&mut cloud, at(Some("FRA"), Some("idf")));
        assert_eq!(cloud.country_iso_code.as_deref(), Some("FRA"));
        assert_eq!(cloud.region.as_deref(), Some("idf"));
        assert_eq!(cloud.cloud_region.as_deref(), Some("eu-west-3"));

        let mut usa = at(Some("USA"), None);
        merge(&mut usa, at(Some("CAN"), Some("quebec")));
        assert_eq!(usa.country_iso_code.as_deref(), Some("USA"));
        assert_eq!(usa.region, None, "a Canadian province is no US state");
    }
}
