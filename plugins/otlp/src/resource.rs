//! The OpenTelemetry resource: who exports, from which machine, for which run.
//!
//! A collector receiving from a fleet (the nodes of a cluster, the pods of a DaemonSet) tells
//! the senders apart by their resource. Its attributes, each key once, a later source winning:
//!
//! 1. `service.name` = `codecarbon`, `service.version`, and `host.name`, the host name;
//! 2. [`ENV_RESOURCE_ATTRIBUTES`] (`key=value,key2=value2`, percent-decoded): what the
//!    deployment knows, such as Kubernetes' `k8s.node.name` or `k8s.pod.name`;
//! 3. [`ENV_SERVICE_NAME`], the service's name;
//! 4. the run: [`PROJECT_NAME`], [`EXPERIMENT_ID`], [`RUN_ID`].
//!
//! The OpenTelemetry SDK's detectors read the process environment themselves, name an unnamed
//! service `unknown_service:…` and leave the values percent-encoded; reading the same two
//! variables here, through the settings' lookup, keeps them under the tests' control and
//! decodes them as the specification asks.

use codecarbon_core::{percent_decode, EmissionsData};

/// `OTEL_SERVICE_NAME`: the service's name, `service.name`; wins over one in
/// [`ENV_RESOURCE_ATTRIBUTES`].
pub const ENV_SERVICE_NAME: &str = "OTEL_SERVICE_NAME";
/// `OTEL_RESOURCE_ATTRIBUTES`: `key=value,key2=value2` added to the resource (keys and values
/// percent-encoded where they hold `,` or `=`).
pub const ENV_RESOURCE_ATTRIBUTES: &str = "OTEL_RESOURCE_ATTRIBUTES";
/// `service.name` when [`ENV_SERVICE_NAME`] does not say.
pub const DEFAULT_SERVICE_NAME: &str = "codecarbon";
/// The resource attribute naming the service.
pub const SERVICE_NAME: &str = "service.name";
/// The resource attribute naming the machine.
pub const HOST_NAME: &str = "host.name";
/// The resource attribute holding the run's `project_name`.
pub const PROJECT_NAME: &str = "codecarbon.project_name";
/// The resource attribute holding the run's `experiment_id`.
pub const EXPERIMENT_ID: &str = "codecarbon.experiment_id";
/// The resource attribute holding the run's `run_id`: one tracker run of one machine.
pub const RUN_ID: &str = "codecarbon.run_id";

/// The attributes of every run's resource (1 to 3 above), from the variables as `lookup`
/// gives them and the machine's `host_name`. An empty variable counts as unset.
pub(crate) fn service_attributes(
    lookup: impl Fn(&str) -> Option<String>,
    host_name: Option<String>,
) -> Vec<(String, String)> {
    let set = |name: &str| lookup(name).filter(|v| !v.trim().is_empty());
    let mut attributes = vec![
        (SERVICE_NAME.to_string(), DEFAULT_SERVICE_NAME.to_string()),
        (
            "service.version".to_string(),
            codecarbon_core::VERSION.to_string(),
        ),
    ];
    attributes.extend(host_name.map(|host| (HOST_NAME.to_string(), host)));
    let pairs = set(ENV_RESOURCE_ATTRIBUTES)
        .as_deref()
        .map(parse_list)
        .unwrap_or_default();
    let service = set(ENV_SERVICE_NAME).map(|name| (SERVICE_NAME.to_string(), name));
    for (key, value) in pairs.into_iter().chain(service) {
        upsert(&mut attributes, key, value);
    }
    attributes
}

/// The run's own attributes (4 above).
pub(crate) fn run_attributes(data: &EmissionsData) -> [(&'static str, String); 3] {
    [
        (PROJECT_NAME, data.project_name.clone()),
        (EXPERIMENT_ID, data.experiment_id.clone()),
        (RUN_ID, data.run_id.clone()),
    ]
}

/// `key=value,key2=value2`, each key and value trimmed and percent-decoded. An entry without
/// `=` or without a key is skipped, as the OpenTelemetry SDK skips it.
fn parse_list(list: &str) -> Vec<(String, String)> {
    list.split(',')
        .filter_map(|entry| entry.split_once('='))
        .map(|(key, value)| (percent_decode(key.trim()), percent_decode(value.trim())))
        .filter(|(key, _)| !key.is_empty())
        .collect()
}

/// Sets `key` to `value`, in its place if it is there, else at the end.
fn upsert(attributes: &mut Vec<(String, String)>, key: String, value: String) {
    match attributes.iter_mut().find(|(k, _)| *k == key) {
        Some(slot) => slot.1 = value,
        None => attributes.push((key, value)),
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
    use super::*;

    use crate::test_env::env;

    fn get<'a>(attributes: &'a [(String, String)], key: &str) -> Option<&'a str> {
        attributes
            .iter()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v.as_str())
    }

    #[test]
    fn without_variables_the_service_is_codecarbon_on_this_host() {
        let attributes = service_attributes(env(&[]), Some("node-7".into()));
        assert_eq!(get(&attributes, SERVICE_NAME), Some("codecarbon"));
        assert_eq!(
            get(&attributes, "service.version"),
            Some(codecarbon_core::VERSION)
        );
        assert_eq!(get(&attributes, HOST_NAME), Some("node-7"));
        let unknown_host = service_attributes(env(&[]), None);
        assert_eq!(get(&unknown_host, HOST_NAME), None);
    }

    #[test]
    fn the_deployments_attributes_are_added_decoded_and_win_over_the_detected_ones() {
        let attributes = service_attributes(
            env(&[(
                ENV_RESOURCE_ATTRIBUTES,
                " k8s.node.name = worker-3 ,k8s.pod.name=cc-x7%2Cz,host.name=worker-3.lan,\
                 note=a%3Db c,broken,=no-key",
            )]),
            Some("pod-x7".into()),
        );
        assert_eq!(get(&attributes, "k8s.node.name"), Some("worker-3"));
        assert_eq!(get(&attributes, "k8s.pod.name"), Some("cc-x7,z"));
        assert_eq!(get(&attributes, "note"), Some("a=b c"));
        assert_eq!(get(&attributes, HOST_NAME), Some("worker-3.lan"));
        assert_eq!(get(&attributes, SERVICE_NAME), Some("codecarbon"));
        assert!(get(&attributes, "broken").is_none());
        assert!(get(&attributes, "").is_none());
        let keys: Vec<&str> = attributes.iter().map(|(k, _)| k.as_str()).collect();
        let mut unique = keys.clone();
        unique.sort_unstable();
        unique.dedup();
        assert_eq!(keys.len(), unique.len(), "{keys:?}");
    }

    #[test]
    fn the_service_name_variable_wins_over_the_attributes_one() {
        let from_list = service_attributes(
            env(&[(ENV_RESOURCE_ATTRIBUTES, "service.name=from-list")]),
            None,
        );
        assert_eq!(get(&from_list, SERVICE_NAME), Some("from-list"));
        let both = service_attributes(
            env(&[
                (ENV_RESOURCE_ATTRIBUTES, "service.name=from-list"),
                (ENV_SERVICE_NAME, "energy"),
            ]),
            None,
        );
        assert_eq!(get(&both, SERVICE_NAME), Some("energy"));
        let blank = service_attributes(env(&[(ENV_SERVICE_NAME, " ")]), None);
        assert_eq!(get(&blank, SERVICE_NAME), Some("codecarbon"));
    }

    #[test]
    fn the_run_is_named_by_its_record() {
        let mut data = EmissionsData::default();
        data.project_name = "proj".into();
        data.experiment_id = "exp-1".into();
        data.run_id = "run-1".into();
        assert_eq!(
            run_attributes(&data),
            [
                (PROJECT_NAME, "proj".to_string()),
                (EXPERIMENT_ID, "exp-1".to_string()),
                (RUN_ID, "run-1".to_string()),
            ]
        );
    }
}
