//! Per-region carbon intensity of the three big clouds.
//!
//! AWS and Azure come from `data/cloud/aws.csv` and `data/cloud/azure.csv` (Cloud Carbon
//! Footprint's coefficients, see `data/SOURCES.md`), embedded and parsed once. GCP comes from
//! CodeCarbon's `cloud/impact.csv` (the same rows [`lookup`] answers from), so
//! the `static` and `cloud_region` intensity providers give the same GCP figure.

pub(crate) mod gcp;

use crate::error::TableError;
use crate::{list, lookup, LookupError, Query};
use codecarbon_core::GramsPerKwh;
use std::sync::OnceLock;

/// The providers with per-region data, in the order [`regions`] knows them.
pub const PROVIDERS: &[&str] = &["aws", "azure", "gcp"];

/// The dataset name given with an AWS figure.
pub const AWS_SOURCE: &str = "Cloud Carbon Footprint (AWS)";
/// The dataset name given with an Azure figure.
pub const AZURE_SOURCE: &str = "Cloud Carbon Footprint (Azure)";

/// The header every table has; `cargo xtask refresh-data` writes the same.
pub const TABLE_HEADER: [&str; 4] = ["region", "location", "country_iso_code", "g_co2e_per_kwh"];

use crate::files::{AWS_REGIONS as AWS_CSV, AZURE_REGIONS as AZURE_CSV};

/// One region of a cloud provider and the carbon intensity of its electricity, so a caller can
/// compare where the same work would have been cleaner.
#[derive(Debug, Clone, PartialEq)]
pub struct CloudRegion {
    /// The provider, lower-case: `aws`, `azure` or `gcp`.
    pub provider: String,
    /// The provider's region name as its metadata service gives it (`eu-west-3`,
    /// `westeurope`, `europe-west9`).
    pub region: String,
    /// Where it is, for people (`Europe (Paris)`, `West Europe`, `Paris, France`).
    pub location: String,
    /// ISO 3166-1 alpha-3 code of the country it is in (`FRA`).
    pub country_iso_code: String,
    /// Grams of CO2-equivalent per kWh of the region's electricity.
    pub intensity: GramsPerKwh,
    /// The dataset the figure comes from.
    pub source: String,
}

/// The two embedded tables, parsed.
struct Tables {
    aws: Vec<CloudRegion>,
    azure: Vec<CloudRegion>,
}

fn tables() -> Result<&'static Tables, TableError> {
    static TABLES: OnceLock<Result<Tables, TableError>> = OnceLock::new();
    TABLES
        .get_or_init(|| {
            Ok(Tables {
                aws: parse_table("aws", AWS_SOURCE, AWS_CSV)?,
                azure: parse_table("azure", AZURE_SOURCE, AZURE_CSV)?,
            })
        })
        .as_ref()
        .map_err(Clone::clone)
}

/// Parses one table in the fixed format (`region,location,country_iso_code,g_co2e_per_kwh`).
///
/// Public so that `cargo xtask check-data` can check a regenerated file with the same rules
/// the binary uses.
pub fn parse_table(
    provider: &str,
    source: &str,
    text: &str,
) -> Result<Vec<CloudRegion>, TableError> {
    let corrupt = |line: usize, why: String| TableError::Corrupt {
        provider: provider.to_string(),
        line,
        why,
    };
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(true)
        .from_reader(text.as_bytes());
    let header = reader
        .headers()
        .map_err(|e| corrupt(1, e.to_string()))?
        .clone();
    if header.iter().ne(TABLE_HEADER.iter().copied()) {
        return Err(corrupt(
            1,
            format!(
                "header is `{}`",
                header.iter().collect::<Vec<_>>().join(",")
            ),
        ));
    }
    let mut rows = Vec::new();
    for (index, record) in reader.records().enumerate() {
        let line = index + 2;
        let record = record.map_err(|e| corrupt(line, e.to_string()))?;
        let field = |i: usize| record.get(i).map(str::trim).unwrap_or_default();
        let (region, location, country, value) = (field(0), field(1), field(2), field(3));
        if region.is_empty() || location.is_empty() {
            return Err(corrupt(line, "empty region or location".into()));
        }
        let intensity: f64 = value
            .parse()
            .map_err(|_| corrupt(line, format!("intensity `{value}` is not a number")))?;
        if !intensity.is_finite() || intensity < 0.0 {
            return Err(corrupt(
                line,
                format!("intensity `{value}` is not 0 or more"),
            ));
        }
        if country.len() != 3 || !country.bytes().all(|b| b.is_ascii_uppercase()) {
            return Err(corrupt(line, format!("`{country}` is not an alpha-3 code")));
        }
        rows.push(CloudRegion {
            provider: provider.to_string(),
            region: region.to_ascii_lowercase(),
            location: location.to_string(),
            country_iso_code: country.to_string(),
            intensity: GramsPerKwh(intensity),
            source: source.to_string(),
        });
    }
    Ok(rows)
}

/// Every region of `provider` (`aws`, `azure` or `gcp`, any case), sorted by region name;
/// empty for a provider without data.
///
/// Built for comparisons ("the same energy in every region of that provider, and the cleanest
/// one"): see also [`cleanest`].
///
/// ```
/// let aws = codecarbon_data::cloud::regions("aws");
/// let paris = aws.iter().find(|r| r.region == "eu-west-3").unwrap();
/// assert_eq!(paris.country_iso_code, "FRA");
/// assert!(codecarbon_data::cloud::regions("gcp").iter().any(|r| r.region == "europe-west9"));
/// ```
pub fn regions(provider: &str) -> Vec<CloudRegion> {
    try_regions(provider).unwrap_or_default()
}

/// Like [`regions`], but says when an embedded dataset is corrupt (a bug in this build)
/// instead of giving an empty list.
pub fn try_regions(provider: &str) -> Result<Vec<CloudRegion>, TableError> {
    let mut all = match provider.trim().to_ascii_lowercase().as_str() {
        "aws" => tables()?.aws.clone(),
        "azure" => tables()?.azure.clone(),
        "gcp" => gcp_regions()?,
        _ => Vec::new(),
    };
    all.sort_by(|a, b| a.region.cmp(&b.region));
    Ok(all)
}

/// The region of `provider` with the lowest intensity (the first by name among equals).
pub fn cleanest(provider: &str) -> Option<CloudRegion> {
    regions(provider).into_iter().reduce(|best, r| {
        if r.intensity.0 < best.intensity.0 {
            r
        } else {
            best
        }
    })
}

/// One region a user named: like [`region`], but a region the data does not know is
/// [`TableError::UnknownRegion`], which lists the valid ones.
pub fn known_region(provider: &str, region: &str) -> Result<CloudRegion, TableError> {
    self::region(provider, region)?.ok_or_else(|| TableError::UnknownRegion {
        provider: provider.trim().to_ascii_lowercase(),
        region: region.trim().to_ascii_lowercase(),
        valid: regions(provider).into_iter().map(|r| r.region).collect(),
    })
}

/// One region of a provider, both names any case; `Ok(None)` when the data does not know it.
pub fn region(provider: &str, region: &str) -> Result<Option<CloudRegion>, TableError> {
    let provider = provider.trim().to_ascii_lowercase();
    let region = region.trim().to_ascii_lowercase();
    let table = match provider.as_str() {
        "aws" => &tables()?.aws,
        "azure" => &tables()?.azure,
        "gcp" => return gcp_region(&region),
        _ => return Ok(None),
    };
    Ok(table.iter().find(|r| r.region == region).cloned())
}

fn gcp_region(region: &str) -> Result<Option<CloudRegion>, TableError> {
    match lookup(&Query::cloud("gcp", region)) {
        Ok(answer) => Ok(gcp_row(answer)),
        Err(LookupError::Data(why)) => Err(TableError::Iso(why)),
        Err(_) => Ok(None),
    }
}

fn gcp_regions() -> Result<Vec<CloudRegion>, TableError> {
    let all = list().map_err(|e| TableError::Iso(e.to_string()))?;
    Ok(all
        .into_iter()
        .filter(|a| a.cloud_provider.as_deref() == Some("gcp"))
        .filter_map(gcp_row)
        .collect())
}

fn gcp_row(answer: crate::Answer) -> Option<CloudRegion> {
    let location = match &answer.region {
        Some(place) => format!("{place}, {}", answer.country_name),
        None => answer.country_name.clone(),
    };
    Some(CloudRegion {
        provider: answer.cloud_provider?,
        region: answer.cloud_region?,
        location,
        country_iso_code: answer.country_iso_code,
        intensity: answer.carbon_intensity,
        source: answer.source,
    })
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
    use super::*;

    #[test]
    fn parse_rejects_a_wrong_header_and_bad_rows() {
        let err = parse_table("aws", "s", "region,where,cc,g\n").unwrap_err();
        assert!(err.to_string().contains("header"), "{err}");
        let head = "region,location,country_iso_code,g_co2e_per_kwh\n";
        for bad in [
            "x,X,FRA,abc\n",
            "x,X,FRA,-1\n",
            "x,X,fr,10\n",
            ",X,FRA,10\n",
        ] {
            let err = parse_table("aws", "s", &format!("{head}{bad}")).unwrap_err();
            assert!(err.to_string().contains("line 2"), "{bad}: {err}");
        }
        let ok = parse_table(
            "aws",
            "s",
            &format!("{head}Eu-West-3,\"Europe (Paris)\",FRA,51.1\n"),
        )
        .unwrap();
        assert_eq!(ok[0].region, "eu-west-3");
        assert_eq!(ok[0].intensity, GramsPerKwh(51.1));
    }

    #[test]
    fn gcp_rows_come_from_codecarbons_impact_csv() {
        let paris = region("GCP", " europe-west9 ").unwrap().unwrap();
        assert_eq!(paris.intensity, GramsPerKwh(34.0));
        assert_eq!(paris.country_iso_code, "FRA");
        assert_eq!(paris.location, "Paris, France");
        assert_eq!(paris.source, crate::source::GOOGLE_CLOUD);
        assert_eq!(regions("gcp").len(), 40);
        assert_eq!(region("gcp", "mars-north1").unwrap(), None);
        assert_eq!(region("oracle", "eu-west-3").unwrap(), None);
        assert!(regions("oracle").is_empty());
    }
}
