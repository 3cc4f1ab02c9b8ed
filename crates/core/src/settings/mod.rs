//! Settings declared once.
//!
//! Each setting is one [`Spec`]: its key, the kind of its value, its default, its
//! documentation, whether it is a secret, its deprecated names and the plugin that reads it.
//! Everything else comes from that declaration: the parsing and checking of its text (with the
//! origin in errors), the builder's setter, the command-line flag and its `--help`, the
//! `#[track_emissions]` parameter and the configuration reference.
//!
//! The tracker's own settings are the fields of [`Config`], declared in
//! [`core_settings!`](crate::core_settings). A plugin declares its own in its crate with
//! [`settings!`](crate::settings!), as a struct it receives already parsed:
//!
//! ```
//! use codecarbon_core::settings::{Settings, Spec, ValueKind};
//! use codecarbon_core::Config;
//!
//! codecarbon_core::settings! {
//!     /// The example output's settings.
//!     pub struct ExampleSettings for "example" {
//!         /// The file the example output writes to.
//!         example_file: String = Spec::of(ValueKind::NonEmpty).value_name("FILE").default("example.log");
//!         /// How many lines it keeps.
//!         example_lines: Option<f64> = Spec::of(ValueKind::Number(codecarbon_core::config::Range::closed(1.0, 100.0)));
//!     }
//! }
//!
//! let mut config = Config::default();
//! config.set("example_lines", "12", "a test").unwrap();
//! let settings = ExampleSettings::from_config(&config).unwrap();
//! assert_eq!(settings.example_file, "example.log");
//! assert_eq!(settings.example_lines, Some(12.0));
//! // Declared settings are checked where they are set, with their origin.
//! let err = config.set("example_lines", "1000", "--example-lines").unwrap_err();
//! assert!(err.to_string().contains("from 1 to 100"));
//! assert!(codecarbon_core::settings::find("example_file").is_some());
//! ```

mod spec;
mod value;

pub use spec::{first_sentence, parse_bool, Spec, ValueKind};
pub use value::{FromSetting, Value};

use crate::config::{Config, ConfigError};

/// A struct of settings that a plugin receives already parsed.
pub trait Settings: Sized {
    /// Its settings, in declaration order.
    const SPECS: &'static [Spec];

    /// Its values in `config`: each declared setting's text (or its default), parsed.
    fn from_config(config: &Config) -> Result<Self, ConfigError>;
}

/// The settings of one crate, registered with `inventory` by [`settings!`](crate::settings!),
/// so that a binary lists every linked plugin's settings as flags and knows their keys.
#[derive(Debug)]
#[non_exhaustive]
pub struct Group {
    /// The settings.
    pub specs: &'static [Spec],
}

impl Group {
    /// The group of these settings.
    pub const fn new(specs: &'static [Spec]) -> Self {
        Group { specs }
    }
}

inventory::collect!(Group);

/// Every setting this build knows: the tracker's own, then each linked plugin's, by key.
pub fn all() -> Vec<&'static Spec> {
    let mut plugins: Vec<&'static Spec> = inventory::iter::<Group>
        .into_iter()
        .flat_map(|g| g.specs.iter())
        .collect();
    plugins.sort_by_key(|s| (s.owner_name(), s.key()));
    Config::SPECS.iter().chain(plugins).collect()
}

/// The setting named `key` or whose deprecated name is `key` (already lower-case).
pub fn find(key: &str) -> Option<&'static Spec> {
    all()
        .into_iter()
        .find(|s| s.key() == key || s.alias_names().contains(&key))
}

/// The value of `spec` in `config`: its text, else its default, read by its kind and turned
/// into `T`. Used by [`settings!`](crate::settings!); the text was checked when it was set.
pub fn value_of<T: FromSetting>(config: &Config, spec: &Spec) -> Result<T, ConfigError> {
    let text = config
        .extra
        .get(spec.key())
        .or(spec.default_text())
        .unwrap_or("");
    read(spec, text, "the configuration")
}

/// The value of the setting `key` among `specs`, as [`value_of`] reads it.
pub fn field<T: FromSetting>(config: &Config, specs: &[Spec], key: &str) -> Result<T, ConfigError> {
    match specs.iter().find(|s| s.key() == key) {
        Some(spec) => value_of(config, spec),
        None => Err(ConfigError {
            key: key.to_string(),
            shown: String::new(),
            expected: "a declared setting".into(),
            origin: "the settings' declaration".into(),
        }),
    }
}

/// `text` read as `spec`'s value of type `T`, or an error naming the key, the value (hidden
/// for a secret) and `origin`.
pub fn read<T: FromSetting>(spec: &Spec, text: &str, origin: &str) -> Result<T, ConfigError> {
    let fail = |expected: String| ConfigError {
        key: spec.key().to_string(),
        shown: spec.shown(text),
        expected,
        origin: origin.to_string(),
    };
    let value = spec.kind().parse(text).map_err(fail)?;
    T::from_setting(value).ok_or_else(|| fail(spec.kind().expected()))
}

/// Declares a struct of settings for a plugin: each field is a setting whose key is the
/// field's name, whose documentation is the field's doc comment, and whose kind, default and
/// other properties are the [`Spec`] after `=`. The struct gets
/// [`Settings::from_config`], and its settings are registered, so a binary that links the
/// plugin shows them as flags and accepts them in files and the environment. See the
/// [module documentation](mod@crate::settings) for an example.
#[macro_export]
macro_rules! settings {
    (
        $(#[$meta:meta])*
        $vis:vis struct $name:ident for $owner:literal {
            $(
                $(#[doc = $doc:literal])*
                $field:ident : $ty:ty = $spec:expr;
            )*
        }
    ) => {
        $(#[$meta])*
        #[derive(Debug, Clone, PartialEq)]
        $vis struct $name {
            $( $(#[doc = $doc])* pub $field: $ty, )*
        }

        impl $crate::settings::Settings for $name {
            const SPECS: &'static [$crate::settings::Spec] = &[$(
                $spec.named(stringify!($field)).doc(concat!($($doc, "\n"),*)).owner($owner),
            )*];

            fn from_config(config: &$crate::Config) -> Result<Self, $crate::ConfigError> {
                let specs = <Self as $crate::settings::Settings>::SPECS;
                Ok(Self {$(
                    $field: $crate::settings::field(config, specs, stringify!($field))?,
                )*})
            }
        }

        $crate::inventory::submit! {
            $crate::settings::Group::new(<$name as $crate::settings::Settings>::SPECS)
        }
    };
}
