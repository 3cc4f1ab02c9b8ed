//! The embedded datasets, parsed once on first use.
//!
//! Every file is compiled into the binary with `include_str!`; nothing is read from disk at run
//! time. A file that fails to parse (which the unit tests below rule out) becomes
//! [`LookupError::Data`] instead of a panic.

use crate::error::LookupError;
use serde::de::DeserializeOwned;
use serde::Deserialize;
use std::collections::BTreeMap;
use std::sync::OnceLock;

use crate::files::{
    CANADA_ENERGY_MIX, CHINA_PROVINCIAL, CLOUD_IMPACT, GLOBAL_ENERGY_MIX, ISO_3166_1,
    NORDIC_EMISSIONS, USA_EMISSIONS,
};

/// One country of `global_energy_mix.json` (Our World in Data).
#[derive(Debug, Deserialize)]
pub(crate) struct CountryRecord {
    /// g CO2eq/kWh; `None` would mean no usable figure.
    pub carbon_intensity: Option<f64>,
    pub country_name: String,
    pub year: Option<i32>,
}

/// One entry of the ISO 3166-1 table.
#[derive(Debug, Deserialize)]
pub(crate) struct IsoEntry {
    pub alpha_2: String,
    pub alpha_3: String,
    pub name: String,
}

/// One record of `usa_emissions.json` (EPA eGRID, lbs/MWh).
#[derive(Debug, Deserialize)]
pub(crate) struct UsRecord {
    pub emissions: f64,
    #[serde(rename = "regionCode")]
    pub region_code: String,
}

/// A US state (or DC), keyed by its lower-case name.
#[derive(Debug)]
pub(crate) struct UsState {
    pub name: String,
    pub record: UsRecord,
}

/// The generation mix of a Canadian province, in percent.
#[derive(Debug, Deserialize)]
pub(crate) struct CanadaMix {
    #[serde(default)]
    pub coal: f64,
    #[serde(default)]
    pub petroleum: f64,
    #[serde(default, rename = "naturalGas")]
    pub natural_gas: f64,
    pub total: f64,
}

/// One province of `china_provincial_emissions.json` (g CO2/kWh).
#[derive(Debug, Deserialize)]
pub(crate) struct ChinaRecord {
    pub emission_factor: f64,
    pub description: String,
    pub year: Option<i32>,
    pub names: Vec<String>,
}

/// One bidding zone of `nordic_emissions.json` (g CO2eq/kWh).
#[derive(Debug, Deserialize)]
pub(crate) struct NordicRecord {
    pub emission_factor: f64,
    pub year: Option<i32>,
}

#[derive(Deserialize)]
struct Keyed<T> {
    data: BTreeMap<String, T>,
}

/// One row of `cloud/impact.csv`.
#[derive(Debug, Deserialize)]
pub(crate) struct CloudRow {
    pub provider: String,
    pub region: String,
    pub country_name: String,
    #[serde(rename = "countryIsoCode")]
    pub country_iso_code: String,
    pub state: String,
    pub city: String,
    pub impact: f64,
}

/// Every dataset, parsed.
#[derive(Debug)]
pub(crate) struct Datasets {
    /// Keyed by upper-case ISO 3166-1 alpha-3 code.
    pub countries: BTreeMap<String, CountryRecord>,
    pub iso: Vec<IsoEntry>,
    /// The 50 states and DC, by name.
    pub us_states: Vec<UsState>,
    /// eGRID's national figure (key `usa`), lbs/MWh.
    pub us_national: Option<f64>,
    /// eGRID's data year (`_source.year`).
    pub us_year: Option<i32>,
    pub canada: BTreeMap<String, CanadaMix>,
    pub china: BTreeMap<String, ChinaRecord>,
    pub nordic: BTreeMap<String, NordicRecord>,
    /// Rows with the `me-cenrtal1` typo already fixed.
    pub cloud: Vec<CloudRow>,
}

static DATASETS: OnceLock<Result<Datasets, String>> = OnceLock::new();

/// The parsed datasets; parsed on the first call.
pub(crate) fn datasets() -> Result<&'static Datasets, LookupError> {
    DATASETS
        .get_or_init(parse_all)
        .as_ref()
        .map_err(|e| LookupError::Data(e.clone()))
}

fn json<T: DeserializeOwned>(file: &str, text: &str) -> Result<T, String> {
    serde_json::from_str(text).map_err(|e| format!("{file}: {e}"))
}

fn check_factor(file: &str, key: &str, value: f64) -> Result<(), String> {
    if value.is_finite() && value >= 0.0 {
        Ok(())
    } else {
        Err(format!(
            "{file}: `{key}` has the value {value}, not a non-negative number"
        ))
    }
}

fn parse_all() -> Result<Datasets, String> {
    let countries: BTreeMap<String, CountryRecord> =
        json("global_energy_mix.json", GLOBAL_ENERGY_MIX)?;
    for (code, record) in &countries {
        if let Some(value) = record.carbon_intensity {
            check_factor("global_energy_mix.json", code, value)?;
        }
    }
    let (us_states, us_national, us_year) = parse_usa()?;
    let canada: BTreeMap<String, CanadaMix> = json("canada_energy_mix.json", CANADA_ENERGY_MIX)?;
    for (name, mix) in &canada {
        if !(mix.total.is_finite() && mix.total > 0.0) {
            return Err(format!(
                "canada_energy_mix.json: `{name}` has total {}",
                mix.total
            ));
        }
        for value in [mix.coal, mix.petroleum, mix.natural_gas] {
            check_factor("canada_energy_mix.json", name, value)?;
        }
    }
    let china: Keyed<ChinaRecord> = json("china_provincial_emissions.json", CHINA_PROVINCIAL)?;
    for (code, record) in &china.data {
        check_factor(
            "china_provincial_emissions.json",
            code,
            record.emission_factor,
        )?;
    }
    let nordic: Keyed<NordicRecord> = json("nordic_emissions.json", NORDIC_EMISSIONS)?;
    for (zone, record) in &nordic.data {
        check_factor("nordic_emissions.json", zone, record.emission_factor)?;
    }
    Ok(Datasets {
        countries,
        iso: json("iso_3166-1.json", ISO_3166_1)?,
        us_states,
        us_national,
        us_year,
        canada,
        china: china.data,
        nordic: nordic.data,
        cloud: parse_cloud()?,
    })
}

type UsaParts = (Vec<UsState>, Option<f64>, Option<i32>);

fn parse_usa() -> Result<UsaParts, String> {
    const FILE: &str = "usa_emissions.json";
    let all: BTreeMap<String, serde_json::Value> = json(FILE, USA_EMISSIONS)?;
    let mut states = Vec::new();
    let mut national = None;
    let mut year = None;
    for (key, value) in all {
        if key == "_source" {
            year = value
                .get("year")
                .and_then(serde_json::Value::as_i64)
                .and_then(|y| i32::try_from(y).ok());
            continue;
        }
        if key.starts_with('_') {
            continue;
        }
        let record: UsRecord =
            serde_json::from_value(value).map_err(|e| format!("{FILE}: `{key}`: {e}"))?;
        check_factor(FILE, &key, record.emissions)?;
        if key == "usa" {
            national = Some(record.emissions);
        } else {
            states.push(UsState { name: key, record });
        }
    }
    Ok((states, national, year))
}

/// The typo in CodeCarbon's `impact.csv` and the region's real name.
pub(crate) const CLOUD_REGION_TYPOS: &[(&str, &str)] = &[("me-cenrtal1", "me-central1")];

fn parse_cloud() -> Result<Vec<CloudRow>, String> {
    const FILE: &str = "impact.csv";
    let text = CLOUD_IMPACT
        .strip_prefix('\u{feff}')
        .unwrap_or(CLOUD_IMPACT);
    let mut reader = csv::Reader::from_reader(text.as_bytes());
    let mut rows = Vec::new();
    for row in reader.deserialize::<CloudRow>() {
        let mut row = row.map_err(|e| format!("{FILE}: {e}"))?;
        check_factor(FILE, &row.region, row.impact)?;
        if let Some((_, fixed)) = CLOUD_REGION_TYPOS
            .iter()
            .find(|(typo, _)| *typo == row.region)
        {
            row.region = (*fixed).to_string();
        }
        rows.push(row);
    }
    Ok(rows)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_embedded_file_parses() {
        let data = parse_all().unwrap();
        assert_eq!(data.countries.len(), 213);
        assert_eq!(data.iso.len(), 249);
        assert_eq!(data.us_states.len(), 51, "50 states and DC");
        assert!(data.us_national.is_some());
        assert_eq!(data.us_year, Some(2023));
        assert_eq!(data.canada.len(), 13);
        assert_eq!(data.china.len(), 30);
        assert_eq!(data.nordic.len(), 10);
        assert_eq!(data.cloud.len(), 40);
        assert!(datasets().is_ok());
    }

    #[test]
    fn cloud_csv_bom_is_stripped_and_typo_fixed() {
        let data = parse_all().unwrap();
        assert_eq!(data.cloud[0].provider, "gcp");
        assert!(data.cloud.iter().any(|r| r.region == "me-central1"));
        assert!(data.cloud.iter().all(|r| r.region != "me-cenrtal1"));
    }

    #[test]
    fn every_country_has_an_intensity_and_a_year() {
        let data = parse_all().unwrap();
        for (code, record) in &data.countries {
            assert!(record.carbon_intensity.is_some(), "{code}");
            assert!(record.year.is_some(), "{code}");
        }
    }

    #[test]
    fn a_broken_file_is_an_error_not_a_panic() {
        let err = json::<BTreeMap<String, CountryRecord>>("x.json", "{").unwrap_err();
        assert!(err.starts_with("x.json: "), "{err}");
        assert!(check_factor("x.json", "k", f64::NAN).is_err());
        assert!(check_factor("x.json", "k", -1.0).is_err());
    }
}
