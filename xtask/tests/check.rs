//! `check-data` on the repository's data and on broken copies of it.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, missing_docs)]

mod common;

use std::path::Path;
use xtask::data::check::{check_dir, check_file, Problem};
use xtask::data::default_data_dir;
use xtask::data::num::js_number;
use xtask::data::pyjson::{self, Value};

/// A copy of the repository's `data/` with `file` edited by `edit`.
fn broken_copy(file: &str, edit: impl FnOnce(String) -> String) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    common::copy_tree(&default_data_dir(), dir.path());
    let path = dir.path().join(file);
    let text = std::fs::read_to_string(&path).unwrap();
    let edited = edit(text.clone());
    assert_ne!(edited, text, "the edit changed nothing");
    std::fs::write(path, edited).unwrap();
    dir
}

/// A JSON file's text with its document edited (written back with 2-space indentation).
fn json_edit(text: String, edit: impl FnOnce(&mut Vec<(String, Value)>)) -> String {
    let Value::Object(mut members) = pyjson::parse(&text).unwrap() else {
        panic!("not an object")
    };
    edit(&mut members);
    pyjson::render(&Value::Object(members), 2)
}

/// The field `field` of the member `key`.
fn field<'a>(members: &'a mut [(String, Value)], key: &str, field: &str) -> &'a mut Value {
    let (_, entry) = members.iter_mut().find(|(k, _)| k == key).unwrap();
    let Value::Object(fields) = entry else {
        panic!("{key} is not an object")
    };
    &mut fields.iter_mut().find(|(k, _)| k == field).unwrap().1
}

/// The first key of a JSON object file of the repository.
fn first_key(file: &str) -> String {
    let text = std::fs::read_to_string(default_data_dir().join(file)).unwrap();
    pyjson::parse(&text).unwrap().as_object().unwrap()[0]
        .0
        .clone()
}

/// A CSV file's text with field `column` of data row `row` (0 = first after the header) set.
fn csv_edit(text: String, row: usize, column: usize, value: &str) -> String {
    let mut lines: Vec<String> = text.lines().map(str::to_owned).collect();
    let mut fields: Vec<&str> = lines[row + 1].split(',').collect();
    fields[column] = value;
    lines[row + 1] = fields.join(",");
    lines.join("\n") + "\n"
}

fn problems(dir: &Path) -> Vec<Problem> {
    let report = check_dir(dir);
    assert!(!report.checked.is_empty());
    report.problems
}

/// An edit of a file's text.
type Edit<'a> = Box<dyn FnOnce(String) -> String + 'a>;

const GLOBAL: &str = "intensity/global_energy_mix.json";

#[test]
fn the_repository_data_passes() {
    let report = check_dir(&default_data_dir());
    assert!(report.ok(), "{:#?}", report.problems);
    for file in [
        GLOBAL,
        "intensity/usa_emissions.json",
        "intensity/canada_energy_mix.json",
        "cloud/impact.csv",
        "hardware/cpu_power.csv",
        "iso/iso_3166-1.json",
    ] {
        assert!(
            report.checked.iter().any(|c| c == file),
            "{file} not checked"
        );
    }
}

/// The one problem found once the first country's intensity is `value`, said in its words.
fn the_problem_with_intensity(value: Value) -> String {
    let country = first_key(GLOBAL);
    let dir = broken_copy(GLOBAL, |t| {
        json_edit(t, |m| *field(m, &country, "carbon_intensity") = value)
    });
    let found = problems(dir.path());
    assert_eq!(found.len(), 1, "{found:#?}");
    assert_eq!(
        (found[0].file.as_str(), found[0].key.as_str()),
        (GLOBAL, country.as_str())
    );
    found[0].to_string()
}

#[test]
fn a_negative_intensity_is_rejected() {
    let said = the_problem_with_intensity(Value::Float(-56.039));
    assert!(said.contains("`carbon_intensity` = -56.039"), "{said}");
}

#[test]
fn an_absurd_intensity_is_rejected() {
    let said = the_problem_with_intensity(Value::Int(90000));
    assert!(said.contains("90000 g/kWh is absurd"), "{said}");

    let dir = broken_copy("cloud/aws.csv", |t| csv_edit(t, 0, 3, "90000"));
    let found = problems(dir.path());
    assert_eq!(found.len(), 1, "{found:#?}");
    assert_eq!(found[0].file, "cloud/aws.csv");

    let dir = broken_copy("intensity/usa_emissions.json", |t| {
        json_edit(t, |m| {
            *field(m, "california", "emissions") = Value::Float(9000.0)
        })
    });
    let found = problems(dir.path());
    assert_eq!(found.len(), 1, "{found:#?}");
    assert_eq!(found[0].key, "california");
}

#[test]
fn units_shares_codes_years_and_duplicates_are_checked() {
    let country = first_key(GLOBAL);
    let province = first_key("intensity/canada_energy_mix.json");
    let edits: Vec<(&str, Edit<'_>, String, &str)> = vec![
        (
            "intensity/usa_emissions.json",
            Box::new(|t| {
                json_edit(t, |m| {
                    *field(m, "_unit", "emissions") = Value::Str("g/kWh".into())
                })
            }),
            "_unit".into(),
            "expected `lbs/MWh`",
        ),
        (
            "intensity/canada_energy_mix.json",
            Box::new(|t| json_edit(t, |m| *field(m, &province, "hydro") = Value::Float(0.5))),
            province.clone(),
            "sum to",
        ),
        (
            GLOBAL,
            Box::new(|t| json_edit(t, |m| *field(m, &country, "year") = Value::Int(1809))),
            country.clone(),
            "plausible year",
        ),
        (
            GLOBAL,
            Box::new(|t| {
                json_edit(t, |m| {
                    *field(m, &country, "nuclear_TWh") = Value::Float(-1.0)
                })
            }),
            country.clone(),
            "nuclear_TWh",
        ),
        (
            GLOBAL,
            Box::new(|t| json_edit(t, |m| m[0].0 = m[0].0.to_lowercase())),
            country.to_lowercase(),
            "upper-case",
        ),
        (
            GLOBAL,
            Box::new(|t| json_edit(t, |m| m[1].0 = m[0].0.clone())),
            country.clone(),
            "duplicate country",
        ),
        (
            "cloud/azure.csv",
            Box::new(|t| {
                let first = t
                    .lines()
                    .nth(1)
                    .unwrap()
                    .split(',')
                    .next()
                    .unwrap()
                    .to_owned();
                csv_edit(t, 1, 0, &first)
            }),
            String::new(),
            "duplicate region",
        ),
        (
            "cloud/impact.csv",
            Box::new(|t| csv_edit(t, 0, 6, "Fr")),
            String::new(),
            "3 upper-case letters",
        ),
    ];
    for (file, edit, key, message) in edits {
        let dir = broken_copy(file, edit);
        let found = problems(dir.path());
        assert!(
            found.iter().any(|p| p.file == file
                && (key.is_empty() || p.key == key)
                && p.message.contains(message)),
            "{file}: expected `{message}` at `{key}`: {found:#?}"
        );
    }
}

#[test]
fn broken_syntax_and_empty_directories_are_problems() {
    let p = check_file("intensity/usa_emissions.json", b"{\"a\": }");
    assert!(
        p[0].message
            .starts_with("not valid JSON: expected a value at line 1"),
        "{p:?}"
    );
    let empty = tempfile::tempdir().unwrap();
    let report = check_dir(empty.path());
    assert!(!report.ok());
    assert!(report.problems[0].message.contains("no data file found"));
}

#[test]
fn committed_files_round_trip_through_the_refresh_writers() {
    let data = default_data_dir();
    for (file, indent, newline) in [
        ("intensity/global_energy_mix.json", 4, ""),
        ("intensity/usa_emissions.json", 2, "\n"),
        ("intensity/canada_energy_mix.json", 4, "\n"),
    ] {
        let text = std::fs::read_to_string(data.join(file)).unwrap();
        let again = format!(
            "{}{newline}",
            pyjson::render(&pyjson::parse(&text).unwrap(), indent)
        );
        assert!(again == text, "{file} does not round-trip");
    }
    for file in ["cloud/aws.csv", "cloud/azure.csv"] {
        let Ok(text) = std::fs::read_to_string(data.join(file)) else {
            continue;
        };
        for line in text.lines().skip(1) {
            let g = line.rsplit(',').next().unwrap();
            assert_eq!(js_number(g.parse().unwrap()), g, "{file}: {line}");
        }
    }
}
