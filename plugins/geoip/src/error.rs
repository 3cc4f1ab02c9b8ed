//! Why a locator could not be set up.

use thiserror::Error;

/// A setting that cannot work: the message names the setting and the fix. It never contains
/// a URL's credentials or query string.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum SetupError {
    /// A URL setting is not an `http` or `https` URL.
    #[error(
        "`{key}` is not a valid http(s) URL ({reason}): set it to an address such as {example}"
    )]
    Url {
        /// The setting (`geolocation_url`).
        key: &'static str,
        /// What is wrong with it (never the value itself, which may hold credentials).
        reason: String,
        /// A valid value, to copy.
        example: &'static str,
    },
    /// `public_ip` is not an IPv4 or IPv6 address.
    #[error("`public_ip` = {value:?} is not an IPv4 or IPv6 address: set it to the machine's public address (e.g. 203.0.113.7), or unset it to discover it through public_ip_url")]
    PublicIp {
        /// The value given.
        value: String,
    },
    /// The MaxMind database cannot be opened or is not one.
    #[error("cannot use the GeoIP database {path}: {reason}; set `geoip_db` to the path of a MaxMind DB file (.mmdb), e.g. GeoLite2-City.mmdb or DB-IP's dbip-country-lite.mmdb, or unset it to skip this locator")]
    Database {
        /// The path, as configured.
        path: String,
        /// What went wrong.
        reason: String,
    },
    /// The HTTP client could not be created (a broken TLS setup).
    #[error("cannot create the HTTP client: {0}")]
    Client(String),
}
