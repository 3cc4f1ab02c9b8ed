//! The `Locator` trait: where the machine is, which decides how clean its electricity is.

use async_trait::async_trait;
use serde::Serialize;
use thiserror::Error;

/// Where the machine runs, as far as it is known.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
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
    /// Whether the machine runs in a cloud region.
    pub fn on_cloud(&self) -> bool {
        self.cloud_provider.is_some() && self.cloud_region.is_some()
    }
}

/// Why a location could not be found.
#[derive(Debug, Error)]
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
///         Ok(Location { country_iso_code: Some("FRA".into()), ..Location::default() })
///     }
/// }
/// ```
#[async_trait]
pub trait Locator: Send + Sync {
    /// The machine's location.
    async fn locate(&self) -> Result<Location, LocateError>;
}
