#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
//! The registered plugins, built from configuration as the engine builds them.

use codecarbon_cloud::{METADATA_URL_KEY, PLUGINS};
use codecarbon_core::registry::{self, plugins, Candidate};
use codecarbon_core::{BuildError, Config, Locator, PluginDescriptor, PluginKind, Probe};
use codecarbon_testkit::{HttpStub, Reply};
use std::time::SystemTime;

fn descriptor(name: &str) -> &'static PluginDescriptor {
    plugins().into_iter().find(|p| p.name == name).unwrap()
}

fn locator(name: &str) -> Candidate<Box<dyn Locator>> {
    registry::locators()
        .into_iter()
        .find(|p| p.name == name)
        .unwrap()
}

#[test]
fn both_plugins_are_registered() {
    let ours: Vec<&str> = plugins()
        .into_iter()
        .filter(|p| PLUGINS.contains(&p.name))
        .map(|p| p.name)
        .collect();
    assert_eq!(ours.len(), PLUGINS.len());
    let cloud = descriptor("cloud");
    assert_eq!((cloud.kind(), cloud.priority), (PluginKind::Locator, 50));
    let owner = codecarbon_core::settings::find(METADATA_URL_KEY).map(|s| s.owner_name());
    assert_eq!(owner, Some("cloud"));
    let region = descriptor("cloud_region");
    assert_eq!(
        (region.kind(), region.priority),
        (PluginKind::Intensity, 100)
    );
}

#[test]
fn cloud_is_unavailable_offline() {
    let mut config = Config::default();
    assert_eq!((descriptor("cloud").probe)(&config), Probe::Available);
    config.offline = true;
    assert!(matches!(
        (descriptor("cloud").probe)(&config),
        Probe::Unavailable(_)
    ));
    assert_eq!(
        (descriptor("cloud_region").probe)(&config),
        Probe::Available
    );
}

#[test]
fn a_bad_metadata_url_is_the_users_to_fix() {
    let mut config = Config::default();
    config
        .set(METADATA_URL_KEY, "ftp://u:hunter2@x", "test")
        .unwrap();
    match (locator("cloud").build)(&config) {
        Err(BuildError::Invalid { plugin, message }) => {
            assert_eq!(plugin, "cloud");
            assert!(message.contains("cloud_metadata_url"), "{message}");
            assert!(!message.contains("hunter2"), "{message}");
        }
        Err(other) => panic!("{other}"),
        Ok(_) => panic!("built"),
    }
}

#[tokio::test]
async fn built_from_config_they_locate_and_give_the_intensity() {
    let stub = HttpStub::start(|req| match req.path.as_str() {
        "/latest/api/token" => Reply::text("tok"),
        "/latest/meta-data/placement/region" => Reply::text("eu-north-1"),
        _ => Reply::status(404),
    });
    let mut config = Config::default();
    config
        .set(METADATA_URL_KEY, &format!("{}/", stub.url()), "test")
        .unwrap();
    let Ok(cloud) = (locator("cloud").build)(&config) else {
        panic!("not built");
    };
    let location = cloud.locate().await.unwrap();
    assert_eq!(location.cloud_region.as_deref(), Some("eu-north-1"));
    assert_eq!(location.country_iso_code.as_deref(), Some("SWE"));
    let providers = registry::intensity_providers();
    let region = providers.iter().find(|p| p.name == "cloud_region").unwrap();
    let Ok(provider) = (region.build)(&config) else {
        panic!("not built");
    };
    let got = provider
        .intensity(&location, SystemTime::now())
        .await
        .unwrap()
        .unwrap();
    assert_eq!(got.value.0, 8.8);
}
