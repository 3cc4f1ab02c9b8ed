//! Cloud location and per-region carbon intensity for AWS, Azure and GCP.
//!
//! Python CodeCarbon knows only GCP regions, and treats a machine on AWS or Azure as not on a
//! cloud. This crate asks the instance metadata service which provider and region the machine
//! runs in, and gives the region's intensity:
//!
//! - `cloud`, a [`Locator`] ([`MetadataLocator`]): asks AWS (IMDSv2, then IMDSv1), Azure and
//!   GCP at `cloud_metadata_url` (default `http://169.254.169.254`) at the same time, within
//!   300 ms, and returns the provider, region and country.
//! - `cloud_region`, an [`IntensityProvider`] ([`CloudRegionIntensity`]): AWS and Azure from
//!   Cloud Carbon Footprint's per-region coefficients (`data/cloud/aws.csv`,
//!   `data/cloud/azure.csv`), GCP from CodeCarbon's `cloud/impact.csv`.
//! - [`regions`] lists every region of a provider with its intensity, for comparisons.
//!
//! ```
//! use codecarbon_cloud::{region, CloudRegionIntensity};
//! use codecarbon_core::{IntensityBasis, Location};
//!
//! let paris = region("aws", "eu-west-3").unwrap().unwrap();
//! assert_eq!(paris.location, "Europe (Paris)");
//! let at = Location::default().with_cloud("gcp", "europe-west9");
//! let intensity = CloudRegionIntensity.intensity_for(&at).unwrap().unwrap();
//! assert_eq!(intensity.value.0, 34.0);
//! assert_eq!(intensity.basis, IntensityBasis::CloudRegion);
//! ```
//!
//! [`Locator`]: codecarbon_core::Locator
//! [`IntensityProvider`]: codecarbon_core::IntensityProvider

/// The Rust examples of this crate's README (shown on crates.io), compiled and run by
/// `cargo test --doc -p codecarbon-cloud`.
#[cfg(doctest)]
#[doc = include_str!("../README.md")]
struct ReadmeDoctests;

mod error;
mod intensity;
mod metadata;
mod plugins;
mod probes;
mod settings;

pub use codecarbon_data::cloud::{
    cleanest, known_region, parse_table, region, regions, try_regions, CloudRegion, AWS_SOURCE,
    AZURE_SOURCE, PROVIDERS, TABLE_HEADER,
};
pub use codecarbon_data::TableError;
pub use error::MetadataError;
pub use intensity::CloudRegionIntensity;
pub use metadata::{
    location_of, CloudPlace, MetadataLocator, DEFAULT_METADATA_URL, DEFAULT_TIMEOUT,
    METADATA_URL_KEY,
};
pub use plugins::PLUGINS;
pub use settings::CloudSettings;
