//! `codecarbon intensity` and `codecarbon detect`, end to end.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use common::{stderr, stdout, Sandbox};
use serde_json::Value;

fn json(sandbox: &Sandbox, args: &[&str]) -> Value {
    let out = sandbox.run(args);
    assert!(out.status.success(), "{}", stderr(&out));
    serde_json::from_str(&stdout(&out)).expect("JSON on stdout")
}

#[test]
fn intensity_of_a_country_region_and_cloud_region() {
    let sandbox = Sandbox::new();
    let can = json(
        &sandbox,
        &["intensity", "--country-iso-code", "CAN", "--json"],
    );
    assert_eq!(can["carbon_intensity_g_per_kwh"], 170.043);
    assert_eq!(can["country_iso_code"], "CAN");
    for key in ["source", "year", "region"] {
        assert!(can.get(key).is_some(), "{key} missing: {can}");
    }
    let ca = json(
        &sandbox,
        &[
            "intensity",
            "--country-iso-code",
            "US",
            "--region",
            "CA",
            "--json",
        ],
    );
    assert_eq!(ca["region"], "california");
    let g = ca["carbon_intensity_g_per_kwh"].as_f64().unwrap();
    assert!((g - 394.769 * 0.45359237).abs() < 1e-9, "{g}");
    let gcp = json(
        &sandbox,
        &[
            "intensity",
            "--cloud-provider",
            "gcp",
            "--cloud-region",
            "europe-west9",
            "--json",
        ],
    );
    assert_eq!(gcp["carbon_intensity_g_per_kwh"], 34.0);
    let text = sandbox.run(&["intensity", "--country-iso-code", "FRA"]);
    assert!(stdout(&text).contains("56.039"), "{}", stdout(&text));
}

#[test]
fn intensity_list_covers_countries_and_regions() {
    let sandbox = Sandbox::new();
    let all = json(&sandbox, &["intensity", "--list", "--json"]);
    let all = all.as_array().unwrap();
    let count = |pred: &dyn Fn(&Value) -> bool| all.iter().filter(|a| pred(a)).count();
    assert!(count(&|a| a["region"].is_null() && a["cloud_region"].is_null()) >= 213);
    let regional = |iso: &'static str| {
        move |a: &Value| {
            a["country_iso_code"] == iso && !a["region"].is_null() && a["cloud_region"].is_null()
        }
    };
    assert_eq!(count(&regional("USA")), 51, "50 states and DC");
    assert_eq!(count(&regional("CAN")), 13);
    assert_eq!(count(&regional("CHN")), 30);
    let cloud = |provider: &'static str| {
        move |a: &Value| a["cloud_provider"] == provider && !a["cloud_region"].is_null()
    };
    assert_eq!(count(&cloud("gcp")), 40);
    assert!(
        count(&cloud("aws")) >= 20,
        "AWS regions from the cloud tables"
    );
    assert!(
        count(&cloud("azure")) >= 30,
        "Azure regions from the cloud tables"
    );
}

#[test]
fn intensity_errors_are_clear() {
    let sandbox = Sandbox::new();
    let out = sandbox.run(&[
        "intensity",
        "--cloud-provider",
        "aws",
        "--cloud-region",
        "mars-1",
    ]);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("eu-west-3"), "{}", stderr(&out));
    let out = sandbox.run(&[
        "intensity",
        "--cloud-provider",
        "AWS",
        "--cloud-region",
        "eu-west-3",
    ]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(String::from_utf8_lossy(&out.stdout).contains("51.100 g CO2eq/kWh"));
    let out = sandbox.run(&["intensity", "--country-iso-code", "XYZ"]);
    assert!(!out.status.success());
    assert!(stderr(&out).contains("--list"), "{}", stderr(&out));
    let out = sandbox.run(&[
        "intensity",
        "--country-iso-code",
        "USA",
        "--region",
        "atlantis",
    ]);
    assert!(!out.status.success());
    assert!(
        stderr(&out).contains("california"),
        "lists the valid regions: {}",
        stderr(&out)
    );
    let out = sandbox.run(&["intensity"]);
    assert_eq!(out.status.code(), Some(2));
}

#[test]
fn detect_reports_cpu_ram_and_sources() {
    let sandbox = Sandbox::new();
    let report = json(&sandbox, &["detect", "--json"]);
    assert!(report["cpu"]["logical_cpus"].as_u64().unwrap() >= 1);
    assert!(report["cpu"]["tdp_w"].as_f64().unwrap() > 0.0);
    assert!(report["ram_total_gb"].as_f64().unwrap() > 0.0);
    assert_eq!(report["power_sources"]["cpu"]["plugin"], "tdp");
    assert_eq!(report["power_sources"]["ram"]["plugin"], "ram_dimm");
    assert_eq!(report["power_sources"]["cpu"]["method"], "estimated");
    let forced = json(&sandbox, &["detect", "--json", "--force-cpu-power", "55"]);
    assert_eq!(forced["cpu"]["tdp_w"], 55.0);
    let text = sandbox.run(&["detect"]);
    assert!(
        stdout(&text).contains("Power sources:"),
        "{}",
        stdout(&text)
    );
}
