//! A power source over a hardware energy counter, the kind that RAPL, hwmon and GPU drivers
//! expose: a file of microjoules that only grows until it wraps back to zero at a known range.
//! [`EnergyCounter`] owns the wrap-around; the tests drive the source through a fake sysfs tree
//! in a temporary directory, so they need no hardware and no privileges.

#![allow(clippy::unwrap_used)] // test helpers, outside #[test] functions

use codecarbon::core::{
    Component, EnergyCounter, Joules, Method, PowerSource, Reading, SampleContext, SourceError,
    SourceInfo, TrackingMode, Watts,
};
use std::path::{Path, PathBuf};
use std::time::Duration;

/// The most power the device can draw, which bounds how fast its counter can wrap.
const MAX_POWER: Watts = Watts(500.0);

/// A counter in `<root>/energy_uj` that wraps after `<root>/max_energy_range_uj`.
struct CounterSource {
    energy_file: PathBuf,
    counter: EnergyCounter,
    max_interval: Duration,
}

impl CounterSource {
    /// The device under `root` (`/sys/class/powercap/intel-rapl:0` on a real machine; a
    /// temporary directory in tests). The root comes from configuration in a real plugin, so
    /// that tests can point it at a fake tree.
    fn open(root: &Path) -> Result<Self, SourceError> {
        let range = read_u64(&root.join("max_energy_range_uj"))?;
        // At full power the counter wraps every `range / MAX_POWER`; reading it at least twice
        // as often leaves at most one wrap between reads, which `EnergyCounter` corrects.
        let wrap = Duration::from_secs_f64(range as f64 * 1e-6 / MAX_POWER.value());
        Ok(Self {
            energy_file: root.join("energy_uj"),
            counter: EnergyCounter::new(1e-6, Some(range)),
            max_interval: wrap / 2,
        })
    }
}

impl PowerSource for CounterSource {
    fn info(&self) -> SourceInfo {
        SourceInfo::new(
            Component::Cpu,
            "example-counter",
            Method::Measured,
            format!("energy counter {}", self.energy_file.display()),
        )
        .with_count(1)
    }

    fn sample(&mut self, ctx: &SampleContext) -> Result<Reading, SourceError> {
        // A failed read keeps the baseline, so the next read also counts the gap's energy.
        let raw = read_u64(&self.energy_file)?;
        // `None` on the first read, which only sets the baseline; a decrease that one wrap
        // cannot explain is an error (`SourceError::Counter`), and the counter re-baselines.
        let energy = self.counter.update(raw)?.unwrap_or(Joules::ZERO);
        Ok(Reading::measured(energy, ctx.elapsed))
    }

    fn max_interval(&self) -> Duration {
        self.max_interval
    }
}

/// A whole number from a sysfs file.
fn read_u64(path: &Path) -> Result<u64, SourceError> {
    let text = std::fs::read_to_string(path).map_err(|source| {
        SourceError::read(
            path,
            source,
            "Let this user read it (`sudo chmod a+r` on the file)",
        )
    })?;
    text.trim()
        .parse()
        .map_err(|_| SourceError::Other(format!("{} does not hold a number", path.display())))
}

/// A fake device: its counter range and first value, in microjoules.
fn fake_tree(range: u64, energy: u64) -> tempfile::TempDir {
    let root = tempfile::tempdir().unwrap();
    std::fs::write(
        root.path().join("max_energy_range_uj"),
        format!("{range}\n"),
    )
    .unwrap();
    set_energy(root.path(), energy);
    root
}

fn set_energy(root: &Path, energy: u64) {
    std::fs::write(root.join("energy_uj"), format!("{energy}\n")).unwrap();
}

fn after(secs: u64) -> SampleContext {
    SampleContext::new(Duration::from_secs(secs), TrackingMode::Machine, 4)
}

/// A usual RAPL range: 2^32 counts of 2^-14 J (61.04 µJ), about 262 kJ.
const RANGE: u64 = 262_143_328_850;

#[test]
fn counts_energy_across_a_wrap() {
    let root = fake_tree(RANGE, RANGE - 30_000_000);
    let mut source = CounterSource::open(root.path()).unwrap();
    assert_eq!(source.sample(&after(0)).unwrap().energy, Joules::ZERO);
    // 30 J to the top, then 20 J past zero: 50 J in 2 s.
    set_energy(root.path(), 20_000_000);
    let reading = source.sample(&after(2)).unwrap();
    assert!((reading.energy.value() - 50.0).abs() < 1e-9, "{reading:?}");
    assert!((reading.power.value() - 25.0).abs() < 1e-9, "{reading:?}");
    assert_eq!(reading.method, Method::Measured);
}

#[test]
fn asks_to_be_read_twice_per_wrap_at_full_power() {
    let root = fake_tree(RANGE, 0);
    let source = CounterSource::open(root.path()).unwrap();
    // 262 kJ at 500 W wraps in about 524 s; read at least every 262 s. The engine reads every
    // second anyway, unless a source asks for more often.
    let secs = source.max_interval().as_secs_f64();
    assert!((secs - 262.143).abs() < 0.001, "{secs}");
}

#[test]
fn a_value_beyond_the_range_is_reported_and_rebaselined() {
    let root = fake_tree(1_000_000, 900_000);
    let mut source = CounterSource::open(root.path()).unwrap();
    source.sample(&after(0)).unwrap();
    set_energy(root.path(), 2_000_000); // beyond the range: not a counter we understand
    source.sample(&after(1)).unwrap();
    set_energy(root.path(), 100_000);
    let err = source.sample(&after(1)).unwrap_err();
    assert!(matches!(err, SourceError::Counter(_)), "{err:?}");
    set_energy(root.path(), 150_000);
    let reading = source.sample(&after(1)).unwrap();
    assert!((reading.energy.value() - 0.05).abs() < 1e-12, "{reading:?}");
}

#[test]
fn an_unreadable_counter_is_a_read_error() {
    let root = fake_tree(RANGE, 0);
    let mut source = CounterSource::open(root.path()).unwrap();
    std::fs::remove_file(root.path().join("energy_uj")).unwrap();
    let err = source.sample(&after(1)).unwrap_err();
    assert!(matches!(err, SourceError::Read { .. }), "{err:?}");
}
