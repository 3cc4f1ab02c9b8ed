//! Country codes: ISO 3166-1 alpha-3 (alpha-2 accepted), case-insensitive.

use crate::datasets::{datasets, CountryRecord, Datasets};
use crate::error::LookupError;
use serde::Serialize;

/// A country of ISO 3166-1, as this crate knows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CountryInfo {
    /// ISO 3166-1 alpha-2 code (`FR`); `None` for a code only the intensity data knows.
    pub alpha_2: Option<String>,
    /// ISO 3166-1 alpha-3 code (`FRA`).
    pub alpha_3: String,
    /// English name: Our World in Data's (`Democratic Republic of Congo`) where it has the
    /// country, else the ISO table's (Unicode CLDR's: `Vatican City`).
    pub name: String,
    /// Whether `global_energy_mix.json` has an intensity for it.
    pub has_data: bool,
}

/// The ISO 3166-1 country for an alpha-3 or alpha-2 code, case-insensitive.
///
/// ```
/// let fr = codecarbon_data::country("fr").unwrap();
/// assert_eq!(fr.alpha_3, "FRA");
/// assert_eq!(fr.name, "France");
/// ```
pub fn country(code: &str) -> Result<CountryInfo, LookupError> {
    resolve(datasets()?, code).map(|(info, _)| info)
}

/// The country for a code, with its intensity record when the data has one.
pub(crate) fn resolve<'a>(
    data: &'a Datasets,
    code: &str,
) -> Result<(CountryInfo, Option<&'a CountryRecord>), LookupError> {
    let code = code.trim();
    if code.is_empty() {
        return Err(LookupError::Empty("country_iso_code"));
    }
    let upper = code.to_ascii_uppercase();
    let iso = match upper.len() {
        2 => data.iso.iter().find(|e| e.alpha_2 == upper),
        3 => data.iso.iter().find(|e| e.alpha_3 == upper),
        _ => None,
    };
    let alpha_3 = match (iso, upper.len()) {
        (Some(entry), _) => entry.alpha_3.clone(),
        // A code the intensity data has, even if the ISO table lacked it.
        (None, 3) if data.countries.contains_key(&upper) => upper,
        _ => {
            return Err(LookupError::NotIso {
                code: code.to_string(),
            })
        }
    };
    let record = data.countries.get(&alpha_3);
    let name = match (record, iso) {
        (Some(r), _) => r.country_name.clone(),
        (None, Some(entry)) => entry.name.clone(),
        (None, None) => alpha_3.clone(),
    };
    let info = CountryInfo {
        alpha_2: iso.map(|e| e.alpha_2.clone()),
        alpha_3,
        name,
        has_data: record.and_then(|r| r.carbon_intensity).is_some(),
    };
    Ok((info, record))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn alpha_3_and_alpha_2_any_case() {
        for code in ["FRA", "fra", " Fra ", "FR", "fr"] {
            let c = country(code).unwrap();
            assert_eq!(c.alpha_3, "FRA", "{code}");
            assert_eq!(c.alpha_2.as_deref(), Some("FR"));
            assert!(c.has_data);
        }
    }

    #[test]
    fn name_prefers_our_world_in_data_then_iso() {
        // The two tables name COD differently, so the name shows which one was read.
        let data = datasets().unwrap();
        let cod = data.iso.iter().find(|e| e.alpha_3 == "COD").unwrap();
        assert_eq!(cod.name, "Congo - Kinshasa");
        assert_eq!(country("CD").unwrap().name, "Democratic Republic of Congo");
        // Our World in Data has no Vatican: CLDR's name.
        let va = country("VA").unwrap();
        assert_eq!(va.alpha_3, "VAT");
        assert_eq!(va.name, "Vatican City");
        assert!(!va.has_data);
        let aq = country("AQ").unwrap();
        assert_eq!(aq.alpha_3, "ATA");
        assert_eq!(aq.name, "Antarctica");
        assert!(!aq.has_data);
    }

    #[test]
    fn not_iso_is_an_error_that_points_to_the_list() {
        for code in ["XYZ", "ZZ", "FRAN", "1"] {
            let err = country(code).unwrap_err();
            assert!(matches!(err, LookupError::NotIso { .. }), "{code}");
            assert!(err.to_string().contains("codecarbon intensity --list"));
        }
        assert_eq!(
            country("  ").unwrap_err(),
            LookupError::Empty("country_iso_code")
        );
    }

    #[test]
    fn every_code_in_the_data_is_iso() {
        let data = datasets().unwrap();
        for code in data.countries.keys() {
            assert!(data.iso.iter().any(|e| &e.alpha_3 == code), "{code}");
        }
    }
}
