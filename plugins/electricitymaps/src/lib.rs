//! codecarbon plugin `electricitymaps`: live carbon intensity from the
//! [Electricity Maps](https://www.electricitymaps.com) API v3.
//!
//! The grid's carbon intensity changes by the hour, so where the user has an Electricity Maps
//! token this provider answers before the static yearly averages (priority 50: after the cloud
//! regions' figures at 100, before CodeCarbon's regional and country data at 0).
//!
//! - Configuration: `electricitymaps_api_token` (a secret; env
//!   `CODECARBON_ELECTRICITYMAPS_API_TOKEN`, the deprecated `co2_signal_api_token` is accepted),
//!   `electricitymaps_url` (default [`DEFAULT_URL`]) and `electricitymaps_zone` (an explicit
//!   zone such as `FR` or `US-CAL-CISO`).
//! - The zone asked for: the explicit zone, else the location's coordinates, else its country.
//! - Each answer is kept [`CACHE_TTL`] (60 s); after a failure the provider backs off (5 s,
//!   doubling up to 10 min) and answers `Ok(None)` meanwhile, so the chain uses the static data.
//! - The token travels only in the `auth-token` header, never in a URL, an error or `Debug`.
//!
//! ```no_run
//! use codecarbon_core::{IntensityProvider, Location};
//! use codecarbon_electricitymaps::{ElectricityMaps, DEFAULT_URL};
//! # async fn demo() -> Result<(), Box<dyn std::error::Error>> {
//! let live = ElectricityMaps::new(DEFAULT_URL, "my-token", Some("FR".into()))?;
//! let answer = live.intensity(&Location::default(), std::time::SystemTime::now()).await?;
//! # let _ = answer;
//! # Ok(())
//! # }
//! ```

/// The Rust examples of this crate's README (shown on crates.io), compiled and run by
/// `cargo test --doc -p codecarbon-electricitymaps`.
#[cfg(doctest)]
#[doc = include_str!("../README.md")]
struct ReadmeDoctests;

mod backoff;
mod clock;
mod error;
mod http;
mod plugin;
mod provider;
mod response;
mod settings;
mod zone;

pub use backoff::{BACKOFF_FIRST, BACKOFF_MAX};
pub use clock::{Clock, ManualClock, SystemClock};
pub use error::NewError;
pub use plugin::{KEY_TOKEN, KEY_TOKEN_DEPRECATED, KEY_URL, KEY_ZONE, PLUGINS, PRIORITY};
pub use provider::{ElectricityMaps, CACHE_TTL, CONNECT_TIMEOUT, DEFAULT_URL, REQUEST_TIMEOUT};
pub use settings::ElectricityMapsSettings;
pub use zone::ZoneQuery;
