//! Which GPUs are tracked: those of `gpu_ids`; else those visible through
//! `ROCR_VISIBLE_DEVICES`, then `HIP_VISIBLE_DEVICES` within them (as the ROCm runtime applies
//! them); else all.
//!
//! Each list is comma-separated; an entry is an index into the devices seen at that stage, or a
//! UUID (`GPU-` and [`Smi::uuid`](crate::Smi::uuid): ROCm SMI's unique id in hex, or AMD SMI's
//! UUID; a unique prefix is enough).

/// One entry of a device list.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DeviceRef {
    /// A position in the devices seen at that stage.
    Index(usize),
    /// A UUID or the start of one, lower case, without `GPU-`.
    Uuid(String),
}

/// Parses a list such as `0,1`, `[0, 1]`, `GPU-5e8f…,2` or `'0','1'`; empty entries are skipped.
///
/// ```
/// use codecarbon_rocm::{parse_list, DeviceRef};
/// assert_eq!(parse_list("[0, 2]"), [DeviceRef::Index(0), DeviceRef::Index(2)]);
/// assert_eq!(parse_list("GPU-AB12"), [DeviceRef::Uuid("ab12".into())]);
/// assert!(parse_list(" ").is_empty());
/// ```
pub fn parse_list(text: &str) -> Vec<DeviceRef> {
    text.split(',')
        .map(|e| e.trim_matches(|c: char| c.is_whitespace() || "[]()'\"".contains(c)))
        .filter(|e| !e.is_empty())
        .map(|e| match e.parse::<usize>() {
            Ok(i) => DeviceRef::Index(i),
            Err(_) => {
                let lower = e.to_ascii_lowercase();
                DeviceRef::Uuid(lower.strip_prefix("gpu-").unwrap_or(&lower).to_string())
            }
        })
        .collect()
}

/// What the library says of one device, for matching.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DeviceId {
    /// The library's index.
    pub index: u32,
    /// Its UUID, lower case and without `GPU-`, when the library gives one.
    pub uuid: Option<String>,
}

/// The devices to track and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Selection {
    /// The library's indices, in the order asked, without repeats.
    pub indices: Vec<u32>,
    /// What chose them (`gpu_ids`, `ROCR_VISIBLE_DEVICES`, ...); `None` for all devices.
    pub by: Option<String>,
    /// Entries that matched nothing, for the detail line.
    pub notes: Vec<String>,
}

/// The devices among `devices` (every device the library monitors, in index order) that
/// `gpu_ids` or the environment (read through `env`) select.
pub fn select(
    gpu_ids: Option<&str>,
    env: &dyn Fn(&str) -> Option<String>,
    devices: &[DeviceId],
) -> Selection {
    let mut notes = Vec::new();
    if let Some(ids) = gpu_ids.filter(|s| !s.trim().is_empty()) {
        let chosen = resolve(
            &parse_list(ids),
            devices,
            codecarbon_core::config::key::gpu_ids,
            &mut notes,
        );
        return finish(
            chosen,
            Some(codecarbon_core::config::key::gpu_ids.into()),
            notes,
        );
    }
    let mut seen = devices.to_vec();
    let mut by = Vec::new();
    for var in ["ROCR_VISIBLE_DEVICES", "HIP_VISIBLE_DEVICES"] {
        let Some(value) = env(var) else { continue };
        let list = parse_list(&value);
        if list.is_empty() {
            notes.push(format!(
                "{var} is set but empty, so no GPU is visible to this program; unset it to track all"
            ));
        }
        seen = resolve(&list, &seen, var, &mut notes);
        by.push(var);
    }
    let by = (!by.is_empty()).then(|| by.join(" and "));
    finish(seen, by, notes)
}

fn finish(chosen: Vec<DeviceId>, by: Option<String>, notes: Vec<String>) -> Selection {
    let mut indices: Vec<u32> = Vec::new();
    for d in chosen {
        if !indices.contains(&d.index) {
            indices.push(d.index);
        }
    }
    Selection { indices, by, notes }
}

/// The devices of `among` that `list` names; what matches nothing goes to `notes`.
fn resolve(
    list: &[DeviceRef],
    among: &[DeviceId],
    what: &str,
    notes: &mut Vec<String>,
) -> Vec<DeviceId> {
    let mut chosen = Vec::new();
    for entry in list {
        match entry {
            DeviceRef::Index(i) => match among.get(*i) {
                Some(d) => chosen.push(d.clone()),
                None => notes.push(format!(
                    "{what} entry {i} is not among the {} AMD GPUs seen, ignored",
                    among.len()
                )),
            },
            DeviceRef::Uuid(prefix) => {
                let matches: Vec<&DeviceId> = among
                    .iter()
                    .filter(|d| {
                        d.uuid
                            .as_deref()
                            .is_some_and(|uuid| uuid.starts_with(prefix.as_str()))
                    })
                    .collect();
                match matches.as_slice() {
                    [one] => chosen.push((*one).clone()),
                    [] => notes.push(format!(
                        "{what} entry GPU-{prefix} matches no AMD GPU, ignored"
                    )),
                    _ => notes.push(format!(
                        "{what} entry GPU-{prefix} matches several AMD GPUs, ignored; give more \
                         of the UUID"
                    )),
                }
            }
        }
    }
    chosen
}
