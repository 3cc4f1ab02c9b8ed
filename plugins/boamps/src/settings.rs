//! The setting the `boamps` output reads, declared once: its checking where it is set (file,
//! variable, flag, builder), its `--help` and its reference entry come from here.

use codecarbon_core::settings::{Spec, ValueKind};

codecarbon_core::settings! {
    /// What the `boamps` output reads from the configuration, already parsed.
    pub struct BoampsSettings for "boamps" {
        /// What the BoAmps report cannot detect (CodeCarbon's `metadata`): a JSON file, or the
        /// JSON object itself (text starting with `{`), with the report's `task` (required by
        /// the BoAmps schema), `header`, `quality`, `system`, `software`, `infrastructure` and
        /// `environment`, at the top or under `boamps`. Its fields win over the run's. Read
        /// when the output is built. Unset, the report has no task.
        metadata: Option<String> = Spec::of(ValueKind::Text).value_name("FILE").example("metadata.json");
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
    use super::*;
    use codecarbon_core::settings::{self, Settings};
    use codecarbon_core::{Config, KeyStatus};

    #[test]
    fn metadata_is_the_boamps_outputs_setting() {
        let spec = settings::find("metadata").expect("declared");
        assert_eq!(spec.owner_name(), "boamps");
        let mut config = Config::default();
        assert_eq!(
            config.set("metadata", "ctx.json", "a test"),
            Ok(KeyStatus::Known)
        );
        let s = BoampsSettings::from_config(&config).unwrap();
        assert_eq!(s.metadata.as_deref(), Some("ctx.json"));
        assert_eq!(
            BoampsSettings::from_config(&Config::default())
                .unwrap()
                .metadata,
            None
        );
    }
}
