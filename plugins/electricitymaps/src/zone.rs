//! Which Electricity Maps zone to ask for: the configured zone, else the location's
//! coordinates, else its country.

use codecarbon_core::Location;
use reqwest::Url;
use std::fmt;

/// What the `latest` request asks about.
#[derive(Debug, Clone, PartialEq)]
pub enum ZoneQuery {
    /// An Electricity Maps zone (`FR`, `US-CAL-CISO`), sent as `?zone=`.
    Zone(String),
    /// A point, sent as `?lat=..&lon=..`; the service finds its zone.
    Coordinates {
        /// Latitude in degrees.
        latitude: f64,
        /// Longitude in degrees.
        longitude: f64,
    },
}

impl ZoneQuery {
    /// The query for a place: `explicit` (the `electricitymaps_zone` setting) when set, else the
    /// location's coordinates when both are known and in range, else its country's ISO alpha-2
    /// code. `None` when nothing is usable, so no request is made.
    pub fn choose(explicit: Option<&str>, at: &Location) -> Option<ZoneQuery> {
        if let Some(zone) = explicit.map(str::trim).filter(|z| !z.is_empty()) {
            return Some(ZoneQuery::Zone(zone.to_string()));
        }
        if let (Some(latitude), Some(longitude)) = (at.latitude, at.longitude) {
            if valid_point(latitude, longitude) {
                return Some(ZoneQuery::Coordinates {
                    latitude,
                    longitude,
                });
            }
        }
        let code = at.country_iso_code.as_deref()?;
        let alpha_2 = codecarbon_data::country(code).ok()?.alpha_2?;
        Some(ZoneQuery::Zone(alpha_2))
    }

    /// Adds the query's parameters to `url` (percent-encoded).
    pub(crate) fn apply(&self, url: &mut Url) {
        let mut pairs = url.query_pairs_mut();
        match self {
            ZoneQuery::Zone(zone) => {
                pairs.append_pair("zone", zone);
            }
            ZoneQuery::Coordinates {
                latitude,
                longitude,
            } => {
                pairs
                    .append_pair("lat", &latitude.to_string())
                    .append_pair("lon", &longitude.to_string());
            }
        }
    }

    /// The cache key: one answer is kept per distinct query.
    pub(crate) fn key(&self) -> String {
        match self {
            ZoneQuery::Zone(zone) => format!("zone={zone}"),
            ZoneQuery::Coordinates {
                latitude,
                longitude,
            } => format!("lat={latitude}&lon={longitude}"),
        }
    }
}

fn valid_point(latitude: f64, longitude: f64) -> bool {
    latitude.is_finite()
        && longitude.is_finite()
        && (-90.0..=90.0).contains(&latitude)
        && (-180.0..=180.0).contains(&longitude)
}

impl fmt::Display for ZoneQuery {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ZoneQuery::Zone(zone) => write!(f, "zone {zone}"),
            ZoneQuery::Coordinates {
                latitude,
                longitude,
            } => write!(f, "lat {latitude}, lon {longitude}"),
        }
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
    use super::*;

    fn place(country: Option<&str>, lat: Option<f64>, lon: Option<f64>) -> Location {
        let mut at = Location::default();
        at.country_iso_code = country.map(String::from);
        at.latitude = lat;
        at.longitude = lon;
        at
    }

    #[test]
    fn explicit_zone_wins() {
        let at = place(Some("FRA"), Some(48.85), Some(2.35));
        assert_eq!(
            ZoneQuery::choose(Some(" US-CAL-CISO "), &at),
            Some(ZoneQuery::Zone("US-CAL-CISO".into()))
        );
    }

    #[test]
    fn coordinates_before_country() {
        let at = place(Some("FRA"), Some(48.85), Some(2.35));
        assert_eq!(
            ZoneQuery::choose(None, &at),
            Some(ZoneQuery::Coordinates {
                latitude: 48.85,
                longitude: 2.35
            })
        );
        assert_eq!(
            ZoneQuery::choose(Some("  "), &at).map(|q| q.key()),
            Some("lat=48.85&lon=2.35".to_string())
        );
    }

    #[test]
    fn country_alpha_2_when_no_coordinates() {
        let at = place(Some("FRA"), Some(48.85), None);
        assert_eq!(
            ZoneQuery::choose(None, &at),
            Some(ZoneQuery::Zone("FR".into()))
        );
        let bad_point = place(Some("DEU"), Some(123.0), Some(2.0));
        assert_eq!(
            ZoneQuery::choose(None, &bad_point),
            Some(ZoneQuery::Zone("DE".into()))
        );
    }

    #[test]
    fn nothing_usable_is_none() {
        assert_eq!(ZoneQuery::choose(None, &Location::default()), None);
        assert_eq!(
            ZoneQuery::choose(None, &place(Some("XYZ"), None, None)),
            None
        );
    }

    #[test]
    fn zone_is_percent_encoded() {
        let mut url = Url::parse("http://127.0.0.1/x").unwrap();
        ZoneQuery::Zone("A&B=C".into()).apply(&mut url);
        assert_eq!(url.query(), Some("zone=A%26B%3DC"));
        assert_eq!(ZoneQuery::Zone("FR".into()).to_string(), "zone FR");
    }
}
