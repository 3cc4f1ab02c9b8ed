#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
//! The `cloud_region` intensity provider.

use codecarbon_cloud::{CloudRegionIntensity, AWS_SOURCE, AZURE_SOURCE};
use codecarbon_core::{GramsPerKwh, IntensityBasis, IntensityProvider, Location};
use std::time::SystemTime;

fn on(provider: &str, region: &str) -> Location {
    Location::default().with_cloud(provider, region)
}

async fn intensity(at: &Location) -> Option<codecarbon_core::Intensity> {
    CloudRegionIntensity
        .intensity(at, SystemTime::now())
        .await
        .unwrap()
}

#[tokio::test]
async fn gcp_europe_west9_is_34_g_per_kwh() {
    let got = intensity(&on("gcp", "europe-west9")).await.unwrap();
    assert_eq!(got.value, GramsPerKwh(34.0));
    assert_eq!(got.basis, IntensityBasis::CloudRegion);
    assert_eq!(got.source, codecarbon_data::source::GOOGLE_CLOUD);
}

#[tokio::test]
async fn aws_and_azure_come_from_cloud_carbon_footprint() {
    let paris = intensity(&on("aws", "eu-west-3")).await.unwrap();
    assert_eq!(paris.value, GramsPerKwh(51.1));
    assert_eq!(paris.source, AWS_SOURCE);
    assert_eq!(paris.basis, IntensityBasis::CloudRegion);
    let virginia = intensity(&on("AWS", " US-EAST-1 ")).await.unwrap();
    assert_eq!(virginia.value, GramsPerKwh(379.069));
    let holland = intensity(&on("azure", "westeurope")).await.unwrap();
    assert_eq!(holland.value, GramsPerKwh(328.4));
    assert_eq!(holland.source, AZURE_SOURCE);
    let sweden = intensity(&on("azure", "SwedenCentral")).await.unwrap();
    assert_eq!(sweden.value, GramsPerKwh(5.67));
}

#[tokio::test]
async fn unknown_provider_region_or_no_cloud_gives_none() {
    assert_eq!(intensity(&on("aws", "mars-north-1")).await, None);
    assert_eq!(intensity(&on("azure", "marsnorth")).await, None);
    assert_eq!(intensity(&on("gcp", "mars-north1")).await, None);
    assert_eq!(intensity(&on("oracle", "eu-paris-1")).await, None);
    let mut only_provider = Location::default().with_country_iso_code("FRA");
    only_provider.cloud_provider = Some("aws".into());
    assert_eq!(intensity(&only_provider).await, None);
    assert_eq!(intensity(&Location::default()).await, None);
}
