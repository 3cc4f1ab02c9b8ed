//! The registered descriptors: names, priorities, settings, probes and builds from a `Config`.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use codecarbon_core::registry::{locators, plugins_of};
use codecarbon_core::{BuildError, Config, Locator, PluginDescriptor, PluginKind, Probe};
use codecarbon_geoip::PLUGINS;
use codecarbon_testkit::{dead_url, HttpStub, Reply};

fn descriptor(name: &str) -> &'static PluginDescriptor {
    plugins_of(PluginKind::Locator)
        .into_iter()
        .find(|p| p.name == name)
        .unwrap_or_else(|| panic!("{name} is not registered"))
}

fn config(pairs: &[(&str, &str)]) -> Config {
    let mut config = Config::default();
    for (k, v) in pairs {
        config.extra.0.insert((*k).into(), (*v).into());
    }
    config
}

fn build(name: &str, config: &Config) -> Result<Box<dyn Locator>, BuildError> {
    let candidates = locators();
    let candidate = candidates.iter().find(|p| p.name == name).unwrap();
    (candidate.build)(config)
}

fn unavailable(probe: Probe) -> String {
    match probe {
        Probe::Unavailable(why) => why,
        other => panic!("expected Unavailable, got {other:?}"),
    }
}

#[test]
fn both_locators_are_registered_with_their_settings() {
    assert_eq!(PLUGINS, ["geoip", "geoip_db"]);
    let geoip = descriptor("geoip");
    let db = descriptor("geoip_db");
    assert_eq!((geoip.priority, db.priority), (20, 30));
    let owner = |key| codecarbon_core::settings::find(key).map(|s| s.owner_name());
    for key in ["geolocation_url", "geolocation_backup_url"] {
        assert_eq!(owner(key), Some("geoip"), "{key}");
    }
    for key in ["geoip_db", "public_ip", "public_ip_url"] {
        assert_eq!(owner(key), Some("geoip_db"), "{key}");
    }
}

#[test]
fn geoip_is_unavailable_offline() {
    let mut config = Config::default();
    assert_eq!((descriptor("geoip").probe)(&config), Probe::Available);
    config.offline = true;
    assert!(unavailable((descriptor("geoip").probe)(&config)).contains("offline"));
}

#[test]
fn geoip_db_needs_a_path_and_offline_a_public_ip() {
    let probe = descriptor("geoip_db").probe;
    assert!(unavailable(probe(&Config::default())).contains("`geoip_db`"));
    assert!(unavailable(probe(&config(&[("geoip_db", "  ")]))).contains("`geoip_db`"));
    let mut offline = config(&[("geoip_db", "/data/GeoLite2-City.mmdb")]);
    assert_eq!(probe(&offline), Probe::Available);
    offline.offline = true;
    assert!(unavailable(probe(&offline)).contains("public_ip"));
    offline
        .extra
        .0
        .insert("public_ip".into(), "192.0.2.1".into());
    assert_eq!(probe(&offline), Probe::Available);
}

#[test]
fn geoip_db_build_errors_are_invalid_and_say_the_fix() {
    let missing = "/nonexistent/dir/GeoLite2-City.mmdb";
    let err = build(
        "geoip_db",
        &config(&[("geoip_db", missing), ("public_ip", "192.0.2.1")]),
    )
    .err()
    .unwrap();
    assert!(
        matches!(
            err,
            BuildError::Invalid {
                plugin: "geoip_db",
                ..
            }
        ),
        "{err:?}"
    );
    assert!(err.to_string().contains(missing), "{err}");

    let dir = tempfile::tempdir().unwrap();
    let path = common::flat_db(dir.path());
    let path = path.to_str().unwrap();
    let err = build(
        "geoip_db",
        &config(&[("geoip_db", path), ("public_ip", "my-box")]),
    )
    .err()
    .unwrap();
    assert!(
        err.to_string()
            .contains("\"my-box\" is not an IPv4 or IPv6"),
        "{err}"
    );

    let bad_url = [("geoip_db", path), ("public_ip_url", "file:///etc/passwd")];
    let err = build("geoip_db", &config(&bad_url)).err().unwrap();
    assert!(err.to_string().contains("`public_ip_url`"), "{err}");

    let err = build("geoip", &config(&[("geolocation_url", "gopher://x")]))
        .err()
        .unwrap();
    assert!(
        matches!(
            err,
            BuildError::Invalid {
                plugin: "geoip",
                ..
            }
        ),
        "{err:?}"
    );
}

#[tokio::test]
async fn built_locators_answer() {
    let dir = tempfile::tempdir().unwrap();
    let path = common::geoip2_db(dir.path());
    let cfg = config(&[
        ("geoip_db", path.to_str().unwrap()),
        ("public_ip", "198.51.100.3"),
    ]);
    let db = build("geoip_db", &cfg).unwrap();
    let loc = db.locate().await.unwrap();
    assert_eq!(loc.country_iso_code.as_deref(), Some("CAN"));
    assert_eq!(loc.region.as_deref(), Some("quebec"));

    let stub = HttpStub::start(|_| Reply::json(r#"{"country":"DE","loc":"52.52,13.40"}"#));
    let backup = format!("{}/json", stub.url());
    let cfg = config(&[
        ("geolocation_url", &dead_url()),
        ("geolocation_backup_url", &backup),
    ]);
    let geo = build("geoip", &cfg).unwrap();
    let loc = geo.locate().await.unwrap();
    assert_eq!(loc.country_iso_code.as_deref(), Some("DEU"));
    assert_eq!(loc.country_name.as_deref(), Some("Germany"));
    assert_eq!((loc.latitude, loc.longitude), (Some(52.52), Some(13.40)));
}
