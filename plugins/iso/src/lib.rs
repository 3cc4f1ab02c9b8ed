//! Offline location and static carbon intensity, from CodeCarbon 3.3.2's datasets.
//!
//! The data and its lookups live in [`codecarbon_data`]; this crate is the plugin glue on top,
//! and re-exports the lookups so that `codecarbon::iso::lookup` keeps working.
//!
//! - [`lookup`] answers one [`Query`]: a country by ISO 3166-1 code (alpha-3, or alpha-2),
//!   optionally with a region (US state, Canadian or Chinese province, Nordic bidding zone), or
//!   a GCP cloud region. Each [`Answer`] carries its [`source`] and year.
//! - [`list`] gives every place with data (for `codecarbon intensity --list`).
//! - [`country`] resolves an ISO 3166-1 code to its alpha-2, alpha-3 and name.
//! - Two plugins are registered with `inventory` (see [`PLUGINS`]): `iso`, a [`Locator`]
//!   ([`IsoLocator`]) for the configured place, and `static`, an [`IntensityProvider`]
//!   ([`StaticIntensity`]).
//!
//! ```
//! use codecarbon_iso::{lookup, Query};
//!
//! let answer = lookup(&Query::region("USA", "california")).unwrap();
//! assert!((answer.carbon_intensity.0 - 179.064).abs() < 1e-3); // eGRID2023, lbs/MWh → g/kWh
//! assert_eq!(answer.source, codecarbon_iso::source::EPA_EGRID);
//! ```
//!
//! [`Locator`]: codecarbon_core::Locator
//! [`IntensityProvider`]: codecarbon_core::IntensityProvider

/// The Rust examples of this crate's README (shown on crates.io), compiled and run by
/// `cargo test --doc -p codecarbon-iso`.
#[cfg(doctest)]
#[doc = include_str!("../README.md")]
struct ReadmeDoctests;

mod plugins;

pub use codecarbon_data::{country, list, lookup, source, Answer, CountryInfo, LookupError, Query};
pub use plugins::{IsoLocator, StaticIntensity, PLUGINS};
