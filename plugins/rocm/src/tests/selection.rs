//! Which GPUs are tracked: `gpu_ids`, the visible-devices variables, or all.

use super::{config_with, no_env};
use crate::{build_with, parse_list, select, DeviceId, DeviceRef, MockGpu, MockSmi, RocmError};
use codecarbon_core::{Config, PowerSource};

fn ids(n: u32) -> Vec<DeviceId> {
    (0..n)
        .map(|index| DeviceId {
            index,
            uuid: Some(format!("{:016x}", 0x1000_0000_0000_0000 + u64::from(index))),
        })
        .collect()
}

#[test]
fn lists_take_indices_uuids_brackets_and_quotes() {
    assert_eq!(
        parse_list("['0', 3], GPU-10000000000000a2,,"),
        [
            DeviceRef::Index(0),
            DeviceRef::Index(3),
            DeviceRef::Uuid("10000000000000a2".into())
        ]
    );
}

#[test]
fn all_devices_without_gpu_ids_or_environment() {
    let s = select(None, &no_env, &ids(3));
    assert_eq!(s.indices, [0, 1, 2]);
    assert_eq!(s.by, None);
    assert_eq!(select(Some("  "), &no_env, &ids(2)).indices, [0, 1]);
}

#[test]
fn gpu_ids_win_over_the_environment_and_unknown_entries_are_noted() {
    let env = |v: &str| (v == "ROCR_VISIBLE_DEVICES").then(|| "0".to_string());
    let s = select(Some("2, 0, 2, 7, GPU-1000000000000001"), &env, &ids(3));
    assert_eq!(s.indices, [2, 0, 1]);
    assert_eq!(s.by.as_deref(), Some("gpu_ids"));
    assert_eq!(s.notes.len(), 1);
    assert!(s.notes[0].contains("entry 7"), "{:?}", s.notes);
}

#[test]
fn uuids_match_by_unique_prefix() {
    let s = select(Some("GPU-1000000000000002"), &no_env, &ids(3));
    assert_eq!(s.indices, [2]);
    let ambiguous = select(Some("gpu-10000"), &no_env, &ids(3));
    assert!(ambiguous.indices.is_empty());
    assert!(ambiguous.notes[0].contains("several"));
}

#[test]
fn rocr_then_hip_visible_devices_within_it() {
    let rocr = |v: &str| (v == "ROCR_VISIBLE_DEVICES").then(|| "1,3".to_string());
    assert_eq!(select(None, &rocr, &ids(4)).indices, [1, 3]);
    let hip = |v: &str| (v == "HIP_VISIBLE_DEVICES").then(|| "2".to_string());
    assert_eq!(select(None, &hip, &ids(4)).indices, [2]);
    let both = |v: &str| match v {
        "ROCR_VISIBLE_DEVICES" => Some("1,3".to_string()),
        "HIP_VISIBLE_DEVICES" => Some("1".to_string()),
        _ => None,
    };
    let s = select(None, &both, &ids(4));
    assert_eq!(
        s.indices,
        [3],
        "HIP's index 1 is the second GPU ROCr left visible"
    );
    assert_eq!(
        s.by.as_deref(),
        Some("ROCR_VISIBLE_DEVICES and HIP_VISIBLE_DEVICES")
    );
}

#[test]
fn an_empty_visible_devices_variable_hides_every_gpu() {
    let empty = |v: &str| (v == "ROCR_VISIBLE_DEVICES").then(String::new);
    let s = select(None, &empty, &ids(2));
    assert!(s.indices.is_empty());
    assert!(s.notes[0].contains("set but empty"));
}

#[test]
fn the_build_tracks_only_the_selection_and_says_what_chose_it() {
    let smi = MockSmi::new(vec![
        MockGpu::new("A").unique_id(0xaaaa_0000_0000_0001),
        MockGpu::new("B").unique_id(0xbbbb_0000_0000_0002),
    ]);
    let env = |v: &str| (v == "HIP_VISIBLE_DEVICES").then(|| "GPU-bbbb".to_string());
    let source = build_with(&Config::default(), Box::new(smi.clone()), &env).unwrap();
    assert_eq!(source.devices().len(), 1);
    assert_eq!(source.devices()[0].index, 1);
    assert!(source
        .info()
        .detail
        .contains("chosen by HIP_VISIBLE_DEVICES"));

    let config = config_with("gpu_ids", "5");
    let err = build_with(&config, Box::new(smi), &no_env).unwrap_err();
    assert!(matches!(err, RocmError::NoneSelected { .. }));
    let text = err.to_string();
    assert!(
        text.contains("gpu_ids entry 5") && text.contains("2 AMD GPUs seen"),
        "{text}"
    );
}
