//! What the sink sends, taken from a record: metrics, "others" and `emissions.csv`.
//!
//! Names are CodeCarbon's CSV column names, so a Comet chart and the CSV agree, with the CSV's
//! units: kg CO2eq, kWh, W, kg/s, s, GB.

use crate::error::CometError;
use codecarbon_core::{EmissionsData, CSV_COLUMNS};
use serde_json::Value;

/// The metrics logged at every record, flush and finish, in this order.
pub const METRIC_NAMES: [&str; 7] = [
    "emissions",
    "energy_consumed",
    "cpu_power",
    "gpu_power",
    "ram_power",
    "emissions_rate",
    "duration",
];

/// The "others" (Comet's key/value metadata) logged once, and again if a value changes
/// (a location found after the first record).
pub const OTHER_NAMES: [&str; 12] = [
    "cpu_model",
    "gpu_model",
    "cpu_count",
    "ram_total_size",
    "country_name",
    "country_iso_code",
    "region",
    "cloud_provider",
    "cloud_region",
    "codecarbon_version",
    "tracking_mode",
    "run_id",
];

/// The record's metrics, named as in [`METRIC_NAMES`].
pub(crate) fn metrics(data: &EmissionsData) -> [(&'static str, f64); 7] {
    [
        ("emissions", data.emissions.value()),
        ("energy_consumed", data.energy_consumed.value()),
        ("cpu_power", data.cpu_power.value()),
        ("gpu_power", data.gpu_power.value()),
        ("ram_power", data.ram_power.value()),
        ("emissions_rate", data.emissions_rate.value()),
        ("duration", data.duration.as_secs_f64()),
    ]
}

/// The record's "others" that have a value, in [`OTHER_NAMES`] order.
pub(crate) fn others(data: &EmissionsData) -> Vec<(&'static str, Value)> {
    let text = |v: &Option<String>| {
        v.as_ref()
            .filter(|s| !s.is_empty())
            .map(|s| s.as_str().into())
    };
    let all: [(&'static str, Option<Value>); 12] = [
        ("cpu_model", text(&data.cpu_model)),
        ("gpu_model", text(&data.gpu_model)),
        ("cpu_count", Some(data.cpu_count.into())),
        ("ram_total_size", Some(data.ram_total_size.value().into())),
        ("country_name", text(&data.country_name)),
        ("country_iso_code", text(&data.country_iso_code)),
        ("region", text(&data.region)),
        ("cloud_provider", text(&data.cloud_provider)),
        ("cloud_region", text(&data.cloud_region)),
        (
            "codecarbon_version",
            Some(data.codecarbon_version.as_str().into()),
        ),
        ("tracking_mode", Some(data.tracking_mode.to_string().into())),
        ("run_id", Some(data.run_id.as_str().into())),
    ];
    all.into_iter()
        .filter_map(|(name, value)| value.map(|v| (name, v)))
        .collect()
}

/// `emissions.csv` for the record: CodeCarbon's 38-column header and the record's row.
pub(crate) fn emissions_csv(data: &EmissionsData) -> Result<Vec<u8>, CometError> {
    let fail = |e: csv::Error| CometError::Csv(e.to_string());
    let mut writer = csv::Writer::from_writer(Vec::new());
    writer.write_record(CSV_COLUMNS).map_err(fail)?;
    writer.write_record(data.csv_fields()).map_err(fail)?;
    writer
        .into_inner()
        .map_err(|e| CometError::Csv(e.error().to_string()))
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
    use super::*;
    use codecarbon_core::{Gigabytes, KgCo2eq, KilowattHours};
    use std::time::Duration;

    fn data() -> EmissionsData {
        let mut data = EmissionsData::default();
        data.run_id = "run-1".into();
        data.project_name = "demo, \"quoted\"".into();
        data.duration = Duration::from_millis(2500);
        data.emissions = KgCo2eq(0.25);
        data.energy_consumed = KilowattHours(1.5);
        data.country_iso_code = Some("FRA".into());
        data.country_name = Some(String::new());
        data.cpu_count = 8;
        data.ram_total_size = Gigabytes(16.0);
        data.codecarbon_version = "0.1.0".into();
        data
    }

    #[test]
    fn metrics_carry_the_csv_units() {
        let m = metrics(&data());
        assert_eq!(m.map(|(n, _)| n), METRIC_NAMES);
        assert_eq!(m[0].1, 0.25);
        assert_eq!(m[1].1, 1.5);
        assert_eq!(m[6].1, 2.5);
    }

    #[test]
    fn others_skip_missing_and_empty_values() {
        let o = others(&data());
        let names: Vec<_> = o.iter().map(|(n, _)| *n).collect();
        assert_eq!(
            names,
            [
                "cpu_count",
                "ram_total_size",
                "country_iso_code",
                "codecarbon_version",
                "tracking_mode",
                "run_id"
            ]
        );
        assert_eq!(o[0].1, Value::from(8));
        assert_eq!(o[2].1, Value::from("FRA"));
        assert!(names.iter().all(|n| OTHER_NAMES.contains(n)));
    }

    #[test]
    fn the_csv_has_the_header_and_one_quoted_row() {
        let text = String::from_utf8(emissions_csv(&data()).unwrap()).unwrap();
        let mut lines = text.lines();
        assert_eq!(lines.next().unwrap(), CSV_COLUMNS.join(","));
        let row = lines.next().unwrap();
        assert!(
            row.starts_with(",\"demo, \"\"quoted\"\"\",run-1,,2.5,0.25,"),
            "{row}"
        );
        assert_eq!(lines.next(), None);
        let mut reader = csv::Reader::from_reader(text.as_bytes());
        let record = reader.records().next().unwrap().unwrap();
        assert_eq!(record.len(), 38);
        assert_eq!(&record[1], "demo, \"quoted\"");
    }
}
