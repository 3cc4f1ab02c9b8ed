//! The start of a run: every part chosen and built, the place thread and the output workers
//! started, the baseline sample taken. On error, what the user lent goes back.

use super::{Active, Run, PLACE_END_LIMIT};
use crate::engine::allocation;
use crate::engine::explicit::{self, Explicit, Lent};
use crate::engine::outlet::Outlet;
use crate::engine::place::{Place, PlaceInputs};
use crate::engine::setup::{self, SinkPart, SourcePart};
use crate::engine::timestamp::LocalClock;
use crate::engine::totals::{Snapshot, Utilisation};
use crate::error::TrackerError;
use crate::system::{os_description, MachineLoad, MemInfo, ProcFile, ProcessTree};
use codecarbon_core::{Config, Joules, KgCo2eq, KilowattHours, TrackingMode};
use std::time::{Duration, Instant};

impl Run {
    /// Chooses and builds everything, then takes the baseline sample. The user's explicit
    /// components are borrowed from `lent` and given back by [`Run::end`] (or on error).
    pub(crate) fn start(mut config: Config, lent: Lent) -> Result<Run, TrackerError> {
        let machine = MachineLoad::new(&config.proc_root)?;
        let mut meminfo = (ProcFile::default(), config.proc_root.join("meminfo"));
        let ram_total = MemInfo::read_with(&mut meminfo.0, &meminfo.1)?.total;
        // Found once, before the sources are built, so that they all size themselves on it.
        let allocation = allocation::find_for(&config, machine.logical_cpus(), ram_total);
        config.allocation = Some(allocation.clone());
        let tree = (config.tracking_mode == TrackingMode::Process)
            .then(|| ProcessTree::new(&config.proc_root, std::process::id()));

        let mut borrowed = explicit::borrow(&lent);
        let python_version = borrowed.python_version.clone();
        let assembled = setup::assemble(&config, &mut borrowed);
        // What the run did not take in (all of it on error) goes straight back.
        explicit::give_back(&lent, borrowed);
        let parts = assembled?;
        let providers = parts.place.explicit.clone();
        let (place, outputs) = match start_threads(parts.place, parts.sinks) {
            Ok(started) => started,
            Err((e, back)) => {
                explicit::give_back(
                    &lent,
                    Explicit {
                        power_sources: explicit_sources(parts.sources),
                        ..back
                    },
                );
                return Err(e.into());
            }
        };

        let now = Instant::now();
        let mut run = Run {
            run_id: uuid::Uuid::new_v4().to_string(),
            origin: Snapshot::zero(now),
            last_sample: now,
            os: os_description(),
            python_version,
            config,
            machine,
            meminfo,
            tree,
            allocation,
            sources: parts
                .sources
                .into_iter()
                .map(|part| Active {
                    part,
                    energy: Joules::ZERO,
                    machine_energy: None,
                    failing: false,
                })
                .collect(),
            place,
            providers,
            outputs,
            utilisation: Utilisation::default(),
            emissions: KgCo2eq::ZERO,
            energy_covered: KilowattHours::ZERO,
            tasks: Vec::new(),
            lent,
            clock: LocalClock::default(),
            unsettled_warned: false,
        };
        run.sample();
        Ok(run)
    }
}

/// Starts the place thread and one worker per output; on error, what the user lent comes back
/// (but an output whose thread could not start, which went with it).
fn start_threads(
    place: PlaceInputs,
    sinks: Vec<SinkPart>,
) -> Result<(Place, Vec<Outlet>), (std::io::Error, Explicit)> {
    let providers = place.explicit.clone();
    let place = match Place::start(place) {
        Ok(place) => place,
        Err(e) => {
            let back = Explicit {
                intensity: providers,
                sinks: sinks
                    .into_iter()
                    .filter(|s| s.explicit)
                    .map(|s| s.sink)
                    .collect(),
                ..Explicit::default()
            };
            return Err((e, back));
        }
    };
    let mut outputs = Vec::new();
    let mut parts = sinks.into_iter();
    while let Some(part) = parts.next() {
        match Outlet::start(part) {
            Ok(outlet) => outputs.push(outlet),
            Err(e) => {
                place.end(PLACE_END_LIMIT);
                let mut back = Explicit {
                    intensity: providers,
                    ..Explicit::default()
                };
                // The workers already started end once told to: give them a moment.
                let soon = Instant::now() + Duration::from_secs(1);
                back.sinks
                    .extend(outputs.into_iter().filter_map(|o| o.end(soon)));
                back.sinks
                    .extend(parts.filter(|s| s.explicit).map(|s| s.sink));
                return Err((e, back));
            }
        }
    }
    Ok((place, outputs))
}

fn explicit_sources(sources: Vec<SourcePart>) -> Vec<Box<dyn codecarbon_core::PowerSource>> {
    sources
        .into_iter()
        .filter(|s| s.explicit)
        .map(|s| s.source)
        .collect()
}
