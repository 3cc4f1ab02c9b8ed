//! The `geoip_db` locator against MaxMind DB fixtures written in the test.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use codecarbon_core::{LocateError, Locator};
use codecarbon_geoip::{DbLocator, IpSource, SetupError, Timeouts};
use codecarbon_testkit::{dead_url, HttpStub, Reply};
use std::net::IpAddr;
use std::time::{Duration, Instant};

fn ip(s: &str) -> IpAddr {
    s.parse().unwrap()
}

fn fixed(s: &str) -> IpSource {
    IpSource::fixed(ip(s))
}

#[test]
fn geoip2_records_give_country_region_and_coordinates() {
    let dir = tempfile::tempdir().unwrap();
    let db = DbLocator::open(common::geoip2_db(dir.path()), fixed("192.0.2.1")).unwrap();

    let fr = db.lookup(ip("192.0.2.77")).unwrap();
    assert_eq!(fr.country_iso_code.as_deref(), Some("FRA"));
    assert_eq!(fr.country_name.as_deref(), Some("France"));
    assert_eq!(fr.region.as_deref(), Some("île-de-france"));
    assert_eq!((fr.latitude, fr.longitude), (Some(48.8582), Some(2.3387)));

    let ca = db.lookup(ip("198.51.100.9")).unwrap();
    assert_eq!(ca.country_iso_code.as_deref(), Some("CAN"));
    assert_eq!(ca.region.as_deref(), Some("quebec"));

    let us = db.lookup(ip("2001:db8:1::42")).unwrap();
    assert_eq!(us.country_iso_code.as_deref(), Some("USA"));
    assert_eq!(us.country_name.as_deref(), Some("United States"));
    assert_eq!(us.region.as_deref(), Some("california"));
    assert_eq!((us.latitude, us.longitude), (Some(37.751), Some(-97.822)));

    let de = db.lookup(ip("203.0.113.5")).unwrap();
    assert_eq!(de.country_iso_code.as_deref(), Some("DEU"));
    assert_eq!((de.region, de.latitude), (None, None));

    // An IPv4-mapped address is looked up as the IPv4 address.
    let mapped = db.lookup(ip("::ffff:192.0.2.77")).unwrap();
    assert_eq!(mapped.country_iso_code.as_deref(), Some("FRA"));
}

#[test]
fn flat_records_v4_and_v6() {
    let dir = tempfile::tempdir().unwrap();
    let db = DbLocator::open(common::flat_db(dir.path()), fixed("192.0.2.1")).unwrap();

    let nl = db.lookup(ip("192.0.2.200")).unwrap();
    assert_eq!(nl.country_iso_code.as_deref(), Some("NLD"));
    assert_eq!(nl.country_name.as_deref(), Some("Netherlands"));
    assert_eq!((nl.region, nl.latitude, nl.longitude), (None, None, None));

    let jp = db.lookup(ip("2001:db8:ffff::1")).unwrap();
    assert_eq!(jp.country_iso_code.as_deref(), Some("JPN"));
    assert_eq!(jp.region.as_deref(), Some("tokyo"));
    assert_eq!((jp.latitude, jp.longitude), (Some(35.6895), Some(139.6917)));
}

#[test]
fn an_address_outside_the_database_or_without_country_is_unavailable() {
    let dir = tempfile::tempdir().unwrap();
    let path = common::flat_db(dir.path());
    let db = DbLocator::open(&path, fixed("192.0.2.1")).unwrap();
    let err = db.lookup(ip("198.51.100.1")).unwrap_err();
    assert!(matches!(err, LocateError::Unavailable(_)));
    let msg = err.to_string();
    assert!(
        msg.contains("198.51.100.1 is not in the GeoIP database"),
        "{msg}"
    );
    assert!(msg.contains(&path.display().to_string()), "{msg}");
    assert!(msg.contains("country_iso_code"), "{msg}");

    let db = DbLocator::open(common::geoip2_db(dir.path()), fixed("192.0.2.1")).unwrap();
    let msg = db.lookup(ip("203.0.113.200")).unwrap_err().to_string();
    assert!(
        msg.contains("no usable country") && msg.contains("\"XX\""),
        "{msg}"
    );
}

#[test]
fn a_missing_or_corrupt_file_names_the_path_and_the_fix() {
    let dir = tempfile::tempdir().unwrap();
    let missing = dir.path().join("nowhere").join("GeoLite2-City.mmdb");
    let err = DbLocator::open(&missing, fixed("192.0.2.1")).unwrap_err();
    assert!(matches!(err, SetupError::Database { .. }), "{err:?}");
    let msg = err.to_string();
    assert!(msg.contains(&missing.display().to_string()), "{msg}");
    assert!(
        msg.contains("cannot read it") && msg.contains("`geoip_db`"),
        "{msg}"
    );

    let corrupt = dir.path().join("corrupt.mmdb");
    std::fs::write(&corrupt, b"this is not a MaxMind database").unwrap();
    let msg = DbLocator::open(&corrupt, fixed("192.0.2.1"))
        .unwrap_err()
        .to_string();
    assert!(msg.contains("not a valid MaxMind DB file"), "{msg}");
    assert!(msg.contains(&corrupt.display().to_string()), "{msg}");
}

#[tokio::test]
async fn locate_uses_the_fixed_public_ip() {
    let dir = tempfile::tempdir().unwrap();
    let db = DbLocator::open(common::flat_db(dir.path()), fixed("2001:db8::7")).unwrap();
    let loc = db.locate().await.unwrap();
    assert_eq!(loc.country_iso_code.as_deref(), Some("JPN"));
}

fn ip_stub() -> HttpStub {
    HttpStub::start(|req| match req.path.as_str() {
        "/" => Reply::text("192.0.2.10\n"),
        "/json" => Reply::json(r#"{"ip":"2001:db8:1::10"}"#),
        "/garbage" => Reply::text("<html>hello</html>"),
        _ => Reply::status(404),
    })
}

#[tokio::test]
async fn the_public_ip_is_discovered_from_text_or_json_once() {
    let dir = tempfile::tempdir().unwrap();
    let path = common::geoip2_db(dir.path());
    let stub = ip_stub();

    let text = IpSource::discover(stub.url(), Timeouts::default()).unwrap();
    let db = DbLocator::open(&path, text).unwrap();
    assert_eq!(
        db.locate().await.unwrap().country_iso_code.as_deref(),
        Some("FRA")
    );
    assert_eq!(
        db.locate().await.unwrap().country_iso_code.as_deref(),
        Some("FRA")
    );
    assert_eq!(stub.requests_to("/").len(), 1, "the location is cached");

    let json = IpSource::discover(&format!("{}/json", stub.url()), Timeouts::default()).unwrap();
    assert_eq!(json.resolve().await.unwrap(), ip("2001:db8:1::10"));
    let db = DbLocator::open(&path, json).unwrap();
    assert_eq!(
        db.locate().await.unwrap().region.as_deref(),
        Some("california")
    );
}

#[tokio::test]
async fn a_dead_or_wrong_public_ip_service_is_a_clear_error() {
    let dir = tempfile::tempdir().unwrap();
    let path = common::geoip2_db(dir.path());
    let dead = dead_url();
    let port = dead.rsplit(':').next().unwrap();
    let url = format!("http://me:hunter2@127.0.0.1:{port}/ip?key=k3y");
    let db = DbLocator::open(
        &path,
        IpSource::discover(&url, Timeouts::default()).unwrap(),
    )
    .unwrap();
    let start = Instant::now();
    let err = db.locate().await.unwrap_err();
    assert!(
        start.elapsed() < Duration::from_millis(500),
        "{:?}",
        start.elapsed()
    );
    assert!(matches!(err, LocateError::Unavailable(_)));
    let msg = err.to_string();
    assert!(msg.contains("cannot find the public IP"), "{msg}");
    assert!(
        msg.contains(&format!("http://127.0.0.1:{port}/ip")),
        "{msg}"
    );
    assert!(
        msg.contains("public_ip") && msg.contains("country_iso_code"),
        "{msg}"
    );
    let debug = format!("{db:?} {err:?}");
    for shown in [&msg, &debug] {
        assert!(!shown.contains("hunter2") && !shown.contains("k3y") && !shown.contains("me:"));
    }

    let stub = ip_stub();
    let garbage = IpSource::discover(&format!("{}/garbage", stub.url()), Timeouts::default());
    let msg = garbage.unwrap().resolve().await.unwrap_err().to_string();
    assert!(msg.contains("not an IP address"), "{msg}");
}

/// An answer echoing the token at characters 50 to 62: where answers were once cut (character
/// 60) before the token could be hidden, which showed its first part.
#[tokio::test]
async fn a_token_echoed_by_the_public_ip_service_shows_not_even_in_part() {
    let echo = HttpStub::start(|req| Reply::text(format!("{:<44}{}", "not an address", req.query)));
    let token = "tok-S3CRET-99";
    let url = format!("{}/ip?token={token}", echo.url());
    let source = IpSource::discover(&url, Timeouts::default()).unwrap();
    let msg = source.resolve().await.unwrap_err().to_string();
    assert!(msg.contains("not an IP address"), "{msg}");
    assert!(msg.contains("token=<hidden>"), "{msg}");
    for part in token.as_bytes().windows(5) {
        let part = std::str::from_utf8(part).unwrap();
        assert!(!msg.contains(part), "{part} in {msg}");
    }
}
