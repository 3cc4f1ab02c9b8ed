//! Counting each counter once: MMIO zones against their MSR twins, and mirrored counters of
//! multi-die parts that expose one socket's counter once per die.

use crate::zone::{Interface, Zone};
use codecarbon_core::Joules;
use std::time::Duration;

/// How long a mirror candidate is watched before it is dropped: its energy is held back
/// meanwhile and released at once if it stops matching its reference.
pub const MIRROR_WINDOW: Duration = Duration::from_secs(1);

/// Drops every MSR zone that has an MMIO twin: same name at the same depth (the MMIO
/// interface is the newer one for the same counter).
pub fn dedupe_mmio(zones: Vec<Zone>) -> Vec<Zone> {
    let twins: Vec<(String, usize)> = zones
        .iter()
        .filter(|z| z.id.interface == Interface::Mmio)
        .map(|z| (z.name.clone(), z.id.depth()))
        .collect();
    zones
        .into_iter()
        .filter(|z| {
            z.id.interface == Interface::Mmio
                || !twins
                    .iter()
                    .any(|(n, d)| *n == z.name && *d == z.id.depth())
        })
        .collect()
}

/// CodeCarbon's rule for two readings of one counter: `|a−b| <= max(1e-6·max(a,b), 1 J)`.
///
/// ```
/// use codecarbon_core::Joules;
/// use codecarbon_rapl::counters_match;
/// assert!(counters_match(Joules(1_000_000.0), Joules(1_000_000.9)));
/// assert!(!counters_match(Joules(10.0), Joules(12.0)));
/// ```
pub fn counters_match(a: Joules, b: Joules) -> bool {
    let (a, b) = (a.value(), b.value());
    (a - b).abs() <= (1e-6 * a.max(b)).max(1.0)
}

/// Where a counter stands in the mirror test.
#[derive(Debug, Clone, PartialEq)]
enum Status {
    /// Counted.
    Counted,
    /// A mirror of an earlier counter: never counted.
    Mirror,
    /// Its value matched counter `reference` at start; its energy is held until its deltas
    /// differ from the reference's (it is counted) or [`MIRROR_WINDOW`] passes (it is a mirror).
    Candidate {
        reference: usize,
        own: Joules,
        reference_sum: Joules,
        watched: Duration,
    },
}

/// Drops counters that mirror another: same absolute value at start AND same deltas over the
/// first interval (at least [`MIRROR_WINDOW`] long), both by [`counters_match`].
#[derive(Debug, Clone, PartialEq)]
pub struct MirrorFilter {
    status: Vec<Status>,
}

impl MirrorFilter {
    /// Flags the candidates among the counters' first values: a counter whose value matches an
    /// earlier counter that is not itself a candidate.
    pub fn at_start(values: &[Joules]) -> MirrorFilter {
        let mut status: Vec<Status> = Vec::with_capacity(values.len());
        for (i, value) in values.iter().enumerate() {
            let reference =
                (0..i).find(|&r| status[r] == Status::Counted && counters_match(values[r], *value));
            status.push(match reference {
                Some(reference) => Status::Candidate {
                    reference,
                    own: Joules::ZERO,
                    reference_sum: Joules::ZERO,
                    watched: Duration::ZERO,
                },
                None => Status::Counted,
            });
        }
        MirrorFilter { status }
    }

    /// The energy to count for one interval of `elapsed` in which the counters moved by
    /// `deltas`: the counted ones, plus the held energy of a candidate that turns out distinct.
    pub fn filter(&mut self, deltas: &[Joules], elapsed: Duration) -> Joules {
        let mut total = Joules::ZERO;
        for (i, delta) in deltas.iter().enumerate() {
            let Some(status) = self.status.get_mut(i) else {
                total += *delta;
                continue;
            };
            match status {
                Status::Counted => total += *delta,
                Status::Mirror => {}
                Status::Candidate {
                    reference,
                    own,
                    reference_sum,
                    watched,
                } => {
                    *own += *delta;
                    *reference_sum += deltas.get(*reference).copied().unwrap_or(Joules::ZERO);
                    *watched += elapsed;
                    if !counters_match(*own, *reference_sum) {
                        total += *own;
                        *status = Status::Counted;
                    } else if *watched >= MIRROR_WINDOW {
                        *status = Status::Mirror;
                    }
                }
            }
        }
        total
    }

    /// The indices of the counters found to be mirrors.
    pub fn mirrors(&self) -> Vec<usize> {
        self.status
            .iter()
            .enumerate()
            .filter(|(_, s)| **s == Status::Mirror)
            .map(|(i, _)| i)
            .collect()
    }
}
