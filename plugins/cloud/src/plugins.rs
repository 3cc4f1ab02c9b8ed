//! The registered plugins: `cloud` (instance metadata) and `cloud_config` (a configured AWS or
//! Azure region), two locators, and `cloud_region`, an intensity provider.

use crate::intensity::CloudRegionIntensity;
use crate::metadata::MetadataLocator;
use crate::settings::CloudSettings;
use crate::MetadataError;
use codecarbon_core::{async_trait, BuildError, Config, LocateError, Location, Locator, Probe};
use std::convert::Infallible;

codecarbon_core::register_plugins! {
    locator {
        name: "cloud",
        priority: 50,
        summary: "cloud provider and region (AWS, Azure, GCP) from instance metadata",
        settings: CloudSettings,
        probe: probe_cloud,
        build: build_cloud,
    },
    intensity {
        name: "cloud_region",
        priority: 100,
        summary: "per-region intensity of AWS and Azure (Cloud Carbon Footprint) and GCP (Google)",
        probe: probe_cloud_region,
        build: build_cloud_region,
    },
    locator {
        name: "cloud_config",
        priority: 110,
        summary: "the AWS or Azure region named by cloud_provider and cloud_region, checked against the tables",
        probe: probe_cloud_config,
        build: build_cloud_config,
    },
}

fn probe_cloud(config: &Config, _: &CloudSettings) -> Probe {
    if config.offline {
        Probe::Unavailable("`offline` is set: instance metadata is not asked".into())
    } else {
        Probe::Available
    }
}

fn build_cloud(_: &Config, settings: &CloudSettings) -> Result<MetadataLocator, BuildError> {
    match MetadataLocator::from_settings(settings) {
        Ok(locator) => Ok(locator),
        Err(e @ MetadataError::InvalidUrl { .. }) => Err(BuildError::invalid("cloud", e)),
        Err(e @ MetadataError::Client(_)) => Err(BuildError::unavailable("cloud", e)),
    }
}

fn probe_cloud_region(_: &Config) -> Probe {
    Probe::Available
}

fn build_cloud_region(_: &Config) -> Result<CloudRegionIntensity, Infallible> {
    Ok(CloudRegionIntensity)
}

/// The providers whose regions only this crate knows (GCP's are the `iso` plugin's).
const TABLE_PROVIDERS: [&str; 2] = ["aws", "azure"];

fn configured(config: &Config) -> Option<(String, String)> {
    let provider = config
        .cloud_provider
        .as_deref()?
        .trim()
        .to_ascii_lowercase();
    let region = config.cloud_region.as_deref()?.trim().to_ascii_lowercase();
    TABLE_PROVIDERS
        .contains(&provider.as_str())
        .then_some((provider, region))
}

fn probe_cloud_config(config: &Config) -> Probe {
    match configured(config) {
        Some(_) => Probe::Available,
        None => Probe::Unavailable("no AWS or Azure region is configured".into()),
    }
}

fn build_cloud_config(config: &Config) -> Result<FixedLocation, BuildError> {
    let Some((provider, region)) = configured(config) else {
        return Err(BuildError::Unavailable {
            plugin: "cloud_config",
            message: "no AWS or Azure region is configured".into(),
        });
    };
    let invalid = |message: String| BuildError::Invalid {
        plugin: "cloud_config",
        message,
    };
    let found = crate::known_region(&provider, &region).map_err(|e| invalid(e.to_string()))?;
    // A country the user sets wins over the region's; either is checked and named.
    let code = config
        .country_iso_code
        .as_deref()
        .unwrap_or(&found.country_iso_code);
    let country = codecarbon_data::country(code).map_err(|e| invalid(e.to_string()))?;
    let mut location = Location::default()
        .with_country(country.alpha_3, country.name)
        .with_cloud(provider, found.region);
    location.region = config.region.clone();
    Ok(FixedLocation(location))
}

/// A place known when the plugin is built.
struct FixedLocation(Location);

#[async_trait]
impl Locator for FixedLocation {
    async fn locate(&self) -> Result<Location, LocateError> {
        Ok(self.0.clone())
    }
}
