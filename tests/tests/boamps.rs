//! `codecarbon monitor` with the `boamps` output, end to end: the BoAmps report of the run, valid
//! against Boavizta's schema, beside the CSV row of the same run.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

#[path = "../../plugins/boamps/tests/support/schema.rs"]
mod schema;

use common::{field, number, stderr, Sandbox};
use serde_json::Value;
use std::fs;

/// What the user tells the report, as a CodeCarbon `metadata` file shared with other outputs.
const METADATA: &str = r#"{
  "boamps": {
    "task": {
      "taskStage": "inference",
      "taskFamily": "chatbot",
      "algorithms": [{"foundationModelName": "llama3.1-8b"}],
      "dataset": [{"dataUsage": "input", "dataType": "text"}]
    },
    "header": {"reportStatus": "draft", "publisher": {"confidentialityLevel": "public"}},
    "quality": "high",
    "environment": {"powerSource": "nuclear"}
  }
}"#;

#[test]
fn a_monitored_command_gets_a_valid_boamps_report_of_its_csv_run() {
    let sandbox = Sandbox::new();
    fs::write(sandbox.work().join("metadata.json"), METADATA).unwrap();
    let out = sandbox.run(&[
        "monitor",
        "--offline",
        "--country-iso-code",
        "FRA",
        "--output-methods",
        "csv,boamps",
        "--measure-power-secs",
        "1",
        "--metadata",
        "metadata.json",
        "--",
        "sleep",
        "1",
    ]);
    assert!(out.status.success(), "{}", stderr(&out));

    let rows = sandbox.csv("emissions.csv");
    assert_eq!(rows.len(), 2, "header and one row");
    let (header, row) = (&rows[0], &rows[1]);
    let run_id = field(header, row, "run_id");
    let path = sandbox.work().join(format!("boamps_report_{run_id}.json"));
    let report: Value = serde_json::from_str(&fs::read_to_string(&path).unwrap()).unwrap();
    assert_eq!(schema::errors(&report), Vec::<String>::new(), "{report:#}");

    // The run's figures are the CSV row's.
    assert_eq!(report["header"]["reportId"], run_id);
    let measure = &report["measures"][0];
    assert_eq!(
        measure["powerConsumption"].as_f64(),
        Some(number(header, row, "energy_consumed"))
    );
    assert_eq!(
        measure["measurementDuration"].as_f64(),
        Some(number(header, row, "duration"))
    );
    assert_eq!(report["environment"]["country"], "France");
    assert_eq!(report["system"]["os"], field(header, row, "os"));
    // And the user's context is in it.
    assert_eq!(report["task"]["taskFamily"], "chatbot");
    assert_eq!(report["environment"]["powerSource"], "nuclear");
    assert_eq!(report["quality"], "high");

    // Only the report and its lock file beside the CSV's: no checkpoint is left.
    let mut names: Vec<String> = fs::read_dir(sandbox.work())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    assert_eq!(
        names,
        [
            ".boamps_report.lock".to_string(),
            ".emissions.csv.lock".into(),
            format!("boamps_report_{run_id}.json"),
            "emissions.csv".into(),
            "metadata.json".into(),
        ]
    );
}

#[test]
fn a_metadata_file_that_is_no_boamps_context_stops_the_start() {
    let sandbox = Sandbox::new();
    fs::write(
        sandbox.work().join("metadata.json"),
        r#"{"task": {"taskStage": "inference", "stage": "typo"}}"#,
    )
    .unwrap();
    let out = sandbox
        .command(&[
            "monitor",
            "--offline",
            "--country-iso-code",
            "FRA",
            "--output-methods",
            "boamps",
            "--",
            "true",
        ])
        .env("CODECARBON_METADATA", "metadata.json")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    let message = stderr(&out);
    assert!(
        message.contains("boamps") && message.contains("unknown field `stage`"),
        "{message}"
    );
    assert!(
        !sandbox.work().join("emissions.csv").exists(),
        "nothing measured"
    );
}
