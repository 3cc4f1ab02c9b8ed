//! The power source: raw counters, read and summed by a [`Meter`], attributed by mode.

use crate::attribution::Attribution;
use crate::counters::{Meter, RawCounters};
use codecarbon_core::{Joules, PowerSource, Reading, SampleContext, SourceError, SourceInfo};
use std::fmt;
use std::time::Duration;

/// A RAPL power source: the CPU's package (or psys) energy, or the memory's DRAM energy.
pub struct RaplSource {
    info: SourceInfo,
    reader: Box<dyn RawCounters>,
    meter: Meter,
    attribution: Attribution,
}

impl fmt::Debug for RaplSource {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("RaplSource")
            .field("info", &self.info)
            .field("meter", &self.meter)
            .finish_non_exhaustive()
    }
}

impl RaplSource {
    /// A source described by `info` whose counters `reader` reads, in the order of `meter`'s
    /// specs.
    pub fn new(info: SourceInfo, reader: Box<dyn RawCounters>, meter: Meter) -> RaplSource {
        RaplSource {
            info,
            reader,
            meter,
            attribution: Attribution::default(),
        }
    }

    /// The counters and what is known of them (mirrors found so far).
    pub fn meter(&self) -> &Meter {
        &self.meter
    }
}

impl PowerSource for RaplSource {
    fn info(&self) -> SourceInfo {
        self.info.clone()
    }

    /// The counters' energy since the previous call (all of it in machine mode, the tracked
    /// tree's CPU-time share in process mode). A read that fails leaves every baseline as it
    /// was, so the next good read also counts the gap.
    fn sample(&mut self, ctx: &SampleContext) -> Result<Reading, SourceError> {
        let measured = self
            .reader
            .read()
            .and_then(|raw| self.meter.update(&raw, ctx.elapsed));
        let measured = match measured {
            Ok(energy) => energy,
            Err(e) => {
                // Keep the process baseline in step with the interval that was skipped.
                self.attribution.attribute(ctx, Joules::ZERO);
                return Err(e);
            }
        };
        let energy = self.attribution.attribute(ctx, measured);
        Ok(Reading::measured(energy, ctx.elapsed))
    }

    fn max_interval(&self) -> Duration {
        self.meter.max_interval()
    }

    fn machine_energy(&self) -> Option<Joules> {
        self.attribution.machine_energy()
    }
}
