//! The names of the datasets an [`Answer`](crate::Answer) can come from.

/// Country values: `global_energy_mix.json`, from Our World in Data (year per country).
pub const OUR_WORLD_IN_DATA: &str = "Our World in Data";
/// US states: EPA eGRID2023, field STC2ERTA (annual CO2e total output emission rate).
pub const EPA_EGRID: &str = "EPA eGRID2023";
/// Canadian provinces: generation mix from the Canada Energy Regulator's Energy Future 2023.
pub const CANADA_ENERGY_REGULATOR: &str = "Canada Energy Regulator, Energy Future 2023";
/// The year of the Canadian mix (the file carries none).
pub const CANADA_YEAR: i32 = 2023;
/// Chinese provinces: MEE/NBS announcement 2025 No. 47 (2023 provincial factors, CO2 only).
pub const MEE_NBS: &str = "MEE/NBS 2025 No. 47";
/// Nordic bidding zones: ENTSO-E Transparency generation per type, 2025.
pub const ENTSO_E: &str = "ENTSO-E 2025";
/// GCP regions: `cloud/impact.csv`.
pub const GOOGLE_CLOUD: &str = "Google Cloud region carbon data";
/// The fallback for an ISO country without data ([`codecarbon_core::WORLD_AVERAGE`]).
pub const WORLD_AVERAGE: &str = "World average (IEA Global Energy & CO2 Status Report 2019)";
