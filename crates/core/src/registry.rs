//! The plugin registry: const descriptors that plugin crates submit with `inventory`.
//!
//! Each plugin crate calls [`inventory::submit!`] with a [`PluginDescriptor`]. The engine asks
//! every candidate for a cheap [`Probe`] (no side effects), picks the available one of highest
//! priority for each role, and only then builds it.

use crate::config::Config;
use crate::intensity::IntensityProvider;
use crate::location::Locator;
use crate::power::{Component, PowerSource};
use crate::sink::Sink;
use std::fmt;
use thiserror::Error;

/// The role a plugin plays.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PluginKind {
    /// A power source for one component.
    PowerSource(Component),
    /// Finds the machine's location.
    Locator,
    /// Gives carbon intensity for a location.
    Intensity,
    /// Receives records; selected by name in `output_methods`.
    Sink,
}

impl fmt::Display for PluginKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            PluginKind::PowerSource(c) => write!(f, "{c} power source"),
            PluginKind::Locator => f.write_str("locator"),
            PluginKind::Intensity => f.write_str("intensity provider"),
            PluginKind::Sink => f.write_str("sink"),
        }
    }
}

/// Whether a plugin can work on this machine with this configuration.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Probe {
    /// It can.
    Available,
    /// It cannot, and why (shown to the user by `codecarbon detect` and in the log).
    Unavailable(String),
    /// The hardware is there but cannot be used as things stand (a permission, a sysctl); the
    /// message says the fix. The engine warns once, so a fallback to a model is never silent.
    Blocked(String),
}

/// A built plugin.
pub enum Plugin {
    /// A power source.
    PowerSource(Box<dyn PowerSource>),
    /// A locator.
    Locator(Box<dyn Locator>),
    /// An intensity provider.
    Intensity(Box<dyn IntensityProvider>),
    /// A sink.
    Sink(Box<dyn Sink>),
}

/// Why a plugin could not be built.
#[derive(Debug, Error)]
pub enum BuildError {
    /// The configuration is wrong in a way the user must fix.
    #[error("{plugin}: {message}")]
    Invalid {
        /// The plugin.
        plugin: &'static str,
        /// What is wrong and how to fix it.
        message: String,
    },
    /// The hardware or service is not usable after all; the engine tries the next candidate.
    #[error("{plugin} is unavailable: {message}")]
    Unavailable {
        /// The plugin.
        plugin: &'static str,
        /// Why.
        message: String,
    },
}

/// What a plugin crate submits to the registry.
pub struct PluginDescriptor {
    /// Unique name; for sinks, the `output_methods` name (`csv`).
    pub name: &'static str,
    /// Its role.
    pub kind: PluginKind,
    /// Higher wins among available candidates of the same kind.
    pub priority: i32,
    /// One line for people.
    pub summary: &'static str,
    /// The configuration keys the plugin reads from [`Config::extra`], so that they are not
    /// reported as unknown settings.
    pub keys: &'static [&'static str],
    /// Cheap availability check, without side effects.
    pub probe: fn(&Config) -> Probe,
    /// Builds the runtime object.
    pub build: fn(&Config) -> Result<Plugin, BuildError>,
}

impl fmt::Debug for PluginDescriptor {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("PluginDescriptor")
            .field("name", &self.name)
            .field("kind", &self.kind)
            .field("priority", &self.priority)
            .finish()
    }
}

inventory::collect!(PluginDescriptor);

/// Every registered plugin, of highest priority first within a kind, then by name.
pub fn plugins() -> Vec<&'static PluginDescriptor> {
    let mut all: Vec<_> = inventory::iter::<PluginDescriptor>.into_iter().collect();
    all.sort_by(|a, b| b.priority.cmp(&a.priority).then(a.name.cmp(b.name)));
    all
}

/// Whether a registered plugin reads configuration key `key`.
pub fn is_plugin_key(key: &str) -> bool {
    inventory::iter::<PluginDescriptor>
        .into_iter()
        .any(|p| p.keys.contains(&key))
}

/// The registered plugins of one kind, highest priority first.
pub fn plugins_of(kind: PluginKind) -> Vec<&'static PluginDescriptor> {
    plugins().into_iter().filter(|p| p.kind == kind).collect()
}
