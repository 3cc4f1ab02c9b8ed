//! Cumulative totals at an instant, so a run or a task is the difference of two snapshots.

use crate::system::MemInfo;
use codecarbon_core::{Component, GramsPerKwh, Joules, KgCo2eq, KilowattHours};
use std::ops::Sub;
use std::time::{Duration, Instant};

/// Time-weighted sums of the utilisation columns.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub(crate) struct Utilisation {
    pub(crate) seconds: f64,
    pub(crate) cpu_percent: f64,
    /// GPU utilisation × seconds, over the seconds some GPU source reported it.
    pub(crate) gpu_percent: f64,
    pub(crate) gpu_seconds: f64,
    pub(crate) ram_percent: f64,
    pub(crate) ram_used_gb: f64,
}

impl Utilisation {
    /// Adds `weight` of time at these readings.
    pub(crate) fn add(
        &mut self,
        weight: Duration,
        cpu: Option<f64>,
        mem: Option<MemInfo>,
        gpu: Option<f64>,
    ) {
        let w = weight.as_secs_f64();
        if w <= 0.0 {
            return;
        }
        self.seconds += w;
        self.cpu_percent += w * 100.0 * cpu.unwrap_or(0.0);
        if let Some(g) = gpu {
            self.gpu_percent += w * g;
            self.gpu_seconds += w;
        }
        if let Some(m) = mem {
            self.ram_percent += w * m.percent.value();
            self.ram_used_gb += w * m.used.value();
        }
    }

    /// The time-weighted mean GPU utilisation, over the time GPUs reported it.
    pub(crate) fn gpu_mean(&self) -> f64 {
        if self.gpu_seconds > 0.0 {
            self.gpu_percent / self.gpu_seconds
        } else {
            0.0
        }
    }

    /// The time-weighted mean of one of the sums.
    pub(crate) fn mean(&self, sum: f64) -> f64 {
        if self.seconds > 0.0 {
            sum / self.seconds
        } else {
            0.0
        }
    }
}

impl Sub for Utilisation {
    type Output = Utilisation;
    fn sub(self, rhs: Utilisation) -> Utilisation {
        Utilisation {
            seconds: self.seconds - rhs.seconds,
            cpu_percent: self.cpu_percent - rhs.cpu_percent,
            gpu_percent: self.gpu_percent - rhs.gpu_percent,
            gpu_seconds: self.gpu_seconds - rhs.gpu_seconds,
            ram_percent: self.ram_percent - rhs.ram_percent,
            ram_used_gb: self.ram_used_gb - rhs.ram_used_gb,
        }
    }
}

/// Everything cumulative, at one sample.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct Snapshot {
    /// The sample's time.
    pub(crate) at: Instant,
    /// Energy per component, in [`Component::ALL`] order, PUE included.
    pub(crate) energy: [Joules; 3],
    /// Emissions so far, `unpriced` included at `price`.
    pub(crate) emissions: KgCo2eq,
    /// Energy the run had not yet priced at this moment: its emissions here are provisional,
    /// at `price`, until the run prices it ([`Snapshot::reprice`]).
    pub(crate) unpriced: KilowattHours,
    /// The provisional intensity of `unpriced`.
    pub(crate) price: GramsPerKwh,
    /// Utilisation sums so far.
    pub(crate) utilisation: Utilisation,
}

impl Snapshot {
    /// Nothing yet, at `at`.
    pub(crate) fn zero(at: Instant) -> Snapshot {
        Snapshot {
            at,
            energy: [Joules::ZERO; 3],
            emissions: KgCo2eq::ZERO,
            unpriced: KilowattHours::ZERO,
            price: GramsPerKwh(0.0),
            utilisation: Utilisation::default(),
        }
    }

    /// The run has priced the energy it had not at intensity `price`: so does this snapshot, so
    /// that a task started before that moment is priced as the run is.
    pub(crate) fn reprice(&mut self, price: GramsPerKwh) {
        let change = GramsPerKwh(price.value() - self.price.value());
        self.emissions += self.unpriced * change;
        self.unpriced = KilowattHours::ZERO;
        self.price = price;
    }

    /// One component's energy.
    pub(crate) fn energy_of(&self, component: Component) -> Joules {
        let index = Component::ALL
            .iter()
            .position(|c| *c == component)
            .unwrap_or_default();
        self.energy[index]
    }

    /// Energy of every component together.
    pub(crate) fn total_energy(&self) -> Joules {
        self.energy.iter().fold(Joules::ZERO, |sum, e| sum + *e)
    }

    /// The totals at `at`, between `self` and `later`, assuming steady power in between; `at`
    /// outside that span is clamped to it. This puts a task's boundary at the instant its
    /// caller asked, not at the sample that followed.
    pub(crate) fn interpolate(&self, later: &Snapshot, at: Instant) -> Snapshot {
        let span = later.at.saturating_duration_since(self.at).as_secs_f64();
        let into = at.saturating_duration_since(self.at).as_secs_f64();
        let f = if span > 0.0 {
            (into / span).min(1.0)
        } else {
            1.0
        };
        let mix = |a: f64, b: f64| a + (b - a) * f;
        let mut energy = self.energy;
        for (e, end) in energy.iter_mut().zip(later.energy) {
            *e = Joules(mix(e.value(), end.value()));
        }
        let (u, v) = (self.utilisation, later.utilisation);
        // Between two samples with no pricing in between (the caller reprices `self` when
        // there was one), the unpriced energy grows as the energy does.
        let unpriced = KilowattHours(mix(self.unpriced.value(), later.unpriced.value()));
        let price = if later.unpriced.value() > 0.0 {
            later.price
        } else {
            self.price
        };
        Snapshot {
            at: self.at + Duration::from_secs_f64(span * f),
            energy,
            emissions: KgCo2eq(mix(self.emissions.value(), later.emissions.value())),
            unpriced,
            price,
            utilisation: Utilisation {
                seconds: mix(u.seconds, v.seconds),
                cpu_percent: mix(u.cpu_percent, v.cpu_percent),
                gpu_percent: mix(u.gpu_percent, v.gpu_percent),
                gpu_seconds: mix(u.gpu_seconds, v.gpu_seconds),
                ram_percent: mix(u.ram_percent, v.ram_percent),
                ram_used_gb: mix(u.ram_used_gb, v.ram_used_gb),
            },
        }
    }

    /// What happened between `earlier` and this snapshot.
    pub(crate) fn since(&self, earlier: &Snapshot) -> (Duration, Snapshot) {
        let mut energy = self.energy;
        for (e, before) in energy.iter_mut().zip(earlier.energy) {
            *e = *e - before;
        }
        let delta = Snapshot {
            at: self.at,
            energy,
            emissions: self.emissions - earlier.emissions,
            unpriced: KilowattHours::ZERO,
            price: self.price,
            utilisation: self.utilisation - earlier.utilisation,
        };
        (self.at.saturating_duration_since(earlier.at), delta)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_task_is_the_difference_of_two_snapshots() {
        let t0 = Instant::now();
        let mut start = Snapshot::zero(t0);
        start.energy = [Joules(10.0), Joules(0.0), Joules(5.0)];
        start.emissions = KgCo2eq(1.0);
        let mut end = Snapshot::zero(t0 + Duration::from_secs(2));
        end.energy = [Joules(30.0), Joules(0.0), Joules(9.0)];
        end.emissions = KgCo2eq(1.5);
        let (duration, delta) = end.since(&start);
        assert_eq!(duration, Duration::from_secs(2));
        assert_eq!(delta.energy_of(Component::Cpu), Joules(20.0));
        assert_eq!(delta.total_energy(), Joules(24.0));
        assert_eq!(delta.emissions, KgCo2eq(0.5));
    }

    #[test]
    fn a_boundary_between_samples_is_interpolated_and_clamped() {
        let t0 = Instant::now();
        let before = Snapshot::zero(t0);
        let mut after = Snapshot::zero(t0 + Duration::from_secs(4));
        after.energy = [Joules(40.0), Joules(0.0), Joules(8.0)];
        after.emissions = KgCo2eq(4.0);
        let mid = before.interpolate(&after, t0 + Duration::from_secs(1));
        assert_eq!(mid.at, t0 + Duration::from_secs(1));
        assert_eq!(mid.energy, [Joules(10.0), Joules(0.0), Joules(2.0)]);
        assert_eq!(mid.emissions, KgCo2eq(1.0));
        let late = before.interpolate(&after, t0 + Duration::from_secs(9));
        assert_eq!(late, after);
        let early = after.interpolate(&after, t0);
        assert_eq!(early.at, after.at);
    }
}
