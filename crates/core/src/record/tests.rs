#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
use super::*;
use crate::units::{
    Gigabytes, KgCo2eq, KgCo2eqPerSecond, KilowattHours, Liters, LitersPerKwh, Percent, Watts,
};

/// A record with every field set, fractions and missing values included.
fn full() -> EmissionsData {
    EmissionsData {
        timestamp: "2024-05-01T12:00:00".into(),
        project_name: "demo, \"q\"".into(),
        run_id: "run-1".into(),
        experiment_id: "exp-1".into(),
        duration: Duration::from_millis(2500),
        emissions: KgCo2eq(1e-7),
        emissions_rate: KgCo2eqPerSecond(4e-8),
        cpu_power: Watts(42.0),
        gpu_power: Watts(0.0),
        ram_power: Watts(3.5),
        cpu_energy: KilowattHours(0.25),
        gpu_energy: KilowattHours(0.0),
        ram_energy: KilowattHours(0.125),
        energy_consumed: KilowattHours(0.375),
        water_consumed: Liters(0.5),
        country_name: Some("France".into()),
        country_iso_code: Some("FRA".into()),
        region: None,
        cloud_provider: Some(String::new()),
        cloud_region: None,
        os: "Linux-6.1-x86_64".into(),
        python_version: None,
        codecarbon_version: "0.1.0".into(),
        cpu_count: 8,
        cpu_model: Some("Xeon".into()),
        gpu_count: 0,
        gpu_model: None,
        longitude: Some(2.35),
        latitude: None,
        ram_total_size: Gigabytes(15.5),
        tracking_mode: TrackingMode::Process,
        cpu_utilization_percent: Percent(12.5),
        gpu_utilization_percent: Percent(0.0),
        ram_utilization_percent: Percent(40.0),
        ram_used_gb: Gigabytes(6.2),
        on_cloud: true,
        pue: 1.0,
        wue: LitersPerKwh(1.8),
    }
}

/// CodeCarbon 3.3.2's header, written out: Python CodeCarbon appends to our files.
#[test]
fn the_header_is_codecarbons_to_the_letter() {
    let expected = "timestamp,project_name,run_id,experiment_id,duration,emissions,\
        emissions_rate,cpu_power,gpu_power,ram_power,cpu_energy,gpu_energy,ram_energy,\
        energy_consumed,water_consumed,country_name,country_iso_code,region,cloud_provider,\
        cloud_region,os,python_version,codecarbon_version,cpu_count,cpu_model,gpu_count,\
        gpu_model,longitude,latitude,ram_total_size,tracking_mode,cpu_utilization_percent,\
        gpu_utilization_percent,ram_utilization_percent,ram_used_gb,on_cloud,pue,wue";
    assert_eq!(CSV_COLUMNS.join(","), expected);
    assert_eq!(COLUMN_COUNT, 38);
}

#[test]
fn task_columns_are_codecarbons_task_emissions_data() {
    assert_eq!(TASK_CSV_COLUMNS.len(), 36);
    assert_eq!(TASK_CSV_COLUMNS[0], "task_name");
    assert_eq!(TASK_CSV_COLUMNS[1], "timestamp");
    assert_eq!(TASK_CSV_COLUMNS[4], "duration");
    assert_eq!(TASK_CSV_COLUMNS[35], "on_cloud");
    for run_only in ["experiment_id", "pue", "wue"] {
        assert!(!TASK_CSV_COLUMNS.contains(&run_only));
    }
    let kept: Vec<&str> = CSV_COLUMNS
        .into_iter()
        .filter(|c| !["experiment_id", "pue", "wue"].contains(c))
        .collect();
    assert_eq!(TASK_CSV_COLUMNS[1..], kept[..]);
}

/// Every format of the CSV, pinned: floats with a point or an exponent, counts without,
/// `Y`/`N`, and an empty field for a missing value or an empty text.
#[test]
fn the_csv_row_keeps_every_format() {
    let expected = [
        "2024-05-01T12:00:00",
        "demo, \"q\"",
        "run-1",
        "exp-1",
        "2.5",
        "1e-7",
        "4e-8",
        "42.0",
        "0.0",
        "3.5",
        "0.25",
        "0.0",
        "0.125",
        "0.375",
        "0.5",
        "France",
        "FRA",
        "",
        "",
        "",
        "Linux-6.1-x86_64",
        "",
        "0.1.0",
        "8",
        "Xeon",
        "0",
        "",
        "2.35",
        "",
        "15.5",
        "process",
        "12.5",
        "0.0",
        "40.0",
        "6.2",
        "Y",
        "1.0",
        "1.8",
    ];
    assert_eq!(full().csv_fields(), expected);
    let task = full().task_csv_fields("train");
    assert_eq!(task[0], "train");
    assert_eq!(task[4], "2.5");
    assert_eq!(task[35], "Y");
}

/// The JSON form that the `http`, `json` and `logger` sinks send, pinned.
#[test]
fn the_json_form_has_the_csv_names_in_order_and_typed_values() {
    let json = serde_json::to_string(&full()).unwrap();
    let expected = r#"{"timestamp":"2024-05-01T12:00:00","project_name":"demo, \"q\"","run_id":"run-1","experiment_id":"exp-1","duration":2.5,"emissions":1e-7,"emissions_rate":4e-8,"cpu_power":42.0,"gpu_power":0.0,"ram_power":3.5,"cpu_energy":0.25,"gpu_energy":0.0,"ram_energy":0.125,"energy_consumed":0.375,"water_consumed":0.5,"country_name":"France","country_iso_code":"FRA","region":null,"cloud_provider":"","cloud_region":null,"os":"Linux-6.1-x86_64","python_version":null,"codecarbon_version":"0.1.0","cpu_count":8,"cpu_model":"Xeon","gpu_count":0,"gpu_model":null,"longitude":2.35,"latitude":null,"ram_total_size":15.5,"tracking_mode":"process","cpu_utilization_percent":12.5,"gpu_utilization_percent":0.0,"ram_utilization_percent":40.0,"ram_used_gb":6.2,"on_cloud":"Y","pue":1.0,"wue":1.8}"#;
    assert_eq!(json, expected);
}

/// What makes a new column in the table reach every output: the header, the row, the task
/// row and the JSON keys are all the table's, in its order.
#[test]
fn every_output_is_derived_from_the_table() {
    let names: Vec<&str> = Column::ALL.iter().map(|c| c.name()).collect();
    assert_eq!(CSV_COLUMNS[..], names[..]);
    assert_eq!(full().csv_fields().len(), Column::ALL.len());
    let json: serde_json::Value = serde_json::to_value(full()).unwrap();
    let keys: Vec<&str> = json
        .as_object()
        .unwrap()
        .keys()
        .map(String::as_str)
        .collect();
    let mut sorted = names.clone();
    sorted.sort_unstable();
    assert_eq!(keys, sorted, "serde_json sorts keys; every column once");
    let tasks: Vec<&str> = Column::ALL
        .iter()
        .filter(|c| c.in_task_rows())
        .map(|c| c.name())
        .collect();
    assert_eq!(TASK_CSV_COLUMNS[1..], tasks[..]);
    assert_eq!(TASK_CSV_COLUMNS.len(), full().task_csv_fields("t").len());
}

#[test]
fn each_cell_has_its_columns_kind_and_reads_back() {
    let data = full();
    for column in Column::ALL {
        let cell = column.cell(&data);
        let fits = matches!(
            (column.kind(), cell),
            (_, Cell::Empty)
                | (Kind::Text | Kind::Timestamp, Cell::Text(_))
                | (Kind::Number, Cell::Number(_) | Cell::Seconds(_))
                | (Kind::Count, Cell::Count(_))
                | (Kind::Flag, Cell::Flag(_))
        );
        assert!(fits, "{column:?} is {:?} but gives {cell:?}", column.kind());
        let csv = cell.to_csv();
        let back = column.kind().parse(&csv).unwrap();
        assert_eq!(back.to_csv(), csv, "{column:?}");
        if let Some(x) = cell.number() {
            assert_eq!(back.number(), Some(x), "{column:?}");
        }
        assert_eq!(Column::named(column.name()), Some(column));
        assert_eq!(Column::ALL[column.index()], column);
    }
    assert_eq!(Column::named("task_name"), None);
}

#[test]
fn units_are_the_csvs() {
    assert_eq!(Column::Duration.unit(), Some("s"));
    assert_eq!(Column::CpuEnergy.unit(), Some("kWh"));
    assert_eq!(Column::Emissions.unit(), Some("kg"));
    assert_eq!(Column::Pue.unit(), None);
    assert_eq!(Column::OnCloud.unit(), None);
    for column in Column::ALL {
        if column.unit().is_some() {
            assert_eq!(column.kind(), Kind::Number, "{column:?}");
        }
    }
}

#[test]
fn parsing_is_lenient_and_says_what_is_wrong() {
    assert_eq!(Kind::Text.parse("  x "), Ok(Cell::Text("x")));
    assert_eq!(Kind::Number.parse("1e-7"), Ok(Cell::Number(1e-7)));
    assert_eq!(Kind::Count.parse("8"), Ok(Cell::Count(8)));
    assert_eq!(Kind::Flag.parse("N"), Ok(Cell::Flag(false)));
    assert_eq!(Kind::Flag.parse("TRUE"), Ok(Cell::Flag(true)));
    assert_eq!(Kind::Number.parse(" "), Ok(Cell::Empty));
    let err = Kind::Number.parse("abc").unwrap_err();
    assert_eq!(err.to_string(), "`abc` is not a number");
    assert!(Kind::Count.parse("-1").is_err());
    assert!(Kind::Count.parse("2.5").is_err());
    assert!(Kind::Flag.parse("maybe").is_err());
}
