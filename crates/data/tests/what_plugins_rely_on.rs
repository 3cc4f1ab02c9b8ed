//! The lookups that the plugins (`iso`, `cloud`, `geoip`, `electricitymaps`) and the board make
//! of this crate, each answered as the caller expects. A change here that breaks one of them
//! fails this test before it fails a plugin's.

#![allow(clippy::unwrap_used, clippy::panic)]

use codecarbon_core::{GramsPerKwh, IntensityBasis, WORLD_AVERAGE};
use codecarbon_data::{cloud, country, list, lookup, source, LookupError, Query, TableError};

/// `electricitymaps` turns an alpha-3 code into the alpha-2 zone; `geoip` turns either into the
/// alpha-3 code and name; `cloud` names a cloud region's country.
#[test]
fn country_codes_both_ways_with_the_name() {
    let fr = country("FRA").unwrap();
    assert_eq!(fr.alpha_2.as_deref(), Some("FR"));
    assert_eq!(fr.name, "France");
    assert_eq!(country("de").unwrap().alpha_3, "DEU");
    assert!(matches!(country("XYZ"), Err(LookupError::NotIso { .. })));
}

/// `geoip` resolves a geolocated subdivision to the spelling the static intensity finds.
#[test]
fn regions_resolve_to_codecarbons_spelling() {
    let ca = lookup(&Query::region("USA", "US-CA")).unwrap();
    assert_eq!(ca.region.as_deref(), Some("california"));
    assert_eq!(ca.basis, IntensityBasis::Region);
    let bc = lookup(&Query::region("CAN", "British Columbia")).unwrap();
    assert_eq!(bc.region.as_deref(), Some("british columbia"));
}

/// The `iso` locator and `static` provider: a country's figure, and the world average flagged
/// for an ISO country without data.
#[test]
fn countries_have_a_figure_or_the_flagged_world_average() {
    let fr = lookup(&Query::country("FRA")).unwrap();
    assert_eq!(fr.source, source::OUR_WORLD_IN_DATA);
    assert!(!fr.world_average_fallback);
    assert!(
        lookup(&Query::country("ATA"))
            .unwrap()
            .world_average_fallback
    );
}

/// `cloud` takes GCP's figures from CodeCarbon's table, and AWS's and Azure's from Cloud
/// Carbon Footprint's; the board and `codecarbon intensity` list them per provider.
#[test]
fn cloud_regions_of_the_three_providers() {
    let gcp = lookup(&Query::cloud("gcp", "europe-west9")).unwrap();
    assert_eq!(gcp.carbon_intensity, GramsPerKwh(34.0));
    assert_eq!(gcp.source, source::GOOGLE_CLOUD);
    let same = cloud::region("gcp", "europe-west9").unwrap().unwrap();
    assert_eq!(same.intensity, gcp.carbon_intensity);
    let paris = cloud::region("aws", "eu-west-3").unwrap().unwrap();
    assert_eq!(
        (paris.country_iso_code.as_str(), paris.source.as_str()),
        ("FRA", cloud::AWS_SOURCE)
    );
    assert!(!cloud::regions("azure").is_empty());
    assert!(matches!(
        cloud::known_region("aws", "mars-1"),
        Err(TableError::UnknownRegion { .. })
    ));
    assert_eq!(
        lookup(&Query::cloud("aws", "eu-west-3")).unwrap_err(),
        LookupError::OtherCloudProvider {
            provider: "aws".into()
        }
    );
}

/// The board's place names and `codecarbon intensity --list` come from `list`.
#[test]
fn list_has_every_family() {
    let all = list().unwrap();
    assert!(all
        .iter()
        .any(|a| a.cloud_provider.as_deref() == Some("gcp")));
    assert!(all.iter().any(|a| a.region.as_deref() == Some("se1")));
    assert!(all
        .iter()
        .any(|a| a.country_iso_code == "FRA" && a.region.is_none()));
}

/// The `static` provider's world average (the engine's fallback) is the dataset's.
#[test]
fn the_data_world_average_is_the_core_constant() {
    let per_source: serde_json::Value =
        serde_json::from_str(codecarbon_data::files::CARBON_INTENSITY_PER_SOURCE).unwrap();
    assert_eq!(per_source["world_average"].as_f64(), Some(WORLD_AVERAGE.0));
}
