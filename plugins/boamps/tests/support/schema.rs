//! The BoAmps JSON schema (Boavizta's `model/*.json`, CC BY 4.0: see `../schema/README.md`),
//! with every `$ref` resolved to the copies beside it, never fetched. Shared by this crate's
//! tests and the end-to-end test of `codecarbon monitor` (`tests/tests/boamps.rs`).

#![allow(dead_code, clippy::expect_used)] // not every includer uses every helper

use jsonschema::{Registry, Resource, Validator};
use serde_json::Value;

/// The report's schema and the four it refers to, as published.
const SCHEMAS: [&str; 5] = [
    include_str!("../schema/report_schema.json"),
    include_str!("../schema/algorithm_schema.json"),
    include_str!("../schema/dataset_schema.json"),
    include_str!("../schema/hardware_schema.json"),
    include_str!("../schema/measure_schema.json"),
];

/// A validator of BoAmps reports.
pub fn validator() -> Validator {
    let schemas: Vec<Value> = SCHEMAS
        .iter()
        .map(|text| serde_json::from_str(text).expect("a schema is JSON"))
        .collect();
    let resources = schemas.iter().map(|schema| {
        // Draft 4 names a schema by `id`; the `$ref`s use those addresses.
        let id = schema["id"].as_str().expect("every schema has its `id`");
        (id.to_owned(), Resource::from_contents(schema.clone()))
    });
    let registry = Registry::new()
        .extend(resources)
        .expect("the ids are URIs")
        .prepare()
        .expect("the schemas resolve");
    jsonschema::options()
        .offline()
        .with_registry(&registry)
        .build(&schemas[0])
        .expect("the report schema compiles with its references")
}

/// What the schema finds wrong in `report`, one line per error (its place, then what).
pub fn errors(report: &Value) -> Vec<String> {
    validator()
        .iter_errors(report)
        .map(|e| format!("{}: {e}", e.instance_path()))
        .collect()
}
