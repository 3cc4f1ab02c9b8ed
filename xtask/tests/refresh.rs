//! `refresh-data` against a local stub serving small fixtures.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, missing_docs)]

mod common;

use common::{path, serve, snapshot, upstream};
use std::path::Path;
use xtask::data::refresh::{refresh, Options, Report};
use xtask::data::{check, default_data_dir, pyjson, sources};

fn run(base: &str, out: &Path) -> (anyhow::Result<Report>, String) {
    let mut log = Vec::new();
    let options = Options {
        out: out.to_owned(),
        base_url: Some(base.to_owned()),
    };
    let result = refresh(&options, &mut log);
    (result, String::from_utf8(log).unwrap())
}

const FILES: [&str; 6] = [
    "SOURCES.md",
    "cloud/aws.csv",
    "cloud/azure.csv",
    "intensity/canada_energy_mix.json",
    "intensity/global_energy_mix.json",
    "intensity/usa_emissions.json",
];

#[test]
fn refresh_is_deterministic_and_its_output_passes_check_data() {
    let files = upstream();
    let stub = serve(&files);
    let (a, b) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
    let (report, log) = run(stub.url(), a.path());
    let report = report.unwrap();
    run(stub.url(), b.path()).0.unwrap();

    let (sa, sb) = (snapshot(a.path()), snapshot(b.path()));
    assert_eq!(sa.keys().map(String::as_str).collect::<Vec<_>>(), FILES);
    assert_eq!(sa, sb, "two refreshes from the same upstream differ");
    assert_eq!(
        report.written.last().map(String::as_str),
        Some("SOURCES.md")
    );

    // Once more into the same directory: nothing changes.
    let (again, _) = run(stub.url(), a.path());
    assert!(again.unwrap().changes.iter().all(|c| c.unchanged));
    assert_eq!(snapshot(a.path()), sa);

    let checked = check::check_dir(a.path());
    assert!(checked.ok(), "{:?}", checked.problems);
    assert_eq!(checked.checked.len(), 5);

    // One progress line per step, with sizes and counts.
    for line in [
        "[owid] downloading http://127.0.0.1:",
        "/owid/energy-data/master/owid-energy-data.csv",
        "[owid] parsed 9 rows: 4 countries",
        "[egrid] parsed 4 state rows: 4 entries; not a state, left out: PR",
        "[cer] parsed 19 rows: 2 provinces and territories",
        "[ccf-aws] @cloud-carbon-footprint/aws 0.15.0: 3 files",
        "[ccf-aws] @cloud-carbon-footprint/core 0.17.3: 2 files",
        "[ccf-azure] @cloud-carbon-footprint/core 0.17.3: 2 files",
        "no location known, add to xtask/src/data/cloud_regions.rs: xx-new-1",
        "intensity/global_energy_mix.json: new file, 4 entries",
    ] {
        assert!(log.contains(line), "missing `{line}` in:\n{log}");
    }
    assert_eq!(stub.requests_to(&path(sources::OWID_ENERGY)).len(), 3);
}

#[test]
fn refreshed_files_have_the_committed_formats() {
    let stub = serve(&upstream());
    let out = tempfile::tempdir().unwrap();
    run(stub.url(), out.path()).0.unwrap();
    let read = |p: &str| std::fs::read_to_string(out.path().join(p)).unwrap();

    // Countries: each its latest year with an intensity, Python's float sums and repr, a
    // missing value as the integer 0, no trailing newline; aggregates left out.
    let global = read("intensity/global_energy_mix.json");
    let doc = pyjson::parse(&global).unwrap();
    let keys: Vec<&str> = doc
        .as_object()
        .unwrap()
        .iter()
        .map(|(k, _)| k.as_str())
        .collect();
    assert_eq!(keys, ["ARE", "AUT", "DEU", "FRA"]);
    assert!(global.starts_with("{\n    \"ARE\": {\n        \"biofuel_TWh\": 0.01,\n        \"carbon_intensity\": 561.135,\n"));
    assert!(
        global.contains("        \"hydroelectricity_TWh\": 0,\n"),
        "{global}"
    );
    assert!(global.contains("        \"total_TWh\": 66.96000000000001,\n        \"wind_TWh\": 8.05,\n        \"year\": 2023\n"));
    assert_eq!(
        doc.get("DEU").unwrap().get("year"),
        Some(&pyjson::Value::Int(2022))
    );
    assert!(global.ends_with("        \"year\": 2023\n    }\n}"));
    // FRA is FRA of the committed file: the same fields, the same bytes.
    let committed =
        std::fs::read_to_string(default_data_dir().join("intensity/global_energy_mix.json"))
            .unwrap();
    let fra = |text: &str| {
        let start = text.find("    \"FRA\": {").unwrap();
        text[start..start + text[start..].find("\n    }").unwrap()].to_owned()
    };
    assert_eq!(fra(&global), fra(&committed));

    // States: CodeCarbon's header, lower-case names, 3 decimals, `usa` last, newline.
    let usa = read("intensity/usa_emissions.json");
    let committed =
        std::fs::read_to_string(default_data_dir().join("intensity/usa_emissions.json")).unwrap();
    let header_end = committed.find("  \"alabama\"").unwrap();
    assert_eq!(usa[..header_end], committed[..header_end]);
    assert!(usa.contains("  \"alabama\": {\n    \"emissions\": 713.976,\n    \"regionCode\": \"AL\"\n  },\n  \"california\": {\n    \"emissions\": 394.769,"), "{usa}");
    assert!(usa.contains("\"district of columbia\": {\n    \"emissions\": 512.25,"));
    assert!(!usa.contains("\"PR\""));
    assert!(usa.ends_with(
        "  \"usa\": {\n    \"emissions\": 770.884,\n    \"regionCode\": \"usa\"\n  }\n}\n"
    ));

    // Provinces: Quebec's shares come out as in the committed file.
    let canada = pyjson::parse(&read("intensity/canada_energy_mix.json")).unwrap();
    let committed = pyjson::parse(
        &std::fs::read_to_string(default_data_dir().join("intensity/canada_energy_mix.json"))
            .unwrap(),
    )
    .unwrap();
    assert_eq!(canada.get("quebec"), committed.get("quebec"));
    let names: Vec<&str> = canada
        .as_object()
        .unwrap()
        .iter()
        .map(|(k, _)| k.as_str())
        .collect();
    assert_eq!(names, ["quebec", "alberta"]);
    assert_eq!(
        canada.get("alberta").unwrap().get("petroleum"),
        Some(&pyjson::Value::Float(0.02))
    );
    assert_eq!(
        canada.get("alberta").unwrap().get("total"),
        Some(&pyjson::Value::Float(99.92))
    );

    // Cloud tables: JavaScript number format, sorted, only regions with a location.
    assert_eq!(
        read("cloud/aws.csv"),
        "region,location,country_iso_code,g_co2e_per_kwh\nap-east-1,Asia Pacific (Hong Kong),HKG,710\neu-west-3,Europe (Paris),FRA,51.1\nus-east-1,US East (N. Virginia),USA,379.069\nus-west-2,US West (Oregon),USA,322.167\n"
    );
    assert_eq!(
        read("cloud/azure.csv"),
        "region,location,country_iso_code,g_co2e_per_kwh\neastus,East US,USA,379.069\nfrancecentral,France Central,FRA,51.28\nswedencentral,Sweden Central,SWE,5.67\n"
    );

    // SOURCES.md: marked sections and table rows for the five files, the rest kept.
    let md = read("SOURCES.md");
    for file in &FILES[1..] {
        assert_eq!(
            md.matches(&format!(
                "<!-- refresh-data: begin {file} -->\n## `{file}`\n"
            ))
            .count(),
            1,
            "{file}"
        );
        assert!(
            md.contains(&format!("<!-- refresh-data: end {file} -->")),
            "{file}"
        );
        assert!(md.contains(&format!("| `{file}` | ")), "{file}");
    }
    assert!(md.contains("npm package `@cloud-carbon-footprint/aws` 0.15.0"));
    assert!(md.contains("## `hardware/cpu_power.csv`"));
    assert!(!md.contains("127.0.0.1"), "SOURCES.md cites the real hosts");
}

#[test]
fn a_changed_upstream_value_shows_in_the_change_summary() {
    let files = upstream();
    let stub = serve(&files);
    let out = tempfile::tempdir().unwrap();
    run(stub.url(), out.path()).0.unwrap();

    let owid = path(sources::OWID_ENERGY);
    {
        let mut files = files.lock().unwrap();
        let text = String::from_utf8(files[&owid].clone()).unwrap();
        files.insert(owid, text.replace(",56.039,", ",80.5,").into_bytes());
        files.insert(path(sources::EGRID), common::egrid_workbook(450.0));
    }
    let (report, log) = run(stub.url(), out.path());
    let report = report.unwrap();
    let global = report
        .changes
        .iter()
        .find(|c| c.path.ends_with("global_energy_mix.json"))
        .unwrap();
    assert!(!global.unchanged);
    assert_eq!(global.changed, 1);
    assert_eq!(global.largest[0].key, "FRA");
    assert_eq!(
        (global.largest[0].old, global.largest[0].new),
        (56.039, 80.5)
    );
    assert!(log.contains("FRA: 56.039 -> 80.500 (+24.461)"), "{log}");
    let usa = report
        .changes
        .iter()
        .find(|c| c.path.ends_with("usa_emissions.json"))
        .unwrap();
    assert_eq!(usa.largest[0].key, "california");
    assert!(
        report
            .changes
            .iter()
            .find(|c| c.path == "cloud/aws.csv")
            .unwrap()
            .unchanged
    );
}

#[test]
fn a_dead_server_is_a_clear_error_and_nothing_is_written() {
    let out = tempfile::tempdir().unwrap();
    let target = out.path().join("data");
    let dead = codecarbon_testkit::dead_url();
    let (result, _) = run(&dead.replace("http://", "http://bob:hunter2@"), &target);
    let message = format!("{:#}", result.unwrap_err());
    assert!(
        message.starts_with("owid: cannot download http://127.0.0.1:"),
        "{message}"
    );
    assert!(
        message.contains("/owid/energy-data/master/owid-energy-data.csv"),
        "{message}"
    );
    assert!(
        !message.contains("hunter2") && !message.contains("bob"),
        "{message}"
    );
    assert!(!target.exists(), "something was written");
}

#[test]
fn a_missing_file_upstream_names_the_source_and_writes_nothing() {
    let files = upstream();
    files.lock().unwrap().remove(&path(sources::CER_GENERATION));
    let stub = serve(&files);
    let out = tempfile::tempdir().unwrap();
    std::fs::write(out.path().join("keep.txt"), "x").unwrap();
    let (result, log) = run(stub.url(), out.path());
    let message = format!("{:#}", result.unwrap_err());
    assert!(message.starts_with("cer: http://127.0.0.1:"), "{message}");
    assert!(
        message.contains("electricity-generation-2023.csv answered HTTP 404"),
        "{message}"
    );
    assert!(
        log.contains("[owid] parsed"),
        "earlier sources were fetched: {log}"
    );
    assert_eq!(
        snapshot(out.path()).len(),
        1,
        "only the file that was there"
    );
}

#[test]
fn a_corrupt_tarball_is_refused() {
    let files = upstream();
    let tarball = path(&format!(
        "{}/@cloud-carbon-footprint/azure/-/azure-1.8.0.tgz",
        sources::NPM_REGISTRY
    ));
    files.lock().unwrap().get_mut(&tarball).unwrap()[20] ^= 0xff;
    let stub = serve(&files);
    let out = tempfile::tempdir().unwrap();
    let message = format!("{:#}", run(stub.url(), out.path()).0.unwrap_err());
    assert!(message.contains("sha512 integrity"), "{message}");
    assert!(snapshot(out.path()).is_empty());
}
