//! Picks plugins from the registry: for each role, the available candidate of highest priority.
//!
//! Probing is cheap and side-effect free; only the chosen candidate is built. Every decision is
//! recorded, so the log and `codecarbon detect` can say why each candidate was taken or skipped.

use crate::error::TrackerError;
use codecarbon_core::registry::{self, Candidate};
use codecarbon_core::{
    BuildError, Component, Config, IntensityProvider, Joules, Locator, Method, PowerSource, Probe,
    SampleContext, Sink, SourceError, SourceInfo, TrackingMode,
};
use serde::Serialize;
use std::time::{Duration, Instant};

/// Why a candidate was or was not used.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Decision {
    /// The candidate plugin.
    pub plugin: &'static str,
    /// Whether it was taken.
    pub taken: bool,
    /// Why it was skipped, when it was.
    pub reason: Option<String>,
    /// It was skipped although its hardware is there (a permission, a sysctl): the reason
    /// says the fix, and the log warns.
    pub blocked: bool,
}

/// The built power sources of a component and the decisions that led to them.
pub struct ChosenSource {
    /// The component.
    pub component: Component,
    /// The sources: at most one for the CPU and RAM (their candidates measure the same thing,
    /// so the best wins); every available one for GPUs (each vendor's plugin covers its own
    /// devices).
    pub sources: Vec<Box<dyn PowerSource>>,
    /// One entry per candidate considered.
    pub decisions: Vec<Decision>,
}

impl ChosenSource {
    /// Watches a measuring CPU or RAM source for at most `patience`, until its counters move:
    /// one that answers [`SourceError::Unusable`] (a virtual machine's RAPL that never counts)
    /// gives way to the next candidate, as it would during a run, and the decisions say so.
    /// Probing alone cannot see such a counter; `codecarbon detect` calls this so that it shows
    /// what a run would end up using.
    pub fn confirm(&mut self, config: &Config, patience: Duration) -> Result<(), TrackerError> {
        if self.component == Component::Gpu {
            return Ok(());
        }
        let deadline = Instant::now() + patience;
        while let Some(source) = self.sources.first_mut() {
            let info = source.info();
            if info.method != Method::Measured {
                return Ok(());
            }
            let why = match watch(source.as_mut(), deadline) {
                Some(why) => why,
                None => return Ok(()),
            };
            self.sources.clear();
            for d in self.decisions.iter_mut() {
                if d.plugin == info.source {
                    *d = Decision {
                        plugin: d.plugin,
                        taken: false,
                        reason: Some(why.clone()),
                        blocked: false,
                    };
                }
            }
            let Some(next) = next_power_source(config, self.component, info.source)? else {
                return Ok(());
            };
            let taken = next.info().source;
            let (was, now) = (outranked_by(info.source), outranked_by(taken));
            for d in self.decisions.iter_mut() {
                if d.plugin == taken {
                    d.taken = true;
                    d.reason = None;
                } else if d.reason.as_deref() == Some(was.as_str()) {
                    d.reason = Some(now.clone());
                }
            }
            self.sources.push(next);
        }
        Ok(())
    }
}

/// Samples `source` every few milliseconds until its energy moves (`None`), it says it is
/// unusable (why), or `deadline` passes (`None`: nothing seen against it).
fn watch(source: &mut dyn PowerSource, deadline: Instant) -> Option<String> {
    let context = |elapsed| SampleContext::new(elapsed, TrackingMode::Machine, 1);
    let mut last = Instant::now();
    if source.sample(&context(Duration::ZERO)).is_err() {
        return None;
    }
    while Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(10));
        let now = Instant::now();
        match source.sample(&context(now.saturating_duration_since(last))) {
            Ok(reading) if reading.energy > Joules::ZERO => return None,
            Ok(_) => {}
            Err(SourceError::Unusable(why)) => return Some(why),
            Err(_) => return None,
        }
        last = now;
    }
    None
}

/// Builds the `candidates` that are available, in priority order: every one when `every`, else
/// the first, the others then being recorded as outranked.
fn available<T>(
    config: &Config,
    candidates: &[Candidate<T>],
    decisions: &mut Vec<Decision>,
    every: bool,
) -> Result<Vec<T>, TrackerError> {
    let mut built_all = Vec::new();
    for (i, candidate) in candidates.iter().enumerate() {
        match candidate.descriptor.probe(config) {
            Probe::Available => {}
            Probe::Blocked(reason) => {
                decisions.push(Decision {
                    plugin: candidate.name,
                    taken: false,
                    reason: Some(reason),
                    blocked: true,
                });
                continue;
            }
            unavailable => {
                let reason = unavailable.reason().unwrap_or_default().to_string();
                decisions.push(skipped(candidate, reason));
                continue;
            }
        }
        match (candidate.build)(config) {
            Ok(built) => {
                decisions.push(Decision {
                    plugin: candidate.name,
                    taken: true,
                    reason: None,
                    blocked: false,
                });
                built_all.push(built);
                if !every {
                    for lower in &candidates[i + 1..] {
                        decisions.push(skipped(lower, outranked_by(candidate.name)));
                    }
                    return Ok(built_all);
                }
            }
            Err(BuildError::Unavailable { message, .. }) => {
                decisions.push(skipped(candidate, message));
            }
            Err(invalid) => return Err(invalid.into()),
        }
    }
    Ok(built_all)
}

/// The reason a lower candidate is not built when `name` was.
fn outranked_by(name: &str) -> String {
    format!("outranked by {name}")
}

fn skipped<T>(candidate: &Candidate<T>, reason: String) -> Decision {
    Decision {
        plugin: candidate.name,
        taken: false,
        reason: Some(reason),
        blocked: false,
    }
}

/// The available power source of highest priority for `component` below the plugin `after`:
/// what takes the place of a source that turned out unusable during a run. `None` when no
/// lower candidate is available, or `after` is not a registered source of `component`.
pub(crate) fn next_power_source(
    config: &Config,
    component: Component,
    after: &str,
) -> Result<Option<Box<dyn PowerSource>>, TrackerError> {
    let candidates = registry::power_sources(component);
    let Some(i) = candidates.iter().position(|c| c.name == after) else {
        return Ok(None);
    };
    let mut decisions = Vec::new();
    let built = available(config, &candidates[i + 1..], &mut decisions, false)?;
    for d in decisions.iter().filter(|d| !d.taken) {
        let reason = d.reason.as_deref().unwrap_or("");
        tracing::debug!(target: crate::diagnostics::ENGINE, component = %component, plugin = d.plugin,
            "{component}: not using {}: {reason}", d.plugin);
    }
    Ok(built.into_iter().next())
}

/// The power source of each component.
pub fn power_sources(config: &Config) -> Result<Vec<ChosenSource>, TrackerError> {
    registry::check_unique_names()?;
    power_sources_for(config, &Component::ALL)
}

/// CodeCarbon's `gpu_model` of these GPU sources, as the row and `codecarbon detect` write it:
/// `N x name` for each source that names its model, joined with `, `; `None` when none does.
///
/// ```
/// use codecarbon::core::{Component, Method, SourceInfo};
/// let a100 = SourceInfo::new(Component::Gpu, "nvml", Method::Measured, "")
///     .with_model("NVIDIA A100")
///     .with_count(2);
/// assert_eq!(codecarbon::gpu_model([&a100]).as_deref(), Some("2 x NVIDIA A100"));
/// ```
pub fn gpu_model<'a>(gpus: impl IntoIterator<Item = &'a SourceInfo>) -> Option<String> {
    let models: Vec<String> = gpus
        .into_iter()
        .filter_map(|info| info.model.as_deref().map(|m| counted(info.count, m)))
        .collect();
    (!models.is_empty()).then(|| models.join(", "))
}

/// `N x name`, or the source's own text when it already has that form (a source covering
/// several models writes `1 x A, 2 x B`).
fn counted(count: usize, model: &str) -> String {
    let counted = model
        .split_once(" x ")
        .is_some_and(|(n, _)| !n.is_empty() && n.chars().all(|c| c.is_ascii_digit()));
    if counted {
        model.to_string()
    } else {
        format!("{count} x {model}")
    }
}

/// The power source of each of `components`.
pub(crate) fn power_sources_for(
    config: &Config,
    components: &[Component],
) -> Result<Vec<ChosenSource>, TrackerError> {
    components
        .iter()
        .copied()
        .map(|component| {
            let mut decisions = Vec::new();
            let sources = available(
                config,
                &registry::power_sources(component),
                &mut decisions,
                component == Component::Gpu,
            )?;
            Ok(ChosenSource {
                component,
                sources,
                decisions,
            })
        })
        .collect()
}

/// Whether some registered locator can work with this configuration.
pub(crate) fn any_locator(config: &Config) -> bool {
    registry::locators()
        .iter()
        .any(|p| p.descriptor.probe(config) == Probe::Available)
}

/// Every available locator, highest priority first: the configuration's place, then cloud
/// metadata, a local GeoIP database, online geolocation.
pub(crate) fn locators(config: &Config) -> Result<Vec<Named<Box<dyn Locator>>>, TrackerError> {
    every_available(config, registry::locators())
}

/// Every available intensity provider, highest priority first: the chain.
pub(crate) fn intensity_chain(
    config: &Config,
) -> Result<Vec<Named<Box<dyn IntensityProvider>>>, TrackerError> {
    every_available(config, registry::intensity_providers())
}

/// A built plugin and its name, for messages.
pub(crate) type Named<T> = (String, T);

/// Builds every available one of `candidates`, with its name, highest priority first.
fn every_available<T>(
    config: &Config,
    candidates: Vec<Candidate<T>>,
) -> Result<Vec<Named<T>>, TrackerError> {
    let mut built = Vec::new();
    for candidate in candidates {
        if candidate.descriptor.probe(config) != Probe::Available {
            continue;
        }
        match (candidate.build)(config) {
            Ok(one) => built.push((candidate.name.to_string(), one)),
            Err(BuildError::Unavailable { .. }) => {}
            Err(invalid) => return Err(invalid.into()),
        }
    }
    Ok(built)
}

/// A sink and its `output_methods` name.
pub(crate) type NamedSink = (&'static str, Box<dyn Sink>);

/// The sinks named in `output_methods`, in that order.
pub(crate) fn sinks(config: &Config) -> Result<Vec<NamedSink>, TrackerError> {
    let mut built = Vec::new();
    for candidate in outputs(config)? {
        built.push((candidate.name, (candidate.build)(config)?));
    }
    Ok(built)
}

/// The plugins of the outputs `output_methods` names, in that order, checked without building
/// them: each is in this build and can work with these settings (`api` offline cannot). The
/// tracker's `build()` asks this, so that a wrong output is an error before the run starts.
pub(crate) fn outputs(config: &Config) -> Result<Vec<Candidate<Box<dyn Sink>>>, TrackerError> {
    let available = registry::sinks();
    let mut chosen = Vec::new();
    for name in &config.output_methods {
        let Some(candidate) = available.iter().find(|p| p.name == name).cloned() else {
            let names: Vec<_> = available.iter().map(|p| p.name).collect();
            return Err(TrackerError::UnknownOutputMethod {
                name: name.clone(),
                available: names.join(", "),
            });
        };
        // The user asked for this output: one that cannot work here is an error, not a skip.
        if let Some(why) = candidate.descriptor.probe(config).reason() {
            return Err(BuildError::invalid(
                candidate.name,
                format_args!("the `{name}` output cannot work here: {why}"),
            )
            .into());
        }
        chosen.push(candidate);
    }
    Ok(chosen)
}

#[cfg(test)]
mod gpu_model_tests {
    use super::*;

    #[test]
    fn gpu_model_is_counted_once() {
        assert_eq!(counted(2, "A100"), "2 x A100");
        assert_eq!(counted(3, "1 x MI210, 2 x MI250X"), "1 x MI210, 2 x MI250X");
        assert_eq!(counted(1, "Box x 2"), "1 x Box x 2");
        let unnamed = SourceInfo::new(Component::Gpu, "x", Method::Estimated, "");
        assert_eq!(gpu_model([&unnamed]), None);
    }
}
