//! The JSON answers of geolocation services.
//!
//! One reader takes both formats, so either URL may point at either kind of service:
//!
//! - GeoJS (`get.geojs.io/v1/ip/geo.json`): `country_code3` (alpha-3), `country_code`
//!   (alpha-2), `country` (a name), `region`, and `latitude` / `longitude` as strings
//!   (`"48.8582"`; numbers are accepted too).
//! - ipinfo (`ipinfo.io/json`): `country` (alpha-2), `region`, `loc` (`"48.8534,2.3488"`).
//!
//! The country code is the first of `country_code3`, `country_code` and a two- or
//! three-letter `country`; a name in `country` (GeoJS) is never taken for a code.

use crate::place::Raw;
use codecarbon_core::Credentials;
use serde_json::{Map, Value};

/// What the answer says, or why it is not a geolocation answer (with what the answer says,
/// whole and unquoted: the caller quotes the whole reason, which hides what was sent and bounds
/// the length; cut here, a credential cut in two would no longer be recognised, and its first
/// part would show). The region, a free text kept in the location, is quoted here with `sent`
/// hidden.
pub(crate) fn parse(body: &[u8], sent: &Credentials) -> Result<Raw, String> {
    let value: Value = serde_json::from_slice(body)
        .map_err(|e| format!("not JSON ({e}): \"{}\"", String::from_utf8_lossy(body)))?;
    let Value::Object(fields) = value else {
        return Err("not a JSON object".into());
    };
    let country_code = ["country_code3", "country_code", "country"]
        .into_iter()
        .filter_map(|key| text(&fields, key))
        .find(|code| {
            (2..=3).contains(&code.len()) && code.chars().all(|c| c.is_ascii_alphabetic())
        });
    let (mut latitude, mut longitude) = (number(&fields, "latitude"), number(&fields, "longitude"));
    if let (None, None, Some(loc)) = (latitude, longitude, text(&fields, "loc")) {
        if let Some((lat, lon)) = loc.split_once(',') {
            latitude = lat.trim().parse().ok();
            longitude = lon.trim().parse().ok();
        }
    }
    Ok(Raw {
        country_code,
        region: text(&fields, "region")
            .map(|region| sent.quote(&region))
            .filter(|region| !region.is_empty()),
        region_code: None,
        latitude,
        longitude,
    })
}

/// A non-empty string field, trimmed.
fn text(fields: &Map<String, Value>, key: &str) -> Option<String> {
    fields
        .get(key)?
        .as_str()
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(String::from)
}

/// A number field, given as a number or as a string.
fn number(fields: &Map<String, Value>, key: &str) -> Option<f64> {
    match fields.get(key)? {
        Value::Number(n) => n.as_f64(),
        Value::String(s) => s.trim().parse().ok(),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
    use super::*;
    use crate::place::to_location;
    use proptest::prelude::*;

    #[test]
    fn geojs_with_string_or_number_coordinates() {
        let geojs = br#"{"country_code3":"FRA","country_code":"FR","country":"France",
            "region":"Ile-de-France","city":"Paris","latitude":"48.8582","longitude":"2.3387"}"#;
        let raw = parse(geojs, &Credentials::none()).unwrap();
        assert_eq!(raw.country_code.as_deref(), Some("FRA"));
        assert_eq!(raw.region.as_deref(), Some("Ile-de-France"));
        assert_eq!((raw.latitude, raw.longitude), (Some(48.8582), Some(2.3387)));
        let numbers =
            br#"{"country_code":"FR","country":"France","latitude":48.5,"longitude":-2.25}"#;
        let raw = parse(numbers, &Credentials::none()).unwrap();
        assert_eq!(raw.country_code.as_deref(), Some("FR"));
        assert_eq!((raw.latitude, raw.longitude), (Some(48.5), Some(-2.25)));
    }

    #[test]
    fn ipinfo_loc_and_alpha_2_country() {
        let ipinfo = r#"{"ip":"203.0.113.7","city":"Paris","region":"Île-de-France",
            "country":"FR","loc":"48.8534,2.3488"}"#;
        let raw = parse(ipinfo.as_bytes(), &Credentials::none()).unwrap();
        assert_eq!(raw.country_code.as_deref(), Some("FR"));
        assert_eq!(raw.region.as_deref(), Some("Île-de-France"));
        assert_eq!((raw.latitude, raw.longitude), (Some(48.8534), Some(2.3488)));
    }

    #[test]
    fn a_country_name_is_not_a_code_and_garbage_is_an_error() {
        let raw = parse(br#"{"country":"France"}"#, &Credentials::none()).unwrap();
        assert_eq!(raw.country_code, None);
        assert!(parse(b"<html>oops</html>", &Credentials::none())
            .unwrap_err()
            .contains("not JSON"));
        assert!(parse(b"[1,2]", &Credentials::none())
            .unwrap_err()
            .contains("not a JSON object"));
    }

    #[test]
    fn the_region_is_quoted() {
        let sent = Credentials::none().with_url("https://ipinfo.io/json?token=t0k3n-abc123");
        let body = br#"{"country":"FR","region":"Paris\u001b]0;x\u0007 t0k3n-abc123"}"#;
        let raw = parse(body, &sent).unwrap();
        assert_eq!(raw.region.as_deref(), Some(r"Paris\x1b]0;x\x07 <hidden>"));
    }

    /// An answer that is not JSON is quoted whole, never cut before the credentials are
    /// hidden: a token that straddles where a cut once was (byte 60) shows not even in part.
    #[test]
    fn a_credential_echoed_in_an_answer_that_is_not_json_shows_not_even_in_part() {
        let token = "tok-S3CRET-99";
        let sent = Credentials::none().with_url(&format!("https://ipinfo.io/json?token={token}"));
        for at in 40..=70 {
            let body = format!("{:<at$}{token} and more", "<html>echo:");
            let reason = parse(body.as_bytes(), &sent).unwrap_err();
            let shown = sent.quote(&reason);
            assert!(shown.contains("<hidden>"), "{shown}");
            for part in token.as_bytes().windows(5) {
                let part = std::str::from_utf8(part).unwrap();
                assert!(!shown.contains(part), "{part} at {at}: {shown}");
            }
        }
    }

    /// A JSON value a geolocation service might put in a field, or garbage.
    fn field_value() -> impl Strategy<Value = String> {
        prop_oneof![
            "[A-Za-z]{0,4}".prop_map(|s| format!("{s:?}")),
            "-?[0-9]{1,4}(\\.[0-9]{1,6})?".prop_map(|n| n.to_string()),
            "-?[0-9]{1,4}(\\.[0-9]{1,6})?".prop_map(|n| format!("{n:?}")),
            "-?[0-9]{1,3}\\.[0-9]{1,4},-?[0-9]{1,3}\\.[0-9]{1,4}".prop_map(|n| format!("{n:?}")),
            any::<String>().prop_map(|s| serde_json::to_string(&s).unwrap()),
            Just("null".to_string()),
            Just("1e999".to_string()),
            Just("[]".to_string()),
        ]
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(256))]

        /// Any answer, GeoJS- or ipinfo-shaped or garbage, gives a location (a real country,
        /// coordinates on the globe, a printable region) or a reason; none panics.
        #[test]
        fn any_answer_gives_a_location_or_a_reason(body in prop_oneof![
            proptest::collection::vec(any::<u8>(), 0..200),
            proptest::collection::vec(
                (
                    prop_oneof![
                        Just("country_code3"), Just("country_code"), Just("country"),
                        Just("region"), Just("latitude"), Just("longitude"), Just("loc"),
                    ],
                    field_value(),
                ),
                0..8,
            )
            .prop_map(|fields| {
                let fields: Vec<String> =
                    fields.iter().map(|(k, v)| format!("\"{k}\":{v}")).collect();
                format!("{{{}}}", fields.join(",")).into_bytes()
            }),
        ]) {
            match parse(&body, &Credentials::none()).and_then(|raw| to_location(&raw)) {
                Ok(location) => {
                    let code = location.country_iso_code.unwrap();
                    prop_assert!(code.len() == 3 && code.chars().all(|c| c.is_ascii_uppercase()));
                    prop_assert!(location.latitude.is_none_or(|l| l.abs() <= 90.0));
                    prop_assert!(location.longitude.is_none_or(|l| l.abs() <= 180.0));
                    prop_assert_eq!(location.latitude.is_some(), location.longitude.is_some());
                    let region = location.region.unwrap_or_default();
                    prop_assert!(!region.chars().any(char::is_control), "{region:?}");
                }
                Err(reason) => prop_assert!(!reason.is_empty()),
            }
        }
    }
}
