//! What the sink needs to know, read from Comet's own environment variables.

use crate::error::CometError;
use crate::ApiKey;
use codecarbon_core::redact_url;
use reqwest::Url;
use std::fmt;
use std::time::Duration;

/// `COMET_API_KEY`: the API key (required).
pub const ENV_API_KEY: &str = "COMET_API_KEY";
/// `COMET_WORKSPACE`: the workspace of a new experiment.
pub const ENV_WORKSPACE: &str = "COMET_WORKSPACE";
/// `COMET_PROJECT_NAME`: the project of a new experiment.
pub const ENV_PROJECT_NAME: &str = "COMET_PROJECT_NAME";
/// `COMET_EXPERIMENT_KEY`: log to this existing experiment instead of creating one.
pub const ENV_EXPERIMENT_KEY: &str = "COMET_EXPERIMENT_KEY";
/// `COMET_URL_OVERRIDE`: the Comet server, for a self-hosted Comet.
pub const ENV_URL_OVERRIDE: &str = "COMET_URL_OVERRIDE";

/// Comet's cloud service, where the REST API lives under [`REST_PATH`].
pub const DEFAULT_SERVER: &str = "https://www.comet.com";

/// The path of Comet's REST API v2 on a server.
pub const REST_PATH: &str = "/api/rest/v2/";

/// Time limits and retries: every request is bounded, and so is every sink call.
///
/// A sink call (one `record`, `flush` or `finish`) makes several requests; after a failure it
/// stops, so a call never takes much longer than `call_budget`. Tests shorten these.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// Longest wait for the TCP (and TLS) connection; default 2 s.
    pub connect_timeout: Duration,
    /// Longest wait for one whole request; default 10 s.
    pub request_timeout: Duration,
    /// Longest time one sink call spends talking to Comet, retries included; default 15 s.
    pub call_budget: Duration,
    /// Tries per request for connection errors, timeouts, 429 and 5xx; default 3.
    pub attempts: u32,
    /// Wait before the second try, doubled before each later one; default 0.5 s.
    pub first_backoff: Duration,
    /// After Comet could not be reached, how long `record` and `flush` skip it (failing at
    /// once) so that a dead server does not hold up every interval; default 60 s. `finish`
    /// always tries, since it uploads `emissions.csv`.
    pub cooldown: Duration,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            connect_timeout: Duration::from_secs(2),
            request_timeout: Duration::from_secs(10),
            call_budget: Duration::from_secs(15),
            attempts: 3,
            first_backoff: Duration::from_millis(500),
            cooldown: Duration::from_secs(60),
        }
    }
}

/// The sink's settings, under Comet's own names.
///
/// `Debug` hides the API key, and any `user:password` or query in `url_override`.
#[derive(Clone, PartialEq)]
pub struct CometSettings {
    /// `COMET_API_KEY`, sent as the `Authorization` header of every request.
    pub api_key: ApiKey,
    /// `COMET_WORKSPACE`: needed to create an experiment.
    pub workspace: Option<String>,
    /// `COMET_PROJECT_NAME`: the project of a new experiment; the `comet` plugin defaults it
    /// to CodeCarbon's `project_name`.
    pub project_name: Option<String>,
    /// The new experiment's name (`experimentName`); Comet picks one when `None`. The `comet`
    /// plugin sets CodeCarbon's `experiment_name`.
    pub experiment_name: Option<String>,
    /// `COMET_EXPERIMENT_KEY`: attach to this experiment; no experiment is created.
    pub experiment_key: Option<String>,
    /// `COMET_URL_OVERRIDE`, as Comet's SDK reads it: only its scheme, host and port count
    /// (`https://comet.example.com/clientlib/` means the server `https://comet.example.com`),
    /// and the REST API is at [`REST_PATH`] on that server. `None`: [`DEFAULT_SERVER`].
    pub url_override: Option<String>,
    /// Timeouts and retries.
    pub limits: Limits,
}

impl fmt::Debug for CometSettings {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("CometSettings")
            .field("api_key", &self.api_key)
            .field("workspace", &self.workspace)
            .field("project_name", &self.project_name)
            .field("experiment_name", &self.experiment_name)
            .field("experiment_key", &self.experiment_key)
            .field(
                "url_override",
                &self.url_override.as_deref().map(redact_url),
            )
            .field("limits", &self.limits)
            .finish()
    }
}

impl CometSettings {
    /// Settings with this key and nothing else: default server and limits.
    pub fn new(api_key: impl Into<String>) -> CometSettings {
        CometSettings {
            api_key: ApiKey::new(api_key),
            workspace: None,
            project_name: None,
            experiment_name: None,
            experiment_key: None,
            url_override: None,
            limits: Limits::default(),
        }
    }

    /// Reads `COMET_API_KEY`, `COMET_WORKSPACE`, `COMET_PROJECT_NAME`, `COMET_EXPERIMENT_KEY`
    /// and `COMET_URL_OVERRIDE` from the process environment.
    ///
    /// # Errors
    /// [`CometError::MissingApiKey`] when `COMET_API_KEY` is unset or empty.
    pub fn from_env() -> Result<CometSettings, CometError> {
        CometSettings::from_vars(|name| std::env::var(name).ok())
    }

    /// Like [`from_env`](Self::from_env), from any source of variables (tests pass a map). An
    /// empty or blank value counts as unset.
    ///
    /// # Errors
    /// [`CometError::MissingApiKey`] when `COMET_API_KEY` is unset or empty.
    pub fn from_vars(var: impl Fn(&str) -> Option<String>) -> Result<CometSettings, CometError> {
        let get = |name: &str| {
            var(name)
                .map(|v| v.trim().to_string())
                .filter(|v| !v.is_empty())
        };
        let key = get(ENV_API_KEY).ok_or(CometError::MissingApiKey)?;
        Ok(CometSettings {
            workspace: get(ENV_WORKSPACE),
            project_name: get(ENV_PROJECT_NAME),
            experiment_key: get(ENV_EXPERIMENT_KEY),
            url_override: get(ENV_URL_OVERRIDE),
            ..CometSettings::new(key)
        })
    }

    /// The REST API's base URL, ending in `/api/rest/v2/`.
    ///
    /// # Errors
    /// [`CometError::BadUrl`] when `COMET_URL_OVERRIDE` is not an `http` or `https` URL.
    pub fn rest_base(&self) -> Result<Url, CometError> {
        let server = self.url_override.as_deref().unwrap_or(DEFAULT_SERVER);
        let bad = |reason: String| CometError::BadUrl { reason };
        let url = Url::parse(server).map_err(|e| bad(e.to_string()))?;
        if !matches!(url.scheme(), "http" | "https") {
            return Err(bad(format!("scheme `{}`", url.scheme())));
        }
        let host = url.host_str().ok_or_else(|| bad("no host".to_string()))?;
        let port = url.port().map(|p| format!(":{p}")).unwrap_or_default();
        // Rebuilt from scheme, host and port only: a path, query or `user:password` in the
        // override never reaches a request or a message.
        Url::parse(&format!("{}://{host}{port}{REST_PATH}", url.scheme()))
            .map_err(|e| bad(e.to_string()))
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
    use super::*;
    use std::collections::HashMap;

    fn vars(pairs: &[(&str, &str)]) -> impl Fn(&str) -> Option<String> {
        let map: HashMap<String, String> = pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        move |name| map.get(name).cloned()
    }

    #[test]
    fn reads_comets_variables_and_treats_blank_as_unset() {
        let s = CometSettings::from_vars(vars(&[
            ("COMET_API_KEY", " k3y\n"),
            ("COMET_WORKSPACE", "team"),
            ("COMET_PROJECT_NAME", "proj"),
            ("COMET_EXPERIMENT_KEY", " "),
            ("COMET_URL_OVERRIDE", "http://127.0.0.1:9/clientlib/"),
        ]))
        .unwrap();
        assert_eq!(s.api_key, ApiKey::new("k3y"));
        assert_eq!(s.workspace.as_deref(), Some("team"));
        assert_eq!(s.project_name.as_deref(), Some("proj"));
        assert_eq!(s.experiment_key, None);
        assert_eq!(
            s.rest_base().unwrap().as_str(),
            "http://127.0.0.1:9/api/rest/v2/"
        );
        assert_eq!(s.limits, Limits::default());
    }

    #[test]
    fn debug_hides_the_key_and_the_override_credentials() {
        let mut s = CometSettings::new("k3y-s3cr3t");
        s.url_override = Some("https://bob:hunter2@comet.example.com/clientlib/?t=t0k3n".into());
        let shown = format!("{s:?}");
        for secret in ["k3y-s3cr3t", "bob", "hunter2", "t0k3n"] {
            assert!(!shown.contains(secret), "{secret} in {shown}");
        }
        assert!(
            shown.contains("\"https://comet.example.com/clientlib/\""),
            "{shown}"
        );
        assert!(shown.contains("api_key: Secret(<hidden>)"), "{shown}");
    }

    #[test]
    fn a_missing_or_empty_key_says_to_set_it() {
        for v in [vars(&[]), vars(&[("COMET_API_KEY", "")])] {
            let e = CometSettings::from_vars(v).unwrap_err();
            assert!(matches!(e, CometError::MissingApiKey));
            assert!(e.to_string().contains("set COMET_API_KEY"), "{e}");
        }
    }

    #[test]
    fn the_rest_base_keeps_only_scheme_host_and_port() {
        let base = |o: Option<&str>| {
            let mut s = CometSettings::new("k");
            s.url_override = o.map(str::to_string);
            s.rest_base()
        };
        assert_eq!(
            base(None).unwrap().as_str(),
            "https://www.comet.com/api/rest/v2/"
        );
        for given in [
            "https://comet.example.com",
            "https://comet.example.com/",
            "https://comet.example.com/clientlib/",
            "https://comet.example.com/api/rest/v2",
            "https://user:pw@comet.example.com/api/rest/v2/?x=1",
        ] {
            assert_eq!(
                base(Some(given)).unwrap().as_str(),
                "https://comet.example.com/api/rest/v2/",
                "{given}"
            );
        }
        let e = base(Some("ftp://comet.example.com")).unwrap_err();
        assert!(e.to_string().contains("COMET_URL_OVERRIDE"), "{e}");
        assert!(base(Some("not a url")).is_err());
    }
}
