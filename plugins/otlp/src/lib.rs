//! codecarbon plugin `otlp`: the run's energy, emissions and power as OpenTelemetry metrics,
//! pushed over OTLP/HTTP (protobuf) to a collector.
//!
//! Where: `OTEL_EXPORTER_OTLP_METRICS_ENDPOINT` (a full URL, used as is), else
//! `OTEL_EXPORTER_OTLP_ENDPOINT` + `/v1/metrics`, else `http://localhost:4318/v1/metrics`.
//! Headers (a collector token, say) come from `OTEL_EXPORTER_OTLP_METRICS_HEADERS` or
//! `OTEL_EXPORTER_OTLP_HEADERS` (`key=value,key2=value2`); their values, and the endpoint's
//! `user:password`, never appear in a message, in any encoding
//! ([`Credentials::quote`](codecarbon_core::Credentials::quote)). Offline, the output is
//! refused.
//!
//! What: the Prometheus output's three metrics, in OpenTelemetry's naming (dotted names, the
//! unit apart, no `_total` suffix; a collector's Prometheus exporter derives names such as
//! `codecarbon_energy_joules_total` from the name, unit and kind):
//!
//! | instrument             | kind                  | unit | attributes                  |
//! |------------------------|-----------------------|------|-----------------------------|
//! | `codecarbon.energy`    | counter, cumulative   | `J`  | `component` = cpu, gpu, ram |
//! | `codecarbon.emissions` | counter, cumulative   | `kg` | none                        |
//! | `codecarbon.power`     | gauge (mean since start) | `W` | `component` = cpu, gpu, ram |
//!
//! Resource: `service.name` (`OTEL_SERVICE_NAME`, else `codecarbon`), `service.version`,
//! `host.name` (the host name), the attributes of `OTEL_RESOURCE_ATTRIBUTES` (a Kubernetes
//! node or pod name, say), and the run: `codecarbon.project_name`, `codecarbon.experiment_id`,
//! `codecarbon.run_id`; each key once, `OTEL_RESOURCE_ATTRIBUTES` winning over the host name
//! and the default service name, `OTEL_SERVICE_NAME` over it, the run's over all. Scope
//! `codecarbon`.
//!
//! When: one export per record (each measure interval), per flush and at stop, each carrying
//! the totals since the run started.
//!
//! How: the SDK's `ManualReader` (feature `experimental_metrics_custom_reader`) collects on
//! demand and the OTLP exporter's asynchronous reqwest client sends, so an export is a plain
//! future on the caller's tokio runtime (a current-thread one is enough): no background
//! thread, no blocking client. Timeouts: 2 s to connect, 5 s per export, retries included.
//! Redirects are not followed (the headers would go with them to any host): a 3xx answer is
//! an error naming where it points.
//!
//! One sink may serve several runs of a tracker: a new `run_id` gets a fresh set of
//! instruments and resource, and the exporter stays usable after `finish`.

/// The Rust examples of this crate's README (shown on crates.io), compiled and run by
/// `cargo test --doc -p codecarbon-otlp`.
#[cfg(doctest)]
#[doc = include_str!("../README.md")]
struct ReadmeDoctests;

mod client;
mod error;
mod instruments;
mod resource;
mod settings;
mod sink;

/// Environment variables for tests, as a lookup the code under test takes.
#[cfg(test)]
mod test_env {
    /// A lookup that finds `pairs` and nothing else.
    pub(crate) fn env<'a>(pairs: &'a [(&'a str, &'a str)]) -> impl Fn(&str) -> Option<String> + 'a {
        move |name| {
            pairs
                .iter()
                .find(|(n, _)| *n == name)
                .map(|(_, v)| v.to_string())
        }
    }
}

pub use error::OtlpError;
pub use instruments::{COMPONENT, EMISSIONS, ENERGY, POWER};
pub use resource::{
    DEFAULT_SERVICE_NAME, ENV_RESOURCE_ATTRIBUTES, ENV_SERVICE_NAME, EXPERIMENT_ID, HOST_NAME,
    PROJECT_NAME, RUN_ID, SERVICE_NAME,
};
pub use settings::{
    OtlpSettings, DEFAULT_BASE, ENV_ENDPOINT, ENV_HEADERS, ENV_METRICS_ENDPOINT,
    ENV_METRICS_HEADERS, METRICS_PATH,
};
pub use sink::{OtlpSink, CONNECT_TIMEOUT, REQUEST_TIMEOUT};

use codecarbon_core::{BuildError, Config, IntoBuildError, Probe};

/// An export goes over the network: offline, the output is refused
/// ([`codecarbon_core::offline`]).
fn probe(config: &Config) -> Probe {
    codecarbon_core::offline::output_probe(config, "otlp")
}

fn build(_config: &Config) -> Result<OtlpSink, OtlpError> {
    OtlpSink::new(OtlpSettings::from_env())
}

/// Every error of building the sink is the user's to fix: the run does not start without the
/// output they asked for.
impl IntoBuildError for OtlpError {
    fn into_build_error(self, plugin: &'static str) -> BuildError {
        BuildError::invalid(plugin, self)
    }
}

codecarbon_core::register_plugins! {
    sink {
        name: "otlp",
        priority: 0,
        summary: "OpenTelemetry metrics over OTLP/HTTP to OTEL_EXPORTER_OTLP_ENDPOINT, at each record, flush and stop",
        probe: probe,
        build: build,
    }
}
