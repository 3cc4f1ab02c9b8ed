//! MaxMind DB fixtures, written with `mmdb-writer`, in both record shapes.
#![allow(dead_code, clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use mmdb_writer::ipnet::IpNet;
use mmdb_writer::Writer;
use serde_json::{json, Value};
use std::path::{Path, PathBuf};

fn write(dir: &Path, name: &str, kind: &str, records: &[(&str, Value)]) -> PathBuf {
    let mut writer = Writer::new(kind);
    for (net, value) in records {
        writer.insert(net.parse::<IpNet>().unwrap(), value).unwrap();
    }
    let path = dir.join(name);
    std::fs::write(&path, writer.to_bytes().unwrap()).unwrap();
    path
}

fn geoip2(iso: &str, name: &str, sub: Option<(&str, &str)>, lat: f64, lon: f64) -> Value {
    let mut v = json!({
        "country": { "iso_code": iso, "names": { "en": name } },
        "location": { "latitude": lat, "longitude": lon },
    });
    if let Some((code, sub_name)) = sub {
        v["subdivisions"] = json!([{ "iso_code": code, "names": { "en": sub_name } }]);
    }
    v
}

/// A GeoIP2/GeoLite2 City-shaped database:
/// - 192.0.2.0/24: France, Île-de-France, 48.8582 / 2.3387
/// - 198.51.100.0/24: Canada, Québec (code QC)
/// - 2001:db8:1::/48: United States, California (code CA), 37.751 / -97.822
/// - 203.0.113.0/25: only `registered_country` DE
/// - 203.0.113.128/25: country code XX (not ISO)
pub fn geoip2_db(dir: &Path) -> PathBuf {
    write(
        dir,
        "GeoLite2-City-test.mmdb",
        "GeoLite2-City",
        &[
            (
                "192.0.2.0/24",
                geoip2(
                    "FR",
                    "France",
                    Some(("IDF", "Île-de-France")),
                    48.8582,
                    2.3387,
                ),
            ),
            (
                "198.51.100.0/24",
                geoip2("CA", "Canada", Some(("QC", "Québec")), 46.8, -71.2),
            ),
            (
                "2001:db8:1::/48",
                geoip2(
                    "US",
                    "United States",
                    Some(("CA", "California")),
                    37.751,
                    -97.822,
                ),
            ),
            (
                "203.0.113.0/25",
                json!({ "registered_country": { "iso_code": "DE" } }),
            ),
            (
                "203.0.113.128/25",
                json!({ "country": { "iso_code": "XX" } }),
            ),
        ],
    )
}

/// A flat database, as DB-IP lite / `@ip-location-db` write them:
/// - 192.0.2.0/24: NL (country only)
/// - 2001:db8::/32: JP, state1 Tokyo, 35.6895 / 139.6917
pub fn flat_db(dir: &Path) -> PathBuf {
    write(
        dir,
        "dbip-city-test.mmdb",
        "dbip-city",
        &[
            ("192.0.2.0/24", json!({ "country_code": "NL" })),
            (
                "2001:db8::/32",
                json!({ "country_code": "JP", "state1": "Tokyo", "latitude": 35.6895, "longitude": 139.6917 }),
            ),
        ],
    )
}
