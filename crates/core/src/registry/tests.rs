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

fn build_nothing(config: &Config) -> Result<Nothing, NoFile> {
    if config.extra.value("nothing_file").is_some() {
        Ok(Nothing)
    } else {
        Err(NoFile)
    }
}

fn probe_nothing(config: &Config) -> Probe {
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

const NOTHING_KEYS: &[&str] = &["nothing_file"];

crate::register_plugins! {
    sink {
        name: "test-nothing",
        priority: 0,
        summary: "drops every record",
        keys: NOTHING_KEYS,
        probe: probe_nothing,
        build: build_nothing,
    },
    intensity {
        name: "test-never",
        priority: -5,
        summary: "never built",
        keys: ["test_never_key"],
        probe: probe_nothing,
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
    assert_eq!(sink.keys, NOTHING_KEYS);
    let never = registered("test-never");
    assert_eq!((never.kind(), never.priority), (PluginKind::Intensity, -5));
    assert!(is_plugin_key("test_never_key"));
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
    config.extra.0.insert("nothing_file".into(), "here".into());
    assert!((sink.build)(&config).is_ok());
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
    assert_eq!((d.priority, d.summary, d.keys), (0, "", &[][..]));
    assert_eq!(d.probe(&Config::default()), Probe::Available);
    assert_eq!(d.kind(), PluginKind::Sink);
    let blocked = |_: &Config| Probe::blocked("set the sysctl");
    let d = d.with_priority(7).with_keys(&["k"]).with_probe(blocked);
    assert_eq!((d.priority, d.keys), (7, &["k"][..]));
    assert_eq!(d.probe(&Config::default()).reason(), Some("set the sysctl"));
    assert_eq!(format!("{:?}", d.builder), "Builder(sink)");
}
