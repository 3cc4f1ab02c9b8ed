//! From what a service or a database says (a country code, a region name, coordinates) to
//! the engine's [`Location`].
//!
//! - The country must be a real ISO 3166-1 code (alpha-2 or alpha-3): an unknown one (`XX`,
//!   which services answer for private addresses) is an error, never an invented country. The
//!   alpha-3 code and the English name come from `codecarbon_data::country`.
//! - The region is lower-cased, as CodeCarbon writes a geolocated region. For the countries
//!   where CodeCarbon has regional data (USA, CAN, CHN, SWE, NOR, FIN) it is resolved to the
//!   name `codecarbon_data` uses, so that the static intensity finds it: by name, by name
//!   without accents (`Québec` → `quebec`), then by subdivision code (`QC`). A region the data
//!   does not know is kept lower-cased (the country's figure then applies).
//! - Coordinates outside the globe are dropped.

use codecarbon_core::Location;
use codecarbon_data::{country, lookup, Query};

/// What a source says about an address, before validation.
#[derive(Debug, Clone, Default, PartialEq)]
pub(crate) struct Raw {
    /// ISO 3166-1 alpha-3 or alpha-2.
    pub country_code: Option<String>,
    /// Region (state, province) name.
    pub region: Option<String>,
    /// Region code (`QC`, `CA`), from a MaxMind subdivision.
    pub region_code: Option<String>,
    pub latitude: Option<f64>,
    pub longitude: Option<f64>,
}

/// The location, or why the answer cannot be used.
pub(crate) fn to_location(raw: &Raw) -> Result<Location, String> {
    let code = raw
        .country_code
        .as_deref()
        .map(str::trim)
        .filter(|c| !c.is_empty())
        .ok_or_else(|| "no country code in the answer".to_string())?;
    let info = country(code).map_err(|_| format!("unknown country code {code:?}"))?;
    let latitude = raw.latitude.filter(|l| l.is_finite() && l.abs() <= 90.0);
    let longitude = raw.longitude.filter(|l| l.is_finite() && l.abs() <= 180.0);
    // A coordinate is only useful with its partner.
    let (latitude, longitude) = match (latitude, longitude) {
        (Some(lat), Some(lon)) => (Some(lat), Some(lon)),
        _ => (None, None),
    };
    let mut location = Location::default();
    location.region = region(&info.alpha_3, raw);
    location = location.with_country(info.alpha_3, info.name);
    location.latitude = latitude;
    location.longitude = longitude;
    Ok(location)
}

/// The region as CodeCarbon writes it (see the module's documentation).
fn region(alpha_3: &str, raw: &Raw) -> Option<String> {
    let name = raw
        .region
        .as_deref()
        .map(|r| {
            r.split_whitespace()
                .collect::<Vec<_>>()
                .join(" ")
                .to_lowercase()
        })
        .filter(|r| !r.is_empty());
    let folded = name.as_deref().map(fold_accents);
    let candidates = [name.clone(), folded, raw.region_code.clone()];
    candidates
        .into_iter()
        .flatten()
        .filter(|c| !c.trim().is_empty())
        .find_map(|c| lookup(&Query::region(alpha_3, c)).ok()?.region)
        .or(name)
}

/// Latin letters without their accents (`québec` → `quebec`), for the region names the
/// datasets spell in ASCII. Other characters are kept.
fn fold_accents(text: &str) -> String {
    text.chars()
        .map(|c| match c {
            'à' | 'á' | 'â' | 'ã' | 'ä' | 'å' | 'ā' => 'a',
            'ç' | 'ć' | 'č' => 'c',
            'è' | 'é' | 'ê' | 'ë' | 'ē' | 'ė' | 'ę' => 'e',
            'ì' | 'í' | 'î' | 'ï' | 'ī' => 'i',
            'ñ' | 'ń' => 'n',
            'ò' | 'ó' | 'ô' | 'õ' | 'ö' | 'ø' | 'ō' => 'o',
            'ù' | 'ú' | 'û' | 'ü' | 'ū' => 'u',
            'ý' | 'ÿ' => 'y',
            other => other,
        })
        .collect()
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
    use super::*;

    fn raw(code: &str, region: Option<&str>, region_code: Option<&str>) -> Raw {
        Raw {
            country_code: Some(code.into()),
            region: region.map(Into::into),
            region_code: region_code.map(Into::into),
            latitude: Some(48.8582),
            longitude: Some(2.3387),
        }
    }

    #[test]
    fn alpha_2_and_alpha_3_give_the_same_country() {
        for code in ["FR", "FRA", "fr"] {
            let loc = to_location(&raw(code, Some("Île-de-France"), None)).unwrap();
            assert_eq!(loc.country_iso_code.as_deref(), Some("FRA"));
            assert_eq!(loc.country_name.as_deref(), Some("France"));
            assert_eq!(loc.region.as_deref(), Some("île-de-france"));
            assert_eq!((loc.latitude, loc.longitude), (Some(48.8582), Some(2.3387)));
        }
    }

    #[test]
    fn regions_resolve_to_codecarbon_names() {
        let cases = [
            ("US", Some("California"), None, "california"),
            ("USA", Some("New  York"), None, "new york"),
            ("CA", Some("Québec"), None, "quebec"),
            ("CA", Some("Quebec"), None, "quebec"),
            ("CA", None, Some("BC"), "british columbia"),
            (
                "CA",
                Some("Colombie-Britannique"),
                Some("BC"),
                "british columbia",
            ),
            ("SE", Some("Stockholm"), Some("AB"), "stockholm"),
        ];
        for (code, name, sub, want) in cases {
            let loc = to_location(&raw(code, name, sub)).unwrap();
            assert_eq!(loc.region.as_deref(), Some(want), "{code} {name:?} {sub:?}");
        }
        assert_eq!(
            to_location(&raw("FR", Some("  "), None)).unwrap().region,
            None
        );
    }

    #[test]
    fn unknown_or_missing_country_is_an_error() {
        assert!(to_location(&raw("XX", None, None))
            .unwrap_err()
            .contains("\"XX\""));
        assert!(to_location(&Raw::default())
            .unwrap_err()
            .contains("no country"));
    }

    #[test]
    fn coordinates_off_the_globe_are_dropped() {
        let mut r = raw("FR", None, None);
        r.latitude = Some(123.0);
        let loc = to_location(&r).unwrap();
        assert_eq!((loc.latitude, loc.longitude), (None, None));
    }
}
