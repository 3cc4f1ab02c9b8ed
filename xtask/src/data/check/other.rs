//! The files refresh does not touch: per-fuel factors, Chinese and Nordic zones, ISO codes.

use super::Sink;
use crate::data::pyjson::Value;

/// `intensity/carbon_intensity_per_source.json`: one factor per fuel, each with its source.
pub(super) fn per_source(s: &mut Sink, doc: &Value) {
    let members = s.object("-", doc);
    s.unique("key", members.iter().map(|(k, _)| k.as_str()));
    s.equals("-", "unit", doc.get("unit"), "gCO2.eq/kWh");
    let mut fuels = 0;
    for (key, value) in members {
        if key == "unit" || key.ends_with("_source") {
            continue;
        }
        fuels += 1;
        s.intensity(key, key, Some(value));
        if doc
            .get(&format!("{key}_source"))
            .and_then(Value::as_str)
            .is_none()
        {
            s.bad(
                key,
                &format!("no `{key}_source`: every factor cites where it comes from"),
            );
        }
    }
    if doc.get("world_average").is_none() {
        s.bad(
            "world_average",
            "missing: the last fallback of every lookup",
        );
    }
    if fuels == 0 {
        s.bad("-", "no factor");
    }
}

/// `china_provincial_emissions.json` and `nordic_emissions.json`: `data` by zone code, each
/// with `emission_factor`, `unit` and `year`, and `metadata`.
pub(super) fn zones(s: &mut Sink, doc: &Value, unit: &str) {
    let Some(data) = doc.get("data") else {
        s.bad("data", "missing");
        return;
    };
    let zones = s.object("data", data);
    s.unique("zone", zones.iter().map(|(k, _)| k.as_str()));
    if zones.is_empty() {
        s.bad("data", "no zone");
    }
    for (zone, entry) in zones {
        s.intensity(zone, "emission_factor", entry.get("emission_factor"));
        s.equals(zone, "unit", entry.get("unit"), unit);
        s.year(zone, "year", entry.get("year"));
        s.text(zone, "description", entry.get("description"));
        if let Some(names) = entry.get("names") {
            match names {
                Value::Array(items) if items.iter().all(|n| n.as_str().is_some()) => {}
                _ => s.bad(zone, "`names` is not a list of strings"),
            }
        }
    }
    match doc.get("metadata") {
        Some(meta) => {
            s.text("metadata", "source", meta.get("source"));
        }
        None => s.bad("metadata", "missing"),
    }
}

/// `iso/iso_3166-1.json`: a list of `{alpha_2, alpha_3, name}`, codes unique.
pub(super) fn iso(s: &mut Sink, doc: &Value) {
    let Value::Array(items) = doc else {
        s.bad("-", "expected a JSON array");
        return;
    };
    let (mut two, mut three) = (Vec::new(), Vec::new());
    for (i, item) in items.iter().enumerate() {
        let key = format!("#{i}");
        let a2 = s.text(&key, "alpha_2", item.get("alpha_2"));
        let a3 = s.text(&key, "alpha_3", item.get("alpha_3"));
        s.text(&key, "name", item.get("name"));
        if let Some(a2) = a2 {
            s.code(&key, "alpha_2", a2, 2);
            two.push(a2);
        }
        if let Some(a3) = a3 {
            s.code(&key, "alpha_3", a3, 3);
            three.push(a3);
        }
    }
    s.unique("alpha_2", two);
    s.unique("alpha_3", three);
    if items.len() < 200 {
        s.bad(
            "-",
            &format!("only {} countries: ISO 3166-1 has 249", items.len()),
        );
    }
}
