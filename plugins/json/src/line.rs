//! One JSON line: the 38 fields of `EmissionsData`, in order, then `provenance`.

use codecarbon_core::{Component, EmissionsData, Method, Provenance};
use serde::ser::{SerializeMap, Serializer};
use serde::Serialize;

/// What one line holds.
#[derive(Serialize)]
struct Line<'a> {
    #[serde(flatten)]
    data: &'a EmissionsData,
    provenance: ProvenanceJson<'a>,
}

/// `{"cpu": {"method", "source"}, ..., "intensity": {"basis", "source", "year", "g_per_kwh"},
/// "allocation": {"cpus", "cpus_from", "machine_cpus", "ram_gb", "ram_from", "machine_ram_gb"}}`
/// (`basis`: which step of the intensity chain gave the figure: `forced`, `cloud_region`,
/// `live`, `region`, `country`, `world_average` or `custom`; `cpus_from` and `ram_from`: who
/// set the `cpu_count` and `ram_total_size` figures: `machine`, `cgroup <dir>` or
/// `slurm job <id>`); a component whose energy is the tracked tree's share of a machine
/// measurement also carries `machine_energy_kwh` and `unattributed_kwh`.
struct ProvenanceJson<'a>(&'a Provenance, &'a EmissionsData);

#[derive(Serialize)]
struct ComponentJson {
    method: Method,
    source: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    machine_energy_kwh: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    unattributed_kwh: Option<f64>,
}

#[derive(Serialize)]
struct AllocationJson {
    cpus: usize,
    cpus_from: String,
    machine_cpus: usize,
    ram_gb: f64,
    ram_from: String,
    machine_ram_gb: f64,
}

#[derive(Serialize)]
struct IntensityJson<'a> {
    basis: &'static str,
    source: &'a str,
    year: Option<i32>,
    g_per_kwh: f64,
}

impl Serialize for ProvenanceJson<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut map = s.serialize_map(None)?;
        for component in Component::ALL {
            let tracked = match component {
                Component::Cpu => self.1.cpu_energy,
                Component::Gpu => self.1.gpu_energy,
                Component::Ram => self.1.ram_energy,
                // A component the record has no column for yet.
                _ => codecarbon_core::KilowattHours::ZERO,
            };
            if let Some(entry) = component_entry(self.0, component, tracked.value()) {
                map.serialize_entry(component.name(), &entry)?;
            }
        }
        let intensity = self.0.intensity.as_ref().map(|i| IntensityJson {
            basis: i.basis.as_str(),
            source: &i.source,
            year: i.year,
            g_per_kwh: i.value.value(),
        });
        map.serialize_entry("intensity", &intensity)?;
        if let Some(a) = &self.0.allocation {
            let allocation = AllocationJson {
                cpus: a.cpus,
                cpus_from: a.cpus_from.to_string(),
                machine_cpus: a.machine_cpus,
                ram_gb: a.memory.value(),
                ram_from: a.memory_from.to_string(),
                machine_ram_gb: a.machine_memory.value(),
            };
            map.serialize_entry("allocation", &allocation)?;
        }
        map.end()
    }
}

/// One entry per component; several sources for one component (rare) are joined with `+`,
/// and the entry is `measured` only if all of them are.
fn component_entry(
    p: &Provenance,
    component: Component,
    tracked_kwh: f64,
) -> Option<ComponentJson> {
    let parts: Vec<_> = p
        .components
        .iter()
        .filter(|c| c.component == component)
        .collect();
    if parts.is_empty() {
        return None;
    }
    let all_measured = parts.iter().all(|c| c.method == Method::Measured);
    let machine: Option<f64> = parts
        .iter()
        .filter_map(|c| c.machine_energy)
        .map(|e| e.value())
        .reduce(|a, b| a + b);
    Some(ComponentJson {
        machine_energy_kwh: machine,
        unattributed_kwh: machine.map(|m| (m - tracked_kwh).max(0.0)),
        method: if all_measured {
            Method::Measured
        } else {
            Method::Estimated
        },
        source: parts
            .iter()
            .map(|c| c.source.as_str())
            .collect::<Vec<_>>()
            .join("+"),
    })
}

/// The line for a record, ending with `\n`.
pub(crate) fn encode(data: &EmissionsData, provenance: &Provenance) -> serde_json::Result<Vec<u8>> {
    let mut bytes = serde_json::to_vec(&Line {
        data,
        provenance: ProvenanceJson(provenance, data),
    })?;
    bytes.push(b'\n');
    Ok(bytes)
}

#[cfg(test)]
mod tests {
    use super::*;
    use codecarbon_core::ComponentProvenance;

    #[test]
    fn merges_several_sources_of_one_component() {
        let p = Provenance::new(vec![
            ComponentProvenance::new(Component::Gpu, Method::Measured, "nvml"),
            ComponentProvenance::new(Component::Gpu, Method::Estimated, "tdp"),
        ]);
        let json = serde_json::to_string(&ProvenanceJson(&p, &EmissionsData::default())).unwrap();
        assert_eq!(
            json,
            r#"{"gpu":{"method":"estimated","source":"nvml+tdp"},"intensity":null}"#
        );
    }

    #[test]
    fn the_allocation_says_who_set_each_figure() {
        use codecarbon_core::{AllocatedBy, Allocation, Gigabytes};
        let job = Allocation::machine(64, Gigabytes(256.0))
            .with_cpus(4, AllocatedBy::Slurm("4242".into()))
            .with_memory(
                Gigabytes(16.0),
                AllocatedBy::Cgroup("/sys/fs/cgroup/job_4242".into()),
            );
        let p = Provenance::new(Vec::new()).with_allocation(job);
        let json = serde_json::to_string(&ProvenanceJson(&p, &EmissionsData::default())).unwrap();
        assert_eq!(
            json,
            r#"{"intensity":null,"allocation":{"cpus":4,"cpus_from":"slurm job 4242","machine_cpus":64,"ram_gb":16.0,"ram_from":"cgroup /sys/fs/cgroup/job_4242","machine_ram_gb":256.0}}"#
        );
    }

    #[test]
    fn an_attributed_share_shows_the_machine_total_and_the_rest() {
        let p = Provenance::new(vec![ComponentProvenance::new(
            Component::Cpu,
            Method::Measured,
            "rapl",
        )
        .with_machine_energy(codecarbon_core::KilowattHours(0.75))]);
        let mut data = EmissionsData::default();
        data.cpu_energy = codecarbon_core::KilowattHours(0.25);
        let json = serde_json::to_string(&ProvenanceJson(&p, &data)).unwrap();
        assert_eq!(
            json,
            r#"{"cpu":{"method":"measured","source":"rapl","machine_energy_kwh":0.75,"unattributed_kwh":0.5},"intensity":null}"#
        );
    }
}
