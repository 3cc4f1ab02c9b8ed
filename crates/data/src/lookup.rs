//! The public questions and answers: `lookup` one place, or `list` every place with data.

use crate::datasets::{datasets, CloudRow, Datasets};
use crate::error::LookupError;
use crate::{cloud, country, region, source};
use codecarbon_core::{Config, GramsPerKwh, Intensity, IntensityBasis, Location, WORLD_AVERAGE};
use serde::Serialize;

/// A place to look up.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Query {
    /// A country, optionally a region inside it.
    Country {
        /// ISO 3166-1 alpha-3 (`FRA`) or alpha-2 (`FR`), any case.
        country_iso_code: String,
        /// A state, province or zone (`california`, `BC`, `CN-BJ`, `SE1`), any case.
        region: Option<String>,
    },
    /// A cloud provider's region.
    Cloud {
        /// The provider (`gcp`).
        cloud_provider: String,
        /// The provider's region (`us-central1`).
        cloud_region: String,
    },
}

impl Query {
    /// A country without a region.
    pub fn country(country_iso_code: impl Into<String>) -> Self {
        Query::Country {
            country_iso_code: country_iso_code.into(),
            region: None,
        }
    }

    /// A region of a country.
    pub fn region(country_iso_code: impl Into<String>, region: impl Into<String>) -> Self {
        Query::Country {
            country_iso_code: country_iso_code.into(),
            region: Some(region.into()),
        }
    }

    /// A cloud region.
    pub fn cloud(cloud_provider: impl Into<String>, cloud_region: impl Into<String>) -> Self {
        Query::Cloud {
            cloud_provider: cloud_provider.into(),
            cloud_region: cloud_region.into(),
        }
    }

    /// The place the configuration names: the cloud region when both `cloud_provider` and
    /// `cloud_region` are set, else the country (and region) when `country_iso_code` is set.
    pub fn from_config(config: &Config) -> Option<Query> {
        match (&config.cloud_provider, &config.cloud_region) {
            (Some(p), Some(r)) => Some(Query::cloud(p.clone(), r.clone())),
            _ => Query::country_of_config(config),
        }
    }

    /// The country (and region) of the configuration, ignoring the cloud settings.
    pub fn country_of_config(config: &Config) -> Option<Query> {
        config.country_iso_code.as_ref().map(|c| Query::Country {
            country_iso_code: c.clone(),
            region: config.region.clone(),
        })
    }
}

/// The carbon intensity of a place, with where it came from.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Answer {
    /// g CO2eq/kWh.
    pub carbon_intensity: GramsPerKwh,
    /// The dataset (one of the [`source`](crate::source) constants).
    pub source: String,
    /// The year the figure describes, when the dataset says.
    pub year: Option<i32>,
    /// ISO 3166-1 alpha-3 code.
    pub country_iso_code: String,
    /// The country's English name.
    pub country_name: String,
    /// The region, lower-case as CodeCarbon writes it (`california`, `se1`).
    pub region: Option<String>,
    /// The cloud provider (`gcp`), for a cloud region.
    pub cloud_provider: Option<String>,
    /// The cloud region (`us-central1`).
    pub cloud_region: Option<String>,
    /// True when the country is valid ISO 3166 but has no data, and the value is the world
    /// average ([`WORLD_AVERAGE`]): the caller should warn.
    pub world_average_fallback: bool,
    /// Which kind of figure this is: cloud region, region, country or world average.
    pub basis: IntensityBasis,
}

impl Answer {
    /// The place, as the engine's [`Location`] (no coordinates).
    pub fn location(&self) -> Location {
        let mut at = Location::default()
            .with_country(self.country_iso_code.clone(), self.country_name.clone());
        at.region = self.region.clone();
        at.cloud_provider = self.cloud_provider.clone();
        at.cloud_region = self.cloud_region.clone();
        at
    }

    /// The value, as the engine's [`Intensity`].
    pub fn intensity(&self) -> Intensity {
        Intensity::new(self.carbon_intensity, self.source.clone(), self.basis).with_year(self.year)
    }
}

/// The carbon intensity of one place, from the embedded data only.
///
/// - Cloud: GCP's value for the region.
/// - Country with region: the region's value for USA, CAN, CHN, SWE, NOR and FIN (an unknown
///   region is an error listing the valid ones); for other countries the region is recorded
///   and the country's value used.
/// - Country: Our World in Data's value; a valid ISO code without data gets the world average,
///   with `world_average_fallback` set.
///
/// ```
/// use codecarbon_data::{lookup, Query};
///
/// let bc = lookup(&Query::region("CAN", "BC")).unwrap();
/// assert_eq!(bc.region.as_deref(), Some("british columbia"));
/// assert!((bc.carbon_intensity.0 - 21.666).abs() < 1e-3);
/// ```
pub fn lookup(query: &Query) -> Result<Answer, LookupError> {
    let data = datasets()?;
    match query {
        Query::Cloud {
            cloud_provider,
            cloud_region,
        } => cloud::gcp::resolve(data, cloud_provider, cloud_region).map(cloud_answer),
        Query::Country {
            country_iso_code,
            region,
        } => country_answer(data, country_iso_code, region.as_deref()),
    }
}

fn country_answer(
    data: &Datasets,
    code: &str,
    region: Option<&str>,
) -> Result<Answer, LookupError> {
    let (info, record) = country::resolve(data, code)?;
    let region = region.map(region::normalise).filter(|r| !r.is_empty());
    let mut answer = match record.and_then(|r| r.carbon_intensity.map(|ci| (ci, r.year))) {
        Some((ci, year)) => Answer {
            carbon_intensity: GramsPerKwh(ci),
            source: source::OUR_WORLD_IN_DATA.into(),
            year,
            country_iso_code: info.alpha_3.clone(),
            country_name: info.name.clone(),
            region: None,
            cloud_provider: None,
            cloud_region: None,
            world_average_fallback: false,
            basis: IntensityBasis::Country,
        },
        None => Answer {
            carbon_intensity: WORLD_AVERAGE,
            source: source::WORLD_AVERAGE.into(),
            year: None,
            country_iso_code: info.alpha_3.clone(),
            country_name: info.name.clone(),
            region: None,
            cloud_provider: None,
            cloud_region: None,
            world_average_fallback: true,
            basis: IntensityBasis::WorldAverage,
        },
    };
    let Some(wanted) = region else {
        return Ok(answer);
    };
    if !region::has_regional_data(&info.alpha_3) {
        answer.region = Some(wanted);
        return Ok(answer);
    }
    match region::resolve(data, &info.alpha_3, &wanted) {
        Some(value) => Ok(Answer {
            carbon_intensity: GramsPerKwh(value.value),
            source: value.source.into(),
            year: value.year,
            region: Some(value.region),
            world_average_fallback: false,
            basis: IntensityBasis::Region,
            ..answer
        }),
        None => Err(LookupError::UnknownRegion {
            country: format!("{} ({})", info.name, info.alpha_3),
            region: wanted,
            valid: region::regions_of(data, &info.alpha_3)
                .into_iter()
                .map(|r| r.region)
                .collect(),
        }),
    }
}

fn cloud_answer(row: &CloudRow) -> Answer {
    Answer {
        carbon_intensity: GramsPerKwh(row.impact),
        source: source::GOOGLE_CLOUD.into(),
        year: None,
        country_iso_code: row.country_iso_code.trim().to_ascii_uppercase(),
        country_name: row.country_name.clone(),
        region: cloud::gcp::geo_region(row),
        cloud_provider: Some(row.provider.clone()),
        cloud_region: Some(row.region.clone()),
        world_average_fallback: false,
        basis: IntensityBasis::CloudRegion,
    }
}

/// Every place with data: each country of `global_energy_mix.json` (by ISO code), then each US
/// state (and DC), Canadian province, Chinese province, Nordic zone and cloud region.
pub fn list() -> Result<Vec<Answer>, LookupError> {
    let data = datasets()?;
    let mut all = Vec::new();
    for code in data.countries.keys() {
        all.push(country_answer(data, code, None)?);
    }
    for alpha_3 in ["USA", "CAN", "CHN", "SWE", "NOR", "FIN"] {
        let country = country_answer(data, alpha_3, None)?;
        for value in region::regions_of(data, alpha_3) {
            all.push(Answer {
                carbon_intensity: GramsPerKwh(value.value),
                source: value.source.into(),
                year: value.year,
                region: Some(value.region),
                basis: IntensityBasis::Region,
                ..country.clone()
            });
        }
    }
    all.extend(data.cloud.iter().map(cloud_answer));
    Ok(all)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn country_value_source_and_year() {
        let fr = lookup(&Query::country("fr")).unwrap();
        assert_eq!(fr.carbon_intensity, GramsPerKwh(56.039));
        assert_eq!(fr.source, source::OUR_WORLD_IN_DATA);
        assert!(fr.year.is_some());
        assert_eq!(
            (fr.country_iso_code.as_str(), fr.country_name.as_str()),
            ("FRA", "France")
        );
        assert!(!fr.world_average_fallback);
    }

    #[test]
    fn iso_country_without_data_gets_the_world_average_flagged() {
        let aq = lookup(&Query::country("ATA")).unwrap();
        assert_eq!(aq.carbon_intensity, WORLD_AVERAGE);
        assert!(aq.world_average_fallback);
        assert_eq!(aq.country_name, "Antarctica");
    }

    #[test]
    fn region_of_a_country_without_regional_data_is_recorded() {
        let a = lookup(&Query::region("DEU", "  Bavaria ")).unwrap();
        assert_eq!(a.region.as_deref(), Some("bavaria"));
        assert_eq!(a.carbon_intensity, GramsPerKwh(380.95));
        let blank = lookup(&Query::region("DEU", " ")).unwrap();
        assert_eq!(blank.region, None);
    }

    #[test]
    fn unknown_region_lists_the_valid_ones() {
        let err = lookup(&Query::region("USA", "atlantis")).unwrap_err();
        let text = err.to_string();
        assert!(text.contains("United States (USA)"), "{text}");
        assert!(
            text.contains("california") && text.contains("wyoming"),
            "{text}"
        );
        let err = lookup(&Query::region("SWE", "stockholm")).unwrap_err();
        assert!(err.to_string().contains("se1, se2, se3, se4"), "{err}");
    }

    #[test]
    fn regional_answers_keep_the_country() {
        let ca = lookup(&Query::region("us", "US-CA")).unwrap();
        assert_eq!(ca.country_iso_code, "USA");
        assert_eq!(ca.country_name, "United States");
        assert_eq!(ca.source, source::EPA_EGRID);
        let bj = lookup(&Query::region("CHN", "CN-BJ")).unwrap();
        assert_eq!((bj.source.as_str(), bj.year), (source::MEE_NBS, Some(2023)));
        let se = lookup(&Query::region("SWE", "SE3")).unwrap();
        assert_eq!((se.source.as_str(), se.year), (source::ENTSO_E, Some(2025)));
        let qc = lookup(&Query::region("CA", "qc")).unwrap();
        assert_eq!(qc.year, Some(source::CANADA_YEAR));
    }

    #[test]
    fn cloud_answer_takes_its_place_from_the_csv() {
        let a = lookup(&Query::cloud("gcp", "northamerica-northeast1")).unwrap();
        assert_eq!(a.carbon_intensity, GramsPerKwh(2.0));
        assert_eq!(a.region.as_deref(), Some("Quebec"));
        assert_eq!(
            (a.country_iso_code.as_str(), a.country_name.as_str()),
            ("CAN", "Canada")
        );
        assert_eq!(a.source, source::GOOGLE_CLOUD);
        let loc = a.location();
        assert!(loc.on_cloud());
        assert_eq!(loc.cloud_region.as_deref(), Some("northamerica-northeast1"));
    }

    #[test]
    fn list_covers_every_family_and_each_entry_looks_up_the_same() {
        let all = list().unwrap();
        assert_eq!(all.len(), 213 + 51 + 13 + 30 + 10 + 40);
        for a in &all {
            let query = match (&a.cloud_provider, &a.cloud_region) {
                (Some(p), Some(r)) => Query::cloud(p, r),
                _ => Query::Country {
                    country_iso_code: a.country_iso_code.clone(),
                    region: a.region.clone(),
                },
            };
            assert_eq!(&lookup(&query).unwrap(), a);
        }
    }

    #[test]
    fn query_from_config_prefers_the_cloud() {
        let mut config = Config::default();
        assert_eq!(Query::from_config(&config), None);
        config.country_iso_code = Some("FRA".into());
        config.cloud_provider = Some("gcp".into());
        assert_eq!(Query::from_config(&config), Some(Query::country("FRA")));
        config.cloud_region = Some("europe-west9".into());
        assert_eq!(
            Query::from_config(&config),
            Some(Query::cloud("gcp", "europe-west9"))
        );
    }
}
