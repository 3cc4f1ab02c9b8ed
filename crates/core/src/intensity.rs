//! The `IntensityProvider` trait: grams of CO2-equivalent per kilowatt-hour for a place.

use crate::location::Location;
use crate::units::GramsPerKwh;
use async_trait::async_trait;
use serde::Serialize;
use std::time::SystemTime;
use thiserror::Error;

/// The world's average carbon intensity of electricity, used where nothing better is known
/// (IEA Global Energy & CO2 Status Report 2019; `world_average` in
/// `data/intensity/carbon_intensity_per_source.json`).
pub const WORLD_AVERAGE: GramsPerKwh = GramsPerKwh(475.0);

/// Which step of the intensity chain gave a figure. The engine asks in a fixed order (see
/// `docs/methodology.md`): a forced value, the cloud region, a live grid service, the region,
/// the country, and the world average when nothing else answers.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum IntensityBasis {
    /// `force_carbon_intensity_g_co2e_kwh`.
    Forced,
    /// The cloud provider's figure for its region.
    CloudRegion,
    /// A live grid service (Electricity Maps), for this moment.
    Live,
    /// A regional average: a US state, a Canadian or Chinese province, a Nordic zone.
    Region,
    /// The country's yearly average.
    Country,
    /// The world average, when nothing better is known.
    WorldAverage,
    /// A provider given to the builder by the user.
    Custom,
}

impl IntensityBasis {
    /// The name written in outputs (`cloud_region`).
    pub fn as_str(self) -> &'static str {
        match self {
            IntensityBasis::Forced => "forced",
            IntensityBasis::CloudRegion => "cloud_region",
            IntensityBasis::Live => "live",
            IntensityBasis::Region => "region",
            IntensityBasis::Country => "country",
            IntensityBasis::WorldAverage => "world_average",
            IntensityBasis::Custom => "custom",
        }
    }
}

/// A carbon intensity and where it came from.
///
/// Built with [`Intensity::new`] (and [`Intensity::with_year`]), so that a field added later
/// breaks no provider:
///
/// ```
/// use codecarbon_core::{GramsPerKwh, Intensity, IntensityBasis};
///
/// let grid = Intensity::new(GramsPerKwh(32.0), "Hydro-Québec", IntensityBasis::Region)
///     .with_year(2023);
/// assert_eq!((grid.value, grid.year), (GramsPerKwh(32.0), Some(2023)));
/// ```
#[derive(Debug, Clone, PartialEq, Serialize)]
#[non_exhaustive]
pub struct Intensity {
    /// The intensity.
    pub value: GramsPerKwh,
    /// The dataset or service that gave it (`Our World in Data`).
    pub source: String,
    /// The year the figure describes, when known.
    pub year: Option<i32>,
    /// Which step of the chain gave it.
    pub basis: IntensityBasis,
}

impl Intensity {
    /// `value`, given by `source` (a dataset or a service), found at step `basis` of the chain;
    /// the year it describes unknown.
    pub fn new(value: GramsPerKwh, source: impl Into<String>, basis: IntensityBasis) -> Intensity {
        Intensity {
            value,
            source: source.into(),
            year: None,
            basis,
        }
    }

    /// With the year the figure describes.
    pub fn with_year(mut self, year: impl Into<Option<i32>>) -> Intensity {
        self.year = year.into();
        self
    }

    /// The world average ([`WORLD_AVERAGE`]), the chain's last step.
    pub fn world_average() -> Intensity {
        Intensity {
            value: WORLD_AVERAGE,
            source: "IEA Global Energy & CO2 Status Report 2019".into(),
            year: Some(2019),
            basis: IntensityBasis::WorldAverage,
        }
    }
}

/// Why a provider could not answer.
#[derive(Debug, Error)]
#[non_exhaustive]
pub enum IntensityError {
    /// The place is wrong for this provider in a way the user must fix (an unknown region).
    #[error("{0}")]
    Invalid(String),
    /// The provider could not be reached; the chain moves on.
    #[error("{0}")]
    Unavailable(String),
}

/// Intensity for a place at a time.
///
/// ```
/// use codecarbon_core::{async_trait, GramsPerKwh, Intensity, IntensityBasis, IntensityError,
///     IntensityProvider, Location};
/// use std::time::SystemTime;
///
/// struct Flat;
/// #[async_trait]
/// impl IntensityProvider for Flat {
///     async fn intensity(&self, _at: &Location, _when: SystemTime)
///         -> Result<Option<Intensity>, IntensityError> {
///         Ok(Some(Intensity::new(GramsPerKwh(100.0), "flat", IntensityBasis::Custom)))
///     }
/// }
/// ```
#[async_trait]
pub trait IntensityProvider: Send + Sync {
    /// Intensity for this place at this time; `Ok(None)` when the provider has nothing for the
    /// place, so the chain moves on to the next provider.
    async fn intensity(
        &self,
        at: &Location,
        when: SystemTime,
    ) -> Result<Option<Intensity>, IntensityError>;

    /// Whether a place always gets the same answer, whatever the time (a dataset's figures),
    /// so that a run asks once rather than every interval. Live services keep the default.
    fn is_static(&self) -> bool {
        false
    }
}
