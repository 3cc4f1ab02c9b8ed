//! The settings the `rocm` and `amdsmi` plugins read, declared once: each gets its checking where it is set
//! (file, variable, flag, builder), its `--help` and its reference entry from here.
//!
//! `gpu_ids`, which chooses the GPUs, is CodeCarbon's key and shared with the `nvml` plugin, so
//! it is not declared here. The library settings' names are also [`Api::setting`](crate::Api::setting)'s,
//! which error messages quote; a test checks that they agree.

use codecarbon_core::settings::{Spec, ValueKind};

codecarbon_core::settings! {
    /// What the `rocm` plugin reads from the configuration, already parsed.
    pub struct RocmSettings for "rocm" {
        /// The ROCm SMI library to load for AMD GPUs: a file name the loader finds, or a path.
        /// Unset (or blank), `librocm_smi64.so.1` then `librocm_smi64.so` from the loader's
        /// path, then `$ROCM_PATH/lib` (default `/opt/rocm/lib`); set, that file alone is tried.
        rocm_smi_library: Option<String> = Spec::of(ValueKind::Text).value_name("LIBRARY").example("/opt/rocm/lib/librocm_smi64.so.1");
    }
}

codecarbon_core::settings! {
    /// What the `amdsmi` plugin reads from the configuration, already parsed.
    pub struct AmdSmiSettings for "amdsmi" {
        /// The AMD SMI library to load for AMD GPUs: a file name the loader finds, or a path.
        /// Unset (or blank), `libamd_smi.so` from the loader's path, then `$ROCM_PATH/lib`
        /// (default `/opt/rocm/lib`); set, that file alone is tried.
        amd_smi_library: Option<String> = Spec::of(ValueKind::Text).value_name("LIBRARY").example("/opt/rocm/lib/libamd_smi.so");
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
    use super::*;
    use codecarbon_core::settings::{self, Settings};
    use codecarbon_core::Config;

    #[test]
    fn registered_with_rocm_as_owner() {
        let spec = settings::find("rocm_smi_library").expect("declared");
        assert_eq!(spec.owner_name(), "rocm");
        assert_eq!(
            spec.default_text(),
            None,
            "the default is a search, in prose"
        );
    }

    #[test]
    fn a_value_with_a_control_character_is_refused_with_its_origin() {
        let err = Config::default()
            .set("rocm_smi_library", "lib\nrocm.so", "/etc/codecarbon.config")
            .unwrap_err()
            .to_string();
        assert!(
            err.contains("rocm_smi_library") && err.contains("/etc/codecarbon.config"),
            "{err}"
        );
    }

    #[test]
    fn the_library_settings_are_the_ones_messages_name() {
        use crate::Api;
        for api in [Api::RocmSmi, Api::AmdSmi] {
            let spec = settings::find(api.setting()).expect("declared");
            assert_eq!(spec.owner_name(), api.plugin());
        }
        let s = AmdSmiSettings::from_config(&Config::default()).unwrap();
        assert_eq!(s.amd_smi_library, None);
    }

    #[test]
    fn defaults_are_the_plugins() {
        let s = RocmSettings::from_config(&Config::default()).unwrap();
        assert_eq!(s.rocm_smi_library, None);
        let mut config = Config::default();
        config.set("rocm_smi_library", " ", "t").unwrap();
        assert_eq!(
            RocmSettings::from_config(&config).unwrap().rocm_smi_library,
            None
        );
        config.set("rocm_smi_library", " /opt/x.so ", "t").unwrap();
        let s = RocmSettings::from_config(&config).unwrap();
        assert_eq!(s.rocm_smi_library.as_deref(), Some("/opt/x.so"));
    }
}
