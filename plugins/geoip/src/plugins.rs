//! The two registered locators: `geoip` (online) and `geoip_db` (a local MaxMind DB).

use crate::db::DbLocator;
use crate::error::SetupError;
use crate::http::Timeouts;
use crate::online::{GeoIpLocator, GeoIpUrls};
use crate::public_ip::{IpSource, DEFAULT_PUBLIC_IP_URL};
use crate::settings::{GeoIpDbSettings, GeoIpSettings};
use codecarbon_core::{BuildError, Config, Probe};

codecarbon_core::register_plugins! {
    locator {
        name: "geoip",
        priority: 20,
        summary: "online geolocation of the public IP (GeoJS, then ipinfo)",
        settings: GeoIpSettings,
        probe: probe_geoip,
        build: build_geoip,
    },
    locator {
        name: "geoip_db",
        priority: 30,
        summary: "geolocation of the public IP in a local MaxMind DB (geoip_db), never sent to a service",
        settings: GeoIpDbSettings,
        probe: probe_geoip_db,
        build: build_geoip_db,
    },
}

impl GeoIpUrls {
    /// The services `settings` name, with the defaults for blank ones.
    pub fn from_settings(settings: &GeoIpSettings) -> GeoIpUrls {
        let default = GeoIpUrls::default();
        GeoIpUrls {
            primary: settings.geolocation_url.clone().unwrap_or(default.primary),
            backup: settings
                .geolocation_backup_url
                .clone()
                .unwrap_or(default.backup),
        }
    }
}

impl IpSource {
    /// `public_ip` when set, else discovery through `public_ip_url` (default ipify) with the
    /// default timeouts.
    pub fn from_settings(settings: &GeoIpDbSettings) -> Result<IpSource, SetupError> {
        if let Some(ip) = settings.public_ip.as_deref() {
            return ip
                .parse()
                .map(IpSource::fixed)
                .map_err(|_| SetupError::PublicIp { value: ip.into() });
        }
        let url = settings
            .public_ip_url
            .as_deref()
            .unwrap_or(DEFAULT_PUBLIC_IP_URL);
        IpSource::discover(url, Timeouts::default())
    }
}

fn invalid(plugin: &'static str) -> impl Fn(SetupError) -> BuildError {
    move |e| BuildError::Invalid {
        plugin,
        message: e.to_string(),
    }
}

fn probe_geoip(config: &Config, _: &GeoIpSettings) -> Probe {
    if config.offline {
        Probe::Unavailable("offline mode: online geolocation is disabled".into())
    } else {
        Probe::Available
    }
}

fn build_geoip(_: &Config, settings: &GeoIpSettings) -> Result<GeoIpLocator, BuildError> {
    GeoIpLocator::new(&GeoIpUrls::from_settings(settings), Timeouts::default())
        .map_err(invalid("geoip"))
}

fn probe_geoip_db(config: &Config, settings: &GeoIpDbSettings) -> Probe {
    if settings.geoip_db.is_none() {
        return Probe::Unavailable("`geoip_db` (the path of a MaxMind DB file) is not set".into());
    }
    if config.offline && settings.public_ip.is_none() {
        return Probe::Unavailable(
            "offline mode and `public_ip` is not set: the public IP cannot be discovered \
             without the network; set public_ip to the machine's public address"
                .into(),
        );
    }
    Probe::Available
}

fn build_geoip_db(_: &Config, settings: &GeoIpDbSettings) -> Result<DbLocator, BuildError> {
    let Some(path) = settings.geoip_db.as_deref() else {
        return Err(BuildError::Unavailable {
            plugin: "geoip_db",
            message: "`geoip_db` is not set".into(),
        });
    };
    let ip = IpSource::from_settings(settings).map_err(invalid("geoip_db"))?;
    DbLocator::open(path, ip).map_err(invalid("geoip_db"))
}
