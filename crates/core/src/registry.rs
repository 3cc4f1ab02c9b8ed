//! The plugin registry: const descriptors that plugin crates submit with `inventory`.
//!
//! A plugin crate registers its plugins with one [`register_plugins!`](crate::register_plugins)
//! call, which writes the [`PluginDescriptor`]s, submits them, and declares the crate's `PLUGINS`
//! list that a binary names to keep the crate linked. The engine asks every candidate for a
//! cheap [`Probe`] (no side effects), picks the available one of highest priority for each role,
//! and only then builds it.
//!
//! A descriptor's [`Builder`] is typed by role: a power source's builds a
//! `Box<dyn PowerSource>`, a sink's a `Box<dyn Sink>`, so a plugin cannot register as one kind
//! and build another. [`PluginDescriptor::kind`] is derived from the builder for that reason.

use crate::config::Config;
use crate::intensity::IntensityProvider;
use crate::location::Locator;
use crate::power::{Component, PowerSource};
use crate::sink::Sink;
use std::collections::BTreeMap;
use std::convert::Infallible;
use std::fmt;
use thiserror::Error;

mod kit;

pub use kit::IntoBuildError;

/// The role a plugin plays.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
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
#[non_exhaustive]
pub enum Probe {
    /// It can.
    Available,
    /// It cannot, and why (shown to the user by `codecarbon detect` and in the log).
    Unavailable(String),
    /// The hardware is there but cannot be used as things stand (a permission, a sysctl); the
    /// message says the fix. The engine warns once, so a fallback to a model is never silent.
    Blocked(String),
}

impl Probe {
    /// It cannot work here, and why.
    pub fn unavailable(why: impl Into<String>) -> Probe {
        Probe::Unavailable(why.into())
    }

    /// Its hardware is there but cannot be used; `fix` says what the user can do.
    pub fn blocked(fix: impl Into<String>) -> Probe {
        Probe::Blocked(fix.into())
    }

    /// Why it cannot work here, unless it can.
    pub fn reason(&self) -> Option<&str> {
        match self {
            Probe::Available => None,
            Probe::Unavailable(why) | Probe::Blocked(why) => Some(why),
        }
    }
}

/// Why a plugin could not be built.
#[derive(Debug, Error)]
#[non_exhaustive]
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
    /// Two registered plugins have one name, so `output_methods`, `codecarbon detect` and the
    /// provenance could not tell them apart.
    #[error(
        "two plugins are registered as `{name}` ({first} and {second}): the binary links two \
         plugin crates that use one name; rename one of them or link only one"
    )]
    DuplicateName {
        /// The shared name.
        name: &'static str,
        /// The first plugin's summary.
        first: &'static str,
        /// The second plugin's summary.
        second: &'static str,
    },
}

impl BuildError {
    /// The configuration is wrong: `message` (a text or an error) says what and how to fix it.
    pub fn invalid(plugin: &'static str, message: impl fmt::Display) -> BuildError {
        BuildError::Invalid {
            plugin,
            message: message.to_string(),
        }
    }

    /// The hardware or service is not usable after all: the engine tries the next candidate.
    pub fn unavailable(plugin: &'static str, message: impl fmt::Display) -> BuildError {
        BuildError::Unavailable {
            plugin,
            message: message.to_string(),
        }
    }
}

/// Builds a plugin's runtime object of type `T` from the configuration.
pub type BuildFn<T> = fn(&Config) -> Result<T, BuildError>;

/// How a plugin is built: one variant per role, each building that role's object.
#[derive(Clone, Copy)]
#[non_exhaustive]
pub enum Builder {
    /// A power source for one component.
    PowerSource(Component, BuildFn<Box<dyn PowerSource>>),
    /// A locator.
    Locator(BuildFn<Box<dyn Locator>>),
    /// An intensity provider.
    Intensity(BuildFn<Box<dyn IntensityProvider>>),
    /// A sink.
    Sink(BuildFn<Box<dyn Sink>>),
}

impl Builder {
    /// The role of what it builds.
    pub const fn kind(&self) -> PluginKind {
        match self {
            Builder::PowerSource(component, _) => PluginKind::PowerSource(*component),
            Builder::Locator(_) => PluginKind::Locator,
            Builder::Intensity(_) => PluginKind::Intensity,
            Builder::Sink(_) => PluginKind::Sink,
        }
    }
}

impl fmt::Debug for Builder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Builder({})", self.kind())
    }
}

/// What a plugin crate submits to the registry, through
/// [`register_plugins!`](crate::register_plugins).
#[derive(Clone, Copy)]
#[non_exhaustive]
pub struct PluginDescriptor {
    /// Unique name; for sinks, the `output_methods` name (`csv`).
    pub name: &'static str,
    /// Higher wins among available candidates of the same kind.
    pub priority: i32,
    /// One line for people.
    pub summary: &'static str,
    /// Cheap availability check, without side effects.
    pub probe: fn(&Config) -> Probe,
    /// Builds the runtime object, typed by role.
    pub builder: Builder,
}

impl PluginDescriptor {
    /// A descriptor of priority 0, no summary, that is always available; the `with_`
    /// methods set the rest. All are `const`, for `inventory::submit!`.
    pub const fn new(name: &'static str, builder: Builder) -> PluginDescriptor {
        PluginDescriptor {
            name,
            priority: 0,
            summary: "",
            probe: always_available,
            builder,
        }
    }

    /// With this priority.
    pub const fn with_priority(mut self, priority: i32) -> PluginDescriptor {
        self.priority = priority;
        self
    }

    /// With this one-line summary.
    pub const fn with_summary(mut self, summary: &'static str) -> PluginDescriptor {
        self.summary = summary;
        self
    }

    /// With this availability check.
    pub const fn with_probe(mut self, probe: fn(&Config) -> Probe) -> PluginDescriptor {
        self.probe = probe;
        self
    }

    /// Its role, derived from its builder.
    pub const fn kind(&self) -> PluginKind {
        self.builder.kind()
    }

    /// Runs its probe.
    pub fn probe(&self, config: &Config) -> Probe {
        (self.probe)(config)
    }
}

fn always_available(_: &Config) -> Probe {
    Probe::Available
}

impl fmt::Debug for PluginDescriptor {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("PluginDescriptor")
            .field("name", &self.name)
            .field("kind", &self.kind())
            .field("priority", &self.priority)
            .finish()
    }
}

inventory::collect!(PluginDescriptor);

/// A registered plugin of one role, with its typed build function.
#[derive(Debug)]
pub struct Candidate<T> {
    /// Its descriptor: name, priority, probe.
    pub descriptor: &'static PluginDescriptor,
    /// Builds it.
    pub build: BuildFn<T>,
}

impl<T> Clone for Candidate<T> {
    fn clone(&self) -> Self {
        *self
    }
}

impl<T> Copy for Candidate<T> {}

/// A candidate is its descriptor with a typed build function: its name, priority and probe
/// are the descriptor's.
impl<T> std::ops::Deref for Candidate<T> {
    type Target = PluginDescriptor;

    fn deref(&self) -> &PluginDescriptor {
        self.descriptor
    }
}

/// Every registered plugin, of highest priority first within a kind, then by name.
pub fn plugins() -> Vec<&'static PluginDescriptor> {
    let mut all: Vec<_> = inventory::iter::<PluginDescriptor>.into_iter().collect();
    all.sort_by(|a, b| b.priority.cmp(&a.priority).then(a.name.cmp(b.name)));
    all
}

/// The registered plugins of one kind, highest priority first.
pub fn plugins_of(kind: PluginKind) -> Vec<&'static PluginDescriptor> {
    plugins().into_iter().filter(|p| p.kind() == kind).collect()
}

fn candidates<T>(pick: impl Fn(&Builder) -> Option<BuildFn<T>>) -> Vec<Candidate<T>> {
    plugins()
        .into_iter()
        .filter_map(|descriptor| {
            pick(&descriptor.builder).map(|build| Candidate { descriptor, build })
        })
        .collect()
}

/// The power sources of `component`, highest priority first.
pub fn power_sources(component: Component) -> Vec<Candidate<Box<dyn PowerSource>>> {
    candidates(|b| match b {
        Builder::PowerSource(c, build) if *c == component => Some(*build),
        _ => None,
    })
}

/// The locators, highest priority first.
pub fn locators() -> Vec<Candidate<Box<dyn Locator>>> {
    candidates(|b| match b {
        Builder::Locator(build) => Some(*build),
        _ => None,
    })
}

/// The intensity providers, highest priority first.
pub fn intensity_providers() -> Vec<Candidate<Box<dyn IntensityProvider>>> {
    candidates(|b| match b {
        Builder::Intensity(build) => Some(*build),
        _ => None,
    })
}

/// The sinks, by name.
pub fn sinks() -> Vec<Candidate<Box<dyn Sink>>> {
    candidates(|b| match b {
        Builder::Sink(build) => Some(*build),
        _ => None,
    })
}

/// Checks that no two registered plugins share a name: a name selects a sink in
/// `output_methods` and names a source in the provenance and in `codecarbon detect`.
pub fn check_unique_names() -> Result<(), BuildError> {
    unique_names(inventory::iter::<PluginDescriptor>)
}

fn unique_names<'a>(
    descriptors: impl IntoIterator<Item = &'a PluginDescriptor>,
) -> Result<(), BuildError> {
    let mut seen: BTreeMap<&'static str, &'static str> = BTreeMap::new();
    for d in descriptors {
        if let Some(first) = seen.insert(d.name, d.summary) {
            return Err(BuildError::DuplicateName {
                name: d.name,
                first,
                second: d.summary,
            });
        }
    }
    Ok(())
}

impl IntoBuildError for Infallible {
    fn into_build_error(self, _: &'static str) -> BuildError {
        match self {}
    }
}

#[cfg(test)]
mod tests;
