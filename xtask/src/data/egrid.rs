//! `intensity/usa_emissions.json` from the EPA eGRID data workbook.
//!
//! EPA publishes eGRID only as an .xlsx workbook (no CSV of the state table), so it is read
//! with `calamine`. Sheet `STyy` (states) gives `PSTATABB` and `STC2ERTA` (annual CO2-equivalent
//! total output emission rate, lb/MWh) per state, sheet `USyy` gives `USC2ERTA` for the `usa`
//! entry; both sheets have a row of long titles and then a row of these field codes. Values are
//! rounded to 3 decimals (as CodeCarbon's file has them) and written with 2-space indentation
//! and a trailing newline, in CodeCarbon's order: `_unit`, `_source`, states by name, `usa`.

use super::num::{round_to, Ties};
use super::pyjson::{self, Value};
use super::sources::EGRID;
use super::Built;
use anyhow::{anyhow, bail, Context, Result};
use calamine::{Data, Reader, Xlsx};
use std::collections::BTreeMap;
use std::io::Cursor;

/// Where the file goes under the data directory.
pub const PATH: &str = "intensity/usa_emissions.json";

/// The page cited in the file's `_source.url` (the download page, not the workbook).
pub const CITED_URL: &str = "https://www.epa.gov/egrid/download-data";

/// Lower-case names of the 50 states and DC by postal code: the keys of the file. Other
/// codes in eGRID (Puerto Rico) are left out, as in CodeCarbon's file.
pub const STATES: [(&str, &str); 51] = [
    ("AK", "alaska"),
    ("AL", "alabama"),
    ("AR", "arkansas"),
    ("AZ", "arizona"),
    ("CA", "california"),
    ("CO", "colorado"),
    ("CT", "connecticut"),
    ("DC", "district of columbia"),
    ("DE", "delaware"),
    ("FL", "florida"),
    ("GA", "georgia"),
    ("HI", "hawaii"),
    ("IA", "iowa"),
    ("ID", "idaho"),
    ("IL", "illinois"),
    ("IN", "indiana"),
    ("KS", "kansas"),
    ("KY", "kentucky"),
    ("LA", "louisiana"),
    ("MA", "massachusetts"),
    ("MD", "maryland"),
    ("ME", "maine"),
    ("MI", "michigan"),
    ("MN", "minnesota"),
    ("MO", "missouri"),
    ("MS", "mississippi"),
    ("MT", "montana"),
    ("NC", "north carolina"),
    ("ND", "north dakota"),
    ("NE", "nebraska"),
    ("NH", "new hampshire"),
    ("NJ", "new jersey"),
    ("NM", "new mexico"),
    ("NV", "nevada"),
    ("NY", "new york"),
    ("OH", "ohio"),
    ("OK", "oklahoma"),
    ("OR", "oregon"),
    ("PA", "pennsylvania"),
    ("RI", "rhode island"),
    ("SC", "south carolina"),
    ("SD", "south dakota"),
    ("TN", "tennessee"),
    ("TX", "texas"),
    ("UT", "utah"),
    ("VA", "virginia"),
    ("VT", "vermont"),
    ("WA", "washington"),
    ("WI", "wisconsin"),
    ("WV", "west virginia"),
    ("WY", "wyoming"),
];

/// What the workbook gave: the rows written and the codes left out.
pub struct Parsed {
    /// The built file.
    pub built: Built,
    /// State rows read from the state sheet.
    pub rows: usize,
    /// Codes in the workbook that are not states or DC (left out).
    pub skipped: Vec<String>,
}

/// Builds the file from the workbook bytes.
pub fn build(xlsx: &[u8]) -> Result<Parsed> {
    let mut book = Xlsx::new(Cursor::new(xlsx.to_vec()))
        .map_err(|e| anyhow!("egrid: not an .xlsx workbook: {e}"))?;
    let names = book.sheet_names();
    let sheet = |prefix: &str| {
        names
            .iter()
            .find(|n| {
                n.len() == 4 && n.starts_with(prefix) && n[2..].bytes().all(|b| b.is_ascii_digit())
            })
            .cloned()
            .ok_or_else(|| {
                anyhow!(
                    "egrid: no `{prefix}yy` sheet in the workbook (sheets: {})",
                    names.join(", ")
                )
            })
    };
    let (state_sheet, us_sheet) = (sheet("ST")?, sheet("US")?);
    let states = book
        .worksheet_range(&state_sheet)
        .map_err(|e| anyhow!("egrid: cannot read sheet {state_sheet}: {e}"))?;
    let us = book
        .worksheet_range(&us_sheet)
        .map_err(|e| anyhow!("egrid: cannot read sheet {us_sheet}: {e}"))?;

    let table = Table::find(&states, &state_sheet, &["YEAR", "PSTATABB", "STC2ERTA"])?;
    let mut by_name: BTreeMap<&str, (&str, f64)> = BTreeMap::new();
    let (mut year, mut rows, mut skipped) = (None, 0, Vec::new());
    for row in table.rows {
        let code = text(&row[table.cols[1]]);
        if code.is_empty() {
            continue;
        }
        rows += 1;
        let rate = number(&row[table.cols[2]])
            .with_context(|| format!("egrid: {state_sheet} {code}: STC2ERTA is not a number"))?;
        let row_year = number(&row[table.cols[0]]).map(|y| y as i64);
        year = year.or(row_year);
        match STATES.iter().find(|(c, _)| *c == code) {
            Some((code, name)) => {
                by_name.insert(name, (code, rate));
            }
            None => skipped.push(code),
        }
    }
    let year = year.ok_or_else(|| anyhow!("egrid: {state_sheet} has no YEAR value"))?;
    if by_name.is_empty() {
        bail!("egrid: {state_sheet} has no state rows");
    }
    let national = Table::find(&us, &us_sheet, &["USC2ERTA"])?;
    let usa = national
        .rows
        .iter()
        .find_map(|r| number(&r[national.cols[0]]))
        .ok_or_else(|| anyhow!("egrid: {us_sheet} has no USC2ERTA value"))?;

    let mut members = vec![
        (
            "_unit".to_owned(),
            obj(&[
                ("emissions", s("lbs/MWh")),
                ("regionCode", s("2 digit state/region code")),
            ]),
        ),
        (
            "_source".to_owned(),
            obj(&[
                (
                    "name",
                    s(&format!(
                        "EPA eGRID{year}, annual CO2 equivalent total output emission rate"
                    )),
                ),
                ("url", s(CITED_URL)),
                ("field", s("STC2ERTA")),
                ("year", Value::Int(year)),
            ]),
        ),
    ];
    for (name, (code, rate)) in &by_name {
        members.push((name.to_string(), record(*rate, code)));
    }
    members.push(("usa".to_owned(), record(usa, "usa")));
    let count = by_name.len() + 1;
    let built = Built {
        path: PATH,
        bytes: format!("{}\n", pyjson::render(&Value::Object(members), 2)).into_bytes(),
        section: section(year, by_name.len(), &state_sheet, &us_sheet),
        entries: count,
    };
    Ok(Parsed {
        built,
        rows,
        skipped,
    })
}

fn record(rate: f64, code: &str) -> Value {
    obj(&[
        ("emissions", Value::Float(round_to(rate, 3, Ties::Even))),
        ("regionCode", s(code)),
    ])
}

fn obj(members: &[(&str, Value)]) -> Value {
    Value::Object(
        members
            .iter()
            .map(|(k, v)| (k.to_string(), v.clone()))
            .collect(),
    )
}

fn s(text: &str) -> Value {
    Value::Str(text.to_owned())
}

/// The data rows under the row of field codes, and where the wanted columns are.
struct Table<'a> {
    rows: Vec<&'a [Data]>,
    cols: Vec<usize>,
}

impl<'a> Table<'a> {
    fn find(range: &'a calamine::Range<Data>, sheet: &str, wanted: &[&str]) -> Result<Table<'a>> {
        let all: Vec<&[Data]> = range.rows().collect();
        for (i, row) in all.iter().enumerate().take(10) {
            let cols: Option<Vec<usize>> = wanted
                .iter()
                .map(|w| row.iter().position(|c| text(c) == *w))
                .collect();
            if let Some(cols) = cols {
                return Ok(Table {
                    rows: all[i + 1..].to_vec(),
                    cols,
                });
            }
        }
        bail!("egrid: sheet {sheet} has no header row with {}: EPA changed the layout; update xtask/src/data/egrid.rs", wanted.join(", "))
    }
}

fn text(cell: &Data) -> String {
    match cell {
        Data::String(s) => s.trim().to_owned(),
        Data::Empty => String::new(),
        other => other.to_string(),
    }
}

fn number(cell: &Data) -> Option<f64> {
    match cell {
        Data::Float(f) => Some(*f),
        Data::Int(i) => Some(*i as f64),
        Data::String(s) => s.trim().parse().ok(),
        _ => None,
    }
}

fn section(year: i64, states: usize, state_sheet: &str, us_sheet: &str) -> String {
    format!(
        "- **From**: `cargo xtask refresh-data`, from the EPA eGRID{year} data workbook \
<{EGRID}>: sheet `{state_sheet}`, fields `PSTATABB` and `STC2ERTA`; `usa` from sheet \
`{us_sheet}`, field `USC2ERTA`; rounded to 3 decimals.
- **Source**: EPA eGRID{year}, state annual CO2-equivalent total output emission rate \
(<{CITED_URL}>, the file's `_source`).
- **Year**: {year} (the workbook's `YEAR`).
- **Unit**: lbs CO2eq/MWh (× 0.45359237 = g/kWh).
- **Content**: {states} states and DC keyed by lower-case name, each with `regionCode`, plus \
the national figure `usa`, and the meta keys `_unit` and `_source`.
- **Use**: `codecarbon-data` (US state intensities), embedded with `include_str!`.
- **Licence**: eGRID is a US federal government publication (public domain)."
    )
}
