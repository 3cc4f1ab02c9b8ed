//! Where the machine is, from its public IP: two [`Locator`] plugins.
//!
//! - `geoip` (priority 20): online geolocation. It asks `geolocation_url` (default GeoJS,
//!   [`DEFAULT_GEOLOCATION_URL`]), then `geolocation_backup_url` (default ipinfo,
//!   [`DEFAULT_GEOLOCATION_BACKUP_URL`]), with short timeouts (connect 1 s, request 2 s), and
//!   keeps the first good answer. Unavailable in offline mode. See [`GeoIpLocator`].
//! - `geoip_db` (priority 30): a local MaxMind DB (`geoip_db`), so the address is never sent
//!   to a geolocation service. The public IP is `public_ip`, or is asked of `public_ip_url`
//!   (default ipify, [`DEFAULT_PUBLIC_IP_URL`]). Reads GeoIP2/GeoLite2 records and the flat
//!   records of DB-IP lite and `@ip-location-db`. See [`DbLocator`].
//!
//! Both give the ISO 3166-1 alpha-3 country and its English name (from `codecarbon_data`),
//! the region lower-cased as CodeCarbon writes it (resolved to `codecarbon_data`'s spelling
//! for the countries with regional data: `Québec` → `quebec`), and coordinates when known. A
//! country code the ISO table does not know is a failure, never a guess. URLs in messages
//! and `Debug` output never show credentials or query strings.
//!
//! ```no_run
//! use codecarbon_core::Locator;
//! use codecarbon_geoip::{DbLocator, GeoIpLocator, GeoIpUrls, IpSource, Timeouts};
//!
//! # async fn demo() -> Result<(), Box<dyn std::error::Error>> {
//! let online = GeoIpLocator::new(&GeoIpUrls::default(), Timeouts::default())?;
//! println!("{:?}", online.locate().await?.country_iso_code);
//!
//! let local = DbLocator::open("GeoLite2-City.mmdb", IpSource::fixed("203.0.113.7".parse()?))?;
//! println!("{:?}", local.locate().await?.region);
//! # Ok(())
//! # }
//! ```
//!
//! [`Locator`]: codecarbon_core::Locator

/// The Rust examples of this crate's README (shown on crates.io), compiled by
/// `cargo test --doc -p codecarbon-geoip`.
#[cfg(doctest)]
#[doc = include_str!("../README.md")]
struct ReadmeDoctests;

mod answer;
mod db;
mod error;
mod http;
mod online;
mod place;
mod plugins;
mod public_ip;
mod record;
mod settings;

pub use db::DbLocator;
pub use error::SetupError;
pub use http::Timeouts;
pub use online::{
    GeoIpLocator, GeoIpUrls, DEFAULT_GEOLOCATION_BACKUP_URL, DEFAULT_GEOLOCATION_URL,
};
pub use plugins::PLUGINS;
pub use public_ip::{IpSource, DEFAULT_PUBLIC_IP_URL};
pub use settings::{GeoIpDbSettings, GeoIpSettings};
