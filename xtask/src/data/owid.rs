//! `intensity/global_energy_mix.json` from Our World in Data's `owid-energy-data.csv`.
//!
//! As CodeCarbon's notebook `our_world_in_data.ipynb` does: the electricity columns are renamed
//! (`carbon_intensity_elec` → `carbon_intensity`, `coal_electricity` → `coal_TWh`, ...,
//! `per_capita_electricity` → `per_capita_Wh`), `total_TWh` is `fossil + renewables + nuclear`
//! (missing ones skipped), a missing value is written as the integer `0`, and the file is
//! `json.dump(..., indent=4, sort_keys=True)` without a trailing newline. One difference, on
//! purpose: the notebook keeps only the dataset's latest year (78 countries in 2023), and older
//! countries came from earlier runs; here each country gets its own latest year that has a
//! carbon intensity, so one run gives the whole table.

use super::pyjson::{self, Value};
use super::sources::OWID_ENERGY;
use super::Built;
use anyhow::{bail, Context, Result};
use std::collections::BTreeMap;

/// Where the file goes under the data directory.
pub const PATH: &str = "intensity/global_energy_mix.json";

/// OWID column → field of `global_energy_mix.json`, for the generation columns.
pub const COLUMNS: [(&str, &str); 14] = [
    ("biofuel_electricity", "biofuel_TWh"),
    ("coal_electricity", "coal_TWh"),
    ("fossil_electricity", "fossil_TWh"),
    ("gas_electricity", "gas_TWh"),
    ("hydro_electricity", "hydroelectricity_TWh"),
    ("low_carbon_electricity", "low_carbon_TWh"),
    ("nuclear_electricity", "nuclear_TWh"),
    ("oil_electricity", "oil_TWh"),
    ("other_renewable_electricity", "other_renewable_TWh"),
    (
        "other_renewable_exc_biofuel_electricity",
        "other_renewable_exc_biofuel_TWh",
    ),
    ("per_capita_electricity", "per_capita_Wh"),
    ("renewables_electricity", "renewables_TWh"),
    ("solar_electricity", "solar_TWh"),
    ("wind_electricity", "wind_TWh"),
];

/// The columns read besides [`COLUMNS`].
const KEY_COLUMNS: [&str; 4] = ["country", "year", "iso_code", "carbon_intensity_elec"];

/// The fields summed into `total_TWh`, in the notebook's order.
const TOTAL_OF: [&str; 3] = ["fossil_TWh", "renewables_TWh", "nuclear_TWh"];

/// One country's latest row with a carbon intensity.
struct Row {
    year: i64,
    cells: Vec<String>,
}

/// Builds the file from the CSV bytes; `rows` in the result counts every CSV row read.
pub fn build(csv_bytes: &[u8]) -> Result<(Built, usize)> {
    let mut reader = csv::ReaderBuilder::new().from_reader(strip_bom(csv_bytes));
    let headers = reader
        .headers()
        .context("owid: cannot read the CSV header")?
        .clone();
    let names: Vec<&str> = KEY_COLUMNS
        .iter()
        .copied()
        .chain(COLUMNS.iter().map(|(c, _)| *c))
        .collect();
    let mut index = Vec::with_capacity(names.len());
    for name in &names {
        match headers.iter().position(|h| h == *name) {
            Some(i) => index.push(i),
            None => bail!("owid: column `{name}` is missing from the CSV: OWID renamed it; update xtask/src/data/owid.rs"),
        }
    }
    let mut latest: BTreeMap<String, Row> = BTreeMap::new();
    let mut rows = 0usize;
    for (n, record) in reader.records().enumerate() {
        let record = record.with_context(|| format!("owid: bad CSV at row {}", n + 2))?;
        rows += 1;
        let cell = |i: usize| record.get(index[i]).unwrap_or("").trim();
        let iso = cell(2);
        if !is_alpha3(iso) || cell(3).is_empty() {
            continue; // aggregates (OWID_WRL, no code) and years without an intensity
        }
        let year: i64 = cell(1)
            .parse()
            .with_context(|| format!("owid: row {}: year `{}` is not a number", n + 2, cell(1)))?;
        if latest.get(iso).is_some_and(|r| r.year >= year) {
            continue;
        }
        let cells = (0..names.len()).map(|i| cell(i).to_owned()).collect();
        latest.insert(iso.to_owned(), Row { year, cells });
    }
    if latest.is_empty() {
        bail!("owid: no country row has a `carbon_intensity_elec` value");
    }
    let mut countries = Vec::with_capacity(latest.len());
    let mut years: BTreeMap<i64, usize> = BTreeMap::new();
    for (iso, row) in &latest {
        countries.push((iso.clone(), entry(iso, row)?));
        *years.entry(row.year).or_default() += 1;
    }
    let text = pyjson::render(&Value::Object(countries), 4);
    let built = Built {
        path: PATH,
        bytes: text.into_bytes(),
        section: section(latest.len(), &years),
        entries: latest.len(),
    };
    Ok((built, rows))
}

/// One country's object, fields sorted by name as `sort_keys=True` does.
fn entry(iso: &str, row: &Row) -> Result<Value> {
    let mut fields: BTreeMap<&str, Value> = BTreeMap::new();
    fields.insert("country_name", Value::Str(row.cells[0].clone()));
    fields.insert("year", Value::Int(row.year));
    fields.insert("iso_code", Value::Str(iso.to_owned()));
    fields.insert(
        "carbon_intensity",
        number(iso, "carbon_intensity_elec", &row.cells[3])?,
    );
    for (i, (column, field)) in COLUMNS.iter().enumerate() {
        fields.insert(
            field,
            number(iso, column, &row.cells[KEY_COLUMNS.len() + i])?,
        );
    }
    let total = TOTAL_OF
        .iter()
        .filter_map(|f| match fields.get(f) {
            Some(Value::Float(x)) => Some(*x),
            _ => None, // a missing value (written 0) is skipped, as pandas' sum does
        })
        .fold(0.0, |acc, x| acc + x);
    fields.insert("total_TWh", Value::Float(total));
    Ok(Value::Object(
        fields.into_iter().map(|(k, v)| (k.to_owned(), v)).collect(),
    ))
}

/// A cell as a float, or the integer 0 when empty (the notebook's `replace(np.nan, 0)`).
fn number(iso: &str, column: &str, cell: &str) -> Result<Value> {
    if cell.is_empty() {
        return Ok(Value::Int(0));
    }
    let x: f64 = cell
        .parse()
        .with_context(|| format!("owid: {iso}: `{column}` = `{cell}` is not a number"))?;
    Ok(Value::Float(x))
}

/// Three upper-case ASCII letters: an ISO 3166-1 alpha-3 code (OWID's aggregates are
/// `OWID_...` or empty).
pub fn is_alpha3(s: &str) -> bool {
    s.len() == 3 && s.bytes().all(|b| b.is_ascii_uppercase())
}

/// The bytes without a leading UTF-8 byte-order mark.
pub fn strip_bom(bytes: &[u8]) -> &[u8] {
    bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes)
}

fn section(count: usize, years: &BTreeMap<i64, usize>) -> String {
    let years: Vec<String> = years
        .iter()
        .rev()
        .map(|(y, n)| format!("{y} ({n})"))
        .collect();
    format!(
        "- **From**: `cargo xtask refresh-data`, from Our World in Data's energy dataset \
<{OWID_ENERGY}>, with CodeCarbon's mapping (notebook `our_world_in_data.ipynb`): \
`carbon_intensity_elec` → `carbon_intensity`, `<source>_electricity` → `<source>_TWh` \
(`hydro_electricity` → `hydroelectricity_TWh`), `per_capita_electricity` → `per_capita_Wh`, \
`total_TWh` = `fossil_TWh + renewables_TWh + nuclear_TWh`; a value missing upstream is \
written as `0`.
- **Source**: Our World in Data, \"Energy\" (Ritchie, Rosado and Roser), electricity data \
adapted from Ember and the Energy Institute Statistical Review of World Energy.
- **Year**: per country, field `year`: the latest year with a `carbon_intensity_elec` value: \
{}.
- **Unit**: `carbon_intensity` in g CO2eq/kWh; the `*_TWh` fields in TWh; `per_capita_Wh` as \
OWID's `per_capita_electricity` (kWh per person; CodeCarbon's field name says Wh).
- **Content**: {count} ISO 3166-1 alpha-3 keys (OWID's aggregates such as `OWID_WRL` left \
out), each with `country_name`, `carbon_intensity`, `year` and the generation mix.
- **Use**: `codecarbon-data` (country intensities) and `codecarbon-board` (place names), embedded \
with `include_str!`.
- **Licence**: Our World in Data publishes its data under CC BY 4.0.",
        years.join(", ")
    )
}
