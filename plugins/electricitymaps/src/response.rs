//! The `carbon-intensity/latest` answer, turned into an [`Intensity`].

use crate::zone::ZoneQuery;
use chrono::{DateTime, Datelike};
use codecarbon_core::{Credentials, GramsPerKwh, Intensity, IntensityBasis, IntensityError};
use serde::Deserialize;

/// The fields we use of `{"zone":"FR","carbonIntensity":123,"datetime":"2026-11-29T10:00:00.000Z",...}`.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
struct Latest {
    zone: Option<String>,
    carbon_intensity: Option<f64>,
    datetime: Option<String>,
}

/// Parses an answer to `asked`. `Ok(None)` when the service has no figure for the zone
/// (`carbonIntensity: null`); an error when the body is not such an answer. What the answer
/// says goes into messages and the intensity's source only quoted, with `sent` hidden.
pub(crate) fn parse(
    body: &[u8],
    asked: &ZoneQuery,
    sent: &Credentials,
) -> Result<Option<Intensity>, IntensityError> {
    let latest: Latest = serde_json::from_slice(body).map_err(|e| {
        IntensityError::Unavailable(format!(
            "Electricity Maps answered for {asked} with something that is not a carbon-intensity answer ({}); check `electricitymaps_url`",
            sent.quote(&e.to_string())
        ))
    })?;
    let Some(value) = latest.carbon_intensity else {
        return Ok(None);
    };
    if !value.is_finite() || value < 0.0 {
        return Err(IntensityError::Unavailable(format!(
            "Electricity Maps answered an impossible carbon intensity ({value} g/kWh) for {asked}"
        )));
    }
    let zone = match (latest.zone.as_deref().map(|z| sent.quote(z)), asked) {
        (Some(zone), _) if !zone.is_empty() => format!("zone {zone}"),
        (_, query) => query.to_string(),
    };
    let year = latest
        .datetime
        .as_deref()
        .and_then(|d| DateTime::parse_from_rfc3339(d).ok())
        .map(|d| d.year());
    Ok(Some(
        Intensity::new(
            GramsPerKwh(value),
            format!("Electricity Maps ({zone})"),
            IntensityBasis::Live,
        )
        .with_year(year),
    ))
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
    use super::*;
    use proptest::prelude::*;

    fn fr() -> ZoneQuery {
        ZoneQuery::Zone("FR".into())
    }

    #[test]
    fn full_answer() {
        let body = br#"{"zone":"FR","carbonIntensity":123,"datetime":"2026-11-29T10:00:00.000Z",
            "updatedAt":"2026-11-29T09:51:00.000Z","emissionFactorType":"lifecycle","isEstimated":false}"#;
        let got = parse(body, &fr(), &Credentials::none()).unwrap().unwrap();
        assert_eq!(
            got,
            Intensity::new(
                GramsPerKwh(123.0),
                "Electricity Maps (zone FR)",
                IntensityBasis::Live
            )
            .with_year(2026)
        );
    }

    #[test]
    fn zone_from_the_query_when_the_answer_has_none() {
        let asked = ZoneQuery::Coordinates {
            latitude: 1.5,
            longitude: 2.0,
        };
        let got = parse(br#"{"carbonIntensity":55.5}"#, &asked, &Credentials::none())
            .unwrap()
            .unwrap();
        assert_eq!(got.source, "Electricity Maps (lat 1.5, lon 2)");
        assert_eq!(got.year, None);
        assert_eq!(got.value, GramsPerKwh(55.5));
    }

    #[test]
    fn null_intensity_is_none() {
        assert_eq!(
            parse(
                br#"{"zone":"FR","carbonIntensity":null}"#,
                &fr(),
                &Credentials::none()
            )
            .unwrap(),
            None
        );
    }

    #[test]
    fn what_the_answer_says_is_quoted() {
        let sent = Credentials::none().with_secret(&codecarbon_core::Secret::new("t0k3n-s3cr3t"));
        let body = br#"{"zone":"FR\u001b[2J t0k3n-s3cr3t","carbonIntensity":1}"#;
        let got = parse(body, &fr(), &sent).unwrap().unwrap();
        assert_eq!(got.source, r"Electricity Maps (zone FR\x1b[2J <hidden>)");
        let echo = br#"{"carbonIntensity":"t0k3n-s3cr3t\u0007"}"#;
        let Err(IntensityError::Unavailable(m)) = parse(echo, &fr(), &sent) else {
            panic!("a string is not an intensity");
        };
        assert!(!m.contains("t0k3n") && !m.contains('\x07'), "{m}");
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(256))]

        /// Any answer is an intensity (finite, not negative, its source printable), no figure,
        /// or an error saying what was asked; none panics.
        #[test]
        fn any_answer_parses_or_is_a_clear_error(body in prop_oneof![
            proptest::collection::vec(any::<u8>(), 0..200),
            (
                prop_oneof![Just("null".to_string()), "-?[0-9]{1,20}(\\.[0-9]{1,5})?(e-?[0-9]{1,3})?", "\"[^\"]{0,10}\""],
                "[^\"\\\\]{0,20}",
                "[0-9T:.Z-]{0,30}",
            ).prop_map(|(value, zone, datetime)| format!(
                r#"{{"zone":"{zone}","carbonIntensity":{value},"datetime":"{datetime}"}}"#
            ).into_bytes()),
        ]) {
            match parse(&body, &fr(), &Credentials::none()) {
                Ok(Some(got)) => {
                    prop_assert!(got.value.0.is_finite() && got.value.0 >= 0.0, "{got:?}");
                    prop_assert!(!got.source.chars().any(char::is_control), "{got:?}");
                }
                Ok(None) => {}
                Err(IntensityError::Unavailable(m) | IntensityError::Invalid(m)) => {
                    prop_assert!(m.contains("zone FR"), "{m}");
                    prop_assert!(!m.chars().any(char::is_control), "{m:?}");
                }
                Err(other) => prop_assert!(false, "unexpected error {other:?}"),
            }
        }
    }

    #[test]
    fn garbage_and_impossible_values_are_unavailable() {
        for body in [
            &b"<html>oops</html>"[..],
            br#"{"carbonIntensity":"x"}"#,
            br#"{"carbonIntensity":-3}"#,
        ] {
            match parse(body, &fr(), &Credentials::none()) {
                Err(IntensityError::Unavailable(m)) => assert!(m.contains("zone FR"), "{m}"),
                other => panic!("{other:?}"),
            }
        }
    }
}
