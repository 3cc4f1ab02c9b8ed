//! `http`: CodeCarbon's `HTTPOutput`, a JSON POST of the totals at each flush and at stop.

use crate::client::{self, describe, redirect_target};
use crate::error::HttpSinkError;
use crate::settings::HttpSettings;
use codecarbon_core::settings::Settings;
use codecarbon_core::{
    async_trait, redact_url, Config, Credentials, EmissionsData, Report, Sink, SinkError,
};
use reqwest::{Client, Url};
use serde::Serialize;
use std::fmt;

pub use crate::settings::EMISSIONS_ENDPOINT;

/// The body: CodeCarbon's 38 fields, then `user`, as `HTTPOutput` sends them.
#[derive(Serialize)]
struct Body<'a> {
    #[serde(flatten)]
    data: &'a EmissionsData,
    user: Option<&'a str>,
}

/// POSTs the run's cumulative totals as JSON to `emissions_endpoint` at each flush and at
/// stop, like CodeCarbon's `HTTPOutput` (which has no per-interval output): the body is the
/// 38 fields of the CSV with the same names and units, plus `"user"`, the login name
/// (`LOGNAME`, `USER`, `LNAME` or `USERNAME`, as Python's `getpass.getuser()`; `null` when
/// none is set).
///
/// Any 2xx answer is success (CodeCarbon warns on anything but 201); another status is an
/// error naming the status and the URL, with credentials hidden and the query left out.
///
/// ```
/// use codecarbon_http::HttpSink;
///
/// let sink = HttpSink::new("https://user:pw@collector.example/emissions")?;
/// assert_eq!(sink.endpoint(), "https://collector.example/emissions");
/// # Ok::<(), codecarbon_http::HttpSinkError>(())
/// ```
pub struct HttpSink {
    url: Url,
    /// The URL's `user:password` and query, hidden from whatever the server answers.
    credentials: Credentials,
    client: Client,
    user: Option<String>,
}

impl HttpSink {
    /// A sink that posts to `endpoint`, an `http` or `https` URL.
    pub fn new(endpoint: &str) -> Result<Self, HttpSinkError> {
        let url = client::parse_endpoint(endpoint).map_err(|message| HttpSinkError::Config {
            key: EMISSIONS_ENDPOINT,
            message: format!("not a usable URL ({message}); set it to e.g. https://host/emissions"),
        })?;
        Ok(Self {
            url,
            credentials: Credentials::none().with_url(endpoint),
            client: client::client().map_err(|e| HttpSinkError::Client(describe(&e)))?,
            user: login_name(|k| std::env::var(k).ok()),
        })
    }

    /// The sink for `config`: fails when `emissions_endpoint` is unset or malformed.
    pub fn from_config(config: &Config) -> Result<Self, HttpSinkError> {
        Self::from_settings(&HttpSettings::from_config(config)?)
    }

    /// The sink its parsed `settings` describe (as the registry hands them to the plugin):
    /// fails when `emissions_endpoint` is unset or malformed.
    pub fn from_settings(settings: &HttpSettings) -> Result<Self, HttpSinkError> {
        match &settings.emissions_endpoint {
            Some(endpoint) => Self::new(endpoint),
            None => Err(HttpSinkError::Config {
                key: EMISSIONS_ENDPOINT,
                message: format!(
                    "not set; the `http` output posts each record to that URL: set \
                     `{EMISSIONS_ENDPOINT}` in .codecarbon.config or CODECARBON_{}",
                    EMISSIONS_ENDPOINT.to_ascii_uppercase()
                ),
            }),
        }
    }

    /// The same sink, sending `user` as the user name.
    pub fn with_user(mut self, user: Option<String>) -> Self {
        self.user = user;
        self
    }

    /// The URL, with credentials hidden and the query left out.
    pub fn endpoint(&self) -> String {
        redact_url(self.url.as_str())
    }

    /// Sends one record.
    pub async fn post(&self, data: &EmissionsData) -> Result<(), HttpSinkError> {
        let body = Body {
            data,
            user: self.user.as_deref(),
        };
        let answer = self
            .client
            .post(self.url.clone())
            .json(&body)
            .send()
            .await
            .map_err(|e| HttpSinkError::Request {
                url: self.endpoint(),
                message: self.credentials.quote(&describe(&e)),
                key: EMISSIONS_ENDPOINT,
            })?;
        let status = answer.status();
        if status.is_success() {
            return Ok(());
        }
        if status.is_redirection() {
            return Err(HttpSinkError::Redirect {
                url: self.endpoint(),
                status: status.as_u16(),
                target: redirect_target(&self.url, &answer, &self.credentials),
                key: EMISSIONS_ENDPOINT,
            });
        }
        Err(HttpSinkError::Status {
            url: self.endpoint(),
            status: status.as_u16(),
            detail: String::new(),
            hint: format!("; check `{EMISSIONS_ENDPOINT}` and the receiving server"),
        })
    }
}

/// The login name, looked up as Python's `getpass.getuser()` does in the environment.
fn login_name(var: impl Fn(&str) -> Option<String>) -> Option<String> {
    ["LOGNAME", "USER", "LNAME", "USERNAME"]
        .into_iter()
        .filter_map(var)
        .find(|v| !v.is_empty())
}

impl fmt::Debug for HttpSink {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("HttpSink")
            .field("endpoint", &self.endpoint())
            .field("user", &self.user)
            .finish()
    }
}

#[async_trait]
impl Sink for HttpSink {
    async fn flush(&mut self, report: &Report) -> Result<(), SinkError> {
        self.post(&report.data)
            .await
            .map_err(|e| e.into_sink("http"))
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
    use super::*;

    /// The body is every column of core's record description, in its order, then `user`: a
    /// column added there is sent without an edit here.
    #[test]
    fn the_body_has_every_column_then_the_user() {
        let data = EmissionsData::default();
        let body = Body {
            data: &data,
            user: Some("u"),
        };
        let text = serde_json::to_string(&body).unwrap();
        let mut at = 0;
        for name in codecarbon_core::CSV_COLUMNS.iter().chain(&["user"]) {
            let key = format!("\"{name}\":");
            let found = text[at..]
                .find(&key)
                .unwrap_or_else(|| panic!("{name} in {text}"));
            at += found + key.len();
        }
        let value: serde_json::Value = serde_json::from_str(&text).unwrap();
        assert_eq!(
            value.as_object().unwrap().len(),
            codecarbon_core::CSV_COLUMNS.len() + 1
        );
    }

    #[test]
    fn the_login_name_follows_getpass_order() {
        let env = |pairs: &'static [(&'static str, &'static str)]| {
            move |k: &str| {
                pairs
                    .iter()
                    .find(|(n, _)| *n == k)
                    .map(|(_, v)| v.to_string())
            }
        };
        assert_eq!(
            login_name(env(&[("USER", "u"), ("LOGNAME", "l")])),
            Some("l".into())
        );
        assert_eq!(
            login_name(env(&[("LOGNAME", ""), ("USERNAME", "w")])),
            Some("w".into())
        );
        assert_eq!(login_name(env(&[])), None);
    }
}
