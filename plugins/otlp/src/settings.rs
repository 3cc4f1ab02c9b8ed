//! Where the metrics go, and who they say sent them: the OTLP/HTTP endpoint and the resource,
//! resolved from the standard variables.

use crate::resource::service_attributes;
use codecarbon_core::{redact_url, Secret};
use std::fmt;

/// `OTEL_EXPORTER_OTLP_METRICS_ENDPOINT`: the full metrics URL, used as is.
pub const ENV_METRICS_ENDPOINT: &str = "OTEL_EXPORTER_OTLP_METRICS_ENDPOINT";
/// `OTEL_EXPORTER_OTLP_ENDPOINT`: the collector's base URL; metrics go to `{base}/v1/metrics`.
pub const ENV_ENDPOINT: &str = "OTEL_EXPORTER_OTLP_ENDPOINT";
/// `OTEL_EXPORTER_OTLP_HEADERS`: `key=value,key2=value2` sent with every export (secret).
pub const ENV_HEADERS: &str = "OTEL_EXPORTER_OTLP_HEADERS";
/// `OTEL_EXPORTER_OTLP_METRICS_HEADERS`: the same, for metrics only; wins over
/// [`ENV_HEADERS`].
pub const ENV_METRICS_HEADERS: &str = "OTEL_EXPORTER_OTLP_METRICS_HEADERS";
/// The specification's default base URL when no variable is set.
pub const DEFAULT_BASE: &str = "http://localhost:4318";
/// The path appended to a base URL.
pub const METRICS_PATH: &str = "/v1/metrics";

/// Where and how to export: the metrics URL, extra headers, and the resource's attributes.
///
/// Header values are secrets (collector tokens): `Debug` shows the names only, and the URL's
/// `user:password` and query, if any, are left out.
///
/// ```
/// use codecarbon_otlp::OtlpSettings;
///
/// let s = OtlpSettings::from_lookup(|name| {
///     (name == "OTEL_EXPORTER_OTLP_ENDPOINT").then(|| "http://collector:4318/".to_string())
/// });
/// assert_eq!(s.endpoint, "http://collector:4318/v1/metrics");
/// ```
#[derive(Clone, PartialEq, Eq)]
pub struct OtlpSettings {
    /// The full URL metrics are POSTed to (`http://localhost:4318/v1/metrics`).
    pub endpoint: String,
    /// Headers sent with every export, besides those the exporter reads itself from
    /// `OTEL_EXPORTER_OTLP_HEADERS` / `OTEL_EXPORTER_OTLP_METRICS_HEADERS`.
    pub headers: Vec<(String, String)>,
    /// The resource's attributes but the run's (which each run adds): `service.name`
    /// (`codecarbon`), `service.version` and `host.name`, then those of
    /// [`OTEL_RESOURCE_ATTRIBUTES`](crate::ENV_RESOURCE_ATTRIBUTES), then
    /// [`OTEL_SERVICE_NAME`](crate::ENV_SERVICE_NAME); each key once, a later source winning.
    pub resource: Vec<(String, String)>,
    /// The values of the headers the exporter reads itself from the environment, as given
    /// (percent-encoded): secrets, hidden from what a collector answers.
    env_header_values: Vec<Secret>,
}

impl OtlpSettings {
    /// Settings that export to `endpoint` (a full metrics URL), with no extra headers, as the
    /// service `codecarbon` of this host.
    pub fn new(endpoint: impl Into<String>) -> Self {
        Self {
            endpoint: endpoint.into(),
            headers: Vec::new(),
            resource: service_attributes(|_| None, codecarbon_system::host_name()),
            env_header_values: Vec::new(),
        }
    }

    /// The same settings with one more header.
    pub fn with_header(mut self, name: impl Into<String>, value: impl Into<String>) -> Self {
        self.headers.push((name.into(), value.into()));
        self
    }

    /// Settings from the process environment (see [`OtlpSettings::from_lookup`]).
    pub fn from_env() -> Self {
        Self::from_lookup(|name| std::env::var(name).ok())
    }

    /// Settings from the standard variables as `lookup` gives them, as the OpenTelemetry
    /// specification says: [`ENV_METRICS_ENDPOINT`] as is, else [`ENV_ENDPOINT`] +
    /// `/v1/metrics`, else `http://localhost:4318/v1/metrics`. An empty value counts as unset.
    ///
    /// Headers are left to the exporter, which reads [`ENV_METRICS_HEADERS`] or
    /// [`ENV_HEADERS`] itself (values percent-decoded, as the specification says); their
    /// values are kept only to be hidden from messages.
    ///
    /// The resource gets the host name, then `OTEL_RESOURCE_ATTRIBUTES` and
    /// `OTEL_SERVICE_NAME` as `lookup` gives them.
    pub fn from_lookup(lookup: impl Fn(&str) -> Option<String>) -> Self {
        let set = |name: &str| lookup(name).filter(|v| !v.trim().is_empty());
        let endpoint = match (set(ENV_METRICS_ENDPOINT), set(ENV_ENDPOINT)) {
            (Some(full), _) => full.trim().to_string(),
            (None, Some(base)) => join(base.trim()),
            (None, None) => join(DEFAULT_BASE),
        };
        let headers = set(ENV_METRICS_HEADERS).or_else(|| set(ENV_HEADERS));
        Self {
            env_header_values: headers.as_deref().map(header_values).unwrap_or_default(),
            resource: service_attributes(&lookup, codecarbon_system::host_name()),
            ..Self::new(endpoint)
        }
    }

    /// Every header value sent: the settings' own and those the exporter reads from the
    /// environment (these percent-encoded, as given).
    pub(crate) fn header_values(&self) -> impl Iterator<Item = (&str, bool)> {
        let own = self
            .headers
            .iter()
            .map(|(_, value)| (value.as_str(), false));
        let from_env = self.env_header_values.iter().map(|v| (v.expose(), true));
        own.chain(from_env)
    }

    /// The endpoint without its `user:password@`, query and fragment, for messages.
    pub fn shown_endpoint(&self) -> String {
        redact_url(&self.endpoint)
    }
}

/// The values of `key=value,key2=value2`, as written.
fn header_values(list: &str) -> Vec<Secret> {
    list.split(',')
        .filter_map(|pair| pair.split_once('='))
        .map(|(_, value)| Secret::new(value))
        .filter(|value| !value.is_empty())
        .collect()
}

/// `{base}/v1/metrics`, with one slash between them.
fn join(base: &str) -> String {
    format!("{}{METRICS_PATH}", base.trim_end_matches('/'))
}

impl fmt::Debug for OtlpSettings {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let names: Vec<&str> = self.headers.iter().map(|(n, _)| n.as_str()).collect();
        f.debug_struct("OtlpSettings")
            .field("endpoint", &self.shown_endpoint())
            .field("headers", &names)
            .field("resource", &self.resource)
            .finish()
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
    use super::*;

    use crate::test_env::env;

    #[test]
    fn the_metrics_variable_is_used_as_is_and_wins() {
        let s = OtlpSettings::from_lookup(env(&[
            (ENV_METRICS_ENDPOINT, "http://a:1/custom"),
            (ENV_ENDPOINT, "http://b:2"),
        ]));
        assert_eq!(s.endpoint, "http://a:1/custom");
    }

    #[test]
    fn the_base_gets_the_metrics_path_with_one_slash() {
        for base in ["http://b:2", "http://b:2/"] {
            let s = OtlpSettings::from_lookup(env(&[(ENV_ENDPOINT, base)]));
            assert_eq!(s.endpoint, "http://b:2/v1/metrics");
        }
        let s = OtlpSettings::from_lookup(env(&[(ENV_ENDPOINT, "https://b/otlp")]));
        assert_eq!(s.endpoint, "https://b/otlp/v1/metrics");
    }

    #[test]
    fn nothing_or_empty_means_the_local_default() {
        let s = OtlpSettings::from_lookup(env(&[(ENV_METRICS_ENDPOINT, " ")]));
        assert_eq!(s.endpoint, "http://localhost:4318/v1/metrics");
    }

    #[test]
    fn the_environments_header_values_are_kept_as_secrets() {
        let s = OtlpSettings::from_lookup(env(&[
            (
                ENV_HEADERS,
                "x-api-key=k3y-one, authorization=Bearer%20t0k,broken",
            ),
            (ENV_ENDPOINT, "http://b:2"),
        ]));
        let values: Vec<_> = s.header_values().collect();
        assert_eq!(values, [("k3y-one", true), ("Bearer%20t0k", true)]);
        assert!(!format!("{s:?}").contains("k3y-one"));
        let metrics_first = OtlpSettings::from_lookup(env(&[
            (ENV_HEADERS, "a=general"),
            (ENV_METRICS_HEADERS, "a=metrics"),
        ]));
        let values: Vec<_> = metrics_first.header_values().collect();
        assert_eq!(values, [("metrics", true)]);
    }

    #[test]
    fn the_resource_reads_the_same_lookup_and_names_this_host() {
        let s = OtlpSettings::from_lookup(env(&[
            ("OTEL_SERVICE_NAME", "energy"),
            ("OTEL_RESOURCE_ATTRIBUTES", "k8s.node.name=worker-3"),
        ]));
        let get = |key: &str| {
            s.resource
                .iter()
                .find(|(k, _)| k == key)
                .map(|(_, v)| v.clone())
        };
        assert_eq!(get("service.name").as_deref(), Some("energy"));
        assert_eq!(get("k8s.node.name").as_deref(), Some("worker-3"));
        let host = std::fs::read_to_string("/proc/sys/kernel/hostname").unwrap();
        assert_eq!(get("host.name").as_deref(), Some(host.trim_end()));
        let plain = OtlpSettings::new("http://c:4318/v1/metrics");
        assert!(plain
            .resource
            .contains(&("service.name".into(), "codecarbon".into())));
    }

    #[test]
    fn debug_hides_header_values_and_url_passwords() {
        let s = OtlpSettings::new("https://me:hunter2@collector/v1/metrics")
            .with_header("authorization", "Bearer s3cr3t");
        let shown = format!("{s:?}");
        assert!(
            !shown.contains("s3cr3t") && !shown.contains("hunter2"),
            "{shown}"
        );
        assert!(shown.contains("authorization"), "{shown}");
        assert!(
            shown.contains("\"https://collector/v1/metrics\""),
            "{shown}"
        );
    }
}
