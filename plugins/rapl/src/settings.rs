//! The settings the `rapl` and `rapl_dram` plugins read, declared once: each gets its checking
//! where it is set (file, variable, flag, builder), its `--help` and its reference entry from
//! here.

use codecarbon_core::settings::{Spec, ValueKind};

codecarbon_core::settings! {
    /// What the RAPL plugins read from the configuration, already parsed.
    pub struct RaplSettings for "rapl" {
        /// Where the Linux powercap (RAPL) zones are; given, only powercap under it is read.
        /// Unset (or blank), RAPL is read through `perf_event` where this process may open
        /// system-wide events, else under `/sys/class/powercap`. Set, only powercap under this
        /// directory is read: a fake tree in tests, a mount in a container.
        rapl_root: Option<String> = Spec::of(ValueKind::Text).value_name("DIR").example("/sys/class/powercap");
        /// Measure the CPU from RAPL's `psys` domain (the whole platform) instead of the
        /// packages. `psys` includes memory, so the RAM column then counts it twice; without
        /// any package zone `psys` is used anyway. CodeCarbon's key.
        rapl_prefer_psys: bool = Spec::of(ValueKind::Bool).default("false");
        /// Use the TDP and CPU-load model even where RAPL works: the `rapl` plugin then leaves
        /// the CPU to the model (`rapl_dram` still measures the RAM). CodeCarbon's key.
        force_mode_cpu_load: bool = Spec::of(ValueKind::Bool).default("false");
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
    use super::*;
    use codecarbon_core::settings::{self, Settings};
    use codecarbon_core::Config;

    #[test]
    fn registered_with_rapl_as_owner() {
        for key in ["rapl_root", "rapl_prefer_psys", "force_mode_cpu_load"] {
            let spec = settings::find(key).unwrap_or_else(|| panic!("{key} is not declared"));
            assert_eq!(spec.owner_name(), "rapl", "{key}");
            assert!(!spec.doc_text().is_empty(), "{key}");
        }
        assert_eq!(RaplSettings::SPECS.len(), 3);
    }

    #[test]
    fn bad_values_are_refused_with_their_origin() {
        for key in ["rapl_prefer_psys", "force_mode_cpu_load"] {
            let err = Config::default()
                .set(key, "maybe", "--some-flag")
                .unwrap_err()
                .to_string();
            assert!(
                err.contains(key) && err.contains("true or false") && err.contains("--some-flag"),
                "{err}"
            );
        }
    }

    #[test]
    fn defaults_are_the_plugins() {
        let s = RaplSettings::from_config(&Config::default()).unwrap();
        assert_eq!(
            s,
            RaplSettings {
                rapl_root: None,
                rapl_prefer_psys: false,
                force_mode_cpu_load: false,
            }
        );
        let mut config = Config::default();
        config.set("rapl_root", "  ", "t").unwrap();
        config.set("rapl_prefer_psys", "Yes", "t").unwrap();
        config.set("force_mode_cpu_load", "True", "t").unwrap();
        let s = RaplSettings::from_config(&config).unwrap();
        assert_eq!(s.rapl_root, None, "a blank root is no root");
        assert!(s.rapl_prefer_psys && s.force_mode_cpu_load);
    }
}
