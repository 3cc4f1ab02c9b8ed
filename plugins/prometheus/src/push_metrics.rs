//! What goes to the Pushgateway: CodeCarbon's metric names, HELP texts and labels.
//!
//! CodeCarbon's `PrometheusOutput` sets gauges to the **delta** since the previous push and a
//! counter `codecarbon_energy_total` to the run's accumulated energy (kWh), all with the same
//! 14 labels. It fills only `project_name` and leaves the other labels empty; here every label
//! carries its value from the record.

use crate::exposition::{Exposition, MetricType};
use codecarbon_core::EmissionsData;

/// CodeCarbon's label names, in its order.
pub const PUSH_LABELS: [&str; 14] = [
    "project_name",
    "country_name",
    "country_iso_code",
    "region",
    "cloud_provider",
    "cloud_region",
    "os",
    "codecarbon_version",
    "cpu_model",
    "cpu_count",
    "gpu_model",
    "gpu_count",
    "tracking_mode",
    "ram_total_size",
];

/// The gauges CodeCarbon pushes, with their HELP texts; each holds the change since the
/// previous push (powers excepted: they are the record's).
///
/// The texts are CodeCarbon 3.3.2's (`output_methods/metrics/metric_docs.py`) to the letter:
/// a Pushgateway that receives groups from both refuses a family whose HELP differs.
pub const PUSH_GAUGES: [(&str, &str); 10] = [
    ("codecarbon_duration", "Duration from last measure (s)"),
    (
        "codecarbon_emissions",
        "Emissions as CO₂-equivalents [CO₂eq] (kg)",
    ),
    (
        "codecarbon_emissions_rate",
        "Emissions divided per duration (Kg/s)",
    ),
    ("codecarbon_cpu_power", "CPU power (W)"),
    ("codecarbon_gpu_power", "GPU power (W)"),
    ("codecarbon_ram_power", "RAM power (W)"),
    (
        "codecarbon_cpu_energy",
        "Energy used per CPU since last reading (kWh)",
    ),
    (
        "codecarbon_gpu_energy",
        "Energy used per GPU since last reading (kWh)",
    ),
    (
        "codecarbon_ram_energy",
        "Energy used per RAM since last reading (kWh)",
    ),
    (
        "codecarbon_energy_consumed",
        "Sum of cpu_energy, gpu_energy and ram_energy (kWh)",
    ),
];

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
    let seconds = current
        .duration
        .saturating_sub(before.duration)
        .as_secs_f64();
    let emissions = current.emissions.value() - before.emissions.value();
    let rate = if seconds > 0.0 {
        emissions / seconds
    } else {
        0.0
    };
    let kwh = |now: f64, then: f64| now - then;
    let values: [f64; 10] = [
        seconds,
        emissions,
        rate,
        current.cpu_power.value(),
        current.gpu_power.value(),
        current.ram_power.value(),
        kwh(current.cpu_energy.value(), before.cpu_energy.value()),
        kwh(current.gpu_energy.value(), before.gpu_energy.value()),
        kwh(current.ram_energy.value(), before.ram_energy.value()),
        kwh(
            current.energy_consumed.value(),
            before.energy_consumed.value(),
        ),
    ];

    let label_values = label_values(current);
    let labels: Vec<(&str, &str)> = PUSH_LABELS
        .iter()
        .zip(label_values.iter())
        .map(|(name, value)| (*name, value.as_str()))
        .collect();

    let mut out = Exposition::default();
    for ((name, help), value) in PUSH_GAUGES.iter().zip(values) {
        out.family(name, help, MetricType::Gauge)
            .sample(&labels, value);
    }
    out.family(
        PUSH_ENERGY_TOTAL,
        PUSH_ENERGY_TOTAL_HELP,
        MetricType::Counter,
    )
    .sample(&labels, current.energy_consumed.value());
    out.finish()
}

/// The values of [`PUSH_LABELS`] for a record; a missing value is `""`, as in CodeCarbon.
fn label_values(d: &EmissionsData) -> [String; 14] {
    let text = |s: &Option<String>| s.clone().unwrap_or_default();
    [
        d.project_name.clone(),
        text(&d.country_name),
        text(&d.country_iso_code),
        text(&d.region),
        text(&d.cloud_provider),
        text(&d.cloud_region),
        d.os.clone(),
        d.codecarbon_version.clone(),
        text(&d.cpu_model),
        d.cpu_count.to_string(),
        text(&d.gpu_model),
        d.gpu_count.to_string(),
        d.tracking_mode.to_string(),
        format!("{:?}", d.ram_total_size.value()),
    ]
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

    #[test]
    fn a_zero_length_interval_has_a_zero_rate() {
        let r = record(10, 0.5, 0.2);
        let text = render_push(&r, Some(&r));
        assert_eq!(value_of(&text, "codecarbon_emissions_rate"), 0.0);
        assert_eq!(value_of(&text, "codecarbon_duration"), 0.0);
    }
}
