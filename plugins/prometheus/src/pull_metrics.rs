//! What the `/metrics` endpoint serves: per-component counters in base units, for scraping.
//!
//! Prometheus' own conventions (base units, `_total` counters, a `component` label) rather
//! than CodeCarbon's push names, so that `rate(codecarbon_energy_joules_total[5m])` is power
//! in watts and `sum by (component)` works.

use crate::exposition::{Exposition, MetricType};
use codecarbon_core::{Component, EmissionsData, Joules, KgCo2eq, Watts};

/// Energy per component since the run started, PUE included (counter, J).
pub const ENERGY_JOULES: &str = "codecarbon_energy_joules_total";
/// Emissions per component since the run started (counter, kg CO2eq).
pub const EMISSIONS_KG: &str = "codecarbon_emissions_kg_total";
/// Mean power per component over the latest measure interval (gauge, W).
pub const POWER_WATTS: &str = "codecarbon_power_watts";
/// The run's energy, all components (counter, J).
pub const RUN_ENERGY_JOULES: &str = "codecarbon_run_energy_joules_total";
/// The run's emissions, all components (counter, kg CO2eq).
pub const RUN_EMISSIONS_KG: &str = "codecarbon_run_emissions_kg_total";

/// The run as the exporter shows it, kept up to date from each record's cumulative totals.
///
/// The record has the run's emissions but not each component's, so each interval's new
/// emissions are shared among the components by the energy each used in that interval. That
/// keeps every counter growing, even when the carbon intensity changes during the run, and the
/// three shares add up to the run's total.
///
/// ```
/// use codecarbon_core::{EmissionsData, KilowattHours};
/// use codecarbon_prometheus::{render_exporter, Ledger};
///
/// let mut ledger = Ledger::default();
/// let mut data = EmissionsData::default();
/// data.cpu_energy = KilowattHours(0.001);
/// ledger.update(&data);
/// assert!(render_exporter(&ledger).contains(r#"component="cpu"} 3600.0"#));
/// ```
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Ledger {
    latest: Option<EmissionsData>,
    emissions: [KgCo2eq; 3],
    power: [Watts; 3],
}

impl Ledger {
    /// Takes in a record of cumulative totals (every record, flush and stop).
    pub fn update(&mut self, data: &EmissionsData) {
        let zero = EmissionsData::default();
        let before = self.latest.as_ref().unwrap_or(&zero);
        let used: [f64; 3] =
            Component::ALL.map(|c| (energy(data, c).value() - energy(before, c).value()).max(0.0));
        let new_kg = (data.emissions.value() - before.emissions.value()).max(0.0);
        let weights = if used.iter().sum::<f64>() > 0.0 {
            used
        } else {
            // No energy since the last record but emissions moved (a late intensity): share
            // them by the run's energy so far.
            Component::ALL.map(|c| energy(data, c).value().max(0.0))
        };
        let sum: f64 = weights.iter().sum();
        if sum > 0.0 {
            for (share, w) in self.emissions.iter_mut().zip(weights) {
                *share += KgCo2eq(new_kg * w / sum);
            }
        }

        let seconds = data.duration.saturating_sub(before.duration).as_secs_f64();
        if self.latest.is_none() {
            // No interval yet: the record's own mean power.
            self.power = [data.cpu_power, data.gpu_power, data.ram_power];
        } else if seconds > 0.0 {
            self.power = used.map(|j| Watts(j * 3_600_000.0 / seconds));
        }
        self.latest = Some(data.clone());
    }

    /// The latest record, if any.
    pub fn latest(&self) -> Option<&EmissionsData> {
        self.latest.as_ref()
    }

    /// A component's energy since the run started.
    pub fn energy(&self, component: Component) -> Joules {
        self.latest
            .as_ref()
            .map(|d| energy(d, component).to_joules())
            .unwrap_or(Joules::ZERO)
    }

    /// A component's share of the run's emissions.
    pub fn emissions(&self, component: Component) -> KgCo2eq {
        index(component)
            .and_then(|i| self.emissions.get(i).copied())
            .unwrap_or(KgCo2eq::ZERO)
    }

    /// A component's mean power over the latest interval (before the second record: the
    /// record's mean power).
    pub fn power(&self, component: Component) -> Watts {
        index(component)
            .and_then(|i| self.power.get(i).copied())
            .unwrap_or(Watts::ZERO)
    }
}

/// Where a component's figures are kept: its place in [`Component::ALL`], the record's order.
fn index(c: Component) -> Option<usize> {
    Component::ALL.iter().position(|&x| x == c)
}

fn energy(d: &EmissionsData, c: Component) -> codecarbon_core::KilowattHours {
    match c {
        Component::Cpu => d.cpu_energy,
        Component::Gpu => d.gpu_energy,
        Component::Ram => d.ram_energy,
        // A component the record has no column for yet.
        _ => codecarbon_core::KilowattHours::ZERO,
    }
}

/// The exposition served at `/metrics`; empty before the first record, so Prometheus stores
/// nothing rather than zeros.
pub fn render_exporter(ledger: &Ledger) -> String {
    let Some(data) = ledger.latest() else {
        return String::new();
    };
    let base = [
        ("project_name", data.project_name.as_str()),
        ("experiment_id", data.experiment_id.as_str()),
    ];
    let with = |c: Component| [base[0], base[1], ("component", c.name())];
    let mut out = Exposition::default();
    let mut family = out.family(
        ENERGY_JOULES,
        "Energy used by the component since the run started, PUE included (J)",
        MetricType::Counter,
    );
    for c in Component::ALL {
        family.sample(&with(c), ledger.energy(c).value());
    }
    let mut family = out.family(
        EMISSIONS_KG,
        "The component's share of the run's emissions, as CO2-equivalents (kg)",
        MetricType::Counter,
    );
    for c in Component::ALL {
        family.sample(&with(c), ledger.emissions(c).value());
    }
    let mut family = out.family(
        POWER_WATTS,
        "Mean power of the component over the latest measure interval (W)",
        MetricType::Gauge,
    );
    for c in Component::ALL {
        family.sample(&with(c), ledger.power(c).value());
    }
    out.family(
        RUN_ENERGY_JOULES,
        "Energy used by the run since it started, all components, PUE included (J)",
        MetricType::Counter,
    )
    .sample(&base, data.energy_consumed.to_joules().value());
    out.family(
        RUN_EMISSIONS_KG,
        "Emissions of the run since it started, as CO2-equivalents (kg)",
        MetricType::Counter,
    )
    .sample(&base, data.emissions.value());
    out.finish()
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
    use super::*;
    use codecarbon_core::KilowattHours;
    use std::time::Duration;

    fn record(secs: u64, cpu_kwh: f64, ram_kwh: f64, kg: f64) -> EmissionsData {
        let mut data = EmissionsData::default();
        data.project_name = "p\"q".into();
        data.experiment_id = "e1".into();
        data.duration = Duration::from_secs(secs);
        data.cpu_energy = KilowattHours(cpu_kwh);
        data.ram_energy = KilowattHours(ram_kwh);
        data.energy_consumed = KilowattHours(cpu_kwh + ram_kwh);
        data.emissions = KgCo2eq(kg);
        data.cpu_power = Watts(99.0);
        data
    }

    fn value(text: &str, prefix: &str) -> f64 {
        let line = text
            .lines()
            .find(|l| l.starts_with(prefix))
            .unwrap_or_else(|| panic!("no {prefix} in\n{text}"));
        line.rsplit(' ').next().unwrap().parse().unwrap()
    }

    #[test]
    fn nothing_is_served_before_the_first_record() {
        assert_eq!(render_exporter(&Ledger::default()), "");
    }

    #[test]
    fn counters_are_in_joules_and_kilograms_with_a_component_label() {
        let mut ledger = Ledger::default();
        ledger.update(&record(10, 0.001, 0.0005, 0.3));
        let text = render_exporter(&ledger);
        let cpu = r#"{project_name="p\"q",experiment_id="e1",component="cpu"} "#;
        assert_eq!(value(&text, &format!("{ENERGY_JOULES}{cpu}")), 3600.0);
        assert!((value(&text, &format!("{EMISSIONS_KG}{cpu}")) - 0.2).abs() < 1e-12);
        assert_eq!(value(&text, &format!("{POWER_WATTS}{cpu}")), 99.0);
        assert_eq!(value(&text, RUN_ENERGY_JOULES), 5400.0);
        assert_eq!(value(&text, RUN_EMISSIONS_KG), 0.3);
        assert!(text.contains(&format!("# TYPE {ENERGY_JOULES} counter\n")));
        assert!(text.contains(&format!("# TYPE {POWER_WATTS} gauge\n")));
        assert!(text.contains(&format!("# HELP {RUN_EMISSIONS_KG} ")));
    }

    #[test]
    fn power_is_the_latest_intervals_mean() {
        let mut ledger = Ledger::default();
        ledger.update(&record(10, 0.001, 0.0, 0.0));
        // 0.001 kWh = 3600 J more in 20 s: 180 W.
        ledger.update(&record(30, 0.002, 0.0, 0.0));
        assert!((ledger.power(Component::Cpu).value() - 180.0).abs() < 1e-9);
        // A flush right after, with the same totals, keeps it.
        ledger.update(&record(30, 0.002, 0.0, 0.0));
        assert!((ledger.power(Component::Cpu).value() - 180.0).abs() < 1e-9);
    }

    #[test]
    fn emissions_shares_follow_each_intervals_energy_and_never_shrink() {
        let mut ledger = Ledger::default();
        // Interval 1: all CPU, 1 kg.
        ledger.update(&record(10, 1.0, 0.0, 1.0));
        // Interval 2: all RAM at a much lower intensity, 0.1 kg more. The run-wide ratio
        // would cut the CPU's share to 0.55 kg; it stays at 1 kg.
        ledger.update(&record(20, 1.0, 1.0, 1.1));
        assert_eq!(ledger.emissions(Component::Cpu), KgCo2eq(1.0));
        assert!((ledger.emissions(Component::Ram).value() - 0.1).abs() < 1e-12);
        let sum: f64 = Component::ALL
            .map(|c| ledger.emissions(c).value())
            .iter()
            .sum();
        assert!((sum - 1.1).abs() < 1e-12);
    }
}
