//! Two plugins with one name: the engine refuses to start, and says which and how to fix it.
//! This binary registers a second `csv` beside the facade's, so it is a test file of its own.

use codecarbon::config::ConfigSources;
use codecarbon::core::{async_trait, BuildError, Config, Probe, Report, Sink, SinkError};
use codecarbon::TrackerError;
use std::convert::Infallible;

struct Nothing;

#[async_trait]
impl Sink for Nothing {
    async fn flush(&mut self, _: &Report) -> Result<(), SinkError> {
        Ok(())
    }
}

fn probe(_: &Config) -> Probe {
    Probe::Available
}

fn build(_: &Config) -> Result<Nothing, Infallible> {
    Ok(Nothing)
}

codecarbon::core::register_plugins! {
    sink {
        name: "csv",
        priority: 0,
        summary: "a second sink named csv",
        probe: probe,
        build: build,
    }
}

#[test]
fn a_name_registered_twice_stops_the_start_with_a_clear_error() {
    assert_eq!(PLUGINS, ["csv"]);
    let dir = tempfile::tempdir().unwrap();
    let started = codecarbon::EmissionsTracker::builder()
        .config_sources(ConfigSources::none())
        .output_dir(dir.path())
        .log_level("critical")
        .offline(true)
        .country_iso_code("FRA")
        .start();
    let Err(TrackerError::Plugin(err @ BuildError::DuplicateName { name: "csv", .. })) = started
    else {
        panic!("started, or failed otherwise: {:?}", started.err());
    };
    let text = err.to_string();
    assert!(text.contains("a second sink named csv"), "{text}");
    assert!(text.contains("rename one"), "{text}");
    assert!(codecarbon::power_sources(&Config::default()).is_err());
}
