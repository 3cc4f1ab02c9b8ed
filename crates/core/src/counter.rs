//! Wrap-aware hardware energy counters.
//!
//! RAPL, NVML and ROCm expose energy as a raw integer that only grows, until it wraps back to
//! zero at a known range. One type owns that arithmetic so every plugin gets it right, and a
//! counter that goes backwards for any other reason is reported, never silently dropped.

use crate::units::Joules;
use thiserror::Error;

/// A counter that moved backwards in a way a single wrap cannot explain.
#[derive(Debug, Clone, PartialEq, Error)]
#[error(
    "energy counter went backwards from {previous} to {current} (range {range:?}); \
     the sample is skipped and the counter re-baselined"
)]
#[non_exhaustive]
pub struct CounterRegression {
    /// The previous raw value.
    pub previous: u64,
    /// The raw value just read.
    pub current: u64,
    /// The counter's wrap range, if it has one.
    pub range: Option<u64>,
}

/// A raw energy counter and its last value.
///
/// ```
/// use codecarbon_core::{EnergyCounter, Joules};
/// // A RAPL counter in microjoules that wraps at 1000 µJ.
/// let mut counter = EnergyCounter::new(1e-6, Some(1000));
/// assert_eq!(counter.update(900), Ok(None)); // the first read sets the baseline
/// assert_eq!(counter.update(100), Ok(Some(Joules(200.0 * 1e-6)))); // wrapped once
/// ```
#[derive(Debug, Clone)]
pub struct EnergyCounter {
    joules_per_unit: f64,
    range: Option<u64>,
    last: Option<u64>,
}

impl EnergyCounter {
    /// A counter whose raw unit is `joules_per_unit` joules and which wraps after `range` units
    /// (`None` for a counter that never wraps, such as NVML's 64-bit millijoules).
    pub fn new(joules_per_unit: f64, range: Option<u64>) -> Self {
        Self {
            joules_per_unit,
            range,
            last: None,
        }
    }

    /// Feeds a raw reading and returns the energy since the previous one.
    ///
    /// The first reading only sets the baseline (`Ok(None)`). A decrease is one wrap when the
    /// counter has a range; otherwise, or when the value exceeds the range, it is an error and the
    /// new value becomes the baseline.
    pub fn update(&mut self, raw: u64) -> Result<Option<Joules>, CounterRegression> {
        let previous = self.last.replace(raw);
        let Some(previous) = previous else {
            return Ok(None);
        };
        let units = if raw >= previous {
            raw - previous
        } else {
            match self.range {
                Some(range) if previous <= range => range - previous + raw,
                _ => {
                    return Err(CounterRegression {
                        previous,
                        current: raw,
                        range: self.range,
                    })
                }
            }
        };
        Ok(Some(Joules(units as f64 * self.joules_per_unit)))
    }

    /// Forgets the baseline: the next reading starts afresh (after a read error, say).
    pub fn reset(&mut self) {
        self.last = None;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_plain_increases() {
        let mut c = EnergyCounter::new(1e-3, None);
        assert_eq!(c.update(1_000), Ok(None));
        assert_eq!(c.update(3_500), Ok(Some(Joules(2.5))));
        assert_eq!(c.update(3_500), Ok(Some(Joules(0.0))));
    }

    #[test]
    fn corrects_one_wrap() {
        let mut c = EnergyCounter::new(1.0, Some(100));
        c.update(90).unwrap();
        assert_eq!(c.update(5), Ok(Some(Joules(15.0))));
        assert_eq!(c.update(25), Ok(Some(Joules(20.0))));
    }

    #[test]
    fn reports_a_decrease_without_range_and_rebaselines() {
        let mut c = EnergyCounter::new(1.0, None);
        c.update(50).unwrap();
        let err = c.update(10).unwrap_err();
        assert_eq!(err.previous, 50);
        assert_eq!(c.update(15), Ok(Some(Joules(5.0))));
    }

    #[test]
    fn reports_a_value_beyond_the_range() {
        let mut c = EnergyCounter::new(1.0, Some(100));
        c.update(150).unwrap();
        assert!(c.update(10).is_err());
    }

    #[test]
    fn reset_forgets_the_baseline() {
        let mut c = EnergyCounter::new(1.0, None);
        c.update(50).unwrap();
        c.reset();
        assert_eq!(c.update(10), Ok(None));
    }
}
