//! One GPU's energy between two samples: its energy counter where it has one, its power
//! readings integrated by the trapezoid rule where it has not.
//!
//! A counter that goes backwards (the driver was reloaded) is re-baselined and the interval is
//! taken from the power readings, so no interval is lost. A counter that stops being supported
//! turns the device to power sampling. A lost GPU stops counting for good. Any other failed read
//! keeps the counter's baseline, so the next good read covers the gap.

use crate::api::{NvmlDevice, NvmlError};
use crate::integrate::trapezoid;
use codecarbon_core::{EnergyCounter, Joules, Watts};
use std::fmt;
use std::time::Duration;

/// How a GPU's energy is measured.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Measure {
    /// `nvmlDeviceGetTotalEnergyConsumption` deltas (Volta and later).
    Counter,
    /// `nvmlDeviceGetPowerUsage` samples, integrated by the trapezoid rule.
    Power,
}

impl fmt::Display for Measure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Measure::Counter => "energy counter",
            Measure::Power => "power sampling",
        })
    }
}

/// Something about a sample that people should hear of.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Event {
    /// The counter went backwards; the interval came from power readings.
    CounterReset {
        /// The counter before, in mJ.
        previous: u64,
        /// The counter now, in mJ.
        current: u64,
    },
    /// The counter is no longer supported; power sampling from now on.
    CounterUnsupported,
    /// The GPU is lost; it counts no more.
    Lost,
    /// A read failed; the next good one covers the gap.
    ReadFailed(NvmlError),
}

/// Follows one GPU's energy.
#[derive(Debug, Clone)]
pub struct DeviceMeter {
    measure: Measure,
    /// The energy counter, in millijoules; it never wraps (64 bits).
    counter: EnergyCounter,
    /// The last power read, for the trapezoid.
    last_power: Option<Watts>,
    lost: bool,
}

/// One GPU's sample.
#[derive(Debug, Clone, PartialEq)]
pub struct DeviceSample {
    /// Energy since the previous sample.
    pub energy: Joules,
    /// What happened, if anything worth saying.
    pub event: Option<Event>,
}

impl DeviceMeter {
    /// A meter for a device measured by `measure`.
    pub fn new(measure: Measure) -> DeviceMeter {
        DeviceMeter {
            measure,
            counter: EnergyCounter::new(1e-3, None),
            last_power: None,
            lost: false,
        }
    }

    /// How the device is measured now.
    pub fn measure(&self) -> Measure {
        self.measure
    }

    /// Whether the device was lost (it counts no more).
    pub fn is_lost(&self) -> bool {
        self.lost
    }

    /// The device's energy over the `elapsed` since the previous call (zero on the first, which
    /// sets the baseline).
    pub fn sample(&mut self, device: &dyn NvmlDevice, elapsed: Duration) -> DeviceSample {
        if self.lost {
            return quiet(Joules::ZERO);
        }
        let (power, power_error) = match device.power_mw() {
            Ok(mw) => (Some(Watts(f64::from(mw) / 1000.0)), None),
            Err(NvmlError::GpuLost) => return self.lose(),
            Err(e) => (None, Some(e)),
        };
        let by_power = trapezoid(self.last_power, power, elapsed);
        if power.is_some() {
            self.last_power = power;
        }
        match self.measure {
            Measure::Counter => self.read_counter(device, by_power),
            Measure::Power => DeviceSample {
                energy: by_power.unwrap_or(Joules::ZERO),
                event: power_error.map(Event::ReadFailed),
            },
        }
    }

    fn read_counter(&mut self, device: &dyn NvmlDevice, by_power: Option<Joules>) -> DeviceSample {
        match device.total_energy_mj() {
            Ok(raw) => match self.counter.update(raw) {
                Ok(energy) => quiet(energy.unwrap_or(Joules::ZERO)),
                Err(regression) => DeviceSample {
                    energy: by_power.unwrap_or(Joules::ZERO),
                    event: Some(Event::CounterReset {
                        previous: regression.previous,
                        current: regression.current,
                    }),
                },
            },
            Err(NvmlError::GpuLost) => self.lose(),
            Err(NvmlError::NotSupported) => {
                self.measure = Measure::Power;
                self.counter.reset();
                DeviceSample {
                    energy: by_power.unwrap_or(Joules::ZERO),
                    event: Some(Event::CounterUnsupported),
                }
            }
            Err(e) => DeviceSample {
                energy: Joules::ZERO,
                event: Some(Event::ReadFailed(e)),
            },
        }
    }

    fn lose(&mut self) -> DeviceSample {
        self.lost = true;
        DeviceSample {
            energy: Joules::ZERO,
            event: Some(Event::Lost),
        }
    }
}

fn quiet(energy: Joules) -> DeviceSample {
    DeviceSample {
        energy,
        event: None,
    }
}
