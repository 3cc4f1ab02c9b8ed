//! How each selected GPU will be read, decided once at build, and the model line.

use crate::device::Mode;
use crate::smi::{retrying, Smi};

/// How GPU `index` (named `name`) will be read, and joules per unit of its accumulator; `Err`
/// says why it cannot be read at all. `tracked` are the indices selected for tracking.
///
/// - an accumulator that moves: [`Mode::Counter`];
/// - an accumulator at 0 on an odd index whose even neighbour has the same name and a moving
///   accumulator: [`Mode::SecondDie`] (MI250/MI250X report the package on the first die);
/// - otherwise an accumulator at 0 or missing, with a working power sensor: [`Mode::Power`];
/// - an accumulator at 0 without a power sensor: [`Mode::Counter`] all the same (it may move).
pub fn classify(
    smi: &dyn Smi,
    index: u32,
    name: &str,
    tracked: &[u32],
) -> Result<(Mode, f64), String> {
    let energy = retrying(smi, |s| s.energy_count(index));
    let power = || retrying(smi, |s| s.power(index));
    match energy {
        Ok(count) if count.raw > 0 => Ok((
            Mode::Counter {
                resolution_uj: count.resolution_uj,
            },
            count.joules_per_unit(),
        )),
        Ok(count) => {
            let mode = if let Some(primary) = first_die_of(smi, index, name) {
                Mode::SecondDie {
                    primary,
                    primary_tracked: tracked.contains(&primary),
                }
            } else if power().is_ok() {
                Mode::Power {
                    why: "its energy counter reads 0".into(),
                }
            } else {
                Mode::Counter {
                    resolution_uj: count.resolution_uj,
                }
            };
            Ok((mode, count.joules_per_unit()))
        }
        Err(no_counter) => match power() {
            Ok(_) => Ok((
                Mode::Power {
                    why: no_counter.to_string(),
                },
                0.0,
            )),
            Err(no_power) => Err(format!(
                "GPU {index} {name} is not tracked: {no_counter}; {no_power}"
            )),
        },
    }
}

/// The first die of the dual-die part whose second die is `index`, if the pattern holds: an
/// odd index, the same name as the even index before it, whose accumulator moves.
fn first_die_of(smi: &dyn Smi, index: u32, name: &str) -> Option<u32> {
    if index.is_multiple_of(2) {
        return None;
    }
    let primary = index - 1;
    let same_part = smi.name(primary).ok()? == name;
    let counting = retrying(smi, |s| s.energy_count(primary)).ok()?.raw > 0;
    (same_part && counting).then_some(primary)
}

/// CodeCarbon's `gpu_model`: `N x name` for each model, in order of first appearance, joined by
/// `, `.
///
/// ```
/// use codecarbon_rocm::gpu_model;
/// assert_eq!(gpu_model(&["MI250X", "MI250X"]), "2 x MI250X");
/// assert_eq!(gpu_model(&["MI210", "MI100", "MI210"]), "2 x MI210, 1 x MI100");
/// ```
pub fn gpu_model(names: &[&str]) -> String {
    let mut counts: Vec<(&str, usize)> = Vec::new();
    for name in names {
        match counts.iter_mut().find(|(n, _)| n == name) {
            Some((_, count)) => *count += 1,
            None => counts.push((name, 1)),
        }
    }
    counts
        .iter()
        .map(|(name, count)| format!("{count} x {name}"))
        .collect::<Vec<_>>()
        .join(", ")
}

/// The `model` of the source's info: the name when every GPU is of one model (the engine writes
/// `N x name`), else [`gpu_model`]'s line.
pub fn source_model(names: &[&str]) -> Option<String> {
    let first = names.first()?;
    if names.iter().all(|n| n == first) {
        Some(first.to_string())
    } else {
        Some(gpu_model(names))
    }
}
