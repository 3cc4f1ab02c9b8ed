//! The settings the `cloud` locator reads, declared once: each gets its checking where it is
//! set (file, variable, flag, builder), its `--help` and its reference entry from here.
//! `cloud_provider` and `cloud_region`, which `cloud_config` reads, are the tracker's own.

use crate::metadata::DEFAULT_METADATA_URL;
use codecarbon_core::settings::{Spec, ValueKind};

codecarbon_core::settings! {
    /// What the `cloud` locator reads from the configuration, already parsed.
    pub struct CloudSettings for "cloud" {
        /// Base URL of the cloud instance metadata service. Blank is the default, the
        /// link-local address where AWS, Azure and GCP all serve it; another address is for a
        /// proxy or a test server. Checked (http or https) when the locator is built.
        cloud_metadata_url: Option<String> = Spec::of(ValueKind::Text).value_name("URL").default(DEFAULT_METADATA_URL);
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
    use super::*;
    use codecarbon_core::settings::{self, Settings};
    use codecarbon_core::Config;

    #[test]
    fn registered_with_cloud_as_owner() {
        let spec = settings::find("cloud_metadata_url").expect("declared");
        assert_eq!(spec.owner_name(), "cloud");
        assert_eq!(crate::METADATA_URL_KEY, "cloud_metadata_url");
    }

    #[test]
    fn a_value_with_a_control_character_is_refused_with_its_origin() {
        let err = Config::default()
            .set(
                "cloud_metadata_url",
                "http://x/\u{1b}[2J",
                "CODECARBON_CLOUD_METADATA_URL",
            )
            .unwrap_err()
            .to_string();
        assert!(
            err.contains("cloud_metadata_url") && err.contains("CODECARBON_CLOUD_METADATA_URL"),
            "{err}"
        );
    }

    #[test]
    fn defaults_are_the_locators() {
        let s = CloudSettings::from_config(&Config::default()).unwrap();
        assert_eq!(
            s.cloud_metadata_url.as_deref(),
            Some("http://169.254.169.254")
        );
        let mut config = Config::default();
        config.set("cloud_metadata_url", " ", "t").unwrap();
        let s = CloudSettings::from_config(&config).unwrap();
        assert_eq!(s.cloud_metadata_url, None, "blank: the locator's default");
    }
}
