//! Cloud regions of a provider, for "the same energy in every region".
//!
//! [`regions`] is the one place the board asks for a provider's regions: the `cloud` plugin's
//! tables (GCP from CodeCarbon's `impact.csv`, AWS and Azure from Cloud Carbon Footprint).

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
    codecarbon_data::cloud::regions(provider.trim())
        .into_iter()
        .map(|r| CloudRegion {
            provider: r.provider,
            region: r.region,
            location: r.location,
            intensity: r.intensity,
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
    fn every_provider_has_its_regions() {
        let gcp = regions("GCP");
        assert_eq!(gcp.len(), 40);
        let iowa = gcp.iter().find(|r| r.region == "us-central1").unwrap();
        assert!(iowa.intensity.value() > 0.0);
        assert!(iowa.location.contains("Iowa"), "{}", iowa.location);
        let paris = regions("aws")
            .into_iter()
            .find(|r| r.region == "eu-west-3")
            .unwrap();
        assert!((paris.intensity.value() - 51.1).abs() < 1e-9);
        assert!(!regions("azure").is_empty());
        assert!(regions("nowhere").is_empty());
    }
}
