//! The settings the `geoip` and `geoip_db` locators read, declared once: each gets its
//! checking where it is set (file, variable, flag, builder), its `--help` and its reference
//! entry from here. URLs are checked (http or https) when the locator is built, where the
//! message can name the setting without showing the URL's credentials.

use crate::online::{DEFAULT_GEOLOCATION_BACKUP_URL, DEFAULT_GEOLOCATION_URL};
use crate::public_ip::DEFAULT_PUBLIC_IP_URL;
use codecarbon_core::settings::{Settings, Spec, ValueKind};

codecarbon_core::settings! {
    /// What the online `geoip` locator reads from the configuration, already parsed.
    pub struct GeoIpSettings for "geoip" {
        /// The GeoJS-format geolocation service asked first when no country is set. Blank is
        /// the default, GeoJS (CodeCarbon's). An ipinfo-format service works too.
        geolocation_url: Option<String> = Spec::of(ValueKind::Text).value_name("URL").default(DEFAULT_GEOLOCATION_URL);
        /// The ipinfo-format service asked when the first fails. Blank is the default, ipinfo
        /// (CodeCarbon's fallback). A GeoJS-format service works too.
        geolocation_backup_url: Option<String> = Spec::of(ValueKind::Text).value_name("URL").default(DEFAULT_GEOLOCATION_BACKUP_URL);
    }
}

codecarbon_core::settings! {
    /// What the `geoip_db` locator reads from the configuration, already parsed.
    pub struct GeoIpDbSettings for "geoip_db" {
        /// A local MaxMind-format database (GeoLite2, DB-IP): the public IP is looked up there,
        /// never sent to a geolocation service. Unset (or blank), this locator is not used.
        geoip_db: Option<std::path::PathBuf> = Spec::of(ValueKind::Text).value_name("PATH").example("GeoLite2-City.mmdb");
        /// The machine's public IP, IPv4 or IPv6, for `geoip_db`. Unset (or blank), it is asked
        /// of `public_ip_url`, which needs the network: offline, set it.
        public_ip: Option<String> = Spec::of(ValueKind::Text).value_name("IP").example("203.0.113.7");
        /// The "what is my IP" service for `geoip_db`, answering the address as text or as
        /// JSON `{"ip": ...}`. Blank is the default, ipify.
        public_ip_url: Option<String> = Spec::of(ValueKind::Text).value_name("URL").default(DEFAULT_PUBLIC_IP_URL);
    }
}

/// The key of the primary geolocation service, for messages.
pub(crate) const GEOLOCATION_URL: &str = GeoIpSettings::SPECS[0].key();
/// The key of the backup geolocation service, for messages.
pub(crate) const GEOLOCATION_BACKUP_URL: &str = GeoIpSettings::SPECS[1].key();
/// The key of the "what is my IP" service, for messages.
pub(crate) const PUBLIC_IP_URL: &str = GeoIpDbSettings::SPECS[2].key();

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
    use super::*;
    use codecarbon_core::settings;
    use codecarbon_core::Config;
    use std::path::PathBuf;

    #[test]
    fn registered_with_their_locator_as_owner() {
        for (key, owner) in [
            ("geolocation_url", "geoip"),
            ("geolocation_backup_url", "geoip"),
            ("geoip_db", "geoip_db"),
            ("public_ip", "geoip_db"),
            ("public_ip_url", "geoip_db"),
        ] {
            let spec = settings::find(key).unwrap_or_else(|| panic!("{key} is not declared"));
            assert_eq!(spec.owner_name(), owner, "{key}");
        }
        assert_eq!(
            [GEOLOCATION_URL, GEOLOCATION_BACKUP_URL, PUBLIC_IP_URL],
            ["geolocation_url", "geolocation_backup_url", "public_ip_url"]
        );
    }

    #[test]
    fn a_value_with_a_control_character_is_refused_with_its_origin() {
        for key in ["geoip_db", "public_ip", "geolocation_url"] {
            let err = Config::default()
                .set(key, "x\u{1b}]0;title\u{7}", "--flag")
                .unwrap_err()
                .to_string();
            assert!(err.contains(key) && err.contains("--flag"), "{err}");
        }
    }

    #[test]
    fn defaults_are_the_locators() {
        let online = GeoIpSettings::from_config(&Config::default()).unwrap();
        assert_eq!(
            online.geolocation_url.as_deref(),
            Some("https://get.geojs.io/v1/ip/geo.json")
        );
        assert_eq!(
            online.geolocation_backup_url.as_deref(),
            Some("https://ipinfo.io/json")
        );
        let db = GeoIpDbSettings::from_config(&Config::default()).unwrap();
        assert_eq!(
            db,
            GeoIpDbSettings {
                geoip_db: None,
                public_ip: None,
                public_ip_url: Some("https://api.ipify.org".into()),
            }
        );
        let mut config = Config::default();
        config.set("geoip_db", " /data/x.mmdb ", "t").unwrap();
        config.set("public_ip", " ", "t").unwrap();
        config.set("geolocation_url", "", "t").unwrap();
        let db = GeoIpDbSettings::from_config(&config).unwrap();
        assert_eq!(db.geoip_db, Some(PathBuf::from("/data/x.mmdb")));
        assert_eq!(db.public_ip, None, "blank is unset");
        let online = GeoIpSettings::from_config(&config).unwrap();
        assert_eq!(online.geolocation_url, None, "blank: the locator's default");
    }
}
