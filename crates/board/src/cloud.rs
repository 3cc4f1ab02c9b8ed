//! Cloud regions of a provider, for "the same energy in every region".
//!
//! [`regions`] is the one place the board asks for a provider's regions: today the GCP regions
//! of `codecarbon_iso` (CodeCarbon's `impact.csv` has no AWS or Azure rows); switching to a
//! fuller source (AWS, Azure) means changing this function only.

use codecarbon_core::GramsPerKwh;
use serde::Serialize;

/// One region of a cloud provider.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CloudRegion {
    /// Provider, lower case (`gcp`).
    pub provider: String,
    /// Region name (`us-central1`).
    pub region: String,
    /// Where it is, for people (`Iowa, United States`).
    pub location: String,
    /// Carbon intensity of the region's electricity.
    pub intensity: GramsPerKwh,
}

/// Every region of `provider` (case-insensitive) with its intensity; empty when none is known.
pub fn regions(provider: &str) -> Vec<CloudRegion> {
    let provider = provider.trim().to_ascii_lowercase();
    let Ok(all) = codecarbon_iso::list() else {
        return Vec::new();
    };
    all.into_iter()
        .filter_map(|a| {
            let p = a.cloud_provider.as_deref()?.to_ascii_lowercase();
            if p != provider {
                return None;
            }
            let place = match a.region.as_deref() {
                Some(r) if !r.is_empty() => format!("{}, {}", title(r), a.country_name),
                _ => a.country_name.clone(),
            };
            Some(CloudRegion {
                provider: p,
                region: a.cloud_region.clone().unwrap_or_default(),
                location: place,
                intensity: a.carbon_intensity,
            })
        })
        .collect()
}

/// `new york` → `New York`.
pub(crate) fn title(text: &str) -> String {
    text.split(' ')
        .map(|w| {
            let mut c = w.chars();
            c.next()
                .map(|f| f.to_uppercase().collect::<String>() + c.as_str())
                .unwrap_or_default()
        })
        .collect::<Vec<_>>()
        .join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn gcp_has_regions_others_none_yet() {
        let gcp = regions("GCP");
        assert_eq!(gcp.len(), 40);
        let iowa = gcp.iter().find(|r| r.region == "us-central1").unwrap();
        assert!(iowa.intensity.value() > 0.0);
        assert_eq!(iowa.location, "Iowa, USA");
        assert!(regions("nowhere").is_empty());
    }
}
