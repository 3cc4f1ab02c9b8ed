//! The CodeCarbon API stores intervals, not totals: what happened since the last post.

use codecarbon_core::record::Cell;
use codecarbon_core::{Column, EmissionsData, KgCo2eq, KgCo2eqPerSecond, KilowattHours};

/// What the API has received so far: the totals at the last accepted post.
///
/// It moves only when a post is accepted, so an interval that failed to send (or was too
/// short to send) is folded into the next one and the posted intervals always add up to the
/// run's totals. Whole seconds are tracked apart, so the API's integer durations add up to
/// the run's duration, rounded down.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub(crate) struct Sent {
    seconds: f64,
    whole_seconds: u64,
    emissions: KgCo2eq,
    cpu_energy: KilowattHours,
    gpu_energy: KilowattHours,
    ram_energy: KilowattHours,
    energy_consumed: KilowattHours,
}

/// One interval's share, as the API's `EmissionCreate` wants it.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct Interval {
    /// Exact seconds in the interval.
    pub seconds: f64,
    /// Whole seconds (the API's `duration` is an integer).
    pub whole_seconds: u64,
    /// Emissions in the interval (`emissions_sum`).
    pub emissions: KgCo2eq,
    /// Emissions over the interval's exact duration; 0 for an empty interval.
    pub emissions_rate: KgCo2eqPerSecond,
    /// Energies in the interval.
    pub cpu_energy: KilowattHours,
    /// GPU energy in the interval.
    pub gpu_energy: KilowattHours,
    /// RAM energy in the interval.
    pub ram_energy: KilowattHours,
    /// Their sum.
    pub energy_consumed: KilowattHours,
}

impl Interval {
    /// The interval's value of `column`, as the API's `EmissionCreate` sends it: `duration` in
    /// whole seconds; `Empty` for a column the interval does not have.
    pub(crate) fn cell(&self, column: Column) -> Cell<'static> {
        match column {
            Column::Duration => Cell::Count(self.whole_seconds),
            Column::Emissions => Cell::Number(self.emissions.value()),
            Column::EmissionsRate => Cell::Number(self.emissions_rate.value()),
            Column::CpuEnergy => Cell::Number(self.cpu_energy.value()),
            Column::GpuEnergy => Cell::Number(self.gpu_energy.value()),
            Column::RamEnergy => Cell::Number(self.ram_energy.value()),
            Column::EnergyConsumed => Cell::Number(self.energy_consumed.value()),
            _ => Cell::Empty,
        }
    }

    /// Whether nothing happened in it: no time passed and no energy or emissions were added,
    /// so posting it would add a row of zeros.
    pub(crate) fn is_empty(&self) -> bool {
        self.seconds <= 0.0
            && self.emissions.value() == 0.0
            && self.energy_consumed.value() == 0.0
            && self.cpu_energy.value() == 0.0
            && self.gpu_energy.value() == 0.0
            && self.ram_energy.value() == 0.0
    }
}

impl Sent {
    /// The interval between what was sent and `total`.
    pub(crate) fn interval(&self, total: &EmissionsData) -> Interval {
        let seconds = total.duration.as_secs_f64() - self.seconds;
        let emissions = total.emissions - self.emissions;
        Interval {
            seconds,
            whole_seconds: total.duration.as_secs().saturating_sub(self.whole_seconds),
            emissions,
            emissions_rate: KgCo2eqPerSecond(if seconds > 0.0 {
                emissions.value() / seconds
            } else {
                0.0
            }),
            cpu_energy: total.cpu_energy - self.cpu_energy,
            gpu_energy: total.gpu_energy - self.gpu_energy,
            ram_energy: total.ram_energy - self.ram_energy,
            energy_consumed: total.energy_consumed - self.energy_consumed,
        }
    }

    /// Marks `interval`, computed from `total`, as received.
    pub(crate) fn advance(&mut self, total: &EmissionsData, interval: &Interval) {
        *self = Sent {
            seconds: total.duration.as_secs_f64(),
            whole_seconds: self.whole_seconds + interval.whole_seconds,
            emissions: total.emissions,
            cpu_energy: total.cpu_energy,
            gpu_energy: total.gpu_energy,
            ram_energy: total.ram_energy,
            energy_consumed: total.energy_consumed,
        };
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
    use super::*;
    use std::time::Duration;

    fn total(secs: f64, kg: f64, cpu_kwh: f64) -> EmissionsData {
        let mut data = EmissionsData::default();
        data.duration = Duration::from_secs_f64(secs);
        data.emissions = KgCo2eq(kg);
        data.cpu_energy = KilowattHours(cpu_kwh);
        data.energy_consumed = KilowattHours(cpu_kwh);
        data
    }

    #[test]
    fn the_first_interval_is_the_total() {
        let i = Sent::default().interval(&total(4.0, 2e-6, 1e-4));
        assert_eq!(i.whole_seconds, 4);
        assert_eq!(i.emissions, KgCo2eq(2e-6));
        assert_eq!(i.emissions_rate, KgCo2eqPerSecond(5e-7));
        assert_eq!(i.cpu_energy, KilowattHours(1e-4));
    }

    #[test]
    fn whole_seconds_add_up_to_the_duration_rounded_down() {
        let mut sent = Sent::default();
        let mut sum = 0;
        for secs in [1.6, 3.2, 4.9, 6.1] {
            let t = total(secs, 0.0, 0.0);
            let i = sent.interval(&t);
            sum += i.whole_seconds;
            sent.advance(&t, &i);
        }
        assert_eq!(sum, 6);
    }

    #[test]
    fn an_interval_not_sent_is_folded_into_the_next() {
        let mut sent = Sent::default();
        let first = total(10.0, 1e-6, 1e-5);
        let i = sent.interval(&first);
        sent.advance(&first, &i);
        let _lost = sent.interval(&total(20.0, 3e-6, 3e-5)); // not advanced: the post failed
        let next = sent.interval(&total(30.0, 6e-6, 6e-5));
        assert_eq!(next.whole_seconds, 20);
        assert!((next.emissions.value() - 5e-6).abs() < 1e-18);
        assert!((next.emissions_rate.value() - 2.5e-7).abs() < 1e-18);
    }

    #[test]
    fn an_empty_interval_has_no_rate() {
        let t = total(0.0, 0.0, 0.0);
        assert_eq!(
            Sent::default().interval(&t).emissions_rate,
            KgCo2eqPerSecond(0.0)
        );
    }
}
