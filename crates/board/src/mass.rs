//! The unit of a chart of masses of CO2eq: g, kg or t, whichever keeps the numbers readable.

use codecarbon_core::KgCo2eq;
use serde::Serialize;

/// A unit of mass for a chart's axis.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum MassUnit {
    /// Grams: the largest value is under 1 kg.
    #[serde(rename = "g")]
    Grams,
    /// Kilograms: from 1 kg to under 1 t.
    #[serde(rename = "kg")]
    Kilograms,
    /// Tonnes: 1 t and more.
    #[serde(rename = "t")]
    Tonnes,
}

impl MassUnit {
    /// The unit for a chart whose largest value is `largest`.
    pub fn for_largest(largest: KgCo2eq) -> Self {
        let kg = largest.value();
        if kg < 1.0 {
            Self::Grams
        } else if kg < 1000.0 {
            Self::Kilograms
        } else {
            Self::Tonnes
        }
    }

    /// How many of this unit make one kilogram.
    pub fn per_kg(self) -> f64 {
        match self {
            Self::Grams => 1000.0,
            Self::Kilograms => 1.0,
            Self::Tonnes => 0.001,
        }
    }

    /// The symbol (`g`, `kg`, `t`).
    pub fn symbol(self) -> &'static str {
        match self {
            Self::Grams => "g",
            Self::Kilograms => "kg",
            Self::Tonnes => "t",
        }
    }

    /// `mass` in this unit.
    pub fn convert(self, mass: KgCo2eq) -> f64 {
        mass.value() * self.per_kg()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn switches_between_g_kg_and_t() {
        assert_eq!(MassUnit::for_largest(KgCo2eq(0.0)), MassUnit::Grams);
        assert_eq!(MassUnit::for_largest(KgCo2eq(0.000_4)), MassUnit::Grams);
        assert_eq!(MassUnit::for_largest(KgCo2eq(0.999)), MassUnit::Grams);
        assert_eq!(MassUnit::for_largest(KgCo2eq(1.0)), MassUnit::Kilograms);
        assert_eq!(MassUnit::for_largest(KgCo2eq(999.0)), MassUnit::Kilograms);
        assert_eq!(MassUnit::for_largest(KgCo2eq(1000.0)), MassUnit::Tonnes);
        assert!((MassUnit::Grams.convert(KgCo2eq(0.25)) - 250.0).abs() < 1e-12);
        assert!((MassUnit::Tonnes.convert(KgCo2eq(2500.0)) - 2.5).abs() < 1e-12);
        assert_eq!(
            serde_json::to_string(&[MassUnit::Grams, MassUnit::Kilograms, MassUnit::Tonnes])
                .unwrap(),
            r#"["g","kg","t"]"#
        );
        assert_eq!(MassUnit::Tonnes.symbol(), "t");
    }
}
