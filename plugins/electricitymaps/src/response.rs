//! The `carbon-intensity/latest` answer, turned into an [`Intensity`].

use crate::zone::ZoneQuery;
use chrono::{DateTime, Datelike};
use codecarbon_core::{GramsPerKwh, Intensity, IntensityBasis, IntensityError};
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
/// (`carbonIntensity: null`); an error when the body is not such an answer.
pub(crate) fn parse(body: &[u8], asked: &ZoneQuery) -> Result<Option<Intensity>, IntensityError> {
    let latest: Latest = serde_json::from_slice(body).map_err(|e| {
        IntensityError::Unavailable(format!(
            "Electricity Maps answered for {asked} with something that is not a carbon-intensity answer ({e}); check `electricitymaps_url`"
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
    let zone = match (&latest.zone, asked) {
        (Some(zone), _) => format!("zone {zone}"),
        (None, query) => query.to_string(),
    };
    let year = latest
        .datetime
        .as_deref()
        .and_then(|d| DateTime::parse_from_rfc3339(d).ok())
        .map(|d| d.year());
    Ok(Some(Intensity {
        value: GramsPerKwh(value),
        source: format!("Electricity Maps ({zone})"),
        year,
        basis: IntensityBasis::Live,
    }))
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
    use super::*;

    fn fr() -> ZoneQuery {
        ZoneQuery::Zone("FR".into())
    }

    #[test]
    fn full_answer() {
        let body = br#"{"zone":"FR","carbonIntensity":123,"datetime":"2026-11-29T10:00:00.000Z",
            "updatedAt":"2026-11-29T09:51:00.000Z","emissionFactorType":"lifecycle","isEstimated":false}"#;
        let got = parse(body, &fr()).unwrap().unwrap();
        assert_eq!(
            got,
            Intensity {
                value: GramsPerKwh(123.0),
                source: "Electricity Maps (zone FR)".into(),
                year: Some(2026),
                basis: IntensityBasis::Live,
            }
        );
    }

    #[test]
    fn zone_from_the_query_when_the_answer_has_none() {
        let asked = ZoneQuery::Coordinates {
            latitude: 1.5,
            longitude: 2.0,
        };
        let got = parse(br#"{"carbonIntensity":55.5}"#, &asked)
            .unwrap()
            .unwrap();
        assert_eq!(got.source, "Electricity Maps (lat 1.5, lon 2)");
        assert_eq!(got.year, None);
        assert_eq!(got.value, GramsPerKwh(55.5));
    }

    #[test]
    fn null_intensity_is_none() {
        assert_eq!(
            parse(br#"{"zone":"FR","carbonIntensity":null}"#, &fr()).unwrap(),
            None
        );
    }

    #[test]
    fn garbage_and_impossible_values_are_unavailable() {
        for body in [
            &b"<html>oops</html>"[..],
            br#"{"carbonIntensity":"x"}"#,
            br#"{"carbonIntensity":-3}"#,
        ] {
            match parse(body, &fr()) {
                Err(IntensityError::Unavailable(m)) => assert!(m.contains("zone FR"), "{m}"),
                other => panic!("{other:?}"),
            }
        }
    }
}
