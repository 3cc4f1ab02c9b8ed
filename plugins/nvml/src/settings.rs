//! The settings the `nvml` plugin reads, declared once: each gets its checking where it is set
//! (file, variable, flag, builder), its `--help` and its reference entry from here.
//!
//! `gpu_ids`, which chooses the GPUs, is CodeCarbon's key and shared with the `rocm` plugin, so
//! it is not declared here.

use crate::real::DEFAULT_LIBRARY;
use codecarbon_core::settings::{Spec, ValueKind};

codecarbon_core::settings! {
    /// What the `nvml` plugin reads from the configuration, already parsed.
    pub struct NvmlSettings for "nvml" {
        /// The NVML library to load for NVIDIA GPUs: a file name the loader finds, or a path.
        /// Blank is the default, `libnvidia-ml.so.1` from the loader's path. Set it where the
        /// driver's library is outside that path (a container, a non-standard install).
        nvml_library: Option<String> = Spec::of(ValueKind::Text).value_name("LIBRARY").default(DEFAULT_LIBRARY);
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
    use super::*;
    use codecarbon_core::settings::{self, Settings};
    use codecarbon_core::Config;

    #[test]
    fn registered_with_nvml_as_owner() {
        let spec = settings::find("nvml_library").expect("declared");
        assert_eq!(spec.owner_name(), "nvml");
        assert_eq!(spec.default_text(), Some("libnvidia-ml.so.1"));
    }

    #[test]
    fn a_value_with_a_control_character_is_refused_with_its_origin() {
        // Any text names a library; a terminal escape in one is a mistake or an attack.
        let err = Config::default()
            .set(
                "nvml_library",
                "lib\u{1b}[2Jnvml.so",
                "CODECARBON_NVML_LIBRARY",
            )
            .unwrap_err()
            .to_string();
        assert!(
            err.contains("nvml_library") && err.contains("CODECARBON_NVML_LIBRARY"),
            "{err}"
        );
    }

    #[test]
    fn defaults_are_the_plugins() {
        let s = NvmlSettings::from_config(&Config::default()).unwrap();
        assert_eq!(s.nvml_library.as_deref(), Some("libnvidia-ml.so.1"));
        let mut config = Config::default();
        config.set("nvml_library", " ", "t").unwrap();
        let s = NvmlSettings::from_config(&config).unwrap();
        assert_eq!(s.nvml_library, None, "blank: the plugin loads its default");
        config
            .set("nvml_library", " /opt/nv/libnvidia-ml.so.1 ", "t")
            .unwrap();
        let s = NvmlSettings::from_config(&config).unwrap();
        assert_eq!(s.nvml_library.as_deref(), Some("/opt/nv/libnvidia-ml.so.1"));
    }
}
