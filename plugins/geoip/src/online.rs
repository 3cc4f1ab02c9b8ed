//! The `geoip` locator: the machine's country from an online geolocation service.

use crate::answer::parse;
use crate::error::SetupError;
use crate::http::{failure, parse_url, FetchError, Fetcher, Timeouts};
use crate::place::to_location;
use crate::settings::{GEOLOCATION_BACKUP_URL, GEOLOCATION_URL};
use codecarbon_core::{async_trait, redact_url, Credentials, LocateError, Location, Locator};
use reqwest::Url;
use std::fmt;
use tokio::sync::OnceCell;

/// GeoJS, CodeCarbon's geolocation service (`geo_js_url`).
pub const DEFAULT_GEOLOCATION_URL: &str = "https://get.geojs.io/v1/ip/geo.json";
/// ipinfo, CodeCarbon's fallback.
pub const DEFAULT_GEOLOCATION_BACKUP_URL: &str = "https://ipinfo.io/json";

/// The two services asked, in order: configuration keys `geolocation_url` and
/// `geolocation_backup_url`. Either may answer in GeoJS or ipinfo format.
#[derive(Clone, PartialEq, Eq)]
pub struct GeoIpUrls {
    /// Asked first (default GeoJS).
    pub primary: String,
    /// Asked when the primary fails in any way (default ipinfo).
    pub backup: String,
}

impl Default for GeoIpUrls {
    fn default() -> Self {
        GeoIpUrls {
            primary: DEFAULT_GEOLOCATION_URL.into(),
            backup: DEFAULT_GEOLOCATION_BACKUP_URL.into(),
        }
    }
}

impl fmt::Debug for GeoIpUrls {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // A value that does not parse is not shown at all (a test asks for it): it has no
        // host to trust.
        let shown = |s: &str| {
            Url::parse(s).map_or_else(|_| "<invalid url>".into(), |u| redact_url(u.as_str()))
        };
        f.debug_struct("GeoIpUrls")
            .field("primary", &shown(&self.primary))
            .field("backup", &shown(&self.backup))
            .finish()
    }
}

/// Online geolocation by public IP: asks the primary service, then the backup, and keeps
/// the first good answer for the locator's life (later calls make no request).
///
/// An answer counts only with a real ISO country code; a refused connection, a timeout, a
/// non-2xx status, a body that is not a geolocation answer or an unknown country all move
/// on to the backup. A good answer without a region or coordinates is completed from the
/// backup's, when it names the same country. When both fail the error names both URLs (credentials and query
/// hidden) and the fix.
pub struct GeoIpLocator {
    primary: Url,
    backup: Url,
    /// Both URLs' `user:password` and query values (an ipinfo `?token=`), hidden from what
    /// the services answer.
    credentials: Credentials,
    fetcher: Fetcher,
    cached: OnceCell<Location>,
}

impl GeoIpLocator {
    /// A locator asking `urls` with `timeouts` (use `Timeouts::default()`: 1 s to connect,
    /// 2 s in all). Fails when a URL is not http(s) or the HTTP client cannot be created.
    pub fn new(urls: &GeoIpUrls, timeouts: Timeouts) -> Result<GeoIpLocator, SetupError> {
        Ok(GeoIpLocator {
            primary: parse_url(GEOLOCATION_URL, &urls.primary, DEFAULT_GEOLOCATION_URL)?,
            backup: parse_url(
                GEOLOCATION_BACKUP_URL,
                &urls.backup,
                DEFAULT_GEOLOCATION_BACKUP_URL,
            )?,
            credentials: Credentials::none()
                .with_url(&urls.primary)
                .with_url(&urls.backup),
            fetcher: Fetcher::new(timeouts)?,
            cached: OnceCell::new(),
        })
    }

    async fn ask(&self, url: &Url) -> Result<Location, String> {
        let sent = &self.credentials;
        let body = self
            .fetcher
            .get(url)
            .await
            .map_err(|e| failure(url, &e, sent))?;
        parse(&body, sent)
            .and_then(|raw| to_location(&raw))
            .map_err(|reason| failure(url, &FetchError::Format(reason), sent))
    }

    async fn lookup(&self) -> Result<Location, LocateError> {
        let primary = match self.ask(&self.primary).await {
            Ok(location) if !is_partial(&location) => return Ok(location),
            answer => answer,
        };
        match (primary, self.ask(&self.backup).await) {
            (Ok(partial), Ok(other)) => Ok(completed(partial, &other)),
            (Ok(partial), Err(_)) => Ok(partial),
            (Err(_), Ok(location)) => Ok(location),
            (Err(primary), Err(backup)) => Err(LocateError::Unavailable(format!(
                "online geolocation failed: {primary}; backup {backup}. Set country_iso_code \
                 (e.g. --country-iso-code FRA), or --offline"
            ))),
        }
    }
}

/// What a good answer lacks that the backup may give: the region (GeoJS answers an empty one
/// for some addresses, and the region prices the energy in the USA, Canada, China and the
/// Nordics) or the coordinates. CodeCarbon then drops the whole answer and asks the backup
/// (an empty `region` raises in `GeoMetadata.from_geo_js`); here the answer is kept and
/// completed from the backup's.
fn is_partial(location: &Location) -> bool {
    location.region.is_none() || location.latitude.is_none() || location.longitude.is_none()
}

/// `partial`, with the region and coordinates it lacks taken from `other` when both place the
/// machine in the same country; as it is when they disagree (the first service is trusted).
fn completed(mut partial: Location, other: &Location) -> Location {
    if partial.country_iso_code != other.country_iso_code {
        return partial;
    }
    if partial.region.is_none() {
        partial.region.clone_from(&other.region);
    }
    if partial.latitude.is_none() || partial.longitude.is_none() {
        (partial.latitude, partial.longitude) = (other.latitude, other.longitude);
    }
    partial
}

impl fmt::Debug for GeoIpLocator {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("GeoIpLocator")
            .field("primary", &redact_url(self.primary.as_str()))
            .field("backup", &redact_url(self.backup.as_str()))
            .field("cached", &self.cached.get())
            .finish()
    }
}

#[async_trait]
impl Locator for GeoIpLocator {
    async fn locate(&self) -> Result<Location, LocateError> {
        self.cached.get_or_try_init(|| self.lookup()).await.cloned()
    }
}
