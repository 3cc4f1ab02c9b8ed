//! Which GPUs to measure: `gpu_ids`, else `CUDA_VISIBLE_DEVICES`, else all.
//!
//! An entry is an NVML index (`0`; an all-digit entry is always an index, as in CodeCarbon), a
//! GPU UUID or a prefix of one (`GPU-5e6f`, or `5e6f` without the `GPU-`), or a MIG instance's UUID (`MIG-…`, or the older `MIG-GPU-<uuid>/1/0`),
//! which selects the physical GPU holding it: energy is only measured per physical GPU.
//! Matching ignores case. `CUDA_VISIBLE_DEVICES` follows CUDA's rule: the devices before the
//! first entry that names none stay visible (so `-1` or an empty value hides every GPU); a bad
//! `gpu_ids` entry is an error to fix.

use crate::error::SelectionError;

/// What the selection knows of one GPU.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DeviceId {
    /// NVML index.
    pub index: u32,
    /// `GPU-…` UUID.
    pub uuid: String,
    /// UUIDs of its MIG instances.
    pub mig: Vec<String>,
}

/// Where the list of GPUs came from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Request<'a> {
    /// The `gpu_ids` setting.
    GpuIds(&'a str),
    /// The `CUDA_VISIBLE_DEVICES` variable.
    CudaVisibleDevices(&'a str),
    /// Neither: every GPU.
    All,
}

/// The chosen GPUs and how they were chosen.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Selection {
    /// NVML indices, each once, in the order asked.
    pub indices: Vec<u32>,
    /// One phrase on the origin (`gpu_ids=0,1`), for the source's detail.
    pub origin: String,
    /// Remarks for people: MIG instances resolved to their GPU, ignored entries.
    pub notes: Vec<String>,
}

/// The request of this configuration: `gpu_ids` when set and not blank, else
/// `CUDA_VISIBLE_DEVICES` when set (even empty), else all.
pub fn request<'a>(gpu_ids: Option<&'a str>, cuda: Option<&'a str>) -> Request<'a> {
    match (gpu_ids.filter(|v| !v.trim().is_empty()), cuda) {
        (Some(ids), _) => Request::GpuIds(ids),
        (None, Some(cuda)) => Request::CudaVisibleDevices(cuda),
        (None, None) => Request::All,
    }
}

/// The GPUs among `devices` that `request` names.
///
/// ```
/// use codecarbon_nvml::{select, DeviceId, Request};
/// let devices = vec![
///     DeviceId { index: 0, uuid: "GPU-aaaa1111".into(), mig: vec![] },
///     DeviceId { index: 1, uuid: "GPU-bbbb2222".into(), mig: vec!["MIG-cccc".into()] },
/// ];
/// let s = select(&devices, &Request::CudaVisibleDevices("MIG-cccc,0")).unwrap();
/// assert_eq!(s.indices, [1, 0]);
/// let s = select(&devices, &Request::GpuIds("bbbb")).unwrap();
/// assert_eq!(s.indices, [1]);
/// ```
pub fn select(devices: &[DeviceId], request: &Request<'_>) -> Result<Selection, SelectionError> {
    let mut selection = Selection {
        indices: Vec::new(),
        origin: String::new(),
        notes: Vec::new(),
    };
    match request {
        Request::All => {
            selection.indices = devices.iter().map(|d| d.index).collect();
            selection.origin = "all GPUs".into();
        }
        Request::GpuIds(ids) => {
            selection.origin = format!("gpu_ids={}", ids.trim());
            for entry in entries(ids) {
                let index = resolve(devices, &entry, &mut selection.notes)?;
                push_once(&mut selection.indices, index);
            }
        }
        Request::CudaVisibleDevices(value) => {
            selection.origin = format!("CUDA_VISIBLE_DEVICES={value}");
            for entry in value.split(',').map(str::trim) {
                match resolve(devices, entry, &mut selection.notes) {
                    Ok(index) => push_once(&mut selection.indices, index),
                    Err(_) => {
                        if !entry.is_empty() && entry != "-1" {
                            selection.notes.push(format!(
                                "CUDA_VISIBLE_DEVICES entry {entry:?} names no GPU: it and the \
                                 entries after it are ignored, as CUDA does"
                            ));
                        }
                        break;
                    }
                }
            }
        }
    }
    Ok(selection)
}

/// `gpu_ids`' entries; brackets and quotes (Python list syntax) are tolerated.
fn entries(ids: &str) -> Vec<String> {
    ids.split(',')
        .map(|e| {
            e.trim_matches(|c: char| c.is_whitespace() || "[]()'\"".contains(c))
                .to_string()
        })
        .filter(|e| !e.is_empty())
        .collect()
}

fn push_once(indices: &mut Vec<u32>, index: u32) {
    if !indices.contains(&index) {
        indices.push(index);
    }
}

/// The NVML index of the physical GPU that `entry` names.
fn resolve(
    devices: &[DeviceId],
    entry: &str,
    notes: &mut Vec<String>,
) -> Result<u32, SelectionError> {
    let no_match = || SelectionError::NoMatch {
        id: entry.to_string(),
        known: known(devices),
    };
    if entry.is_empty() {
        return Err(no_match());
    }
    if entry.bytes().all(|b| b.is_ascii_digit()) {
        let index: u32 = entry.parse().map_err(|_| no_match())?;
        return devices
            .iter()
            .find(|d| d.index == index)
            .map(|d| d.index)
            .ok_or_else(no_match);
    }
    let lower = entry.to_ascii_lowercase();
    let (matches, mig): (Vec<u32>, bool) = if let Some(gpu) = lower.strip_prefix("mig-gpu-") {
        // The older MIG form, MIG-GPU-<gpu uuid>/<gpu instance>/<compute instance>.
        let gpu = gpu.split('/').next().unwrap_or_default();
        (by_gpu_uuid(devices, &format!("gpu-{gpu}")), true)
    } else if lower.starts_with("mig-") {
        let found = devices
            .iter()
            .filter(|d| {
                d.mig
                    .iter()
                    .any(|m| m.to_ascii_lowercase().starts_with(&lower))
            })
            .map(|d| d.index)
            .collect();
        (found, true)
    } else if lower.starts_with("gpu-") {
        (by_gpu_uuid(devices, &lower), false)
    } else {
        (by_gpu_uuid(devices, &format!("gpu-{lower}")), false)
    };
    match matches.as_slice() {
        [] => Err(no_match()),
        [index] => {
            if mig {
                notes.push(format!(
                    "{entry} is a MIG instance of GPU {index}: the whole GPU's energy is measured"
                ));
            }
            Ok(*index)
        }
        several => Err(SelectionError::Ambiguous {
            id: entry.to_string(),
            matches: several
                .iter()
                .map(|i| format!("GPU {i}"))
                .collect::<Vec<_>>()
                .join(", "),
        }),
    }
}

fn by_gpu_uuid(devices: &[DeviceId], prefix: &str) -> Vec<u32> {
    devices
        .iter()
        .filter(|d| d.uuid.to_ascii_lowercase().starts_with(prefix))
        .map(|d| d.index)
        .collect()
}

fn known(devices: &[DeviceId]) -> String {
    if devices.is_empty() {
        return "none".into();
    }
    devices
        .iter()
        .map(|d| format!("{} {}", d.index, d.uuid))
        .collect::<Vec<_>>()
        .join(", ")
}
