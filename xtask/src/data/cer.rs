//! `intensity/canada_energy_mix.json` from the Canada Energy Regulator's generation table.
//!
//! The CSV has one row per scenario, region, fuel (`Variable`) and year, in GWh. Kept: the
//! reference scenario (`Current Measures` in the 2023 edition; `Reference` or `Current Policy`
//! in older ones), the edition's own year, and every province or territory (not `Canada`).
//! Each fuel becomes a share of the region's generation in percent, rounded to 1 decimal (to 2
//! when that would hide a non-zero share, as CodeCarbon's file shows 0.02), and `total` is the
//! sum of the rounded shares. CER does not split tidal from hydro (`Hydro / Wave / Tidal`), so
//! `tidal` is 0; a fuel it adds later goes to `other`. Written with 4-space indentation and a
//! trailing newline, provinces in CodeCarbon's order, fields in CodeCarbon's order.

use super::num::{round_to, Ties};
use super::owid::strip_bom;
use super::pyjson::{self, Value};
use super::sources::{CER_EDITION, CER_GENERATION};
use super::Built;
use anyhow::{bail, Context, Result};
use std::collections::BTreeMap;

/// Where the file goes under the data directory.
pub const PATH: &str = "intensity/canada_energy_mix.json";

/// The fields of a province, in the file's order.
pub const FIELDS: [&str; 11] = [
    "naturalGas",
    "nuclear",
    "petroleum",
    "biomass",
    "coal",
    "other",
    "solar",
    "tidal",
    "total",
    "wind",
    "hydro",
];

/// CER fuel names → field.
const FUELS: [(&str, &str); 8] = [
    ("Natural Gas", "naturalGas"),
    ("Uranium", "nuclear"),
    ("Oil", "petroleum"),
    ("Biomass / Geothermal", "biomass"),
    ("Coal & Coke", "coal"),
    ("Solar", "solar"),
    ("Wind", "wind"),
    ("Hydro / Wave / Tidal", "hydro"),
];

/// The scenarios taken as the reference, by preference.
const SCENARIOS: [&str; 3] = ["Current Measures", "Reference", "Current Policy"];

/// CodeCarbon's order of the provinces and territories (new ones follow, sorted).
const ORDER: [&str; 13] = [
    "british columbia",
    "newfoundland and labrador",
    "saskatchewan",
    "prince edward island",
    "ontario",
    "nova scotia",
    "quebec",
    "alberta",
    "manitoba",
    "northwest territories",
    "new brunswick",
    "nunavut",
    "yukon",
];

/// Builds the file from the CSV bytes; also returns the number of CSV rows read.
pub fn build(csv_bytes: &[u8]) -> Result<(Built, usize)> {
    let mut reader = csv::ReaderBuilder::new().from_reader(strip_bom(csv_bytes));
    let headers = reader
        .headers()
        .context("cer: cannot read the CSV header")?
        .clone();
    let col = |names: &[&str]| {
        headers
            .iter()
            .position(|h| names.contains(&h.trim()))
            .with_context(|| {
                format!(
                    "cer: column `{}` is missing from the CSV; update xtask/src/data/cer.rs",
                    names[0]
                )
            })
    };
    let (scenario, region, variable, year, value) = (
        col(&["Scenario"])?,
        col(&["Region"])?,
        col(&["Variable", "Variable_English"])?,
        col(&["Year"])?,
        col(&["Value"])?,
    );
    let mut records = Vec::new();
    for (n, record) in reader.records().enumerate() {
        records.push(record.with_context(|| format!("cer: bad CSV at row {}", n + 2))?);
    }
    let rows = records.len();
    let chosen = SCENARIOS
        .iter()
        .find(|s| {
            records
                .iter()
                .any(|r| r.get(scenario).map(str::trim) == Some(**s))
        })
        .with_context(|| {
            format!(
                "cer: none of the scenarios {} is in the CSV",
                SCENARIOS.join(", ")
            )
        })?;
    let mut gwh: BTreeMap<String, BTreeMap<&str, f64>> = BTreeMap::new();
    for (n, r) in records.iter().enumerate() {
        let get = |i: usize| r.get(i).unwrap_or("").trim();
        if get(scenario) != *chosen || get(year) != CER_EDITION.to_string() {
            continue;
        }
        let name = get(region).to_lowercase();
        let fuel = get(variable);
        if name == "canada" || fuel.to_lowercase().contains("total") {
            continue;
        }
        let field = FUELS
            .iter()
            .find(|(f, _)| *f == fuel)
            .map_or("other", |(_, k)| *k);
        let v: f64 = get(value).parse().with_context(|| {
            format!("cer: row {}: Value `{}` is not a number", n + 2, get(value))
        })?;
        *gwh.entry(name).or_default().entry(field).or_default() += v;
    }
    if gwh.is_empty() {
        bail!("cer: no rows for year {CER_EDITION} in scenario `{chosen}`");
    }
    let mut names: Vec<&String> = gwh.keys().collect();
    names.sort_by_key(|n| {
        (
            ORDER.iter().position(|o| o == n).unwrap_or(ORDER.len()),
            n.as_str(),
        )
    });
    let mut members = Vec::new();
    for name in names {
        members.push((name.clone(), shares(name, &gwh[name])?));
    }
    let count = members.len();
    let built = Built {
        path: PATH,
        bytes: format!("{}\n", pyjson::render(&Value::Object(members), 4)).into_bytes(),
        section: section(chosen, count),
        entries: count,
    };
    Ok((built, rows))
}

/// One region's shares in percent.
fn shares(name: &str, gwh: &BTreeMap<&str, f64>) -> Result<Value> {
    let all: f64 = gwh.values().sum();
    if all <= 0.0 || !all.is_finite() {
        bail!("cer: {name}: total generation is {all} GWh");
    }
    let mut total = 0.0;
    let mut fields = Vec::new();
    for field in FIELDS {
        if field == "total" {
            fields.push((field.to_owned(), Value::Float(0.0)));
            continue;
        }
        let v = gwh.get(field).copied().unwrap_or(0.0);
        let pct = 100.0 * v / all;
        let mut share = round_to(pct, 1, Ties::Even);
        if share == 0.0 && pct > 0.0 {
            share = round_to(pct, 2, Ties::Even);
        }
        total += share;
        fields.push((field.to_owned(), Value::Float(share)));
    }
    if let Some((_, t)) = fields.iter_mut().find(|(k, _)| k == "total") {
        *t = Value::Float(round_to(total, 2, Ties::Even));
    }
    Ok(Value::Object(fields))
}

fn section(scenario: &str, count: usize) -> String {
    format!(
        "- **From**: `cargo xtask refresh-data`, from the Canada Energy Regulator's \
\"Canada's Energy Future {CER_EDITION}\" electricity generation table <{CER_GENERATION}>: \
scenario `{scenario}`, year {CER_EDITION}, each fuel's share of the region's generation \
(`Natural Gas` → `naturalGas`, `Uranium` → `nuclear`, `Oil` → `petroleum`, \
`Biomass / Geothermal` → `biomass`, `Coal & Coke` → `coal`, `Hydro / Wave / Tidal` → `hydro`, \
`Solar`, `Wind`; `tidal` 0, anything else → `other`), rounded to 1 decimal; `total` is the sum \
of the rounded shares.
- **Source**: Canada Energy Regulator, \"Canada's Energy Future {CER_EDITION}\", Data \
Appendices, doi:10.35002/zjr8-8x75.
- **Year**: {CER_EDITION}.
- **Unit**: percent of the province's generation by source (`naturalGas`, `nuclear`, \
`petroleum`, `biomass`, `coal`, `other`, `solar`, `tidal`, `wind`, `hydro`, and `total`). \
Intensity, as CodeCarbon computes it: (coal × 995.725971 + petroleum × 816.6885263 + \
naturalGas × 743.8415916) / total g/kWh; every other source counts 0.
- **Content**: {count} provinces and territories keyed by lower-case name.
- **Use**: `codecarbon-data` (Canadian province intensities), embedded with `include_str!`.
- **Licence**: the Canada Energy Regulator publishes under the Open Government Licence – \
Canada."
    )
}
