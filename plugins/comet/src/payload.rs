//! What the sink sends, taken from a record: metrics, "others" and `emissions.csv`.
//!
//! Names are CodeCarbon's CSV column names, so a Comet chart and the CSV agree, with the CSV's
//! units: kg CO2eq, kWh, W, kg/s, s, GB.

use crate::error::CometError;
use codecarbon_core::record::{names, Cell};
use codecarbon_core::{Column, EmissionsData, CSV_COLUMNS};
use serde_json::Value;

/// The columns logged as metrics at every record, flush and finish, in this order.
const METRICS: [Column; 7] = [
    Column::Emissions,
    Column::EnergyConsumed,
    Column::CpuPower,
    Column::GpuPower,
    Column::RamPower,
    Column::EmissionsRate,
    Column::Duration,
];

/// The columns logged as "others" (Comet's key/value metadata) once, and again if a value
/// changes (a location found after the first record).
const OTHERS: [Column; 12] = [
    Column::CpuModel,
    Column::GpuModel,
    Column::CpuCount,
    Column::RamTotalSize,
    Column::CountryName,
    Column::CountryIsoCode,
    Column::Region,
    Column::CloudProvider,
    Column::CloudRegion,
    Column::CodecarbonVersion,
    Column::TrackingMode,
    Column::RunId,
];

/// The names of the metrics logged at every record, flush and finish, in this order.
pub const METRIC_NAMES: [&str; 7] = names(&METRICS);

/// The names of the "others" logged once, and again if a value changes.
pub const OTHER_NAMES: [&str; 12] = names(&OTHERS);

/// The record's metrics, named as in [`METRIC_NAMES`].
pub(crate) fn metrics(data: &EmissionsData) -> [(&'static str, f64); 7] {
    METRICS.map(|c| (c.name(), c.cell(data).number().unwrap_or(0.0)))
}

/// The record's "others" that have a value (an empty text has none), in [`OTHER_NAMES`] order.
pub(crate) fn others(data: &EmissionsData) -> Vec<(&'static str, Value)> {
    OTHERS
        .into_iter()
        .filter_map(|c| {
            let value = match c.cell(data) {
                Cell::Text(s) if !s.is_empty() => Value::from(s),
                Cell::Count(n) => Value::from(n),
                cell => Value::from(cell.number()?),
            };
            Some((c.name(), value))
        })
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
    fn every_metric_is_a_number_column() {
        for column in METRICS {
            assert_eq!(column.kind(), codecarbon_core::Kind::Number, "{column:?}");
        }
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
