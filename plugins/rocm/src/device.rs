//! One tracked GPU: how its energy is read, and its energy since the previous sample.

use crate::error::SmiError;
use crate::smi::{retrying, Smi};
use codecarbon_core::{EnergyCounter, Joules, Watts};
use std::time::Duration;

/// How a GPU's energy is obtained.
#[derive(Debug, Clone, PartialEq)]
pub enum Mode {
    /// The energy accumulator × its resolution.
    Counter {
        /// Microjoules per unit, as the library gave it.
        resolution_uj: f32,
    },
    /// Power samples integrated over time (trapezoids), because the accumulator is missing.
    Power {
        /// Why there is no counter.
        why: String,
    },
    /// The second die of a dual-die part (MI250, MI250X): its accumulator reads 0 by design
    /// and the package's energy is in the first die's. It adds nothing, and is no failure.
    SecondDie {
        /// The first die's index.
        primary: u32,
        /// Whether the first die is tracked too.
        primary_tracked: bool,
    },
}

/// A tracked GPU.
#[derive(Debug, Clone)]
pub struct Device {
    /// ROCm SMI's index.
    pub index: u32,
    /// Its name (`AMD Instinct MI250X`).
    pub name: String,
    mode: Mode,
    counter: EnergyCounter,
    /// The last good power sample (power mode).
    last_power: Option<Watts>,
    /// Time since the last good reading.
    pending: Duration,
    /// The error of the current failing streak, if any.
    failure: Option<SmiError>,
}

impl Device {
    /// A GPU read the way `mode` says, whose accumulator counts `joules_per_unit`.
    pub fn new(index: u32, name: String, mode: Mode, joules_per_unit: f64) -> Device {
        Device {
            index,
            name,
            mode,
            counter: EnergyCounter::new(joules_per_unit, None),
            last_power: None,
            pending: Duration::ZERO,
            failure: None,
        }
    }

    /// How its energy is obtained.
    pub fn mode(&self) -> &Mode {
        &self.mode
    }

    /// The error that made the last sample fail, while it keeps failing.
    pub fn failure(&self) -> Option<&SmiError> {
        self.failure.as_ref()
    }

    /// Whether its energy is in another device's (so its own readings count for nothing).
    pub fn is_second_die(&self) -> bool {
        matches!(self.mode, Mode::SecondDie { .. })
    }

    /// Energy since the previous sample, `elapsed` ago; the first sample only sets the
    /// baseline. A failed read leaves the baseline as it was, so the next good read also
    /// covers the gap; the error is kept in [`failure`](Device::failure).
    pub fn sample(&mut self, smi: &dyn Smi, elapsed: Duration) -> Result<Joules, SmiError> {
        self.pending += elapsed;
        let result = match self.mode {
            Mode::Counter { .. } => self.sample_counter(smi),
            Mode::Power { .. } => self.sample_power(smi),
            Mode::SecondDie { .. } => Ok(self.sample_second_die(smi)),
        };
        match &result {
            Ok(_) => {
                self.pending = Duration::ZERO;
                self.failure = None;
            }
            Err(e) => self.failure = Some(e.clone()),
        }
        result
    }

    fn sample_counter(&mut self, smi: &dyn Smi) -> Result<Joules, SmiError> {
        let count = retrying(smi, |s| s.energy_count(self.index))?;
        match self.counter.update(count.raw) {
            Ok(energy) => Ok(energy.unwrap_or(Joules::ZERO)),
            // The accumulator went back (a GPU reset, a driver reload): it is re-baselined, and
            // the interval is covered by the power now, as CodeCarbon does for NVML.
            Err(_) => Ok(retrying(smi, |s| s.power(self.index))
                .map(|p| p.over(self.pending))
                .unwrap_or(Joules::ZERO)),
        }
    }

    fn sample_power(&mut self, smi: &dyn Smi) -> Result<Joules, SmiError> {
        let now = retrying(smi, |s| s.power(self.index))?;
        let energy = match self.last_power.replace(now) {
            Some(before) => Watts((before.value() + now.value()) / 2.0).over(self.pending),
            None => Joules::ZERO,
        };
        Ok(energy)
    }

    /// Nothing, whatever the die reads. Should its accumulator ever move, it was not a second
    /// die after all: it becomes a counter from that reading on.
    fn sample_second_die(&mut self, smi: &dyn Smi) -> Joules {
        if let Ok(count) = retrying(smi, |s| s.energy_count(self.index)) {
            if count.raw > 0 {
                self.mode = Mode::Counter {
                    resolution_uj: count.resolution_uj,
                };
                self.counter = EnergyCounter::new(count.joules_per_unit(), None);
                // Cannot fail: the first reading only sets the baseline.
                let _ = self.counter.update(count.raw);
            }
        }
        Joules::ZERO
    }

    /// How this GPU is read, for the detail line.
    pub fn describe(&self) -> String {
        let how = match &self.mode {
            Mode::Counter { resolution_uj } => {
                format!("energy counter × {resolution_uj} µJ")
            }
            Mode::Power { why } => format!("power sampling, no energy counter ({why})"),
            Mode::SecondDie {
                primary,
                primary_tracked: true,
            } => format!(
                "second die of GPU {primary}: its counter reads 0 by design, its energy is in \
                 GPU {primary}'s"
            ),
            Mode::SecondDie {
                primary,
                primary_tracked: false,
            } => format!(
                "second die of GPU {primary}: its counter reads 0 by design and GPU {primary}, \
                 which holds its energy, is not tracked"
            ),
        };
        format!("GPU {} {} ({how})", self.index, self.name)
    }
}
