//! The registered plugin `electricitymaps`: its descriptor, probe and build.

use crate::error::NewError;
use crate::provider::ElectricityMaps;
use crate::settings::ElectricityMapsSettings;
use codecarbon_core::settings::Settings;
use codecarbon_core::{BuildError, Config, Probe};

/// The plugin's name.
const NAME: &str = "electricitymaps";

/// After the cloud regions' figures (100), before CodeCarbon's static regional and country
/// data (0): a live figure for the grid beats a yearly average, but a cloud provider's own
/// figure for its data centre beats the grid's.
pub const PRIORITY: i32 = 50;

/// Configuration key of the API token (a secret), as declared in [`ElectricityMapsSettings`].
pub const KEY_TOKEN: &str = ElectricityMapsSettings::SPECS[0].key();

/// CodeCarbon's deprecated name of [`KEY_TOKEN`], still accepted: it sets [`KEY_TOKEN`] (the
/// configuration resolves it through the declaration, so the plugin never reads it).
pub const KEY_TOKEN_DEPRECATED: &str = ElectricityMapsSettings::SPECS[0].alias_names()[0];

/// Configuration key of the API's base URL (default [`DEFAULT_URL`](crate::DEFAULT_URL)).
pub const KEY_URL: &str = ElectricityMapsSettings::SPECS[1].key();

/// Configuration key of an explicit Electricity Maps zone (`FR`, `US-CAL-CISO`).
pub const KEY_ZONE: &str = ElectricityMapsSettings::SPECS[2].key();

codecarbon_core::register_plugins! {
    intensity {
        name: NAME,
        priority: PRIORITY,
        summary: "live carbon intensity from the Electricity Maps API (needs electricitymaps_api_token)",
        settings: ElectricityMapsSettings,
        probe: probe,
        build: build,
    }
}

/// Cheap: looks only at the configuration, never at the network.
fn probe(config: &Config, settings: &ElectricityMapsSettings) -> Probe {
    if config.offline {
        return Probe::Unavailable(NewError::Offline.to_string());
    }
    match settings.electricitymaps_api_token {
        None => Probe::Unavailable(NewError::MissingToken.to_string()),
        Some(_) => Probe::Available,
    }
}

fn build(
    config: &Config,
    settings: &ElectricityMapsSettings,
) -> Result<ElectricityMaps, BuildError> {
    if config.offline {
        return Err(BuildError::unavailable(NAME, NewError::Offline));
    }
    match ElectricityMaps::from_settings(settings) {
        Ok(provider) => Ok(provider),
        Err(e @ (NewError::Offline | NewError::MissingToken | NewError::Client(_))) => {
            Err(BuildError::unavailable(NAME, e))
        }
        Err(e @ (NewError::InvalidToken | NewError::InvalidUrl(_) | NewError::Setting(_))) => {
            Err(BuildError::invalid(NAME, e))
        }
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
    use super::*;
    use codecarbon_core::registry::{self, Candidate};
    use codecarbon_core::IntensityProvider;

    const TOKEN: &str = "tok-SECRET-42";

    /// The registered plugin, whose glue parses the settings for its probe and build.
    fn registered() -> Candidate<Box<dyn IntensityProvider>> {
        registry::intensity_providers()
            .into_iter()
            .find(|c| c.name == NAME)
            .unwrap()
    }

    fn probe(config: &Config) -> Probe {
        registered().probe(config)
    }

    fn build(config: &Config) -> Result<Box<dyn IntensityProvider>, BuildError> {
        (registered().build)(config)
    }

    /// A configuration with these settings, set as a file or a variable sets them (the old
    /// name of the token is resolved there).
    fn config(pairs: &[(&str, &str)]) -> Config {
        let mut c = Config::default();
        for (k, v) in pairs {
            c.set(k, v, "test").unwrap();
        }
        c
    }

    #[test]
    fn registered_with_its_settings_and_priority() {
        let d = registry::plugins_of(codecarbon_core::PluginKind::Intensity)
            .into_iter()
            .find(|d| d.name == "electricitymaps")
            .unwrap();
        assert_eq!(d.priority, 50);
        for key in [KEY_TOKEN, KEY_URL, KEY_ZONE, KEY_TOKEN_DEPRECATED] {
            let owner = codecarbon_core::settings::find(key).map(|s| s.owner_name());
            assert_eq!(owner, Some(NAME), "{key}");
        }
        assert_eq!(
            codecarbon_core::settings::find(KEY_TOKEN_DEPRECATED).map(|s| s.key()),
            Some(KEY_TOKEN)
        );
        assert_eq!(crate::PLUGINS, ["electricitymaps"]);
    }

    #[test]
    fn probe_needs_a_token_and_the_network() {
        match probe(&Config::default()) {
            Probe::Unavailable(m) => assert!(m.contains("electricitymaps_api_token"), "{m}"),
            other => panic!("{other:?}"),
        }
        assert_eq!(
            probe(&config(&[(KEY_TOKEN, "  ")])),
            probe(&Config::default())
        );
        assert_eq!(probe(&config(&[(KEY_TOKEN, TOKEN)])), Probe::Available);
        assert_eq!(
            probe(&config(&[(KEY_TOKEN_DEPRECATED, TOKEN)])),
            Probe::Available
        );
        let mut offline = config(&[(KEY_TOKEN, TOKEN)]);
        offline.offline = true;
        match probe(&offline) {
            Probe::Unavailable(m) => assert!(m.contains("offline"), "{m}"),
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn build_reads_url_and_zone() {
        let c = config(&[
            (KEY_TOKEN, TOKEN),
            (KEY_URL, "http://127.0.0.1:9/v3/"),
            (KEY_ZONE, "FR"),
        ]);
        let provider = ElectricityMaps::from_config(&c).unwrap();
        assert_eq!(
            provider.endpoint(),
            "http://127.0.0.1:9/v3/carbon-intensity/latest"
        );
        let shown = format!("{provider:?}");
        assert!(shown.contains("\"FR\""), "{shown}");
        assert!(!shown.contains(TOKEN), "{shown}");
        assert!(build(&c).is_ok());
    }

    #[test]
    fn default_url() {
        let provider = ElectricityMaps::from_config(&config(&[(KEY_TOKEN, TOKEN)])).unwrap();
        assert_eq!(
            provider.endpoint(),
            "https://api.electricitymaps.com/v3/carbon-intensity/latest"
        );
    }

    #[test]
    fn build_errors_name_the_key_and_hide_secrets() {
        let bad_url = config(&[
            (KEY_TOKEN, TOKEN),
            (KEY_URL, "ftp://user:pw-SECRET@host/v3"),
        ]);
        match build(&bad_url) {
            Err(e @ BuildError::Invalid { .. }) => {
                let m = format!("{e} {e:?}");
                assert!(m.contains("electricitymaps_url"), "{m}");
                assert!(!m.contains("pw-SECRET") && !m.contains(TOKEN), "{m}");
            }
            Err(other) => panic!("{other:?}"),
            Ok(_) => panic!("built with an ftp URL"),
        }
        // A control character is refused where it is set; one that got into `extra`
        // otherwise cannot be a header.
        let mut bad_token = Config::default();
        bad_token
            .extra
            .0
            .insert(KEY_TOKEN.into(), "a\u{7f}b".into());
        assert!(matches!(build(&bad_token), Err(BuildError::Invalid { .. })));
        match build(&Config::default()) {
            Err(BuildError::Unavailable { message, .. }) => {
                assert!(message.contains("electricitymaps_api_token"), "{message}")
            }
            Err(other) => panic!("{other:?}"),
            Ok(_) => panic!("built without a token"),
        }
    }
}
