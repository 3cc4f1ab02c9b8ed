//! Settings, with CodeCarbon's key names.
//!
//! A setting has one name everywhere: config key `x_y`, environment variable `CODECARBON_X_Y`,
//! command-line flag `--x-y` and builder method `x_y(...)`. This module holds the resolved
//! values and turns one `key = value` string into them; the layering of files, environment and
//! code lives in the facade crate.

use crate::quote::printable;
use crate::settings::{self, Spec};
use serde::Serialize;
use std::collections::BTreeMap;
use std::fmt;
use std::str::FromStr;
use thiserror::Error;

mod keys;
mod range;
pub use range::{
    range_of, Range, API_CALL_INTERVAL, CARBON_INTENSITY, MEASURE_POWER_SECS, POWER, PUE, WUE,
};

/// What is tracked: the whole machine or one process tree.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
#[non_exhaustive]
pub enum TrackingMode {
    /// The whole machine (CodeCarbon's default).
    #[default]
    Machine,
    /// The tracked process and every descendant.
    Process,
}

impl fmt::Display for TrackingMode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            TrackingMode::Machine => "machine",
            TrackingMode::Process => "process",
        })
    }
}

impl FromStr for TrackingMode {
    type Err = &'static str;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.trim().to_ascii_lowercase().as_str() {
            "machine" => Ok(TrackingMode::Machine),
            "process" => Ok(TrackingMode::Process),
            _ => Err("`machine` or `process`"),
        }
    }
}

/// How the CSV sink treats an existing file.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
#[non_exhaustive]
pub enum CsvWriteMode {
    /// Add a row per flush or stop.
    #[default]
    Append,
    /// Replace the row with the same `run_id`.
    Update,
}

/// The value as written in a configuration (`append`), which [`FromStr`] reads back.
impl fmt::Display for CsvWriteMode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            CsvWriteMode::Append => "append",
            CsvWriteMode::Update => "update",
        })
    }
}

impl FromStr for CsvWriteMode {
    type Err = &'static str;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.trim().to_ascii_lowercase().as_str() {
            "append" => Ok(CsvWriteMode::Append),
            "update" => Ok(CsvWriteMode::Update),
            _ => Err("`append` or `update`"),
        }
    }
}

/// CodeCarbon keys this build accepts but does not act on yet. They are kept in
/// [`Config::extra`] without a warning, since Python's `codecarbon config` writes them.
pub const PASSTHROUGH_KEYS: &[&str] = &[
    "allow_multiple_runs",
    "country_2letter_iso_code",
    "logger_preamble",
    "organization_id",
    "project_id",
    "rapl_include_dram",
];

/// Keys whose values are secrets: they never appear in a log or an error. A declared setting
/// says so in its [`Spec`]; an undeclared key is taken for one by its name.
pub fn is_secret(key: &str) -> bool {
    settings::find(key).is_some_and(|s| s.is_secret())
        || key.contains("api_key")
        || key.contains("token")
        || key.contains("password")
}

/// A value that does not fit its key.
#[derive(Debug, Clone, PartialEq, Error)]
#[error("invalid value {shown} for `{key}` (from {origin}): expected {expected}")]
pub struct ConfigError {
    /// The key.
    pub key: String,
    /// The value as quoted in the message (`<hidden>` for secrets).
    pub shown: String,
    /// What would be accepted.
    pub expected: String,
    /// Where the value came from (a file path, an environment variable, a flag).
    pub origin: String,
}

/// Whether `Config::set` knew the key.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum KeyStatus {
    /// A setting of this build, or a CodeCarbon key kept for later.
    Known,
    /// A deprecated name of the setting `key`, which it set; the caller warns.
    Renamed {
        /// The setting's name now.
        key: &'static str,
    },
    /// A key nobody knows; the caller warns and goes on.
    Unknown,
}

/// Builds [`Config`] from the list of [`core_settings!`](crate::core_settings): its fields,
/// their declarations, their defaults and the parsing of each key.
macro_rules! define_config {
    ($( $(#[doc = $doc:literal])* $field:ident : $ty:ty = $spec:expr; )*) => {
        /// Every setting, resolved. Its fields and what each accepts are declared once, in
        /// [`core_settings!`](crate::core_settings); [`Config::SPECS`] lists them.
        #[derive(Debug, Clone, PartialEq)]
        pub struct Config {
            $( $(#[doc = $doc])* pub $field: $ty, )*
            /// Values of keys this build does not interpret as fields: plugins' own settings
            /// (checked by their declaration when set) and CodeCarbon's keys kept for later.
            pub extra: Extra,
            /// Not a setting: the CPUs and memory the run may use (a SLURM job's, a cgroup's),
            /// which the engine finds at the start of a run when this is `None` and sets here
            /// before it builds the power sources, so that every source sizes itself on the
            /// same figures. `None` outside a run: the sources size the whole machine.
            pub allocation: Option<$crate::Allocation>,
        }

        /// The keys of the tracker's own settings, one constant each, named as the key: the way
        /// code names a key without spelling it again.
        #[allow(non_upper_case_globals)]
        pub mod key {
            $(
                #[doc = concat!("`", stringify!($field), "`")]
                pub const $field: &str = stringify!($field);
            )*
        }

        impl Config {
            /// The tracker's own settings, in the order the reference lists them.
            pub const SPECS: &'static [Spec] = &[$(
                $spec.named(stringify!($field)).doc(concat!($($doc, "\n"),*)),
            )*];

            /// Sets the field of the tracker's own setting `key` from `text`; `Ok(false)` when
            /// `key` is none of them.
            fn set_field(&mut self, key: &str, text: &str, origin: &str) -> Result<bool, ConfigError> {
                match key {
                    $( stringify!($field) => self.$field = read_field(key, Some(text), origin)?, )*
                    _ => return Ok(false),
                }
                Ok(true)
            }
        }

        impl Default for Config {
            /// CodeCarbon's defaults, from each setting's declaration (a test checks that
            /// each default parses).
            fn default() -> Self {
                Self {
                    $( $field: read_field(stringify!($field), None, "the default").unwrap_or_default(), )*
                    extra: Extra::default(),
                    allocation: None,
                }
            }
        }
    };
}

crate::core_settings!(define_config);

/// Settings this build does not interpret, by key. Its `Debug` hides secret values, so a logged
/// configuration never shows an API key.
#[derive(Clone, Default, PartialEq)]
pub struct Extra(pub BTreeMap<String, String>);

impl Extra {
    /// The value of `key`, if set.
    pub fn get(&self, key: &str) -> Option<&str> {
        self.0.get(key).map(String::as_str)
    }

    /// The value of `key`, trimmed; `None` when unset or blank (a variable set to nothing),
    /// which a plugin treats as "not configured".
    ///
    /// ```
    /// use codecarbon_core::Extra;
    /// let extra = Extra([("a".into(), " x ".into()), ("b".into(), " ".into())].into());
    /// assert_eq!((extra.value("a"), extra.value("b"), extra.value("c")), (Some("x"), None, None));
    /// ```
    pub fn value(&self, key: &str) -> Option<&str> {
        self.get(key).map(str::trim).filter(|v| !v.is_empty())
    }
}

impl fmt::Debug for Extra {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_map()
            .entries(self.0.iter().map(|(k, v)| {
                let shown = if is_secret(k) {
                    crate::secret::HIDDEN
                } else {
                    v.as_str()
                };
                (k, shown)
            }))
            .finish()
    }
}

/// The tracker's own setting `key` read from `text`, or from its default when `None`.
fn read_field<T: settings::FromSetting>(
    key: &str,
    text: Option<&str>,
    origin: &str,
) -> Result<T, ConfigError> {
    let spec = Config::SPECS.iter().find(|s| s.key() == key);
    let spec = spec.ok_or_else(|| ConfigError {
        key: key.to_string(),
        shown: String::new(),
        expected: "a declared setting".into(),
        origin: origin.to_string(),
    })?;
    settings::read(spec, text.or(spec.default_text()).unwrap_or(""), origin)
}

impl Config {
    /// Sets `key` from its text form, as found in a config file, the environment or a flag.
    ///
    /// `origin` names where the value came from, for the error message. An empty value clears an
    /// optional setting. A declared setting (the tracker's own, or a linked plugin's) is checked
    /// by its declaration; a plugin's is kept in [`Config::extra`] for the plugin to read.
    ///
    /// ```
    /// use codecarbon_core::{Config, KeyStatus};
    /// let mut config = Config::default();
    /// assert_eq!(config.set("pue", "1.2", "test"), Ok(KeyStatus::Known));
    /// assert!(config.set("pue", "high", "test").is_err());
    /// assert_eq!(config.set("colour", "blue", "test"), Ok(KeyStatus::Unknown));
    /// ```
    pub fn set(&mut self, key: &str, value: &str, origin: &str) -> Result<KeyStatus, ConfigError> {
        let key = key.trim().to_ascii_lowercase();
        let Some(spec) = settings::find(&key) else {
            self.extra.0.insert(key.clone(), value.to_string());
            return Ok(if PASSTHROUGH_KEYS.contains(&key.as_str()) {
                KeyStatus::Known
            } else {
                KeyStatus::Unknown
            });
        };
        // A declared setting is shown in messages, rows and file names: a control character
        // in it is a mistake or an attack (a terminal escape), never a value.
        let trimmed = value.trim();
        if printable(trimmed) != trimmed {
            return Err(ConfigError {
                key: spec.key().to_string(),
                shown: spec.shown(value),
                expected: "text without control characters (a terminal escape, a line break, a \
                           tab) or invisible marks that reorder text"
                    .into(),
                origin: origin.into(),
            });
        }
        if !self.set_field(spec.key(), value, origin)? {
            // A plugin's setting: checked now, with its origin, and read by the plugin.
            settings::read::<settings::Value>(spec, value, origin)?;
            self.extra
                .0
                .insert(spec.key().to_string(), value.to_string());
        }
        Ok(if spec.key() == key {
            KeyStatus::Known
        } else {
            KeyStatus::Renamed { key: spec.key() }
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::units::Watts;
    use std::num::NonZeroU32;
    use std::time::Duration;

    /// The keys of the tracker's own settings.
    fn keys() -> Vec<&'static str> {
        Config::SPECS.iter().map(|s| s.key()).collect()
    }

    /// Each declared default is a value of its setting, so `Config::default()` never falls
    /// back to a type's own default.
    #[test]
    fn every_declared_default_parses() {
        for spec in Config::SPECS {
            let mut c = Config::default();
            if let Some(text) = spec.default_text() {
                assert_eq!(c.set(spec.key(), text, "t"), Ok(KeyStatus::Known), "{spec}");
                assert_eq!(
                    c,
                    Config::default(),
                    "{spec}'s default is its field's default"
                );
            }
            assert!(!spec.doc_text().is_empty(), "{spec} has no documentation");
        }
    }

    #[test]
    fn defaults_are_codecarbons() {
        let c = Config::default();
        assert_eq!(c.measure_power_secs, Duration::from_secs(15));
        assert_eq!(c.output_file, "emissions.csv");
        assert_eq!(c.experiment_id, "5b0fa12a-3dd7-45bb-9766-cc326314d9f1");
        assert_eq!(c.tracking_mode, TrackingMode::Machine);
        assert_eq!(c.pue, 1.0);
    }

    #[test]
    fn parses_each_kind_of_value() {
        let mut c = Config::default();
        c.set("MEASURE_POWER_SECS", " 2.5 ", "t").unwrap();
        c.set("tracking_mode", "Process", "t").unwrap();
        c.set("output_methods", "csv, JSON", "t").unwrap();
        c.set("force_cpu_power", "45", "t").unwrap();
        c.set("offline", "true", "t").unwrap();
        c.set("region", "", "t").unwrap();
        assert_eq!(c.measure_power_secs, Duration::from_millis(2500));
        assert_eq!(c.tracking_mode, TrackingMode::Process);
        assert_eq!(c.output_methods, ["csv", "json"]);
        assert_eq!(c.force_cpu_power, Some(Watts(45.0)));
        assert!(c.offline);
        assert_eq!(c.region, None);
    }

    #[test]
    fn bad_values_name_key_and_origin() {
        let mut c = Config::default();
        let err = c
            .set("measure_power_secs", "0", "/etc/x.config")
            .unwrap_err();
        let text = err.to_string();
        assert!(
            text.contains("measure_power_secs") && text.contains("/etc/x.config"),
            "{text}"
        );
        assert!(c.set("tracking_mode", "cluster", "t").is_err());
        assert!(c.set("pue", "-1", "t").is_err());
        assert!(c.set("offline", "maybe", "t").is_err());
    }

    /// Values that once panicked, busy-looped or made `inf` rows are refused with the range.
    #[test]
    fn numbers_out_of_their_range_are_refused_with_the_range() {
        let cases = [
            ("measure_power_secs", "1e19", "from 0.1 to 86400"),
            ("measure_power_secs", "2e19", "from 0.1 to 86400"),
            ("measure_power_secs", "1e-9", "from 0.1 to 86400"),
            ("measure_power_secs", "inf", "from 0.1 to 86400"),
            ("pue", "1e308", "above 0, up to 100"),
            ("wue", "1e300", "from 0 to 100"),
            ("force_cpu_power", "1e300", "from 0 to 1000000"),
            ("force_ram_power", "-1", "from 0 to 1000000"),
            (
                "force_carbon_intensity_g_co2e_kwh",
                "1e300",
                "from 0 to 10000",
            ),
            ("api_call_interval", "4294967295", "from -1 to 1000000"),
        ];
        for (key, value, range) in cases {
            let err = Config::default()
                .set(key, value, "--flag")
                .expect_err(value)
                .to_string();
            assert!(
                err.contains(key) && err.contains(range) && err.contains("--flag"),
                "{err}"
            );
        }
        let mut c = Config::default();
        for (key, value) in [
            ("measure_power_secs", "0.1"),
            ("measure_power_secs", "86400"),
            ("pue", "100"),
            ("force_cpu_power", "1000000"),
            ("force_carbon_intensity_g_co2e_kwh", "10000"),
            ("api_call_interval", "1000000"),
        ] {
            c.set(key, value, "t").unwrap_or_else(|e| panic!("{e}"));
        }
        assert_eq!(c.measure_power_secs, Duration::from_secs(86_400));
    }

    /// A key is numeric when it takes `2` and refuses a word. Every numeric key has a range in
    /// `RANGES`, and only those; `set` checks that range: it takes the largest value, refuses
    /// the next one above, and names the range in its error. (A numeric key without a range
    /// would take no value at all.)
    #[test]
    fn every_numeric_key_has_a_range_and_every_range_a_key() {
        for key in keys() {
            let set = |value: &str| Config::default().set(key, value, "t");
            let samples = ["2", "two", "true", "machine", "append", "info"];
            assert!(
                samples.iter().any(|v| set(v).is_ok()),
                "{key} takes nothing"
            );
            let numeric = set("2").is_ok() && set("two").is_err();
            assert_eq!(numeric, range_of(key).is_some(), "{key}");
            let Some(range) = range_of(key) else { continue };
            let err = set("two").unwrap_err().to_string();
            assert!(err.contains(&range.to_string()), "{err}");
            assert!(set(&range.max.to_string()).is_ok(), "{key}");
            let above = range.max * 1.5 + 1.0;
            let err = set(&above.to_string()).unwrap_err().to_string();
            assert!(err.contains(&range.to_string()), "{err}");
        }
        assert_eq!(range_of("force_ram_power"), Some(POWER));
    }

    /// A setting this build reads ends up in messages, rows and file names: a control
    /// character (a terminal escape) or a reordering mark in it is refused, quoted escaped.
    #[test]
    fn control_characters_in_a_setting_are_refused() {
        for key in keys() {
            for value in [
                "a\x1b]0;pwned\x07",
                "a\rb",
                "a\nb",
                "a\tb",
                "x\u{202e}y",
                "\u{9b}2J",
            ] {
                let err = Config::default()
                    .set(key, value, "t")
                    .expect_err(key)
                    .to_string();
                assert!(err.contains("without control characters"), "{err}");
                assert!(
                    !err.contains(['\x1b', '\r', '\n', '\t', '\u{202e}']),
                    "{err:?}"
                );
            }
        }
        let mut c = Config::default();
        c.set("project_name", " nightly \n", "t").unwrap();
        assert_eq!(
            c.project_name, "nightly",
            "blanks around a value are trimmed"
        );
        // Keys this build does not read keep their values as given.
        assert_eq!(c.set("organization_id", "a\tb", "t"), Ok(KeyStatus::Known));
        assert_eq!(c.set("colour", "\x1b", "t"), Ok(KeyStatus::Unknown));
    }

    #[test]
    fn api_call_interval_counts_measurements_or_waits_for_flush() {
        let mut c = Config::default();
        assert_eq!(
            c.api_call_interval,
            NonZeroU32::new(1),
            "ours: every measurement"
        );
        c.set("api_call_interval", "8", "t").unwrap();
        assert_eq!(c.api_call_interval, NonZeroU32::new(8));
        c.set("api_call_interval", "-1", "t").unwrap();
        assert_eq!(c.api_call_interval, None, "-1: only at flush and stop");
        c.set("api_call_interval", "0", "t").unwrap();
        assert_eq!(c.api_call_interval, NonZeroU32::new(1));
        for bad in ["-2", "1.5", "often", ""] {
            let err = c
                .set("api_call_interval", bad, "--api-call-interval")
                .unwrap_err();
            assert!(
                err.to_string().contains("-1 for only at flush and stop"),
                "{err}"
            );
        }
    }

    #[test]
    fn secrets_are_not_shown() {
        let mut c = Config::default();
        // Without the `api` output linked (as here), `api_key` is nobody's setting, yet its name
        // says it is a secret: kept, and hidden.
        assert_eq!(c.set("api_key", "s3cret", "t"), Ok(KeyStatus::Unknown));
        assert_eq!(c.extra.get("api_key"), Some("s3cret"));
        assert!(!format!("{c:?}").contains("s3cret"));
        assert!(is_secret("electricitymaps_api_token"));
        let err = c.set("api_key_expiry", "s3cret", "t");
        assert!(err.is_ok());
    }

    #[test]
    fn unknown_keys_are_kept_and_reported() {
        let mut c = Config::default();
        assert_eq!(c.set("rapl_root", "/tmp/x", "t"), Ok(KeyStatus::Unknown));
        assert_eq!(c.extra.get("rapl_root"), Some("/tmp/x"));
    }

    mod properties {
        use super::*;
        use proptest::prelude::*;

        /// Text a user might give: anything, numbers in every notation, and their neighbours.
        fn text() -> impl Strategy<Value = String> {
            prop_oneof![
                any::<String>(),
                any::<f64>().prop_map(|x| x.to_string()),
                any::<f64>().prop_map(|x| format!("{x:e}")),
                any::<i64>().prop_map(|n| n.to_string()),
                (-1e6..1e6f64).prop_map(|x| format!(" {x} ")),
                Just(String::new()),
            ]
        }

        fn within(range: Range, x: f64) -> bool {
            x.is_finite() && range.contains(x)
        }

        proptest! {
            // A failure prints its input; no regression file is written into the tree.
            #![proptest_config(ProptestConfig {
                failure_persistence: None,
                ..ProptestConfig::with_cases(256)
            })]

            /// `set` never panics, and every value it accepts is finite and in its range.
            #[test]
            fn set_never_panics_and_keeps_numbers_in_range(
                key in prop::sample::select(keys()),
                value in text(),
            ) {
                let mut c = Config::default();
                if c.set(key, &value, "prop").is_err() {
                    prop_assert_eq!(&c, &Config::default(), "a refused value changes nothing");
                    return Ok(());
                }
                prop_assert!(within(MEASURE_POWER_SECS, c.measure_power_secs.as_secs_f64()));
                prop_assert!(within(PUE, c.pue) && within(WUE, c.wue.value()));
                let every = c.api_call_interval.map_or(-1.0, |n| f64::from(n.get()));
                prop_assert!(within(API_CALL_INTERVAL, every));
                for w in [c.force_cpu_power, c.force_ram_power].into_iter().flatten() {
                    prop_assert!(within(POWER, w.value()));
                }
                if let Some(i) = c.force_carbon_intensity_g_co2e_kwh {
                    prop_assert!(within(CARBON_INTENSITY, i.value()));
                }
            }

            /// Any key, known or not, with any value: no panic, and the error names the key.
            #[test]
            fn set_any_key_never_panics(key in any::<String>(), value in text()) {
                if let Err(e) = Config::default().set(&key, &value, "prop") {
                    prop_assert_eq!(e.key, key.trim().to_ascii_lowercase());
                }
            }
        }
    }
}
