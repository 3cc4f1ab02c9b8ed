//! The `geoip` locator against local stand-ins for GeoJS and ipinfo.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use codecarbon_core::{LocateError, Locator};
use codecarbon_geoip::{GeoIpLocator, GeoIpUrls, SetupError, Timeouts};
use codecarbon_testkit::{dead_url, HttpStub, Reply};
use std::time::{Duration, Instant};

const GEOJS_PARIS: &str = r#"{"organization_name":"Example","region":"Ile-de-France",
  "accuracy":20,"asn":64500,"organization":"AS64500 Example","timezone":"Europe/Paris",
  "longitude":"2.3387","country_code3":"FRA","area_code":"0","ip":"192.0.2.7","city":"Paris",
  "country":"France","continent_code":"EU","country_code":"FR","latitude":"48.8582"}"#;

const IPINFO_PARIS: &str = r#"{"ip":"192.0.2.7","city":"Paris","region":"Île-de-France",
  "country":"FR","loc":"48.8534,2.3488","org":"AS64500 Example","timezone":"Europe/Paris"}"#;

fn locator(primary: &str, backup: &str) -> GeoIpLocator {
    let urls = GeoIpUrls {
        primary: primary.into(),
        backup: backup.into(),
    };
    let timeouts = Timeouts {
        connect: Duration::from_millis(500),
        request: Duration::from_millis(500),
    };
    GeoIpLocator::new(&urls, timeouts).unwrap()
}

fn ipinfo_stub() -> HttpStub {
    HttpStub::start(|req| match req.path.as_str() {
        "/json" => Reply::json(IPINFO_PARIS),
        _ => Reply::status(404),
    })
}

#[tokio::test]
async fn geojs_answer_gives_france_with_coordinates() {
    let stub = HttpStub::start(|req| match req.path.as_str() {
        "/v1/ip/geo.json" => Reply::json(GEOJS_PARIS),
        _ => Reply::status(404),
    });
    let geo = locator(&format!("{}/v1/ip/geo.json", stub.url()), &dead_url());
    let loc = geo.locate().await.unwrap();
    assert_eq!(loc.country_iso_code.as_deref(), Some("FRA"));
    assert_eq!(loc.country_name.as_deref(), Some("France"));
    assert_eq!(loc.region.as_deref(), Some("ile-de-france"));
    assert_eq!(loc.latitude, Some(48.8582));
    assert_eq!(loc.longitude, Some(2.3387));
    assert_eq!((loc.cloud_provider, loc.cloud_region), (None, None));
    assert_eq!(stub.requests_to("/v1/ip/geo.json").len(), 1);
}

#[tokio::test]
async fn the_answer_is_cached() {
    let stub = HttpStub::start(|_| Reply::json(GEOJS_PARIS));
    let backup = ipinfo_stub();
    let geo = locator(stub.url(), &format!("{}/json", backup.url()));
    let first = geo.locate().await.unwrap();
    let second = geo.locate().await.unwrap();
    assert_eq!(first, second);
    assert_eq!(stub.requests().len(), 1, "the second locate made a request");
    assert!(backup.requests().is_empty());
    stub.stop();
    assert_eq!(geo.locate().await.unwrap(), first);
}

#[tokio::test]
async fn backup_used_when_the_primary_is_dead() {
    let backup = ipinfo_stub();
    let geo = locator(&dead_url(), &format!("{}/json", backup.url()));
    let loc = geo.locate().await.unwrap();
    assert_eq!(loc.country_iso_code.as_deref(), Some("FRA"));
    assert_eq!(loc.country_name.as_deref(), Some("France"));
    assert_eq!(loc.region.as_deref(), Some("île-de-france"));
    assert_eq!((loc.latitude, loc.longitude), (Some(48.8534), Some(2.3488)));
    assert_eq!(backup.requests_to("/json").len(), 1);
}

#[tokio::test]
async fn backup_used_when_the_primary_answers_wrong() {
    let cases: Vec<(&str, Reply)> = vec![
        ("500", Reply::json(GEOJS_PARIS).with_status(500)),
        ("html", Reply::text("<html>captive portal</html>")),
        ("empty object", Reply::json("{}")),
        (
            "unknown country",
            Reply::json(r#"{"country_code":"XX","country":"Unknown"}"#),
        ),
        (
            "too slow",
            Reply::json(GEOJS_PARIS).after(Duration::from_secs(2)),
        ),
    ];
    for (case, reply) in cases {
        let primary = HttpStub::start(move |_| reply.clone());
        let backup = ipinfo_stub();
        let geo = locator(primary.url(), &format!("{}/json", backup.url()));
        let loc = geo.locate().await.unwrap_or_else(|e| panic!("{case}: {e}"));
        assert_eq!(
            loc.latitude,
            Some(48.8534),
            "{case}: not the backup's answer"
        );
        assert_eq!(loc.country_iso_code.as_deref(), Some("FRA"), "{case}");
        assert_eq!(primary.requests().len(), 1, "{case}");
        assert_eq!(backup.requests().len(), 1, "{case}");
    }
}

#[tokio::test]
async fn both_dead_fails_fast_without_credentials() {
    let port = dead_url().rsplit(':').next().unwrap().to_string();
    let primary = format!("http://user:secret@127.0.0.1:{port}/v1/ip/geo.json?token=tok123");
    let dead_backup = dead_url();
    let backup = format!("{dead_backup}/json?token=tok456");
    let geo = locator(&primary, &backup);
    let start = Instant::now();
    let err = geo.locate().await.unwrap_err();
    let elapsed = start.elapsed();
    assert!(elapsed < Duration::from_millis(500), "took {elapsed:?}");
    assert!(matches!(err, LocateError::Unavailable(_)));
    let msg = err.to_string();
    assert!(
        msg.contains(&format!("http://127.0.0.1:{port}/v1/ip/geo.json")),
        "{msg}"
    );
    assert!(msg.contains(&format!("{dead_backup}/json")), "{msg}");
    assert!(msg.contains("cannot connect"), "{msg}");
    assert!(
        msg.contains("--country-iso-code FRA") && msg.contains("--offline"),
        "{msg}"
    );
    let debug = format!("{geo:?} {err:?}");
    for shown in [&msg, &debug] {
        for secret in ["secret", "user", "tok123", "tok456", "token"] {
            assert!(!shown.contains(secret), "{secret} in {shown}");
        }
    }
    // A failure is not cached: the next call tries again.
    assert!(geo.locate().await.is_err());
}

#[tokio::test]
async fn answers_are_quoted_without_the_token_and_with_escapes_visible() {
    let echo = HttpStub::start(|req| {
        Reply::text(format!("<p>you asked {} \x1b]0;pwned\x07\r</p>", req.query))
    });
    let geo = locator(
        &format!("{}/v1/ip/geo.json?token=tok-S3CRET-99", echo.url()),
        &format!("{}/json?token=tok-S3CRET-99", echo.url()),
    );
    let msg = geo.locate().await.unwrap_err().to_string();
    assert!(msg.contains("not JSON"), "{msg}");
    assert!(!msg.contains("S3CRET"), "{msg}");
    assert!(!msg.contains('\x1b') && !msg.contains('\r'), "{msg:?}");
    assert!(msg.contains(r"token=<hidden> \x1b]0;pwned\x07\r"), "{msg}");
}

/// An answer that is not JSON, echoing the token at bytes 50 to 62: where answers were once
/// cut (byte 60) before the token could be hidden, which showed its first part.
#[tokio::test]
async fn a_token_echoed_across_byte_60_shows_not_even_in_part() {
    let echo = HttpStub::start(|req| Reply::text(format!("{:<44}{}", "<p>not JSON", req.query)));
    let token = "tok-S3CRET-99";
    let geo = locator(
        &format!("{}/v1/ip/geo.json?token={token}", echo.url()),
        &format!("{}/json?token={token}", echo.url()),
    );
    let msg = geo.locate().await.unwrap_err().to_string();
    assert_eq!(msg.matches("token=<hidden>").count(), 2, "{msg}");
    for part in token.as_bytes().windows(5) {
        let part = std::str::from_utf8(part).unwrap();
        assert!(!msg.contains(part), "{part} in {msg}");
    }
}

#[tokio::test]
async fn an_endless_answer_is_refused_at_once() {
    // Read whole, an answer without end would take the request's timeout and the memory of
    // all it sent in that time; only its start is read.
    let endless = HttpStub::start(|_| Reply::endless(200, r#"{"country":"FR","pad":""#));
    let geo = GeoIpLocator::new(
        &GeoIpUrls {
            primary: endless.url().into(),
            backup: format!("{}/json", endless.url()),
        },
        Timeouts {
            connect: Duration::from_secs(5),
            request: Duration::from_secs(5),
        },
    )
    .unwrap();
    let start = Instant::now();
    let msg = geo.locate().await.unwrap_err().to_string();
    assert!(
        start.elapsed() < Duration::from_millis(2500),
        "{:?}",
        start.elapsed()
    );
    assert_eq!(
        msg.matches("answer too large (over 65536 bytes)").count(),
        2,
        "{msg}"
    );
}

#[tokio::test]
async fn both_failing_says_why_for_each() {
    let primary = HttpStub::start(|_| Reply::status(500));
    let backup = HttpStub::start(|_| Reply::json(r#"{"country":"ZZ"}"#));
    let geo = locator(primary.url(), &format!("{}/json", backup.url()));
    let msg = geo.locate().await.unwrap_err().to_string();
    assert!(msg.contains("HTTP 500"), "{msg}");
    assert!(msg.contains("unknown country code \"ZZ\""), "{msg}");
    assert!(
        msg.contains(primary.url()) && msg.contains(backup.url()),
        "{msg}"
    );
}

#[test]
fn an_invalid_url_is_a_setup_error_that_hides_the_value() {
    let urls = GeoIpUrls {
        primary: "ftp://user:secret@example.org/geo".into(),
        backup: "https://ipinfo.io/json".into(),
    };
    let err = GeoIpLocator::new(&urls, Timeouts::default()).unwrap_err();
    assert!(
        matches!(
            err,
            SetupError::Url {
                key: "geolocation_url",
                ..
            }
        ),
        "{err:?}"
    );
    let msg = err.to_string();
    assert!(
        msg.contains("ftp") && msg.contains("https://get.geojs.io"),
        "{msg}"
    );
    assert!(!msg.contains("secret"), "{msg}");
    let urls = GeoIpUrls {
        backup: "not a url".into(),
        ..GeoIpUrls::default()
    };
    let err = GeoIpLocator::new(&urls, Timeouts::default()).unwrap_err();
    assert!(
        err.to_string().contains("`geolocation_backup_url`"),
        "{err}"
    );
    assert!(!format!("{urls:?}").contains("not a url"));
}

/// GeoJS sometimes answers a country with an empty region: CodeCarbon then asks ipinfo. Here
/// the answer is kept and the backup gives what it lacks, if it agrees on the country.
#[tokio::test]
async fn a_primary_answer_without_a_region_is_completed_by_the_backup() {
    let no_region = r#"{"country_code3":"FRA","country_code":"FR","country":"France",
        "region":"","latitude":"48.8582","longitude":"2.3387"}"#;
    let primary = HttpStub::start(move |_| Reply::json(no_region));
    let backup = ipinfo_stub();
    let geo = locator(primary.url(), &format!("{}/json", backup.url()));
    let loc = geo.locate().await.unwrap();
    assert_eq!(loc.country_iso_code.as_deref(), Some("FRA"));
    assert_eq!(loc.region.as_deref(), Some("île-de-france"), "the backup's");
    assert_eq!(
        (loc.latitude, loc.longitude),
        (Some(48.8582), Some(2.3387)),
        "the primary's"
    );
    assert_eq!(backup.requests_to("/json").len(), 1);

    // A backup that names another country, or fails, leaves the answer as it was.
    let elsewhere =
        HttpStub::start(|_| Reply::json(r#"{"country":"DE","region":"Berlin","loc":"52.5,13.4"}"#));
    let geo = locator(primary.url(), elsewhere.url());
    let loc = geo.locate().await.unwrap();
    assert_eq!(
        (loc.country_iso_code.as_deref(), loc.region),
        (Some("FRA"), None)
    );
    let geo = locator(primary.url(), &dead_url());
    let loc = geo.locate().await.unwrap();
    assert_eq!(
        (loc.country_iso_code.as_deref(), loc.region),
        (Some("FRA"), None)
    );
    assert_eq!(loc.latitude, Some(48.8582));

    // A complete answer asks nothing more.
    let complete = HttpStub::start(|_| Reply::json(GEOJS_PARIS));
    let unused = ipinfo_stub();
    let geo = locator(complete.url(), &format!("{}/json", unused.url()));
    assert_eq!(
        geo.locate().await.unwrap().region.as_deref(),
        Some("ile-de-france")
    );
    assert!(unused.requests().is_empty());
}
