//! codecarbon plugin `comet`: a run's emissions in a [Comet](https://www.comet.com) experiment.
//!
//! Python users get CodeCarbon in Comet through `comet_ml`, which runs a tracker and, at the
//! end, uploads its `emissions.csv` as an asset that Comet's "CodeCarbon Footprint" panel
//! reads. [`CometSink`] does the same through Comet's REST API v2 (base
//! `<server>/api/rest/v2/`), and logs the totals as metrics too, so they chart live:
//!
//! | when | request |
//! |---|---|
//! | first call, unless `COMET_EXPERIMENT_KEY` | `POST write/experiment/create` `{"workspaceName","projectName","experimentName"}` |
//! | first call, then when a value changes | `POST write/experiment/log-other` `{"experimentKey","key","value"}` per [`OTHER_NAMES`] |
//! | every record, flush and finish | `POST write/experiment/metric` `{"experimentKey","metricName","metricValue","step","timestamp"}` per [`METRIC_NAMES`], step 1, 2, 3, ... |
//! | finish | `POST write/experiment/upload-asset?experimentKey=..&fileName=emissions.csv&type=asset&overwrite=true&step=N`, multipart field `file` |
//!
//! Every request carries `Authorization: <COMET_API_KEY>`. Settings keep Comet's names and
//! come from the environment ([`CometSettings::from_env`]): `COMET_API_KEY` (required),
//! `COMET_WORKSPACE` and `COMET_PROJECT_NAME` (for a new experiment; the project defaults to
//! CodeCarbon's `project_name`), `COMET_EXPERIMENT_KEY` (attach instead of creating), and
//! `COMET_URL_OVERRIDE` (a self-hosted server; as in Comet's SDK only its scheme, host and
//! port are used, so `https://comet.example.com/clientlib/` and
//! `http://127.0.0.1:8080/api/rest/v2` both work).
//!
//! Requests time out (connect 2 s, request 10 s); connection errors, 429 and 5xx are tried
//! three times (0.5 s, then 1 s apart); a call gives up after 15 s ([`Limits`]). A rejected key
//! (401/403) is reported as "Comet rejected COMET_API_KEY: check it", and later calls fail at
//! once with that error. The key never appears in `Debug`, errors or logs: what Comet answers
//! is quoted through [`Credentials::quote`](codecarbon_core::Credentials::quote), which hides
//! it in any encoding and escapes control characters. Offline, the output is refused.
//!
//! ```no_run
//! use codecarbon_comet::{CometSettings, CometSink};
//! let mut settings = CometSettings::new("my-api-key");
//! settings.workspace = Some("my-team".into());
//! settings.project_name = Some("training".into());
//! let sink = CometSink::new(settings)?; // no request yet
//! # let _ = sink;
//! # Ok::<(), codecarbon_comet::CometError>(())
//! ```

/// The Rust examples of this crate's README (shown on crates.io), compiled and run by
/// `cargo test --doc -p codecarbon-comet`.
#[cfg(doctest)]
#[doc = include_str!("../README.md")]
struct ReadmeDoctests;

mod client;
mod error;
mod multipart;
mod payload;
mod settings;
mod sink;

pub use error::CometError;
pub use payload::{METRIC_NAMES, OTHER_NAMES};
pub use settings::{
    CometSettings, Limits, DEFAULT_SERVER, ENV_API_KEY, ENV_EXPERIMENT_KEY, ENV_PROJECT_NAME,
    ENV_URL_OVERRIDE, ENV_WORKSPACE, REST_PATH,
};
pub use sink::{
    CometSink, ASSET_BARE_NAME, ASSET_FILE_NAME, ASSET_TYPE, DEFAULT_PROJECT, ENDPOINT_CREATE,
    ENDPOINT_METRIC, ENDPOINT_OTHER, ENDPOINT_UPLOAD,
};

use codecarbon_core::{BuildError, Config, IntoBuildError, Probe};

/// A Comet API key (`COMET_API_KEY`): core's [`Secret`](codecarbon_core::Secret), under the
/// name [`CometSettings::api_key`] has always had. `Debug` shows `Secret(<hidden>)`; the key
/// travels only in the `Authorization` header.
pub type ApiKey = codecarbon_core::Secret;

/// Comet is on the network: offline, the output is refused ([`codecarbon_core::offline`]).
fn probe(config: &Config) -> Probe {
    codecarbon_core::offline::output_probe(config, "comet")
}

/// Settings from the environment, with CodeCarbon's `project_name` and `experiment_name` for
/// a new experiment where Comet's variables say nothing. CodeCarbon's default experiment name
/// (`base`) is not sent, so Comet gives each experiment a name of its own.
fn settings_for(
    config: &Config,
    from_env: Result<CometSettings, CometError>,
) -> Result<CometSettings, CometError> {
    let mut settings = from_env?;
    if settings.project_name.is_none() && !config.project_name.is_empty() {
        settings.project_name = Some(config.project_name.clone());
    }
    let named = !config.experiment_name.is_empty()
        && config.experiment_name != Config::default().experiment_name;
    if settings.experiment_name.is_none() && named {
        settings.experiment_name = Some(config.experiment_name.clone());
    }
    Ok(settings)
}

fn build(config: &Config) -> Result<CometSink, CometError> {
    settings_for(config, CometSettings::from_env()).and_then(CometSink::new)
}

/// Every error of building the sink is the user's to fix: the run does not start without the
/// output they asked for.
impl IntoBuildError for CometError {
    fn into_build_error(self, plugin: &'static str) -> BuildError {
        BuildError::invalid(plugin, self)
    }
}

codecarbon_core::register_plugins! {
    sink {
        name: "comet",
        priority: 0,
        summary: "a Comet experiment: metrics each interval, emissions.csv asset at stop \
                  (COMET_API_KEY, COMET_WORKSPACE, COMET_PROJECT_NAME)",
        probe: probe,
        build: build,
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
    use super::*;

    #[test]
    fn the_plugin_is_registered_as_a_sink() {
        let found = codecarbon_core::registry::plugins_of(codecarbon_core::PluginKind::Sink)
            .into_iter()
            .find(|p| p.name == "comet")
            .unwrap();
        assert_eq!(found.priority, 0);
        assert_eq!(PLUGINS, ["comet"]);
    }

    #[test]
    fn offline_refuses_the_output() {
        let mut config = Config::default();
        assert_eq!(probe(&config), Probe::Available);
        config.offline = true;
        let Probe::Unavailable(why) = probe(&config) else {
            panic!("comet runs offline");
        };
        assert!(why.contains("`offline` is set"), "{why}");
    }

    #[test]
    fn project_and_experiment_names_default_to_codecarbons() {
        let config = Config {
            project_name: "proj".into(),
            experiment_name: "exp".into(),
            ..Config::default()
        };
        let s = settings_for(&config, Ok(CometSettings::new("k"))).unwrap();
        assert_eq!(s.project_name.as_deref(), Some("proj"));
        assert_eq!(s.experiment_name.as_deref(), Some("exp"));

        let mut own = CometSettings::new("k");
        own.project_name = Some("comet-proj".into());
        let s = settings_for(&config, Ok(own)).unwrap();
        assert_eq!(s.project_name.as_deref(), Some("comet-proj"));

        let s = settings_for(&Config::default(), Ok(CometSettings::new("k"))).unwrap();
        assert_eq!(s.project_name.as_deref(), Some("codecarbon"));
        assert_eq!(
            s.experiment_name, None,
            "CodeCarbon's default `base` is not sent"
        );
    }

    #[test]
    fn build_errors_say_what_to_set() {
        let e = settings_for(&Config::default(), Err(CometError::MissingApiKey))
            .and_then(CometSink::new)
            .unwrap_err();
        let e = BuildError::Invalid {
            plugin: "comet",
            message: e.to_string(),
        };
        assert!(
            e.to_string().starts_with("comet: COMET_API_KEY is not set"),
            "{e}"
        );

        let e = CometSink::new(CometSettings::new("k")).unwrap_err();
        assert_eq!(e, CometError::MissingWorkspace);
        assert!(e.to_string().contains("COMET_EXPERIMENT_KEY"));
    }
}
