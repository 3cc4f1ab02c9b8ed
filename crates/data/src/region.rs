//! Regions inside a country: US states, Canadian and Chinese provinces, Nordic bidding zones.
//!
//! A region is accepted as CodeCarbon spells it (the lower-case name: `california`,
//! `british columbia`, `beijing`, `se1`) and as a code (`CA`, `US-CA`, `BC`, `CA-BC`, `CN-BJ`,
//! `BJ`, `SE1`), case-insensitive, with spacing collapsed. The resolved region is the lower-case
//! name CodeCarbon writes; for a Nordic zone it is the lower-case zone code (`se1`), which is
//! what CodeCarbon's offline tracker writes after lower-casing the configured region.

use crate::datasets::Datasets;
use crate::source;

/// eGRID lbs/MWh to g/kWh: one pound is 453.59237 g, one MWh is 1000 kWh.
pub(crate) const LBS_PER_MWH_TO_G_PER_KWH: f64 = 0.45359237;

/// CodeCarbon's factors for the Canadian mix, kg/kWh (`emissions.py`, l.430-434).
const COAL_KG_PER_KWH: f64 = 0.995725971;
const PETROLEUM_KG_PER_KWH: f64 = 0.8166885263;
const NATURAL_GAS_KG_PER_KWH: f64 = 0.7438415916;

/// Postal codes of the Canadian provinces and territories, with the names the data uses.
pub(crate) const CANADA_CODES: &[(&str, &str)] = &[
    ("ab", "alberta"),
    ("bc", "british columbia"),
    ("mb", "manitoba"),
    ("nb", "new brunswick"),
    ("nl", "newfoundland and labrador"),
    ("ns", "nova scotia"),
    ("nt", "northwest territories"),
    ("nu", "nunavut"),
    ("on", "ontario"),
    ("pe", "prince edward island"),
    ("qc", "quebec"),
    ("sk", "saskatchewan"),
    ("yt", "yukon"),
];

/// Suffixes CodeCarbon strips from a Chinese province name (after one space).
const CHINA_SUFFIXES: &[&str] = &[
    "autonomous region",
    "municipality",
    "province",
    "sheng",
    "shi",
    "zizhiqu",
];

/// A region's value.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct RegionValue {
    /// Lower-case name, as CodeCarbon writes it.
    pub region: String,
    /// g CO2eq/kWh.
    pub value: f64,
    pub source: &'static str,
    pub year: Option<i32>,
}

/// Lower-case, spacing collapsed, trimmed.
pub(crate) fn normalise(region: &str) -> String {
    region
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .to_lowercase()
}

/// The Nordic zone prefix of a country, if it has zones.
fn nordic_prefix(alpha_3: &str) -> Option<&'static str> {
    match alpha_3 {
        "SWE" => Some("SE"),
        "NOR" => Some("NO"),
        "FIN" => Some("FI"),
        _ => None,
    }
}

/// Whether CodeCarbon has regional data for this country (an unknown region is then an error).
pub(crate) fn has_regional_data(alpha_3: &str) -> bool {
    matches!(alpha_3, "USA" | "CAN" | "CHN") || nordic_prefix(alpha_3).is_some()
}

/// Every region of a country with regional data, in data order.
pub(crate) fn regions_of(data: &Datasets, alpha_3: &str) -> Vec<RegionValue> {
    match alpha_3 {
        "USA" => data
            .us_states
            .iter()
            .map(|s| us_value(data, &s.name, s.record.emissions))
            .collect(),
        "CAN" => data
            .canada
            .iter()
            .map(|(name, mix)| RegionValue {
                region: name.clone(),
                value: canada_intensity(mix),
                source: source::CANADA_ENERGY_REGULATOR,
                year: Some(source::CANADA_YEAR),
            })
            .collect(),
        "CHN" => data
            .china
            .values()
            .map(|r| RegionValue {
                region: r
                    .names
                    .first()
                    .cloned()
                    .unwrap_or_else(|| normalise(&r.description)),
                value: r.emission_factor,
                source: source::MEE_NBS,
                year: r.year,
            })
            .collect(),
        _ => match nordic_prefix(alpha_3) {
            Some(prefix) => data
                .nordic
                .iter()
                .filter(|(zone, _)| zone.starts_with(prefix))
                .map(|(zone, r)| RegionValue {
                    region: zone.to_lowercase(),
                    value: r.emission_factor,
                    source: source::ENTSO_E,
                    year: r.year,
                })
                .collect(),
            None => Vec::new(),
        },
    }
}

/// The value of `region` in a country with regional data.
///
/// `None` when the country has no regional data, or when the region is not one of its regions
/// (the caller tells the two apart with [`has_regional_data`]).
pub(crate) fn resolve(data: &Datasets, alpha_3: &str, region: &str) -> Option<RegionValue> {
    let n = normalise(region);
    match alpha_3 {
        "USA" => resolve_us(data, &n),
        "CAN" => resolve_canada(data, &n),
        "CHN" => resolve_china(data, &n),
        _ => {
            let prefix = nordic_prefix(alpha_3)?;
            let zone = n.to_uppercase();
            let record = data
                .nordic
                .get(&zone)
                .filter(|_| zone.starts_with(prefix))?;
            Some(RegionValue {
                region: n,
                value: record.emission_factor,
                source: source::ENTSO_E,
                year: record.year,
            })
        }
    }
}

fn us_value(data: &Datasets, name: &str, lbs_per_mwh: f64) -> RegionValue {
    RegionValue {
        region: name.to_string(),
        value: lbs_per_mwh * LBS_PER_MWH_TO_G_PER_KWH,
        source: source::EPA_EGRID,
        year: data.us_year,
    }
}

fn resolve_us(data: &Datasets, n: &str) -> Option<RegionValue> {
    let code = n.strip_prefix("us-").unwrap_or(n);
    if let Some(state) = data
        .us_states
        .iter()
        .find(|s| s.name == n || s.record.region_code.eq_ignore_ascii_case(code))
    {
        return Some(us_value(data, &state.name, state.record.emissions));
    }
    // eGRID's national figure, which CodeCarbon accepts as region `usa`.
    match (n, data.us_national) {
        ("usa", Some(lbs)) => Some(us_value(data, "usa", lbs)),
        _ => None,
    }
}

/// CodeCarbon's `_region_energy_mix_to_emissions_rate`, in g/kWh: only coal, petroleum and
/// natural gas count, as shares of the province's `total`.
pub(crate) fn canada_intensity(mix: &crate::datasets::CanadaMix) -> f64 {
    let kg_per_kwh = mix.coal / mix.total * COAL_KG_PER_KWH
        + mix.petroleum / mix.total * PETROLEUM_KG_PER_KWH
        + mix.natural_gas / mix.total * NATURAL_GAS_KG_PER_KWH;
    kg_per_kwh * 1000.0
}

fn resolve_canada(data: &Datasets, n: &str) -> Option<RegionValue> {
    let code = n.strip_prefix("ca-").unwrap_or(n);
    let name = CANADA_CODES
        .iter()
        .find(|(c, _)| *c == code)
        .map_or(n, |(_, name)| *name);
    let mix = data.canada.get(name)?;
    Some(RegionValue {
        region: name.to_string(),
        value: canada_intensity(mix),
        source: source::CANADA_ENERGY_REGULATOR,
        year: Some(source::CANADA_YEAR),
    })
}

/// CodeCarbon's normalisation of a Chinese province name: one trailing suffix stripped.
fn strip_china_suffix(n: &str) -> &str {
    CHINA_SUFFIXES
        .iter()
        .find_map(|suffix| n.strip_suffix(suffix)?.strip_suffix(' '))
        .unwrap_or(n)
}

fn resolve_china(data: &Datasets, n: &str) -> Option<RegionValue> {
    let upper = n.to_uppercase();
    let by_code = data
        .china
        .get(&upper)
        .or_else(|| data.china.get(&format!("CN-{upper}")));
    let stem = strip_china_suffix(n);
    let record = by_code.or_else(|| {
        data.china
            .values()
            .find(|r| r.names.iter().any(|name| name == stem))
    })?;
    Some(RegionValue {
        region: record
            .names
            .first()
            .cloned()
            .unwrap_or_else(|| normalise(&record.description)),
        value: record.emission_factor,
        source: source::MEE_NBS,
        year: record.year,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::datasets::datasets;

    fn value(alpha_3: &str, region: &str) -> RegionValue {
        resolve(datasets().unwrap(), alpha_3, region).unwrap()
    }

    #[test]
    fn us_states_by_name_and_code() {
        for r in ["california", "California", "CA", "ca", "US-CA", "us-ca"] {
            let v = value("USA", r);
            assert_eq!(v.region, "california", "{r}");
            assert!((v.value - 179.064_206_312_53).abs() < 1e-9);
            assert_eq!((v.source, v.year), (source::EPA_EGRID, Some(2023)));
        }
        assert_eq!(value("USA", "New  York").region, "new york");
        assert_eq!(value("USA", "usa").region, "usa");
    }

    #[test]
    fn canadian_provinces_by_name_and_postal_code() {
        let data = datasets().unwrap();
        for (code, name) in CANADA_CODES {
            assert!(data.canada.contains_key(*name), "{name}");
            assert_eq!(value("CAN", code).region, *name);
            assert_eq!(value("CAN", &format!("CA-{code}")).region, *name);
        }
        assert_eq!(data.canada.len(), CANADA_CODES.len());
        let qc = value("CAN", "Quebec");
        assert!((qc.value - 3.937_355_026_597_34).abs() < 1e-9);
    }

    #[test]
    fn chinese_provinces_by_name_suffix_and_code() {
        for r in [
            "beijing",
            "Beijing Municipality",
            "beijing shi",
            "CN-BJ",
            "bj",
        ] {
            let v = value("CHN", r);
            assert_eq!((v.region.as_str(), v.value), ("beijing", 555.4), "{r}");
        }
        assert_eq!(
            value("CHN", "Inner Mongolia Autonomous Region").region,
            "inner mongolia"
        );
        assert_eq!(value("CHN", "nei mongol").region, "inner mongolia");
        assert_eq!(value("CHN", "sichuan province").value, 156.4);
        assert!(resolve(datasets().unwrap(), "CHN", "beijingshi").is_none());
        assert!(resolve(datasets().unwrap(), "CHN", "tibet").is_none());
    }

    #[test]
    fn nordic_zones_only_in_their_country() {
        assert_eq!(value("SWE", "SE1").region, "se1");
        assert_eq!(value("SWE", "se4").value, 24.7);
        assert_eq!(value("NOR", "no4").value, 51.7);
        assert_eq!(value("FIN", "fi").value, 72.0);
        assert!(resolve(datasets().unwrap(), "SWE", "NO1").is_none());
        assert!(resolve(datasets().unwrap(), "FIN", "SE1").is_none());
        assert!(resolve(datasets().unwrap(), "DEU", "SE1").is_none());
    }

    #[test]
    fn regions_of_lists_each_family() {
        let data = datasets().unwrap();
        assert_eq!(regions_of(data, "USA").len(), 51);
        assert_eq!(regions_of(data, "CAN").len(), 13);
        assert_eq!(regions_of(data, "CHN").len(), 30);
        assert_eq!(regions_of(data, "SWE").len(), 4);
        assert_eq!(regions_of(data, "NOR").len(), 5);
        assert_eq!(regions_of(data, "FIN").len(), 1);
        assert!(regions_of(data, "FRA").is_empty());
        for alpha_3 in ["USA", "CAN", "CHN", "SWE", "NOR", "FIN"] {
            assert!(has_regional_data(alpha_3));
            for r in regions_of(data, alpha_3) {
                assert_eq!(resolve(data, alpha_3, &r.region).as_ref(), Some(&r));
            }
        }
    }
}
