//! The CSV files: the cloud region tables and the CPU power table.

use super::Sink;
use crate::data::cloud::HEADER;
use crate::data::tables::Csv;

fn parse(s: &mut Sink, bytes: &[u8]) -> Option<Csv> {
    match Csv::parse(bytes) {
        Ok(csv) => Some(csv),
        Err(e) => {
            s.bad("-", &format!("not valid CSV: {e:#}"));
            None
        }
    }
}

/// The columns `names`, or a problem naming the missing one.
fn columns(s: &mut Sink, csv: &Csv, names: &[&str]) -> Option<Vec<usize>> {
    let mut out = Vec::new();
    for name in names {
        match csv.column(name) {
            Some(i) => out.push(i),
            None => {
                s.bad("header", &format!("column `{name}` is missing"));
                return None;
            }
        }
    }
    Some(out)
}

/// `cloud/aws.csv`, `cloud/azure.csv`: `region,location,country_iso_code,g_co2e_per_kwh`,
/// sorted by region, regions unique.
pub(super) fn region_table(s: &mut Sink, bytes: &[u8]) {
    let Some(csv) = parse(s, bytes) else { return };
    if csv.header.join(",") != HEADER {
        s.bad(
            "header",
            &format!("is `{}`, expected `{HEADER}`", csv.header.join(",")),
        );
        return;
    }
    if csv.rows.is_empty() {
        s.bad("-", "no region");
    }
    rows(s, &csv, &[0, 1, 2, 3]);
}

/// `cloud/impact.csv`: Google Cloud regions with `impact` in g/kWh.
pub(super) fn impact(s: &mut Sink, bytes: &[u8]) {
    let Some(csv) = parse(s, bytes) else { return };
    let Some(cols) = columns(
        s,
        &csv,
        &["region", "regionName", "countryIsoCode", "impact"],
    ) else {
        return;
    };
    if csv.rows.is_empty() {
        s.bad("-", "no region");
    }
    if let Some(p) = csv.column("provider") {
        for (i, row) in csv.rows.iter().enumerate() {
            if row.get(p).is_none_or(|v| v.trim().is_empty()) {
                s.bad(&format!("row {}", i + 2), "`provider` is empty");
            }
        }
    }
    rows(s, &csv, &cols);
}

/// Region rows: `cols` are the region, a name (unchecked), the alpha-3 country and g/kWh.
fn rows(s: &mut Sink, csv: &Csv, cols: &[usize]) {
    let mut regions = Vec::new();
    for (i, row) in csv.rows.iter().enumerate() {
        if row.len() != csv.header.len() {
            s.bad(
                &format!("row {}", i + 2),
                &format!("{} fields, the header has {}", row.len(), csv.header.len()),
            );
            continue;
        }
        let region = row[cols[0]].as_str();
        if region.trim().is_empty() {
            s.bad(&format!("row {}", i + 2), "empty region");
            continue;
        }
        regions.push(region);
        s.code(region, "country", &row[cols[2]], 3);
        s.intensity_value(region, "g/kWh", row[cols[3]].trim().parse::<f64>().ok());
    }
    s.unique("region", regions.iter().copied());
    if csv.header.first().map(String::as_str) == Some("region")
        && regions.windows(2).any(|w| w[0] > w[1])
    {
        s.bad("-", "rows are not sorted by region");
    }
}

/// Rows of CodeCarbon 3.3.2's `cpu_power.csv` whose TDP is not a usable power, kept as
/// shipped (the TDP plugin reads them as "no TDP"): a range typed without its dash and a
/// microcontroller listed at 0 W. Any other such row is a problem.
pub const KNOWN_BAD_TDP: [(&str, &str); 5] = [
    ("Intel Celeron 1000A", "27.29.5"),
    ("Intel Celeron 1100A", "27.29.5"),
    ("Intel Celeron 1200", "29.32.9"),
    ("Intel Celeron 1400", "33.34.8"),
    ("Intel Quark Microcontroller D1000", "0.0"),
];

/// `hardware/cpu_power.csv`: `Name,TDP`, TDP in watts.
pub(super) fn cpu_power(s: &mut Sink, bytes: &[u8]) {
    let Some(csv) = parse(s, bytes) else { return };
    let Some(cols) = columns(s, &csv, &["Name", "TDP"]) else {
        return;
    };
    if csv.rows.is_empty() {
        s.bad("-", "no CPU");
    }
    for (i, row) in csv.rows.iter().enumerate() {
        let key = format!("row {}", i + 2);
        let (Some(name), Some(tdp)) = (row.get(cols[0]), row.get(cols[1])) else {
            s.bad(&key, "missing fields");
            continue;
        };
        if name.trim().is_empty() {
            s.bad(&key, "empty `Name`");
        }
        match tdp.trim().parse::<f64>() {
            Ok(w) if w.is_finite() && w > 0.0 && w <= 1000.0 => {}
            _ if KNOWN_BAD_TDP.contains(&(name.as_str(), tdp.as_str())) => {}
            _ => s.bad(
                name,
                &format!("`TDP` = `{tdp}` is not a power in (0, 1000] W"),
            ),
        }
    }
}
