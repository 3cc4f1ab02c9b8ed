//! codecarbon's reference data: countries, their regions, cloud regions, and the carbon
//! intensity of each, from CodeCarbon 3.3.2's datasets and Cloud Carbon Footprint's tables.
//!
//! The data lives in its own crate, not in a plugin, so that every plugin that needs a country
//! name or a region's figure (`iso`, `cloud`, `geoip`, `electricitymaps`) and the board depend
//! on the facts rather than on a sibling plugin. Every dataset is embedded in the binary (see
//! `data/SOURCES.md`) and parsed once, on first use; nothing is read from disk or the network.
//!
//! - [`lookup`] answers one [`Query`]: a country by ISO 3166-1 code (alpha-3, or alpha-2),
//!   optionally with a region (US state, Canadian or Chinese province, Nordic bidding zone), or
//!   a GCP cloud region. Each [`Answer`] carries its [`source`] and year.
//! - [`list`] gives every place with data (for `codecarbon intensity --list`).
//! - [`country`] resolves an ISO 3166-1 code to its alpha-2, alpha-3 and name.
//! - [`cloud`] lists the regions of AWS, Azure and GCP with their intensity.
//! - [`files`] gives the embedded files as text, for crates that read them their own way.
//!
//! ```
//! use codecarbon_data::{lookup, Query};
//!
//! let answer = lookup(&Query::region("USA", "california")).unwrap();
//! assert!((answer.carbon_intensity.0 - 179.064).abs() < 1e-3); // eGRID2023, lbs/MWh → g/kWh
//! assert_eq!(answer.source, codecarbon_data::source::EPA_EGRID);
//! ```

/// The Rust examples of this crate's README (shown on crates.io), compiled and run by
/// `cargo test --doc -p codecarbon-data`.
#[cfg(doctest)]
#[doc = include_str!("../README.md")]
struct ReadmeDoctests;

pub mod cloud;
mod country;
mod datasets;
mod error;
pub mod files;
mod lookup;
mod region;
pub mod source;

pub use country::{country, CountryInfo};
pub use error::{LookupError, TableError};
pub use lookup::{list, lookup, Answer, Query};
