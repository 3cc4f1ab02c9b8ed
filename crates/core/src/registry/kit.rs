//! The plugin kit: [`register_plugins!`](crate::register_plugins), which writes a plugin crate's
//! registration glue, and [`IntoBuildError`], through which a plugin's own error becomes a
//! [`BuildError`].

use super::BuildError;

/// A plugin's own build error, turned into a [`BuildError`] once the registry knows the
/// plugin's name. Implement it for the error type a build function returns; a plugin whose build
/// cannot fail returns [`Infallible`](std::convert::Infallible), and one that already decides
/// between [`BuildError::Invalid`] and [`BuildError::Unavailable`] returns `BuildError`.
///
/// ```
/// use codecarbon_core::{BuildError, IntoBuildError};
///
/// #[derive(Debug, thiserror::Error)]
/// enum MyError {
///     #[error("`my_url` is not a URL: {0}")]
///     Url(String),
///     #[error("the service does not answer")]
///     Down,
/// }
///
/// impl IntoBuildError for MyError {
///     fn into_build_error(self, plugin: &'static str) -> BuildError {
///         match self {
///             MyError::Url(_) => BuildError::invalid(plugin, self),
///             MyError::Down => BuildError::unavailable(plugin, self),
///         }
///     }
/// }
/// ```
pub trait IntoBuildError {
    /// The [`BuildError`] of the plugin named `plugin`.
    fn into_build_error(self, plugin: &'static str) -> BuildError;
}

impl IntoBuildError for BuildError {
    /// Kept as it is: the plugin already said which kind of failure it is.
    fn into_build_error(self, _: &'static str) -> BuildError {
        self
    }
}

/// Registers a crate's plugins: one call per crate, one entry per plugin.
///
/// Each entry names its role (`power_source(Component::Cpu)`, `locator`, `intensity`, `sink`)
/// and gives the plugin's `name` (for a sink, its `output_methods` word), `priority` (higher
/// wins among available candidates of one role; a sink's is not used), one-line `summary`,
/// optionally its `settings` (a struct declared with [`settings!`](crate::settings!)), then
/// `probe` (a cheap, side-effect-free check) and `build`, which returns `Result<T, E>` where `T`
/// implements the role's trait and `E` is [`IntoBuildError`]. The macro boxes `T` as the role's
/// trait object, so a plugin cannot register as one kind and build another.
///
/// With `settings: S,` the macro parses `S` from the configuration at each call and hands it
/// over: `probe` is a `fn(&Config, &S) -> Probe` and `build` a `fn(&Config, &S) -> Result<T, E>`.
/// A value that does not parse (one written into [`Config::extra`](crate::Config::extra)
/// directly: [`Config::set`](crate::Config::set) checks the others) makes the probe
/// [`Probe::Unavailable`](crate::Probe::Unavailable) and the build
/// [`BuildError::Invalid`], both saying which key and why. Without `settings`, `probe` is a
/// `fn(&Config) -> Probe` and `build` a `fn(&Config) -> Result<T, E>`. The keys of `S` are
/// already known to the configuration as `S`'s declared settings, so nothing else lists them.
///
/// It also declares `pub const PLUGINS: &[&str]`, the names it registered. `inventory` sees a
/// crate's registrations only when the final binary links the crate, and a crate that nothing
/// names is not linked: a binary names `PLUGINS` (or anything else in the crate) to keep it.
///
/// ```
/// use codecarbon_core::settings::{Spec, ValueKind};
/// use codecarbon_core::{async_trait, Config, Probe, Report, Sink, SinkError};
/// use std::convert::Infallible;
///
/// codecarbon_core::settings! {
///     /// What the `nothing` output reads.
///     pub struct NothingSettings for "nothing" {
///         /// Whether it is switched off.
///         nothing_off: bool = Spec::of(ValueKind::Bool).default("false");
///     }
/// }
///
/// struct Nothing;
///
/// #[async_trait]
/// impl Sink for Nothing {
///     async fn flush(&mut self, _: &Report) -> Result<(), SinkError> {
///         Ok(())
///     }
/// }
///
/// fn probe(_: &Config, settings: &NothingSettings) -> Probe {
///     if settings.nothing_off {
///         Probe::unavailable("nothing_off is set")
///     } else {
///         Probe::Available
///     }
/// }
///
/// fn build(_: &Config, _: &NothingSettings) -> Result<Nothing, Infallible> {
///     Ok(Nothing)
/// }
///
/// codecarbon_core::register_plugins! {
///     sink {
///         name: "nothing",
///         priority: 0,
///         summary: "drops every record",
///         settings: NothingSettings,
///         probe: probe,
///         build: build,
///     }
/// }
///
/// assert_eq!(PLUGINS, ["nothing"]);
/// let nothing = codecarbon_core::registry::sinks()[0];
/// let mut config = Config::default();
/// assert_eq!(nothing.probe(&config), Probe::Available);
/// config.set("nothing_off", "yes", "a test").unwrap();
/// assert_eq!(nothing.probe(&config).reason(), Some("nothing_off is set"));
/// ```
#[macro_export]
macro_rules! register_plugins {
    ($(
        $role:ident $(($component:expr))? {
            name: $name:expr,
            priority: $priority:expr,
            summary: $summary:expr,
            $(settings: $settings:ty,)?
            probe: $probe:expr,
            build: $build:expr $(,)?
        }
    ),+ $(,)?) => {
        /// The names of the plugins this crate registers. A binary that names this constant
        /// (or anything else in the crate) links the crate, and so its registrations.
        pub const PLUGINS: &[&str] = &[$($name),+];

        $(
            $crate::inventory::submit! {
                $crate::registry::PluginDescriptor::new(
                    $name,
                    $crate::__plugin_builder!(
                        $role $(($component))? $name, [$($settings)?], $build
                    ),
                )
                .with_priority($priority)
                .with_summary($summary)
                .with_probe($crate::__plugin_probe!([$($settings)?], $probe))
            }
        )+
    };
}

/// Not public API: a plugin's probe as a `fn(&Config) -> Probe`, parsing its settings first
/// when it has them.
#[doc(hidden)]
#[macro_export]
macro_rules! __plugin_probe {
    ([], $probe:expr) => {
        $probe
    };
    ([$settings:ty], $probe:expr) => {
        |config: &$crate::Config| -> $crate::Probe {
            match <$settings as $crate::settings::Settings>::from_config(config) {
                ::std::result::Result::Ok(settings) => ($probe)(config, &settings),
                ::std::result::Result::Err(e) => $crate::Probe::unavailable(e.to_string()),
            }
        }
    };
}

/// Not public API: the typed builder of one role, for [`register_plugins!`].
#[doc(hidden)]
#[macro_export]
macro_rules! __plugin_builder {
    (power_source($component:expr) $name:expr, $settings:tt, $build:expr) => {
        $crate::registry::Builder::PowerSource($component, |config| {
            $crate::__plugin_build!(config, $name, $settings, $build, $crate::PowerSource)
        })
    };
    (locator $name:expr, $settings:tt, $build:expr) => {
        $crate::registry::Builder::Locator(|config| {
            $crate::__plugin_build!(config, $name, $settings, $build, $crate::Locator)
        })
    };
    (intensity $name:expr, $settings:tt, $build:expr) => {
        $crate::registry::Builder::Intensity(|config| {
            $crate::__plugin_build!(config, $name, $settings, $build, $crate::IntensityProvider)
        })
    };
    (sink $name:expr, $settings:tt, $build:expr) => {
        $crate::registry::Builder::Sink(|config| {
            $crate::__plugin_build!(config, $name, $settings, $build, $crate::Sink)
        })
    };
}

/// Not public API: parses the plugin's settings when it has them, calls its build function,
/// boxes its object as the role's trait object and turns its error into a `BuildError` with the
/// plugin's name.
#[doc(hidden)]
#[macro_export]
macro_rules! __plugin_build {
    ($config:ident, $name:expr, [], $build:expr, $trait:path) => {
        $crate::__plugin_box!(($build)($config), $name, $trait)
    };
    ($config:ident, $name:expr, [$settings:ty], $build:expr, $trait:path) => {
        match <$settings as $crate::settings::Settings>::from_config($config) {
            ::std::result::Result::Ok(settings) => {
                $crate::__plugin_box!(($build)($config, &settings), $name, $trait)
            }
            ::std::result::Result::Err(e) => {
                ::std::result::Result::Err($crate::registry::BuildError::invalid($name, e))
            }
        }
    };
}

/// Not public API: a build function's result, its object boxed as the role's trait object and
/// its error a `BuildError` with the plugin's name.
#[doc(hidden)]
#[macro_export]
macro_rules! __plugin_box {
    ($built:expr, $name:expr, $trait:path) => {
        match $built {
            ::std::result::Result::Ok(built) => ::std::result::Result::Ok(::std::boxed::Box::new(
                built,
            )
                as ::std::boxed::Box<dyn $trait>),
            ::std::result::Result::Err(e) => ::std::result::Result::Err(
                $crate::registry::IntoBuildError::into_build_error(e, $name),
            ),
        }
    };
}
