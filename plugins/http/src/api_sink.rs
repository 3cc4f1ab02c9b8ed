//! `api`: CodeCarbon's `CodeCarbonAPIOutput`, a run registered with `POST /runs`, then each
//! interval with `POST /emissions`.

use crate::client::{self, describe, redirect_target};
use crate::delta::Sent;
use crate::error::HttpSinkError;
use crate::schema::{self, EmissionCreate, RunCreate};
use crate::settings::ApiSettings;
use codecarbon_core::body::{read_bounded, ANSWER_BYTES, EXCERPT_BYTES};
use codecarbon_core::settings::Settings;
use codecarbon_core::{
    async_trait, redact_url, Config, Credentials, EmissionsData, Report, Secret, Sink, SinkError,
};
use reqwest::{Client, Response, StatusCode, Url};
use serde::Serialize;
use std::fmt;

pub use crate::settings::{API_ENDPOINT, API_KEY, DEFAULT_API_ENDPOINT};
/// The header that carries the key.
pub const API_TOKEN_HEADER: &str = "x-api-token";

/// Sends the run to the CodeCarbon API (the dashboard's source), as CodeCarbon does.
///
/// At the first call it registers the run with `POST {api_endpoint}/runs` (the machine: OS,
/// CPU and GPU models and counts, RAM, coordinates rounded to 0.1°, cloud provider and region,
/// tracking mode) under `experiment_id` and keeps the run id the API answers. Then each
/// record, flush and stop posts `POST {api_endpoint}/emissions` with what happened **since
/// the previous accepted post**: duration (whole seconds), `emissions_sum`, `emissions_rate`
/// and energies are the interval's; powers and utilisations are the run's means so far. An
/// interval shorter than one second is kept for the next post, as is one the API refused; at
/// stop ([`Sink::finish`]) whatever is left is posted even if under a second (duration 0), so
/// the posted intervals always add up to the run's totals. A failed registration is retried at
/// the next call.
///
/// The engine may reuse one sink for several runs (a tracker started again): when the
/// report's `run_id` changes, the sink registers a new run with the API and counts intervals
/// from zero again.
///
/// Redirects are not followed (the key would go with them to any host); a 3xx answer is an
/// error naming where it points.
///
/// The key, if any, goes in header `x-api-token`; it never appears in an error or in `Debug`.
///
/// ```
/// use codecarbon_http::ApiSink;
///
/// let sink = ApiSink::new("https://api.codecarbon.io", "my-experiment", Some("secret"))?;
/// assert!(!format!("{sink:?}").contains("secret"));
/// # Ok::<(), codecarbon_http::HttpSinkError>(())
/// ```
pub struct ApiSink {
    runs: Url,
    emissions: Url,
    api_key: Option<Secret>,
    /// The key and the endpoint's `user:password`, hidden from whatever the API answers.
    credentials: Credentials,
    experiment_id: String,
    client: Client,
    run_id: Option<String>,
    /// The tracker's run id (`EmissionsData::run_id`) that `run_id` and `sent` belong to.
    local_run: Option<String>,
    sent: Sent,
}

impl ApiSink {
    /// A sink for the API at `endpoint` (base URL), filing runs under `experiment_id`.
    pub fn new(
        endpoint: &str,
        experiment_id: &str,
        api_key: Option<&str>,
    ) -> Result<Self, HttpSinkError> {
        let bad = |message: String| HttpSinkError::Config {
            key: API_ENDPOINT,
            message: format!(
                "not a usable URL ({message}); leave it unset for {DEFAULT_API_ENDPOINT}"
            ),
        };
        let base = client::parse_endpoint(endpoint).map_err(bad)?;
        let base = base.as_str().trim_end_matches('/').to_string();
        let join =
            |path: &str| Url::parse(&format!("{base}{path}")).map_err(|e| bad(e.to_string()));
        if experiment_id.trim().is_empty() {
            return Err(HttpSinkError::Config {
                key: codecarbon_core::config::key::experiment_id,
                message: "empty; set it to the id of an experiment of your CodeCarbon project \
                          (`codecarbon config` writes it)"
                    .into(),
            });
        }
        let api_key = api_key.map(Secret::new).filter(|k| !k.is_empty());
        let credentials = match &api_key {
            Some(key) => Credentials::none().with_url(endpoint).with_secret(key),
            None => Credentials::none().with_url(endpoint),
        };
        Ok(Self {
            runs: join("/runs")?,
            emissions: join("/emissions")?,
            api_key,
            credentials,
            experiment_id: experiment_id.trim().to_string(),
            client: client::client().map_err(|e| HttpSinkError::Client(describe(&e)))?,
            run_id: None,
            local_run: None,
            sent: Sent::default(),
        })
    }

    /// The sink for `config`: `api_endpoint` (default [`DEFAULT_API_ENDPOINT`]), `api_key`
    /// and `experiment_id`.
    pub fn from_config(config: &Config) -> Result<Self, HttpSinkError> {
        Self::from_settings(config, &ApiSettings::from_config(config)?)
    }

    /// The sink for `config` and its parsed `settings` (as the registry hands them to the
    /// plugin), as [`ApiSink::from_config`].
    pub fn from_settings(config: &Config, settings: &ApiSettings) -> Result<Self, HttpSinkError> {
        let key = settings.api_key.as_ref().map(Secret::expose);
        Self::new(settings.endpoint(), &config.experiment_id, key)
    }

    /// The run id the API gave, once registered.
    pub fn run_id(&self) -> Option<&str> {
        self.run_id.as_deref()
    }

    /// Registers the run if needed, then posts the interval since the last accepted post, if
    /// it lasted a second or more (the rest waits for the next call).
    pub async fn send(&mut self, total: &EmissionsData) -> Result<(), HttpSinkError> {
        self.send_interval(total, false).await
    }

    /// As [`send`](Self::send), but posts what is left even if under a second: the run's
    /// last post, so that the intervals add up to the totals.
    pub async fn send_last(&mut self, total: &EmissionsData) -> Result<(), HttpSinkError> {
        self.send_interval(total, true).await
    }

    async fn send_interval(
        &mut self,
        total: &EmissionsData,
        last: bool,
    ) -> Result<(), HttpSinkError> {
        self.follow_run(&total.run_id);
        let run_id = match &self.run_id {
            Some(id) => id.clone(),
            None => {
                let id = self.create_run(total).await?;
                self.run_id = Some(id.clone());
                id
            }
        };
        let interval = self.sent.interval(total);
        if interval.seconds < 1.0 && (!last || interval.is_empty()) {
            // CodeCarbon sends no delta under a second (`delta.duration < 1`); it waits in `sent`.
            return Ok(());
        }
        let body = EmissionCreate::new(&run_id, total, &interval, schema::now());
        self.post(&self.emissions, &body).await?;
        self.sent.advance(total, &interval);
        Ok(())
    }

    /// Starts afresh when the tracker's run changed: the next post registers a new API run,
    /// and intervals count from zero.
    fn follow_run(&mut self, local_run: &str) {
        if self.local_run.as_deref() != Some(local_run) {
            if self.local_run.is_some() {
                self.run_id = None;
                self.sent = Sent::default();
            }
            self.local_run = Some(local_run.to_string());
        }
    }

    async fn create_run(&self, total: &EmissionsData) -> Result<String, HttpSinkError> {
        let body = RunCreate::new(&self.experiment_id, total, schema::now());
        let mut answer = self.post(&self.runs, &body).await?;
        let unexpected = |message: String| HttpSinkError::Answer {
            url: redact_url(self.runs.as_str()),
            message: self.credentials.quote(&message),
        };
        let text = read_bounded(&mut answer, ANSWER_BYTES, |a| Box::pin(a.chunk()))
            .await
            .map_err(|e| HttpSinkError::Request {
                url: redact_url(self.runs.as_str()),
                message: self.credentials.quote(&describe(&e)),
                key: API_ENDPOINT,
            })?
            .whole()
            .map_err(|too_large| unexpected(too_large.to_string()))?;
        run_id(&String::from_utf8_lossy(&text)).map_err(unexpected)
    }

    /// POSTs `body` as JSON; the answer, its body unread, on success.
    async fn post(&self, url: &Url, body: &impl Serialize) -> Result<Response, HttpSinkError> {
        let mut request = self.client.post(url.clone()).json(body);
        if let Some(key) = &self.api_key {
            request = request.header(API_TOKEN_HEADER, key.expose());
        }
        let answer = request.send().await.map_err(|e| HttpSinkError::Request {
            url: redact_url(url.as_str()),
            message: self.credentials.quote(&describe(&e)),
            key: API_ENDPOINT,
        })?;
        let status = answer.status();
        if status.is_redirection() {
            return Err(HttpSinkError::Redirect {
                url: redact_url(url.as_str()),
                status: status.as_u16(),
                target: redirect_target(url, &answer, &self.credentials),
                key: API_ENDPOINT,
            });
        }
        if status.is_success() {
            return Ok(answer);
        }
        Err(HttpSinkError::Status {
            url: redact_url(url.as_str()),
            status: status.as_u16(),
            detail: self.excerpt(answer).await,
            hint: hint(status, url == &self.runs),
        })
    }

    /// `: <the start of the answer>`, quoted (credentials hidden, escapes visible, on one
    /// line, bounded); empty for an empty answer. Only the start is read, however much the
    /// server sends.
    async fn excerpt(&self, mut answer: Response) -> String {
        let start = read_bounded(&mut answer, EXCERPT_BYTES, |a| Box::pin(a.chunk()))
            .await
            .unwrap_or_default();
        let quoted = self.credentials.quote_body(&start);
        if quoted.is_empty() {
            String::new()
        } else {
            format!(": {quoted}")
        }
    }
}

/// The run id in the API's answer to `POST /runs` (`{"id": "..."}`, a string or a number), or
/// what is wrong with the answer. The id goes into every later request and into messages, so
/// one that cannot be an id (empty, over 200 characters, a control character) is refused.
pub(crate) fn run_id(answer: &str) -> Result<String, String> {
    let value: serde_json::Value =
        serde_json::from_str(answer).map_err(|e| format!("not JSON ({e})"))?;
    let id = match value.get("id") {
        Some(serde_json::Value::String(id)) => id.clone(),
        Some(serde_json::Value::Number(n)) => n.to_string(),
        _ => return Err("no run `id` in it".into()),
    };
    if id.is_empty() || id.chars().count() > 200 || id.chars().any(char::is_control) {
        return Err(format!("the run `id` {id:?} is not an id"));
    }
    Ok(id)
}

fn hint(status: StatusCode, registering: bool) -> String {
    match status.as_u16() {
        401 | 403 => {
            format!(
                "; check `{API_KEY}` (a project token from the dashboard, or Python CodeCarbon's `codecarbon config`)"
            )
        }
        404 | 422 if registering => format!("; check `experiment_id` and `{API_ENDPOINT}`"),
        _ => format!("; check `{API_ENDPOINT}`"),
    }
}

impl fmt::Debug for ApiSink {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ApiSink")
            .field("runs", &redact_url(self.runs.as_str()))
            .field("experiment_id", &self.experiment_id)
            .field("api_key", &self.api_key)
            .field("run_id", &self.run_id)
            .finish()
    }
}

#[async_trait]
impl Sink for ApiSink {
    async fn record(&mut self, report: &Report) -> Result<(), SinkError> {
        self.send(&report.data)
            .await
            .map_err(|e| e.into_sink("api"))
    }

    async fn flush(&mut self, report: &Report) -> Result<(), SinkError> {
        self.send(&report.data)
            .await
            .map_err(|e| e.into_sink("api"))
    }

    async fn finish(&mut self, report: &Report) -> Result<(), SinkError> {
        self.send_last(&report.data)
            .await
            .map_err(|e| e.into_sink("api"))
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn the_run_id_is_a_string_or_a_number() {
        assert_eq!(run_id(r#"{"id":"7f3c-run"}"#).unwrap(), "7f3c-run");
        assert_eq!(run_id(r#"{"id":42,"x":1}"#).unwrap(), "42");
        assert!(run_id("<html>").unwrap_err().starts_with("not JSON"));
        for no_id in [r#"{"id":""}"#, r#"{"id":null}"#, "[1]", r#"{"ID":"x"}"#] {
            assert!(run_id(no_id).is_err(), "{no_id}");
        }
        let hostile = run_id(r#"{"id":"\u001b]0;pwned\u0007"}"#).unwrap_err();
        assert!(hostile.contains("is not an id"), "{hostile}");
        assert!(!hostile.contains('\x1b'), "{hostile}");
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(256))]

        /// Any answer parses to a printable id or is an error; none panics.
        #[test]
        fn any_answer_gives_an_id_or_an_error(answer in prop_oneof![
            any::<String>(),
            "\\{\"id\":(\"[^\"]{0,40}\"|-?[0-9]{1,30}(\\.[0-9]+)?(e[0-9]{1,4})?|null|true|\\[\\]|\\{\\})\\}",
        ]) {
            match run_id(&answer) {
                Ok(id) => prop_assert!(
                    !id.is_empty() && !id.chars().any(char::is_control),
                    "{id:?}"
                ),
                Err(message) => prop_assert!(!message.is_empty()),
            }
        }
    }
}
