//! The plugin crates this build links, chosen by cargo features.
//!
//! `inventory` only sees a plugin crate that the final binary links, and the linker drops a
//! crate nothing refers to. This module refers to each enabled plugin crate, and a test checks
//! that the registry holds exactly what the enabled features promise.

/// The names of the plugins that the enabled features promise.
pub fn linked_plugins() -> Vec<&'static str> {
    #[allow(unused_mut)]
    let mut names: Vec<&'static str> = Vec::new();
    #[cfg(feature = "tdp")]
    names.extend(codecarbon_tdp::PLUGINS.iter().copied());
    #[cfg(feature = "rapl")]
    names.extend(codecarbon_rapl::PLUGINS.iter().copied());
    #[cfg(feature = "nvml")]
    names.extend(codecarbon_nvml::PLUGINS.iter().copied());
    #[cfg(feature = "rocm")]
    names.extend(codecarbon_rocm::PLUGINS.iter().copied());
    #[cfg(feature = "iso")]
    names.extend(codecarbon_iso::PLUGINS.iter().copied());
    #[cfg(feature = "csv")]
    names.extend(codecarbon_csv::PLUGINS.iter().copied());
    #[cfg(feature = "json")]
    names.extend(codecarbon_json::PLUGINS.iter().copied());
    #[cfg(feature = "geoip")]
    names.extend(codecarbon_geoip::PLUGINS.iter().copied());
    #[cfg(feature = "cloud")]
    names.extend(codecarbon_cloud::PLUGINS.iter().copied());
    #[cfg(feature = "electricitymaps")]
    names.extend(codecarbon_electricitymaps::PLUGINS.iter().copied());
    #[cfg(feature = "comet")]
    names.extend(codecarbon_comet::PLUGINS.iter().copied());
    #[cfg(feature = "prometheus")]
    names.extend(codecarbon_prometheus::PLUGINS.iter().copied());
    #[cfg(feature = "otlp")]
    names.extend(codecarbon_otlp::PLUGINS.iter().copied());
    #[cfg(feature = "http")]
    names.extend(codecarbon_http::PLUGINS.iter().copied());
    #[cfg(feature = "logger")]
    names.extend(codecarbon_logger::PLUGINS.iter().copied());
    names.sort_unstable();
    names
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_registry_holds_what_the_features_promise() {
        let mut registered: Vec<_> = codecarbon_core::registry::plugins()
            .iter()
            .map(|p| p.name)
            .collect();
        registered.sort_unstable();
        assert_eq!(registered, super::linked_plugins());
        #[cfg(all(
            feature = "tdp",
            feature = "rapl",
            feature = "nvml",
            feature = "rocm",
            feature = "iso",
            feature = "csv",
            feature = "json",
            feature = "geoip",
            feature = "cloud",
            feature = "electricitymaps",
            feature = "comet",
            feature = "prometheus",
            feature = "otlp",
            feature = "http",
            feature = "logger"
        ))]
        {
            let expected = [
                "api",
                "cloud",
                "cloud_config",
                "cloud_region",
                "comet",
                "csv",
                "electricitymaps",
                "geoip",
                "geoip_db",
                "http",
                "iso",
                "json",
                "logger",
                "nvml",
                "otlp",
                "prometheus",
                "ram_dimm",
                "rapl",
                "rapl_dram",
                "rocm",
                "static",
                "tdp",
            ];
            assert_eq!(registered, expected);
        }
    }
}
