//! What goes to the Pushgateway: CodeCarbon's metric names, HELP texts and labels.
//!
//! CodeCarbon's `PrometheusOutput` sets gauges to the **delta** since the previous push and a
//! counter `codecarbon_energy_total` to the run's accumulated energy (kWh), all with the same
//! 14 labels. It fills only `project_name` and leaves the other labels empty; here every label
//! carries its value from the record.

use crate::exposition::{Exposition, MetricType};
use codecarbon_core::record::{names, Cell};
use codecarbon_core::{Column, EmissionsData};

/// The columns CodeCarbon labels every sample with, in its order; each label is named after
/// its column and holds the column's CSV text.
const LABELS: [Column; 14] = [
    Column::ProjectName,
    Column::CountryName,
    Column::CountryIsoCode,
    Column::Region,
    Column::CloudProvider,
    Column::CloudRegion,
    Column::Os,
    Column::CodecarbonVersion,
    Column::CpuModel,
    Column::CpuCount,
    Column::GpuModel,
    Column::GpuCount,
    Column::TrackingMode,
    Column::RamTotalSize,
];

/// CodeCarbon's label names, in its order.
pub const PUSH_LABELS: [&str; 14] = names(&LABELS);

/// What a gauge holds, from the record and the one of the previous push.
#[derive(Debug, Clone, Copy)]
enum Reading {
    /// The change of its column since the previous push.
    Change,
    /// Its column's value in the record.
    Latest,
    /// The change of another column since the previous push, per second of that interval
    /// (0 for an empty interval).
    ChangePerSecond(Column),
}

/// One of CodeCarbon's push gauges: its metric name (`codecarbon_` and the column's name), its
/// HELP text, the column it shows and how.
#[derive(Debug, Clone, Copy)]
struct Gauge {
    metric: &'static str,
    help: &'static str,
    column: Column,
    reading: Reading,
}

const fn gauge(
    metric: &'static str,
    help: &'static str,
    column: Column,
    reading: Reading,
) -> Gauge {
    Gauge {
        metric,
        help,
        column,
        reading,
    }
}

/// The gauges CodeCarbon pushes, in its order.
///
/// The texts are CodeCarbon 3.3.2's (`output_methods/metrics/metric_docs.py`) to the letter:
/// a Pushgateway that receives groups from both refuses a family whose HELP differs.
const GAUGES: [Gauge; 10] = [
    gauge(
        "codecarbon_duration",
        "Duration from last measure (s)",
        Column::Duration,
        Reading::Change,
    ),
    gauge(
        "codecarbon_emissions",
        "Emissions as CO₂-equivalents [CO₂eq] (kg)",
        Column::Emissions,
        Reading::Change,
    ),
    gauge(
        "codecarbon_emissions_rate",
        "Emissions divided per duration (Kg/s)",
        Column::EmissionsRate,
        Reading::ChangePerSecond(Column::Emissions),
    ),
    gauge(
        "codecarbon_cpu_power",
        "CPU power (W)",
        Column::CpuPower,
        Reading::Latest,
    ),
    gauge(
        "codecarbon_gpu_power",
        "GPU power (W)",
        Column::GpuPower,
        Reading::Latest,
    ),
    gauge(
        "codecarbon_ram_power",
        "RAM power (W)",
        Column::RamPower,
        Reading::Latest,
    ),
    gauge(
        "codecarbon_cpu_energy",
        "Energy used per CPU since last reading (kWh)",
        Column::CpuEnergy,
        Reading::Change,
    ),
    gauge(
        "codecarbon_gpu_energy",
        "Energy used per GPU since last reading (kWh)",
        Column::GpuEnergy,
        Reading::Change,
    ),
    gauge(
        "codecarbon_ram_energy",
        "Energy used per RAM since last reading (kWh)",
        Column::RamEnergy,
        Reading::Change,
    ),
    gauge(
        "codecarbon_energy_consumed",
        "Sum of cpu_energy, gpu_energy and ram_energy (kWh)",
        Column::EnergyConsumed,
        Reading::Change,
    ),
];

/// The gauges CodeCarbon pushes, with their HELP texts; each holds the change since the
/// previous push (powers excepted: they are the record's).
pub const PUSH_GAUGES: [(&str, &str); 10] = {
    let mut out = [("", ""); 10];
    let mut i = 0;
    while i < GAUGES.len() {
        out[i] = (GAUGES[i].metric, GAUGES[i].help);
        i += 1;
    }
    out
};

/// CodeCarbon's counter of the run's energy (kWh).
pub const PUSH_ENERGY_TOTAL: &str = "codecarbon_energy_total";

/// The HELP text of [`PUSH_ENERGY_TOTAL`], CodeCarbon 3.3.2's `energy_consumed_total_doc`.
pub const PUSH_ENERGY_TOTAL_HELP: &str =
    "Accumulated cpu_energy, gpu_energy and ram_energy (kWh) since the start of the run";

/// The exposition pushed for `current`, given the record of the previous successful push
/// (`None` for the first: the change is then the whole total).
///
/// ```
/// use codecarbon_core::{EmissionsData, KilowattHours};
/// let mut data = EmissionsData::default();
/// data.energy_consumed = KilowattHours(0.5);
/// let text = codecarbon_prometheus::render_push(&data, None);
/// assert!(text.contains("# TYPE codecarbon_energy_total counter\n"));
/// assert!(text.contains("codecarbon_energy_consumed{project_name=\"\""));
/// ```
pub fn render_push(current: &EmissionsData, previous: Option<&EmissionsData>) -> String {
    let zero = EmissionsData::default();
    let before = previous.unwrap_or(&zero);
    let change = |column: Column| match (column.cell(current), column.cell(before)) {
        // Durations subtract exactly, and never below zero.
        (Cell::Seconds(now), Cell::Seconds(then)) => now.saturating_sub(then).as_secs_f64(),
        (now, then) => now.number().unwrap_or(0.0) - then.number().unwrap_or(0.0),
    };
    let value = |g: &Gauge| match g.reading {
        Reading::Change => change(g.column),
        Reading::Latest => g.column.cell(current).number().unwrap_or(0.0),
        Reading::ChangePerSecond(of) => {
            let seconds = change(Column::Duration);
            if seconds > 0.0 {
                change(of) / seconds
            } else {
                0.0
            }
        }
    };

    let label_values = LABELS.map(|c| c.cell(current).to_csv());
    let labels: Vec<(&str, &str)> = PUSH_LABELS
        .iter()
        .zip(label_values.iter())
        .map(|(name, value)| (*name, value.as_ref()))
        .collect();

    let mut out = Exposition::default();
    for g in &GAUGES {
        out.family(g.metric, g.help, MetricType::Gauge)
            .sample(&labels, value(g));
    }
    out.family(
        PUSH_ENERGY_TOTAL,
        PUSH_ENERGY_TOTAL_HELP,
        MetricType::Counter,
    )
    .sample(&labels, current.energy_consumed.value());
    out.finish()
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
    use super::*;
    use codecarbon_core::{Gigabytes, KgCo2eq, KilowattHours, Watts};
    use std::time::Duration;

    fn record(secs: u64, kwh: f64, kg: f64) -> EmissionsData {
        let mut data = EmissionsData::default();
        data.project_name = "demo".into();
        data.duration = Duration::from_secs(secs);
        data.cpu_energy = KilowattHours(kwh * 0.75);
        data.ram_energy = KilowattHours(kwh * 0.25);
        data.energy_consumed = KilowattHours(kwh);
        data.emissions = KgCo2eq(kg);
        data.cpu_power = Watts(42.0);
        data.country_iso_code = Some("FRA".into());
        data.cpu_count = 8;
        data.ram_total_size = Gigabytes(15.5);
        data
    }

    fn value_of(text: &str, metric: &str) -> f64 {
        let line = text
            .lines()
            .find(|l| l.starts_with(&format!("{metric}{{")))
            .unwrap_or_else(|| panic!("no {metric} in\n{text}"));
        line.rsplit(' ').next().unwrap().parse().unwrap()
    }

    #[test]
    fn gauges_hold_the_change_since_the_last_push_and_the_counter_the_total() {
        let first = record(10, 0.5, 0.2);
        let second = record(30, 2.0, 0.6);
        let text = render_push(&second, Some(&first));
        assert_eq!(value_of(&text, "codecarbon_duration"), 20.0);
        assert!((value_of(&text, "codecarbon_emissions") - 0.4).abs() < 1e-12);
        assert!((value_of(&text, "codecarbon_emissions_rate") - 0.02).abs() < 1e-12);
        assert_eq!(value_of(&text, "codecarbon_energy_consumed"), 1.5);
        assert_eq!(value_of(&text, "codecarbon_cpu_energy"), 1.125);
        assert_eq!(value_of(&text, "codecarbon_cpu_power"), 42.0);
        assert_eq!(value_of(&text, "codecarbon_energy_total"), 2.0);
    }

    #[test]
    fn the_first_push_carries_the_whole_total() {
        let text = render_push(&record(10, 0.5, 0.2), None);
        assert_eq!(value_of(&text, "codecarbon_emissions"), 0.2);
        assert_eq!(value_of(&text, "codecarbon_duration"), 10.0);
        assert_eq!(value_of(&text, "codecarbon_emissions_rate"), 0.02);
    }

    #[test]
    fn every_family_has_help_and_type_and_codecarbons_labels() {
        let text = render_push(&record(10, 0.5, 0.2), None);
        for (name, _) in PUSH_GAUGES {
            assert!(text.contains(&format!("# TYPE {name} gauge\n")), "{name}");
            assert!(text.contains(&format!("# HELP {name} ")), "{name}");
        }
        assert!(text.contains("# TYPE codecarbon_energy_total counter\n"));
        let line = text
            .lines()
            .find(|l| l.starts_with("codecarbon_emissions{"))
            .unwrap();
        assert!(line.starts_with(
            "codecarbon_emissions{project_name=\"demo\",country_name=\"\",country_iso_code=\"FRA\","
        ));
        assert!(line.contains(",cpu_count=\"8\","), "{line}");
        assert!(line.contains(",tracking_mode=\"machine\",ram_total_size=\"15.5\"}"));
        assert_eq!(text.lines().filter(|l| !l.starts_with('#')).count(), 11);
    }

    /// CodeCarbon 3.3.2's `metric_docs.py`, copied by hand: a Pushgateway receiving pushes
    /// from both refuses a family whose HELP text differs.
    #[test]
    fn help_texts_are_codecarbons_to_the_letter() {
        let expected = [
            ("codecarbon_duration", "Duration from last measure (s)"),
            ("codecarbon_emissions", "Emissions as CO₂-equivalents [CO₂eq] (kg)"),
            ("codecarbon_emissions_rate", "Emissions divided per duration (Kg/s)"),
            ("codecarbon_cpu_power", "CPU power (W)"),
            ("codecarbon_gpu_power", "GPU power (W)"),
            ("codecarbon_ram_power", "RAM power (W)"),
            ("codecarbon_cpu_energy", "Energy used per CPU since last reading (kWh)"),
            ("codecarbon_gpu_energy", "Energy used per GPU since last reading (kWh)"),
            ("codecarbon_ram_energy", "Energy used per RAM since last reading (kWh)"),
            ("codecarbon_energy_consumed", "Sum of cpu_energy, gpu_energy and ram_energy (kWh)"),
            (
                "codecarbon_energy_total",
                "Accumulated cpu_energy, gpu_energy and ram_energy (kWh) since the start of the run",
            ),
        ];
        let text = render_push(&record(10, 0.5, 0.2), None);
        let helps: Vec<&str> = text.lines().filter(|l| l.starts_with("# HELP ")).collect();
        assert_eq!(helps.len(), expected.len());
        for (name, help) in expected {
            assert!(
                helps.contains(&format!("# HELP {name} {help}").as_str()),
                "{name}: {helps:?}"
            );
        }
    }

    /// Each gauge is named after the column it shows, and shows a number.
    #[test]
    fn gauges_are_named_after_their_columns() {
        for g in GAUGES {
            assert_eq!(g.metric, format!("codecarbon_{}", g.column.name()));
            assert_eq!(
                g.column.kind(),
                codecarbon_core::Kind::Number,
                "{}",
                g.metric
            );
        }
    }

    #[test]
    fn a_zero_length_interval_has_a_zero_rate() {
        let r = record(10, 0.5, 0.2);
        let text = render_push(&r, Some(&r));
        assert_eq!(value_of(&text, "codecarbon_emissions_rate"), 0.0);
        assert_eq!(value_of(&text, "codecarbon_duration"), 0.0);
    }
}
