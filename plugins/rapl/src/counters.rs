//! Counters: the raw values of a set of RAPL counters turned into the energy since the last
//! read, wrap-aware (core's [`EnergyCounter`], modulo `max_energy_range_uj + 1`), with mirrored
//! counters counted once, and read often enough that none can wrap twice between two reads.

use crate::dedupe::MirrorFilter;
use crate::zone::Zone;
use codecarbon_core::{EnergyCounter, Joules, SourceError, Watts};
use std::time::Duration;

/// The longest gap between two reads, whatever the counters: the engine's usual tick.
pub const MAX_READ_INTERVAL: Duration = Duration::from_secs(1);

/// The power assumed for a zone that states no `constraint_N_max_power_uw`: twice the highest
/// TDP of any x86 socket sold so far (500 W), so that the wrap time it gives is an underestimate.
/// On real counters (ranges of 65 kJ and more) this still allows a read every second; it only
/// bites on fake trees with tiny ranges.
pub const ASSUMED_MAX_POWER: Watts = Watts(1000.0);

/// One counter: what it is, its unit, and how it wraps.
#[derive(Debug, Clone, PartialEq)]
pub struct CounterSpec {
    /// For people: `package-0 (intel-rapl:0)`, `energy-pkg on CPU 0`.
    pub label: String,
    /// Joules per raw unit (1e-6 for powercap's microjoules; the event's scale for perf).
    pub joules_per_unit: f64,
    /// The counter's modulus in raw units (`max_energy_range_uj + 1`), `None` when it does not
    /// wrap (perf's 64-bit counts) or its range is unknown (then a decrease is an error).
    pub modulus: Option<u64>,
    /// The longest gap between reads that still sees every wrap.
    pub max_interval: Duration,
}

impl CounterSpec {
    /// The counter of a powercap zone: microjoules modulo `max_energy_range_uj + 1`, read at
    /// least twice per wrap at the zone's maximum power ([`ASSUMED_MAX_POWER`] when unstated).
    pub fn powercap(zone: &Zone) -> CounterSpec {
        let modulus = zone.range_uj.and_then(|r| r.checked_add(1));
        let range = modulus.map(|m| Joules(m as f64 * 1e-6));
        CounterSpec {
            label: format!("{} ({})", zone.name, zone.id),
            joules_per_unit: 1e-6,
            modulus,
            max_interval: read_interval(range, zone.max_power.unwrap_or(ASSUMED_MAX_POWER)),
        }
    }

    /// A perf_event count: `scale` joules per count, 64 bits, never wraps in practice.
    pub fn perf(label: String, scale: f64) -> CounterSpec {
        CounterSpec {
            label,
            joules_per_unit: scale,
            modulus: None,
            max_interval: MAX_READ_INTERVAL,
        }
    }
}

/// The longest gap between reads of a counter that wraps after `range` at up to `max_power`:
/// half the time to wrap, so a second wrap cannot pass unseen, and never over
/// [`MAX_READ_INTERVAL`]. A counter without a known range is read every [`MAX_READ_INTERVAL`].
///
/// ```
/// use codecarbon_core::{Joules, Watts};
/// use codecarbon_rapl::read_interval;
/// use std::time::Duration;
/// // 100 J at 50 W wraps every 2 s: read every second.
/// assert_eq!(read_interval(Some(Joules(100.0)), Watts(50.0)), Duration::from_secs(1));
/// // 10 J at 100 W wraps every 0.1 s: read every 50 ms.
/// assert_eq!(read_interval(Some(Joules(10.0)), Watts(100.0)), Duration::from_millis(50));
/// ```
pub fn read_interval(range: Option<Joules>, max_power: Watts) -> Duration {
    let (Some(range), true) = (range, max_power.value() > 0.0) else {
        return MAX_READ_INTERVAL;
    };
    let half_wrap = range.value() / max_power.value() / 2.0;
    if half_wrap.is_finite() && half_wrap >= 0.0 {
        Duration::from_secs_f64(half_wrap).min(MAX_READ_INTERVAL)
    } else {
        MAX_READ_INTERVAL
    }
}

/// A set of counters read together, summed into one energy.
#[derive(Debug, Clone)]
pub struct Meter {
    specs: Vec<CounterSpec>,
    counters: Vec<EnergyCounter>,
    dedupe_mirrors: bool,
    mirrors: Option<MirrorFilter>,
    /// Energy of counters that read fine in an interval where another failed: kept for the
    /// next good reading so it is not lost.
    carry: Joules,
}

impl Meter {
    /// A meter over `specs`; with `dedupe_mirrors`, counters that mirror an earlier one are
    /// dropped (see [`MirrorFilter`]).
    pub fn new(specs: Vec<CounterSpec>, dedupe_mirrors: bool) -> Meter {
        let counters = specs
            .iter()
            .map(|s| EnergyCounter::new(s.joules_per_unit, s.modulus))
            .collect();
        Meter {
            specs,
            counters,
            dedupe_mirrors,
            mirrors: None,
            carry: Joules::ZERO,
        }
    }

    /// The counters.
    pub fn specs(&self) -> &[CounterSpec] {
        &self.specs
    }

    /// The longest gap between reads that keeps every counter exact.
    pub fn max_interval(&self) -> Duration {
        self.specs
            .iter()
            .map(|s| s.max_interval)
            .min()
            .unwrap_or(MAX_READ_INTERVAL)
    }

    /// The labels of the counters found to mirror another, and so not counted.
    pub fn mirrors(&self) -> Vec<&str> {
        let found = self.mirrors.as_ref().map(MirrorFilter::mirrors);
        found
            .unwrap_or_default()
            .into_iter()
            .filter_map(|i| self.specs.get(i).map(|s| s.label.as_str()))
            .collect()
    }

    /// Feeds one read of every counter (`raw`, in the order of the specs), `elapsed` after the
    /// previous one, and returns the energy since then. The first call sets the baselines and
    /// returns zero.
    ///
    /// A counter that went backwards in a way one wrap cannot explain is re-baselined and the
    /// call fails ([`SourceError::Counter`]); the other counters' energy is carried to the next
    /// successful call.
    pub fn update(&mut self, raw: &[u64], elapsed: Duration) -> Result<Joules, SourceError> {
        if raw.len() != self.counters.len() {
            return Err(SourceError::Other(format!(
                "read {} RAPL counters, expected {}; restart the tracker if zones changed",
                raw.len(),
                self.counters.len()
            )));
        }
        if self.dedupe_mirrors && self.mirrors.is_none() {
            let values: Vec<Joules> = raw
                .iter()
                .zip(&self.specs)
                .map(|(r, s)| Joules(*r as f64 * s.joules_per_unit))
                .collect();
            self.mirrors = Some(MirrorFilter::at_start(&values));
        }
        let mut failure = None;
        let deltas: Vec<Joules> = self
            .counters
            .iter_mut()
            .zip(raw)
            .map(|(counter, raw)| match counter.update(*raw) {
                Ok(energy) => energy.unwrap_or(Joules::ZERO),
                Err(regression) => {
                    failure.get_or_insert(regression);
                    Joules::ZERO
                }
            })
            .collect();
        let energy = match &mut self.mirrors {
            Some(filter) => filter.filter(&deltas, elapsed),
            None => deltas.iter().fold(Joules::ZERO, |sum, d| sum + *d),
        };
        match failure {
            Some(regression) => {
                self.carry += energy;
                Err(SourceError::Counter(regression))
            }
            None => Ok(energy + std::mem::take(&mut self.carry)),
        }
    }
}

/// Reads the raw values of a fixed list of counters, all in one go (the powercap files, or the
/// perf_event file descriptors).
pub trait RawCounters: Send {
    /// One raw value per counter, in a fixed order. A failure leaves every baseline as it was,
    /// so the next good read counts the gap too.
    fn read(&mut self) -> Result<Vec<u64>, SourceError>;
}
