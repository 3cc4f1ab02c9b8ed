//! Explicit composition: parts handed straight to the builder, with no setting and no registry
//! lookup, as a program does when it builds its parts itself. The power source and the sink
//! are this crate's types; the locator and the intensity provider are written here, to show
//! the two traits the crate does not register.

use codecarbon::config::ConfigSources;
use codecarbon::core::{
    async_trait, GramsPerKwh, Intensity, IntensityError, IntensityProvider, LocateError, Location,
    Locator,
};
use codecarbon::EmissionsTracker;
use codecarbon_example_plugin::{ExampleBoard, ExampleLog};
use std::time::{Duration, SystemTime};

/// A machine known to be in Quebec: a locator that needs no network and no database.
struct Quebec;

#[async_trait]
impl Locator for Quebec {
    async fn locate(&self) -> Result<Location, LocateError> {
        Ok(Location::default()
            .with_country("CAN", "Canada")
            .with_region("quebec"))
    }
}

/// A utility's contract figure for Canada, and nothing for anywhere else.
struct Contract;

#[async_trait]
impl IntensityProvider for Contract {
    async fn intensity(
        &self,
        at: &Location,
        _when: SystemTime,
    ) -> Result<Option<Intensity>, IntensityError> {
        if at.country_iso_code.as_deref() != Some("CAN") {
            // Not ours to answer: the next provider in the chain is asked.
            return Ok(None);
        }
        Ok(Some(
            Intensity::new(
                GramsPerKwh(100.0),
                "our utility contract",
                codecarbon_core::IntensityBasis::Custom,
            )
            .with_year(2025),
        ))
    }
}

#[test]
fn explicit_parts_are_used_without_any_setting() {
    let dir = tempfile::tempdir().unwrap();
    let power_file = dir.path().join("cpu_power");
    std::fs::write(&power_file, "7").unwrap();
    let log = ExampleLog::new(&dir.path().join("logs"), "run.log").unwrap();
    let log_path = log.path().to_path_buf();

    let mut tracker = EmissionsTracker::builder()
        .config_sources(ConfigSources::none())
        .output_dir(dir.path())
        // No registry sink at all: only the one given below.
        .output_methods(&[])
        .log_level("error")
        .with_power_source(ExampleBoard::new(&power_file))
        .with_locator(Quebec)
        .with_intensity_provider(Contract)
        .with_sink(log)
        .start()
        .unwrap();
    std::thread::sleep(Duration::from_millis(150));
    let run = tracker.stop().unwrap();

    // The explicit board replaced the registry's CPU source (the `tdp` model) ...
    assert!(
        (run.cpu_power.value() - 7.0).abs() < 1e-6,
        "{}",
        run.cpu_power
    );
    // ... the locator placed the run and the provider priced it ...
    assert_eq!(run.region.as_deref(), Some("quebec"));
    let expected = run.energy_consumed.value() * 0.1; // 100 g/kWh = 0.1 kg/kWh
    assert!((run.emissions.value() - expected).abs() <= 1e-9 * expected);
    // ... and the explicit log got the final row, while no CSV was written.
    let text = std::fs::read_to_string(&log_path).unwrap();
    assert_eq!(text.lines().count(), 1, "{text}");
    assert!(text.contains(": final: "), "{text}");
    assert!(text.contains("at 100.0 g/kWh"), "{text}");
    assert!(
        text.contains("cpu 7.00 W (example-board, measured)"),
        "{text}"
    );
    assert!(!dir.path().join("emissions.csv").exists());
}
