#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use super::*;
use crate::{async_trait, Report, SinkError};

struct Nothing;

#[async_trait]
impl Sink for Nothing {
    async fn flush(&mut self, _: &Report) -> Result<(), SinkError> {
        Ok(())
    }
}

#[derive(Debug, thiserror::Error)]
#[error("no `nothing_file` is set")]
struct NoFile;

impl IntoBuildError for NoFile {
    fn into_build_error(self, plugin: &'static str) -> BuildError {
        BuildError::invalid(plugin, self)
    }
}

crate::settings! {
    /// What the `test-nothing` sink reads.
    pub struct NothingSettings for "test-nothing" {
        /// The file it would write.
        nothing_file: Option<String> = crate::settings::Spec::of(crate::settings::ValueKind::Text);
        /// How many records it would keep.
        nothing_lines: f64 = crate::settings::Spec::of(crate::settings::ValueKind::Number(
            crate::config::Range::closed(1.0, 100.0),
        ))
        .default("10");
    }
}

fn build_nothing(_: &Config, settings: &NothingSettings) -> Result<Nothing, NoFile> {
    match settings.nothing_file {
        Some(_) => Ok(Nothing),
        None => Err(NoFile),
    }
}

fn probe_nothing(config: &Config, settings: &NothingSettings) -> Probe {
    if config.offline {
        Probe::unavailable("offline")
    } else if settings.nothing_lines > 50.0 {
        Probe::unavailable("too many lines")
    } else {
        Probe::Available
    }
}

fn probe_never(config: &Config) -> Probe {
    if config.offline {
        Probe::unavailable("offline")
    } else {
        Probe::Available
    }
}

struct Never;

#[async_trait]
impl IntensityProvider for Never {
    async fn intensity(
        &self,
        _: &crate::Location,
        _: std::time::SystemTime,
    ) -> Result<Option<crate::Intensity>, crate::IntensityError> {
        Ok(None)
    }
}

crate::register_plugins! {
    sink {
        name: "test-nothing",
        priority: 0,
        summary: "drops every record",
        settings: NothingSettings,
        probe: probe_nothing,
        build: build_nothing,
    },
    intensity {
        name: "test-never",
        priority: -5,
        summary: "never built",
        probe: probe_never,
        build: |_: &Config| -> Result<Never, BuildError> {
            Err(BuildError::unavailable("test-never", "not here"))
        },
    },
}

fn registered(name: &str) -> &'static PluginDescriptor {
    plugins().into_iter().find(|d| d.name == name).unwrap()
}

#[test]
fn the_macro_registers_typed_descriptors_and_lists_their_names() {
    assert_eq!(PLUGINS, ["test-nothing", "test-never"]);
    let sink = registered("test-nothing");
    assert_eq!(sink.kind(), PluginKind::Sink);
    assert_eq!(sink.summary, "drops every record");
    let never = registered("test-never");
    assert_eq!((never.kind(), never.priority), (PluginKind::Intensity, -5));
    // A plugin's keys are its declared settings, known to the configuration.
    let owner = |key| crate::settings::find(key).map(|s| s.owner_name());
    assert_eq!(owner("nothing_file"), Some("test-nothing"));
    assert_eq!(owner("nothing_lines"), Some("test-nothing"));
    let sink_names: Vec<_> = plugins_of(PluginKind::Sink)
        .iter()
        .map(|d| d.name)
        .collect();
    assert_eq!(sink_names, ["test-nothing"]);
    assert_eq!(sinks().len(), 1);
    assert_eq!(intensity_providers()[0].name, "test-never");
    assert!(locators().is_empty());
    assert!(power_sources(Component::Cpu).is_empty());
}

#[test]
fn the_probe_and_build_run_through_the_descriptor() {
    let sink = sinks()[0];
    let mut config = Config::default();
    assert_eq!(sink.descriptor.probe(&config), Probe::Available);
    match (sink.build)(&config) {
        Err(BuildError::Invalid { plugin, message }) => {
            assert_eq!(plugin, "test-nothing");
            assert_eq!(message, "no `nothing_file` is set");
        }
        other => panic!("{:?}", other.map(|_| ())),
    }
    config.set("nothing_file", "here", "a test").unwrap();
    assert!((sink.build)(&config).is_ok());
    // The settings are parsed and handed to the probe at each call.
    config.set("nothing_lines", "60", "a test").unwrap();
    assert_eq!(
        sink.descriptor.probe(&config).reason(),
        Some("too many lines")
    );
    config.set("nothing_lines", "20", "a test").unwrap();
    assert_eq!(sink.descriptor.probe(&config), Probe::Available);
    config.offline = true;
    assert_eq!(sink.descriptor.probe(&config).reason(), Some("offline"));
    let never = intensity_providers()[0];
    assert!(matches!(
        (never.build)(&config),
        Err(BuildError::Unavailable {
            plugin: "test-never",
            ..
        })
    ));
}

#[test]
fn settings_that_do_not_parse_make_the_probe_unavailable_and_the_build_invalid() {
    let sink = sinks()[0];
    let mut config = Config::default();
    config.set("nothing_file", "here", "a test").unwrap();
    // `set` checks a value; one written into `extra` directly reaches the plugin's glue.
    config.extra.0.insert("nothing_lines".into(), "many".into());
    let why = sink.descriptor.probe(&config);
    assert!(matches!(why, Probe::Unavailable(_)), "{why:?}");
    assert!(why.reason().unwrap().contains("nothing_lines"), "{why:?}");
    match (sink.build)(&config) {
        Err(BuildError::Invalid { plugin, message }) => {
            assert_eq!(plugin, "test-nothing");
            assert!(message.contains("nothing_lines"), "{message}");
        }
        other => panic!("{:?}", other.map(|_| ())),
    }
}

#[test]
fn the_registry_names_are_unique() {
    check_unique_names().unwrap();
}

#[test]
fn a_shared_name_is_found_and_explained() {
    fn build(_: &Config) -> Result<Box<dyn Sink>, BuildError> {
        Ok(Box::new(Nothing))
    }
    let a = PluginDescriptor::new("twin", Builder::Sink(build)).with_summary("the first");
    let b = PluginDescriptor::new("other", Builder::Sink(build));
    let c = PluginDescriptor::new(
        "twin",
        Builder::Locator(|_| Err(BuildError::unavailable("twin", "never"))),
    )
    .with_summary("the second");
    unique_names([&a, &b]).unwrap();
    let err = unique_names([&a, &b, &c]).unwrap_err();
    assert!(matches!(
        err,
        BuildError::DuplicateName { name: "twin", .. }
    ));
    let shown = err.to_string();
    for part in ["`twin`", "the first", "the second", "rename one"] {
        assert!(shown.contains(part), "{shown}");
    }
}

#[test]
fn a_new_descriptor_has_defaults_that_the_with_methods_replace() {
    let d = PluginDescriptor::new("plain", Builder::Sink(|_| Ok(Box::new(Nothing))));
    assert_eq!((d.priority, d.summary), (0, ""));
    assert_eq!(d.probe(&Config::default()), Probe::Available);
    assert_eq!(d.kind(), PluginKind::Sink);
    let blocked = |_: &Config| Probe::blocked("set the sysctl");
    let d = d.with_priority(7).with_probe(blocked);
    assert_eq!(d.priority, 7);
    assert_eq!(d.probe(&Config::default()).reason(), Some("set the sysctl"));
    assert_eq!(format!("{:?}", d.builder), "Builder(sink)");
}
