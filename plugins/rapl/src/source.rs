//! The power source: raw counters, read and summed by a [`Meter`], attributed by mode.

use crate::attribution::Attribution;
use crate::counters::{Meter, RawCounters};
use codecarbon_core::{Joules, PowerSource, Reading, SampleContext, SourceError, SourceInfo};
use std::fmt;
use std::time::Duration;

/// How long counters may stay still before the source says it cannot measure this machine.
/// A package or platform draws watts whenever it is on, which RAPL counts in steps of about
/// 61 µJ: on real hardware the counters move within milliseconds. Some virtual machines expose
/// the RAPL PMU or zones and never count.
pub const STALL_LIMIT: Duration = Duration::from_secs(1);

/// A RAPL power source: the CPU's package (or psys) energy, or the memory's DRAM energy.
pub struct RaplSource {
    info: SourceInfo,
    reader: Box<dyn RawCounters>,
    meter: Meter,
    attribution: Attribution,
    counting: Counting,
}

/// Whether the counters have shown that they count.
#[derive(Debug, Clone, Copy)]
enum Counting {
    /// No read yet: the first one is the baseline.
    Baseline,
    /// Every read since the baseline found them where they were, for this long.
    Still(Duration),
    /// They have moved: this machine counts, and an idle stretch later means nothing.
    Moving,
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
            counting: Counting::Baseline,
        }
    }

    /// Counts `elapsed` of stillness unless `measured` shows the counters move; an error once
    /// they have stood still for [`STALL_LIMIT`] after the baseline.
    fn check_counting(&mut self, measured: Joules, elapsed: Duration) -> Result<(), SourceError> {
        let still = match self.counting {
            Counting::Moving => return Ok(()),
            _ if measured > Joules::ZERO => {
                self.counting = Counting::Moving;
                return Ok(());
            }
            Counting::Baseline => Duration::ZERO,
            Counting::Still(still) => still + elapsed,
        };
        self.counting = Counting::Still(still);
        if still < STALL_LIMIT {
            return Ok(());
        }
        let counters: Vec<&str> = self
            .meter
            .specs()
            .iter()
            .map(|s| s.label.as_str())
            .collect();
        Err(SourceError::Unusable(format!(
            "RAPL counter {} has not counted any energy in {:.1} s: this machine exposes RAPL \
             but does not count it (common in virtual machines)",
            counters.join(", "),
            still.as_secs_f64()
        )))
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
        if let Err(e) = self.check_counting(measured, ctx.elapsed) {
            self.attribution.attribute(ctx, Joules::ZERO);
            return Err(e);
        }
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
