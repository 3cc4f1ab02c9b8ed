//! The two registered plugins: `cloud` (a locator) and `cloud_region` (an intensity provider).

use crate::intensity::CloudRegionIntensity;
use crate::metadata::{MetadataLocator, METADATA_URL_KEY};
use crate::MetadataError;
use codecarbon_core::{BuildError, Config, Plugin, PluginDescriptor, PluginKind, Probe};

/// The names of the plugins this crate registers.
pub const PLUGINS: &[&str] = &["cloud", "cloud_region"];

inventory::submit! {
    PluginDescriptor {
        name: "cloud",
        kind: PluginKind::Locator,
        priority: 50,
        summary: "cloud provider and region (AWS, Azure, GCP) from instance metadata",
        keys: &[METADATA_URL_KEY],
        probe: probe_cloud,
        build: build_cloud,
    }
}

inventory::submit! {
    PluginDescriptor {
        name: "cloud_region",
        kind: PluginKind::Intensity,
        priority: 100,
        summary: "per-region intensity of AWS and Azure (Cloud Carbon Footprint) and GCP (Google)",
        keys: &[],
        probe: probe_cloud_region,
        build: build_cloud_region,
    }
}

fn probe_cloud(config: &Config) -> Probe {
    if config.offline {
        Probe::Unavailable("`offline` is set: instance metadata is not asked".into())
    } else {
        Probe::Available
    }
}

fn build_cloud(config: &Config) -> Result<Plugin, BuildError> {
    match MetadataLocator::from_config(config) {
        Ok(locator) => Ok(Plugin::Locator(Box::new(locator))),
        Err(e @ MetadataError::InvalidUrl { .. }) => Err(BuildError::Invalid {
            plugin: "cloud",
            message: e.to_string(),
        }),
        Err(e @ MetadataError::Client(_)) => Err(BuildError::Unavailable {
            plugin: "cloud",
            message: e.to_string(),
        }),
    }
}

fn probe_cloud_region(_: &Config) -> Probe {
    Probe::Available
}

fn build_cloud_region(_: &Config) -> Result<Plugin, BuildError> {
    Ok(Plugin::Intensity(Box::new(CloudRegionIntensity)))
}
