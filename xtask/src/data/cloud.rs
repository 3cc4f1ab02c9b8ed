//! `cloud/aws.csv` and `cloud/azure.csv` from Cloud Carbon Footprint's factors.
//!
//! Header `region,location,country_iso_code,g_co2e_per_kwh`, one row per region of
//! [`cloud_regions`](super::cloud_regions), sorted by region, `\n` line ends. The factor is the
//! package's t/kWh × 10^6, rounded to 3 decimals as JavaScript's `toFixed(3)` does and written
//! as `String(number)` (`120`, `379.069`): the format the tables were first made in.

use super::ccf::Factors;
use super::cloud_regions::{AWS, AZURE, IGNORED_AWS, IGNORED_AZURE};
use super::npm::Package;
use super::num::{js_number, round_to, Ties};
use super::Built;

/// The CSV header.
pub const HEADER: &str = "region,location,country_iso_code,g_co2e_per_kwh";

/// Which table.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Provider {
    /// `cloud/aws.csv`.
    Aws,
    /// `cloud/azure.csv`.
    Azure,
}

impl Provider {
    /// Where the file goes under the data directory.
    pub fn path(self) -> &'static str {
        match self {
            Provider::Aws => "cloud/aws.csv",
            Provider::Azure => "cloud/azure.csv",
        }
    }

    fn regions(self) -> &'static [(&'static str, &'static str, &'static str)] {
        match self {
            Provider::Aws => &AWS,
            Provider::Azure => &AZURE,
        }
    }

    fn ignored(self) -> &'static [&'static str] {
        match self {
            Provider::Aws => &IGNORED_AWS,
            Provider::Azure => &IGNORED_AZURE,
        }
    }

    fn factors_name(self) -> &'static str {
        match self {
            Provider::Aws => super::ccf::AWS_FACTORS,
            Provider::Azure => super::ccf::AZURE_FACTORS,
        }
    }
}

/// The table and what did not fit it.
pub struct Table {
    /// The built file.
    pub built: Built,
    /// Regions with a factor upstream but no location in `cloud_regions.rs` (left out).
    pub unplaced: Vec<String>,
    /// Regions in `cloud_regions.rs` with no factor upstream (left out).
    pub unpriced: Vec<String>,
}

/// Builds one provider's table from its factors; `pkg` and `core` name the versions.
pub fn build(provider: Provider, factors: &Factors, pkg: &Package, core: &Package) -> Table {
    let mut rows: Vec<(&str, &str, &str, f64)> = Vec::new();
    let mut unpriced = Vec::new();
    for (region, location, country) in provider.regions() {
        match factors.get(*region) {
            Some(t) => rows.push((region, location, country, *t)),
            None => unpriced.push(region.to_string()),
        }
    }
    rows.sort_by(|a, b| a.0.cmp(b.0));
    let unplaced = factors
        .keys()
        .filter(|k| {
            !provider.ignored().contains(&k.as_str())
                && !provider.regions().iter().any(|(r, _, _)| r == k)
        })
        .cloned()
        .collect();
    let mut text = format!("{HEADER}\n");
    for (region, location, country, t) in &rows {
        let g = js_number(round_to(t * 1e6, 3, Ties::AwayFromZero));
        text.push_str(&format!(
            "{},{},{},{g}\n",
            field(region),
            field(location),
            field(country)
        ));
    }
    let built = Built {
        path: provider.path(),
        bytes: text.into_bytes(),
        section: section(provider, rows.len(), pkg, core),
        entries: rows.len(),
    };
    Table {
        built,
        unplaced,
        unpriced,
    }
}

/// A CSV field, quoted when it holds a comma, quote or line break.
fn field(s: &str) -> String {
    if s.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", s.replace('"', "\"\""))
    } else {
        s.to_owned()
    }
}

fn section(provider: Provider, count: usize, pkg: &Package, core: &Package) -> String {
    let (name, what) = match provider {
        Provider::Aws => ("AWS", "region codes (`us-east-1`)"),
        Provider::Azure => (
            "Azure",
            "region names, lower-case as Azure's instance metadata gives them (`eastus`)",
        ),
    };
    let ignored: Vec<String> = provider
        .ignored()
        .iter()
        .map(|r| format!("`{r}`"))
        .collect();
    format!(
        "- **From**: `cargo xtask refresh-data`, from the npm package `{}` {}, object `{}` \
(metric t CO2e/kWh per region; US regions refer to `US_NERC_REGIONS_EMISSIONS_FACTORS` of \
`{}` {}), read from the package's JavaScript (not run); tarballs checked against the \
registry's sha512 integrity. Multiplied by 1,000,000 (t to g) and rounded to 3 decimals.
- **Source**: Cloud Carbon Footprint's emission factors for {name} \
(<https://www.cloudcarbonfootprint.org/docs/methodology>: per-country grid factors from \
carbonfootprint.com and, for US regions, EPA eGRID NERC-region factors; the package cites no \
source per value).
- **Year**: not stated in the package; the factors as published in version {}.
- **Unit**: `g_co2e_per_kwh` in g CO2eq/kWh.
- **Content**: header `{HEADER}`, {count} {name} {what}, sorted by region. `location` (the \
provider's display name) and `country_iso_code` (ISO 3166-1 alpha-3) are not in the package: \
they come from the table in `xtask/src/data/cloud_regions.rs`, and a region new upstream is \
reported by the refresh until it is added there. Left out, as not regions: {}.
- **Use**: `codecarbon-data` (read by `codecarbon-cloud`'s `cloud_region` intensity provider), \
embedded with `include_str!`.
- **Licence**: Apache-2.0 (Cloud Carbon Footprint, Thoughtworks).",
        pkg.name,
        pkg.version,
        provider.factors_name(),
        core.name,
        core.version,
        pkg.version,
        ignored.join(", "),
    )
}
