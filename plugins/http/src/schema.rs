//! The CodeCarbon API's request bodies (`codecarbon/core/schemas.py`), field for field: each
//! is one table of the API's field names and the record's columns they come from.

use crate::delta::Interval;
use codecarbon_core::record::Cell;
use codecarbon_core::{Column, EmissionsData};
use serde::ser::{Serialize, SerializeStruct, Serializer};

/// Where an API field's value comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Take {
    /// The column's value in the record.
    Record,
    /// The column's value, rounded to one decimal (coordinates, for privacy, as CodeCarbon).
    OneDecimal,
    /// The column's change over the interval being posted ([`Interval::cell`]).
    Interval,
}

/// `POST /runs` after `timestamp` and `experiment_id`: the machine the run is on. `region` and
/// `provider` are the cloud's (null off the cloud).
const RUN_FIELDS: [(&str, Column, Take); 13] = [
    ("os", Column::Os, Take::Record),
    ("python_version", Column::PythonVersion, Take::Record),
    (
        "codecarbon_version",
        Column::CodecarbonVersion,
        Take::Record,
    ),
    ("cpu_count", Column::CpuCount, Take::Record),
    ("cpu_model", Column::CpuModel, Take::Record),
    ("gpu_count", Column::GpuCount, Take::Record),
    ("gpu_model", Column::GpuModel, Take::Record),
    ("longitude", Column::Longitude, Take::OneDecimal),
    ("latitude", Column::Latitude, Take::OneDecimal),
    ("region", Column::CloudRegion, Take::Record),
    ("provider", Column::CloudProvider, Take::Record),
    ("ram_total_size", Column::RamTotalSize, Take::Record),
    ("tracking_mode", Column::TrackingMode, Take::Record),
];

/// `POST /emissions` after `timestamp` and `run_id`: one interval. `duration` (whole
/// seconds), `emissions_sum`, `emissions_rate` and the energies are the interval's; powers,
/// utilisations and `wue` are the run's means so far, as in CodeCarbon's delta record.
const EMISSION_FIELDS: [(&str, Column, Take); 14] = [
    ("duration", Column::Duration, Take::Interval),
    ("emissions_sum", Column::Emissions, Take::Interval),
    ("emissions_rate", Column::EmissionsRate, Take::Interval),
    ("cpu_power", Column::CpuPower, Take::Record),
    ("gpu_power", Column::GpuPower, Take::Record),
    ("ram_power", Column::RamPower, Take::Record),
    ("cpu_energy", Column::CpuEnergy, Take::Interval),
    ("gpu_energy", Column::GpuEnergy, Take::Interval),
    ("ram_energy", Column::RamEnergy, Take::Interval),
    ("energy_consumed", Column::EnergyConsumed, Take::Interval),
    (
        "cpu_utilization_percent",
        Column::CpuUtilizationPercent,
        Take::Record,
    ),
    (
        "gpu_utilization_percent",
        Column::GpuUtilizationPercent,
        Take::Record,
    ),
    (
        "ram_utilization_percent",
        Column::RamUtilizationPercent,
        Take::Record,
    ),
    ("wue", Column::Wue, Take::Record),
];

/// Serializes `(first fields) + fields` of `table` as one JSON object.
fn serialize_table<S: Serializer>(
    s: S,
    name: &'static str,
    first: [(&'static str, &str); 2],
    table: &[(&'static str, Column, Take)],
    data: &EmissionsData,
    interval: Option<&Interval>,
) -> Result<S::Ok, S::Error> {
    let mut out = s.serialize_struct(name, first.len() + table.len())?;
    for (key, value) in first {
        out.serialize_field(key, value)?;
    }
    for &(key, column, take) in table {
        let cell = match take {
            Take::Record => column.cell(data),
            Take::OneDecimal => column
                .cell(data)
                .number()
                .map_or(Cell::Empty, |x| Cell::Number(one_decimal(x))),
            Take::Interval => interval.map_or(Cell::Empty, |i| i.cell(column)),
        };
        out.serialize_field(key, &cell)?;
    }
    out.end()
}

/// `POST /runs`: the machine the run is on ([`RUN_FIELDS`]).
#[derive(Debug)]
pub(crate) struct RunCreate<'a> {
    timestamp: String,
    experiment_id: &'a str,
    data: &'a EmissionsData,
}

impl<'a> RunCreate<'a> {
    pub(crate) fn new(experiment_id: &'a str, d: &'a EmissionsData, timestamp: String) -> Self {
        Self {
            timestamp,
            experiment_id,
            data: d,
        }
    }
}

impl Serialize for RunCreate<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let first = [
            ("timestamp", self.timestamp.as_str()),
            ("experiment_id", self.experiment_id),
        ];
        serialize_table(s, "RunCreate", first, &RUN_FIELDS, self.data, None)
    }
}

fn one_decimal(x: f64) -> f64 {
    (x * 10.0).round() / 10.0
}

/// `POST /emissions`: one interval ([`EMISSION_FIELDS`]).
#[derive(Debug)]
pub(crate) struct EmissionCreate<'a> {
    timestamp: String,
    run_id: &'a str,
    data: &'a EmissionsData,
    interval: &'a Interval,
}

impl<'a> EmissionCreate<'a> {
    pub(crate) fn new(
        run_id: &'a str,
        d: &'a EmissionsData,
        i: &'a Interval,
        timestamp: String,
    ) -> Self {
        Self {
            timestamp,
            run_id,
            data: d,
            interval: i,
        }
    }
}

impl Serialize for EmissionCreate<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let first = [
            ("timestamp", self.timestamp.as_str()),
            ("run_id", self.run_id),
        ];
        let table = &EMISSION_FIELDS;
        serialize_table(
            s,
            "EmissionCreate",
            first,
            table,
            self.data,
            Some(self.interval),
        )
    }
}

/// Local time with its offset and microseconds, as Python's `arrow.now().isoformat()`.
pub(crate) fn now() -> String {
    chrono::Local::now().to_rfc3339_opts(chrono::SecondsFormat::Micros, false)
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
    use super::*;

    use crate::delta::Sent;
    use codecarbon_core::{KgCo2eq, KilowattHours, Watts};
    use serde_json::Value;
    use std::time::Duration;

    #[test]
    fn coordinates_lose_precision_and_timestamps_carry_an_offset() {
        let mut d = EmissionsData::default();
        d.longitude = Some(2.3522);
        d.latitude = Some(-48.86);
        let run = serde_json::to_value(RunCreate::new("e", &d, now())).unwrap();
        assert_eq!(run["longitude"], 2.4);
        assert_eq!(run["latitude"], -48.9);
        let timestamp = run["timestamp"].as_str().unwrap();
        assert!(chrono::DateTime::parse_from_rfc3339(timestamp).is_ok());
        assert!(timestamp.contains('.'), "{timestamp}");
        let none = serde_json::to_value(RunCreate::new("e", &EmissionsData::default(), now()));
        assert_eq!(none.unwrap()["longitude"], Value::Null);
    }

    /// The body's text, pinned: names, order and types are the API's.
    #[test]
    fn an_emission_has_the_apis_fields_in_order() {
        let mut d = EmissionsData::default();
        d.duration = Duration::from_millis(4500);
        d.emissions = KgCo2eq(2e-6);
        d.cpu_energy = KilowattHours(1e-4);
        d.energy_consumed = KilowattHours(1e-4);
        d.cpu_power = Watts(80.0);
        let i = Sent::default().interval(&d);
        let body = serde_json::to_string(&EmissionCreate::new("r", &d, &i, "t".into())).unwrap();
        assert_eq!(
            body,
            "{\"timestamp\":\"t\",\"run_id\":\"r\",\"duration\":4,\"emissions_sum\":2e-6,\
             \"emissions_rate\":4.4444444444444444e-7,\"cpu_power\":80.0,\"gpu_power\":0.0,\
             \"ram_power\":0.0,\"cpu_energy\":0.0001,\"gpu_energy\":0.0,\"ram_energy\":0.0,\
             \"energy_consumed\":0.0001,\"cpu_utilization_percent\":0.0,\
             \"gpu_utilization_percent\":0.0,\"ram_utilization_percent\":0.0,\"wue\":0.0}"
        );
    }

    /// Every interval field has a value in an interval: none falls back to `null`.
    #[test]
    fn every_interval_field_is_one_the_interval_has() {
        let i = Sent::default().interval(&EmissionsData::default());
        for (key, column, take) in EMISSION_FIELDS {
            if take == Take::Interval {
                assert_ne!(i.cell(column), Cell::Empty, "{key}");
            }
        }
    }
}
