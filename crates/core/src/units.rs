//! Physical quantities as newtypes, so a watt is never added to a joule by accident.
//!
//! Each unit wraps an `f64`; arithmetic is defined only where it means something
//! (energy + energy, power × time, energy × intensity).

use serde::{Deserialize, Serialize};
use std::fmt;
use std::ops::{Add, AddAssign, Mul, Sub};
use std::time::Duration;

/// Joules per kilowatt-hour.
pub const JOULES_PER_KWH: f64 = 3_600_000.0;

macro_rules! unit {
    ($(#[$doc:meta])* $name:ident, $symbol:literal) => {
        $(#[$doc])*
        #[derive(Debug, Clone, Copy, Default, PartialEq, PartialOrd, Serialize, Deserialize)]
        #[serde(transparent)]
        pub struct $name(pub f64);

        impl $name {
            /// Zero of this unit.
            pub const ZERO: Self = Self(0.0);
            /// The bare number, in this unit.
            pub fn value(self) -> f64 {
                self.0
            }
        }

        impl Add for $name {
            type Output = Self;
            fn add(self, rhs: Self) -> Self {
                Self(self.0 + rhs.0)
            }
        }

        impl AddAssign for $name {
            fn add_assign(&mut self, rhs: Self) {
                self.0 += rhs.0;
            }
        }

        impl Sub for $name {
            type Output = Self;
            fn sub(self, rhs: Self) -> Self {
                Self(self.0 - rhs.0)
            }
        }

        /// Scaling by a dimensionless factor (a PUE, a load fraction).
        impl Mul<f64> for $name {
            type Output = Self;
            fn mul(self, rhs: f64) -> Self {
                Self(self.0 * rhs)
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                write!(f, "{} {}", self.0, $symbol)
            }
        }
    };
}

unit!(
    /// Energy in joules.
    Joules, "J"
);
unit!(
    /// Energy in kilowatt-hours, the unit of CodeCarbon's CSV.
    KilowattHours, "kWh"
);
unit!(
    /// Power in watts.
    Watts, "W"
);
unit!(
    /// Carbon intensity of electricity in grams of CO2-equivalent per kilowatt-hour.
    GramsPerKwh, "g/kWh"
);
unit!(
    /// Mass of CO2-equivalent in kilograms.
    KgCo2eq, "kg CO2eq"
);
unit!(
    /// Water volume in litres.
    Liters, "L"
);
unit!(
    /// Water usage effectiveness in litres per kilowatt-hour.
    LitersPerKwh, "L/kWh"
);
unit!(
    /// Emissions per second of run time, CodeCarbon's `emissions_rate`.
    KgCo2eqPerSecond, "kg CO2eq/s"
);
unit!(
    /// A share of a whole, from 0 to 100.
    Percent, "%"
);
unit!(
    /// Memory size in gigabytes of 1024³ bytes, as CodeCarbon counts them.
    Gigabytes, "GB"
);

impl Joules {
    /// This energy in kilowatt-hours.
    pub fn to_kwh(self) -> KilowattHours {
        KilowattHours(self.0 / JOULES_PER_KWH)
    }
}

impl KilowattHours {
    /// This energy in joules.
    pub fn to_joules(self) -> Joules {
        Joules(self.0 * JOULES_PER_KWH)
    }
}

impl Watts {
    /// Energy used at this power for `elapsed`.
    pub fn over(self, elapsed: Duration) -> Joules {
        Joules(self.0 * elapsed.as_secs_f64())
    }

    /// Mean power of `energy` spent over `elapsed`; zero for an empty interval.
    pub fn mean(energy: Joules, elapsed: Duration) -> Watts {
        let secs = elapsed.as_secs_f64();
        if secs > 0.0 {
            Watts(energy.0 / secs)
        } else {
            Watts::ZERO
        }
    }
}

/// Emissions of an amount of energy at an intensity.
impl Mul<GramsPerKwh> for KilowattHours {
    type Output = KgCo2eq;
    fn mul(self, intensity: GramsPerKwh) -> KgCo2eq {
        KgCo2eq(self.0 * intensity.0 / 1000.0)
    }
}

/// Water used for an amount of energy.
impl Mul<LitersPerKwh> for KilowattHours {
    type Output = Liters;
    fn mul(self, wue: LitersPerKwh) -> Liters {
        Liters(self.0 * wue.0)
    }
}

impl Gigabytes {
    /// A size given in bytes.
    pub fn from_bytes(bytes: u64) -> Gigabytes {
        Gigabytes(bytes as f64 / (1024.0 * 1024.0 * 1024.0))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn energy_conversions_round_trip() {
        assert_eq!(Joules(3_600_000.0).to_kwh(), KilowattHours(1.0));
        assert_eq!(KilowattHours(0.5).to_joules(), Joules(1_800_000.0));
    }

    #[test]
    fn power_over_time_is_energy() {
        assert_eq!(Watts(20.0).over(Duration::from_secs(3)), Joules(60.0));
        assert_eq!(
            Watts::mean(Joules(60.0), Duration::from_secs(3)),
            Watts(20.0)
        );
        assert_eq!(Watts::mean(Joules(60.0), Duration::ZERO), Watts::ZERO);
    }

    #[test]
    fn emissions_and_water() {
        let e = KilowattHours(2.0);
        assert!(((e * GramsPerKwh(170.043)).0 - 0.340086).abs() < 1e-12);
        assert_eq!(e * LitersPerKwh(1.5), Liters(3.0));
    }
}
