//! Cloud regions: Google Cloud's published carbon intensity per region (`cloud/impact.csv`).

use crate::datasets::{CloudRow, Datasets, CLOUD_REGION_TYPOS};
use crate::error::LookupError;

/// The row of a provider's region; provider and region are case-insensitive, and the typo
/// `me-cenrtal1` of CodeCarbon's file is accepted for `me-central1`.
pub(crate) fn resolve<'a>(
    data: &'a Datasets,
    provider: &str,
    region: &str,
) -> Result<&'a CloudRow, LookupError> {
    let provider = provider.trim().to_lowercase();
    let region = region.trim().to_lowercase();
    if provider.is_empty() {
        return Err(LookupError::Empty("cloud_provider"));
    }
    if region.is_empty() {
        return Err(LookupError::Empty("cloud_region"));
    }
    let rows: Vec<&CloudRow> = data
        .cloud
        .iter()
        .filter(|r| r.provider == provider)
        .collect();
    if rows.is_empty() {
        if OTHER_CLOUD_PROVIDERS.contains(&provider.as_str()) {
            return Err(LookupError::OtherCloudProvider { provider });
        }
        return Err(LookupError::UnknownCloudProvider {
            provider,
            valid: providers(data),
        });
    }
    let wanted = CLOUD_REGION_TYPOS
        .iter()
        .find(|(typo, _)| *typo == region)
        .map_or(region.as_str(), |(_, fixed)| *fixed);
    rows.iter()
        .find(|r| r.region == wanted)
        .copied()
        .ok_or_else(|| LookupError::UnknownCloudRegion {
            provider,
            region: region.clone(),
            valid: rows.iter().map(|r| r.region.clone()).collect(),
        })
}

/// Providers whose regions the `cloud` plugin knows (Cloud Carbon Footprint's tables), not
/// CodeCarbon's `impact.csv`.
const OTHER_CLOUD_PROVIDERS: [&str; 2] = ["aws", "azure"];

/// Every provider whose regions work, sorted: those with data here, and
/// [`OTHER_CLOUD_PROVIDERS`].
fn providers(data: &Datasets) -> Vec<String> {
    let here = data.cloud.iter().map(|r| r.provider.clone());
    let elsewhere = OTHER_CLOUD_PROVIDERS.iter().map(|p| p.to_string());
    let mut all: Vec<String> = here.chain(elsewhere).collect();
    all.sort();
    all.dedup();
    all
}

/// Where the region is, spelled as CodeCarbon writes it in a row's `region`: `state` as
/// written in `impact.csv` (`Iowa`, `South Korea`), or `city` when `state` is empty.
///
/// CodeCarbon means the same (`get_cloud_geo_region`) but gets pandas' NaN for an empty
/// `state`, which it writes as an empty `region`: here the city is written instead.
pub(crate) fn geo_region(row: &CloudRow) -> Option<String> {
    [&row.state, &row.city]
        .into_iter()
        .map(|s| s.trim())
        .find(|s| !s.is_empty())
        .map(str::to_string)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::datasets::datasets;

    #[test]
    fn finds_a_region_in_any_case() {
        let data = datasets().unwrap();
        let row = resolve(data, "GCP", " US-Central1 ").unwrap();
        assert_eq!((row.impact, row.country_iso_code.as_str()), (430.0, "USA"));
        assert_eq!(geo_region(row).as_deref(), Some("Iowa"));
        let paris = resolve(data, "gcp", "europe-west9").unwrap();
        assert_eq!(geo_region(paris).as_deref(), Some("Paris"));
    }

    #[test]
    fn typo_is_fixed_and_accepted() {
        let data = datasets().unwrap();
        let fixed = resolve(data, "gcp", "me-central1").unwrap();
        let typo = resolve(data, "gcp", "me-cenrtal1").unwrap();
        assert!(std::ptr::eq(fixed, typo));
        assert_eq!(fixed.region, "me-central1");
        assert_eq!(fixed.impact, 575.0);
    }

    #[test]
    fn unknown_provider_and_region_say_what_exists() {
        let data = datasets().unwrap();
        let err = resolve(data, "ovh", "gra").unwrap_err();
        assert!(
            err.to_string()
                .contains("known providers: aws, azure, gcp;"),
            "{err}"
        );
        let err = resolve(data, "AWS", "us-east-1").unwrap_err();
        assert_eq!(
            err,
            LookupError::OtherCloudProvider {
                provider: "aws".into()
            }
        );
        assert!(err.to_string().contains("`cloud` plugin"), "{err}");
        let err = resolve(data, "gcp", "mars-north1").unwrap_err();
        assert!(matches!(err, LookupError::UnknownCloudRegion { .. }));
        assert!(err.to_string().contains("us-central1"), "{err}");
        assert_eq!(
            resolve(data, "gcp", "").unwrap_err(),
            LookupError::Empty("cloud_region")
        );
    }
}
