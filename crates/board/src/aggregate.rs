//! Runs into chart points: one point (and one bar) per run while they are few, time buckets
//! (and groups of runs) when they are many, so a 100,000-row file gives a page as light as a
//! 100-row one.

use crate::mass::MassUnit;
use crate::runs::Run;
use crate::time::format_ms;
use codecarbon_core::KgCo2eq;
use serde::Serialize;

/// Up to this many runs, the timeline has one point per run.
pub const TIMELINE_POINTS: usize = 400;
/// Buckets of a timeline with more runs than [`TIMELINE_POINTS`].
pub const TIMELINE_BUCKETS: usize = 240;
/// Up to this many runs, one bar per run; past it, groups of consecutive runs.
pub const MAX_BARS: usize = 60;

/// Emissions over time.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Timeline {
    /// The unit of the chart's axis (for the cumulative emissions, its largest value).
    pub unit: MassUnit,
    /// Seconds per bucket, or `None` for one point per run.
    pub bucket_s: Option<f64>,
    /// `[time ms, kg in the run or bucket, cumulative kg, runs]`, in time order.
    pub points: Vec<(i64, f64, f64, usize)>,
    /// Runs left out for want of a readable timestamp.
    pub untimed: usize,
}

/// Emissions per run, or per group of consecutive runs.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Bars {
    /// The unit of the axis, from the largest bar.
    pub unit: MassUnit,
    /// Runs per bar (1: one bar per run).
    pub runs_per_bar: usize,
    /// The bars, oldest first.
    pub bars: Vec<Bar>,
}

/// One bar.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Bar {
    /// Axis label: the run's number, or the range of run numbers.
    pub label: String,
    /// Timestamp of the first run (or empty).
    pub from: String,
    /// Timestamp of the last run (or empty).
    pub to: String,
    /// Emissions of the bar's runs, kg.
    pub emissions: f64,
    /// Energy of the bar's runs, kWh.
    pub energy: f64,
    /// How many runs.
    pub runs: usize,
}

/// The timeline of `runs`, which are in time order (those without a time last).
pub(crate) fn timeline(runs: &[&Run]) -> Timeline {
    let timed = &runs[..runs.partition_point(|r| r.time_ms.is_some())];
    let untimed = runs.len() - timed.len();
    let mut points = Vec::new();
    let mut cumulative = 0.0;
    let mut bucket_s = None;
    if timed.len() <= TIMELINE_POINTS {
        for r in timed {
            cumulative += r.emissions;
            points.push((r.time_ms.unwrap_or(0), r.emissions, cumulative, 1));
        }
    } else {
        let first = timed.first().and_then(|r| r.time_ms).unwrap_or(0);
        let last = timed.last().and_then(|r| r.time_ms).unwrap_or(0);
        let span = (last - first).max(1);
        let width = (span + TIMELINE_BUCKETS as i64 - 1) / TIMELINE_BUCKETS as i64;
        bucket_s = Some(width as f64 / 1000.0);
        let mut current: Option<(i64, f64, usize)> = None;
        for r in timed {
            let t = r.time_ms.unwrap_or(0);
            let start = first + ((t - first) / width) * width;
            cumulative += r.emissions;
            match current.as_mut() {
                Some((s, kg, n)) if *s == start => {
                    *kg += r.emissions;
                    *n += 1;
                }
                _ => {
                    if let Some((s, kg, n)) = current.take() {
                        points.push((s, kg, cumulative - r.emissions, n));
                    }
                    current = Some((start, r.emissions, 1));
                }
            }
        }
        if let Some((s, kg, n)) = current {
            points.push((s, kg, cumulative, n));
        }
    }
    Timeline {
        unit: MassUnit::for_largest(KgCo2eq(cumulative)),
        bucket_s,
        points,
        untimed,
    }
}

/// The bars of `runs`, which are in time order (those without a time last).
pub(crate) fn bars(runs: &[&Run]) -> Bars {
    let per_bar = runs.len().div_ceil(MAX_BARS).max(1);
    let mut bars = Vec::new();
    for (i, chunk) in runs.chunks(per_bar).enumerate() {
        let first = i * per_bar + 1;
        let last = first + chunk.len() - 1;
        let label = if chunk.len() == 1 {
            format!("{first}")
        } else {
            format!("{first}–{last}")
        };
        let time = |r: Option<&&Run>| r.and_then(|r| r.time_ms).map(format_ms).unwrap_or_default();
        bars.push(Bar {
            label,
            from: time(chunk.first()),
            to: time(chunk.last()),
            emissions: chunk.iter().map(|r| r.emissions).sum(),
            energy: chunk.iter().map(|r| r.energy).sum(),
            runs: chunk.len(),
        });
    }
    let largest = bars.iter().map(|b| b.emissions).fold(0.0, f64::max);
    Bars {
        unit: MassUnit::for_largest(KgCo2eq(largest)),
        runs_per_bar: per_bar,
        bars,
    }
}
