//! The two registered locators: `geoip` (online) and `geoip_db` (a local MaxMind DB).

use crate::db::DbLocator;
use crate::error::SetupError;
use crate::http::Timeouts;
use crate::online::{GeoIpLocator, GeoIpUrls};
use crate::public_ip::{IpSource, DEFAULT_PUBLIC_IP_URL};
use codecarbon_core::{BuildError, Config, Probe};

/// Configuration keys of `geoip`.
pub const GEOIP_KEYS: &[&str] = &["geolocation_url", "geolocation_backup_url"];
/// Configuration keys of `geoip_db`.
pub const GEOIP_DB_KEYS: &[&str] = &["geoip_db", "public_ip", "public_ip_url"];

codecarbon_core::register_plugins! {
    locator {
        name: "geoip",
        priority: 20,
        summary: "online geolocation of the public IP (GeoJS, then ipinfo)",
        keys: GEOIP_KEYS,
        probe: probe_geoip,
        build: build_geoip,
    },
    locator {
        name: "geoip_db",
        priority: 30,
        summary: "geolocation of the public IP in a local MaxMind DB (geoip_db), never sent to a service",
        keys: GEOIP_DB_KEYS,
        probe: probe_geoip_db,
        build: build_geoip_db,
    },
}

impl GeoIpUrls {
    /// `geolocation_url` and `geolocation_backup_url`, with the defaults for unset ones.
    pub fn from_config(config: &Config) -> GeoIpUrls {
        let default = GeoIpUrls::default();
        GeoIpUrls {
            primary: config
                .extra
                .value("geolocation_url")
                .map_or(default.primary, String::from),
            backup: config
                .extra
                .value("geolocation_backup_url")
                .map_or(default.backup, String::from),
        }
    }
}

impl IpSource {
    /// `public_ip` when set, else discovery through `public_ip_url` (default ipify) with the
    /// default timeouts.
    pub fn from_config(config: &Config) -> Result<IpSource, SetupError> {
        if let Some(ip) = config.extra.value("public_ip") {
            return ip
                .parse()
                .map(IpSource::fixed)
                .map_err(|_| SetupError::PublicIp { value: ip.into() });
        }
        let url = config
            .extra
            .value("public_ip_url")
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

fn probe_geoip(config: &Config) -> Probe {
    if config.offline {
        Probe::Unavailable("offline mode: online geolocation is disabled".into())
    } else {
        Probe::Available
    }
}

fn build_geoip(config: &Config) -> Result<GeoIpLocator, BuildError> {
    GeoIpLocator::new(&GeoIpUrls::from_config(config), Timeouts::default())
        .map_err(invalid("geoip"))
}

fn probe_geoip_db(config: &Config) -> Probe {
    if config.extra.value("geoip_db").is_none() {
        return Probe::Unavailable("`geoip_db` (the path of a MaxMind DB file) is not set".into());
    }
    if config.offline && config.extra.value("public_ip").is_none() {
        return Probe::Unavailable(
            "offline mode and `public_ip` is not set: the public IP cannot be discovered \
             without the network; set public_ip to the machine's public address"
                .into(),
        );
    }
    Probe::Available
}

fn build_geoip_db(config: &Config) -> Result<DbLocator, BuildError> {
    let Some(path) = config.extra.value("geoip_db") else {
        return Err(BuildError::Unavailable {
            plugin: "geoip_db",
            message: "`geoip_db` is not set".into(),
        });
    };
    let ip = IpSource::from_config(config).map_err(invalid("geoip_db"))?;
    DbLocator::open(path, ip).map_err(invalid("geoip_db"))
}
