//! The sink's settings: declared once as [`PrometheusOptions`] (keys, kinds, defaults, help),
//! read from the configuration and the environment into [`PrometheusSettings`], or built by
//! hand in tests.

use crate::error::PrometheusError;
use codecarbon_core::settings::{Settings, Spec, ValueKind};
use codecarbon_core::{redact_url, Config, Secret};
use std::fmt;
use std::net::{SocketAddr, ToSocketAddrs};
use std::time::Duration;

/// CodeCarbon's Pushgateway address (`prometheus_url`'s default), with its scheme.
pub const DEFAULT_PUSHGATEWAY_URL: &str = "http://localhost:9091";

codecarbon_core::settings! {
    /// The `prometheus` output's settings, as the user gives them (config file, environment,
    /// flags, builder), checked by kind where they are set.
    pub struct PrometheusOptions for "prometheus" {
        /// Pushgateway to push metrics to (output prometheus) [default: http://localhost:9091,
        /// unless `prometheus_listen` is set]. CodeCarbon's key. A URL without a scheme gets
        /// `http://`, as Python's `push_to_gateway` does; a `user:password@` in it is sent as
        /// basic auth when `PROMETHEUS_USERNAME` and `PROMETHEUS_PASSWORD` are not set. Set
        /// with `prometheus_listen`, the metrics are both pushed and served.
        prometheus_url: Option<String> = Spec::of(ValueKind::Text)
            .value_name("URL")
            .example(DEFAULT_PUSHGATEWAY_URL);
        /// Serve /metrics on this `HOST:PORT` for Prometheus to scrape (turns the prometheus
        /// output on). Such as `127.0.0.1:9464`; a host name is resolved when the output
        /// starts. Set without `prometheus_url`, nothing is pushed, so it works offline.
        prometheus_listen: Option<String> = Spec::of(ValueKind::Text)
            .value_name("ADDR")
            .example("127.0.0.1:9464")
            .implies_output("prometheus");
        /// Whether the run's group is deleted from the Pushgateway at stop, as CodeCarbon does at
        /// exit. `false` keeps the last push for Prometheus to scrape. A file and environment
        /// setting only: a flag could only say `true`, the default.
        prometheus_delete_on_finish: bool = Spec::of(ValueKind::Bool)
            .default("true")
            .example("false")
            .without_flag();
        /// The Pushgateway's `instance` label for this machine [default: the host name].
        /// Pushes go to `{prometheus_url}/metrics/job/{job}/instance/{instance}`, so the
        /// machines of one job (a SLURM job's nodes, a DaemonSet's pods) each keep a group of
        /// their own, and the deletion at stop removes only this machine's. Set it where the
        /// host name does not tell the machines apart, such as a pod's node name.
        prometheus_instance: Option<String> = Spec::of(ValueKind::Text)
            .value_name("NAME")
            .example("node-07");
    }
}

/// Config key: the Pushgateway's base URL (CodeCarbon's key).
pub const KEY_URL: &str = <PrometheusOptions as Settings>::SPECS[0].key();
/// Config key: `HOST:PORT` to serve `/metrics` on (flag `--prometheus-listen`).
pub const KEY_LISTEN: &str = <PrometheusOptions as Settings>::SPECS[1].key();
/// Config key: whether `finish` deletes the run's group from the Pushgateway, as CodeCarbon
/// does at exit (default `true`).
pub const KEY_DELETE_ON_FINISH: &str = <PrometheusOptions as Settings>::SPECS[2].key();
/// Config key: the Pushgateway's `instance` label (flag `--prometheus-instance`; default the
/// host name).
pub const KEY_INSTANCE: &str = <PrometheusOptions as Settings>::SPECS[3].key();
/// Environment variable: the Pushgateway's basic-auth user (CodeCarbon's name).
pub const ENV_USERNAME: &str = "PROMETHEUS_USERNAME";
/// Environment variable: the Pushgateway's basic-auth password (CodeCarbon's name).
pub const ENV_PASSWORD: &str = "PROMETHEUS_PASSWORD";

/// Basic-auth credentials. `Debug` hides the password.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BasicAuth {
    /// The user.
    pub username: String,
    password: Secret,
}

impl BasicAuth {
    /// Credentials for the Pushgateway (whitespace around the password is dropped, as around
    /// every [`Secret`]).
    pub fn new(username: impl Into<String>, password: impl Into<String>) -> Self {
        Self {
            username: username.into(),
            password: Secret::new(password),
        }
    }

    /// The password: exposed for the request only, and scrubbed from a server's answer.
    pub(crate) fn password(&self) -> &Secret {
        &self.password
    }
}

/// How the sink pushes and serves.
///
/// ```
/// use codecarbon_prometheus::{PrometheusSettings, PrometheusSink};
///
/// let settings = PrometheusSettings {
///     pushgateway: None,                              // no push
///     listen: Some("127.0.0.1:0".parse().unwrap()),   // serve /metrics on a free port
///     ..PrometheusSettings::default()
/// };
/// let sink = PrometheusSink::new(settings)?;
/// assert!(sink.listen_addr().is_some());
/// # Ok::<(), codecarbon_prometheus::PrometheusError>(())
/// ```
#[derive(Clone, PartialEq)]
pub struct PrometheusSettings {
    /// The Pushgateway's base URL; `None`: no push. A URL without scheme gets `http://`, as
    /// Python's `push_to_gateway` does; user information in it is used as basic auth when
    /// [`PrometheusSettings::auth`] is `None`.
    pub pushgateway: Option<String>,
    /// Where to serve `GET /metrics`; `None`: no endpoint.
    pub listen: Option<SocketAddr>,
    /// The Pushgateway job, see [`job_name`].
    pub job: String,
    /// The Pushgateway's `instance` label: this machine's group of the job (the host name by
    /// default). Empty (no host name known, or set so by a program): the job's group alone,
    /// CodeCarbon's `{url}/metrics/job/{job}`.
    pub instance: String,
    /// Basic auth for the Pushgateway.
    pub auth: Option<BasicAuth>,
    /// Whether `finish` deletes the group after its last push, as CodeCarbon does at exit.
    pub delete_on_finish: bool,
    /// Longest wait to connect to the Pushgateway.
    pub connect_timeout: Duration,
    /// Longest wait for a whole request.
    pub request_timeout: Duration,
}

impl Default for PrometheusSettings {
    /// CodeCarbon's: push to `http://localhost:9091` as job `codecarbon_base`, no endpoint;
    /// the instance is the host name.
    fn default() -> Self {
        Self {
            pushgateway: Some(DEFAULT_PUSHGATEWAY_URL.into()),
            listen: None,
            job: job_name("codecarbon", "base"),
            instance: codecarbon_system::host_name().unwrap_or_default(),
            auth: None,
            delete_on_finish: true,
            connect_timeout: Duration::from_secs(2),
            request_timeout: Duration::from_secs(5),
        }
    }
}

impl fmt::Debug for PrometheusSettings {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("PrometheusSettings")
            .field("pushgateway", &self.pushgateway.as_deref().map(redact_url))
            .field("listen", &self.listen)
            .field("job", &self.job)
            .field("instance", &self.instance)
            .field("auth", &self.auth)
            .field("delete_on_finish", &self.delete_on_finish)
            .field("connect_timeout", &self.connect_timeout)
            .field("request_timeout", &self.request_timeout)
            .finish()
    }
}

impl PrometheusSettings {
    /// From the configuration and the process environment (`PROMETHEUS_USERNAME`,
    /// `PROMETHEUS_PASSWORD`).
    pub fn from_config(config: &Config) -> Result<Self, PrometheusError> {
        Self::from_config_with_env(config, |key| std::env::var(key).ok())
    }

    /// From the configuration, reading environment variables through `env` (tests pass a map).
    ///
    /// Pushes go to `prometheus_url`, or to CodeCarbon's default when neither `prometheus_url`
    /// nor `prometheus_listen` is set: an exporter alone does not push.
    pub fn from_config_with_env(
        config: &Config,
        env: impl Fn(&str) -> Option<String>,
    ) -> Result<Self, PrometheusError> {
        Self::from_options_with_env(config, &PrometheusOptions::from_config(config)?, env)
    }

    /// From the configuration and its parsed `options` (as the registry hands them to the
    /// plugin), and the process environment.
    pub fn from_options(
        config: &Config,
        options: &PrometheusOptions,
    ) -> Result<Self, PrometheusError> {
        Self::from_options_with_env(config, options, |key| std::env::var(key).ok())
    }

    /// From the configuration and its parsed `options`, reading environment variables through
    /// `env`, as [`PrometheusSettings::from_config_with_env`].
    pub fn from_options_with_env(
        config: &Config,
        options: &PrometheusOptions,
        env: impl Fn(&str) -> Option<String>,
    ) -> Result<Self, PrometheusError> {
        let listen = options
            .prometheus_listen
            .as_deref()
            .map(parse_listen)
            .transpose()?;
        let pushgateway = options.pushgateway_url().map(str::to_string);
        let var = |key| env(key).filter(|v| !v.is_empty());
        let auth = match (var(ENV_USERNAME), var(ENV_PASSWORD)) {
            (Some(user), Some(password)) => Some(BasicAuth::new(user, password)),
            (None, None) => None,
            _ => return Err(PrometheusError::HalfAuth),
        };
        let mut settings = Self {
            pushgateway,
            listen,
            job: job_name(&config.project_name, &config.experiment_name),
            auth,
            delete_on_finish: options.prometheus_delete_on_finish,
            ..Self::default()
        };
        if let Some(instance) = &options.prometheus_instance {
            settings.instance.clone_from(instance);
        }
        Ok(settings)
    }
}

impl PrometheusOptions {
    /// The Pushgateway these options push to: `prometheus_url`, or CodeCarbon's default when
    /// neither it nor `prometheus_listen` is set; `None` for an exporter alone, which only
    /// listens (and so works offline).
    pub fn pushgateway_url(&self) -> Option<&str> {
        match (&self.prometheus_url, &self.prometheus_listen) {
            (Some(url), _) => Some(url),
            (None, Some(_)) => None,
            (None, None) => Some(DEFAULT_PUSHGATEWAY_URL),
        }
    }
}

/// CodeCarbon's Pushgateway job: `{project_name}_{experiment_name}`, each character outside
/// `[a-zA-Z0-9_-]` replaced by `_`.
///
/// ```
/// assert_eq!(codecarbon_prometheus::job_name("my project", "base"), "my_project_base");
/// ```
pub fn job_name(project_name: &str, experiment_name: &str) -> String {
    format!("{project_name}_{experiment_name}")
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '_' || c == '-' {
                c
            } else {
                '_'
            }
        })
        .collect()
}

/// `HOST:PORT`: an IP address, or a name resolved now.
fn parse_listen(value: &str) -> Result<SocketAddr, PrometheusError> {
    if let Ok(addr) = value.parse() {
        return Ok(addr);
    }
    let bad = || PrometheusError::BadListen {
        value: value.to_string(),
    };
    value
        .to_socket_addrs()
        .map_err(|_| bad())?
        .next()
        .ok_or_else(bad)
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
    use super::*;
    use std::collections::HashMap;

    fn config(pairs: &[(&str, &str)]) -> Config {
        let mut c = Config::default();
        for (k, v) in pairs {
            c.extra.0.insert(k.to_string(), v.to_string());
        }
        c
    }

    fn no_env(_: &str) -> Option<String> {
        None
    }

    #[test]
    fn the_keys_are_declared_by_the_plugin_with_their_defaults() {
        assert_eq!(
            [KEY_URL, KEY_LISTEN, KEY_DELETE_ON_FINISH, KEY_INSTANCE],
            [
                "prometheus_url",
                "prometheus_listen",
                "prometheus_delete_on_finish",
                "prometheus_instance"
            ]
        );
        for key in [KEY_URL, KEY_LISTEN, KEY_DELETE_ON_FINISH, KEY_INSTANCE] {
            let spec = codecarbon_core::settings::find(key).unwrap();
            assert_eq!(spec.owner_name(), "prometheus", "{key}");
            assert!(!spec.doc_text().is_empty(), "{key}");
        }
        assert!(!codecarbon_core::settings::find(KEY_DELETE_ON_FINISH)
            .unwrap()
            .has_flag());
        assert_eq!(
            PrometheusOptions::from_config(&Config::default()).unwrap(),
            PrometheusOptions {
                prometheus_url: None,
                prometheus_listen: None,
                prometheus_delete_on_finish: true,
                prometheus_instance: None,
            }
        );
        let instance = codecarbon_core::settings::find(KEY_INSTANCE).unwrap();
        assert_eq!(instance.flag(), "--prometheus-instance");
        assert_eq!(instance.env_var(), "CODECARBON_PROMETHEUS_INSTANCE");
    }

    #[test]
    fn a_bad_value_is_refused_where_it_is_set_with_its_origin() {
        let mut c = Config::default();
        let err = c
            .set(
                KEY_DELETE_ON_FINISH,
                "maybe",
                "CODECARBON_PROMETHEUS_DELETE_ON_FINISH",
            )
            .unwrap_err();
        let text = err.to_string();
        assert!(text.contains("prometheus_delete_on_finish"), "{text}");
        assert!(
            text.contains("CODECARBON_PROMETHEUS_DELETE_ON_FINISH"),
            "{text}"
        );
        assert!(text.contains("true or false"), "{text}");
        let err = c
            .set(KEY_URL, "http://gw\u{1b}[2J", "--prometheus-url")
            .unwrap_err();
        assert!(err.to_string().contains("--prometheus-url"), "{err}");
        assert!(c.extra.get(KEY_URL).is_none());
        c.set(KEY_DELETE_ON_FINISH, "off", "t").unwrap();
        c.set(KEY_LISTEN, " localhost:9464 ", "t").unwrap();
        let o = PrometheusOptions::from_config(&c).unwrap();
        assert!(!o.prometheus_delete_on_finish);
        assert_eq!(o.prometheus_listen.as_deref(), Some("localhost:9464"));
        assert_eq!(o.pushgateway_url(), None);
    }

    #[test]
    fn defaults_are_codecarbons() {
        let s = PrometheusSettings::from_config_with_env(&config(&[]), no_env).unwrap();
        assert_eq!(s.pushgateway.as_deref(), Some("http://localhost:9091"));
        assert_eq!(s.job, "codecarbon_base");
        assert_eq!(s.listen, None);
        assert!(s.delete_on_finish);
        let host = std::fs::read_to_string("/proc/sys/kernel/hostname").unwrap();
        assert_eq!(s.instance, host.trim_end());
        assert_eq!(s.connect_timeout, Duration::from_secs(2));
        assert_eq!(s.request_timeout, Duration::from_secs(5));
    }

    #[test]
    fn an_exporter_alone_does_not_push() {
        let s = PrometheusSettings::from_config_with_env(
            &config(&[("prometheus_listen", "127.0.0.1:9464")]),
            no_env,
        )
        .unwrap();
        assert_eq!(s.pushgateway, None);
        assert_eq!(s.listen, Some("127.0.0.1:9464".parse().unwrap()));

        let both = PrometheusSettings::from_config_with_env(
            &config(&[
                ("prometheus_listen", "127.0.0.1:9464"),
                ("prometheus_url", "pgw:9091"),
            ]),
            no_env,
        )
        .unwrap();
        assert_eq!(both.pushgateway.as_deref(), Some("pgw:9091"));
    }

    #[test]
    fn a_bad_listen_address_says_the_expected_form() {
        let err = PrometheusSettings::from_config_with_env(
            &config(&[("prometheus_listen", "9464")]),
            no_env,
        )
        .unwrap_err();
        assert!(err.to_string().contains("HOST:PORT"), "{err}");
    }

    #[test]
    fn the_job_comes_from_project_and_experiment() {
        let mut c = config(&[]);
        c.project_name = "My Proj/1".into();
        c.experiment_name = "exp.é".into();
        let s = PrometheusSettings::from_config_with_env(&c, no_env).unwrap();
        assert_eq!(s.job, "My_Proj_1_exp__");
        assert_eq!(job_name("a-b_c", "D9"), "a-b_c_D9");
    }

    #[test]
    fn the_instance_setting_replaces_the_host_name() {
        let s = PrometheusSettings::from_config_with_env(
            &config(&[("prometheus_instance", "node-07")]),
            no_env,
        )
        .unwrap();
        assert_eq!(s.instance, "node-07");
        // Empty counts as unset, as for every setting.
        let mut c = Config::default();
        c.set(KEY_INSTANCE, " ", "CODECARBON_PROMETHEUS_INSTANCE")
            .unwrap();
        let s = PrometheusSettings::from_config_with_env(&c, no_env).unwrap();
        assert_eq!(s.instance, PrometheusSettings::default().instance);
        assert!(!s.instance.is_empty());
    }

    #[test]
    fn basic_auth_needs_both_variables_and_hides_the_password() {
        let env: HashMap<&str, &str> = [
            ("PROMETHEUS_USERNAME", "alice"),
            ("PROMETHEUS_PASSWORD", "s3cret-pw"),
        ]
        .into();
        let s = PrometheusSettings::from_config_with_env(&config(&[]), |k| {
            env.get(k).map(|v| v.to_string())
        })
        .unwrap();
        assert_eq!(s.auth, Some(BasicAuth::new("alice", "s3cret-pw")));
        let shown = format!("{s:?}");
        assert!(shown.contains("alice"), "{shown}");
        assert!(!shown.contains("s3cret-pw"), "{shown}");

        let half = PrometheusSettings::from_config_with_env(&config(&[]), |k| {
            (k == "PROMETHEUS_PASSWORD").then(|| "s3cret-pw".to_string())
        })
        .unwrap_err();
        assert!(!half.to_string().contains("s3cret-pw"));
        assert!(half.to_string().contains("set both"), "{half}");
    }

    #[test]
    fn debug_hides_the_credentials_of_the_url() {
        let s = PrometheusSettings {
            pushgateway: Some("http://bob:pw-123@gw/?token=t0k3n".into()),
            ..PrometheusSettings::default()
        };
        let shown = format!("{s:?}");
        assert!(
            !shown.contains("pw-123") && !shown.contains("t0k3n"),
            "{shown}"
        );
        assert!(shown.contains("\"http://gw/\""), "{shown}");
    }

    #[test]
    fn delete_on_finish_reads_a_boolean() {
        let s = PrometheusSettings::from_config_with_env(
            &config(&[("prometheus_delete_on_finish", "false")]),
            no_env,
        )
        .unwrap();
        assert!(!s.delete_on_finish);
        let err = PrometheusSettings::from_config_with_env(
            &config(&[("prometheus_delete_on_finish", "maybe")]),
            no_env,
        )
        .unwrap_err();
        assert!(err.to_string().contains("true or false"), "{err}");
    }
}
