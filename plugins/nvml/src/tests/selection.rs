//! Device selection: gpu_ids, CUDA_VISIBLE_DEVICES (indices, GPU and MIG UUIDs), all.

use super::{cuda, env};
use crate::mock::{MockDevice, MockNvml};
use crate::plugin::{build_with, probe_with};
use crate::selection::{request, select, DeviceId, Request};
use crate::source::NvmlSource;
use crate::Environment;
use codecarbon_core::{BuildError, Config, PowerSource, Probe};

fn three() -> MockNvml {
    MockNvml::new(vec![
        MockDevice::new("NVIDIA A100", "GPU-11111111-aaaa").mig(&["MIG-9999aaaa", "MIG-9999bbbb"]),
        MockDevice::new("NVIDIA A100", "GPU-22222222-bbbb"),
        MockDevice::new("Tesla T4", "GPU-33333333-cccc"),
    ])
}

fn chosen(config: &Config, env: &Environment) -> Vec<u32> {
    let nvml = three();
    let s: NvmlSource = build_with(config, env, &nvml.loader()).unwrap();
    s.gpus().iter().map(|g| g.index()).collect()
}

fn gpu_ids(value: &str) -> Config {
    let mut c = Config::default();
    c.set("gpu_ids", value, "test").unwrap();
    c
}

#[test]
fn all_gpus_without_a_setting() {
    assert_eq!(chosen(&Config::default(), &env()), [0, 1, 2]);
}

#[test]
fn cuda_visible_devices_by_index() {
    assert_eq!(chosen(&Config::default(), &cuda("2,0")), [2, 0]);
    assert_eq!(chosen(&Config::default(), &cuda(" 1 ")), [1]);
    assert_eq!(chosen(&Config::default(), &cuda("1,1")), [1]);
}

#[test]
fn cuda_visible_devices_by_gpu_uuid_and_prefix() {
    assert_eq!(chosen(&Config::default(), &cuda("GPU-22222222-bbbb")), [1]);
    assert_eq!(chosen(&Config::default(), &cuda("gpu-3333,GPU-1")), [2, 0]);
}

#[test]
fn cuda_visible_devices_by_mig_uuid_selects_the_physical_gpu() {
    let nvml = three();
    let s = build_with(&Config::default(), &cuda("MIG-9999bbbb"), &nvml.loader()).unwrap();
    assert_eq!(s.gpus().len(), 1);
    let detail = s.info().detail;
    assert!(detail.contains("GPU 0 NVIDIA A100"), "{detail}");
    assert!(
        detail.contains("MIG-9999bbbb is a MIG instance of GPU 0: the whole GPU's energy"),
        "{detail}"
    );
    // Two instances of one GPU count it once; the older MIG-GPU-<uuid>/gi/ci form works too.
    assert_eq!(
        chosen(&Config::default(), &cuda("MIG-9999aaaa,MIG-9999bbbb")),
        [0]
    );
    assert_eq!(
        chosen(&Config::default(), &cuda("MIG-GPU-22222222-bbbb/1/0")),
        [1]
    );
}

#[test]
fn cuda_stops_at_the_first_entry_that_names_no_gpu() {
    let nvml = three();
    let s = build_with(&Config::default(), &cuda("1,7,0"), &nvml.loader()).unwrap();
    assert_eq!(s.gpus().len(), 1);
    assert!(s.info().detail.contains("entry \"7\" names no GPU"));
    for hidden in ["-1", "", "  ", "NoDevFiles"] {
        let probe = probe_with(&Config::default(), &cuda(hidden), &nvml.loader());
        assert!(
            matches!(probe, Probe::Unavailable(_)),
            "{hidden:?}: {probe:?}"
        );
    }
    let Probe::Unavailable(why) = probe_with(&Config::default(), &cuda(""), &nvml.loader()) else {
        panic!()
    };
    assert_eq!(
        why,
        "CUDA_VISIBLE_DEVICES is set and empty: no GPU is visible to this process"
    );
}

#[test]
fn gpu_ids_override_cuda_visible_devices() {
    assert_eq!(chosen(&gpu_ids("2"), &cuda("0")), [2]);
    assert_eq!(chosen(&gpu_ids("[0, 'GPU-2222']"), &cuda("")), [0, 1]);
    assert_eq!(
        chosen(&gpu_ids("33333333-c"), &cuda("0")),
        [2],
        "bare UUID prefix"
    );
    // A blank gpu_ids is no setting.
    assert_eq!(chosen(&gpu_ids(" "), &cuda("1")), [1]);
}

#[test]
fn a_gpu_ids_entry_that_names_no_gpu_or_several_is_an_error_to_fix() {
    let nvml = three();
    for (value, says) in [
        ("5", "matches no GPU"),
        ("GPU-4", "matches no GPU"),
        ("GPU-", "is ambiguous"),
    ] {
        let config = gpu_ids(value);
        assert_eq!(
            probe_with(&config, &env(), &nvml.loader()),
            Probe::Available
        );
        match build_with(&config, &env(), &nvml.loader()) {
            Err(BuildError::Invalid { plugin, message }) => {
                assert_eq!(plugin, "nvml");
                assert!(message.contains(says), "{value}: {message}");
            }
            other => panic!("{value}: {:?}", other.map(|s| s.info())),
        }
    }
}

#[test]
fn the_request_prefers_gpu_ids_then_cuda() {
    assert_eq!(request(Some("1"), Some("0")), Request::GpuIds("1"));
    assert_eq!(
        request(Some(""), Some("0")),
        Request::CudaVisibleDevices("0")
    );
    assert_eq!(request(None, None), Request::All);
    let ids = [DeviceId {
        index: 0,
        uuid: "GPU-abc".into(),
        mig: vec![],
    }];
    let s = select(&ids, &Request::All).unwrap();
    assert_eq!((s.indices, s.origin.as_str()), (vec![0], "all GPUs"));
}
