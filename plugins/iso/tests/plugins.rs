//! The `iso` locator and `static` intensity plugins, through the registry as the engine uses
//! them.

#![allow(clippy::unwrap_used, clippy::panic)] // test helpers, outside #[test] functions

use codecarbon_core::registry::{self, plugins, Candidate};
use codecarbon_core::{
    BuildError, Config, GramsPerKwh, Location, Locator, PluginDescriptor, PluginKind, Probe,
};
use codecarbon_iso::{source, StaticIntensity, PLUGINS};
use std::time::SystemTime;

fn descriptor(name: &str) -> &'static PluginDescriptor {
    plugins().into_iter().find(|p| p.name == name).unwrap()
}

fn iso() -> Candidate<Box<dyn Locator>> {
    registry::locators()
        .into_iter()
        .find(|p| p.name == "iso")
        .unwrap()
}

fn config(country: Option<&str>, region: Option<&str>, cloud: Option<(&str, &str)>) -> Config {
    Config {
        country_iso_code: country.map(Into::into),
        region: region.map(Into::into),
        cloud_provider: cloud.map(|c| c.0.into()),
        cloud_region: cloud.map(|c| c.1.into()),
        ..Config::default()
    }
}

async fn locate(config: &Config) -> Location {
    let locator = (iso().build)(config).unwrap();
    locator.locate().await.unwrap()
}

async fn intensity(at: &Location) -> Option<codecarbon_core::Intensity> {
    let providers = registry::intensity_providers();
    let stat = providers.iter().find(|p| p.name == "static").unwrap();
    let provider = (stat.build)(&Config::default()).unwrap();
    provider.intensity(at, SystemTime::now()).await.unwrap()
}

#[test]
fn both_plugins_are_registered_as_promised() {
    for name in PLUGINS {
        assert!(plugins().iter().any(|p| p.name == *name), "{name}");
    }
    let iso = descriptor("iso");
    // Above every network locator: a place the user names is never looked up.
    assert_eq!((iso.kind(), iso.priority), (PluginKind::Locator, 100));
    let stat = descriptor("static");
    assert_eq!((stat.kind(), stat.priority), (PluginKind::Intensity, 0));
}

#[test]
fn iso_probe_needs_a_country_or_a_cloud_region() {
    let probe = descriptor("iso").probe;
    assert!(matches!(probe(&Config::default()), Probe::Unavailable(_)));
    assert!(matches!(
        probe(&config(None, None, None)),
        Probe::Unavailable(_)
    ));
    let only_provider = Config {
        cloud_provider: Some("gcp".into()),
        ..Config::default()
    };
    assert!(matches!(probe(&only_provider), Probe::Unavailable(_)));
    assert_eq!(probe(&config(Some("FRA"), None, None)), Probe::Available);
    assert_eq!(
        probe(&config(None, None, Some(("gcp", "us-central1")))),
        Probe::Available
    );
    assert_eq!(
        (descriptor("static").probe)(&Config::default()),
        Probe::Available
    );
}

#[test]
fn iso_build_rejects_bad_input_with_the_lookup_message() {
    let build = iso().build;
    for (bad, needle) in [
        (config(Some("XYZ"), None, None), "not an ISO 3166-1"),
        (config(Some("USA"), Some("atlantis"), None), "valid regions"),
        (
            config(None, None, Some(("gcp", "mars-north1"))),
            "us-central1",
        ),
        (
            config(Some("XYZ"), None, Some(("gcp", "us-central1"))),
            "not an ISO 3166-1",
        ),
    ] {
        match build(&bad) {
            Err(BuildError::Invalid { plugin, message }) => {
                assert_eq!(plugin, "iso");
                assert!(message.contains(needle), "{message}");
            }
            Err(e) => panic!("{e}"),
            Ok(_) => panic!("{bad:?} was accepted"),
        }
    }
}

#[tokio::test]
async fn iso_locates_a_country_region() {
    let at = locate(&config(Some("ca"), Some("BC"), None)).await;
    assert_eq!(at.country_iso_code.as_deref(), Some("CAN"));
    assert_eq!(at.country_name.as_deref(), Some("Canada"));
    assert_eq!(at.region.as_deref(), Some("british columbia"));
    assert!(!at.on_cloud());
}

#[tokio::test]
async fn iso_locates_a_cloud_region_from_the_csv() {
    let at = locate(&config(None, None, Some(("gcp", "us-west2")))).await;
    assert_eq!(at.country_iso_code.as_deref(), Some("USA"));
    // As CodeCarbon writes it: impact.csv's state, as spelled there.
    assert_eq!(at.region.as_deref(), Some("California"));
    assert_eq!(at.cloud_region.as_deref(), Some("us-west2"));
    assert!(at.on_cloud());
}

#[tokio::test]
async fn static_prefers_cloud_then_region_then_country() {
    let cloud = locate(&config(None, None, Some(("gcp", "us-west2")))).await;
    let got = intensity(&cloud).await.unwrap();
    assert_eq!(
        (got.value, got.source.as_str()),
        (GramsPerKwh(198.0), source::GOOGLE_CLOUD)
    );

    let region = locate(&config(Some("USA"), Some("california"), None)).await;
    let got = intensity(&region).await.unwrap();
    assert_eq!(
        (got.source.as_str(), got.year),
        (source::EPA_EGRID, Some(2023))
    );

    let country = locate(&config(Some("USA"), None, None)).await;
    let got = intensity(&country).await.unwrap();
    assert_eq!(got.value, GramsPerKwh(369.473));
    assert_eq!(got.source, source::OUR_WORLD_IN_DATA);
}

#[tokio::test]
async fn static_falls_back_like_codecarbon() {
    // An unknown cloud region and an unknown region fall back to the country value.
    let at = Location::default()
        .with_country_iso_code("USA")
        .with_region("northern virginia")
        .with_cloud("aws", "us-east-1");
    assert_eq!(intensity(&at).await.unwrap().value, GramsPerKwh(369.473));
    // No country, a country without data, a code that is not ISO: nothing, so the engine
    // uses the world average and warns.
    assert_eq!(intensity(&Location::default()).await, None);
    let no_data = Location::default().with_country_iso_code("ATA");
    assert_eq!(intensity(&no_data).await, None);
    let not_iso = Location::default().with_country_iso_code("XX");
    assert_eq!(StaticIntensity.intensity_for(&not_iso).unwrap(), None);
}
