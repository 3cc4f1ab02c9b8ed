//! codecarbon plugin `prometheus`: push to a Pushgateway, serve `/metrics`, or both.
//!
//! Selected by `output_methods` containing `prometheus`. Settings (declared in
//! [`PrometheusOptions`], so each is also a `CODECARBON_*` variable and, but for
//! `prometheus_delete_on_finish`, a `--flag`):
//!
//! | key / variable | meaning |
//! |---|---|
//! | `prometheus_url` | the Pushgateway's base URL (CodeCarbon's key; default `http://localhost:9091`) |
//! | `prometheus_listen` | `HOST:PORT` to serve `GET /metrics` on (flag `--prometheus-listen`); set alone, nothing is pushed |
//! | `prometheus_instance` | the Pushgateway's `instance` label, this machine's group of the job (flag `--prometheus-instance`; default the host name) |
//! | `prometheus_delete_on_finish` | delete this machine's group at stop, as CodeCarbon does (default `true`) |
//! | `PROMETHEUS_USERNAME`, `PROMETHEUS_PASSWORD` | the Pushgateway's basic auth (CodeCarbon's variables) |
//!
//! **Push**: CodeCarbon's gauges (`codecarbon_emissions`, `codecarbon_energy_consumed`,
//! `codecarbon_cpu_power`, ... see [`PUSH_GAUGES`]), each the change since the previous push,
//! and the counter `codecarbon_energy_total` (kWh), labelled with CodeCarbon's 14
//! [`PUSH_LABELS`], `PUT` to `{prometheus_url}/metrics/job/{job}/instance/{instance}` where the
//! job is [`job_name`]`(project_name, experiment_name)` and the instance `prometheus_instance`
//! or the host name, so that the machines of one job each keep a group (values the path cannot
//! carry as they are take the Pushgateway's `@base64` form). At stop, that group alone is
//! deleted.
//!
//! **Pull**: per component (`component="cpu|gpu|ram"`), `codecarbon_energy_joules_total`,
//! `codecarbon_emissions_kg_total` and `codecarbon_power_watts`; for the run,
//! `codecarbon_run_energy_joules_total` and `codecarbon_run_emissions_kg_total`; all labelled
//! with `project_name` and `experiment_id` (see [`render_exporter`]).
//!
//! **Offline**, a push is refused (the output does not start); serving `/metrics` alone only
//! listens, and works.
//!
//! [`PLUGINS`] lists the names, so that a crate referencing it keeps the registration linked.

/// The Rust examples of this crate's README (shown on crates.io), compiled and run by
/// `cargo test --doc -p codecarbon-prometheus`.
#[cfg(doctest)]
#[doc = include_str!("../README.md")]
struct ReadmeDoctests;

mod error;
mod exporter;
pub mod exposition;
mod grouping;
mod pull_metrics;
mod push;
mod push_metrics;
mod settings;
mod sink;

pub use error::PrometheusError;
pub use pull_metrics::{
    render_exporter, Ledger, EMISSIONS_KG, ENERGY_JOULES, POWER_WATTS, RUN_EMISSIONS_KG,
    RUN_ENERGY_JOULES,
};
pub use push_metrics::{
    render_push, PUSH_ENERGY_TOTAL, PUSH_ENERGY_TOTAL_HELP, PUSH_GAUGES, PUSH_LABELS,
};
pub use settings::{
    job_name, BasicAuth, PrometheusOptions, PrometheusSettings, DEFAULT_PUSHGATEWAY_URL,
    ENV_PASSWORD, ENV_USERNAME, KEY_DELETE_ON_FINISH, KEY_INSTANCE, KEY_LISTEN, KEY_URL,
};
pub use sink::PrometheusSink;

use codecarbon_core::{BuildError, Config, IntoBuildError, Probe};

/// Pushing goes over the network, so offline refuses an output that pushes
/// ([`codecarbon_core::offline`]); serving `/metrics` only listens, and works offline.
fn probe(config: &Config, options: &PrometheusOptions) -> Probe {
    if options.pushgateway_url().is_none() {
        return Probe::Available;
    }
    match codecarbon_core::offline::output_probe(config, "prometheus") {
        Probe::Unavailable(why) => Probe::Unavailable(format!(
            "{why} (a push to the Pushgateway); `{KEY_LISTEN}` without `{KEY_URL}` only \
             serves /metrics, which works offline"
        )),
        available => available,
    }
}

fn build(config: &Config, options: &PrometheusOptions) -> Result<PrometheusSink, PrometheusError> {
    PrometheusSink::new(PrometheusSettings::from_options(config, options)?)
}

/// Every error of building the sink is the user's to fix: the run does not start without the
/// output they asked for.
impl IntoBuildError for PrometheusError {
    fn into_build_error(self, plugin: &'static str) -> BuildError {
        BuildError::invalid(plugin, self)
    }
}

/// Tells the user about something they should know but that does not fail the output.
/// A `tracing` event (target `codecarbon::prometheus`, field `plugin`): the program's subscriber, or
/// the tracker's stand-in for one, decides where it goes.
pub(crate) fn warn(message: &str) {
    codecarbon_core::tracing::warn!(target: "codecarbon::prometheus", plugin = "prometheus", "prometheus: {message}");
}

codecarbon_core::register_plugins! {
    sink {
        name: "prometheus",
        priority: 0,
        summary: "Prometheus: push CodeCarbon's metrics to a Pushgateway, and/or serve /metrics",
        settings: PrometheusOptions,
        probe: probe,
        build: build,
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
    use super::*;
    use codecarbon_core::registry::{self, Candidate};
    use codecarbon_core::Sink;
    use std::net::TcpListener;

    /// The registered sink, whose glue parses the settings for its probe and build.
    fn registered() -> Candidate<Box<dyn Sink>> {
        registry::sinks()
            .into_iter()
            .find(|c| c.name == "prometheus")
            .unwrap()
    }

    fn probe(config: &Config) -> Probe {
        registered().probe(config)
    }

    #[test]
    fn it_registers_as_a_sink_with_its_settings() {
        let d = codecarbon_core::registry::plugins()
            .into_iter()
            .find(|p| p.name == "prometheus")
            .unwrap();
        assert_eq!(d.kind(), codecarbon_core::PluginKind::Sink);
        for key in [KEY_URL, KEY_LISTEN, KEY_DELETE_ON_FINISH, KEY_INSTANCE] {
            let owner = codecarbon_core::settings::find(key).map(|s| s.owner_name());
            assert_eq!(owner, Some("prometheus"), "{key}");
        }
        assert_eq!(PLUGINS, ["prometheus"]);
    }

    #[test]
    fn offline_refuses_a_push_but_not_an_exporter_alone() {
        let mut config = Config {
            offline: true,
            ..Config::default()
        };
        let Probe::Unavailable(why) = probe(&config) else {
            panic!("the default push runs offline");
        };
        assert!(why.contains("`offline` is set"), "{why}");
        config
            .extra
            .0
            .insert("prometheus_listen".into(), "127.0.0.1:0".into());
        assert_eq!(probe(&config), Probe::Available);
        config
            .extra
            .0
            .insert("prometheus_url".into(), "http://gw:9091".into());
        assert!(matches!(probe(&config), Probe::Unavailable(_)));
        config.offline = false;
        assert_eq!(probe(&config), Probe::Available);
    }

    #[test]
    fn a_taken_listen_address_fails_the_build_with_the_address_and_the_fix() {
        let taken = TcpListener::bind("127.0.0.1:0").unwrap();
        let addr = taken.local_addr().unwrap().to_string();
        let mut config = Config::default();
        config
            .extra
            .0
            .insert("prometheus_listen".into(), addr.clone());
        let Err(err) = (registered().build)(&config) else {
            panic!("built on a taken port")
        };
        assert!(matches!(err, BuildError::Invalid { .. }), "{err:?}");
        let text = err.to_string();
        assert!(text.contains(&addr), "{text}");
        assert!(text.contains("--prometheus-listen"), "{text}");
    }
}
