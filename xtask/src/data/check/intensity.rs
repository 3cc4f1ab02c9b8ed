//! The three refreshed intensity files: countries, US states, Canadian provinces.

use super::super::cer::FIELDS as CANADA_FIELDS;
use super::super::owid::COLUMNS;
use super::super::tables::{canada_intensity, LB_PER_MWH_TO_G_PER_KWH};
use super::Sink;
use crate::data::pyjson::Value;

/// `intensity/global_energy_mix.json`: alpha-3 keys, 19 fields each.
pub(super) fn global(s: &mut Sink, doc: &Value) {
    let members = s.object("-", doc);
    s.unique("country", members.iter().map(|(k, _)| k.as_str()));
    if members.is_empty() {
        s.bad("-", "no country");
    }
    let mut known: Vec<&str> = COLUMNS.iter().map(|(_, f)| *f).collect();
    known.extend([
        "country_name",
        "carbon_intensity",
        "iso_code",
        "year",
        "total_TWh",
    ]);
    for (iso, entry) in members {
        s.code(iso, "key", iso, 3);
        let fields = s.object(iso, entry);
        if fields.is_empty() {
            continue;
        }
        for (field, _) in fields {
            if !known.contains(&field.as_str()) {
                s.bad(iso, &format!("unexpected field `{field}`"));
            }
        }
        s.unique("field", fields.iter().map(|(k, _)| k.as_str()));
        match entry.get("iso_code").and_then(Value::as_str) {
            Some(code) if code == iso => {}
            other => s.bad(
                iso,
                &format!("`iso_code` is {other:?}, expected the key `{iso}`"),
            ),
        }
        s.text(iso, "country_name", entry.get("country_name"));
        s.intensity(iso, "carbon_intensity", entry.get("carbon_intensity"));
        s.year(iso, "year", entry.get("year"));
        for field in COLUMNS.iter().map(|(_, f)| *f).chain(["total_TWh"]) {
            s.number(iso, field, entry.get(field), 0.0, f64::MAX, false);
        }
    }
}

/// `intensity/usa_emissions.json`: `_unit`, `_source`, states in lb/MWh, `usa`.
pub(super) fn usa(s: &mut Sink, doc: &Value) {
    let members = s.object("-", doc);
    s.unique("key", members.iter().map(|(k, _)| k.as_str()));
    match doc.get("_unit") {
        Some(unit) => s.equals("_unit", "emissions", unit.get("emissions"), "lbs/MWh"),
        None => s.bad("_unit", "missing: the unit of `emissions` must be stated"),
    }
    match doc.get("_source") {
        Some(source) => {
            s.text("_source", "name", source.get("name"));
            s.text("_source", "field", source.get("field"));
            s.year("_source", "year", source.get("year"));
        }
        None => s.bad("_source", "missing"),
    }
    if doc.get("usa").is_none() {
        s.bad(
            "usa",
            "missing: the national value is the fallback for unknown states",
        );
    }
    let mut codes = Vec::new();
    for (key, entry) in members.iter().filter(|(k, _)| !k.starts_with('_')) {
        if key.to_lowercase() != *key {
            s.bad(key, "keys are lower-case state names");
        }
        let lb = entry.get("emissions").and_then(Value::as_f64);
        if lb.is_none() {
            s.bad(key, "`emissions` is missing or not a number");
            continue;
        }
        s.intensity_value(
            key,
            "emissions (as g/kWh)",
            lb.map(|x| x * LB_PER_MWH_TO_G_PER_KWH),
        );
        if let Some(code) = s.text(key, "regionCode", entry.get("regionCode")) {
            if key != "usa" {
                s.code(key, "regionCode", code, 2);
            }
            codes.push(code);
        }
    }
    s.unique("regionCode", codes);
}

/// `intensity/canada_energy_mix.json`: shares in percent per province.
pub(super) fn canada(s: &mut Sink, doc: &Value) {
    let members = s.object("-", doc);
    s.unique("province", members.iter().map(|(k, _)| k.as_str()));
    if members.is_empty() {
        s.bad("-", "no province");
    }
    for (name, entry) in members {
        let fields = s.object(name, entry);
        if fields.is_empty() {
            continue;
        }
        s.unique("field", fields.iter().map(|(k, _)| k.as_str()));
        let mut sum = 0.0;
        for field in CANADA_FIELDS {
            // `total` is the sum of rounded shares: 100.2 is fine.
            let max = if field == "total" { 101.0 } else { 100.0 };
            let v = s.number(name, field, entry.get(field), 0.0, max, false);
            if field != "total" {
                sum += v.unwrap_or(0.0);
            }
        }
        for (field, _) in fields {
            if !CANADA_FIELDS.contains(&field.as_str()) {
                s.bad(name, &format!("unexpected field `{field}`"));
            }
        }
        if !(99.0..=101.0).contains(&sum) {
            s.bad(
                name,
                &format!("the shares sum to {sum:.2}%, not about 100%"),
            );
        }
        if let Some(total) = entry.get("total").and_then(Value::as_f64) {
            if (total - sum).abs() > 0.5 {
                s.bad(
                    name,
                    &format!("`total` = {total} but the shares sum to {sum:.2}"),
                );
            }
        }
        s.intensity_value(name, "intensity from the shares", canada_intensity(entry));
    }
}
