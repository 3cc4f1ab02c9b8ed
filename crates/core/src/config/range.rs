//! The values each numeric setting accepts.
//!
//! Every bound is far beyond what a real machine or data centre needs, and near enough that no
//! arithmetic on the value later can overflow, panic or give `inf` or `NaN`: the sampler adds
//! `measure_power_secs` to an `Instant`, and a row multiplies power by `pue`, time and carbon
//! intensity. With every factor at its largest, a century-long run's row is still below 10²⁰
//! (see the test `the_largest_values_keep_a_centurys_row_finite`), where `f64` goes to 10³⁰⁸.

use std::fmt;

/// The values a numeric setting accepts, checked where the setting is parsed.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Range {
    /// The smallest value.
    pub min: f64,
    /// Whether `min` itself is refused (`pue` must be above 0).
    pub min_excluded: bool,
    /// The largest value (accepted).
    pub max: f64,
}

impl Range {
    /// The values from `min` to `max`, both included.
    pub const fn closed(min: f64, max: f64) -> Range {
        Range {
            min,
            min_excluded: false,
            max,
        }
    }

    /// Whether `x` is in the range (`NaN` never is).
    pub fn contains(self, x: f64) -> bool {
        let above_min = if self.min_excluded {
            x > self.min
        } else {
            x >= self.min
        };
        above_min && x <= self.max
    }

    /// The number `text` holds (blanks around it allowed), if it is one and in the range.
    pub fn parse(self, text: &str) -> Option<f64> {
        let x: f64 = text.trim().parse().ok()?;
        self.contains(x).then_some(x)
    }
}

impl fmt::Display for Range {
    /// `from 0.1 to 86400`, or `above 0, up to 100` when the minimum is excluded.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.min_excluded {
            write!(f, "above {}, up to {}", self.min, self.max)
        } else {
            write!(f, "from {} to {}", self.min, self.max)
        }
    }
}

/// `measure_power_secs`, in seconds: at most ten measurements a second (each one prices the
/// energy since the previous one), at least one a day.
pub const MEASURE_POWER_SECS: Range = Range::closed(0.1, 86_400.0);

/// `api_call_interval`, in measurements: `-1` (only at flush and stop), `0` (as 1), up to a
/// million. Only whole numbers.
pub const API_CALL_INTERVAL: Range = Range::closed(-1.0, 1_000_000.0);

/// `pue`: real data centres are between 1 and 3.
pub const PUE: Range = Range {
    min: 0.0,
    min_excluded: true,
    max: 100.0,
};

/// `wue`, in litres per kWh: real data centres use less than 10.
pub const WUE: Range = Range::closed(0.0, 100.0);

/// `force_cpu_power` and `force_ram_power`, in watts: up to a megawatt.
pub const POWER: Range = Range::closed(0.0, 1_000_000.0);

/// `force_carbon_intensity_g_co2e_kwh`, in g CO2eq/kWh: the dirtiest grids are near 1,000.
pub const CARBON_INTENSITY: Range = Range::closed(0.0, 10_000.0);

/// The range of the numeric key `key` of [`Config`](super::Config) (CodeCarbon's name, lower
/// case), if it is one: each range is declared once, in the key's [`Spec`](crate::settings::Spec).
///
/// ```
/// use codecarbon_core::config::range_of;
/// assert_eq!(range_of("pue").unwrap().to_string(), "above 0, up to 100");
/// assert!(range_of("project_name").is_none());
/// ```
pub fn range_of(key: &str) -> Option<Range> {
    super::Config::SPECS
        .iter()
        .find(|s| s.key() == key)
        .and_then(|s| s.range())
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
    use super::*;
    use crate::config::Config;
    use std::time::{Duration, Instant};

    #[test]
    fn ranges_hold_codecarbons_defaults() {
        let c = Config::default();
        assert!(MEASURE_POWER_SECS.contains(c.measure_power_secs.as_secs_f64()));
        assert!(MEASURE_POWER_SECS.contains(15.0));
        assert!(API_CALL_INTERVAL.contains(8.0), "CodeCarbon's default");
        assert!(PUE.contains(c.pue) && WUE.contains(c.wue.value()));
        assert!(!PUE.contains(0.0) && PUE.contains(f64::MIN_POSITIVE));
        assert!(!POWER.contains(f64::NAN) && !POWER.contains(f64::INFINITY));
    }

    #[test]
    fn the_longest_interval_fits_every_duration_and_instant() {
        let longest = Duration::try_from_secs_f64(MEASURE_POWER_SECS.max).unwrap();
        let now = Instant::now();
        // The sampler adds the interval to instants, more than once in a row at worst.
        assert!(now.checked_add(longest * 1000).is_some());
        assert!(Duration::try_from_secs_f64(MEASURE_POWER_SECS.min).unwrap() > Duration::ZERO);
    }

    /// With every factor at its largest, the numbers of a row of a run that lasts a century
    /// stay finite, with room to spare: large finite settings never make `inf` or `NaN`.
    #[test]
    fn the_largest_values_keep_a_centurys_row_finite() {
        let century_secs = 100.0 * 365.25 * 86_400.0;
        // CPU and RAM forced to their largest; a GPU as large again.
        let watts = 3.0 * POWER.max * PUE.max;
        let joules = watts * century_secs;
        let kwh = joules / 3.6e6;
        let kg = kwh * CARBON_INTENSITY.max / 1000.0;
        let litres = kwh * WUE.max;
        let rate = kg / MEASURE_POWER_SECS.min;
        for x in [watts, joules, kwh, kg, litres, rate] {
            assert!(x.is_finite() && x < 1e20, "{x}");
        }
    }

    #[test]
    fn ranges_read_as_words() {
        assert_eq!(MEASURE_POWER_SECS.to_string(), "from 0.1 to 86400");
        assert_eq!(PUE.to_string(), "above 0, up to 100");
        assert_eq!(API_CALL_INTERVAL.to_string(), "from -1 to 1000000");
        assert_eq!(PUE.parse(" 1.2 "), Some(1.2));
        assert_eq!(PUE.parse("1e308"), None);
        assert_eq!(PUE.parse("NaN"), None);
    }
}
