//! Assembles a run's parts: power sources, place, intensity and outputs, from the user's explicit
//! components first and the registry for the rest. Every decision is logged.

use super::explicit::Explicit;
use super::place::{NamedLocator, PlaceInputs, UsersLocator};
use super::selection;
use crate::diagnostics::ENGINE;
use crate::error::TrackerError;
use codecarbon_core::{
    Component, Config, Intensity, IntensityBasis, PowerSource, Sink, SourceInfo,
};
use std::time::Duration;

/// A power source and where it came from.
pub(crate) struct SourcePart {
    pub(crate) source: Box<dyn PowerSource>,
    pub(crate) info: SourceInfo,
    pub(crate) explicit: bool,
}

/// An output and where it came from.
pub(crate) struct SinkPart {
    pub(crate) name: String,
    pub(crate) sink: Box<dyn Sink>,
    pub(crate) explicit: bool,
}

/// Everything a run needs besides the kernel's files.
pub(crate) struct Parts {
    pub(crate) sources: Vec<SourcePart>,
    /// What the place thread needs to find the location and the intensity.
    pub(crate) place: PlaceInputs,
    pub(crate) sinks: Vec<SinkPart>,
}

/// Chooses every part. On error nothing of `explicit` is lost: what was not used stays in it.
pub(crate) fn assemble(config: &Config, explicit: &mut Explicit) -> Result<Parts, TrackerError> {
    codecarbon_core::registry::check_unique_names()?;
    let covered = explicit.components();
    let registry_sources = registry_sources(config, &covered)?;
    let (user_locator, locators) = locators(config, explicit)?;
    let registry_intensity = selection::intensity_chain(config)?;
    let registry_sinks = selection::sinks(config)?;

    // Nothing can fail from here on: move the user's parts in.
    let mut sources: Vec<SourcePart> = std::mem::take(&mut explicit.power_sources)
        .into_iter()
        .map(|mut source| {
            // It may have served an earlier run: that run's baselines must not leak in.
            source.reset();
            let info = source.info();
            tracing::info!(
                target: ENGINE,
                component = %info.component,
                source = info.source,
                "{}: {} ({}, given to the builder): {}",
                info.component,
                info.source,
                info.method,
                info.detail
            );
            SourcePart {
                source,
                info,
                explicit: true,
            }
        })
        .collect();
    sources.extend(registry_sources);
    let mut sinks: Vec<SinkPart> = registry_sinks
        .into_iter()
        .map(|(name, sink)| SinkPart {
            name: name.to_string(),
            sink,
            explicit: false,
        })
        .collect();
    sinks.extend(
        std::mem::take(&mut explicit.sinks)
            .into_iter()
            .enumerate()
            .map(|(i, sink)| SinkPart {
                name: format!("custom sink {}", i + 1),
                sink,
                explicit: true,
            }),
    );
    let place = PlaceInputs {
        locators,
        user_locator,
        forced: forced_intensity(config),
        explicit: std::mem::take(&mut explicit.intensity),
        registry: registry_intensity,
        refresh: config
            .measure_power_secs
            .clamp(Duration::from_secs(1), Duration::from_secs(60)),
        offline: config.offline,
    };
    Ok(Parts {
        sources,
        place,
        sinks,
    })
}

fn registry_sources(
    config: &Config,
    covered: &[Component],
) -> Result<Vec<SourcePart>, TrackerError> {
    let wanted: Vec<Component> = Component::ALL
        .into_iter()
        .filter(|c| !covered.contains(c))
        .collect();
    let mut parts = Vec::new();
    for chosen in selection::power_sources_for(config, &wanted)? {
        for d in chosen.decisions.iter().filter(|d| !d.taken) {
            let (component, plugin) = (chosen.component, &d.plugin);
            let reason = d.reason.as_deref().unwrap_or("");
            if d.blocked {
                tracing::warn!(
                    target: ENGINE,
                    component = %component,
                    plugin = %plugin,
                    "{component}: not using {plugin}: {reason}"
                );
            } else {
                tracing::debug!(
                    target: ENGINE,
                    component = %component,
                    plugin = %plugin,
                    "{component}: not using {plugin}: {reason}"
                );
            }
        }
        if chosen.sources.is_empty() {
            if chosen.component == Component::Gpu {
                tracing::debug!(target: ENGINE, component = %chosen.component, "no GPU found");
            } else {
                tracing::warn!(
                    target: ENGINE,
                    component = %chosen.component,
                    "no power source for {}: its energy is not counted",
                    chosen.component
                );
            }
        }
        for source in chosen.sources {
            let info = source.info();
            tracing::info!(
                target: ENGINE,
                component = %chosen.component,
                source = info.source,
                "{}: {} ({}): {}",
                chosen.component,
                info.source,
                info.method,
                info.detail
            );
            parts.push(SourcePart {
                source,
                info,
                explicit: false,
            });
        }
    }
    Ok(parts)
}

/// The user's locator (it replaces the registry's), else the registry's locators, for the place
/// thread to ask. Building them checks the configuration (an unknown country fails here).
fn locators(
    config: &Config,
    explicit: &Explicit,
) -> Result<(Option<UsersLocator>, Vec<NamedLocator>), TrackerError> {
    if config.cloud_provider.is_some() != config.cloud_region.is_some() {
        tracing::warn!(
            target: ENGINE,
            "cloud_provider and cloud_region go together and one of them is missing: \
             the cloud setting is ignored; set both (e.g. gcp and us-central1), or neither"
        );
    }
    if let Some(locator) = &explicit.locator {
        return Ok((Some(locator.clone()), Vec::new()));
    }
    let locators = selection::locators(config)?;
    if locators.is_empty() && config.offline {
        return Err(TrackerError::OfflineNeedsLocation);
    }
    Ok((None, locators))
}

/// `force_carbon_intensity_g_co2e_kwh`, which overrides every provider.
fn forced_intensity(config: &Config) -> Option<Intensity> {
    config.force_carbon_intensity_g_co2e_kwh.map(|value| {
        Intensity::new(
            value,
            codecarbon_core::config::key::force_carbon_intensity_g_co2e_kwh,
            IntensityBasis::Forced,
        )
    })
}
