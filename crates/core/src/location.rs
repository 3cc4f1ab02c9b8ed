//! The `Locator` trait: where the machine is, which decides how clean its electricity is.

use async_trait::async_trait;
use serde::Serialize;
use thiserror::Error;

/// Where the machine runs, as far as it is known.
///
/// Start from [`Location::default`] (nothing known) and add what is, so that a field added
/// later breaks no locator:
///
/// ```
/// use codecarbon_core::Location;
///
/// let here = Location::default()
///     .with_country("CAN", "Canada")
///     .with_region("quebec")
///     .with_coordinates(-73.6, 45.5);
/// assert_eq!(here.country_iso_code.as_deref(), Some("CAN"));
/// assert!(!here.on_cloud());
/// assert!(Location::default().with_cloud("gcp", "us-central1").on_cloud());
/// ```
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
#[non_exhaustive]
pub struct Location {
    /// ISO 3166-1 alpha-3 code (`CAN`).
    pub country_iso_code: Option<String>,
    /// The country's English name (`Canada`).
    pub country_name: Option<String>,
    /// A region inside the country, lower-case as CodeCarbon writes it (`quebec`).
    pub region: Option<String>,
    /// A cloud provider (`gcp`).
    pub cloud_provider: Option<String>,
    /// The provider's region (`us-central1`).
    pub cloud_region: Option<String>,
    /// Longitude in degrees, when geolocated.
    pub longitude: Option<f64>,
    /// Latitude in degrees, when geolocated.
    pub latitude: Option<f64>,
}

impl Location {
    /// With the country's ISO 3166-1 alpha-3 code (`CAN`), its name unknown.
    pub fn with_country_iso_code(mut self, code: impl Into<String>) -> Location {
        self.country_iso_code = Some(code.into());
        self
    }

    /// With the country's ISO 3166-1 alpha-3 code (`CAN`) and English name (`Canada`).
    pub fn with_country(mut self, code: impl Into<String>, name: impl Into<String>) -> Location {
        self.country_iso_code = Some(code.into());
        self.country_name = Some(name.into());
        self
    }

    /// With the country's English name (`Canada`).
    pub fn with_country_name(mut self, name: impl Into<String>) -> Location {
        self.country_name = Some(name.into());
        self
    }

    /// With a region inside the country, lower-case as CodeCarbon writes it (`quebec`).
    pub fn with_region(mut self, region: impl Into<String>) -> Location {
        self.region = Some(region.into());
        self
    }

    /// With a cloud provider (`gcp`) and its region (`us-central1`).
    pub fn with_cloud(
        mut self,
        provider: impl Into<String>,
        region: impl Into<String>,
    ) -> Location {
        self.cloud_provider = Some(provider.into());
        self.cloud_region = Some(region.into());
        self
    }

    /// With a geolocated position, in degrees.
    pub fn with_coordinates(mut self, longitude: f64, latitude: f64) -> Location {
        self.longitude = Some(longitude);
        self.latitude = Some(latitude);
        self
    }

    /// Whether the machine runs in a cloud region.
    pub fn on_cloud(&self) -> bool {
        self.cloud_provider.is_some() && self.cloud_region.is_some()
    }
}

/// Why a location could not be found.
#[derive(Debug, Error)]
#[non_exhaustive]
pub enum LocateError {
    /// The configuration names a place that does not exist; the message says what does.
    #[error("{0}")]
    Invalid(String),
    /// The locator could not reach what it needs (a network service, a database file).
    #[error("{0}")]
    Unavailable(String),
}

/// Finds where the machine is.
///
/// ```
/// use codecarbon_core::{async_trait, Location, LocateError, Locator};
///
/// struct Fixed;
/// #[async_trait]
/// impl Locator for Fixed {
///     async fn locate(&self) -> Result<Location, LocateError> {
///         Ok(Location::default().with_country_iso_code("FRA"))
///     }
/// }
/// ```
#[async_trait]
pub trait Locator: Send + Sync {
    /// The machine's location.
    async fn locate(&self) -> Result<Location, LocateError>;
}
