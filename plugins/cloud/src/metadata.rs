//! The metadata locator: asks AWS, Azure and GCP's instance metadata services at once, and
//! takes the first one that answers like itself.
//!
//! All three providers serve metadata at the same link-local address, so on a machine outside
//! the clouds nothing answers there; the whole question is bounded by one short timeout
//! (300 ms by default) so that it costs nothing noticeable anywhere.

use crate::error::MetadataError;
use crate::probes;
use crate::settings::CloudSettings;
use codecarbon_core::settings::Settings;
use codecarbon_core::{async_trait, redact_url, LocateError, Location, Locator};
use codecarbon_data::cloud as table;
use reqwest::{redirect, Client, Url};
use std::fmt;
use std::pin::pin;
use std::time::Duration;

/// Where the metadata services listen on every provider.
pub const DEFAULT_METADATA_URL: &str = "http://169.254.169.254";

/// How long the three questions may take together.
pub const DEFAULT_TIMEOUT: Duration = Duration::from_millis(300);

/// The configuration key of the base URL (env `CODECARBON_CLOUD_METADATA_URL`), as declared
/// in [`CloudSettings`].
pub const METADATA_URL_KEY: &str = CloudSettings::SPECS[0].key();

/// A provider and region, as a metadata service told them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CloudPlace {
    /// `aws`, `azure` or `gcp`.
    pub provider: &'static str,
    /// The provider's region (`eu-west-3`, `westeurope`, `europe-west9`).
    pub region: String,
}

/// Finds the cloud provider and region from instance metadata.
///
/// ```no_run
/// # async fn demo() {
/// use codecarbon_cloud::MetadataLocator;
/// use std::time::Duration;
///
/// let prober = MetadataLocator::new("http://169.254.169.254", Duration::from_millis(300)).unwrap();
/// if let Some(place) = prober.detect().await {
///     println!("running on {} in {}", place.provider, place.region);
/// }
/// # }
/// ```
#[derive(Clone)]
pub struct MetadataLocator {
    base: String,
    shown: String,
    timeout: Duration,
    client: Client,
}

impl fmt::Debug for MetadataLocator {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("MetadataLocator")
            .field("url", &self.shown)
            .field("timeout", &self.timeout)
            .finish_non_exhaustive()
    }
}

impl MetadataLocator {
    /// A prober of the metadata services at `base_url` (`http://169.254.169.254` on every
    /// provider), giving up after `timeout` for the three questions together.
    pub fn new(base_url: &str, timeout: Duration) -> Result<MetadataLocator, MetadataError> {
        let trimmed = base_url.trim();
        let url = Url::parse(trimmed).map_err(|e| MetadataError::InvalidUrl {
            shown: show_unparsed(trimmed),
            why: e.to_string(),
        })?;
        let shown = redact_url(url.as_str()).trim_end_matches('/').to_string();
        if !matches!(url.scheme(), "http" | "https") || !url.has_host() {
            return Err(MetadataError::InvalidUrl {
                shown,
                why: "not an http:// or https:// address".into(),
            });
        }
        // No proxy: the address is link-local, and a proxy would answer for the wrong machine.
        // No redirects: a metadata service never sends one.
        codecarbon_core::tls::use_ring_unless_chosen();
        let client = Client::builder()
            .no_proxy()
            .redirect(redirect::Policy::none())
            .connect_timeout(timeout)
            .timeout(timeout)
            .build()
            .map_err(|e| MetadataError::Client(e.to_string()))?;
        Ok(MetadataLocator {
            base: trimmed.trim_end_matches('/').to_string(),
            shown,
            timeout,
            client,
        })
    }

    /// The prober the settings ask for: `cloud_metadata_url`, or [`DEFAULT_METADATA_URL`],
    /// with [`DEFAULT_TIMEOUT`].
    pub fn from_settings(settings: &CloudSettings) -> Result<MetadataLocator, MetadataError> {
        let url = settings
            .cloud_metadata_url
            .as_deref()
            .unwrap_or(DEFAULT_METADATA_URL);
        MetadataLocator::new(url, DEFAULT_TIMEOUT)
    }

    /// The base URL as it may be shown (without credentials, query or fragment).
    pub fn url(&self) -> &str {
        &self.shown
    }

    /// Asks the three providers at once; the first that answers like itself wins. `None` when
    /// none did within the timeout.
    pub async fn detect(&self) -> Option<CloudPlace> {
        let base = self.base.as_str();
        let mut aws = pin!(probes::aws(&self.client, base));
        let mut azure = pin!(probes::azure(&self.client, base));
        let mut gcp = pin!(probes::gcp(&self.client, base));
        let mut deadline = pin!(tokio::time::sleep(self.timeout));
        let (mut aws_done, mut azure_done, mut gcp_done) = (false, false, false);
        let found = |provider: &'static str, region: Option<String>| {
            region.map(|region| CloudPlace { provider, region })
        };
        loop {
            let pending = !(aws_done && azure_done && gcp_done);
            tokio::select! {
                region = &mut aws, if !aws_done => {
                    aws_done = true;
                    if let Some(place) = found("aws", region) { return Some(place); }
                }
                region = &mut azure, if !azure_done => {
                    azure_done = true;
                    if let Some(place) = found("azure", region) { return Some(place); }
                }
                region = &mut gcp, if !gcp_done => {
                    gcp_done = true;
                    if let Some(place) = found("gcp", region) { return Some(place); }
                }
                () = &mut deadline, if pending => return None,
                else => return None,
            }
        }
    }
}

/// The location of a detected place: provider and region, and the country where the data
/// knows the region.
pub fn location_of(place: &CloudPlace) -> Location {
    let mut location = match place.provider {
        "gcp" => codecarbon_data::lookup(&codecarbon_data::Query::cloud("gcp", &place.region))
            .map(|answer| answer.location())
            .unwrap_or_default(),
        provider => table::region(provider, &place.region)
            .ok()
            .flatten()
            .map(|row| country_location(&row.country_iso_code))
            .unwrap_or_default(),
    };
    location.cloud_provider = Some(place.provider.to_string());
    location.cloud_region = Some(place.region.clone());
    location
}

fn country_location(alpha_3: &str) -> Location {
    let name = codecarbon_data::country(alpha_3).ok().map(|c| c.name);
    let mut location = Location::default().with_country_iso_code(alpha_3);
    location.country_name = name;
    location
}

#[async_trait]
impl Locator for MetadataLocator {
    async fn locate(&self) -> Result<Location, LocateError> {
        match self.detect().await {
            Some(place) => Ok(location_of(&place)),
            None => Err(LocateError::Unavailable(format!(
                "no cloud metadata service answered at {} within {} ms (not on AWS, Azure or \
                 GCP, or the metadata service is blocked); set `cloud_provider` and \
                 `cloud_region` to name the region yourself",
                self.shown,
                self.timeout.as_millis()
            ))),
        }
    }
}

/// A value that is not a URL at all, shown quoted unless it might hold credentials. Not
/// [`redact_url`]: text that does not parse has no host to trust, so anything that could be
/// user information or a query hides the whole value.
fn show_unparsed(text: &str) -> String {
    if text.contains('@') || text.contains('?') {
        "<hidden: it may hold credentials>".into()
    } else {
        format!("{text:?}")
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
    use super::*;

    #[test]
    fn url_is_checked_and_shown_without_credentials() {
        let p = MetadataLocator::new("http://user:pa55@127.0.0.1:9/?k=v", DEFAULT_TIMEOUT).unwrap();
        assert_eq!(p.url(), "http://127.0.0.1:9");
        assert!(!format!("{p:?}").contains("pa55"));
        let err = MetadataLocator::new("ftp://127.0.0.1", DEFAULT_TIMEOUT).unwrap_err();
        assert!(err.to_string().contains("cloud_metadata_url"), "{err}");
        let err = MetadataLocator::new("not a url @secret", DEFAULT_TIMEOUT).unwrap_err();
        assert!(!err.to_string().contains("secret"), "{err}");
        let err = MetadataLocator::new("nope", DEFAULT_TIMEOUT).unwrap_err();
        assert!(err.to_string().contains("\"nope\""), "{err}");
    }

    #[test]
    fn from_settings_defaults_to_the_link_local_address() {
        use codecarbon_core::Config;
        let settings = |config: &Config| CloudSettings::from_config(config).unwrap();
        let mut config = Config::default();
        let p = MetadataLocator::from_settings(&settings(&config)).unwrap();
        assert_eq!(p.url(), DEFAULT_METADATA_URL);
        config
            .set(METADATA_URL_KEY, "http://127.0.0.1:8/", "test")
            .unwrap();
        let p = MetadataLocator::from_settings(&settings(&config)).unwrap();
        assert_eq!(p.url(), "http://127.0.0.1:8");
        config.set(METADATA_URL_KEY, " ", "test").unwrap();
        let p = MetadataLocator::from_settings(&settings(&config)).unwrap();
        assert_eq!(p.url(), DEFAULT_METADATA_URL, "blank is the default");
    }

    #[test]
    fn location_of_fills_the_country_where_known() {
        let aws = location_of(&CloudPlace {
            provider: "aws",
            region: "eu-west-3".into(),
        });
        assert_eq!(aws.country_iso_code.as_deref(), Some("FRA"));
        assert_eq!(aws.country_name.as_deref(), Some("France"));
        assert_eq!(aws.cloud_provider.as_deref(), Some("aws"));
        let new = location_of(&CloudPlace {
            provider: "azure",
            region: "marsnorth".into(),
        });
        assert_eq!(new.country_iso_code, None);
        assert_eq!(new.cloud_region.as_deref(), Some("marsnorth"));
    }
}
