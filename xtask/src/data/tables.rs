//! Each refreshed file read back as `key → g CO2eq/kWh`, for the change summary, and the CSV
//! reader `check-data` shares.

use super::owid::strip_bom;
use super::pyjson;
use anyhow::{anyhow, bail, Context, Result};
use std::collections::BTreeMap;

/// lb/MWh → g/kWh.
pub const LB_PER_MWH_TO_G_PER_KWH: f64 = 0.453_592_37;

/// CodeCarbon's factors for Canada's shares, in g/kWh (coal, petroleum, natural gas).
pub const CANADA_FACTORS: [(&str, f64); 3] = [
    ("coal", 995.725971),
    ("petroleum", 816.6885263),
    ("naturalGas", 743.8415916),
];

/// A CSV file: its header and rows (a leading byte-order mark ignored).
pub struct Csv {
    /// Column names.
    pub header: Vec<String>,
    /// Rows, each as long as it is in the file.
    pub rows: Vec<Vec<String>>,
}

impl Csv {
    /// Parses `bytes`; rows may differ in length (checked by the caller).
    pub fn parse(bytes: &[u8]) -> Result<Csv> {
        let mut reader = csv::ReaderBuilder::new()
            .flexible(true)
            .from_reader(strip_bom(bytes));
        let header = reader.headers()?.iter().map(str::to_owned).collect();
        let mut rows = Vec::new();
        for (n, record) in reader.records().enumerate() {
            let record = record.with_context(|| format!("bad CSV at row {}", n + 2))?;
            rows.push(record.iter().map(str::to_owned).collect());
        }
        Ok(Csv { header, rows })
    }

    /// The index of column `name`.
    pub fn column(&self, name: &str) -> Option<usize> {
        self.header.iter().position(|h| h == name)
    }
}

/// The intensities in a refreshed file, by key, in g CO2eq/kWh.
pub fn intensities(path: &str, bytes: &[u8]) -> Result<BTreeMap<String, f64>> {
    let mut out = BTreeMap::new();
    if path.ends_with(".csv") {
        let csv = Csv::parse(bytes)?;
        let (r, g) = (csv.column("region"), csv.column("g_co2e_per_kwh"));
        let (Some(r), Some(g)) = (r, g) else {
            bail!("no region and g_co2e_per_kwh columns");
        };
        for row in &csv.rows {
            let (Some(region), Some(x)) = (row.get(r), row.get(g)) else {
                continue;
            };
            if let Ok(x) = x.parse::<f64>() {
                out.insert(region.clone(), x);
            }
        }
        return Ok(out);
    }
    let text = std::str::from_utf8(bytes).context("not UTF-8")?;
    let doc = pyjson::parse(text)?;
    let members = doc
        .as_object()
        .ok_or_else(|| anyhow!("not a JSON object"))?;
    for (key, value) in members {
        let g = if path.ends_with("global_energy_mix.json") {
            value.get("carbon_intensity").and_then(|v| v.as_f64())
        } else if path.ends_with("usa_emissions.json") {
            value
                .get("emissions")
                .and_then(|v| v.as_f64())
                .filter(|_| !key.starts_with('_'))
                .map(|lb| lb * LB_PER_MWH_TO_G_PER_KWH)
        } else if path.ends_with("canada_energy_mix.json") {
            canada_intensity(value)
        } else {
            None
        };
        if let Some(g) = g {
            out.insert(key.clone(), g);
        }
    }
    Ok(out)
}

/// A Canadian province's intensity from its shares, as CodeCarbon computes it.
pub fn canada_intensity(province: &pyjson::Value) -> Option<f64> {
    let total = province.get("total")?.as_f64()?;
    if total <= 0.0 {
        return None;
    }
    let mut sum = 0.0;
    for (field, factor) in CANADA_FACTORS {
        sum += province.get(field)?.as_f64()? * factor;
    }
    Some(sum / total)
}
