//! The plugins' settings, declared once with [`codecarbon_core::settings!`]: each field is a
//! key (`example_board_power_file`), its doc comment the help, and its [`Spec`] the kind, value
//! name and default. Declared, a key is a config-file key, a `CODECARBON_*` variable, a builder
//! `.set(...)` and a `--flag` of any binary that links this crate, checked where it is set; the
//! registration (`settings: BoardSettings` in `register_plugins!`) parses the struct with
//! [`Settings::from_config`] and hands it to the plugins' probe and build.

use codecarbon_core::settings::{Settings, Spec, ValueKind};
use std::path::PathBuf;

/// The log file's name in `output_dir` when `example_log_file` is not set.
pub const DEFAULT_LOG_FILE: &str = "example.log";

codecarbon_core::settings! {
    /// The settings of the `example-board` power source.
    pub struct BoardSettings for "example-board" {
        /// The file in which the board publishes the CPU's power in watts (example-board). One
        /// number such as `12.5`, read at every sample. Set to an existing file, the
        /// `example-board` source is available and outranks the `tdp` model; blank is unset.
        example_board_power_file: Option<PathBuf> = Spec::of(ValueKind::Text)
            .value_name("FILE")
            .example("/run/board/cpu_power");
    }
}

codecarbon_core::settings! {
    /// The settings of the `example-log` output.
    pub struct LogSettings for "example-log" {
        /// The file the example-log output appends its lines to. Relative to `output_dir`
        /// unless absolute; blank is the default.
        example_log_file: Option<String> = Spec::of(ValueKind::Text)
            .value_name("FILE")
            .default(DEFAULT_LOG_FILE);
    }
}

/// The setting naming the file that holds the CPU power in watts
/// (`CODECARBON_EXAMPLE_BOARD_POWER_FILE` in the environment).
pub const POWER_FILE_KEY: &str = <BoardSettings as Settings>::SPECS[0].key();

/// The setting naming the log file, relative to `output_dir` unless absolute
/// (`CODECARBON_EXAMPLE_LOG_FILE` in the environment).
pub const LOG_FILE_KEY: &str = <LogSettings as Settings>::SPECS[0].key();

impl LogSettings {
    /// The log file's name: `example_log_file`, or [`DEFAULT_LOG_FILE`] when it is blank.
    pub fn file(&self) -> &str {
        self.example_log_file.as_deref().unwrap_or(DEFAULT_LOG_FILE)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use codecarbon_core::settings::find;
    use codecarbon_core::Config;

    #[test]
    fn the_settings_are_registered_with_their_plugin_as_owner() {
        assert_eq!(
            [POWER_FILE_KEY, LOG_FILE_KEY],
            ["example_board_power_file", "example_log_file"]
        );
        assert_eq!(find(POWER_FILE_KEY).unwrap().owner_name(), crate::BOARD);
        assert_eq!(find(LOG_FILE_KEY).unwrap().owner_name(), crate::LOG);
        assert_eq!(
            find(POWER_FILE_KEY).unwrap().env_var(),
            "CODECARBON_EXAMPLE_BOARD_POWER_FILE"
        );
    }

    #[test]
    fn the_defaults_are_no_board_and_example_log() {
        let config = Config::default();
        let board = BoardSettings::from_config(&config).unwrap();
        assert_eq!(board.example_board_power_file, None);
        let log = LogSettings::from_config(&config).unwrap();
        assert_eq!(log.example_log_file.as_deref(), Some("example.log"));
        assert_eq!(log.file(), "example.log");
    }

    #[test]
    fn blank_is_unset_and_a_control_character_is_refused_with_its_origin() {
        let mut config = Config::default();
        config.set(POWER_FILE_KEY, "  ", "t").unwrap();
        config.set(LOG_FILE_KEY, "", "t").unwrap();
        let board = BoardSettings::from_config(&config).unwrap();
        assert_eq!(board.example_board_power_file, None);
        assert_eq!(
            LogSettings::from_config(&config).unwrap().file(),
            "example.log"
        );
        let err = config
            .set(LOG_FILE_KEY, "runs\u{1b}[2J.log", "--example-log-file")
            .unwrap_err()
            .to_string();
        assert!(
            err.contains("`example_log_file` (from --example-log-file)"),
            "{err}"
        );
    }
}
