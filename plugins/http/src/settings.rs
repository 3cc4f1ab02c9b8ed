//! The settings of the `http` and `api` outputs, declared once: their keys, kinds, defaults and
//! help, from which come their `CODECARBON_*` variables, their flags and the checks where they
//! are set. The sinks read them typed, through [`Settings::from_config`].

use codecarbon_core::settings::{Settings, Spec, ValueKind};
use codecarbon_core::Secret;

/// CodeCarbon's public API, `api_endpoint`'s default.
pub const DEFAULT_API_ENDPOINT: &str = "https://api.codecarbon.io";

codecarbon_core::settings! {
    /// The `http` output's settings.
    pub struct HttpSettings for "http" {
        /// POST each row as JSON to this URL (output http). CodeCarbon's key: setting it turns
        /// the `http` output on, as in CodeCarbon. The run's totals go at each flush and at
        /// stop; a `user:password@` in the URL is never shown in a message.
        emissions_endpoint: Option<String> = Spec::of(ValueKind::Text)
            .value_name("URL")
            .example("https://collector.example/emissions")
            .implies_output("http");
    }
}

codecarbon_core::settings! {
    /// The `api` output's settings (with the tracker's own `experiment_id`).
    pub struct ApiSettings for "api" {
        /// Base URL of the CodeCarbon API (output api). CodeCarbon's key; runs go to
        /// `{api_endpoint}/runs` and emissions to `{api_endpoint}/emissions`. Blank means the
        /// default; a `user:password@` in the URL is never shown in a message.
        api_endpoint: Option<String> = Spec::of(ValueKind::Text)
            .value_name("URL")
            .default(DEFAULT_API_ENDPOINT);
        /// The CodeCarbon API token (output api), sent as the `x-api-token` header (better in
        /// the environment: CODECARBON_API_KEY). CodeCarbon's key: a project token from
        /// the dashboard (or Python CodeCarbon's `codecarbon config`). A secret, never shown in
        /// a message or a log.
        api_key: Option<Secret> = Spec::of(ValueKind::Text)
            .value_name("KEY")
            .secret();
    }
}

/// The configuration key holding the `http` output's URL (CodeCarbon's; env
/// `CODECARBON_EMISSIONS_ENDPOINT`).
pub const EMISSIONS_ENDPOINT: &str = <HttpSettings as Settings>::SPECS[0].key();
/// Configuration key of the API's base URL.
pub const API_ENDPOINT: &str = <ApiSettings as Settings>::SPECS[0].key();
/// Configuration key of the API token (secret), sent as header
/// [`API_TOKEN_HEADER`](crate::API_TOKEN_HEADER).
pub const API_KEY: &str = <ApiSettings as Settings>::SPECS[1].key();

impl ApiSettings {
    /// The API's base URL: `api_endpoint`, or [`DEFAULT_API_ENDPOINT`] when it is blank.
    pub fn endpoint(&self) -> &str {
        self.api_endpoint.as_deref().unwrap_or(DEFAULT_API_ENDPOINT)
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
    use super::*;
    use codecarbon_core::settings::find;
    use codecarbon_core::Config;

    #[test]
    fn the_keys_are_declared_by_their_plugins() {
        assert_eq!(
            [EMISSIONS_ENDPOINT, API_ENDPOINT, API_KEY],
            ["emissions_endpoint", "api_endpoint", "api_key"]
        );
        assert_eq!(find(EMISSIONS_ENDPOINT).unwrap().owner_name(), "http");
        assert_eq!(find(API_ENDPOINT).unwrap().owner_name(), "api");
        let key = find(API_KEY).unwrap();
        assert_eq!(key.owner_name(), "api");
        assert!(key.is_secret());
        assert!(codecarbon_core::config::is_secret(API_KEY));
    }

    #[test]
    fn the_defaults_are_codecarbons() {
        let config = Config::default();
        assert_eq!(
            HttpSettings::from_config(&config).unwrap(),
            HttpSettings {
                emissions_endpoint: None
            }
        );
        let api = ApiSettings::from_config(&config).unwrap();
        assert_eq!(
            api.api_endpoint.as_deref(),
            Some("https://api.codecarbon.io")
        );
        assert_eq!(api.endpoint(), "https://api.codecarbon.io");
        assert_eq!(api.api_key, None);
    }

    #[test]
    fn blank_values_are_unset_and_values_are_trimmed() {
        let mut config = Config::default();
        config.set(API_ENDPOINT, " ", "t").unwrap();
        config.set(API_KEY, " k3y\n", "t").unwrap();
        config.set(EMISSIONS_ENDPOINT, " http://h/e ", "t").unwrap();
        let api = ApiSettings::from_config(&config).unwrap();
        assert_eq!(api.endpoint(), DEFAULT_API_ENDPOINT);
        assert_eq!(api.api_key.as_ref().map(Secret::expose), Some("k3y"));
        let http = HttpSettings::from_config(&config).unwrap();
        assert_eq!(http.emissions_endpoint.as_deref(), Some("http://h/e"));
    }

    #[test]
    fn a_bad_value_is_refused_where_it_is_set_with_its_origin_and_never_shown() {
        let mut config = Config::default();
        let err = config
            .set(API_KEY, "s3cret\u{1b}[2J", "CODECARBON_API_KEY")
            .unwrap_err()
            .to_string();
        assert!(err.contains("`api_key` (from CODECARBON_API_KEY)"), "{err}");
        assert!(!err.contains("s3cret"), "{err}");
        let err = config
            .set(
                EMISSIONS_ENDPOINT,
                "http://h/\u{7}x",
                "--emissions-endpoint",
            )
            .unwrap_err()
            .to_string();
        assert!(err.contains("(from --emissions-endpoint)"), "{err}");
        assert_eq!(config.extra.get(EMISSIONS_ENDPOINT), None);
    }
}
