//! What an amount of CO2 equals in things people know, with the source of every constant.

use crate::units::{KgCo2eq, KilowattHours};

/// Kilograms of CO2-equivalent per kilometre driven by an average new car in Europe
/// (European Environment Agency, 2023: 133 g/km; CodeCarbon's dashboard uses the same).
pub const CAR_KG_PER_KM: f64 = 0.133;

/// Kilograms of CO2 per hour of a 32-inch LCD TV (CodeCarbon's carbonboard, after the EPA).
pub const TV_KG_PER_HOUR: f64 = 0.097;

/// Kilograms of CO2 of an average US household per week: 8.35 t a year / 52 (EPA).
pub const US_HOUSEHOLD_KG_PER_WEEK: f64 = 160.58;

/// Kilowatt-hours a TV uses per day of viewing: 138 W × 24 h (ADEME).
pub const TV_KWH_PER_DAY: f64 = 0.138 * 24.0;

/// Kilometres of car travel that emit as much.
pub fn car_km(emissions: KgCo2eq) -> f64 {
    emissions.value() / CAR_KG_PER_KM
}

/// Hours of a 32-inch LCD TV that emit as much.
pub fn tv_hours(emissions: KgCo2eq) -> f64 {
    emissions.value() / TV_KG_PER_HOUR
}

/// Percent of a US household's weekly emissions.
pub fn household_week_percent(emissions: KgCo2eq) -> f64 {
    100.0 * emissions.value() / US_HOUSEHOLD_KG_PER_WEEK
}

/// Days of TV that use as much energy.
pub fn tv_days(energy: KilowattHours) -> f64 {
    energy.value() / TV_KWH_PER_DAY
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_car_kilometre() {
        assert!((car_km(KgCo2eq(0.266)) - 2.0).abs() < 1e-12);
        assert!((tv_hours(KgCo2eq(0.097)) - 1.0).abs() < 1e-12);
        assert!((household_week_percent(KgCo2eq(160.58)) - 100.0).abs() < 1e-9);
        assert!((tv_days(KilowattHours(3.312)) - 1.0).abs() < 1e-12);
    }
}
