//! What a project's emissions equal in things people know, each with its source (the constants
//! are `codecarbon_core::equivalents`').

use codecarbon_core::equivalents::{
    car_km, household_week_percent, tv_days, tv_hours, CAR_KG_PER_KM, TV_KG_PER_HOUR,
    TV_KWH_PER_DAY, US_HOUSEHOLD_KG_PER_WEEK,
};
use codecarbon_core::{KgCo2eq, KilowattHours};
use serde::Serialize;

/// One equivalent: a number, what it counts, and where the factor comes from.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Equivalent {
    /// Stable key for the page (`car_km`, ...).
    pub key: &'static str,
    /// The value, in `unit`.
    pub value: f64,
    /// What the value counts (`km driven by car`).
    pub unit: &'static str,
    /// The factor and its source, for people.
    pub source: String,
}

/// The equivalents of `emissions` and `energy`.
pub fn equivalents(emissions: KgCo2eq, energy: KilowattHours) -> Vec<Equivalent> {
    vec![
        Equivalent {
            key: "car_km",
            value: car_km(emissions),
            unit: "km driven by an average new car",
            source: format!(
                "{:.0} g CO2eq/km: European Environment Agency, new cars registered in 2023",
                CAR_KG_PER_KM * 1000.0
            ),
        },
        Equivalent {
            key: "tv_hours",
            value: tv_hours(emissions),
            unit: "hours of a 32-inch LCD TV",
            source: format!(
                "{TV_KG_PER_HOUR} kg CO2/h: CodeCarbon's carbonboard, after the US EPA"
            ),
        },
        Equivalent {
            key: "household_week",
            value: household_week_percent(emissions),
            unit: "% of a US household's weekly emissions",
            source: format!("{US_HOUSEHOLD_KG_PER_WEEK} kg CO2/week (8.35 t a year / 52): US EPA"),
        },
        Equivalent {
            key: "tv_days",
            value: tv_days(energy),
            unit: "days of TV, by energy",
            source: format!("{TV_KWH_PER_DAY:.3} kWh/day (138 W): ADEME"),
        },
    ]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_equivalent_uses_cores_factor_and_names_a_source() {
        let e = equivalents(KgCo2eq(1.33), KilowattHours(3.312));
        assert!((e[0].value - 10.0).abs() < 1e-9, "{e:?}");
        assert!((e[1].value - 1.33 / 0.097).abs() < 1e-9);
        assert!((e[2].value - 100.0 * 1.33 / 160.58).abs() < 1e-9);
        assert!((e[3].value - 1.0).abs() < 1e-9);
        assert!(e[0].source.contains("133 g") && e[0].source.contains("European Environment"));
        assert!(e.iter().all(|q| !q.source.is_empty()));
    }
}
