//! Why the provider could not be built. None of these messages quotes the token or the URL's
//! password.

use thiserror::Error;

/// Why [`ElectricityMaps::new`](crate::ElectricityMaps::new) or
/// [`ElectricityMaps::from_config`](crate::ElectricityMaps::from_config) failed.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum NewError {
    /// `offline` is set, and this provider needs the network.
    #[error("`offline` is set: live intensity from Electricity Maps needs the network (the static data is used instead)")]
    Offline,
    /// No token is configured.
    #[error("no Electricity Maps API token: set `electricitymaps_api_token` (environment variable CODECARBON_ELECTRICITYMAPS_API_TOKEN)")]
    MissingToken,
    /// The token cannot travel in an HTTP header.
    #[error("`electricitymaps_api_token` holds characters an HTTP header cannot carry: copy the token again from the Electricity Maps portal")]
    InvalidToken,
    /// The base URL is not an http(s) URL.
    #[error("`electricitymaps_url` is not a usable http(s) URL ({0}): set it to the API's base, such as https://api.electricitymaps.com/v3")]
    InvalidUrl(String),
    /// A setting's value does not fit it (one written into `Config::extra` without
    /// `Config::set`'s check); the message names the setting and never shows the token.
    #[error("{0}")]
    Setting(String),
    /// The HTTP client could not be set up (TLS initialisation).
    #[error("could not set up the HTTP client for Electricity Maps: {0}")]
    Client(String),
}
