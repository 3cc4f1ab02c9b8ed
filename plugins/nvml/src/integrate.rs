//! Energy from power readings, for GPUs without an energy counter and for the interval in which
//! a counter went backwards.

use codecarbon_core::{Joules, Watts};
use std::time::Duration;

/// The energy over `elapsed` from the power at its start and at its end, by the trapezoid rule;
/// with only one of them, that one held over the interval; `None` with neither.
///
/// ```
/// use codecarbon_core::Watts;
/// use codecarbon_nvml::trapezoid;
/// use std::time::Duration;
/// let second = Duration::from_secs(1);
/// assert_eq!(trapezoid(Some(Watts(100.0)), Some(Watts(200.0)), second).unwrap().value(), 150.0);
/// assert_eq!(trapezoid(None, Some(Watts(80.0)), second).unwrap().value(), 80.0);
/// assert_eq!(trapezoid(None, None, second), None);
/// ```
pub fn trapezoid(start: Option<Watts>, end: Option<Watts>, elapsed: Duration) -> Option<Joules> {
    let mean = match (start, end) {
        (Some(a), Some(b)) => Watts((a.value() + b.value()) / 2.0),
        (Some(p), None) | (None, Some(p)) => p,
        (None, None) => return None,
    };
    Some(mean.over(elapsed))
}
