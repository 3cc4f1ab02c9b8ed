//! The embedded files themselves, as text, for the crates that read them their own way: the
//! `tdp` plugin its CPU table, the board its map outlines and the generation mix.
//!
//! Every file lives under this crate's `data/` folder, so the crate carries its data when it is
//! packaged; `data/SOURCES.md` names each file's source, year and licence. The constants are
//! only text: a binary holds the files that something in it reads.

/// Our World in Data's per-country generation mix and intensity (from CodeCarbon 3.3.2).
pub const GLOBAL_ENERGY_MIX: &str = include_str!("../data/intensity/global_energy_mix.json");
/// EPA eGRID2023's per-state emission rates, lbs CO2eq/MWh (from CodeCarbon 3.3.2).
pub const USA_EMISSIONS: &str = include_str!("../data/intensity/usa_emissions.json");
/// Canada Energy Regulator's per-province generation mix (from CodeCarbon 3.3.2).
pub const CANADA_ENERGY_MIX: &str = include_str!("../data/intensity/canada_energy_mix.json");
/// Per-province intensity of China (from CodeCarbon 3.3.2).
pub const CHINA_PROVINCIAL: &str =
    include_str!("../data/intensity/china_provincial_emissions.json");
/// Per-bidding-zone intensity of the Nordic countries (from CodeCarbon 3.3.2).
pub const NORDIC_EMISSIONS: &str = include_str!("../data/intensity/nordic_emissions.json");
/// Life-cycle intensity per fuel, g CO2eq/kWh (from CodeCarbon 3.3.2).
pub const CARBON_INTENSITY_PER_SOURCE: &str =
    include_str!("../data/intensity/carbon_intensity_per_source.json");
/// GCP regions and their intensity (CodeCarbon 3.3.2's `cloud/impact.csv`).
pub const CLOUD_IMPACT: &str = include_str!("../data/cloud/impact.csv");
/// AWS regions and their intensity (Cloud Carbon Footprint's coefficients).
pub const AWS_REGIONS: &str = include_str!("../data/cloud/aws.csv");
/// Azure regions and their intensity (Cloud Carbon Footprint's coefficients).
pub const AZURE_REGIONS: &str = include_str!("../data/cloud/azure.csv");
/// ISO 3166-1 codes and English names of the countries (Unicode CLDR).
pub const ISO_3166_1: &str = include_str!("../data/iso/iso_3166-1.json");
/// CPU models and their thermal design power, `Name,TDP` (from CodeCarbon 3.3.2).
pub const CPU_POWER: &str = include_str!("../data/hardware/cpu_power.csv");
/// The world's country outlines, TopoJSON (Natural Earth 1:110m, via world-atlas).
pub const WORLD_MAP: &str = include_str!("../data/maps/world-countries-110m.json");
/// The US states' outlines, Albers projection, TopoJSON (via us-atlas).
pub const US_MAP: &str = include_str!("../data/maps/us-states-albers-10m.json");
/// The Canadian provinces' outlines, TopoJSON (Natural Earth 1:50m).
pub const CANADA_MAP: &str = include_str!("../data/maps/canada-provinces-50m.json");
/// ISO 3166-1 numeric code → alpha-3, for the world map's numeric ids (Unicode CLDR).
pub const ISO_NUMERIC: &str = include_str!("../data/maps/iso_3166-1_numeric.json");
