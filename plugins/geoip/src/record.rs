//! The fields of a MaxMind DB record, in either of the two shapes in use:
//!
//! - GeoIP2 / GeoLite2: `country.iso_code` (alpha-2; `registered_country` when `country` is
//!   missing), `subdivisions[0].names.en` and `.iso_code`, `location.latitude` and
//!   `.longitude`.
//! - Flat, as DB-IP lite and `@ip-location-db` write it: `country_code` (alpha-2) at the top
//!   level, and for city databases `state1` (or `region`), `latitude`, `longitude`.
//!
//! A field of an unexpected type is treated as missing, so an odd record degrades to "no
//! country" rather than an error about decoding.

use crate::place::Raw;
use maxminddb::{LookupResult, PathElement};
use serde::Deserialize;

/// What a record says, in either shape.
pub(crate) fn read<S: AsRef<[u8]>>(result: &LookupResult<'_, S>) -> Raw {
    let text = |path: &[PathElement<'_>]| -> Option<String> {
        get::<S, String>(result, path)
            .map(|s| s.trim().to_string())
            .filter(|s| !s.is_empty())
    };
    let number = |path: &[PathElement<'_>]| -> Option<f64> {
        get::<S, f64>(result, path).or_else(|| text(path)?.parse().ok())
    };
    use PathElement::{Index, Key};
    Raw {
        country_code: text(&[Key("country"), Key("iso_code")])
            .or_else(|| text(&[Key("registered_country"), Key("iso_code")]))
            .or_else(|| text(&[Key("country_code")])),
        region: text(&[Key("subdivisions"), Index(0), Key("names"), Key("en")])
            .or_else(|| text(&[Key("state1")]))
            .or_else(|| text(&[Key("region")])),
        region_code: text(&[Key("subdivisions"), Index(0), Key("iso_code")]),
        latitude: number(&[Key("location"), Key("latitude")])
            .or_else(|| number(&[Key("latitude")])),
        longitude: number(&[Key("location"), Key("longitude")])
            .or_else(|| number(&[Key("longitude")])),
    }
}

/// One field, `None` when missing or of another type.
fn get<'a, S: AsRef<[u8]>, T: Deserialize<'a>>(
    result: &LookupResult<'a, S>,
    path: &[PathElement<'_>],
) -> Option<T> {
    result.decode_path(path).ok().flatten()
}
