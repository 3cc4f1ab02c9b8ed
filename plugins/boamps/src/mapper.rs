//! The run's totals as a BoAmps report, filled as CodeCarbon 3.3.2's
//! `output_methods/boamps/mapper.py` fills it, then the user's context over it.
//!
//! From the run: the header's identity (format, `reportId` = run id, `reportDatetime`), one
//! measure (energy, duration, CPU and GPU utilisation), the OS, Python's version when there is
//! a Python, the CPU, GPU and RAM, on premise or in the cloud, and the country and coordinates.
//! Beyond CodeCarbon, which cannot tell them: how the CPU and GPU were measured
//! (`cpuTrackingMode`, `gpuTrackingMode`: the plugins, `rapl`, `nvml`, `tdp`...), the carbon
//! intensity used (`powerSourceCarbonIntensity`), and `measurementDateTime` as the schema
//! means it, when the measure began (CodeCarbon writes when it ended).
//!
//! From the user ([`Context`]): `task` and `quality`, which only they know, and any field of
//! the other sections, which wins over the run's. Their components are merged with the run's
//! by `componentType`, as CodeCarbon merges them.

use crate::context::Context;
use crate::model::{
    number, Environment, Hardware, Header, Infrastructure, Measure, Overlay, Report, Software,
    System,
};
use chrono::{NaiveDateTime, TimeDelta};
use codecarbon_core::{Component, EmissionsData, Provenance};
use std::time::Duration;

/// The BoAmps format version CodeCarbon writes (as BoAmps' own example report does).
pub(crate) const FORMAT_VERSION: &str = "0.1";
/// Where the format is specified.
pub(crate) const FORMAT_SPECIFICATION_URI: &str =
    "https://github.com/Boavizta/BoAmps/tree/main/model";
/// The measuring tool, as CodeCarbon names itself (the `version` says which build).
const MEASUREMENT_METHOD: &str = "codecarbon";
/// Our timestamps (`EmissionsData::timestamp`).
const TIMESTAMP_FORMAT: &str = "%Y-%m-%dT%H:%M:%S";
/// BoAmps' date and time.
const BOAMPS_FORMAT: &str = "%Y-%m-%d %H:%M:%S";

/// The report of the run `report`, with the user's `context`.
pub(crate) fn report(report: &codecarbon_core::Report, context: &Context) -> Report {
    let data = &report.data;
    let user_infrastructure = context.infrastructure.clone().unwrap_or_default();
    Report {
        header: merged(Some(header(data)), &context.header),
        task: context.task.clone(),
        measures: vec![measure(data, &report.provenance)],
        system: merged(system(data), &context.system),
        software: merged(software(data), &context.software),
        infrastructure: Some(infrastructure(data, user_infrastructure)),
        environment: merged(environment(data, &report.provenance), &context.environment),
        quality: context.quality.clone(),
    }
}

/// The run's section with the user's over it; none when neither has one.
fn merged<T: Overlay + Default + Clone>(run: Option<T>, user: &Option<T>) -> Option<T> {
    match user {
        Some(user) => Some(run.unwrap_or_default().overlaid(user.clone())),
        None => run,
    }
}

fn header(data: &EmissionsData) -> Header {
    Header {
        format_version: Some(FORMAT_VERSION.into()),
        format_version_specification_uri: Some(FORMAT_SPECIFICATION_URI.into()),
        report_id: non_empty(&data.run_id),
        report_datetime: boamps_datetime(&data.timestamp),
        ..Header::default()
    }
}

fn measure(data: &EmissionsData, provenance: &Provenance) -> Measure {
    let has_gpu = data.gpu_count > 0;
    Measure {
        measurement_method: MEASUREMENT_METHOD.into(),
        version: non_empty(&data.codecarbon_version),
        cpu_tracking_mode: tracking_mode(provenance, Component::Cpu),
        gpu_tracking_mode: has_gpu
            .then(|| tracking_mode(provenance, Component::Gpu))
            .flatten(),
        average_utilization_cpu: fraction(data.cpu_utilization_percent.value()),
        average_utilization_gpu: has_gpu
            .then(|| fraction(data.gpu_utilization_percent.value()))
            .flatten(),
        power_consumption: data.energy_consumed.value(),
        measurement_duration: Some(data.duration.as_secs_f64()),
        measurement_date_time: began(&data.timestamp, data.duration),
    }
}

/// The plugins that gave `component`'s energy, joined with `+` (as the `json` output joins
/// them): `rapl`, `nvml`, `tdp`...
fn tracking_mode(provenance: &Provenance, component: Component) -> Option<String> {
    let sources: Vec<&str> = provenance
        .components
        .iter()
        .filter(|c| c.component == component)
        .map(|c| c.source.as_str())
        .collect();
    (!sources.is_empty()).then(|| sources.join("+"))
}

/// A utilisation in percent as BoAmps' fraction from 0 to 1, to 4 decimals as CodeCarbon
/// rounds it; none for zero (CodeCarbon leaves out a utilisation it did not see).
fn fraction(percent: f64) -> Option<f64> {
    (percent > 0.0).then(|| ((percent / 100.0).min(1.0) * 1e4).round() / 1e4)
}

fn system(data: &EmissionsData) -> Option<System> {
    non_empty(&data.os).map(|os| System {
        os: Some(os),
        ..System::default()
    })
}

/// Python's version when the tracked work is Python's (the `codecarbon-rs` package); otherwise
/// the language is unknown (the command `codecarbon monitor` runs may be in any), and only the
/// user can give it.
fn software(data: &EmissionsData) -> Option<Software> {
    let version = data.python_version.as_deref().and_then(non_empty)?;
    Some(Software {
        language: Some("python".into()),
        version: Some(version),
    })
}

fn infrastructure(data: &EmissionsData, mut user: Infrastructure) -> Infrastructure {
    let cloud_provider = data.cloud_provider.as_deref().and_then(non_empty);
    // CodeCarbon's rule: `on_cloud` may be false on a public cloud whose region it dropped, so
    // a provider is taken as a sign of the cloud too.
    let on_cloud = data.on_cloud || cloud_provider.is_some();
    let components = merge_components(components(data), user.components.take());
    let run = Infrastructure {
        infra_type: Some(if on_cloud { "publicCloud" } else { "onPremise" }.into()),
        cloud_provider,
        ..Infrastructure::default()
    };
    Infrastructure {
        components: Some(components),
        ..run.overlaid(user)
    }
}

/// The CPU, the GPUs if any, and the RAM.
fn components(data: &EmissionsData) -> Vec<Hardware> {
    let mut components = vec![Hardware {
        component_type: Some("cpu".into()),
        component_name: data.cpu_model.as_deref().and_then(non_empty),
        nb_component: Some(cpu_cores(data.cpu_count)),
        ..Hardware::default()
    }];
    if data.gpu_count > 0 {
        components.push(Hardware {
            component_type: Some("gpu".into()),
            component_name: data.gpu_model.as_deref().and_then(non_empty),
            nb_component: u64::try_from(data.gpu_count).ok(),
            ..Hardware::default()
        });
    }
    let ram = data.ram_total_size.value();
    components.push(Hardware {
        component_type: Some("ram".into()),
        nb_component: Some(1),
        memory_size: (ram > 0.0).then(|| number(ram)).flatten(),
        ..Hardware::default()
    });
    components
}

/// CodeCarbon's count of CPU cores from the logical CPUs: two threads per core, at least one.
fn cpu_cores(logical_cpus: usize) -> u64 {
    u64::try_from(logical_cpus / 2).unwrap_or(u64::MAX).max(1)
}

/// The user's components, each filled in from the run's of its type; then the run's of the
/// types the user did not give.
fn merge_components(run: Vec<Hardware>, user: Option<Vec<Hardware>>) -> Vec<Hardware> {
    let Some(user) = user else {
        return run;
    };
    let run_of = |kind: &Option<String>| {
        run.iter()
            .find(|r| kind.is_some() && r.component_type == *kind)
    };
    let mut merged: Vec<Hardware> = user
        .iter()
        .map(|u| match run_of(&u.component_type) {
            Some(r) => r.clone().overlaid(u.clone()),
            None => u.clone(),
        })
        .collect();
    merged.extend(
        run.iter()
            .filter(|r| !user.iter().any(|u| u.component_type == r.component_type))
            .cloned(),
    );
    merged
}

fn environment(data: &EmissionsData, provenance: &Provenance) -> Option<Environment> {
    let environment = Environment {
        country: data.country_name.as_deref().and_then(non_empty),
        latitude: data.latitude.and_then(number),
        longitude: data.longitude.and_then(number),
        power_source_carbon_intensity: provenance
            .intensity
            .as_ref()
            .and_then(|i| number(i.value.value())),
        ..Environment::default()
    };
    (environment != Environment::default()).then_some(environment)
}

/// Our timestamp in BoAmps' format (`2025-01-02 03:04:05`), as CodeCarbon writes it.
fn boamps_datetime(timestamp: &str) -> Option<String> {
    non_empty(timestamp).map(|t| t.replacen('T', " ", 1))
}

/// When the measure began: the record's timestamp (its end) less its duration, to the second.
fn began(timestamp: &str, duration: Duration) -> Option<String> {
    let end = NaiveDateTime::parse_from_str(timestamp, TIMESTAMP_FORMAT).ok()?;
    let rounded = duration.as_secs() + u64::from(duration.subsec_millis() >= 500);
    let start = end.checked_sub_signed(TimeDelta::try_seconds(i64::try_from(rounded).ok()?)?)?;
    Some(start.format(BOAMPS_FORMAT).to_string())
}

fn non_empty(text: &str) -> Option<String> {
    let text = text.trim();
    (!text.is_empty()).then(|| text.to_owned())
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::panic)]
    use super::*;
    use codecarbon_core::{
        ComponentProvenance, Gigabytes, GramsPerKwh, Intensity, IntensityBasis, KilowattHours,
        Method, Percent,
    };
    use serde_json::{json, Value};

    fn run() -> codecarbon_core::Report {
        let mut data = EmissionsData::default();
        data.timestamp = "2025-01-02T03:04:05".into();
        data.run_id = "run-1".into();
        data.duration = Duration::from_secs_f64(125.6);
        data.energy_consumed = KilowattHours(0.0123);
        data.country_name = Some("France".into());
        data.os = "Linux-6.1-x86_64".into();
        data.codecarbon_version = "0.1.0".into();
        data.cpu_count = 16;
        data.cpu_model = Some("AMD EPYC 7R13".into());
        data.ram_total_size = Gigabytes(64.0);
        data.cpu_utilization_percent = Percent(42.123_456);
        data.gpu_utilization_percent = Percent(80.0);
        let provenance = Provenance::new(vec![
            ComponentProvenance::new(Component::Cpu, Method::Measured, "rapl"),
            ComponentProvenance::new(Component::Ram, Method::Estimated, "tdp"),
        ])
        .with_intensity(Intensity::new(
            GramsPerKwh(56.0),
            "Our World in Data",
            IntensityBasis::Country,
        ));
        codecarbon_core::Report::new(data, provenance)
    }

    fn json_of(report: &Report) -> Value {
        serde_json::to_value(report).unwrap()
    }

    #[test]
    fn the_run_fills_what_codecarbon_fills_and_what_it_cannot_tell() {
        let report = json_of(&report(&run(), &Context::default()));
        assert_eq!(
            report,
            json!({
                "header": {
                    "formatVersion": "0.1",
                    "formatVersionSpecificationUri": "https://github.com/Boavizta/BoAmps/tree/main/model",
                    "reportId": "run-1",
                    "reportDatetime": "2025-01-02 03:04:05",
                },
                "measures": [{
                    "measurementMethod": "codecarbon",
                    "version": "0.1.0",
                    "cpuTrackingMode": "rapl",
                    "averageUtilizationCpu": 0.4212,
                    "powerConsumption": 0.0123,
                    "measurementDuration": 125.6,
                    "measurementDateTime": "2025-01-02 03:01:59",
                }],
                "system": {"os": "Linux-6.1-x86_64"},
                "infrastructure": {
                    "infraType": "onPremise",
                    "components": [
                        {"componentName": "AMD EPYC 7R13", "componentType": "cpu", "nbComponent": 8},
                        {"componentType": "ram", "nbComponent": 1, "memorySize": 64.0},
                    ],
                },
                "environment": {"country": "France", "powerSourceCarbonIntensity": 56.0},
            })
        );
    }

    #[test]
    fn gpus_python_and_the_cloud_appear_when_the_run_has_them() {
        let mut run = run();
        run.data.gpu_count = 2;
        run.data.gpu_model = Some("2 x NVIDIA H100".into());
        run.data.python_version = Some("3.12.1".into());
        run.data.cloud_provider = Some("aws".into());
        run.data.latitude = Some(48.85);
        run.data.longitude = Some(2.35);
        run.provenance.components.push(ComponentProvenance::new(
            Component::Gpu,
            Method::Measured,
            "nvml",
        ));
        let report = json_of(&report(&run, &Context::default()));
        let measure = &report["measures"][0];
        assert_eq!(measure["gpuTrackingMode"], "nvml");
        assert_eq!(measure["averageUtilizationGpu"], 0.8);
        assert_eq!(
            report["infrastructure"]["components"][1],
            json!({"componentName": "2 x NVIDIA H100", "componentType": "gpu", "nbComponent": 2})
        );
        assert_eq!(report["infrastructure"]["infraType"], "publicCloud");
        assert_eq!(report["infrastructure"]["cloudProvider"], "aws");
        assert_eq!(
            report["software"],
            json!({"language": "python", "version": "3.12.1"})
        );
        assert_eq!(report["environment"]["latitude"], 48.85);
        assert_eq!(report["environment"]["longitude"], 2.35);
    }

    #[test]
    fn without_a_gpu_there_is_no_gpu_utilisation_nor_mode() {
        let mut run = run();
        run.provenance.components.push(ComponentProvenance::new(
            Component::Gpu,
            Method::Measured,
            "nvml",
        ));
        let report = json_of(&report(&run, &Context::default()));
        let measure = report["measures"][0].as_object().unwrap();
        assert!(!measure.contains_key("gpuTrackingMode"), "{measure:?}");
        assert!(
            !measure.contains_key("averageUtilizationGpu"),
            "{measure:?}"
        );
    }

    #[test]
    fn utilisation_is_a_fraction_of_one_and_zero_is_left_out() {
        assert_eq!(fraction(0.0), None);
        assert_eq!(fraction(50.0), Some(0.5));
        assert_eq!(fraction(12.345_67), Some(0.1235));
        assert_eq!(fraction(250.0), Some(1.0), "the schema's maximum");
    }

    #[test]
    fn cpu_cores_are_half_the_logical_cpus_and_at_least_one() {
        assert_eq!([0, 1, 2, 3, 16].map(cpu_cores), [1, 1, 1, 1, 8]);
    }

    #[test]
    fn the_measure_began_its_duration_before_the_timestamp() {
        let at = |secs: f64| began("2025-03-01T00:00:10", Duration::from_secs_f64(secs));
        assert_eq!(at(0.2).as_deref(), Some("2025-03-01 00:00:10"));
        assert_eq!(at(0.6).as_deref(), Some("2025-03-01 00:00:09"));
        assert_eq!(at(11.0).as_deref(), Some("2025-02-28 23:59:59"));
        assert_eq!(began("not a time", Duration::ZERO), None);
    }

    #[test]
    fn the_users_fields_win_and_their_components_are_filled_by_type() {
        let context: Context = serde_json::from_value(json!({
            "header": {"reportStatus": "final", "reportId": "mine", "publisher": {"confidentialityLevel": "public"}},
            "quality": "high",
            "system": {"distribution": "debian"},
            "software": {"language": "rust", "version": "1.89"},
            "infrastructure": {
                "infraType": "privateCloud",
                "cloudInstance": "a1.large",
                "components": [
                    {"componentType": "cpu", "manufacturer": "amd", "nbComponent": 2},
                    {"componentType": "tpu", "nbComponent": 4},
                ],
            },
            "environment": {"powerSource": "nuclear", "country": "Belgium"},
        }))
        .unwrap();
        let report = json_of(&report(&run(), &context));
        assert_eq!(report["header"]["reportStatus"], "final");
        assert_eq!(report["header"]["reportId"], "mine");
        assert_eq!(report["header"]["formatVersion"], "0.1");
        assert_eq!(
            report["header"]["publisher"]["confidentialityLevel"],
            "public"
        );
        assert_eq!(report["quality"], "high");
        assert_eq!(
            report["system"],
            json!({"os": "Linux-6.1-x86_64", "distribution": "debian"})
        );
        assert_eq!(
            report["software"],
            json!({"language": "rust", "version": "1.89"})
        );
        assert_eq!(
            report["infrastructure"],
            json!({
                "infraType": "privateCloud",
                "cloudInstance": "a1.large",
                "components": [
                    {"componentName": "AMD EPYC 7R13", "componentType": "cpu", "nbComponent": 2, "manufacturer": "amd"},
                    {"componentType": "tpu", "nbComponent": 4},
                    {"componentType": "ram", "nbComponent": 1, "memorySize": 64.0},
                ],
            })
        );
        assert_eq!(
            report["environment"],
            json!({"country": "Belgium", "powerSource": "nuclear", "powerSourceCarbonIntensity": 56.0})
        );
    }

    #[test]
    fn an_empty_run_leaves_out_what_it_does_not_know() {
        let report = json_of(&report(
            &codecarbon_core::Report::new(EmissionsData::default(), Provenance::default()),
            &Context::default(),
        ));
        let object = report.as_object().unwrap();
        assert_eq!(
            object.keys().collect::<Vec<_>>(),
            ["header", "infrastructure", "measures"],
            "(in the map's order)"
        );
        assert_eq!(
            report["header"],
            json!({"formatVersion": "0.1", "formatVersionSpecificationUri": FORMAT_SPECIFICATION_URI})
        );
        assert_eq!(
            report["measures"][0],
            json!({"measurementMethod": "codecarbon", "powerConsumption": 0.0, "measurementDuration": 0.0})
        );
    }
}
