//! The settings the `electricitymaps` provider reads, declared once: each gets its checking
//! where it is set (file, variable, flag, builder), its `--help` and its reference entry from
//! here. The token is a secret: no message, log or error shows it.

use crate::provider::DEFAULT_URL;
use codecarbon_core::settings::{Spec, ValueKind};
use codecarbon_core::Secret;

codecarbon_core::settings! {
    /// What the `electricitymaps` provider reads from the configuration, already parsed.
    pub struct ElectricityMapsSettings for "electricitymaps" {
        /// Electricity Maps API token for live intensity (better in the environment:
        /// CODECARBON_ELECTRICITYMAPS_API_TOKEN). Without it the provider is not used. It
        /// travels only in the `auth-token` header. CodeCarbon's older name,
        /// `co2_signal_api_token`, still sets it, with a deprecation warning.
        electricitymaps_api_token: Option<Secret> = Spec::of(ValueKind::Text).value_name("TOKEN").secret().aliases(&["co2_signal_api_token"]);
        /// Electricity Maps API base URL. Blank is the default, the public API v3. Checked
        /// (http or https) when the provider is built.
        electricitymaps_url: Option<String> = Spec::of(ValueKind::Text).value_name("URL").default(DEFAULT_URL);
        /// Electricity Maps zone, such as FR or US-CAL-CISO. Unset (or blank), the zone is found
        /// from the location: its coordinates, else its country.
        electricitymaps_zone: Option<String> = Spec::of(ValueKind::Text).value_name("ZONE").example("FR");
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
    use super::*;
    use codecarbon_core::settings::{self, Settings};
    use codecarbon_core::{Config, KeyStatus};

    #[test]
    fn registered_with_electricitymaps_as_owner() {
        for key in [
            "electricitymaps_api_token",
            "electricitymaps_url",
            "electricitymaps_zone",
            "co2_signal_api_token",
        ] {
            let spec = settings::find(key).unwrap_or_else(|| panic!("{key} is not declared"));
            assert_eq!(spec.owner_name(), "electricitymaps", "{key}");
        }
        assert!(settings::find("electricitymaps_api_token")
            .unwrap()
            .is_secret());
        assert_eq!(
            [
                crate::KEY_TOKEN,
                crate::KEY_TOKEN_DEPRECATED,
                crate::KEY_URL,
                crate::KEY_ZONE
            ],
            [
                "electricitymaps_api_token",
                "co2_signal_api_token",
                "electricitymaps_url",
                "electricitymaps_zone"
            ]
        );
    }

    #[test]
    fn a_bad_token_is_refused_with_its_origin_and_never_shown() {
        let err = Config::default()
            .set(
                "electricitymaps_api_token",
                "tok-SECRET\u{1b}[2J",
                "CODECARBON_ELECTRICITYMAPS_API_TOKEN",
            )
            .unwrap_err()
            .to_string();
        assert!(
            err.contains("electricitymaps_api_token")
                && err.contains("CODECARBON_ELECTRICITYMAPS_API_TOKEN")
                && !err.contains("tok-SECRET"),
            "{err}"
        );
    }

    #[test]
    fn the_old_name_sets_the_token() {
        let mut config = Config::default();
        assert_eq!(
            config.set("co2_signal_api_token", " tok-42 ", "t"),
            Ok(KeyStatus::Renamed {
                key: "electricitymaps_api_token"
            })
        );
        let s = ElectricityMapsSettings::from_config(&config).unwrap();
        assert_eq!(s.electricitymaps_api_token, Some(Secret::new("tok-42")));
        assert!(!format!("{s:?}").contains("tok-42"));
    }

    #[test]
    fn defaults_are_the_providers() {
        let s = ElectricityMapsSettings::from_config(&Config::default()).unwrap();
        assert_eq!(
            s,
            ElectricityMapsSettings {
                electricitymaps_api_token: None,
                electricitymaps_url: Some("https://api.electricitymaps.com/v3".into()),
                electricitymaps_zone: None,
            }
        );
        let mut config = Config::default();
        config.set("electricitymaps_api_token", "  ", "t").unwrap();
        config.set("electricitymaps_url", "", "t").unwrap();
        config.set("electricitymaps_zone", " FR ", "t").unwrap();
        let s = ElectricityMapsSettings::from_config(&config).unwrap();
        assert_eq!(s.electricitymaps_api_token, None, "blank is no token");
        assert_eq!(s.electricitymaps_url, None, "blank: the provider's default");
        assert_eq!(s.electricitymaps_zone.as_deref(), Some("FR"));
    }
}
