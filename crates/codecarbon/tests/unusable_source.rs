#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
//! A CPU source that probes available but turns out not to measure (a RAPL counter that a
//! virtual machine never advances) is replaced by the next candidate, which covers the interval
//! that revealed it: the run's CPU energy is the replacement's, not zero.

use codecarbon::OfflineEmissionsTracker;
use codecarbon_core::{
    Component, Config, Joules, Method, PowerSource, Probe, Reading, SampleContext, SourceError,
    SourceInfo, Watts,
};
use std::convert::Infallible;
use std::time::Duration;

/// Reads once (the baseline), then says it cannot measure this machine.
struct Stuck {
    reads: u32,
}

impl PowerSource for Stuck {
    fn info(&self) -> SourceInfo {
        SourceInfo::new(
            Component::Cpu,
            STUCK,
            Method::Measured,
            "a counter that never moves",
        )
    }

    fn sample(&mut self, ctx: &SampleContext) -> Result<Reading, SourceError> {
        self.reads += 1;
        if self.reads == 1 {
            return Ok(Reading::measured(Joules::ZERO, ctx.elapsed));
        }
        Err(SourceError::Unusable("the counter has not moved".into()))
    }
}

/// The next candidate: a known 10 W, so the run's CPU energy is known.
struct TenWatts;

impl PowerSource for TenWatts {
    fn info(&self) -> SourceInfo {
        SourceInfo::new(Component::Cpu, TEN_WATTS, Method::Estimated, "10 W")
    }

    fn sample(&mut self, ctx: &SampleContext) -> Result<Reading, SourceError> {
        Ok(Reading::estimated(Watts(10.0), ctx.elapsed))
    }
}

const STUCK: &str = "test-stuck";
const TEN_WATTS: &str = "test-ten-watts";

fn probe(_: &Config) -> Probe {
    Probe::Available
}

fn build_stuck(_: &Config) -> Result<Stuck, Infallible> {
    Ok(Stuck { reads: 0 })
}

fn build_ten_watts(_: &Config) -> Result<TenWatts, Infallible> {
    Ok(TenWatts)
}

codecarbon_core::register_plugins! {
    power_source(Component::Cpu) {
        name: STUCK,
        // Above every built-in CPU source, so that it is the one chosen.
        priority: 1_000,
        summary: "a CPU source that turns out not to measure",
        probe: probe,
        build: build_stuck,
    },
    power_source(Component::Cpu) {
        name: TEN_WATTS,
        // Next in line: outranked at the start, the replacement later.
        priority: 999,
        summary: "a constant 10 W",
        probe: probe,
        build: build_ten_watts,
    },
}

#[test]
fn an_unusable_source_gives_way_to_the_next_for_the_whole_interval() {
    let out = tempfile::tempdir().unwrap();
    let mut tracker = OfflineEmissionsTracker::builder()
        .country_iso_code("CAN")
        .output_dir(out.path())
        .measure_power_secs(1.0)
        .build()
        .unwrap();
    tracker.start().unwrap();
    std::thread::sleep(Duration::from_millis(2_500));
    let data = tracker.stop().unwrap();
    let expected = 10.0 * data.duration.as_secs_f64() / 3.6e6;
    let cpu = data.cpu_energy.value();
    // The first interval, the one in which the stuck source failed, is counted too: without
    // it, a second of the 2.5 would be missing.
    assert!(
        (cpu - expected).abs() < 0.02 * expected,
        "cpu energy {cpu} kWh, expected about {expected} kWh at 10 W over {} s",
        data.duration.as_secs_f64()
    );
}

#[test]
fn detect_sees_the_same_replacement_and_says_who_outranks_whom() {
    let config = Config::default();
    let mut cpu = codecarbon::power_sources(&config)
        .unwrap()
        .into_iter()
        .find(|c| c.component == Component::Cpu)
        .unwrap();
    assert_eq!(cpu.sources[0].info().source, STUCK);
    cpu.confirm(&config, Duration::from_secs(1)).unwrap();
    assert_eq!(cpu.sources.len(), 1);
    assert_eq!(cpu.sources[0].info().source, TEN_WATTS);
    for d in &cpu.decisions {
        match d.plugin {
            STUCK => {
                assert!(!d.taken);
                assert_eq!(d.reason.as_deref(), Some("the counter has not moved"));
            }
            TEN_WATTS => assert!(d.taken && d.reason.is_none(), "{d:?}"),
            // Every lower candidate was outranked by the stuck one; now by its replacement.
            _ if d
                .reason
                .as_deref()
                .is_some_and(|r| r.starts_with("outranked by")) =>
            {
                assert_eq!(
                    d.reason.as_deref(),
                    Some("outranked by test-ten-watts"),
                    "{d:?}"
                );
            }
            _ => {}
        }
    }
    assert!(
        cpu.decisions.iter().any(|d| d.plugin == "tdp"),
        "{:?}",
        cpu.decisions
    );
}
