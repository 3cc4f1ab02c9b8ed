//! The two registered plugins: `iso` (a locator) and `static` (an intensity provider).

use codecarbon_core::{
    async_trait, BuildError, Config, Intensity, IntensityError, IntensityProvider, LocateError,
    Location, Locator, Probe,
};
use codecarbon_data::{lookup, Answer, LookupError, Query};
use std::convert::Infallible;
use std::time::SystemTime;

codecarbon_core::register_plugins! {
    locator {
        name: "iso",
        priority: 100,
        summary: "offline location from country_iso_code and region, or cloud_provider and cloud_region",
        probe: probe_iso,
        build: build_iso,
    },
    intensity {
        name: "static",
        priority: 0,
        summary: "CodeCarbon's static intensity data: GCP regions, US states, Canadian and Chinese provinces, Nordic zones, countries",
        probe: probe_static,
        build: build_static,
    },
}

fn probe_iso(config: &Config) -> Probe {
    let cloud = config.cloud_provider.is_some() && config.cloud_region.is_some();
    if config.country_iso_code.is_some() || cloud {
        Probe::Available
    } else {
        Probe::Unavailable(
            "no `country_iso_code`, nor both `cloud_provider` and `cloud_region`, is set".into(),
        )
    }
}

fn build_iso(config: &Config) -> Result<IsoLocator, BuildError> {
    match IsoLocator::from_config(config) {
        Ok(locator) => Ok(locator),
        Err(LookupError::Data(message)) => Err(BuildError::Unavailable {
            plugin: "iso",
            message,
        }),
        Err(e) => Err(BuildError::Invalid {
            plugin: "iso",
            message: e.to_string(),
        }),
    }
}

fn probe_static(_: &Config) -> Probe {
    Probe::Available
}

fn build_static(_: &Config) -> Result<StaticIntensity, Infallible> {
    Ok(StaticIntensity)
}

/// The offline locator: the place the configuration names, validated against the data.
#[derive(Debug, Clone, PartialEq)]
pub struct IsoLocator {
    location: Location,
}

impl IsoLocator {
    /// Resolves the configuration's place: the cloud region when `cloud_provider` and
    /// `cloud_region` are both set (its country and region then come from the cloud data),
    /// else `country_iso_code` and `region`. A configured country is validated in both cases.
    pub fn from_config(config: &Config) -> Result<IsoLocator, LookupError> {
        let country = Query::country_of_config(config)
            .map(|q| lookup(&q))
            .transpose()?;
        let answer = match Query::from_config(config) {
            Some(query @ Query::Cloud { .. }) => match lookup(&query) {
                // AWS and Azure are not in CodeCarbon's table: the place is the configured
                // cloud region (the `cloud` plugin knows its intensity, and its
                // `cloud_config` locator checks it) and country.
                Err(LookupError::OtherCloudProvider { .. }) => {
                    let mut location = country.map(|c| c.location()).unwrap_or_default();
                    location.cloud_provider = config
                        .cloud_provider
                        .as_ref()
                        .map(|p| p.trim().to_lowercase());
                    location.cloud_region = config
                        .cloud_region
                        .as_ref()
                        .map(|r| r.trim().to_lowercase());
                    return Ok(IsoLocator { location });
                }
                other => other?,
            },
            _ => country.ok_or(LookupError::Empty("country_iso_code"))?,
        };
        Ok(IsoLocator {
            location: answer.location(),
        })
    }

    /// The resolved location.
    pub fn location(&self) -> &Location {
        &self.location
    }
}

#[async_trait]
impl Locator for IsoLocator {
    async fn locate(&self) -> Result<Location, LocateError> {
        Ok(self.location.clone())
    }
}

/// CodeCarbon's static intensity data as an [`IntensityProvider`].
#[derive(Debug, Clone, Copy, Default)]
pub struct StaticIntensity;

impl StaticIntensity {
    /// The intensity for a location: its cloud region first, then its region, then its
    /// country. `Ok(None)` when the location has no country, or its country has no data, so
    /// the engine uses the world average and warns.
    ///
    /// A region or cloud region the data does not know falls back to the country's value, as
    /// CodeCarbon does (a geolocated region cannot be fixed by the user; a configured one was
    /// already checked by the `iso` locator).
    pub fn intensity_for(&self, at: &Location) -> Result<Option<Intensity>, IntensityError> {
        if let (Some(provider), Some(region)) = (&at.cloud_provider, &at.cloud_region) {
            if let Some(answer) = known(lookup(&Query::cloud(provider, region)))? {
                return Ok(Some(answer.intensity()));
            }
        }
        let Some(code) = &at.country_iso_code else {
            return Ok(None);
        };
        if let Some(region) = &at.region {
            if let Some(answer) = known(lookup(&Query::region(code, region)))? {
                return Ok(with_data(answer));
            }
        }
        Ok(known(lookup(&Query::country(code)))?.and_then(with_data))
    }
}

/// The answer, `None` for a place the data does not know, an error for a broken dataset.
fn known(result: Result<Answer, LookupError>) -> Result<Option<Answer>, IntensityError> {
    match result {
        Ok(answer) => Ok(Some(answer)),
        Err(LookupError::Data(message)) => Err(IntensityError::Unavailable(message)),
        Err(_) => Ok(None),
    }
}

fn with_data(answer: Answer) -> Option<Intensity> {
    (!answer.world_average_fallback).then(|| answer.intensity())
}

#[async_trait]
impl IntensityProvider for StaticIntensity {
    async fn intensity(
        &self,
        at: &Location,
        _when: SystemTime,
    ) -> Result<Option<Intensity>, IntensityError> {
        self.intensity_for(at)
    }

    /// Embedded tables: a place's answer never changes during a run.
    fn is_static(&self) -> bool {
        true
    }
}
