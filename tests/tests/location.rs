//! Where the machine is and how clean its power is, end to end through the real binary, with
//! local stand-ins for the geolocation service, Electricity Maps and cloud metadata.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use codecarbon_testkit::{dead_url, HttpStub, Recorded, Reply};
use common::{field, number, stderr, stdout, Sandbox};
use std::time::{Duration, Instant};

/// A GeoJS answer for an address in Paris.
const GEOJS_PARIS: &str = r#"{"ip":"193.49.1.1","country_code":"FR","country_code3":"FRA",
    "country":"France","region":"Ile-de-France","city":"Paris",
    "latitude":"48.8582","longitude":"2.3387","timezone":"Europe/Paris"}"#;

/// `monitor ... -- sleep SECONDS` with every online service pointed at `urls` (a dead loopback
/// address where not given), so nothing leaves the machine.
fn monitor(sandbox: &Sandbox, flags: &[&str], seconds: &str) -> std::process::Output {
    let dead = dead_url();
    let mut args = vec!["monitor", "--measure-power-secs", "1"];
    for key in [
        "--geolocation-url",
        "--geolocation-backup-url",
        "--cloud-metadata-url",
    ] {
        if !flags.contains(&key) {
            args.extend([key, dead.as_str()]);
        }
    }
    args.extend_from_slice(flags);
    args.extend(["--", "sleep", seconds]);
    sandbox.run(&args)
}

/// The run's one row: (header, row).
fn only_row(sandbox: &Sandbox) -> (Vec<String>, Vec<String>) {
    let rows = sandbox.csv("emissions.csv");
    assert_eq!(rows.len(), 2, "a header and one row: {rows:?}");
    (rows[0].clone(), rows[1].clone())
}

/// Emissions (kg) over energy (kWh), in kg/kWh.
fn priced_at(header: &[String], row: &[String]) -> f64 {
    let energy = number(header, row, "energy_consumed");
    assert!(energy > 0.0, "some energy was counted");
    number(header, row, "emissions") / energy
}

#[test]
fn a_geojs_answer_locates_the_run_in_france() {
    let sandbox = Sandbox::new();
    let geojs = HttpStub::start(|r: &Recorded| {
        if r.path == "/v1/ip/geo.json" {
            Reply::json(GEOJS_PARIS)
        } else {
            Reply::status(404)
        }
    });
    let url = format!("{}/v1/ip/geo.json", geojs.url());
    let out = monitor(&sandbox, &["--geolocation-url", &url], "2");
    assert!(out.status.success(), "{}", stderr(&out));
    let (header, row) = only_row(&sandbox);
    assert_eq!(field(&header, &row, "country_iso_code"), "FRA");
    assert_eq!(field(&header, &row, "country_name"), "France");
    assert!((number(&header, &row, "latitude") - 48.8582).abs() < 1e-9);
    let rate = priced_at(&header, &row);
    assert!((rate - 0.056039).abs() < 1e-9, "{rate} kg/kWh");
    assert_eq!(geojs.requests_to("/v1/ip/geo.json").len(), 1, "asked once");
}

#[test]
fn with_nothing_listening_the_run_ends_promptly_with_the_world_average() {
    let sandbox = Sandbox::new();
    let started = Instant::now();
    let out = monitor(&sandbox, &[], "2");
    let took = started.elapsed();
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(
        took < Duration::from_secs(3),
        "the run ended {:?} after the 2 s command",
        took.saturating_sub(Duration::from_secs(2))
    );
    let err = stderr(&out);
    assert_eq!(
        err.matches("could not find where this machine runs")
            .count(),
        1,
        "one warning: {err}"
    );
    assert!(err.contains("475"), "{err}");
    let (header, row) = only_row(&sandbox);
    assert_eq!(field(&header, &row, "country_iso_code"), "");
    let rate = priced_at(&header, &row);
    assert!((rate - 0.475).abs() < 1e-9, "{rate} kg/kWh");
}

#[test]
fn a_live_intensity_prices_the_energy_and_its_token_stays_secret() {
    const TOKEN: &str = "em-token-7f3a9c1e5b";
    let sandbox = Sandbox::new();
    let em = HttpStub::start(|r: &Recorded| {
        if r.path == "/v3/carbon-intensity/latest" && r.header("auth-token") == Some(TOKEN) {
            Reply::json(
                r#"{"zone":"FR","carbonIntensity":123,"datetime":"2026-11-29T10:00:00.000Z",
                    "updatedAt":"2026-11-29T09:55:00.000Z","emissionFactorType":"lifecycle",
                    "isEstimated":false}"#,
            )
        } else {
            Reply::status(401)
        }
    });
    let url = format!("{}/v3", em.url());
    let out = monitor(
        &sandbox,
        &[
            "--country-iso-code",
            "FRA",
            "--output-methods",
            "csv,json",
            "--electricitymaps-url",
            &url,
            "--electricitymaps-api-token",
            TOKEN,
            "--log-level",
            "debug",
        ],
        "2",
    );
    assert!(out.status.success(), "{}", stderr(&out));
    let (header, row) = only_row(&sandbox);
    let rate = priced_at(&header, &row);
    assert!((rate - 0.123).abs() < 1e-9, "{rate} kg/kWh");

    let asked = em.requests_to("/v3/carbon-intensity/latest");
    assert!(!asked.is_empty());
    assert!(asked.iter().all(|r| r.header("auth-token") == Some(TOKEN)));
    assert!(asked.iter().all(|r| !r.query.contains(TOKEN)));

    // The JSON row says which step of the chain priced it.
    let json = std::fs::read_to_string(sandbox.work().join("emissions.jsonl")).unwrap();
    let line: serde_json::Value = serde_json::from_str(json.lines().last().unwrap()).unwrap();
    let intensity = &line["provenance"]["intensity"];
    assert_eq!(intensity["basis"], "live", "{line}");
    assert_eq!(intensity["g_per_kwh"], 123.0, "{line}");

    // The token is in no output, even at debug level.
    assert!(!stdout(&out).contains(TOKEN) && !stderr(&out).contains(TOKEN));
    for entry in std::fs::read_dir(sandbox.work()).unwrap() {
        let path = entry.unwrap().path();
        if path.is_file() {
            let text = String::from_utf8_lossy(&std::fs::read(&path).unwrap()).into_owned();
            assert!(!text.contains(TOKEN), "{} holds the token", path.display());
        }
    }
}

#[test]
fn gcp_metadata_puts_the_run_in_its_cloud_region() {
    let sandbox = Sandbox::new();
    let metadata = HttpStub::start(codecarbon_testkit::metadata::gcp_zone("europe-west9-a"));
    let out = monitor(&sandbox, &["--cloud-metadata-url", metadata.url()], "2");
    assert!(out.status.success(), "{}", stderr(&out));
    let (header, row) = only_row(&sandbox);
    assert_eq!(field(&header, &row, "cloud_provider"), "gcp");
    assert_eq!(field(&header, &row, "cloud_region"), "europe-west9");
    assert_eq!(field(&header, &row, "on_cloud"), "Y");
    assert_eq!(field(&header, &row, "country_iso_code"), "FRA");
    // impact.csv has no state for europe-west9: its city, as written.
    assert_eq!(field(&header, &row, "region"), "Paris");
    let rate = priced_at(&header, &row);
    assert!((rate - 0.034).abs() < 1e-9, "{rate} kg/kWh");
}

#[test]
fn a_configured_country_asks_no_service() {
    let sandbox = Sandbox::new();
    let anything = HttpStub::start(|_: &Recorded| Reply::json(GEOJS_PARIS));
    let out = monitor(
        &sandbox,
        &[
            "--country-iso-code",
            "CAN",
            "--geolocation-url",
            anything.url(),
            "--cloud-metadata-url",
            anything.url(),
        ],
        "1",
    );
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(anything.requests().is_empty(), "{:?}", anything.requests());
    let (header, row) = only_row(&sandbox);
    assert_eq!(field(&header, &row, "country_iso_code"), "CAN");
}

#[test]
fn a_local_geoip_database_locates_without_asking_a_geolocation_service() {
    use mmdb_writer::ipnet::IpNet;
    let sandbox = Sandbox::new();
    // A DB-IP-shaped (flat `country_code`) database with one network.
    let mut writer = mmdb_writer::Writer::new("DBIP-Country-Lite");
    writer
        .insert(
            "198.51.100.0/24".parse::<IpNet>().unwrap(),
            &serde_json::json!({ "country_code": "CA" }),
        )
        .unwrap();
    let db = sandbox.dir.path().join("dbip-country.mmdb");
    std::fs::write(&db, writer.to_bytes().unwrap()).unwrap();

    let whats_my_ip = HttpStub::start(|_: &Recorded| Reply::text("198.51.100.7\n"));
    let geolocation = HttpStub::start(|_: &Recorded| Reply::json(GEOJS_PARIS));
    let out = monitor(
        &sandbox,
        &[
            "--geoip-db",
            db.to_str().unwrap(),
            "--public-ip-url",
            whats_my_ip.url(),
            "--geolocation-url",
            geolocation.url(),
        ],
        "1",
    );
    assert!(out.status.success(), "{}", stderr(&out));
    let (header, row) = only_row(&sandbox);
    assert_eq!(field(&header, &row, "country_iso_code"), "CAN");
    assert_eq!(whats_my_ip.requests().len(), 1);
    assert!(
        geolocation.requests().is_empty(),
        "the IP went to a geolocation service"
    );
}
