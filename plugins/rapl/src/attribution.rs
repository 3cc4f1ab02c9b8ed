//! Attribution in tracking mode `process`: the tracked tree gets the share of the measured
//! energy that its CPU time is of the machine's busy CPU time over the same interval,
//!
//! ```text
//! share = Δ tree CPU time / (machine load × elapsed × logical CPUs), clamped to [0, 1]
//! ```
//!
//! and 0 when the machine's load is 0 or unknown (nothing busy to share, or no way to know).
//! DRAM energy is shared by the same CPU-time share: memory traffic follows the cores that make
//! it, and no per-process DRAM counter exists. The machine's whole measured energy is kept so
//! that the unattributed rest stays visible.

use codecarbon_core::{Joules, SampleContext, TrackingMode};
use std::time::Duration;

/// The tree's share of the machine's busy CPU time over one interval.
///
/// ```
/// use codecarbon_rapl::cpu_share;
/// use std::time::Duration;
/// // 1 CPU-second of the tree while 2 of 4 CPUs were busy for 1 s: half.
/// let s = cpu_share(Duration::from_secs(1), Some(0.5), Duration::from_secs(1), 4);
/// assert!((s - 0.5).abs() < 1e-12);
/// assert_eq!(cpu_share(Duration::from_secs(1), Some(0.0), Duration::from_secs(1), 4), 0.0);
/// assert_eq!(cpu_share(Duration::from_secs(1), None, Duration::from_secs(1), 4), 0.0);
/// ```
pub fn cpu_share(
    tree_cpu: Duration,
    machine_load: Option<f64>,
    elapsed: Duration,
    logical_cpus: usize,
) -> f64 {
    let Some(load) = machine_load.filter(|l| l.is_finite() && *l > 0.0) else {
        return 0.0;
    };
    let busy = load.min(1.0) * elapsed.as_secs_f64() * logical_cpus.max(1) as f64;
    if busy <= 0.0 {
        return 0.0;
    }
    (tree_cpu.as_secs_f64() / busy).clamp(0.0, 1.0)
}

/// Follows the tree's CPU time and the machine's measured energy across samples.
#[derive(Debug, Clone, Default)]
pub struct Attribution {
    /// The tree's cumulative CPU time at the previous process-mode sample.
    last_cpu: Option<Duration>,
    /// The machine's measured energy since the first process-mode sample.
    machine: Option<Joules>,
}

impl Attribution {
    /// The part of `measured` (the machine's energy over `ctx.elapsed`) that the sample's mode
    /// attributes: all of it in machine mode, the tree's CPU-time share in process mode (zero
    /// on the first sample, which only sets the baseline, and when the engine gives no usage).
    pub fn attribute(&mut self, ctx: &SampleContext, measured: Joules) -> Joules {
        if ctx.tracking_mode == TrackingMode::Machine {
            self.last_cpu = None;
            self.machine = None;
            return measured;
        }
        let machine = self.machine.get_or_insert(Joules::ZERO);
        *machine += measured;
        let Some(usage) = ctx.process else {
            self.last_cpu = None;
            return Joules::ZERO;
        };
        let Some(previous) = self.last_cpu.replace(usage.cpu_time) else {
            return Joules::ZERO;
        };
        let tree = usage.cpu_time.saturating_sub(previous);
        measured * cpu_share(tree, ctx.machine_cpu_load, ctx.elapsed, ctx.logical_cpus)
    }

    /// The machine's measured energy since the first process-mode sample; `None` in machine
    /// mode, where readings are not shares.
    pub fn machine_energy(&self) -> Option<Joules> {
        self.machine
    }
}
