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

/// `{"cpu": {"method", "source"}, ..., "intensity": {"source", "year", "g_per_kwh"}}`.
struct ProvenanceJson<'a>(&'a Provenance);

#[derive(Serialize)]
struct ComponentJson {
    method: Method,
    source: String,
}

#[derive(Serialize)]
struct IntensityJson<'a> {
    source: &'a str,
    year: Option<i32>,
    g_per_kwh: f64,
}

impl Serialize for ProvenanceJson<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut map = s.serialize_map(None)?;
        for component in Component::ALL {
            if let Some(entry) = component_entry(self.0, component) {
                map.serialize_entry(component.name(), &entry)?;
            }
        }
        let intensity = self.0.intensity.as_ref().map(|i| IntensityJson {
            source: &i.source,
            year: i.year,
            g_per_kwh: i.value.value(),
        });
        map.serialize_entry("intensity", &intensity)?;
        map.end()
    }
}

/// One entry per component; several sources for one component (rare) are joined with `+`,
/// and the entry is `measured` only if all of them are.
fn component_entry(p: &Provenance, component: Component) -> Option<ComponentJson> {
    let parts: Vec<_> = p
        .components
        .iter()
        .filter(|c| c.component == component)
        .collect();
    if parts.is_empty() {
        return None;
    }
    let all_measured = parts.iter().all(|c| c.method == Method::Measured);
    Some(ComponentJson {
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
        provenance: ProvenanceJson(provenance),
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
        let p = Provenance {
            components: vec![
                ComponentProvenance {
                    component: Component::Gpu,
                    method: Method::Measured,
                    source: "nvml".into(),
                },
                ComponentProvenance {
                    component: Component::Gpu,
                    method: Method::Estimated,
                    source: "tdp".into(),
                },
            ],
            intensity: None,
        };
        let json = serde_json::to_string(&ProvenanceJson(&p)).unwrap();
        assert_eq!(
            json,
            r#"{"gpu":{"method":"estimated","source":"nvml+tdp"},"intensity":null}"#
        );
    }
}
